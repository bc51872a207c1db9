//! Investigators' verdicts on screening (`screening_verdicts`): a finding that was wrong, or a delivered message
//! that was a violation the engine missed. They are labels for `marketguard model train --verdicts`. The caller
//! decides whether a verdict makes sense and words its audit entry; the store writes both in one transaction.

use domain::VerdictKind;
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::column::token;
use crate::messaging::{MESSAGE_COLUMNS, MessageRecord, row_to_message};
use crate::time_text::time_col;
use crate::{Store, StoreError, format_time};

/// A verdict to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVerdict {
    pub message_id: String,
    pub kind: VerdictKind,
    /// A screening category (`contact.phone` ...), checked by the caller against the screening engine's list.
    pub category: String,
    pub investigator: String,
    pub note: String,
}

/// A recorded verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictRecord {
    pub id: String,
    pub message_id: String,
    pub kind: VerdictKind,
    pub category: String,
    pub investigator: String,
    pub note: String,
    pub created_at: OffsetDateTime,
}

const VERDICT_COLUMNS: &str = "id, message_id, kind, category, investigator, note, created_at";

impl Store {
    /// Records a verdict and its audit entry in one transaction. A verdict already recorded for the same message,
    /// kind and category is answered as it was (`false`: nothing written), so a retry or a second click is
    /// harmless.
    pub async fn record_verdict(
        &self,
        verdict: &NewVerdict,
        audit_entry: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<(VerdictRecord, bool), StoreError> {
        let mut tx = self.pool().begin().await?;
        let id = uuid::Uuid::now_v7().to_string();
        let inserted = sqlx::query(
            "INSERT INTO screening_verdicts (id, message_id, kind, category, investigator, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (message_id, kind, category) DO NOTHING",
        )
        .bind(&id)
        .bind(&verdict.message_id)
        .bind(verdict.kind.as_str())
        .bind(&verdict.category)
        .bind(&verdict.investigator)
        .bind(&verdict.note)
        .bind(format_time(now))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let row = sqlx::query(&format!(
            "SELECT {VERDICT_COLUMNS} FROM screening_verdicts WHERE message_id = $1 AND kind = $2 AND category = $3"
        ))
        .bind(&verdict.message_id)
        .bind(verdict.kind.as_str())
        .bind(&verdict.category)
        .fetch_one(&mut *tx)
        .await?;
        let record = row_to_verdict(&row)?;
        if inserted {
            let mut entry = audit_entry.clone();
            if let Some(details) = entry.details.as_object_mut() {
                details.insert("verdict".into(), record.id.clone().into());
            }
            self.audit_in(&mut tx, &entry, now).await?;
        }
        tx.commit().await?;
        Ok((record, inserted))
    }

    /// The verdicts on one message, oldest first.
    pub async fn verdicts_of_message(
        &self,
        message_id: &str,
    ) -> Result<Vec<VerdictRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {VERDICT_COLUMNS} FROM screening_verdicts WHERE message_id = $1 ORDER BY id"
        ))
        .bind(message_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_verdict).collect()
    }

    /// Verdicts in the order they were recorded, after the verdict `after` (a page's last id), at most `limit`.
    pub async fn verdicts(
        &self,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<VerdictRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {VERDICT_COLUMNS} FROM screening_verdicts WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_verdict).collect()
    }

    /// Every message that has a verdict, with its verdicts: the labelled examples investigators added.
    pub async fn messages_with_verdicts(
        &self,
    ) -> Result<Vec<(MessageRecord, Vec<VerdictRecord>)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {VERDICT_COLUMNS} FROM screening_verdicts ORDER BY message_id, id"
        ))
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<(MessageRecord, Vec<VerdictRecord>)> = Vec::new();
        for row in &rows {
            let verdict = row_to_verdict(row)?;
            match out.last_mut() {
                Some((m, vs)) if m.id == verdict.message_id => vs.push(verdict),
                _ => {
                    let message = sqlx::query(&format!(
                        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1"
                    ))
                    .bind(&verdict.message_id)
                    .fetch_one(self.pool())
                    .await?;
                    out.push((row_to_message(&message)?, vec![verdict]));
                }
            }
        }
        Ok(out)
    }
}

fn row_to_verdict(r: &sqlx::any::AnyRow) -> Result<VerdictRecord, StoreError> {
    Ok(VerdictRecord {
        id: r.try_get("id")?,
        message_id: r.try_get("message_id")?,
        kind: token(r, "screening_verdicts", "kind")?,
        category: r.try_get("category")?,
        investigator: r.try_get("investigator")?,
        note: r.try_get("note")?,
        created_at: time_col(r, "created_at")?,
    })
}
