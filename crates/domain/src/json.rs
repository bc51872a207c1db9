//! The JSON columns, typed: what the store keeps as JSON text, read back into these types or refused.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A type kept as JSON text in one column.
pub trait JsonColumn: Serialize + DeserializeOwned {
    /// Reads the column's text.
    fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The column's text.
    fn to_json(&self) -> String {
        // The column types are lists of plain structs of strings and numbers, which always serialise.
        serde_json::to_string(self).unwrap_or_else(|_| "[]".to_string())
    }
}

/// A screening finding as stored with a message (the `screen` crate's `Finding`, as written when the message was
/// decided: a category or rule renamed later still reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFinding {
    pub category: String,
    pub start: usize,
    pub end: usize,
    pub matched: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    pub rule: String,
    pub explanation: String,
    /// The learned intent model's version, for a finding of the model (absent in findings stored before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// The `messages.findings` column: the findings a message was decided on, in the order screening gave them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoredFindings(pub Vec<StoredFinding>);

impl JsonColumn for StoredFindings {}

/// One reason with its stable code: a contact request's refusal reason or review flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub message: String,
}

/// The `contact_requests.reasons` and `contact_requests.review_flags` columns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reasons(pub Vec<Reason>);

impl JsonColumn for Reasons {}

impl Reasons {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
