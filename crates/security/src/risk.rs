//! Login risk: a successful password login from a new device, a new country, or a country the user could not
//! have reached since their last login ("impossible travel") answers `challenge` (ask for the second factor) and
//! raises an alert to the user. Throttled attempts answer `deny`.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::geo;
use crate::throttle::ThrottleVerdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskPolicy {
    /// Faster than this between two logins is impossible travel (a airliner's cruise is about 900 km/h).
    pub max_travel_kmh: u32,
}

impl Default for RiskPolicy {
    fn default() -> Self {
        RiskPolicy {
            max_travel_kmh: 1000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow,
    Challenge,
    Deny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Challenge => "challenge",
            Decision::Deny => "deny",
        }
    }
}

/// What was noticed about a login. Those with [`Signal::alerts_user`] become security alerts to the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    NewDevice,
    NewCountry {
        country: String,
    },
    ImpossibleTravel {
        from: String,
        to: String,
        km: f64,
        minutes: i64,
    },
    FailedLogin,
    Throttled {
        retry_after_secs: i64,
    },
    HardLimitReached,
    CredentialStuffing,
}

impl Signal {
    pub fn code(&self) -> &'static str {
        match self {
            Signal::NewDevice => "new_device",
            Signal::NewCountry { .. } => "new_country",
            Signal::ImpossibleTravel { .. } => "impossible_travel",
            Signal::FailedLogin => "failed_login",
            Signal::Throttled { .. } => "throttled",
            Signal::HardLimitReached => "too_many_failures",
            Signal::CredentialStuffing => "credential_stuffing",
        }
    }

    /// True for what the account's owner should hear about.
    pub fn alerts_user(&self) -> bool {
        matches!(
            self,
            Signal::NewDevice
                | Signal::NewCountry { .. }
                | Signal::ImpossibleTravel { .. }
                | Signal::HardLimitReached
        )
    }

    /// A sentence for the user.
    pub fn describe(&self) -> String {
        match self {
            Signal::NewDevice => "a sign-in from a device not seen on your account before".into(),
            Signal::NewCountry { country } => {
                format!("a sign-in from a country not seen on your account before ({country})")
            }
            Signal::ImpossibleTravel {
                from,
                to,
                km,
                minutes,
            } => format!(
                "a sign-in from {to} {minutes} minutes after one from {from}, at least {km:.0} km away"
            ),
            Signal::FailedLogin => "a failed sign-in".into(),
            Signal::Throttled { retry_after_secs } => {
                format!(
                    "too many failed sign-ins; the next try is possible in {retry_after_secs} s"
                )
            }
            Signal::HardLimitReached => {
                "many failed sign-ins in a row; your password alone no longer signs you in".into()
            }
            Signal::CredentialStuffing => {
                "many different accounts tried from one source (credential stuffing)".into()
            }
        }
    }
}

/// What the store knows about the user's earlier logins.
#[derive(Debug, Clone, Default)]
pub struct LoginFacts {
    pub success: bool,
    pub country: String,
    /// True once the user has at least one earlier successful login (the first one sets the baseline).
    pub has_history: bool,
    pub known_device: bool,
    pub known_country: bool,
    /// The country and time of the last successful login.
    pub last_success: Option<(String, OffsetDateTime)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoginAssessment {
    pub decision: Decision,
    pub signals: Vec<Signal>,
    /// Set when the attempt was throttled.
    pub retry_after: Option<Duration>,
}

/// Decides on one login attempt.
pub fn assess(
    facts: &LoginFacts,
    throttle: &ThrottleVerdict,
    policy: &RiskPolicy,
    now: OffsetDateTime,
) -> LoginAssessment {
    let mut signals = Vec::new();
    if throttle.credential_stuffing {
        signals.push(Signal::CredentialStuffing);
    }
    if let Some(wait) = throttle.retry_after {
        signals.push(Signal::Throttled {
            retry_after_secs: wait.whole_seconds().max(1),
        });
        return LoginAssessment {
            decision: Decision::Deny,
            signals,
            retry_after: Some(wait),
        };
    }
    if !facts.success {
        signals.push(Signal::FailedLogin);
        return LoginAssessment {
            decision: Decision::Deny,
            signals,
            retry_after: None,
        };
    }
    if throttle.hard_limit_reached {
        signals.push(Signal::HardLimitReached);
    }
    if facts.has_history {
        if !facts.known_device {
            signals.push(Signal::NewDevice);
        }
        if !facts.known_country {
            signals.push(Signal::NewCountry {
                country: facts.country.clone(),
            });
        }
        if let Some((from, at)) = &facts.last_success
            && let Some(km) = geo::min_distance_km(from, &facts.country)
        {
            let hours = (now - *at).as_seconds_f64() / 3600.0;
            if km > 0.0 && km > f64::from(policy.max_travel_kmh) * hours.max(0.0) {
                signals.push(Signal::ImpossibleTravel {
                    from: from.clone(),
                    to: facts.country.clone(),
                    km,
                    minutes: (now - *at).whole_minutes(),
                });
            }
        }
    }
    let decision = if signals.iter().any(|s| s.alerts_user()) {
        Decision::Challenge
    } else {
        Decision::Allow
    };
    LoginAssessment {
        decision,
        signals,
        retry_after: None,
    }
}
