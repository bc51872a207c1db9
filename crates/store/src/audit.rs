//! The append-only audit log. Each entry carries the SHA-256 of the entry before it, and `audit_head` holds the
//! newest entry's sequence and hash, so editing, inserting or deleting any row by hand breaks the chain, and
//! [`Store::verify_audit_chain`] names the first entry where it breaks.

use sha2::{Digest, Sha256};
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::{Store, StoreError, format_time};

/// The hash that the first entry points back to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What to record: who did what to which subject, with details as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: serde_json::Value,
}

impl AuditEntry {
    pub fn new(actor: &str, action: &str, subject: &str) -> Self {
        AuditEntry {
            actor: actor.to_string(),
            action: action.to_string(),
            subject: subject.to_string(),
            details: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// JSON text, exactly as hashed.
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEvent {
    /// The hash this entry must carry, computed from its content and its predecessor's hash. The fields are
    /// hashed as one JSON array, so no two different entries serialise to the same bytes.
    pub fn expected_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.subject,
            self.details,
            self.prev_hash
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: u64,
    /// The first entry at which the chain breaks, and why; `None` when the chain is intact.
    pub first_bad: Option<(i64, String)>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// Appends an entry inside the caller's transaction, so the entry lands if and only if the change it records does.
/// The first statement takes the write lock on `audit_head`, which serialises concurrent appends on both
/// backends.
pub async fn append_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entry: &AuditEntry,
    now: OffsetDateTime,
) -> Result<AuditEvent, StoreError> {
    sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = row.try_get("seq")?;
    let prev_hash: String = row.try_get("hash")?;
    let mut event = AuditEvent {
        seq,
        at: format_time(now),
        actor: entry.actor.clone(),
        action: entry.action.clone(),
        subject: entry.subject.clone(),
        details: entry.details.to_string(),
        prev_hash,
        hash: String::new(),
    };
    event.hash = event.expected_hash();
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, action, subject, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(event.seq)
    .bind(&event.at)
    .bind(&event.actor)
    .bind(&event.action)
    .bind(&event.subject)
    .bind(&event.details)
    .bind(&event.prev_hash)
    .bind(&event.hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&event.hash)
        .execute(&mut **tx)
        .await?;
    Ok(event)
}

fn row_to_event(r: &sqlx::any::AnyRow) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        subject: r.try_get("subject")?,
        details: r.try_get("details")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

impl Store {
    /// Appends one entry in a transaction of its own.
    pub async fn append_audit(
        &self,
        entry: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<AuditEvent, StoreError> {
        let mut tx = self.pool().begin().await?;
        let event = append_in(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Entries with `seq > after`, oldest first, at most `limit`.
    pub async fn audit_events(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_event).collect()
    }

    /// The newest entries first: those with `seq < before` (all when `None`), optionally only those whose
    /// subject is `subject`, at most `limit`.
    pub async fn recent_audit_events(
        &self,
        before: Option<i64>,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_events WHERE seq < $1 AND ($2 = '' OR subject = $3) ORDER BY seq DESC LIMIT $4",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(subject.unwrap_or(""))
        .bind(subject.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_event).collect()
    }

    /// Walks the whole chain in pages and reports the first entry that was edited, inserted or deleted by hand.
    pub async fn verify_audit_chain(&self) -> Result<ChainReport, StoreError> {
        const PAGE: i64 = 1000;
        let mut expected_seq = 1i64;
        let mut prev_hash = GENESIS_HASH.to_string();
        let mut entries = 0u64;
        let bad = |seq: i64, why: String, entries: u64| {
            Ok(ChainReport {
                entries,
                first_bad: Some((seq, why)),
            })
        };
        loop {
            let page = self.audit_events(expected_seq - 1, PAGE).await?;
            for e in &page {
                if e.seq != expected_seq {
                    return bad(
                        expected_seq,
                        format!(
                            "entry {expected_seq} is missing (the next entry is {}): entries were deleted",
                            e.seq
                        ),
                        entries,
                    );
                }
                if e.prev_hash != prev_hash {
                    return bad(e.seq, "its link to the previous entry is wrong: an entry was removed or inserted before it".into(), entries);
                }
                if e.hash != e.expected_hash() {
                    return bad(
                        e.seq,
                        "its content does not match its hash: the entry was edited".into(),
                        entries,
                    );
                }
                prev_hash = e.hash.clone();
                expected_seq += 1;
                entries += 1;
            }
            if (page.len() as i64) < PAGE {
                break;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(self.pool())
            .await?;
        let Some(head) = head else {
            return bad(expected_seq, "the chain head is missing".into(), entries);
        };
        let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
        if head_seq != expected_seq - 1 || head_hash != prev_hash {
            let seq = (expected_seq).min(head_seq.max(1));
            return bad(
                seq,
                format!(
                    "the chain ends at entry {} but its head records entry {head_seq}: the newest entries were deleted or the head was edited",
                    expected_seq - 1
                ),
                entries,
            );
        }
        Ok(ChainReport {
            entries,
            first_bad: None,
        })
    }
}
