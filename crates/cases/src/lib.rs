//! Case rules, pure: the report categories, where a case is queued (a versioned TOML [`CasePolicy`] with a
//! built-in default), the case state machine ([`transition`]), who may take a case ([`may_take`]) and what an
//! investigator's [`Outcome`] does to the user's standing ([`OutcomeEnforcement::enforcement`]). No I/O and no clock: the time
//! is passed in.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// The policy shipped in the binary.
pub const BUILTIN: &str = include_str!("../default-case-policy.toml");

use domain::tokens;

pub use domain::{Outcome, ReportCategory, SourceKind, SubjectType};

/// Where a case comes from; a report carries its category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Report(ReportCategory),
    HeldMessage,
    Appeal,
    ContactReview,
}

impl Source {
    pub fn kind(self) -> SourceKind {
        match self {
            Source::Report(_) => SourceKind::Report,
            Source::HeldMessage => SourceKind::HeldMessage,
            Source::Appeal => SourceKind::Appeal,
            Source::ContactReview => SourceKind::ContactReview,
        }
    }
}

pub use domain::CaseState;

/// What an outcome does to the user the case is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    /// Nothing changes.
    None,
    /// A new step on the enforcement ladder.
    Step {
        level: policy::Level,
        until: Option<OffsetDateTime>,
    },
    /// Every step in force is reversed: the user is active again.
    ReverseAll,
}

/// What an investigator's [`Outcome`] does on the enforcement ladder, under a case policy.
pub trait OutcomeEnforcement {
    fn enforcement(self, policy: &CasePolicy, now: OffsetDateTime) -> Enforcement;
}

impl OutcomeEnforcement for Outcome {
    fn enforcement(self, policy: &CasePolicy, now: OffsetDateTime) -> Enforcement {
        let step = |level, until| Enforcement::Step { level, until };
        match self {
            Outcome::Dismiss => Enforcement::None,
            Outcome::Warn => step(policy::Level::Warning, None),
            Outcome::Restrict => step(policy::Level::Restricted, Some(now + policy.restrict)),
            Outcome::Suspend => step(policy::Level::Suspended, None),
            Outcome::Remove => step(policy::Level::Removed, None),
            Outcome::Reinstate => Enforcement::ReverseAll,
        }
    }
}

tokens! {
    /// What happens to a case.
    CaseEvent {
        Take => "take",
        Release => "release",
        Wait => "wait",
        Resolve => "resolve",
        Appeal => "appeal",
    }
}

/// A move the state machine does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a case that is {from} cannot {event}; {hint}")]
pub struct TransitionError {
    pub from: CaseState,
    pub event: CaseEvent,
    pub hint: &'static str,
}

/// The case state machine:
///
/// ```text
///   open ──take──▶ in_review ──resolve──▶ resolved ──appeal──▶ appealed ──take──▶ in_review
///    ▲               │   ▲                                                    
///    └───release─────┘   └──take── waiting ◀──wait── in_review
/// ```
/// Taking an `in_review` case again (the lock holder, or another investigator after the lock expired) keeps it
/// in review; the lock rules are [`may_take`]'s.
pub fn transition(from: CaseState, event: CaseEvent) -> Result<CaseState, TransitionError> {
    use CaseEvent as E;
    use CaseState as S;
    let err = |hint| TransitionError { from, event, hint };
    match (from, event) {
        (S::Open | S::Waiting | S::Appealed | S::InReview, E::Take) => Ok(S::InReview),
        (S::InReview | S::Waiting, E::Release) => Ok(S::Open),
        (S::InReview, E::Wait) => Ok(S::Waiting),
        (S::InReview, E::Resolve) => Ok(S::Resolved),
        (S::Resolved, E::Appeal) => Ok(S::Appealed),
        (S::Resolved, _) => Err(err("it is resolved; an appeal reopens it")),
        (_, E::Appeal) => Err(err("only a resolved case can be appealed")),
        (_, E::Resolve | E::Wait) => Err(err("take the case first")),
        (_, E::Release) => Err(err("nobody holds it")),
    }
}

/// Who holds a case now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub assignee: String,
    pub locked_at: OffsetDateTime,
}

/// Why an investigator may not take a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TakeRefusal {
    #[error("the case is resolved; it can only be reopened by an appeal")]
    Resolved,
    #[error("{assignee} holds this case until {until}; ask them to release it")]
    LockedByOther { assignee: String, until: String },
    #[error(
        "{0} decided this case before the appeal; a different investigator must review the appeal"
    )]
    DecidedBefore(String),
}

/// Whether `investigator` may take a case in `state`, held by `lock`, whose appeal excludes `excluded` (the
/// investigator who decided it before).
pub fn may_take(
    state: CaseState,
    lock: Option<&Lock>,
    excluded: Option<&str>,
    investigator: &str,
    policy: &CasePolicy,
    now: OffsetDateTime,
) -> Result<(), TakeRefusal> {
    if state == CaseState::Resolved {
        return Err(TakeRefusal::Resolved);
    }
    if excluded == Some(investigator) {
        return Err(TakeRefusal::DecidedBefore(investigator.to_string()));
    }
    if let Some(lock) = lock {
        let until = lock.locked_at + policy.lock;
        if lock.assignee != investigator && until > now {
            return Err(TakeRefusal::LockedByOther {
                assignee: lock.assignee.clone(),
                until: until
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            });
        }
    }
    Ok(())
}

/// Whether `investigator` holds the lock (needed to note, wait, resolve or release).
pub fn holds(
    lock: Option<&Lock>,
    investigator: &str,
    policy: &CasePolicy,
    now: OffsetDateTime,
) -> bool {
    lock.is_some_and(|l| l.assignee == investigator && l.locked_at + policy.lock > now)
}

/// Where a case goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub queue: String,
    pub priority: u8,
    pub due: Duration,
}

/// One queue of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub name: String,
    pub categories: Vec<ReportCategory>,
    pub sources: Vec<SourceKind>,
    pub priority: u8,
    pub due: Duration,
}

/// The case policy: queues with priority and due times, the lock time and the restriction an outcome sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePolicy {
    pub version: String,
    /// SHA-256 of the document, to tell documents with the same version name apart.
    pub digest: String,
    pub lock: Duration,
    pub restrict: Duration,
    pub queues: Vec<Queue>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CasePolicyError {
    #[error("the case policy is not valid TOML: {0}")]
    Toml(String),
    #[error("the case policy is not valid: {0}")]
    Invalid(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: String,
    lock_minutes: u32,
    restrict_hours: u32,
    queue: Vec<QueueDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueDoc {
    name: String,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    sources: Vec<String>,
    priority: u8,
    due_hours: u32,
}

impl CasePolicy {
    /// The built-in policy.
    pub fn builtin() -> CasePolicy {
        // The built-in document is checked by a test; should it ever fail, a minimal policy with one queue
        // still routes every case rather than refusing to start.
        CasePolicy::parse(BUILTIN).unwrap_or_else(|_| CasePolicy {
            version: "cases-fallback".into(),
            digest: String::new(),
            lock: Duration::hours(4),
            restrict: Duration::hours(72),
            queues: vec![Queue {
                name: "general".into(),
                categories: ReportCategory::ALL.to_vec(),
                sources: vec![
                    SourceKind::HeldMessage,
                    SourceKind::Appeal,
                    SourceKind::ContactReview,
                ],
                priority: 1,
                due: Duration::hours(24),
            }],
        })
    }

    /// Parses and validates a document: every report category and every non-report source has exactly one queue.
    pub fn parse(source: &str) -> Result<CasePolicy, CasePolicyError> {
        let doc: Document =
            toml::from_str(source).map_err(|e| CasePolicyError::Toml(e.to_string()))?;
        let invalid = |m: String| Err(CasePolicyError::Invalid(m));
        if doc.version.trim().is_empty() {
            return invalid("`version` is empty".into());
        }
        if doc.lock_minutes == 0 || doc.restrict_hours == 0 {
            return invalid("`lock_minutes` and `restrict_hours` must be positive".into());
        }
        let mut queues = Vec::new();
        for q in doc.queue {
            if q.priority == 0 || q.due_hours == 0 {
                return invalid(format!(
                    "queue `{}`: `priority` and `due_hours` must be positive",
                    q.name
                ));
            }
            let mut categories = Vec::new();
            for c in &q.categories {
                let Some(c) = ReportCategory::parse(c) else {
                    return invalid(format!(
                        "queue `{}`: unknown category `{c}`; the categories are {}",
                        q.name,
                        ReportCategory::choices()
                    ));
                };
                categories.push(c);
            }
            let mut sources = Vec::new();
            for s in &q.sources {
                match SourceKind::parse(s) {
                    Some(
                        k @ (SourceKind::HeldMessage
                        | SourceKind::Appeal
                        | SourceKind::ContactReview),
                    ) => sources.push(k),
                    _ => {
                        return invalid(format!(
                            "queue `{}`: unknown source `{s}`; the sources are `held_message`, `appeal` and `contact_review` (reports are routed by `categories`)",
                            q.name
                        ));
                    }
                }
            }
            queues.push(Queue {
                name: q.name,
                categories,
                sources,
                priority: q.priority,
                due: Duration::hours(i64::from(q.due_hours)),
            });
        }
        let count = |f: &dyn Fn(&Queue) -> bool| queues.iter().filter(|q| f(q)).count();
        for c in ReportCategory::ALL {
            let n = count(&|q: &Queue| q.categories.contains(c));
            if n != 1 {
                return invalid(format!(
                    "category `{c}` is in {n} queues; it must be in exactly one"
                ));
            }
        }
        for s in [
            SourceKind::HeldMessage,
            SourceKind::Appeal,
            SourceKind::ContactReview,
        ] {
            let n = count(&|q: &Queue| q.sources.contains(&s));
            if n != 1 {
                return invalid(format!(
                    "source `{s}` is in {n} queues; it must be in exactly one"
                ));
            }
        }
        let mut names: Vec<&str> = queues.iter().map(|q| q.name.as_str()).collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return invalid("two queues have the same name".into());
        }
        Ok(CasePolicy {
            version: doc.version,
            digest: hex::encode(Sha256::digest(source.as_bytes())),
            lock: Duration::minutes(i64::from(doc.lock_minutes)),
            restrict: Duration::hours(i64::from(doc.restrict_hours)),
            queues,
        })
    }

    /// The queue, priority and due time of a case from `source`.
    pub fn route(&self, source: Source) -> Routing {
        let queue = self.queues.iter().find(|q| match source {
            Source::Report(c) => q.categories.contains(&c),
            other => q.sources.contains(&other.kind()),
        });
        match queue {
            Some(q) => Routing {
                queue: q.name.clone(),
                priority: q.priority,
                due: q.due,
            },
            // `parse` guarantees a queue for every source; this keeps the function total.
            None => Routing {
                queue: "general".into(),
                priority: u8::MAX,
                due: Duration::hours(72),
            },
        }
    }
}

#[cfg(test)]
mod tests;
