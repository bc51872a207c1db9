//! Strikes, enforcement steps (with their reversal) and appeals. Every step and reversal changes the user's
//! standing and writes an audit entry in the same transaction.

use domain::{AppealStatus, Status, StepLevel};
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::column::token;
use crate::time_text::{opt_time_col, time_col};
use crate::{Store, StoreError, format_time};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrikeRecord {
    pub id: String,
    pub user_id: String,
    pub message_id: Option<String>,
    pub category: String,
    pub weight: i64,
    pub policy_version: String,
    pub created_at: OffsetDateTime,
    /// Set when the step the strike caused was reversed by an investigator.
    pub voided_at: Option<OffsetDateTime>,
    /// The contact request the strike's message pressured the buyer about, if any.
    pub contact_request_id: Option<String>,
}

/// An enforcement step: a ladder level, or `reinstated` (a reversal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub id: String,
    pub user_id: String,
    pub level: StepLevel,
    /// The ladder rung (index into the policy's ladder) for steps the policy took.
    pub rung: Option<i64>,
    pub until: Option<OffsetDateTime>,
    pub reason: String,
    /// What the user is told: the reason and how to appeal.
    pub notice: String,
    /// `policy:<version>` or `investigator:<name>`.
    pub decided_by: String,
    pub strike_id: Option<String>,
    pub case_id: Option<String>,
    pub reverses_step_id: Option<String>,
    pub reversed_by: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealRecord {
    pub id: String,
    pub step_id: String,
    pub user_id: String,
    pub text: String,
    pub status: AppealStatus,
    pub case_id: Option<String>,
    pub created_at: OffsetDateTime,
}

pub(crate) const STEP_COLUMNS: &str = "id, user_id, level, rung, until, reason, notice, decided_by, strike_id, case_id, reverses_step_id, reversed_by, created_at";

pub(crate) async fn active_steps_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: &str,
) -> Result<Vec<StepRecord>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {STEP_COLUMNS} FROM enforcement_steps WHERE user_id = $1 AND reversed_by IS NULL AND level <> 'reinstated' ORDER BY created_at, id"
    ))
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(row_to_step).collect()
}

pub(crate) async fn insert_step_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    s: &StepRecord,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO enforcement_steps ({STEP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(&s.id)
    .bind(&s.user_id)
    .bind(s.level.as_str())
    .bind(s.rung)
    .bind(s.until.map(format_time))
    .bind(&s.reason)
    .bind(&s.notice)
    .bind(&s.decided_by)
    .bind(&s.strike_id)
    .bind(&s.case_id)
    .bind(&s.reverses_step_id)
    .bind(&s.reversed_by)
    .bind(format_time(s.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn set_standing_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: &str,
    status: Status,
    restricted_until: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE users SET status = $1, restricted_until = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(restricted_until.map(format_time))
    .bind(format_time(now))
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Why and by whom a step is reversed, and what the user is told: decided by the use case, written as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reversal {
    pub reason: String,
    pub notice: String,
    pub decided_by: String,
    /// The case whose outcome reverses the step, if any.
    pub case_id: Option<String>,
}

/// Reverses `step`: writes the `reinstated` step that names it, marks the step reversed (refused with
/// [`StoreError::Invalid`] when it already was, so two reversals cannot both succeed) and voids the strike that
/// triggered it. Answers the reinstatement. The one place a step is reversed.
pub(crate) async fn reverse_step_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    step: &StepRecord,
    r: &Reversal,
    now: OffsetDateTime,
) -> Result<StepRecord, StoreError> {
    let reversal = StepRecord {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: step.user_id.clone(),
        level: StepLevel::Reinstated,
        rung: None,
        until: None,
        reason: r.reason.clone(),
        notice: r.notice.clone(),
        decided_by: r.decided_by.clone(),
        strike_id: None,
        case_id: r.case_id.clone(),
        reverses_step_id: Some(step.id.clone()),
        reversed_by: None,
        created_at: now,
    };
    insert_step_in(tx, &reversal).await?;
    let updated = sqlx::query(
        "UPDATE enforcement_steps SET reversed_by = $1 WHERE id = $2 AND reversed_by IS NULL",
    )
    .bind(&reversal.id)
    .bind(&step.id)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Invalid(format!(
            "step {} was already reversed",
            step.id
        )));
    }
    if let Some(strike_id) = &step.strike_id {
        sqlx::query("UPDATE strikes SET voided_at = $1 WHERE id = $2 AND voided_at IS NULL")
            .bind(format_time(now))
            .bind(strike_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(reversal)
}

/// The standing a reversal leaves the user in, decided on their remaining unreversed steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingAfter {
    pub status: Status,
    pub restricted_until: Option<OffsetDateTime>,
}

impl Store {
    pub async fn enforcement_step(&self, id: &str) -> Result<Option<StepRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {STEP_COLUMNS} FROM enforcement_steps WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_step).transpose()
    }

    /// Every step taken on the user, reversals included, oldest first.
    pub async fn enforcement_steps(&self, user_id: &str) -> Result<Vec<StepRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {STEP_COLUMNS} FROM enforcement_steps WHERE user_id = $1 ORDER BY created_at, id"
        ))
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_step).collect()
    }

    /// Every strike the user received, oldest first.
    pub async fn strikes(&self, user_id: &str) -> Result<Vec<StrikeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, message_id, category, weight, policy_version, created_at, voided_at, contact_request_id FROM strikes WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StrikeRecord {
                    id: r.try_get("id")?,
                    user_id: r.try_get("user_id")?,
                    message_id: r.try_get("message_id")?,
                    category: r.try_get("category")?,
                    weight: r.try_get("weight")?,
                    policy_version: r.try_get("policy_version")?,
                    created_at: time_col(r, "created_at")?,
                    voided_at: opt_time_col(r, "voided_at")?,
                    contact_request_id: r.try_get("contact_request_id")?,
                })
            })
            .collect()
    }

    /// Reverses a step on an investigator's decision: writes the `reinstated` step `reversal` describes for the
    /// step as read in the transaction, marks it reversed, voids the strike that triggered it, sets the standing
    /// `standing_after` decides on the remaining unreversed steps, and writes `enforcement.reverse` to the audit
    /// log, in one transaction. Reversing a step twice, or a reinstatement, is refused.
    pub async fn reverse_enforcement_step(
        &self,
        step_id: &str,
        now: OffsetDateTime,
        reversal: impl FnOnce(&StepRecord) -> Reversal,

        standing_after: impl FnOnce(&[StepRecord]) -> StandingAfter,
    ) -> Result<(StepRecord, StepRecord), StoreError> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "SELECT {STEP_COLUMNS} FROM enforcement_steps WHERE id = $1"
        ))
        .bind(step_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(mut step) = row.as_ref().map(row_to_step).transpose()? else {
            return Err(StoreError::NotFound {
                what: "enforcement step",
                id: step_id.to_string(),
            });
        };
        if step.level == StepLevel::Reinstated {
            return Err(StoreError::Invalid(format!(
                "step {step_id} is itself a reversal; it cannot be reversed"
            )));
        }
        let decided = reversal(&step);
        let reversal = reverse_step_in(&mut tx, &step, &decided, now).await?;
        let remaining = active_steps_in(&mut tx, &step.user_id).await?;
        let after = standing_after(&remaining);
        set_standing_in(
            &mut tx,
            &step.user_id,
            after.status,
            after.restricted_until,
            now,
        )
        .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                &reversal.decided_by,
                "enforcement.reverse",
                &format!("user:{}", step.user_id),
            )
            .with_details(serde_json::json!({
                "step_id": step.id,
                "level": step.level,
                "reversal_id": reversal.id,
                "reason": decided.reason,
                "status": after.status,
            })),
            now,
        )
        .await?;
        tx.commit().await?;
        step.reversed_by = Some(reversal.id.clone());
        Ok((step, reversal))
    }

    /// Stores an appeal against a step and puts it in front of an investigator: when an investigator's resolved
    /// case took the step, that case is reopened as `appealed` for a different investigator (the one who decided
    /// is excluded); otherwise `case` is opened. Writes `appeal.file` to the audit log in the same transaction.
    pub async fn file_appeal(
        &self,
        step_id: &str,
        user_id: &str,
        text: &str,
        case: &crate::cases::NewCase,
        now: OffsetDateTime,
    ) -> Result<AppealRecord, StoreError> {
        let mut appeal = AppealRecord {
            id: uuid::Uuid::now_v7().to_string(),
            step_id: step_id.to_string(),
            user_id: user_id.to_string(),
            text: text.to_string(),
            status: AppealStatus::Open,
            case_id: None,
            created_at: now,
        };
        let mut tx = self.write_tx().await?;
        let decided_case: Option<String> =
            sqlx::query_scalar("SELECT case_id FROM enforcement_steps WHERE id = $1")
                .bind(step_id)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        // Reopen the deciding case unless another case about its subject is active (then the appeal gets its own).
        let reopened = match &decided_case {
            Some(case_id) => sqlx::query(
                "UPDATE cases SET state = 'appealed', excluded_assignee = resolved_by, assignee = NULL, locked_at = NULL, \
                 due_at = $1, updated_at = $2 WHERE id = $3 AND state = 'resolved' AND NOT EXISTS \
                 (SELECT 1 FROM cases other WHERE other.subject_key = cases.subject_key AND other.state <> 'resolved')",
            )
            .bind(format_time(case.due_at))
            .bind(format_time(now))
            .bind(case_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1,
            None => false,
        };
        let case_id = match (reopened, decided_case) {
            (true, Some(id)) => {
                self.audit_in(
                    &mut tx,
                    &AuditEntry::new(
                        &format!("user:{user_id}"),
                        "case.appeal",
                        &format!("case:{id}"),
                    )
                    .with_details(serde_json::json!({"appeal_id": appeal.id, "step_id": step_id})),
                    now,
                )
                .await?;
                id
            }
            _ => {
                crate::cases::open_case_in(
                    &mut tx,
                    self.audit_keys(),
                    case,
                    &format!("user:{user_id}"),
                    now,
                )
                .await?
                .0
                .id
            }
        };
        appeal.case_id = Some(case_id);
        sqlx::query(
            "INSERT INTO appeals (id, step_id, user_id, text, status, case_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&appeal.id)
        .bind(&appeal.step_id)
        .bind(&appeal.user_id)
        .bind(&appeal.text)
        .bind(appeal.status.as_str())
        .bind(&appeal.case_id)
        .bind(format_time(now))
        .execute(&mut *tx)
        .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                &format!("user:{user_id}"),
                "appeal.file",
                &format!("enforcement_step:{step_id}"),
            )
            .with_details(serde_json::json!({"appeal_id": appeal.id})),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(appeal)
    }

    /// The appeals against a step, oldest first.
    pub async fn appeals_for_step(&self, step_id: &str) -> Result<Vec<AppealRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, step_id, user_id, text, status, case_id, created_at FROM appeals WHERE step_id = $1 ORDER BY created_at, id",
        )
        .bind(step_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_appeal).collect()
    }
}

pub(crate) fn row_to_step(r: &sqlx::any::AnyRow) -> Result<StepRecord, StoreError> {
    Ok(StepRecord {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        level: token(r, "enforcement_steps", "level")?,
        rung: r.try_get("rung")?,
        until: opt_time_col(r, "until")?,
        reason: r.try_get("reason")?,
        notice: r.try_get("notice")?,
        decided_by: r.try_get("decided_by")?,
        strike_id: r.try_get("strike_id")?,
        case_id: r.try_get("case_id")?,
        reverses_step_id: r.try_get("reverses_step_id")?,
        reversed_by: r.try_get("reversed_by")?,
        created_at: time_col(r, "created_at")?,
    })
}

pub(crate) fn row_to_appeal(r: &sqlx::any::AnyRow) -> Result<AppealRecord, StoreError> {
    Ok(AppealRecord {
        id: r.try_get("id")?,
        step_id: r.try_get("step_id")?,
        user_id: r.try_get("user_id")?,
        text: r.try_get("text")?,
        status: token(r, "appeals", "status")?,
        case_id: r.try_get("case_id")?,
        created_at: time_col(r, "created_at")?,
    })
}
