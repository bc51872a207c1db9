use serde::{Deserialize, Serialize};

/// What a marketplace tells the engine about itself, and the engine's limits. Every field has a built-in default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The marketplace's own registrable domains ("example-market.com"). Links to them or their subdomains are
    /// never flagged; domains that look like them are.
    pub protected_domains: Vec<String>,
    /// The marketplace's brand names ("examplemarket"). A brand inside someone else's domain is phishing.
    pub brand_names: Vec<String>,
    /// Extra phrases per category, added to the built-in lexicons (keys are category names such as
    /// `payment.off_platform`).
    pub extra_phrases: std::collections::BTreeMap<String, Vec<String>>,
    pub limits: Limits,
    pub intent: IntentConfig,
}

/// The learned intent layer (`crate::intent`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntentConfig {
    /// Screen with the intent model as well as the rules (default true).
    pub enabled: bool,
    /// A model file made by `marketguard model train`, instead of the model built into the binary. Read by the
    /// program that builds the screener (the server, the command line); this crate does no I/O.
    pub model_file: Option<String>,
}

impl Default for IntentConfig {
    fn default() -> Self {
        IntentConfig {
            enabled: true,
            model_file: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Texts longer than this are screened up to this many bytes (default 64 KiB).
    pub max_text_bytes: usize,
    /// At most this many findings of one message are shown or stored (default 100); the redacted text still
    /// covers every finding, and the categories are those of all of them.
    pub max_findings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_text_bytes: 64 * 1024,
            max_findings: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "protected domain `{0}` is not a domain name: give a registrable domain such as `example.com`"
    )]
    BadDomain(String),
    #[error(
        "brand name `{0}` is too short: give at least 3 letters so it does not match ordinary words"
    )]
    BadBrand(String),
    #[error(transparent)]
    UnknownCategory(#[from] crate::UnknownCategory),
    #[error("limits.max_text_bytes must be between 1 KiB and 16 MiB, not {0}")]
    BadLimit(usize),
    #[error("limits.max_findings must be between 1 and 100000, not {0}")]
    BadFindingsLimit(usize),
    #[error("the built-in intent model could not be read: {0}")]
    Model(crate::ModelError),
    #[error(
        "intent.model_file is set ({0}) but the screener was built without reading it: load the file and use Screener::with_model"
    )]
    ModelFileNotLoaded(String),
    #[error("the `{detector}` detector could not be built: {reason}")]
    Build {
        detector: &'static str,
        reason: String,
    },
}

impl Config {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        for d in &self.protected_domains {
            let ok = d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && d.chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
            if !ok {
                return Err(ConfigError::BadDomain(d.clone()));
            }
        }
        for b in &self.brand_names {
            if b.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
                return Err(ConfigError::BadBrand(b.clone()));
            }
        }
        for key in self.extra_phrases.keys() {
            crate::Category::parse(key)?;
        }
        if !(1024..=16 * 1024 * 1024).contains(&self.limits.max_text_bytes) {
            return Err(ConfigError::BadLimit(self.limits.max_text_bytes));
        }
        if !(1..=100_000).contains(&self.limits.max_findings) {
            return Err(ConfigError::BadFindingsLimit(self.limits.max_findings));
        }
        Ok(())
    }
}
