//! The `[security]` section of the configuration.

use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

use security::hashing::Argon2Params;
use security::risk::RiskPolicy;
use security::session::SessionPolicy;
use security::stepup::StepUpPolicy;
use security::throttle::ThrottlePolicy;

/// A secret from configuration: never printed (it serialises as `***`), compared only for config equality.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct ConfigSecret(pub SecretString);

impl ConfigSecret {
    pub fn new(s: impl Into<String>) -> Self {
        ConfigSecret(SecretString::from(s.into()))
    }
}

impl std::fmt::Debug for ConfigSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for ConfigSecret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

impl PartialEq for ConfigSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl Eq for ConfigSecret {}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    /// The marketplace's name, used in notifications and as context when judging passwords.
    pub marketplace_name: String,
    /// Where people reach this server's public pages (the "is this really from us?" link in notifications).
    pub public_base_url: String,
    /// 32 random bytes in base64 (`openssl rand -base64 32`): encrypts TOTP secrets and keys payout-account
    /// fingerprints. Without it, two-step enrolment and payout changes answer 503 `not_configured`. Changing it
    /// makes stored TOTP secrets unreadable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<ConfigSecret>,
    /// Password hashing cost; hashes made with other parameters are re-made at the next sign-in.
    pub argon2: Argon2Params,
    /// Risky actions need a second factor within `window_secs`; payments above `payment_above_minor` are risky.
    pub step_up: StepUpPolicy,
    /// How long payouts are held after a payout-account change.
    pub payout_hold_hours: u64,
    pub throttle: ThrottlePolicy,
    pub risk: RiskPolicy,
    /// Console sessions.
    pub sessions: SessionPolicy,
    pub smtp: SmtpConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (a relay on the same host or a test server only).
    None,
    /// STARTTLS on the submission port.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    /// The SMTP server; empty turns email off (notifications still reach the in-app message centre).
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<ConfigSecret>,
    /// The From address, e.g. `Craftly Security <security@craftly.example>`.
    pub from: String,
    /// How often the outbox is looked at.
    pub poll_interval_ms: u64,
    /// Sending attempts before a notification is marked `failed`.
    pub max_attempts: i64,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            marketplace_name: "the marketplace".into(),
            public_base_url: "http://127.0.0.1:8080".into(),
            encryption_key: None,
            argon2: Argon2Params::default(),
            step_up: StepUpPolicy::default(),
            payout_hold_hours: 72,
            throttle: ThrottlePolicy::default(),
            risk: RiskPolicy::default(),
            sessions: SessionPolicy::default(),
            smtp: SmtpConfig::default(),
        }
    }
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: String::new(),
            port: 587,
            tls: SmtpTls::Starttls,
            username: None,
            password: None,
            from: "security@marketplace.invalid".into(),
            poll_interval_ms: 2000,
            max_attempts: 5,
        }
    }
}

impl SecurityConfig {
    /// Checks what the types cannot say.
    pub fn validate(&self) -> Result<(), String> {
        self.argon2
            .validate()
            .map_err(|e| format!("security.argon2: {e}"))?;
        if let Some(k) = &self.encryption_key {
            security::DataKey::from_base64(&k.0)
                .map_err(|e| format!("security.encryption_key: {e}"))?;
        }
        if self.throttle.hard_limit == 0 || self.throttle.hard_limit > 100 {
            return Err("security.throttle.hard_limit must be 1 to 100 (NIST SP 800-63B)".into());
        }
        if self.step_up.window_secs == 0 {
            return Err("security.step_up.window_secs must be at least 1".into());
        }
        if !self.smtp.host.is_empty() && self.smtp.from.parse::<lettre::message::Mailbox>().is_err()
        {
            return Err(format!(
                "security.smtp.from `{}` is not an email address",
                self.smtp.from
            ));
        }
        Ok(())
    }

    /// The configured data key, when there is one.
    pub fn data_key(&self) -> Option<security::DataKey> {
        self.encryption_key
            .as_ref()
            .and_then(|k| security::DataKey::from_base64(&k.0).ok())
    }

    /// The audit log's keys, derived from the data key with their own labels (ARCHITECTURE.md says why): the
    /// chain's HMAC key and the seed of the Ed25519 key that signs checkpoints. None without a data key.
    pub fn audit_keys(&self) -> Option<store::AuditKeys> {
        self.data_key().map(|k| {
            store::AuditKeys::new(
                k.derive("marketguard audit chain v1"),
                k.derive("marketguard audit checkpoint signing v1"),
            )
        })
    }
}
