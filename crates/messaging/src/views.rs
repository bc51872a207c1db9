//! What each viewer sees: a participant sees their own messages as written and the other party's as delivered
//! (never the other party's email or phone); an investigator sees originals, findings, actions, rules and policy
//! versions.

use store::enforcement::StepRecord;
use store::messaging::{ConversationRecord, MessageRecord};
use time::OffsetDateTime;

use crate::{Messaging, MessagingError, Result};

pub use domain::StoredFinding;

/// The other party, as a participant sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterpartView {
    pub display_name: String,
    pub alias: String,
}

/// One message as a participant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantMessage {
    pub id: String,
    pub sent_at: OffsetDateTime,
    /// True for the viewer's own messages.
    pub mine: bool,
    /// The viewer's own text as written, or the other party's text as delivered; `None` for a message the viewer
    /// was not given (only its safety notice is shown).
    pub text: Option<String>,
    /// For the viewer's own messages: what the policy did with it.
    pub action: Option<domain::Action>,
    /// The notice for this viewer: why their message was changed or stopped, or a safety notice.
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantView {
    pub conversation_id: String,
    pub order_id: Option<String>,
    pub listing_id: Option<String>,
    pub your_role: domain::Side,
    pub your_alias: String,
    pub counterpart: CounterpartView,
    pub messages: Vec<ParticipantMessage>,
}

/// A party as an investigator sees them (still no email or phone: the investigator reads the conversation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyInfo {
    pub user_id: String,
    pub display_name: String,
    pub alias: String,
    pub status: domain::Status,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestigatorMessage {
    pub record: MessageRecord,
    pub findings: Vec<StoredFinding>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestigatorView {
    pub conversation: ConversationRecord,
    pub buyer: PartyInfo,
    pub seller: PartyInfo,
    pub messages: Vec<InvestigatorMessage>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StandingView {
    pub user_id: String,
    pub status: policy::Status,
    pub restricted_until: Option<OffsetDateTime>,
    /// Decayed strike points now, under the active policy.
    pub strike_points: f64,
    pub steps: Vec<StepRecord>,
}

/// The most messages one read answers.
pub const MAX_PAGE: i64 = 500;

impl Messaging {
    async fn conversation_or_404(&self, id: &str) -> Result<ConversationRecord> {
        self.store
            .conversation(id)
            .await?
            .ok_or_else(|| MessagingError::NotFound {
                what: "conversation",
                id: id.to_string(),
            })
    }

    /// The conversation as `viewer` (one of its two parties) sees it.
    pub async fn view_as_participant(
        &self,
        conversation_id: &str,
        viewer: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<ParticipantView> {
        let c = self.conversation_or_404(conversation_id).await?;
        let (your_role, your_alias, other_id, other_alias) = if viewer == c.buyer_id {
            (
                domain::Side::Buyer,
                &c.buyer_alias,
                &c.seller_id,
                &c.seller_alias,
            )
        } else if viewer == c.seller_id {
            (
                domain::Side::Seller,
                &c.seller_alias,
                &c.buyer_id,
                &c.buyer_alias,
            )
        } else {
            return Err(MessagingError::NotAParticipant {
                user: viewer.to_string(),
                conversation: c.id,
            });
        };
        let other = self
            .store
            .user(other_id)
            .await?
            .ok_or_else(|| MessagingError::NotFound {
                what: "user",
                id: other_id.clone(),
            })?;
        let records = self
            .store
            .conversation_messages(&c.id, after, limit.clamp(1, MAX_PAGE))
            .await?;
        // An investigator's review of a held message: `released` delivers the original, `rejected` keeps it away.
        let released: std::collections::HashSet<String> =
            if records.iter().any(|m| m.action == domain::Action::Hold) {
                self.store
                    .held_reviews(&c.id)
                    .await?
                    .into_iter()
                    .filter(|r| r.decision == domain::HeldDecision::Release)
                    .map(|r| r.message_id)
                    .collect()
            } else {
                Default::default()
            };
        let messages = records
            .into_iter()
            .filter_map(|m| {
                if m.sender_id == viewer {
                    Some(ParticipantMessage {
                        id: m.id,
                        sent_at: m.created_at,
                        mine: true,
                        text: Some(m.original_text),
                        action: Some(m.action),
                        notice: m.notice_to_sender,
                    })
                } else if released.contains(&m.id) {
                    Some(ParticipantMessage {
                        id: m.id,
                        sent_at: m.created_at,
                        mine: false,
                        text: Some(m.original_text),
                        action: None,
                        notice: None,
                    })
                } else if m.delivered_text.is_some() || m.notice_to_recipient.is_some() {
                    Some(ParticipantMessage {
                        id: m.id,
                        sent_at: m.created_at,
                        mine: false,
                        text: m.delivered_text,
                        action: None,
                        notice: m.notice_to_recipient,
                    })
                } else {
                    // Blocked or held without a notice for the recipient: they never see it.
                    None
                }
            })
            .collect();
        Ok(ParticipantView {
            conversation_id: c.id.clone(),
            order_id: c.order_id.clone(),
            listing_id: c.listing_id.clone(),
            your_role,
            your_alias: your_alias.clone(),
            counterpart: CounterpartView {
                display_name: other.display_name,
                alias: other_alias.clone(),
            },
            messages,
        })
    }

    /// The conversation as an investigator sees it: every message with its original, findings and decision.
    pub async fn view_as_investigator(
        &self,
        conversation_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<InvestigatorView> {
        let c = self.conversation_or_404(conversation_id).await?;
        let party = |id: &str, alias: &str| {
            let id = id.to_string();
            let alias = alias.to_string();
            async move {
                let u = self
                    .store
                    .user(&id)
                    .await?
                    .ok_or_else(|| MessagingError::NotFound {
                        what: "user",
                        id: id.clone(),
                    })?;
                Ok::<_, MessagingError>(PartyInfo {
                    user_id: u.id,
                    display_name: u.display_name,
                    alias,
                    status: u.status,
                })
            }
        };
        let buyer = party(&c.buyer_id, &c.buyer_alias).await?;
        let seller = party(&c.seller_id, &c.seller_alias).await?;
        let messages = self
            .store
            .conversation_messages(&c.id, after, limit.clamp(1, MAX_PAGE))
            .await?
            .into_iter()
            .map(|m| InvestigatorMessage {
                findings: m.findings.0.clone(),
                record: m,
            })
            .collect();
        Ok(InvestigatorView {
            conversation: c,
            buyer,
            seller,
            messages,
        })
    }

    /// A user's standing at `now`, with every step taken on them (each with its reason and notice).
    pub async fn standing(&self, user_id: &str, now: OffsetDateTime) -> Result<StandingView> {
        let user = self
            .store
            .user(user_id)
            .await?
            .ok_or_else(|| MessagingError::NotFound {
                what: "user",
                id: user_id.to_string(),
            })?;
        let steps = self.store.enforcement_steps(user_id).await?;
        let standing = policy::standing(&crate::active_steps(&steps), now);
        let policy = self.policy();
        let strikes: Vec<policy::PastStrike> = self
            .store
            .strikes(user_id)
            .await?
            .iter()
            .filter(|s| s.voided_at.is_none())
            .map(|s| policy::PastStrike {
                weight: u32::try_from(s.weight).unwrap_or(0),
                at: s.created_at,
            })
            .collect();
        Ok(StandingView {
            user_id: user.id,
            status: standing.status,
            restricted_until: standing.until,
            strike_points: policy.score(&strikes, now),
            steps,
        })
    }
}
