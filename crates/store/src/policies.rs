//! Policy versions: which policy document of each kind is active, since when, and who activated it. Activating
//! writes `policy.activate` to the audit log in the same transaction.

use sqlx::Row as _;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::time_text::time_col;
use crate::{Store, StoreError, format_time};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersionRecord {
    pub id: String,
    /// `communication` (later `contact`, `risk`).
    pub kind: String,
    pub version: String,
    pub content: String,
    pub content_sha256: String,
    pub activated_at: OffsetDateTime,
    pub activated_by: String,
}

impl Store {
    /// The newest activated policy of this kind.
    pub async fn active_policy_version(
        &self,
        kind: &str,
    ) -> Result<Option<PolicyVersionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, kind, version, content, content_sha256, activated_at, activated_by FROM policy_versions \
             WHERE kind = $1 ORDER BY activated_at DESC, id DESC LIMIT 1",
        )
        .bind(kind)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_policy).transpose()
    }

    /// Records that this document is now the active policy of its kind; answers the record and whether anything
    /// changed (activating the document that is already active writes nothing). A version string names one
    /// document for ever: reusing it for different content is refused.
    pub async fn activate_policy_version(
        &self,
        kind: &str,
        version: &str,
        content: &str,
        content_sha256: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<(PolicyVersionRecord, bool), StoreError> {
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query(
            "SELECT id, kind, version, content, content_sha256, activated_at, activated_by FROM policy_versions \
             WHERE kind = $1 ORDER BY activated_at DESC, id DESC LIMIT 1",
        )
        .bind(kind)
        .fetch_optional(&mut *tx)
        .await?;
        let active = row.as_ref().map(row_to_policy).transpose()?;
        if let Some(a) = active
            .as_ref()
            .filter(|a| a.content_sha256 == content_sha256)
        {
            return Ok((a.clone(), false));
        }
        let same_version: Vec<String> = sqlx::query_scalar(
            "SELECT content_sha256 FROM policy_versions WHERE kind = $1 AND version = $2",
        )
        .bind(kind)
        .bind(version)
        .fetch_all(&mut *tx)
        .await?;
        if same_version.iter().any(|sha| sha != content_sha256) {
            return Err(StoreError::Invalid(format!(
                "{kind} policy version `{version}` was already used for a different document; give the changed policy a new version"
            )));
        }
        let record = PolicyVersionRecord {
            id: uuid::Uuid::now_v7().to_string(),
            kind: kind.to_string(),
            version: version.to_string(),
            content: content.to_string(),
            content_sha256: content_sha256.to_string(),
            activated_at: now,
            activated_by: actor.to_string(),
        };
        sqlx::query(
            "INSERT INTO policy_versions (id, kind, version, content, content_sha256, activated_at, activated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&record.id)
        .bind(&record.kind)
        .bind(&record.version)
        .bind(&record.content)
        .bind(&record.content_sha256)
        .bind(format_time(now))
        .bind(&record.activated_by)
        .execute(&mut *tx)
        .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(actor, "policy.activate", &format!("policy:{kind}")).with_details(
                serde_json::json!({
                    "version": version,
                    "content_sha256": content_sha256,
                    "previous_version": active.as_ref().map(|a| a.version.clone()),
                }),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((record, true))
    }
}

fn row_to_policy(r: &sqlx::any::AnyRow) -> Result<PolicyVersionRecord, StoreError> {
    Ok(PolicyVersionRecord {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        version: r.try_get("version")?,
        content: r.try_get("content")?,
        content_sha256: r.try_get("content_sha256")?,
        activated_at: time_col(r, "activated_at")?,
        activated_by: r.try_get("activated_by")?,
    })
}
