//! A case's file: the evidence gathered from its subject at read time, and a user's file.

use messaging::{InvestigatorView, StandingView};
use store::cases::{CaseFilter, CaseNote, CaseRecord, HeldReview, ReportRecord};
use store::contact::ContactRequestRecord;
use store::enforcement::{AppealRecord, StepRecord, StrikeRecord};
use store::messaging::MessageRecord;
use store::parties::{OrderRecord, UserRecord};
use time::OffsetDateTime;

use crate::{Casework, CaseworkError, Result};

/// Everything an investigator needs to decide a case, gathered by itself from the case's subject.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub case: CaseRecord,
    pub reports: Vec<ReportRecord>,
    pub notes: Vec<CaseNote>,
    /// Steps taken by this case (an outcome, a reinstatement).
    pub steps: Vec<StepRecord>,
    pub appeals: Vec<AppealRecord>,
    /// The conversation with every message's original, findings and decision.
    pub conversation: Option<InvestigatorView>,
    /// The message the case is about (a reported or held message), with the review of a held one.
    pub message: Option<MessageRecord>,
    pub held_review: Option<HeldReview>,
    pub order: Option<OrderRecord>,
    /// The seller's phone-contact requests to the buyer (with their status, purpose and refusal reasons).
    pub contact_requests: Vec<ContactRequestRecord>,
    /// Both parties (or the one user): their strikes and enforcement history.
    pub parties: Vec<UserFile>,
    /// The case's story in time order: reports, messages with findings, steps, notes, appeals.
    pub timeline: Vec<TimelineEntry>,
}

/// A user's file: who they are to us, their standing, strikes, steps, reports about them and by them, cases.
#[derive(Debug, Clone)]
pub struct UserFile {
    pub user: UserRecord,
    pub standing: StandingView,
    pub strikes: Vec<StrikeRecord>,
    pub reports_about: Vec<ReportRecord>,
    pub reports_filed: Vec<ReportRecord>,
    pub cases: Vec<CaseRecord>,
}

/// One line of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: OffsetDateTime,
    /// `report`, `message`, `contact_request`, `step`, `note`, `appeal`, `opened`, `resolved`.
    pub kind: &'static str,
    /// Who: a user id, `investigator:<name>`, `policy:<version>`.
    pub who: String,
    pub summary: String,
    /// The id of the thing (a message id lets the page link to the highlighted message).
    pub id: String,
}

impl Casework {
    /// The case with its evidence.
    pub async fn case_file(&self, case_id: &str, now: OffsetDateTime) -> Result<CaseFile> {
        let case = self.case(case_id).await?;
        let store = self.store();
        let reports = store.case_reports(&case.id).await?;
        let notes = store.case_notes(&case.id).await?;
        let steps = store.case_steps(&case.id).await?;
        let appeals = store.case_appeals(&case.id).await?;
        let conversation = match &case.conversation_id {
            Some(c) => Some(
                self.messaging()
                    .view_as_investigator(c, None, messaging::MAX_PAGE)
                    .await?,
            ),
            None => None,
        };
        let message = if case.subject_type == cases::SubjectType::Message {
            store.message(&case.subject_id).await?
        } else {
            None
        };
        let held_review = match (&message, &case.conversation_id) {
            (Some(m), Some(c)) if m.action == domain::Action::Hold => store
                .held_reviews(c)
                .await?
                .into_iter()
                .find(|r| r.message_id == m.id),
            _ => None,
        };
        let order = match &case.order_id {
            Some(o) => store.order(o).await?,
            None => None,
        };
        let mut party_ids: Vec<String> = Vec::new();
        if let Some(u) = &case.user_id {
            party_ids.push(u.clone());
        }
        if let Some(v) = &conversation {
            for id in [&v.buyer.user_id, &v.seller.user_id] {
                if !party_ids.contains(id) {
                    party_ids.push(id.clone());
                }
            }
        }
        let (buyer, seller) = match (&conversation, &order) {
            (Some(v), _) => (
                Some(v.buyer.user_id.clone()),
                Some(v.seller.user_id.clone()),
            ),
            (None, Some(o)) => (Some(o.buyer_id.clone()), Some(o.seller_id.clone())),
            _ => (None, None),
        };
        let contact_requests = match (&seller, &buyer) {
            (Some(s), Some(b)) => store.contact_requests_between(s, b).await?,
            _ => Vec::new(),
        };
        let mut parties = Vec::new();
        for id in &party_ids {
            parties.push(self.user_file(id, now).await?);
        }
        let timeline = timeline(
            &case,
            &reports,
            &notes,
            &steps,
            &appeals,
            &contact_requests,
            conversation.as_ref(),
        );
        Ok(CaseFile {
            case,
            reports,
            notes,
            steps,
            appeals,
            conversation,
            message,
            held_review,
            order,
            contact_requests,
            parties,
            timeline,
        })
    }

    /// A user's file.
    pub async fn user_file(&self, user_id: &str, now: OffsetDateTime) -> Result<UserFile> {
        let store = self.store();
        let user = store
            .user(user_id)
            .await?
            .ok_or_else(|| CaseworkError::NotFound {
                what: "user",
                id: user_id.to_string(),
            })?;
        let standing = self.messaging().standing(user_id, now).await?;
        Ok(UserFile {
            strikes: store.strikes(user_id).await?,
            reports_about: store.reports_about_user(user_id).await?,
            reports_filed: store.reports_by_user(user_id).await?,
            cases: store
                .cases(&CaseFilter {
                    user_id: Some(user_id.to_string()),
                    limit: 200,
                    ..CaseFilter::default()
                })
                .await?,
            user,
            standing,
        })
    }
}

fn timeline(
    case: &CaseRecord,
    reports: &[ReportRecord],
    notes: &[CaseNote],
    steps: &[StepRecord],
    appeals: &[AppealRecord],
    contact_requests: &[ContactRequestRecord],
    conversation: Option<&InvestigatorView>,
) -> Vec<TimelineEntry> {
    let mut t = vec![TimelineEntry {
        at: case.created_at,
        kind: "opened",
        who: case.source.as_str().to_string(),
        summary: format!(
            "Case opened from a {} in queue {}",
            case.source.as_str().replace('_', " "),
            case.queue
        ),
        id: case.id.clone(),
    }];
    for r in reports {
        t.push(TimelineEntry {
            at: r.created_at,
            kind: "report",
            who: r.reporter_id.clone(),
            summary: format!(
                "Report ({}) about {} {}: {}",
                r.category.label(),
                r.subject_type,
                r.subject_id,
                r.text
            ),
            id: r.id.clone(),
        });
    }
    if let Some(v) = conversation {
        for m in &v.messages {
            let categories: Vec<&str> = m.findings.iter().map(|f| f.category.as_str()).collect();
            let summary = if categories.is_empty() {
                format!("Message: {}", m.record.action)
            } else {
                let mut c = categories.clone();
                c.dedup();
                format!("Message: {} ({})", m.record.action, c.join(", "))
            };
            t.push(TimelineEntry {
                at: m.record.created_at,
                kind: "message",
                who: m.record.sender_id.clone(),
                summary,
                id: m.record.id.clone(),
            });
        }
    }
    for s in steps {
        t.push(TimelineEntry {
            at: s.created_at,
            kind: "step",
            who: s.decided_by.clone(),
            summary: format!("{} of {}: {}", s.level, s.user_id, s.reason),
            id: s.id.clone(),
        });
    }
    for n in notes {
        t.push(TimelineEntry {
            at: n.created_at,
            kind: "note",
            who: format!("investigator:{}", n.author),
            summary: n.text.clone(),
            id: n.id.clone(),
        });
    }
    for a in appeals {
        t.push(TimelineEntry {
            at: a.created_at,
            kind: "appeal",
            who: a.user_id.clone(),
            summary: format!("Appeal against step {}: {}", a.step_id, a.text),
            id: a.id.clone(),
        });
    }
    for r in contact_requests {
        t.push(TimelineEntry {
            at: r.created_at,
            kind: "contact_request",
            who: r.seller_id.clone(),
            summary: format!(
                "Phone-contact request ({}, {}): {} — \"{}\"",
                r.purpose.as_str().replace('_', " "),
                r.channel,
                r.status,
                r.justification
            ),
            id: r.id.clone(),
        });
    }
    if let (Some(at), Some(outcome)) = (case.resolved_at, &case.outcome) {
        t.push(TimelineEntry {
            at,
            kind: "resolved",
            who: format!(
                "investigator:{}",
                case.resolved_by.clone().unwrap_or_default()
            ),
            summary: format!(
                "Resolved: {outcome} ({})",
                case.outcome_reason.clone().unwrap_or_default()
            ),
            id: case.id.clone(),
        });
    }
    // At the same instant, the order things happen in: the message, the case it opens, reports, then decisions.
    let rank = |kind: &str| {
        [
            "message", "opened", "report", "appeal", "note", "step", "resolved",
        ]
        .iter()
        .position(|k| *k == kind)
    };
    t.sort_by(|a, b| (a.at, rank(a.kind), &a.id).cmp(&(b.at, rank(b.kind), &b.id)));
    t
}
