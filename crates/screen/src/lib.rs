//! Marketguard's screening engine.
//!
//! One message in, explained [`Finding`]s and a redacted copy out. The contract (category names, the
//! `scan` output shape) is fixed in `shared/spec/screening.md`.
//!
//! Invariants:
//! - pure: no I/O, no async, no global mutable state; a [`Screener`] is built once from a [`Config`] and is
//!   `Send + Sync`, so one instance serves every thread;
//! - total: [`Screener::screen`] never panics and runs in time linear in the input (inputs longer than
//!   [`Limits::max_text_bytes`] are screened up to that limit and the rest is reported by [`Screening::truncated`]);
//! - every finding's `start..end` is a byte span of the *original* text, on `char` boundaries.

mod category;
mod config;
mod detect;
pub mod intent;
pub mod normalize;
mod redact;

pub use category::{Category, UnknownCategory};
pub use config::{Config, ConfigError, IntentConfig, Limits};
pub use intent::{IntentModel, ModelError, ModelInfo};

use serde::Serialize;

/// An ISO 3166-1 alpha-2 region code, used to read national phone numbers ("US", "GB", "DE").
/// Validated at construction: two ASCII letters, stored upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region([u8; 2]);

impl Region {
    /// Parses "us", "US" or "Us"; anything that is not two ASCII letters is an error.
    pub fn parse(code: &str) -> Result<Self, InvalidRegion> {
        match code.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Region([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(InvalidRegion(code.chars().take(16).collect())),
        }
    }

    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a region code: give an ISO 3166-1 alpha-2 code such as \"US\" or \"DE\"")]
pub struct InvalidRegion(pub String);

/// Who sent the message. Some findings depend on it (a buyer asking the seller to ship elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Buyer,
    Seller,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "buyer" => Some(Role::Buyer),
            "seller" => Some(Role::Seller),
            _ => None,
        }
    }
}

/// One message to screen.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub text: &'a str,
    pub region: Option<Region>,
    pub sender: Option<Role>,
}

impl<'a> Message<'a> {
    pub fn new(text: &'a str) -> Self {
        Message {
            text,
            region: None,
            sender: None,
        }
    }
}

/// One explained finding. `start..end` is a byte span of the original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub category: Category,
    pub start: usize,
    pub end: usize,
    /// The original text of the span.
    pub matched: String,
    /// A canonical value where one exists: E.164 for a phone number, the address for an email, the registrable
    /// domain for a link, the checksummed form of a crypto address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    /// A stable rule id such as `phone.digits`, `email.spelled`, `payment.iban`.
    pub rule: &'static str,
    /// Plain words for the person reading the finding: what was found and why it matters.
    pub explanation: String,
    /// The version of the learned intent model behind a finding of the model (`intent.*` rules); `None` for a rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// The result of screening one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Screening {
    /// Sorted by start, then by category.
    pub findings: Vec<Finding>,
    /// The text with each finding's span replaced by its category's label (`[phone number removed]`); spans that
    /// overlap are merged first. Categories that describe the whole message (a request, pressure) are not redacted.
    pub redacted: String,
    /// True when the text was longer than [`Limits::max_text_bytes`] and only its beginning was screened.
    pub truncated: bool,
}

impl Screening {
    /// The categories found, sorted and de-duplicated.
    pub fn categories(&self) -> Vec<Category> {
        let mut c: Vec<Category> = self.findings.iter().map(|f| f.category).collect();
        c.sort();
        c.dedup();
        c
    }

    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// The first `max` findings (all of them when there are no more): what is shown and stored of a message
    /// under [`Limits::max_findings`]. The redacted text and the categories still cover every finding.
    pub fn findings_up_to(&self, max: usize) -> &[Finding] {
        self.findings.get(..max).unwrap_or(&self.findings)
    }
}

/// The screening engine, built once from a [`Config`] (compiling its automata) and an intent model, then shared.
#[derive(Debug)]
pub struct Screener {
    config: Config,
    detectors: detect::Detectors,
    /// The learned intent layer; `None` screens with the rules alone.
    model: Option<IntentModel>,
}

impl Screener {
    /// A screener with the built-in intent model (or none, when `config.intent.enabled` is false). A configured
    /// `intent.model_file` must be read by the caller and given to [`Screener::with_model`]: this crate does no I/O.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        if !config.intent.enabled {
            return Screener::with_model(config, None);
        }
        if let Some(file) = &config.intent.model_file {
            return Err(ConfigError::ModelFileNotLoaded(file.clone()));
        }
        let model = IntentModel::built_in().map_err(ConfigError::Model)?;
        Screener::with_model(config, Some(model))
    }

    /// A screener with this intent model, or with the rules alone (`None`, or `config.intent.enabled` false).
    pub fn with_model(config: Config, model: Option<IntentModel>) -> Result<Self, ConfigError> {
        config.validate()?;
        let detectors = detect::Detectors::new(&config)?;
        let model = model.filter(|_| config.intent.enabled);
        Ok(Screener {
            config,
            detectors,
            model,
        })
    }

    /// The intent model in use, if any.
    pub fn model(&self) -> Option<&IntentModel> {
        self.model.as_ref()
    }

    /// What the intent model reads of a message (for training): the letters view, the signals, the rule categories.
    pub(crate) fn intent_input(
        &self,
        message: &Message<'_>,
    ) -> (String, intent::MessageSignals, Vec<Category>) {
        let limit = self.config.limits.max_text_bytes;
        let text = floor_char_boundary(message.text, limit);
        self.detectors.intent_input(&Message { text, ..*message })
    }

    /// A screener with the built-in defaults and no marketplace-specific domains or brands.
    pub fn with_defaults() -> Result<Self, ConfigError> {
        Screener::new(Config::default())
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Screens one message. Never panics; time is linear in the text's length.
    pub fn screen(&self, message: &Message<'_>) -> Screening {
        let limit = self.config.limits.max_text_bytes;
        let (text, truncated) = if message.text.len() > limit {
            (floor_char_boundary(message.text, limit), true)
        } else {
            (message.text, false)
        };
        let message = Message { text, ..*message };
        let mut findings = self.detectors.run(&message, self.model.as_ref());
        findings.sort_by_key(|f| (f.start, f.category, f.end));
        findings.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.category == b.category);
        let redacted = redact::redact(message.text, &findings);
        Screening {
            findings,
            redacted,
            truncated,
        }
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
fn floor_char_boundary(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests;
