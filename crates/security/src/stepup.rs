//! Step-up: risky actions need a second-factor check within a window (default 10 minutes).

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::SecurityError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StepUpPolicy {
    /// How long a second-factor check stays fresh.
    pub window_secs: u64,
    /// Payments above this amount, in minor units of their currency, are risky.
    pub payment_above_minor: i64,
}

impl Default for StepUpPolicy {
    fn default() -> Self {
        StepUpPolicy {
            window_secs: 600,
            payment_above_minor: 50_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ChangePayoutAccount,
    ChangeEmail,
    ChangePassword,
    /// A payment of this many minor units.
    Payment {
        amount_minor: i64,
    },
}

impl Action {
    /// Reads the wire's `action` (and `amount_minor` for a payment).
    pub fn parse(action: &str, amount_minor: Option<i64>) -> Result<Action, SecurityError> {
        Ok(match action {
            "change_payout_account" => Action::ChangePayoutAccount,
            "change_email" => Action::ChangeEmail,
            "change_password" => Action::ChangePassword,
            "payment" => Action::Payment {
                amount_minor: amount_minor.ok_or_else(|| {
                    SecurityError::Invalid("a `payment` needs its `amount`".into())
                })?,
            },
            other => return Err(SecurityError::UnknownAction(other.to_string())),
        })
    }
}

/// The answer for one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepUp {
    pub required: bool,
    /// `not_risky`, `fresh_second_factor`, `no_recent_second_factor` or `no_second_factor_enrolled`.
    pub reason: &'static str,
    /// Until when the last check covers risky actions, when it does.
    pub fresh_until: Option<OffsetDateTime>,
}

pub fn check(
    action: Action,
    enrolled: bool,
    last_second_factor_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    policy: &StepUpPolicy,
) -> StepUp {
    let risky = match action {
        Action::Payment { amount_minor } => amount_minor > policy.payment_above_minor,
        _ => true,
    };
    let window = Duration::seconds(i64::try_from(policy.window_secs).unwrap_or(i64::MAX));
    let fresh_until = last_second_factor_at
        .map(|t| t + window)
        .filter(|until| *until > now);
    let (required, reason) = if !risky {
        (false, "not_risky")
    } else if fresh_until.is_some() {
        (false, "fresh_second_factor")
    } else if !enrolled {
        (true, "no_second_factor_enrolled")
    } else {
        (true, "no_recent_second_factor")
    };
    StepUp {
        required,
        reason,
        fresh_until,
    }
}
