//! Phone-contact requests: the use cases behind the contact routes and the relay webhook.
//!
//! A seller asks ([`Contacts::request`]); the active [`contact::ContactPolicy`] judges the request on facts read
//! here (the order, its listing, both parties, counts) and the screened justification, and refuses it with every
//! reason, or sends it to the buyer. The buyer decides ([`Contacts::decide`]); an approval creates a grant with a
//! relay number from the configured pool and the two real numbers encrypted under a key of the grant's own, itself
//! encrypted under the server's key. The grant ends when the buyer revokes it or it expires
//! ([`Contacts::expire_due`]); ending it erases the key and both ciphertexts. The relay ([`Contacts::route`])
//! connects a caller to the other party only through an active grant, and logs each interaction without content.
//!
//! These live in the messaging crate because they share its store, its write gate (SQLite), its screener and
//! its policies: a seller's message that pressures the buyer is recorded against the request by
//! [`crate::Messaging::send`].

use domain::{GrantStatus, RequestStatus};
use std::sync::Arc;

use ::contact::{
    Assessment, Channel, ContactPolicy, ExtendError, Facts, OrderFacts, Purpose, SellerStanding,
};
use secrecy::SecretString;
use security::DataKey;
use store::contact::{
    Approval, ContactGrantRecord, ContactRequestRecord, ContactViolationRecord,
    RelayInteractionRecord, RequestInserted,
};
use store::{StoreError, format_time};
use time::{Duration, OffsetDateTime};

use crate::Messaging;

/// What can go wrong in a contact use case. The HTTP layer maps each to a stable error code.
#[derive(Debug, thiserror::Error)]
pub enum ContactError {
    #[error("{what} `{id}` was not found")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error(
        "the Idempotency-Key `{0}` was already used by this seller for a different contact request; use a new key for a new request"
    )]
    IdempotencyKeyReused(String),
    #[error("{0}")]
    NotConfigured(&'static str),
    #[error(
        "every relay number in the pool is in use by one of these two parties; add numbers to `contact.relay_numbers` or try again when a grant ends"
    )]
    PoolExhausted,
    #[error("the grant cannot be extended: {0}")]
    Extend(#[from] ExtendError),
    #[error("a stored secret could not be read: {0}")]
    Crypto(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ContactError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, id } => ContactError::NotFound { what, id },
            StoreError::Invalid(m) => ContactError::Conflict(m),
            other => ContactError::Store(other),
        }
    }
}

impl From<security::SecurityError> for ContactError {
    fn from(e: security::SecurityError) -> Self {
        ContactError::Crypto(e.to_string())
    }
}

type Result<T, E = ContactError> = std::result::Result<T, E>;

const NO_KEY: &str = "this server has no `security.encryption_key`: set it to 32 random bytes in base64 (`openssl rand -base64 32`) to grant phone contacts (the real numbers are stored encrypted)";
const NO_POOL: &str = "this server has no relay numbers: list them in `contact.relay_numbers` to grant phone contacts";
const NO_POLICY: &str = "no contact policy is in force";

/// What a seller asks for.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub order_id: String,
    pub seller_id: String,
    /// The buyer, when the marketplace names one (checked against the order).
    pub buyer_id: Option<String>,
    pub purpose: String,
    pub justification: String,
    pub channel: String,
    /// Repeating it (same seller) answers the first request and stores nothing.
    pub idempotency_key: Option<String>,
}

/// A request as stored, with the policy's verdict.
#[derive(Debug, Clone)]
pub struct RequestOutcome {
    /// As stored (on a replay, as it is now: the buyer may have decided since).
    pub request: ContactRequestRecord,
    /// The status the request was created with, `refused` or `pending`: the first answer, on a replay too.
    pub created_status: RequestStatus,
    /// `None` on a replay: nothing was judged again.
    pub assessment: Option<Assessment>,
    /// True when this answers an earlier request with the same Idempotency-Key (nothing was stored).
    pub replayed: bool,
}

/// The buyer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Decline,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "approve" => Some(Decision::Approve),
            "decline" => Some(Decision::Decline),
            _ => None,
        }
    }
}

/// What deciding answered.
#[derive(Debug, Clone)]
pub enum Decided {
    Approved(ContactGrantRecord),
    Declined(ContactRequestRecord),
}

/// Which way a relayed interaction went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    SellerToBuyer,
    BuyerToSeller,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SellerToBuyer => "seller_to_buyer",
            Direction::BuyerToSeller => "buyer_to_seller",
        }
    }
}

/// Where the relay sends an inbound call or text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Connect to the other party's real number (used once, never stored or shown).
    Connect {
        grant_id: String,
        to: String,
        direction: Direction,
    },
    /// No active grant allows it.
    Refuse { code: &'static str },
}

/// The contact use cases; cheap to clone.
#[derive(Clone)]
pub struct Contacts {
    m: Messaging,
    relay_pool: Arc<Vec<String>>,
    key: Option<DataKey>,
}

impl std::fmt::Debug for Contacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contacts")
            .field("relay_pool", &self.relay_pool)
            .finish_non_exhaustive()
    }
}

impl Contacts {
    /// `relay_pool`: the masked numbers (E.164) grants are given from; `key`: the server's data key, which wraps each
    /// grant's own key.
    pub fn new(m: Messaging, relay_pool: Vec<String>, key: Option<DataKey>) -> Contacts {
        Contacts {
            m,
            relay_pool: Arc::new(relay_pool),
            key,
        }
    }

    pub fn messaging(&self) -> &Messaging {
        &self.m
    }

    fn policy(&self) -> Result<Arc<ContactPolicy>> {
        self.m
            .contact_policy()
            .ok_or(ContactError::NotConfigured(NO_POLICY))
    }

    async fn gate(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.m.write_gate {
            Some(g) => Some(g.lock().await),
            None => None,
        }
    }

    /// Ends every grant whose expiry has come (numbers erased); answers their ids. Called before each read and
    /// relay decision, and periodically by the server.
    pub async fn expire_due(&self, now: OffsetDateTime) -> Result<Vec<String>> {
        let _gate = self.gate().await;
        Ok(self.m.store.expire_due_contact_grants(now).await?)
    }

    /// A seller asks to phone the buyer of an order. The request is stored either way: `refused` with every reason,
    /// or `pending` (waiting for the buyer), possibly flagged for review.
    pub async fn request(&self, req: &NewRequest, now: OffsetDateTime) -> Result<RequestOutcome> {
        let policy = self.policy()?;
        let purpose = Purpose::parse(&req.purpose).ok_or_else(|| {
            ContactError::Invalid(format!(
                "`purpose` must be one of {}, not `{}`",
                Purpose::names(),
                req.purpose
            ))
        })?;
        let channel = Channel::parse(&req.channel).ok_or_else(|| {
            ContactError::Invalid(format!(
                "`channel` must be `voice` or `sms`, not `{}`",
                req.channel
            ))
        })?;
        let justification = req.justification.trim();
        let chars = justification.chars().count();
        if chars == 0 || chars > policy.justification.max_chars as usize {
            return Err(ContactError::Invalid(format!(
                "`justification` must have 1 to {} characters",
                policy.justification.max_chars
            )));
        }
        for (name, id) in [("order_id", &req.order_id), ("seller_id", &req.seller_id)] {
            if id.trim().is_empty() || id.len() > 200 {
                return Err(ContactError::Invalid(format!(
                    "`{name}` must have 1 to 200 characters"
                )));
            }
        }
        if let Some(key) = &req.idempotency_key {
            crate::check_idempotency_key(key).map_err(ContactError::Invalid)?;
            if let Some(first) = self
                .m
                .store
                .contact_request_by_idempotency_key(&req.seller_id, key)
                .await?
            {
                return replay(first, req, purpose, channel, justification, key);
            }
        }
        self.expire_due(now).await?;
        let store = &self.m.store;
        let seller = store
            .user(&req.seller_id)
            .await?
            .ok_or_else(|| ContactError::NotFound {
                what: "user",
                id: req.seller_id.clone(),
            })?;
        let order = store.order(&req.order_id).await?;
        let mut order_facts = None;
        if let Some(o) = &order {
            let listing = match &o.listing_id {
                Some(l) => store.listing(l).await?,
                None => None,
            };
            let buyer = store.user(&o.buyer_id).await?;
            order_facts = Some(OrderFacts {
                buyer_id: o.buyer_id.clone(),
                seller_id: o.seller_id.clone(),
                status: o.status.clone(),
                updated_at: o.updated_at,
                delivery_date: o.delivery_date.as_deref().and_then(parse_date),
                bulky: listing.as_ref().is_some_and(|l| l.bulky),
                made_to_order: listing.as_ref().is_some_and(|l| l.made_to_order),
                listing_category: listing.map(|l| l.category),
                buyer_has_phone: buyer.is_some_and(|b| b.phone.is_some()),
            });
        }
        let screening = self.m.screener.screen(&screen::Message {
            text: justification,
            region: screen::Region::parse(&seller.country).ok(),
            sender: Some(screen::Role::Seller),
        });
        let categories = screening.categories();
        let counts = store
            .contact_request_counts(
                &req.order_id,
                &seller.id,
                now - Duration::days(1),
                now - policy.limits.share_window,
            )
            .await?;
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        let facts = Facts {
            now,
            purpose,
            justification,
            justification_categories: &categories,
            seller_id: &seller.id,
            claimed_buyer_id: req.buyer_id.as_deref(),
            order: order_facts,
            seller_standing: standing(&seller),
            seller_has_phone: seller.phone.is_some(),
            seller_messages_about_order: count(counts.seller_messages_about_order),
            seller_requests_last_day: count(counts.seller_requests_last_day),
            seller_orders_in_window: count(counts.seller_orders_in_window),
            seller_orders_with_requests: count(counts.seller_orders_with_requests),
            open_request_for_order: counts.open_request_for_order,
        };
        let assessment = policy.assess(&facts);
        let json = |v: &[::contact::Reason]| {
            domain::Reasons(
                v.iter()
                    .map(|r| domain::Reason {
                        code: r.code.as_str().to_string(),
                        message: r.message.clone(),
                    })
                    .collect(),
            )
        };
        let record = ContactRequestRecord {
            id: uuid::Uuid::now_v7().to_string(),
            order_id: req.order_id.clone(),
            seller_id: seller.id.clone(),
            buyer_id: order.map(|o| o.buyer_id),
            purpose,
            justification: justification.to_string(),
            channel,
            status: if assessment.refused() {
                RequestStatus::Refused
            } else {
                RequestStatus::Pending
            },
            reasons: json(&assessment.refusals),
            review_flags: json(&assessment.review_flags),
            policy_version: policy.version.clone(),
            grant_id: None,
            created_at: now,
            decided_at: None,
            updated_at: now,
            idempotency_key: req.idempotency_key.clone(),
        };
        // An unusual rate puts the seller in front of an investigator: one review case per seller, joined by
        // each further flagged request while it is open.
        let review_case =
            (!assessment.refused() && !assessment.review_flags.is_empty()).then(|| {
                self.m.new_case(
                    cases::Source::ContactReview,
                    cases::SubjectType::User,
                    &record.seller_id,
                    format!("contact_review:{}", record.seller_id),
                    Some(&record.seller_id),
                    None,
                    now,
                )
            });
        let inserted = {
            let _gate = self.gate().await;
            store
                .insert_contact_request(&record, review_case.as_ref())
                .await?
        };
        match inserted {
            RequestInserted::New => Ok(RequestOutcome {
                created_status: created_status(&record),
                request: record,
                assessment: Some(assessment),
                replayed: false,
            }),
            RequestInserted::Duplicate(first) => {
                let key = req.idempotency_key.as_deref().unwrap_or_default();
                replay(*first, req, purpose, channel, justification, key)
            }
        }
    }

    /// A request, its grant if any (expired grants are ended first), and the pressure recorded against it.
    pub async fn request_view(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<(
        ContactRequestRecord,
        Option<ContactGrantRecord>,
        Vec<ContactViolationRecord>,
    )> {
        self.expire_due(now).await?;
        let request =
            self.m
                .store
                .contact_request(id)
                .await?
                .ok_or_else(|| ContactError::NotFound {
                    what: "contact request",
                    id: id.to_string(),
                })?;
        let grant = match &request.grant_id {
            Some(g) => self.m.store.contact_grant(g).await?,
            None => None,
        };
        let violations = self.m.store.contact_violations(&request.id).await?;
        Ok((request, grant, violations))
    }

    /// The buyer approves or declines a pending request. Approval creates the grant: a relay number from the pool
    /// and both real numbers encrypted under a fresh key of the grant's own, wrapped by the server's key.
    pub async fn decide(
        &self,
        request_id: &str,
        buyer_id: &str,
        decision: Decision,
        now: OffsetDateTime,
    ) -> Result<Decided> {
        self.expire_due(now).await?;
        let store = &self.m.store;
        if decision == Decision::Decline {
            let _gate = self.gate().await;
            return Ok(Decided::Declined(
                store
                    .decline_contact_request(request_id, buyer_id, now)
                    .await?,
            ));
        }
        let server_key = self
            .key
            .as_ref()
            .ok_or(ContactError::NotConfigured(NO_KEY))?;
        if self.relay_pool.is_empty() {
            return Err(ContactError::NotConfigured(NO_POOL));
        }
        let policy = self.policy()?;
        let request = store
            .contact_request(request_id)
            .await?
            .filter(|r| r.buyer_id.as_deref() == Some(buyer_id))
            .ok_or_else(|| ContactError::NotFound {
                what: "contact request for this buyer",
                id: request_id.to_string(),
            })?;
        if request.status != RequestStatus::Pending {
            return Err(ContactError::Conflict(format!(
                "contact request {request_id} is {}, not pending: it cannot be decided again",
                request.status
            )));
        }
        let phone_of = |id: &str| {
            let id = id.to_string();
            async move {
                store
                    .user(&id)
                    .await?
                    .and_then(|u| u.phone)
                    .ok_or_else(|| {
                        ContactError::Conflict(format!(
                            "the marketplace no longer has a phone number for `{id}`; update the user first"
                        ))
                    })
            }
        };
        let buyer_phone = phone_of(buyer_id).await?;
        let seller_phone = phone_of(&request.seller_id).await?;
        let delivery_date = store
            .order(&request.order_id)
            .await?
            .and_then(|o| o.delivery_date)
            .as_deref()
            .and_then(parse_date);
        let grant_id = uuid::Uuid::now_v7().to_string();
        let grant_key_b64 = DataKey::generate_base64();
        let wrapped_key = server_key.encrypt(grant_key_b64.as_bytes(), &key_context(&grant_id))?;
        let grant_key = DataKey::from_base64(&SecretString::from(grant_key_b64))?;
        let grant = ContactGrantRecord {
            buyer_phone_enc: Some(
                grant_key.encrypt(buyer_phone.as_bytes(), &phone_context(&grant_id, "buyer"))?,
            ),
            seller_phone_enc: Some(
                grant_key.encrypt(seller_phone.as_bytes(), &phone_context(&grant_id, "seller"))?,
            ),
            wrapped_key: Some(wrapped_key),
            id: grant_id,
            request_id: request.id.clone(),
            order_id: request.order_id.clone(),
            buyer_id: buyer_id.to_string(),
            seller_id: request.seller_id.clone(),
            channel: request.channel,
            relay_number: String::new(),
            status: GrantStatus::Active,
            expires_at: policy.grant_expiry(now, delivery_date),
            extensions: 0,
            created_at: now,
            ended_at: None,
            end_reason: None,
        };
        let _gate = self.gate().await;
        match store
            .approve_contact_request(request_id, buyer_id, &grant, &self.relay_pool, now)
            .await?
        {
            Approval::Granted(g) => Ok(Decided::Approved(*g)),
            Approval::PoolExhausted => Err(ContactError::PoolExhausted),
        }
    }

    /// The buyer revokes a grant at any time: it ends now and the numbers are erased.
    pub async fn revoke(
        &self,
        grant_id: &str,
        buyer_id: &str,
        now: OffsetDateTime,
    ) -> Result<ContactGrantRecord> {
        self.expire_due(now).await?;
        let _gate = self.gate().await;
        Ok(self
            .m
            .store
            .revoke_contact_grant(grant_id, buyer_id, now)
            .await?)
    }

    /// The buyer (and only the buyer) extends an active grant by `by`, within the policy's bounds.
    pub async fn extend(
        &self,
        grant_id: &str,
        buyer_id: &str,
        by: Duration,
        now: OffsetDateTime,
    ) -> Result<ContactGrantRecord> {
        self.expire_due(now).await?;
        let policy = self.policy()?;
        let grant = self
            .m
            .store
            .contact_grant(grant_id)
            .await?
            .filter(|g| g.buyer_id == buyer_id)
            .ok_or_else(|| ContactError::NotFound {
                what: "contact grant for this buyer",
                id: grant_id.to_string(),
            })?;
        if grant.status != GrantStatus::Active {
            return Err(ContactError::Conflict(format!(
                "contact grant {grant_id} is {}; ask for a new contact instead",
                grant.status
            )));
        }
        let new_expiry = policy.extended_expiry(
            now,
            grant.expires_at,
            u32::try_from(grant.extensions).unwrap_or(u32::MAX),
            by,
        )?;
        let _gate = self.gate().await;
        Ok(self
            .m
            .store
            .extend_contact_grant(&grant, new_expiry, now)
            .await?)
    }

    /// Every grant the buyer received, newest first, with the request that led to it.
    pub async fn grants_for_buyer(
        &self,
        buyer_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<(ContactGrantRecord, ContactRequestRecord)>> {
        self.expire_due(now).await?;
        Ok(self.m.store.contact_grants_for_buyer(buyer_id).await?)
    }

    /// Where an inbound call or text from `from` to the relay number `to` goes: to the other party of the one
    /// active grant that leases `to` to the caller, if it allows this kind of contact. Logged either way, without
    /// content and without the caller's number.
    pub async fn route(
        &self,
        kind: Channel,
        from: &str,
        to: &str,
        provider_ref: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Route> {
        self.expire_due(now).await?;
        let server_key = self
            .key
            .as_ref()
            .ok_or(ContactError::NotConfigured(NO_KEY))?;
        let from = canonical_number(from);
        let to = canonical_number(to);
        let grants = self.m.store.active_grants_on_relay(&to, now).await?;
        let mut found = None;
        for g in &grants {
            let (Some(wrapped), Some(buyer_enc), Some(seller_enc)) =
                (&g.wrapped_key, &g.buyer_phone_enc, &g.seller_phone_enc)
            else {
                continue;
            };
            let grant_key = server_key.decrypt(wrapped, &key_context(&g.id))?;
            let grant_key = DataKey::from_base64(&SecretString::from(
                String::from_utf8(grant_key).map_err(|e| ContactError::Crypto(e.to_string()))?,
            ))?;
            let text = |enc: &str, party: &str| -> Result<String> {
                let bytes = grant_key.decrypt(enc, &phone_context(&g.id, party))?;
                String::from_utf8(bytes).map_err(|e| ContactError::Crypto(e.to_string()))
            };
            let buyer = text(buyer_enc, "buyer")?;
            let seller = text(seller_enc, "seller")?;
            if from == canonical_number(&seller) {
                found = Some((g, Direction::SellerToBuyer, buyer));
                break;
            }
            if from == canonical_number(&buyer) {
                found = Some((g, Direction::BuyerToSeller, seller));
                break;
            }
        }
        let mut log = RelayInteractionRecord {
            id: uuid::Uuid::now_v7().to_string(),
            grant_id: None,
            relay_number: to.clone(),
            kind: kind.as_str().to_string(),
            direction: None,
            outcome: "refused".into(),
            refusal_code: None,
            provider_ref: provider_ref.map(str::to_string),
            duration_secs: None,
            created_at: now,
            ended_at: None,
        };
        let route = match found {
            None => Route::Refuse {
                code: "no_active_grant",
            },
            Some((g, direction, _)) if g.channel != kind => {
                log.grant_id = Some(g.id.clone());
                log.direction = Some(direction.as_str().to_string());
                Route::Refuse {
                    code: "channel_not_granted",
                }
            }
            Some((g, direction, other)) => {
                log.grant_id = Some(g.id.clone());
                log.direction = Some(direction.as_str().to_string());
                log.outcome = "connected".into();
                Route::Connect {
                    grant_id: g.id.clone(),
                    to: other,
                    direction,
                }
            }
        };
        if let Route::Refuse { code } = &route {
            log.refusal_code = Some((*code).to_string());
        }
        if kind == Channel::Sms && log.outcome == "connected" {
            log.ended_at = Some(now);
        }
        self.m.store.record_relay_interaction(&log).await?;
        Ok(route)
    }

    /// A relayed call ended: records its duration.
    pub async fn call_ended(
        &self,
        provider_ref: &str,
        duration_secs: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<bool> {
        Ok(self
            .m
            .store
            .finish_relay_interaction(provider_ref, duration_secs, now)
            .await?)
    }
}

/// A request is created `refused` or `pending`; every later status (approved, declined, ...) was pending first.
fn created_status(r: &ContactRequestRecord) -> RequestStatus {
    if r.status == RequestStatus::Refused {
        RequestStatus::Refused
    } else {
        RequestStatus::Pending
    }
}

/// The first answer to an Idempotency-Key, if the request is the same one: the same order, purpose, justification
/// and channel (the seller is the key's scope). The buyer the marketplace may name is a check against the order,
/// not stored, so it is not compared.
fn replay(
    first: ContactRequestRecord,
    req: &NewRequest,
    purpose: Purpose,
    channel: Channel,
    justification: &str,
    key: &str,
) -> Result<RequestOutcome> {
    if first.order_id != req.order_id
        || first.purpose != purpose.as_str()
        || first.channel != channel.as_str()
        || first.justification != justification
    {
        return Err(ContactError::IdempotencyKeyReused(key.to_string()));
    }
    Ok(RequestOutcome {
        created_status: created_status(&first),
        request: first,
        assessment: None,
        replayed: true,
    })
}

fn key_context(grant_id: &str) -> String {
    format!("contact_grant:{grant_id}:key")
}

fn phone_context(grant_id: &str, party: &str) -> String {
    format!("contact_grant:{grant_id}:{party}_phone")
}

/// `+` and digits only, as the relay provider and the marketplace may format numbers differently.
fn canonical_number(n: &str) -> String {
    n.chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

fn parse_date(s: &str) -> Option<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

fn standing(u: &store::parties::UserRecord) -> SellerStanding {
    match u.status.as_str() {
        "warned" => SellerStanding::Warned,
        "restricted" => SellerStanding::Restricted {
            until: u.restricted_until,
        },
        "suspended" => SellerStanding::Suspended,
        "removed" => SellerStanding::Removed,
        _ => SellerStanding::Active,
    }
}

/// The time a grant ends, for messages.
pub fn expiry_text(g: &ContactGrantRecord) -> String {
    format_time(g.expires_at)
}
