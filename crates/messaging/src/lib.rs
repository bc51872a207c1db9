//! Buyer–seller messaging: the use cases behind the messaging routes.
//!
//! [`Messaging`] ties the screening engine, the active communication [`policy::Policy`] and the [`store::Store`]
//! together: register the marketplace's users, listings and orders; open conversations; send a message (screen,
//! decide, store, strike, escalate); read a conversation as a participant or as an investigator; reverse an
//! enforcement step; file an appeal. Time is passed in (`now`); nothing here reads a clock.
//!
//! The active policy sits behind a lock so it can be replaced without a restart ([`Messaging::activate`]); each
//! send takes the policy once and records its version with the decision.

pub mod contact;
mod money;
mod parties;
mod views;

pub use money::Money;
pub use parties::{ListingInput, ORDER_STATUSES, OrderInput, UserInput};
pub use views::{
    CounterpartView, InvestigatorMessage, InvestigatorView, MAX_PAGE, ParticipantMessage,
    ParticipantView, PartyInfo, StandingView, StoredFinding,
};

use std::sync::{Arc, RwLock};

use domain::UserRole;
use policy::{Action, ContactGrant, Policy, PolicyError};
use screen::Role;
use store::messaging::{ConversationRecord, MessageRecord, NewStep, NewStrike, Recorded};
use store::{AuditEntry, Backend, Store, StoreError};
use time::{Duration, OffsetDateTime};

pub use store::enforcement::{AppealRecord, StepRecord};

/// What can go wrong in a messaging use case. The HTTP layer maps each to a stable error code.
#[derive(Debug, thiserror::Error)]
pub enum MessagingError {
    #[error("{what} `{id}` was not found")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Invalid(String),
    #[error("user `{user}` is not a participant of conversation `{conversation}`")]
    NotAParticipant { user: String, conversation: String },
    #[error(
        "messaging is restricted for user `{user}` until {until} because of repeated breaches of the communication policy; the message was not sent. The user can appeal the restriction (step {step})"
    )]
    Restricted {
        user: String,
        until: String,
        step: String,
    },
    #[error(
        "the account of user `{user}` is {status} pending review; the message was not sent. The user can appeal (step {step})"
    )]
    Suspended {
        user: String,
        status: &'static str,
        step: String,
    },
    #[error(
        "the message has {chars} characters; the limit is {limit}: split it into shorter messages"
    )]
    TooLong { chars: usize, limit: u32 },
    #[error("{what}; retry after {retry_after_secs} s")]
    RateLimited { what: String, retry_after_secs: u64 },
    #[error(
        "the Idempotency-Key `{0}` was already used by this sender for a different message; use a new key for a new message"
    )]
    IdempotencyKeyReused(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for MessagingError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, id } => MessagingError::NotFound { what, id },
            other => MessagingError::Store(other),
        }
    }
}

type Result<T, E = MessagingError> = std::result::Result<T, E>;

/// The messaging use cases; cheap to clone.
#[derive(Debug, Clone)]
pub struct Messaging {
    store: Store,
    screener: Arc<screen::Screener>,
    policy: Arc<RwLock<Arc<Policy>>>,
    /// The active contact policy: it says which seller messages pressure a buyer for a phone contact. `None` only
    /// if the built-in one failed to parse (a unit test guards against that).
    contact_policy: Arc<RwLock<Option<Arc<::contact::ContactPolicy>>>>,
    /// SQLite lets one writer in at a time; queueing the senders here (in arrival order) is much kinder to latency
    /// than SQLite's busy handler, which sleeps in growing steps. `None` on PostgreSQL.
    write_gate: Option<Arc<tokio::sync::Mutex<()>>>,
    /// Routes the cases a held message or an appeal opens.
    cases: Arc<cases::CasePolicy>,
}

/// A message to send.
#[derive(Debug, Clone)]
pub struct SendMessage {
    pub conversation_id: String,
    pub sender_id: String,
    pub text: String,
    pub idempotency_key: Option<String>,
}

/// What sending answered.
#[derive(Debug, Clone)]
pub struct SendOutcome {
    pub message: MessageRecord,
    pub findings: Vec<StoredFinding>,
    /// The enforcement step this message caused, if any (told to the sender with the reason and how to appeal).
    pub step: Option<StepRecord>,
    /// True when this is the answer to an earlier request with the same Idempotency-Key (nothing was stored).
    pub replayed: bool,
}

/// A conversation to open: about an order, or about a listing before a sale.
#[derive(Debug, Clone)]
pub struct OpenConversation {
    pub buyer_id: String,
    pub seller_id: String,
    pub order_id: Option<String>,
    pub listing_id: Option<String>,
    /// Who opens it (counted against their daily limit); the buyer when not given.
    pub opened_by: Option<String>,
}

/// What activating a policy did.
#[derive(Debug, Clone)]
pub struct Activation {
    pub previous_version: String,
    pub version: String,
    /// False when the document was already the active one.
    pub changed: bool,
}

const KIND: &str = "communication";

impl Messaging {
    pub fn new(store: Store, screener: Arc<screen::Screener>, policy: Policy) -> Messaging {
        let write_gate = match store.backend() {
            Backend::Sqlite => Some(Arc::new(tokio::sync::Mutex::new(()))),
            Backend::Postgres => None,
        };
        Messaging {
            store,
            screener,
            policy: Arc::new(RwLock::new(Arc::new(policy))),
            contact_policy: Arc::new(RwLock::new(
                ::contact::ContactPolicy::builtin().ok().map(Arc::new),
            )),
            write_gate,
            cases: Arc::new(cases::CasePolicy::builtin()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The active policy.
    pub fn policy(&self) -> Arc<Policy> {
        match self.policy.read() {
            Ok(p) => Arc::clone(&p),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The active contact policy.
    pub fn contact_policy(&self) -> Option<Arc<::contact::ContactPolicy>> {
        match self.contact_policy.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts `policy` in force as the contact policy without recording it (at start-up, before the store is
    /// written to; `serve` then records it with [`Messaging::activate_contact_policy`]).
    pub fn use_contact_policy(&self, policy: ::contact::ContactPolicy) {
        match self.contact_policy.write() {
            Ok(mut p) => *p = Some(Arc::new(policy)),
            Err(poisoned) => *poisoned.into_inner() = Some(Arc::new(policy)),
        }
    }

    /// Records `policy` as the active contact policy (audited as `policy.activate`, kind `contact`) and puts it in
    /// force for the next request and message.
    pub async fn activate_contact_policy(
        &self,
        policy: ::contact::ContactPolicy,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<Activation> {
        let previous_version = self
            .contact_policy()
            .map(|p| p.version.clone())
            .unwrap_or_default();
        let changed = self
            .record_activation(
                "contact",
                &policy.version,
                &policy.source,
                &policy.content_sha256(),
                actor,
                now,
            )
            .await?;
        let version = policy.version.clone();
        self.use_contact_policy(policy);
        Ok(Activation {
            previous_version,
            version,
            changed,
        })
    }

    /// Writes the audited activation of a policy document of `kind`; answers whether the version changed. A
    /// version string reused for different content is a conflict.
    async fn record_activation(
        &self,
        kind: &str,
        version: &str,
        source: &str,
        sha256: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let (_, changed) = self
            .store
            .activate_policy_version(kind, version, source, sha256, actor, now)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(m) => MessagingError::Conflict(m),
                other => other.into(),
            })?;
        Ok(changed)
    }

    /// Records `policy` as the active communication policy (audited) and puts it in force for the next message.
    /// Refuses a document that reuses an earlier version string for different content.
    pub async fn activate(
        &self,
        policy: Policy,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<Activation> {
        let previous_version = self.policy().version.clone();
        let changed = self
            .record_activation(
                KIND,
                &policy.version,
                &policy.source,
                &policy.content_sha256(),
                actor,
                now,
            )
            .await?;
        let version = policy.version.clone();
        match self.policy.write() {
            Ok(mut p) => *p = Arc::new(policy),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(policy),
        }
        Ok(Activation {
            previous_version,
            version,
            changed,
        })
    }

    /// Opens the conversation about an order or a listing, or answers the one already open (and `false`).
    pub async fn open_conversation(
        &self,
        req: &OpenConversation,
        now: OffsetDateTime,
    ) -> Result<(ConversationRecord, bool)> {
        if req.buyer_id == req.seller_id {
            return Err(MessagingError::Invalid(
                "`buyer_id` and `seller_id` must be different users".into(),
            ));
        }
        let buyer = self.user_with_role(&req.buyer_id, UserRole::Buyer).await?;
        let seller = self
            .user_with_role(&req.seller_id, UserRole::Seller)
            .await?;
        let subject_key = match (&req.order_id, &req.listing_id) {
            (Some(order_id), None) => {
                let order =
                    self.store
                        .order(order_id)
                        .await?
                        .ok_or_else(|| MessagingError::NotFound {
                            what: "order",
                            id: order_id.clone(),
                        })?;
                if order.buyer_id != buyer.id || order.seller_id != seller.id {
                    return Err(MessagingError::Invalid(format!(
                        "order `{order_id}` is between other users; a conversation about an order is between its buyer and its seller"
                    )));
                }
                format!("order:{order_id}")
            }
            (None, Some(listing_id)) => {
                let listing = self.store.listing(listing_id).await?.ok_or_else(|| {
                    MessagingError::NotFound {
                        what: "listing",
                        id: listing_id.clone(),
                    }
                })?;
                if listing.seller_id != seller.id {
                    return Err(MessagingError::Invalid(format!(
                        "listing `{listing_id}` belongs to another seller"
                    )));
                }
                format!("listing:{listing_id}:buyer:{}", buyer.id)
            }
            _ => {
                return Err(MessagingError::Invalid(
                    "give exactly one of `order_id` (about an order) or `listing_id` (a pre-sale inquiry)".into(),
                ));
            }
        };
        let opened_by = req.opened_by.clone().unwrap_or_else(|| buyer.id.clone());
        if opened_by != buyer.id && opened_by != seller.id {
            return Err(MessagingError::Invalid(
                "`opened_by` must be the buyer or the seller".into(),
            ));
        }
        if let Some(existing) = self.store.conversation_by_subject(&subject_key).await? {
            return Ok((existing, false));
        }
        let limit = self.policy().limits.new_conversations_per_day;
        let opened = self
            .store
            .conversations_opened_since(&opened_by, now - Duration::days(1))
            .await?;
        if opened >= i64::from(limit) {
            return Err(MessagingError::RateLimited {
                what: format!(
                    "user `{opened_by}` opened {opened} conversations in the last 24 hours; the limit is {limit} a day"
                ),
                retry_after_secs: 3600,
            });
        }
        let alias = |side: &str| {
            let id = uuid::Uuid::now_v7().simple().to_string();
            format!(
                "{side} {}",
                id.get(id.len() - 4..).unwrap_or("0000").to_uppercase()
            )
        };
        let c = ConversationRecord {
            id: uuid::Uuid::now_v7().to_string(),
            subject_key,
            order_id: req.order_id.clone(),
            listing_id: req.listing_id.clone(),
            buyer_id: buyer.id,
            seller_id: seller.id,
            buyer_alias: alias("Buyer"),
            seller_alias: alias("Seller"),
            opened_by,
            created_at: now,
        };
        Ok(self.store.open_conversation(&c).await?)
    }

    async fn user_with_role(&self, id: &str, role: UserRole) -> Result<store::parties::UserRecord> {
        let user = self
            .store
            .user(id)
            .await?
            .ok_or_else(|| MessagingError::NotFound {
                what: "user",
                id: id.to_string(),
            })?;
        if user.role != role && user.role != UserRole::Both {
            return Err(MessagingError::Invalid(format!(
                "user `{id}` is registered as a {}, not a {role}",
                user.role
            )));
        }
        Ok(user)
    }

    /// Sends a message: checks the sender may send, screens it, applies the active policy, stores the message with
    /// the decision, and adds the strike and enforcement step it earns.
    pub async fn send(&self, req: &SendMessage, now: OffsetDateTime) -> Result<SendOutcome> {
        let policy = self.policy();
        if req.text.trim().is_empty() {
            return Err(MessagingError::Invalid("`text` is empty".into()));
        }
        let chars = req.text.chars().count();
        if chars > policy.limits.max_message_chars as usize {
            return Err(MessagingError::TooLong {
                chars,
                limit: policy.limits.max_message_chars,
            });
        }
        if let Some(key) = &req.idempotency_key {
            check_idempotency_key(key).map_err(MessagingError::Invalid)?;
        }
        let (conversation, sender, sent) = self
            .store
            .send_context(
                &req.conversation_id,
                &req.sender_id,
                now - Duration::minutes(1),
            )
            .await?
            .ok_or_else(|| MessagingError::NotFound {
                what: "conversation",
                id: req.conversation_id.clone(),
            })?;
        let role = if req.sender_id == conversation.buyer_id {
            Role::Buyer
        } else if req.sender_id == conversation.seller_id {
            Role::Seller
        } else {
            return Err(MessagingError::NotAParticipant {
                user: req.sender_id.clone(),
                conversation: conversation.id,
            });
        };
        let sender = sender.ok_or_else(|| MessagingError::NotFound {
            what: "user",
            id: req.sender_id.clone(),
        })?;
        if let Some(key) = &req.idempotency_key
            && let Some(first) = self
                .store
                .message_by_idempotency_key(&sender.id, key)
                .await?
        {
            return replay(first, &conversation.id, &req.text, key);
        }
        self.check_standing(&sender, now).await?;
        let per_minute = policy.limits.messages_per_minute;
        if sent >= i64::from(per_minute) {
            return Err(MessagingError::RateLimited {
                what: format!(
                    "user `{}` sent {sent} messages in the last minute; the limit is {per_minute} a minute",
                    sender.id
                ),
                retry_after_secs: 60,
            });
        }
        let grant = if self
            .store
            .has_active_contact_grant(&conversation.buyer_id, &conversation.seller_id, now)
            .await?
        {
            ContactGrant::Active
        } else {
            ContactGrant::Absent
        };
        let screening = self.screener.screen(&screen::Message {
            text: &req.text,
            region: screen::Region::parse(&sender.country).ok(),
            sender: Some(role),
        });
        if screening.truncated {
            return Err(MessagingError::TooLong {
                chars,
                limit: policy.limits.max_message_chars,
            });
        }
        let decision = policy.decide(&screening.categories(), grant, role);
        let delivered_text = match decision.action {
            Action::Deliver | Action::DeliverWithWarning => Some(req.text.clone()),
            Action::DeliverRedacted => Some(policy::redact(
                &req.text,
                &screening.findings,
                &decision.redact,
            )),
            Action::Block | Action::Hold => None,
        };
        let message = MessageRecord {
            id: uuid::Uuid::now_v7().to_string(),
            conversation_id: conversation.id.clone(),
            sender_id: sender.id.clone(),
            sender_role: side(role),
            original_text: req.text.clone(),
            delivered_text,
            action: decision.action,
            findings: stored_findings(
                screening.findings_up_to(self.screener.config().limits.max_findings),
            ),
            contact_grant: grant == ContactGrant::Active,
            policy_version: policy.version.clone(),
            rule: decision.rule.clone(),
            notice_to_sender: decision.notice_to_sender.clone(),
            notice_to_recipient: decision.notice_to_recipient.clone(),
            idempotency_key: req.idempotency_key.clone(),
            created_at: now,
        };
        let mut strike = decision.strike.map(|s| NewStrike {
            id: uuid::Uuid::now_v7().to_string(),
            category: s.category.as_str().to_string(),
            weight: i64::from(s.weight),
            contact_request_id: None,
            audit: None,
        });
        // A seller pressing the buyer for a phone contact while a request is waiting for (or was refused by) the
        // buyer: recorded against the request, with a strike of at least the contact policy's weight.
        if role == Role::Seller
            && grant == ContactGrant::Absent
            && let Some(cp) = self.contact_policy()
            && cp.is_pressure(&screening.categories())
            && let Some(request) = self
                .store
                .contact_request_open_to_pressure(&conversation.buyer_id, &conversation.seller_id)
                .await?
        {
            let weight = i64::from(cp.pressure.strike_weight);
            let mut s = strike.unwrap_or_else(|| NewStrike {
                id: uuid::Uuid::now_v7().to_string(),
                category: screen::Category::ContactRequest.as_str().to_string(),
                weight,
                contact_request_id: None,
                audit: None,
            });
            s.weight = s.weight.max(weight);
            s.audit = Some(
                AuditEntry::new(
                    &format!("policy:{}", policy.version),
                    "contact_request.violation",
                    &format!("contact_request:{}", request.id),
                )
                .with_details(serde_json::json!({
                    "kind": "pressure",
                    "user_id": sender.id,
                    "message_id": message.id,
                    "strike_id": s.id,
                    "weight": s.weight,
                })),
            );
            s.contact_request_id = Some(request.id);
            strike = Some(s);
        }
        let window_start = now - policy.strikes.window;
        let message_id = message.id.clone();
        let hold_case = (decision.action == Action::Hold).then(|| {
            self.new_case(
                cases::Source::HeldMessage,
                cases::SubjectType::Message,
                &message.id,
                format!("message:{}", message.id),
                Some(&sender.id),
                Some(&conversation),
                now,
            )
        });
        let enforce = |facts: &store::messaging::EnforcementFacts| {
            escalation_step(&policy, facts, window_start, &sender.id, &message_id, now)
        };
        let recorded = {
            let _gate = match &self.write_gate {
                Some(g) => Some(g.lock().await),
                None => None,
            };
            self.store
                .record_message(
                    &message,
                    strike.as_ref(),
                    window_start,
                    enforce,
                    hold_case.as_ref(),
                )
                .await?
        };
        match recorded {
            Recorded::New(step) => Ok(SendOutcome {
                findings: message.findings.0.clone(),
                message,
                step: step.map(|s| *s),
                replayed: false,
            }),
            Recorded::Duplicate(first) => {
                let key = req.idempotency_key.clone().unwrap_or_default();
                replay(*first, &conversation.id, &req.text, &key)
            }
        }
    }

    /// Refuses a sender who is restricted (until the restriction ends), suspended or removed.
    async fn check_standing(
        &self,
        sender: &store::parties::UserRecord,
        now: OffsetDateTime,
    ) -> Result<()> {
        let status = sender.status;
        let blocked = match status {
            policy::Status::Restricted => sender.restricted_until.is_some_and(|u| u > now),
            policy::Status::Suspended | policy::Status::Removed => true,
            policy::Status::Active | policy::Status::Warned => false,
        };
        if !blocked {
            return Ok(());
        }
        // Name the step in force, so the user can appeal it.
        let steps = self.store.enforcement_steps(&sender.id).await?;
        let step = steps
            .iter()
            .rev()
            .find(|s| s.reversed_by.is_none() && s.level.as_str() == status.as_str())
            .map(|s| s.id.clone())
            .unwrap_or_default();
        Err(match status {
            policy::Status::Restricted => MessagingError::Restricted {
                user: sender.id.clone(),
                until: sender
                    .restricted_until
                    .map(store::format_time)
                    .unwrap_or_default(),
                step,
            },
            other => MessagingError::Suspended {
                user: sender.id.clone(),
                status: other.as_str(),
                step,
            },
        })
    }

    /// Reverses an enforcement step on an investigator's decision; answers the reversed step and the
    /// reinstatement.
    pub async fn reverse(
        &self,
        step_id: &str,
        investigator: &str,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(StepRecord, StepRecord)> {
        if investigator.trim().is_empty() || reason.trim().is_empty() {
            return Err(MessagingError::Invalid(
                "a reversal needs the `investigator` who decides it and a `reason`".into(),
            ));
        }
        let standing_after = |remaining: &[StepRecord]| {
            let s = policy::standing(&active_steps(remaining), now);
            store::enforcement::StandingAfter {
                status: s.status,
                restricted_until: s.until,
            }
        };
        let _gate = match &self.write_gate {
            Some(g) => Some(g.lock().await),
            None => None,
        };
        let (investigator, reason) = (investigator.trim(), reason.trim());
        let reversal = |step: &StepRecord| store::enforcement::Reversal {
            reason: reason.to_string(),
            notice: format!(
                "An investigator reversed the {} of {}: {reason}",
                step.level,
                store::format_time(step.created_at)
            ),
            decided_by: format!("investigator:{investigator}"),
            case_id: None,
        };
        self.store
            .reverse_enforcement_step(step_id, now, reversal, standing_after)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(m) => MessagingError::Conflict(m),
                other => other.into(),
            })
    }

    /// Files a user's appeal against a step taken on them; it waits in the case queue.
    pub async fn appeal(
        &self,
        step_id: &str,
        user_id: &str,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<AppealRecord> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 4000 {
            return Err(MessagingError::Invalid(
                "an appeal's `text` must have 1 to 4000 characters".into(),
            ));
        }
        let step = self
            .store
            .enforcement_step(step_id)
            .await?
            .filter(|s| s.user_id == user_id)
            .ok_or_else(|| MessagingError::NotFound {
                what: "enforcement step of this user",
                id: step_id.to_string(),
            })?;
        if step.level == domain::StepLevel::Reinstated {
            return Err(MessagingError::Invalid(
                "a reinstatement cannot be appealed".into(),
            ));
        }
        if step.reversed_by.is_some() {
            return Err(MessagingError::Conflict(format!(
                "step {step_id} was already reversed; there is nothing to appeal"
            )));
        }
        if self
            .store
            .appeals_for_step(step_id)
            .await?
            .iter()
            .any(|a| a.status == domain::AppealStatus::Open)
        {
            return Err(MessagingError::Conflict(format!(
                "an appeal against step {step_id} is already open"
            )));
        }
        let case = self.new_case(
            cases::Source::Appeal,
            cases::SubjectType::User,
            user_id,
            format!("appeal:{step_id}"),
            Some(user_id),
            None,
            now,
        );
        Ok(self
            .store
            .file_appeal(step_id, user_id, text, &case, now)
            .await?)
    }

    /// Replaces the case policy that routes held messages and appeals (the built-in one by default).
    pub fn with_case_policy(mut self, policy: Arc<cases::CasePolicy>) -> Messaging {
        self.cases = policy;
        self
    }

    /// A case to open, routed by the case policy.
    #[allow(clippy::too_many_arguments)] // the case's facts, each distinct
    fn new_case(
        &self,
        source: cases::Source,
        subject_type: cases::SubjectType,
        subject_id: &str,
        subject_key: String,
        user_id: Option<&str>,
        conversation: Option<&ConversationRecord>,
        now: OffsetDateTime,
    ) -> store::cases::NewCase {
        let routing = self.cases.route(source);
        store::cases::NewCase {
            subject_type,
            subject_id: subject_id.to_string(),
            subject_key,
            user_id: user_id.map(str::to_string),
            conversation_id: conversation.map(|c| c.id.clone()),
            order_id: conversation.and_then(|c| c.order_id.clone()),
            source: source.kind(),
            category: None,
            queue: routing.queue,
            priority: i64::from(routing.priority),
            due_at: now + routing.due,
            policy_version: self.cases.version.clone(),
        }
    }
}

fn side(role: Role) -> domain::Side {
    match role {
        Role::Buyer => domain::Side::Buyer,
        Role::Seller => domain::Side::Seller,
    }
}

/// The findings as the message's record keeps them (and as the API shows a fresh screening's).
pub fn stored_findings(findings: &[screen::Finding]) -> domain::StoredFindings {
    domain::StoredFindings(
        findings
            .iter()
            .map(|f| domain::StoredFinding {
                category: f.category.as_str().to_string(),
                start: f.start,
                end: f.end,
                matched: f.matched.clone(),
                normalized: f.normalized.clone(),
                rule: f.rule.to_string(),
                explanation: f.explanation.clone(),
                model: f.model.clone(),
            })
            .collect(),
    )
}

/// An `Idempotency-Key` has 1 to 200 characters (the HTTP layer has already checked it is visible ASCII).
pub(crate) fn check_idempotency_key(key: &str) -> std::result::Result<(), String> {
    if key.is_empty() || key.len() > 200 {
        return Err("the Idempotency-Key header must have 1 to 200 characters".into());
    }
    Ok(())
}

/// The first answer to an Idempotency-Key, if the request is the same one.
fn replay(
    first: MessageRecord,
    conversation_id: &str,
    text: &str,
    key: &str,
) -> Result<SendOutcome> {
    if first.conversation_id != conversation_id || first.original_text != text {
        return Err(MessagingError::IdempotencyKeyReused(key.to_string()));
    }
    Ok(SendOutcome {
        findings: first.findings.0.clone(),
        message: first,
        step: None,
        replayed: true,
    })
}

/// The unreversed steps as the policy crate sees them (reinstatements left out).
fn active_steps(steps: &[StepRecord]) -> Vec<policy::ActiveStep> {
    steps
        .iter()
        .filter(|s| s.reversed_by.is_none())
        .filter_map(|s| {
            s.level.ladder().map(|level| policy::ActiveStep {
                level,
                until: s.until,
            })
        })
        .collect()
}

/// The step a new strike earns, decided by the policy on the facts read in the message's transaction.
fn escalation_step(
    policy: &Policy,
    facts: &store::messaging::EnforcementFacts,
    window_start: OffsetDateTime,
    sender_id: &str,
    message_id: &str,
    now: OffsetDateTime,
) -> Option<NewStep> {
    let strikes: Vec<policy::PastStrike> = facts
        .strikes
        .iter()
        .map(|(w, at)| policy::PastStrike {
            weight: u32::try_from(*w).unwrap_or(0),
            at: *at,
        })
        .collect();
    let current_rung = facts
        .active_steps
        .iter()
        .filter(|s| s.created_at >= window_start)
        .filter_map(|s| s.rung)
        .filter_map(|r| usize::try_from(r).ok())
        .max();
    let e = policy.escalate(&strikes, current_rung, now)?;
    let mut in_force = active_steps(&facts.active_steps);
    in_force.push(policy::ActiveStep {
        level: e.level,
        until: e.until,
    });
    let standing = policy::standing(&in_force, now);
    let consequence = match (e.level, e.until) {
        (policy::Level::Warning, _) => {
            "This is a warning: further breaches will restrict your messaging.".to_string()
        }
        (policy::Level::Restricted, Some(until)) => format!(
            "You cannot send messages until {}.",
            store::format_time(until)
        ),
        (policy::Level::Restricted, None) => "You cannot send messages for now.".to_string(),
        (policy::Level::Suspended, _) => {
            "Your account is suspended pending review by our trust and safety team.".to_string()
        }
        (policy::Level::Removed, _) => "Your account is removed from the marketplace.".to_string(),
    };
    let reason = format!(
        "strike points {:.2} reached the threshold {} of ladder rung {} ({}) after message {message_id}",
        e.score,
        e.threshold,
        e.rung + 1,
        e.level.as_str()
    );
    let notice = format!(
        "Your messages broke the marketplace's communication policy several times (strike points {:.1} of {}). {consequence} If you think this is wrong, you can appeal this decision; an investigator will review it.",
        e.score, e.threshold
    );
    let id = uuid::Uuid::now_v7().to_string();
    let level = domain::StepLevel::from(e.level);
    let rung = i64::try_from(e.rung).ok();
    let decided_by = format!("policy:{}", policy.version);
    let audit = AuditEntry::new(
        &decided_by,
        "enforcement.step",
        &format!("user:{sender_id}"),
    )
    .with_details(serde_json::json!({
        "step_id": id,
        "level": level,
        "rung": rung,
        "until": e.until.map(store::format_time),
        "reason": reason,
        "message_id": message_id,
        "status": standing.status,
    }));
    Some(NewStep {
        id,
        level,
        rung,
        until: e.until,
        reason,
        notice,
        decided_by,
        status: standing.status,
        restricted_until: standing.until,
        audit,
    })
}
