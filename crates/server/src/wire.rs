//! The screening result on the wire: one `scan` output line (spec/screening.md), shared by `POST /v1/screen`
//! and `marketguard scan`.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScreenResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<serde_json::Value>,
    /// Sorted and de-duplicated category names.
    pub categories: Vec<String>,
    pub findings: Vec<FindingOut>,
    /// The text with each finding's span replaced by a label such as `[phone number removed]`.
    pub redacted: String,
    /// Present and true when the text was longer than the screening limit and only its beginning was screened.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Present and true when there were more findings than `screening.limits.max_findings`: `findings` holds
    /// the first of them, `categories` and `redacted` cover them all.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub findings_truncated: bool,
    /// With `findings_truncated`: how many findings there were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings_total: Option<usize>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FindingOut {
    /// e.g. `contact.phone`.
    pub category: String,
    /// Byte offset of the finding's start in the input text.
    pub start: usize,
    /// Byte offset of the finding's end in the input text.
    pub end: usize,
    pub matched: String,
    /// A canonical value: E.164 for a phone number, the registrable domain for a link, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    /// A stable rule id such as `phone.digits`.
    pub rule: String,
    pub explanation: String,
    /// The learned intent model's version, for a finding of the model (rule `intent.*`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// A finding stored with a message, as the API shows it (the same shape as a fresh screening's).
impl From<domain::StoredFinding> for FindingOut {
    fn from(f: domain::StoredFinding) -> Self {
        FindingOut {
            category: f.category,
            start: f.start,
            end: f.end,
            matched: f.matched,
            normalized: f.normalized,
            rule: f.rule,
            explanation: f.explanation,
            model: f.model,
        }
    }
}

impl ScreenResult {
    /// The answer for one screening, with at most `max_findings` findings.
    pub fn new(id: Option<serde_json::Value>, s: &screen::Screening, max_findings: usize) -> Self {
        let shown = s.findings_up_to(max_findings);
        let findings_truncated = shown.len() < s.findings.len();
        ScreenResult {
            id,
            categories: s
                .categories()
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            findings: messaging::stored_findings(shown)
                .0
                .into_iter()
                .map(FindingOut::from)
                .collect(),
            redacted: s.redacted.clone(),
            truncated: s.truncated,
            findings_truncated,
            findings_total: findings_truncated.then_some(s.findings.len()),
        }
    }
}

/// Builds a message from the wire's optional `region` and `sender`, or says what is wrong with them.
pub fn message_from_parts<'a>(
    text: &'a str,
    region: Option<&str>,
    sender: Option<&str>,
) -> Result<screen::Message<'a>, String> {
    let region = region
        .map(screen::Region::parse)
        .transpose()
        .map_err(|e| e.to_string())?;
    let sender = match sender {
        None => None,
        Some(s) => Some(
            screen::Role::parse(s)
                .ok_or_else(|| format!("`sender` must be `buyer` or `seller`, not `{s}`"))?,
        ),
    };
    Ok(screen::Message {
        text,
        region,
        sender,
    })
}
