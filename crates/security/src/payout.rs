//! Payout-account changes: the account is kept only as a keyed fingerprint, and a change holds payouts.

use time::{Duration, OffsetDateTime};

use crate::DataKey;

/// The fingerprint of a payout account (IBAN, account number, ...): spaces, dashes and case ignored.
pub fn fingerprint(key: &DataKey, account: &str) -> String {
    let canonical: String = account
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    key.fingerprint("payout-account", &canonical)
}

/// Until when payouts are held after a change at `now`.
pub fn hold_until(now: OffsetDateTime, hold_hours: u64) -> OffsetDateTime {
    now + Duration::hours(i64::try_from(hold_hours).unwrap_or(i64::MAX / 3600))
}
