//! Investigators' verdicts on screening: "this finding is wrong" and "this delivered message was a violation".
//! They become labels for `marketguard model train --verdicts`, so the engine learns from the people who read its
//! findings. A verdict must make sense against what the message was decided on: a finding can be marked wrong
//! only if the message has one of that category, and a missed violation only if it has none.

use domain::VerdictKind;
use store::AuditEntry;
use store::verdicts::{NewVerdict, VerdictRecord};
use time::OffsetDateTime;

use crate::{Casework, CaseworkError, Result, actor, checked_text};

/// A verdict to record.
#[derive(Debug, Clone)]
pub struct Verdict<'a> {
    pub message_id: &'a str,
    pub kind: VerdictKind,
    pub category: screen::Category,
    pub investigator: &'a str,
    /// Why (optional).
    pub note: &'a str,
}

impl Casework {
    /// Records an investigator's verdict on a message's screening, audited as `screening.verdict`. Recording the
    /// same verdict again answers the first one (`false`: nothing new was written).
    pub async fn record_verdict(
        &self,
        verdict: Verdict<'_>,
        now: OffsetDateTime,
    ) -> Result<(VerdictRecord, bool)> {
        let investigator = checked_text(verdict.investigator, "investigator")?;
        let note = verdict.note.trim();
        if note.chars().count() > crate::MAX_TEXT_CHARS {
            return Err(CaseworkError::Invalid(format!(
                "the note must have at most {} characters",
                crate::MAX_TEXT_CHARS
            )));
        }
        let id = verdict.message_id;
        let message = self
            .store
            .message(id)
            .await?
            .ok_or_else(|| CaseworkError::NotFound {
                what: "message",
                id: id.to_string(),
            })?;
        let category = verdict.category.as_str();
        let findings: Vec<_> = message
            .findings
            .0
            .iter()
            .filter(|f| f.category == category)
            .collect();
        match (verdict.kind, findings.is_empty()) {
            (VerdictKind::FindingWrong, true) => {
                return Err(CaseworkError::Invalid(format!(
                    "message `{id}` has no `{category}` finding to mark wrong; to say the engine missed it, record a `violation`"
                )));
            }
            (VerdictKind::Violation, false) => {
                return Err(CaseworkError::Invalid(format!(
                    "message `{id}` already has a `{category}` finding; a violation verdict is for what screening missed"
                )));
            }
            _ => {}
        }
        let entry = AuditEntry::new(
            &actor(investigator),
            "screening.verdict",
            &format!("message:{id}"),
        )
        .with_details(serde_json::json!({
            "kind": verdict.kind.as_str(),
            "category": category,
            "rules": findings.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(),
            "models": findings.iter().filter_map(|f| f.model.as_deref()).collect::<Vec<_>>(),
        }));
        let new = NewVerdict {
            message_id: id.to_string(),
            kind: verdict.kind,
            category: category.to_string(),
            investigator: investigator.to_string(),
            note: note.to_string(),
        };
        Ok(self.store.record_verdict(&new, &entry, now).await?)
    }
}
