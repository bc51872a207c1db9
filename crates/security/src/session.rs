//! Console sessions: opaque random tokens (only their SHA-256 is stored), with idle and absolute timeouts, and a
//! short "public computer" kind.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionPolicy {
    pub idle_minutes: u64,
    pub absolute_hours: u64,
    pub public_idle_minutes: u64,
    pub public_absolute_minutes: u64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_minutes: 30,
            absolute_hours: 12,
            public_idle_minutes: 10,
            public_absolute_minutes: 60,
        }
    }
}

fn minutes(m: u64) -> Duration {
    Duration::minutes(i64::try_from(m).unwrap_or(i64::MAX / 60))
}

impl SessionPolicy {
    fn idle(&self, public: bool) -> Duration {
        minutes(if public {
            self.public_idle_minutes
        } else {
            self.idle_minutes
        })
    }

    /// The idle and absolute expiries of a session started at `now`.
    pub fn start(&self, now: OffsetDateTime, public: bool) -> (OffsetDateTime, OffsetDateTime) {
        let absolute = now
            + if public {
                minutes(self.public_absolute_minutes)
            } else {
                minutes(self.absolute_hours.saturating_mul(60))
            };
        ((now + self.idle(public)).min(absolute), absolute)
    }

    /// The idle expiry after a use at `now`.
    pub fn touch(
        &self,
        now: OffsetDateTime,
        public: bool,
        absolute: OffsetDateTime,
    ) -> OffsetDateTime {
        (now + self.idle(public)).min(absolute)
    }
}

/// Whether a stored session may still be used at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Active,
    Revoked,
    IdleExpired,
    AbsoluteExpired,
}

pub fn state(
    now: OffsetDateTime,
    idle_expires: OffsetDateTime,
    absolute_expires: OffsetDateTime,
    revoked: bool,
) -> SessionState {
    if revoked {
        SessionState::Revoked
    } else if now >= absolute_expires {
        SessionState::AbsoluteExpired
    } else if now >= idle_expires {
        SessionState::IdleExpired
    } else {
        SessionState::Active
    }
}

/// A new token (256 random bits) and the hash to store.
pub fn new_token() -> (String, String) {
    use rand::RngCore as _;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    let token = format!(
        "mgs_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    );
    let h = token_hash(&token);
    (token, h)
}

/// What is stored for a token. (SHA-256 suffices: the token has 256 random bits.)
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
