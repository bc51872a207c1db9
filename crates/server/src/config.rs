//! The one typed configuration, loaded in layers: built-in defaults, then a TOML file (`--config`), then
//! `MARKETGUARD_*` environment variables (nested keys with `__`, e.g. `MARKETGUARD_RATE_LIMIT__PER_MINUTE`), then
//! command-line flags.

use std::net::SocketAddr;
use std::path::Path;

use figment::Figment;
use figment::providers::{Format as _, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the HTTP server listens.
    pub listen: SocketAddr,
    /// `sqlite://PATH` (the embedded default) or `postgres://USER@HOST:PORT/DB`.
    pub database_url: String,
    pub log: LogConfig,
    pub http: HttpConfig,
    pub rate_limit: RateLimitConfig,
    /// The screening engine: the marketplace's own domains and brands, extra phrases, limits.
    pub screening: screen::Config,
    /// Account security: password hashing, step-up, payout holds, throttling, sessions, SMTP, the data key.
    pub security: crate::security::config::SecurityConfig,
    /// Buyer–seller messaging: where the communication policy comes from.
    pub messaging: MessagingConfig,
    /// Reports and investigation cases: where the case policy comes from.
    pub cases: CasesConfig,
    /// Phone-contact requests: the contact policy, the relay number pool and the relay provider's webhook.
    pub contact: ContactConfig,
    /// The investigator console (`/console`).
    pub console: crate::console::ConsoleConfig,
    /// The audit log: where `marketguard audit checkpoint` sends its statements.
    pub audit: AuditConfig,
}

/// The audit log's settings. Its keys are not here: they are derived from `security.encryption_key`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// An `http://` URL that `marketguard audit checkpoint` POSTs each signed checkpoint to (JSON), so a copy is
    /// kept outside the database; none when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint_webhook_url: Option<String>,
}

/// The relay provider whose webhook and response formats the relay endpoint speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RelayProviderKind {
    /// Twilio-style form webhooks signed with `X-Twilio-Signature`, answered with TwiML.
    Twilio,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactConfig {
    /// A contact policy TOML file (purposes, legitimacy rules, limits, grant expiry, pressure); the built-in
    /// default when absent. Read at start-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_file: Option<std::path::PathBuf>,
    /// The masked relay numbers (E.164, e.g. `+14155550100`) grants are given from. Empty: approvals answer 503
    /// `not_configured`.
    pub relay_numbers: Vec<String>,
    pub relay_provider: RelayProviderKind,
    /// The secret the provider signs its webhooks with (Twilio: the account's auth token). Without it the relay
    /// webhook answers 503 `not_configured`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay_webhook_secret: Option<crate::security::config::ConfigSecret>,
    /// The public base URL the provider calls this server at (e.g. `https://guard.example.com`): the signature
    /// covers the full URL, so it must be exactly what the provider was given.
    pub relay_webhook_base_url: String,
    /// How often `serve` ends the grants whose expiry has come (they are also ended before each read and relay).
    pub expiry_interval_secs: u64,
}

impl Default for ContactConfig {
    fn default() -> Self {
        ContactConfig {
            policy_file: None,
            relay_numbers: Vec::new(),
            relay_provider: RelayProviderKind::Twilio,
            relay_webhook_secret: None,
            relay_webhook_base_url: "http://127.0.0.1:8080".into(),
            expiry_interval_secs: 60,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `server=debug,info`.
    pub filter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Larger request bodies are answered with 413 `payload_too_large`. Larger than
    /// `screening.limits.max_text_bytes`, so a text of that size and its JSON fit (default 256 KiB).
    pub body_limit_bytes: usize,
    /// Requests still running after this long are answered with 503 and dropped.
    pub request_timeout_secs: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessagingConfig {
    /// A communication policy TOML file (check it with `marketguard policy check FILE`); the built-in default
    /// when absent. Reloaded by `POST /v1/admin/policy/reload` and on SIGHUP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CasesConfig {
    /// A case policy TOML file (queues, priorities, due times, lock time); the built-in default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained requests per minute allowed to one API key.
    pub per_minute: u32,
    /// How many requests one key may send at once above the sustained rate.
    pub burst: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://./marketguard.db".into(),
            log: LogConfig::default(),
            http: HttpConfig::default(),
            rate_limit: RateLimitConfig::default(),
            screening: screen::Config::default(),
            security: Default::default(),
            messaging: MessagingConfig::default(),
            cases: CasesConfig::default(),
            contact: ContactConfig::default(),
            console: Default::default(),
            audit: AuditConfig::default(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Human,
            filter: "info".into(),
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            body_limit_bytes: 256 * 1024,
            request_timeout_secs: 30,
        }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            per_minute: 6000,
            burst: 200,
        }
    }
}

/// Values given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the configuration file `{0}` does not exist")]
    MissingFile(String),
    #[error("the configuration is not valid: {0}")]
    Invalid(String),
}

impl Config {
    /// Loads the layers. `env` is the process environment (passed in, so tests need not touch the real one).
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
        overrides: &Overrides,
    ) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::MissingFile(path.display().to_string()));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        // The environment is passed in as pairs (so tests need not touch the process environment) and read the way
        // figment's `Env` provider reads it: `__` separates nested keys, values are parsed as TOML-like scalars.
        for (key, value) in env {
            let Some(rest) = key.strip_prefix("MARKETGUARD_") else {
                continue;
            };
            if rest == "CONFIG" {
                continue;
            }
            let path = rest.to_ascii_lowercase().replace("__", ".");
            let value: figment::value::Value = value
                .parse()
                .unwrap_or_else(|e: std::convert::Infallible| match e {});
            figment = figment.merge((path, value));
        }
        figment = figment.merge(Serialized::defaults(overrides));
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }
}

impl Config {
    /// Checks what the types cannot say.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_string()));
        if self.http.body_limit_bytes < 1024 {
            return bad("http.body_limit_bytes must be at least 1024");
        }
        if self.http.body_limit_bytes <= self.screening.limits.max_text_bytes {
            return Err(ConfigError::Invalid(format!(
                "http.body_limit_bytes ({}) must be larger than screening.limits.max_text_bytes ({}), or a text of the largest size could not be sent",
                self.http.body_limit_bytes, self.screening.limits.max_text_bytes
            )));
        }
        if self.http.request_timeout_secs == 0 {
            return bad("http.request_timeout_secs must be at least 1");
        }
        if self.rate_limit.per_minute == 0 || self.rate_limit.burst == 0 {
            return bad("rate_limit.per_minute and rate_limit.burst must be at least 1");
        }
        store::Backend::from_url(&self.database_url)
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        crate::screening::build_screener(&self.screening)
            .map_err(|e| ConfigError::Invalid(format!("screening: {e}")))?;
        self.security.validate().map_err(ConfigError::Invalid)?;
        crate::runtime::load_policy(&self.messaging)
            .map_err(|e| ConfigError::Invalid(format!("messaging.policy_file: {e}")))?;
        crate::runtime::load_contact_policy(&self.contact)
            .map_err(|e| ConfigError::Invalid(format!("contact.policy_file: {e}")))?;
        crate::runtime::load_case_policy(&self.cases)
            .map_err(|e| ConfigError::Invalid(format!("cases.policy_file: {e}")))?;
        for n in &self.contact.relay_numbers {
            let digits = n.strip_prefix('+').unwrap_or("");
            if !(6..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return bad("contact.relay_numbers must be E.164 numbers such as +14155550100");
            }
        }
        if let Some(url) = &self.audit.checkpoint_webhook_url
            && !url.starts_with("http://")
        {
            return bad("audit.checkpoint_webhook_url must be an http:// URL");
        }
        if self.contact.expiry_interval_secs == 0 {
            return bad("contact.expiry_interval_secs must be at least 1");
        }
        Ok(())
    }

    /// The effective configuration as TOML, with secrets (the database password) hidden.
    pub fn to_redacted_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = store::redact_url(&self.database_url);
        toml::to_string_pretty(&shown)
            .unwrap_or_else(|e| format!("# the configuration could not be printed: {e}\n"))
    }
}

#[cfg(test)]
mod tests;
