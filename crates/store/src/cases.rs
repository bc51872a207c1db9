//! Reports, investigation cases, case notes and the review of held messages. The rules (queues, states, locks,
//! outcomes) live in the pure `cases` crate and in `casework`; this module stores what they decide, each change
//! with its audit entry in the same transaction.

use domain::{CaseState, HeldDecision, Outcome, ReportCategory, SourceKind, Status, SubjectType};
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::audit::{self, AuditEntry};
use crate::column::{opt_token, token};
use crate::enforcement::{
    Reversal, StepRecord, active_steps_in, insert_step_in, reverse_step_in, set_standing_in,
};
use crate::messaging::is_unique_violation;
use crate::security::{NewNotification, insert_notification_in};
use crate::time_text::{opt_time_col, time_col};
use crate::{Backend, Store, StoreError, format_time};

/// A case as stored. States, sources and outcomes are the `cases` crate's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: String,
    pub subject_type: SubjectType,
    pub subject_id: String,
    pub subject_key: String,
    /// The user the case is about (the reported party), when there is one.
    pub user_id: Option<String>,
    pub conversation_id: Option<String>,
    pub order_id: Option<String>,
    pub source: SourceKind,
    pub category: Option<ReportCategory>,
    pub queue: String,
    pub priority: i64,
    pub state: CaseState,
    pub assignee: Option<String>,
    pub locked_at: Option<OffsetDateTime>,
    pub excluded_assignee: Option<String>,
    pub due_at: OffsetDateTime,
    pub outcome: Option<Outcome>,
    pub outcome_reason: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<OffsetDateTime>,
    pub first_action_at: Option<OffsetDateTime>,
    pub policy_version: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A case to open (the routing is decided by the case policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub subject_type: SubjectType,
    pub subject_id: String,
    /// Cases with the same key while active are one case: `<type>:<id>` for reports and held messages,
    /// `appeal:<step id>` for an appeal.
    pub subject_key: String,
    pub user_id: Option<String>,
    pub conversation_id: Option<String>,
    pub order_id: Option<String>,
    pub source: SourceKind,
    pub category: Option<ReportCategory>,
    pub queue: String,
    pub priority: i64,
    pub due_at: OffsetDateTime,
    pub policy_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecord {
    pub id: String,
    pub reporter_id: String,
    pub subject_type: SubjectType,
    pub subject_id: String,
    pub reported_user_id: Option<String>,
    pub category: ReportCategory,
    pub text: String,
    pub case_id: String,
    pub idempotency_key: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNote {
    pub id: String,
    pub case_id: String,
    pub author: String,
    pub text: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldReview {
    pub message_id: String,
    pub case_id: String,
    pub decision: HeldDecision,
    pub decided_by: String,
    pub created_at: OffsetDateTime,
}

/// What filing a report did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    New {
        report: ReportRecord,
        case: Box<CaseRecord>,
        /// False when the report joined a case already open about the same subject.
        opened: bool,
    },
    /// The reporter repeated an Idempotency-Key: nothing was stored; this is the first report.
    Duplicate(ReportRecord),
}

/// A change to one case, decided by `casework` on the case as read inside the transaction.
#[derive(Debug, Clone, Default)]
pub struct CaseChange {
    /// Who makes the change (the investigator's name): notes, reviews and resolutions are theirs.
    pub by: String,
    pub state: Option<CaseState>,
    /// `Some(None)` clears the assignee.
    pub assignee: Option<Option<String>>,
    pub locked_at: Option<Option<OffsetDateTime>>,
    pub excluded_assignee: Option<Option<String>>,
    /// The outcome and its reason: resolves the case, decided by `by`.
    pub outcome: Option<(Outcome, String)>,
    pub first_action: bool,
    pub note: Option<String>,
    /// Enforcement steps to take on the case's user, and the standing they leave.
    pub steps: Vec<StepRecord>,
    /// Steps in force (from [`CaseFacts::active_steps`]) to reverse, each as described (a `reinstate` outcome).
    pub reversals: Vec<(StepRecord, Reversal)>,
    pub standing: Option<(Status, Option<OffsetDateTime>)>,
    pub held_review: Option<(String, HeldDecision)>,
    /// The message a released held message delivers is its original; the case's appeals are decided.
    pub decide_appeals: bool,
    pub notifications: Vec<NewNotification>,
    pub audit: Option<AuditEntry>,
}

/// Facts read in the change's transaction, for `casework` to decide on.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub case: CaseRecord,
    /// The unreversed steps on the case's user.
    pub active_steps: Vec<StepRecord>,
    /// The distinct users who reported into the case, sorted; read in the same transaction, so a report that joins
    /// the case is either here (and its reporter is told the outcome) or comes after the change.
    pub reporters: Vec<String>,
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only these states; all when empty.
    pub states: Vec<CaseState>,
    pub queue: Option<String>,
    pub assignee: Option<String>,
    pub user_id: Option<String>,
    pub limit: i64,
}

const CASE_COLUMNS: &str = "id, subject_type, subject_id, subject_key, user_id, conversation_id, order_id, source, category, queue, priority, state, assignee, locked_at, excluded_assignee, due_at, outcome, outcome_reason, resolved_by, resolved_at, first_action_at, policy_version, created_at, updated_at";
const REPORT_COLUMNS: &str = "id, reporter_id, subject_type, subject_id, reported_user_id, category, text, case_id, idempotency_key, created_at";

fn row_to_case(r: &sqlx::any::AnyRow) -> Result<CaseRecord, StoreError> {
    Ok(CaseRecord {
        id: r.try_get("id")?,
        subject_type: token(r, "cases", "subject_type")?,
        subject_id: r.try_get("subject_id")?,
        subject_key: r.try_get("subject_key")?,
        user_id: r.try_get("user_id")?,
        conversation_id: r.try_get("conversation_id")?,
        order_id: r.try_get("order_id")?,
        source: token(r, "cases", "source")?,
        category: opt_token(r, "cases", "category")?,
        queue: r.try_get("queue")?,
        priority: r.try_get("priority")?,
        state: token(r, "cases", "state")?,
        assignee: r.try_get("assignee")?,
        locked_at: opt_time_col(r, "locked_at")?,
        excluded_assignee: r.try_get("excluded_assignee")?,
        due_at: time_col(r, "due_at")?,
        outcome: opt_token(r, "cases", "outcome")?,
        outcome_reason: r.try_get("outcome_reason")?,
        resolved_by: r.try_get("resolved_by")?,
        resolved_at: opt_time_col(r, "resolved_at")?,
        first_action_at: opt_time_col(r, "first_action_at")?,
        policy_version: r.try_get("policy_version")?,
        created_at: time_col(r, "created_at")?,
        updated_at: time_col(r, "updated_at")?,
    })
}

fn row_to_report(r: &sqlx::any::AnyRow) -> Result<ReportRecord, StoreError> {
    Ok(ReportRecord {
        id: r.try_get("id")?,
        reporter_id: r.try_get("reporter_id")?,
        subject_type: token(r, "reports", "subject_type")?,
        subject_id: r.try_get("subject_id")?,
        reported_user_id: r.try_get("reported_user_id")?,
        category: token(r, "reports", "category")?,
        text: r.try_get("text")?,
        case_id: r.try_get("case_id")?,
        idempotency_key: r.try_get("idempotency_key")?,
        created_at: time_col(r, "created_at")?,
    })
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

async fn active_case_in(
    tx: &mut Tx<'_>,
    subject_key: &str,
) -> Result<Option<CaseRecord>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE subject_key = $1 AND state <> 'resolved'"
    ))
    .bind(subject_key)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(row_to_case).transpose()
}

/// Opens a case (or answers the active case with the same subject key, and whether it was opened now) and writes
/// `case.open` to the audit log when it is new.
pub(crate) async fn open_case_in(
    tx: &mut Tx<'_>,
    keys: Option<&crate::AuditKeys>,
    c: &NewCase,
    actor: &str,
    now: OffsetDateTime,
) -> Result<(CaseRecord, bool), StoreError> {
    if let Some(existing) = active_case_in(tx, &c.subject_key).await? {
        return Ok((existing, false));
    }
    let case = CaseRecord {
        id: uuid::Uuid::now_v7().to_string(),
        subject_type: c.subject_type,
        subject_id: c.subject_id.clone(),
        subject_key: c.subject_key.clone(),
        user_id: c.user_id.clone(),
        conversation_id: c.conversation_id.clone(),
        order_id: c.order_id.clone(),
        source: c.source,
        category: c.category,
        queue: c.queue.clone(),
        priority: c.priority,
        state: CaseState::Open,
        assignee: None,
        locked_at: None,
        excluded_assignee: None,
        due_at: c.due_at,
        outcome: None,
        outcome_reason: None,
        resolved_by: None,
        resolved_at: None,
        first_action_at: None,
        policy_version: c.policy_version.clone(),
        created_at: now,
        updated_at: now,
    };
    // A savepoint, so that losing the race to open the same subject's case does not abort the whole
    // transaction on PostgreSQL; the loser then joins the winner's case.
    let mut sp = sqlx::Acquire::begin(&mut **tx).await?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO cases ({CASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL, $13, NULL, NULL, NULL, NULL, NULL, $14, $15, $16)"
    ))
    .bind(&case.id)
    .bind(case.subject_type.as_str())
    .bind(&case.subject_id)
    .bind(&case.subject_key)
    .bind(&case.user_id)
    .bind(&case.conversation_id)
    .bind(&case.order_id)
    .bind(case.source.as_str())
    .bind(case.category.map(|c| c.as_str()))
    .bind(&case.queue)
    .bind(case.priority)
    .bind(case.state.as_str())
    .bind(format_time(case.due_at))
    .bind(&case.policy_version)
    .bind(format_time(now))
    .bind(format_time(now))
    .execute(&mut *sp)
    .await;
    match inserted {
        Ok(_) => sp.commit().await?,
        Err(e) if is_unique_violation(&e) => {
            sp.rollback().await?;
            if let Some(existing) = active_case_in(tx, &c.subject_key).await? {
                return Ok((existing, false));
            }
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    }
    audit::append_in(
        tx,
        keys,
        &AuditEntry::new(actor, "case.open", &format!("case:{}", case.id)).with_details(
            serde_json::json!({
                "subject": case.subject_key,
                "source": case.source,
                "category": case.category,
                "queue": case.queue,
                "priority": case.priority,
            }),
        ),
        now,
    )
    .await?;
    Ok((case, true))
}

impl Store {
    /// Files a report: it joins the active case about the same subject or opens one (`case`), raising the
    /// case's priority and bringing its due time forward when this report's category is more urgent. Writes
    /// `report.file` (and `case.open`) to the audit log in the same transaction. A repeated Idempotency-Key of the
    /// same reporter stores nothing and answers the first report.
    pub async fn file_report(
        &self,
        report: &ReportRecord,
        case: &NewCase,
        now: OffsetDateTime,
    ) -> Result<Filed, StoreError> {
        if let Some(key) = &report.idempotency_key
            && let Some(first) = self
                .report_by_idempotency_key(&report.reporter_id, key)
                .await?
        {
            return Ok(Filed::Duplicate(first));
        }
        let mut tx = self.write_tx().await?;
        let actor = format!("user:{}", report.reporter_id);
        let (mut record, opened) =
            crate::cases::open_case_in(&mut tx, self.audit_keys(), case, &actor, now).await?;
        if !opened && (case.priority < record.priority || case.due_at < record.due_at) {
            record.priority = record.priority.min(case.priority);
            record.due_at = record.due_at.min(case.due_at);
            if case.priority <= record.priority {
                record.queue = case.queue.clone();
            }
            sqlx::query("UPDATE cases SET priority = $1, due_at = $2, queue = $3, updated_at = $4 WHERE id = $5")
                .bind(record.priority)
                .bind(format_time(record.due_at))
                .bind(&record.queue)
                .bind(format_time(now))
                .bind(&record.id)
                .execute(&mut *tx)
                .await?;
        }
        let mut stored = report.clone();
        stored.case_id = record.id.clone();
        let inserted = sqlx::query(&format!(
            "INSERT INTO reports ({REPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(&stored.id)
        .bind(&stored.reporter_id)
        .bind(stored.subject_type.as_str())
        .bind(&stored.subject_id)
        .bind(&stored.reported_user_id)
        .bind(stored.category.as_str())
        .bind(&stored.text)
        .bind(&stored.case_id)
        .bind(&stored.idempotency_key)
        .bind(format_time(now))
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            if is_unique_violation(&e)
                && let Some(key) = &report.idempotency_key
            {
                drop(tx);
                if let Some(first) = self
                    .report_by_idempotency_key(&report.reporter_id, key)
                    .await?
                {
                    return Ok(Filed::Duplicate(first));
                }
            }
            return Err(e.into());
        }
        self.audit_in(
            &mut tx,
            &AuditEntry::new(&actor, "report.file", &format!("case:{}", record.id)).with_details(
                serde_json::json!({
                    "report_id": stored.id,
                    "subject": format!("{}:{}", stored.subject_type, stored.subject_id),
                    "category": stored.category,
                }),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Filed::New {
            report: stored,
            case: Box::new(record),
            opened,
        })
    }

    pub async fn report_by_idempotency_key(
        &self,
        reporter_id: &str,
        key: &str,
    ) -> Result<Option<ReportRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE reporter_id = $1 AND idempotency_key = $2"
        ))
        .bind(reporter_id)
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_report).transpose()
    }

    pub async fn case(&self, id: &str) -> Result<Option<CaseRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(row_to_case).transpose()
    }

    /// Cases matching `filter`, most urgent first (priority, then due time).
    pub async fn cases(&self, filter: &CaseFilter) -> Result<Vec<CaseRecord>, StoreError> {
        // Portable dynamic SQL: the parameters are numbered in the order they are added.
        let mut sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        let mut param = |sql: &mut String, clause: &str, value: &str| {
            binds.push(value.to_string());
            sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
        };
        if !filter.states.is_empty() {
            sql.push_str(" AND state IN (");
            for (i, s) in filter.states.iter().enumerate() {
                param(&mut sql, if i == 0 { "?" } else { ", ?" }, s.as_str());
            }
            sql.push(')');
        }
        if let Some(q) = &filter.queue {
            param(&mut sql, " AND queue = ?", q);
        }
        if let Some(a) = &filter.assignee {
            param(&mut sql, " AND assignee = ?", a);
        }
        if let Some(u) = &filter.user_id {
            param(&mut sql, " AND user_id = ?", u);
        }
        sql.push_str(&format!(
            " ORDER BY priority, due_at, id LIMIT {}",
            filter.limit.clamp(1, 1000)
        ));
        let mut query = sqlx::query(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(row_to_case).collect()
    }

    /// Cases created or resolved since `since` (for the overview).
    pub async fn cases_since(&self, since: OffsetDateTime) -> Result<Vec<CaseRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE created_at >= $1 OR resolved_at >= $2 ORDER BY created_at"
        ))
        .bind(format_time(since))
        .bind(format_time(since))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_case).collect()
    }

    /// The reports a case gathered, oldest first.
    pub async fn case_reports(&self, case_id: &str) -> Result<Vec<ReportRecord>, StoreError> {
        self.reports_where("case_id = $1", case_id).await
    }

    /// Every report about a user (as the reported party), oldest first.
    pub async fn reports_about_user(&self, user_id: &str) -> Result<Vec<ReportRecord>, StoreError> {
        self.reports_where("reported_user_id = $1", user_id).await
    }

    /// Every report a user filed, oldest first.
    pub async fn reports_by_user(&self, user_id: &str) -> Result<Vec<ReportRecord>, StoreError> {
        self.reports_where("reporter_id = $1", user_id).await
    }

    /// Reports filed since `since` (for the overview).
    pub async fn reports_since(
        &self,
        since: OffsetDateTime,
    ) -> Result<Vec<ReportRecord>, StoreError> {
        self.reports_where("created_at >= $1", &format_time(since))
            .await
    }

    async fn reports_where(
        &self,
        condition: &str,
        value: &str,
    ) -> Result<Vec<ReportRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE {condition} ORDER BY created_at, id"
        ))
        .bind(value)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_report).collect()
    }

    /// The appeals a case handles.
    pub async fn case_appeals(
        &self,
        case_id: &str,
    ) -> Result<Vec<crate::enforcement::AppealRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, step_id, user_id, text, status, case_id, created_at FROM appeals WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(crate::enforcement::row_to_appeal).collect()
    }

    pub async fn case_notes(&self, case_id: &str) -> Result<Vec<CaseNote>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, author, text, created_at FROM case_notes WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CaseNote {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    author: r.try_get("author")?,
                    text: r.try_get("text")?,
                    created_at: time_col(r, "created_at")?,
                })
            })
            .collect()
    }

    /// The investigators' decisions on the held messages of a conversation.
    pub async fn held_reviews(&self, conversation_id: &str) -> Result<Vec<HeldReview>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.message_id, r.case_id, r.decision, r.decided_by, r.created_at FROM held_message_reviews r \
             JOIN messages m ON m.id = r.message_id WHERE m.conversation_id = $1 ORDER BY r.created_at",
        )
        .bind(conversation_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HeldReview {
                    message_id: r.try_get("message_id")?,
                    case_id: r.try_get("case_id")?,
                    decision: token(r, "held_message_reviews", "decision")?,
                    decided_by: r.try_get("decided_by")?,
                    created_at: time_col(r, "created_at")?,
                })
            })
            .collect()
    }

    /// Enforcement steps an investigator took on a case.
    pub async fn case_steps(&self, case_id: &str) -> Result<Vec<StepRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM enforcement_steps WHERE case_id = $1 ORDER BY created_at, id",
            crate::enforcement::STEP_COLUMNS
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(crate::enforcement::row_to_step).collect()
    }

    /// Changes one case: reads it (and its user's steps in force) inside a write transaction, lets `decide` turn
    /// those facts into a [`CaseChange`] (or refuse), and writes the change, its steps, notes, standing,
    /// notifications and audit entry together.
    pub async fn change_case<E>(
        &self,
        case_id: &str,
        now: OffsetDateTime,
        decide: impl FnOnce(&CaseFacts) -> Result<CaseChange, E>,
    ) -> Result<Result<CaseRecord, E>, StoreError> {
        let mut tx = self.write_tx().await?;
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE id = $1{lock}"
        ))
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(mut case) = row.as_ref().map(row_to_case).transpose()? else {
            return Err(StoreError::NotFound {
                what: "case",
                id: case_id.to_string(),
            });
        };
        let active_steps = match &case.user_id {
            Some(u) => {
                // Take the user's row first: serialises enforcement of one user on PostgreSQL.
                sqlx::query("UPDATE users SET status = status WHERE id = $1")
                    .bind(u)
                    .execute(&mut *tx)
                    .await?;
                active_steps_in(&mut tx, u).await?
            }
            None => Vec::new(),
        };
        let reporters: Vec<String> = sqlx::query(
            "SELECT DISTINCT reporter_id FROM reports WHERE case_id = $1 ORDER BY reporter_id",
        )
        .bind(case_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("reporter_id"))
        .collect::<Result<_, _>>()?;
        let facts = CaseFacts {
            case: case.clone(),
            active_steps,
            reporters,
        };
        let change = match decide(&facts) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(s) = change.state {
            case.state = s;
        }
        if let Some(a) = change.assignee {
            case.assignee = a;
        }
        if let Some(l) = change.locked_at {
            case.locked_at = l;
        }
        if let Some(x) = change.excluded_assignee {
            case.excluded_assignee = x;
        }
        if let Some((outcome, reason)) = change.outcome {
            case.outcome = Some(outcome);
            case.outcome_reason = Some(reason);
            case.resolved_at = Some(now);
            case.resolved_by = Some(change.by.clone());
        }
        if change.first_action && case.first_action_at.is_none() {
            case.first_action_at = Some(now);
        }
        case.updated_at = now;
        sqlx::query(
            "UPDATE cases SET state = $1, assignee = $2, locked_at = $3, excluded_assignee = $4, outcome = $5, \
             outcome_reason = $6, resolved_by = $7, resolved_at = $8, first_action_at = $9, updated_at = $10 WHERE id = $11",
        )
        .bind(case.state.as_str())
        .bind(&case.assignee)
        .bind(case.locked_at.map(format_time))
        .bind(&case.excluded_assignee)
        .bind(case.outcome.map(|o| o.as_str()))
        .bind(&case.outcome_reason)
        .bind(&case.resolved_by)
        .bind(case.resolved_at.map(format_time))
        .bind(case.first_action_at.map(format_time))
        .bind(format_time(now))
        .bind(&case.id)
        .execute(&mut *tx)
        .await?;
        if let Some(text) = &change.note {
            sqlx::query("INSERT INTO case_notes (id, case_id, author, text, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(&case.id)
                .bind(&change.by)
                .bind(text)
                .bind(format_time(now))
                .execute(&mut *tx)
                .await?;
        }
        for (step, reversal) in &change.reversals {
            reverse_step_in(&mut tx, step, reversal, now).await?;
        }
        for step in &change.steps {
            insert_step_in(&mut tx, step).await?;
        }
        if let (Some((status, until)), Some(user)) = (&change.standing, &case.user_id) {
            set_standing_in(&mut tx, user, *status, *until, now).await?;
        }
        if let Some((message_id, decision)) = &change.held_review {
            sqlx::query(
                "INSERT INTO held_message_reviews (message_id, case_id, decision, decided_by, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(message_id)
            .bind(&case.id)
            .bind(decision.as_str())
            .bind(&change.by)
            .bind(format_time(now))
            .execute(&mut *tx)
            .await?;
        }
        if change.decide_appeals {
            sqlx::query(
                "UPDATE appeals SET status = 'decided' WHERE case_id = $1 AND status = 'open'",
            )
            .bind(&case.id)
            .execute(&mut *tx)
            .await?;
        }
        for n in &change.notifications {
            insert_notification_in(&mut tx, n, now).await?;
        }
        if let Some(entry) = &change.audit {
            self.audit_in(&mut tx, entry, now).await?;
        }
        tx.commit().await?;
        Ok(Ok(case))
    }

    /// Ids of users, orders, conversations, messages and cases equal to `id`, for the console's search.
    pub async fn find_by_id(&self, id: &str) -> Result<Vec<(&'static str, String)>, StoreError> {
        let mut hits = Vec::new();
        for (kind, sql) in [
            ("user", "SELECT id FROM users WHERE id = $1"),
            ("order", "SELECT id FROM orders WHERE id = $1"),
            ("conversation", "SELECT id FROM conversations WHERE id = $1"),
            (
                "message",
                "SELECT conversation_id AS id FROM messages WHERE id = $1",
            ),
            ("case", "SELECT id FROM cases WHERE id = $1"),
            ("listing", "SELECT id FROM listings WHERE id = $1"),
        ] {
            if let Some(row) = sqlx::query(sql)
                .bind(id)
                .fetch_optional(self.pool())
                .await?
            {
                hits.push((kind, row.try_get::<String, _>("id")?));
            }
        }
        Ok(hits)
    }
}
