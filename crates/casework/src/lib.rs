//! Reports and investigation cases: the use cases behind `POST /v1/reports`, the case API and the investigator
//! console.
//!
//! A report about a message, conversation, order or user joins the active case about the same subject or opens
//! one, routed by the [`cases::CasePolicy`]; messages the communication policy holds and appeals open cases too
//! (in `messaging`, in the same transaction as the message or appeal). An investigator takes a case (a lock with
//! an expiry), reads its [`CaseFile`] (the evidence is gathered from the subject at read time: the conversation
//! with findings and decisions, the order, both parties' strikes and enforcement, related reports and cases),
//! writes notes, and resolves it with an [`cases::Outcome`] that applies the enforcement ladder and notifies the
//! people involved, the reporters included. Time is passed in; nothing here reads a clock.

mod file;
mod overview;
pub mod verdicts;

pub use cases::{CasePolicy, CaseState, Outcome, ReportCategory, SourceKind, SubjectType};
/// An investigator's decision on a held message: deliver the original (`released`) or keep it from the
/// recipient for good (`rejected`).
pub use domain::HeldDecision;
pub use file::{CaseFile, TimelineEntry, UserFile};
pub use overview::{DayCount, Overview};
pub use store::cases::{CaseFilter, CaseNote, CaseRecord, HeldReview, ReportRecord};

use std::sync::Arc;

use cases::{CaseEvent, Enforcement, Lock, OutcomeEnforcement as _, Source};
use messaging::Messaging;
use store::cases::{CaseChange, CaseFacts, Filed, NewCase};
use store::enforcement::StepRecord;
use store::security::NewNotification;
use store::{AuditEntry, Store, StoreError};
use time::OffsetDateTime;

/// The longest report, note or reason, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

#[derive(Debug, thiserror::Error)]
pub enum CaseworkError {
    #[error("{what} `{id}` was not found")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Invalid(String),
    #[error("user `{user}` is not a party to {subject}; only its buyer or seller can report it")]
    NotAParticipant { user: String, subject: String },
    /// The state machine refuses the move.
    #[error(transparent)]
    Transition(#[from] cases::TransitionError),
    /// Someone else holds the case, or the investigator decided it before an appeal.
    #[error("{0}")]
    Locked(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CaseworkError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, id } => CaseworkError::NotFound { what, id },
            other => CaseworkError::Store(other),
        }
    }
}

impl From<messaging::MessagingError> for CaseworkError {
    fn from(e: messaging::MessagingError) -> Self {
        match e {
            messaging::MessagingError::NotFound { what, id } => {
                CaseworkError::NotFound { what, id }
            }
            messaging::MessagingError::Store(s) => CaseworkError::Store(s),
            other => CaseworkError::Invalid(other.to_string()),
        }
    }
}

pub type Result<T, E = CaseworkError> = std::result::Result<T, E>;

/// What a report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub kind: SubjectType,
    pub id: String,
}

/// A report to file.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub reporter_id: String,
    pub subject: Subject,
    pub category: ReportCategory,
    pub text: String,
    pub idempotency_key: Option<String>,
}

/// What filing answered.
#[derive(Debug, Clone)]
pub struct ReportFiled {
    pub report: ReportRecord,
    /// The case id the report joined.
    pub case_id: String,
    /// True when this report opened its case; false when it joined one.
    pub opened: bool,
    /// True when this repeats an earlier request with the same Idempotency-Key (nothing was stored).
    pub replayed: bool,
}

/// A resolution.
#[derive(Debug, Clone)]
pub struct Resolve<'a> {
    pub outcome: Outcome,
    pub reason: &'a str,
    /// Required for a held-message case, refused on any other.
    pub held: Option<HeldDecision>,
}

/// Where notifications point people to check they are genuine.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    pub marketplace_name: String,
    /// The public "is this really from us?" page.
    pub verify_url: String,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            marketplace_name: "the marketplace".into(),
            verify_url: "http://localhost:8080/verify".into(),
        }
    }
}

/// The case use cases; cheap to clone.
#[derive(Debug, Clone)]
pub struct Casework {
    store: Store,
    messaging: Messaging,
    policy: Arc<CasePolicy>,
    notify: Arc<NotifySettings>,
}

impl Casework {
    pub fn new(messaging: Messaging, policy: Arc<CasePolicy>, notify: NotifySettings) -> Casework {
        Casework {
            store: messaging.store().clone(),
            messaging,
            policy,
            notify: Arc::new(notify),
        }
    }

    pub fn policy(&self) -> &CasePolicy {
        &self.policy
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Files a report: checks the reporter is a party to what they report, finds the reported user, and joins or
    /// opens the subject's case.
    pub async fn file_report(&self, r: &NewReport, now: OffsetDateTime) -> Result<ReportFiled> {
        let text = r.text.trim();
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(CaseworkError::Invalid(format!(
                "a report's `text` has at most {MAX_TEXT_CHARS} characters"
            )));
        }
        if r.subject.id.trim().is_empty() {
            return Err(CaseworkError::Invalid("`subject.id` is empty".into()));
        }
        if let Some(key) = &r.idempotency_key
            && (key.is_empty() || key.len() > 200)
        {
            return Err(CaseworkError::Invalid(
                "the Idempotency-Key header must have 1 to 200 characters".into(),
            ));
        }
        self.user(&r.reporter_id).await?;
        let facts = self.subject_facts(&r.reporter_id, &r.subject).await?;
        if facts.reported.as_deref() == Some(r.reporter_id.as_str()) {
            return Err(CaseworkError::Invalid(
                "a user cannot report themselves or their own message".into(),
            ));
        }
        let routing = self.policy.route(Source::Report(r.category));
        let case = NewCase {
            subject_type: r.subject.kind,
            subject_id: r.subject.id.clone(),
            subject_key: format!("{}:{}", r.subject.kind, r.subject.id),
            user_id: facts.reported.clone(),
            conversation_id: facts.conversation_id,
            order_id: facts.order_id,
            source: cases::SourceKind::Report,
            category: Some(r.category),
            queue: routing.queue,
            priority: i64::from(routing.priority),
            due_at: now + routing.due,
            policy_version: self.policy.version.clone(),
        };
        let report = ReportRecord {
            id: uuid::Uuid::now_v7().to_string(),
            reporter_id: r.reporter_id.clone(),
            subject_type: case.subject_type,
            subject_id: case.subject_id.clone(),
            reported_user_id: facts.reported,
            category: r.category,
            text: text.to_string(),
            case_id: String::new(),
            idempotency_key: r.idempotency_key.clone(),
            created_at: now,
        };
        Ok(match self.store.file_report(&report, &case, now).await? {
            Filed::New {
                report,
                case,
                opened,
            } => ReportFiled {
                report,
                case_id: case.id,
                opened,
                replayed: false,
            },
            Filed::Duplicate(first) => {
                if first.subject_type != report.subject_type
                    || first.subject_id != report.subject_id
                    || first.category != report.category
                    || first.text != report.text
                {
                    return Err(CaseworkError::Invalid(format!(
                        "the Idempotency-Key `{}` was already used by this reporter for a different report; use a new key for a new report",
                        r.idempotency_key.as_deref().unwrap_or_default()
                    )));
                }
                ReportFiled {
                    case_id: first.case_id.clone(),
                    report: first,
                    opened: false,
                    replayed: true,
                }
            }
        })
    }

    async fn user(&self, id: &str) -> Result<store::parties::UserRecord> {
        self.store
            .user(id)
            .await?
            .ok_or_else(|| CaseworkError::NotFound {
                what: "user",
                id: id.to_string(),
            })
    }

    /// Who a report's subject points at, checking the reporter is a party to it.
    async fn subject_facts(&self, reporter: &str, subject: &Subject) -> Result<SubjectFacts> {
        let not_party = || CaseworkError::NotAParticipant {
            user: reporter.to_string(),
            subject: format!("{} `{}`", subject.kind, subject.id),
        };
        let other = |buyer: &str, seller: &str| {
            if reporter == buyer {
                Ok(seller.to_string())
            } else if reporter == seller {
                Ok(buyer.to_string())
            } else {
                Err(not_party())
            }
        };
        let not_found = |what| CaseworkError::NotFound {
            what,
            id: subject.id.clone(),
        };
        Ok(match subject.kind {
            SubjectType::Message => {
                let m = self
                    .store
                    .message(&subject.id)
                    .await?
                    .ok_or_else(|| not_found("message"))?;
                let c = self
                    .store
                    .conversation(&m.conversation_id)
                    .await?
                    .ok_or_else(|| not_found("conversation"))?;
                other(&c.buyer_id, &c.seller_id)?;
                SubjectFacts {
                    reported: Some(m.sender_id),
                    conversation_id: Some(c.id),
                    order_id: c.order_id,
                }
            }
            SubjectType::Conversation => {
                let c = self
                    .store
                    .conversation(&subject.id)
                    .await?
                    .ok_or_else(|| not_found("conversation"))?;
                SubjectFacts {
                    reported: Some(other(&c.buyer_id, &c.seller_id)?),
                    conversation_id: Some(c.id),
                    order_id: c.order_id,
                }
            }
            SubjectType::Order => {
                let o = self
                    .store
                    .order(&subject.id)
                    .await?
                    .ok_or_else(|| not_found("order"))?;
                SubjectFacts {
                    reported: Some(other(&o.buyer_id, &o.seller_id)?),
                    conversation_id: self
                        .store
                        .conversation_by_subject(&format!("order:{}", o.id))
                        .await?
                        .map(|c| c.id),
                    order_id: Some(o.id),
                }
            }
            SubjectType::User => {
                let u = self.user(&subject.id).await?;
                SubjectFacts {
                    reported: Some(u.id),
                    conversation_id: None,
                    order_id: None,
                }
            }
        })
    }

    /// Cases in the queue: the active ones (or those matching `filter`), most urgent first.
    pub async fn queue(&self, filter: &CaseFilter) -> Result<Vec<CaseRecord>> {
        let mut filter = filter.clone();
        if filter.states.is_empty() {
            filter.states = cases::CaseState::ALL
                .iter()
                .filter(|s| s.is_active())
                .copied()
                .collect();
        }
        if filter.limit == 0 {
            filter.limit = 200;
        }
        Ok(self.store.cases(&filter).await?)
    }

    pub async fn case(&self, id: &str) -> Result<CaseRecord> {
        self.store
            .case(id)
            .await?
            .ok_or_else(|| CaseworkError::NotFound {
                what: "case",
                id: id.to_string(),
            })
    }

    /// Takes a case: it is locked to `investigator` (for the policy's lock time) and in review.
    pub async fn take(
        &self,
        case_id: &str,
        investigator: &str,
        now: OffsetDateTime,
    ) -> Result<CaseRecord> {
        let policy = &self.policy;
        self.change(case_id, now, |f| {
            let state = f.case.state;
            cases::may_take(
                state,
                lock_of(&f.case).as_ref(),
                f.case.excluded_assignee.as_deref(),
                investigator,
                policy,
                now,
            )
            .map_err(|e| CaseworkError::Locked(e.to_string()))?;
            let next = cases::transition(state, CaseEvent::Take)?;
            Ok(CaseChange {
                by: investigator.to_string(),
                state: Some(next),
                assignee: Some(Some(investigator.to_string())),
                locked_at: Some(Some(now)),
                first_action: true,
                audit: Some(
                    AuditEntry::new(&actor(investigator), "case.take", &format!("case:{}", f.case.id))
                        .with_details(serde_json::json!({"from": state.as_str(), "previous_assignee": f.case.assignee})),
                ),
                ..CaseChange::default()
            })
        })
        .await
    }

    /// Gives a case back to the queue.
    pub async fn release(
        &self,
        case_id: &str,
        investigator: &str,
        now: OffsetDateTime,
    ) -> Result<CaseRecord> {
        self.held_change(case_id, investigator, now, CaseEvent::Release, |f, next| {
            CaseChange {
                by: investigator.to_string(),
                state: Some(next),
                assignee: Some(None),
                locked_at: Some(None),
                audit: Some(AuditEntry::new(
                    &actor(investigator),
                    "case.release",
                    &format!("case:{}", f.case.id),
                )),
                ..CaseChange::default()
            }
        })
        .await
    }

    /// Parks a case while waiting for someone (the lock is kept).
    pub async fn wait(
        &self,
        case_id: &str,
        investigator: &str,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<CaseRecord> {
        let reason = checked_text(reason, "reason")?;
        self.held_change(case_id, investigator, now, CaseEvent::Wait, |f, next| {
            CaseChange {
                by: investigator.to_string(),
                state: Some(next),
                note: Some(format!("Waiting: {reason}")),
                audit: Some(
                    AuditEntry::new(
                        &actor(investigator),
                        "case.wait",
                        &format!("case:{}", f.case.id),
                    )
                    .with_details(serde_json::json!({"reason": reason})),
                ),
                ..CaseChange::default()
            }
        })
        .await
    }

    /// Appends a note (notes are never edited or deleted). Any investigator may note an active case.
    pub async fn note(
        &self,
        case_id: &str,
        investigator: &str,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<CaseRecord> {
        let text = checked_text(text, "note")?;
        self.change(case_id, now, |f| {
            if !f.case.state.is_active() {
                return Err(CaseworkError::Invalid(
                    "the case is resolved; notes can be added while it is open, in review, waiting or appealed".into(),
                ));
            }
            Ok(CaseChange {
                by: investigator.to_string(),
                note: Some(text.to_string()),
                audit: Some(AuditEntry::new(&actor(investigator), "case.note", &format!("case:{}", f.case.id))),
                ..CaseChange::default()
            })
        })
        .await
    }

    /// Resolves a case the investigator holds: applies the outcome to the user the case is about (a ladder step,
    /// or the reversal of every step in force), decides a held message, decides the case's appeals, notifies the
    /// user and the reporters, and writes `case.resolve` to the audit log, all in one transaction.
    pub async fn resolve(
        &self,
        case_id: &str,
        investigator: &str,
        r: &Resolve<'_>,
        now: OffsetDateTime,
    ) -> Result<CaseRecord> {
        let reason = checked_text(r.reason, "reason")?;
        let before = self.case(case_id).await?;
        let is_held = before.source == cases::SourceKind::HeldMessage;
        match (is_held, r.held) {
            (true, None) => {
                return Err(CaseworkError::Invalid(
                    "this case is a held message: say whether to `release` or `reject` it".into(),
                ));
            }
            (false, Some(_)) => {
                return Err(CaseworkError::Invalid(
                    "only a held-message case can release or reject a message".into(),
                ));
            }
            _ => {}
        }
        let policy = &self.policy;
        let notify = &self.notify;
        let outcome = r.outcome;
        let held = r.held;
        self.held_change(case_id, investigator, now, CaseEvent::Resolve, |f, next| {
            let enforcement = match f.case.user_id {
                Some(_) => outcome.enforcement(policy, now),
                None => Enforcement::None,
            };
            let (steps, standing, reverse_all) = apply(&enforcement, f, investigator, reason, now);
            let reversals = if reverse_all {
                f.active_steps
                    .iter()
                    .map(|step| {
                        let reversal = store::enforcement::Reversal {
                            reason: format!("case {}: reinstated", f.case.id),
                            notice: format!(
                                "An investigator reversed the {} of {}.",
                                step.level,
                                store::format_time(step.created_at)
                            ),
                            decided_by: actor(investigator),
                            case_id: Some(f.case.id.clone()),
                        };
                        (step.clone(), reversal)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let mut notifications = Vec::new();
            if let Some(user) = &f.case.user_id
                && outcome != Outcome::Dismiss
            {
                let what = steps
                    .first()
                    .map(|s| s.notice.clone())
                    .unwrap_or_else(|| "An investigator reversed the restrictions on your account.".into());
                notifications.push(notice(notify, user, "case_outcome", "A decision about your account", &what));
            }
            for reporter in &f.reporters {
                let detail = if outcome == Outcome::Dismiss {
                    "We reviewed your report and found no breach of our policies this time. Thank you for telling us."
                } else {
                    "We reviewed your report and took action. Thank you for helping keep the marketplace safe."
                };
                notifications.push(notice(notify, reporter, "report_outcome", "We reviewed your report", detail));
            }
            CaseChange {
                by: investigator.to_string(),
                state: Some(next),
                assignee: Some(None),
                locked_at: Some(None),
                outcome: Some((outcome, reason.to_string())),
                first_action: true,
                steps,
                reversals,
                standing,
                held_review: held.map(|h| (f.case.subject_id.clone(), h)),
                decide_appeals: true,
                notifications,
                audit: Some(
                    AuditEntry::new(&actor(investigator), "case.resolve", &format!("case:{}", f.case.id)).with_details(
                        serde_json::json!({
                            "outcome": outcome.as_str(),
                            "reason": reason,
                            "user": f.case.user_id,
                            "held_message": held.map(HeldDecision::as_str),
                        }),
                    ),
                ),
                ..CaseChange::default()
            }
        })
        .await
    }

    /// A change that needs the investigator to hold the case's lock.
    async fn held_change(
        &self,
        case_id: &str,
        investigator: &str,
        now: OffsetDateTime,
        event: CaseEvent,
        change: impl FnOnce(&CaseFacts, CaseState) -> CaseChange,
    ) -> Result<CaseRecord> {
        let policy = &self.policy;
        self.change(case_id, now, |f| {
            let state = f.case.state;
            let next = cases::transition(state, event)?;
            if !cases::holds(lock_of(&f.case).as_ref(), investigator, policy, now) {
                return Err(CaseworkError::Locked(format!(
                    "take the case first: {investigator} does not hold case {}",
                    f.case.id
                )));
            }
            Ok(change(f, next))
        })
        .await
    }

    async fn change(
        &self,
        case_id: &str,
        now: OffsetDateTime,
        decide: impl FnOnce(&CaseFacts) -> Result<CaseChange>,
    ) -> Result<CaseRecord> {
        self.store.change_case(case_id, now, decide).await?
    }

    /// Ids of users, orders, conversations (a message id finds its conversation), listings and cases equal to
    /// the query.
    pub async fn search(&self, query: &str) -> Result<Vec<(&'static str, String)>> {
        let q = query.trim();
        if q.is_empty() || q.len() > 200 {
            return Ok(Vec::new());
        }
        Ok(self.store.find_by_id(q).await?)
    }

    pub fn messaging(&self) -> &Messaging {
        &self.messaging
    }
}

struct SubjectFacts {
    reported: Option<String>,
    conversation_id: Option<String>,
    order_id: Option<String>,
}

fn actor(investigator: &str) -> String {
    format!("investigator:{investigator}")
}

fn checked_text<'a>(text: &'a str, what: &str) -> Result<&'a str> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > MAX_TEXT_CHARS {
        return Err(CaseworkError::Invalid(format!(
            "the {what} must have 1 to {MAX_TEXT_CHARS} characters"
        )));
    }
    Ok(t)
}

fn lock_of(case: &CaseRecord) -> Option<Lock> {
    match (&case.assignee, case.locked_at) {
        (Some(a), Some(at)) => Some(Lock {
            assignee: a.clone(),
            locked_at: at,
        }),
        _ => None,
    }
}

type Applied = (
    Vec<StepRecord>,
    Option<(policy::Status, Option<OffsetDateTime>)>,
    bool,
);

/// The steps an outcome takes and the standing they leave, decided on the steps in force.
fn apply(
    e: &Enforcement,
    f: &CaseFacts,
    investigator: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Applied {
    let Some(user) = &f.case.user_id else {
        return (Vec::new(), None, false);
    };
    let in_force = |steps: &[StepRecord]| -> Vec<policy::ActiveStep> {
        steps
            .iter()
            .filter_map(|s| {
                s.level.ladder().map(|level| policy::ActiveStep {
                    level,
                    until: s.until,
                })
            })
            .collect()
    };
    match *e {
        Enforcement::None => (Vec::new(), None, false),
        Enforcement::ReverseAll => (Vec::new(), Some((policy::Status::Active, None)), true),
        Enforcement::Step { level, until } => {
            let consequence = match (level, until) {
                (policy::Level::Warning, _) => "This is a warning.".to_string(),
                (policy::Level::Restricted, Some(u)) => {
                    format!("You cannot send messages until {}.", store::format_time(u))
                }
                (policy::Level::Restricted, None) => {
                    "You cannot send messages for now.".to_string()
                }
                (policy::Level::Suspended, _) => "Your account is suspended.".to_string(),
                (policy::Level::Removed, _) => {
                    "Your account is removed from the marketplace.".to_string()
                }
            };
            let step = StepRecord {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user.clone(),
                level: level.into(),
                rung: None,
                until,
                reason: format!("case {}: {reason}", f.case.id),
                notice: format!(
                    "After reviewing a report, our trust and safety team decided: {consequence} If you think this is wrong, you can appeal this decision; a different investigator will review it."
                ),
                decided_by: actor(investigator),
                strike_id: None,
                case_id: Some(f.case.id.clone()),
                reverses_step_id: None,
                reversed_by: None,
                created_at: now,
            };
            let mut steps = in_force(&f.active_steps);
            steps.push(policy::ActiveStep { level, until });
            let standing = policy::standing(&steps, now);
            (vec![step], Some((standing.status, standing.until)), false)
        }
    }
}

/// An in-app notification with a verification code and what the marketplace never asks for.
fn notice(
    settings: &NotifySettings,
    recipient: &str,
    kind: &str,
    headline: &str,
    detail: &str,
) -> NewNotification {
    let code = security::notify::new_code();
    let subject = format!("{}: {headline}", settings.marketplace_name);
    let body = format!(
        "{headline}\n\n{detail}\n\n{}\nTo check that this message really comes from {}, enter its verification code {code} at {}\n",
        security::notify::NEVER_ASKS,
        settings.marketplace_name,
        settings.verify_url
    );
    NewNotification {
        recipient_id: recipient.to_string(),
        channel: "in_app".into(),
        address: None,
        kind: kind.to_string(),
        subject,
        body,
        verification_code: code,
    }
}
