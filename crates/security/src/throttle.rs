//! Login throttling (NIST SP 800-63B rev. 4, 3.2.2): growing delays per account and per source IP after
//! failures, and at most [`ThrottlePolicy::hard_limit`] consecutive failures on one account before the password
//! alone stops being enough. Nothing here locks an account for good: every delay ends, and the owner gets past
//! the hard limit with the second factor or a reset, which starts the count again. Many different accounts
//! failing from one source is credential stuffing.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottlePolicy {
    /// Consecutive failures on an account before delays start.
    pub account_free_failures: u32,
    /// Failures from one IP within the window before delays start for that IP.
    pub ip_free_failures: u32,
    /// The first delay; each further failure doubles it.
    pub base_delay_secs: u64,
    /// The longest delay.
    pub max_delay_secs: u64,
    /// Consecutive failures after which a correct password alone is not enough (at most 100, per NIST).
    pub hard_limit: u32,
    /// Different accounts failing from one IP within the window that count as credential stuffing.
    pub stuffing_accounts: u32,
    /// The window for per-IP counts.
    pub window_secs: u64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account_free_failures: 5,
            ip_free_failures: 20,
            base_delay_secs: 2,
            max_delay_secs: 15 * 60,
            hard_limit: 100,
            stuffing_accounts: 5,
            window_secs: 3600,
        }
    }
}

/// What the store counted before this attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureFacts {
    /// Failures on the account since its last success.
    pub account_consecutive_failures: u32,
    pub account_last_failure_at: Option<OffsetDateTime>,
    /// Failures from the IP within the window, any account.
    pub ip_failures: u32,
    pub ip_last_failure_at: Option<OffsetDateTime>,
    /// Different accounts that failed from the IP within the window.
    pub ip_distinct_accounts: u32,
}

/// The throttle's view of an attempt at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleVerdict {
    /// Set when the attempt came before the account's or IP's delay ended: it must be refused, and may be
    /// retried after this long.
    pub retry_after: Option<Duration>,
    /// The account reached the hard limit: a correct password alone is not enough.
    pub hard_limit_reached: bool,
    pub credential_stuffing: bool,
}

impl ThrottlePolicy {
    /// The delay after `failures` failures when the first `free` are free: 0, then base, 2*base, 4*base, ...,
    /// capped.
    pub fn delay_after(&self, failures: u32, free: u32) -> Duration {
        if failures < free.max(1) {
            return Duration::ZERO;
        }
        let doublings = (failures - free.max(1)).min(40);
        let secs = self
            .base_delay_secs
            .saturating_mul(1u64 << doublings)
            .min(self.max_delay_secs);
        Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    pub fn assess(&self, facts: &FailureFacts, now: OffsetDateTime) -> ThrottleVerdict {
        let wait = |last: Option<OffsetDateTime>, delay: Duration| {
            last.map(|t| t + delay - now).filter(|w| w.is_positive())
        };
        let account_wait = wait(
            facts.account_last_failure_at,
            self.delay_after(
                facts.account_consecutive_failures,
                self.account_free_failures,
            ),
        );
        let ip_wait = wait(
            facts.ip_last_failure_at,
            self.delay_after(facts.ip_failures, self.ip_free_failures),
        );
        let retry_after = match (account_wait, ip_wait) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        ThrottleVerdict {
            retry_after,
            hard_limit_reached: facts.account_consecutive_failures >= self.hard_limit.min(100),
            credential_stuffing: facts.ip_distinct_accounts >= self.stuffing_accounts,
        }
    }
}
