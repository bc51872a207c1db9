//! Phone-contact requests, grants, relay-number leases, relay interactions and pressure violations.
//!
//! Every change of a request or a grant writes its audit entry in the same transaction. A grant's real phone
//! numbers are stored only as ciphertext under the grant's own key (`wrapped_key`, itself encrypted by the
//! caller); ending a grant sets all three columns to NULL in the statement that ends it, which erases the numbers.

use domain::{Channel, GrantStatus, JsonColumn, Purpose, Reasons, RequestStatus};
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::messaging::is_unique_violation;
use crate::time_text::{opt_time_col, time_col};
use crate::{Store, StoreError, format_time};

/// A contact request, refused or sent to the buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRequestRecord {
    pub id: String,
    pub order_id: String,
    pub seller_id: String,
    /// The order's buyer (`None` when the order does not exist).
    pub buyer_id: Option<String>,
    pub purpose: Purpose,
    pub justification: String,
    pub channel: Channel,
    pub status: RequestStatus,
    /// The refusal reasons (JSON `[{code, message}]` in the column).
    pub reasons: Reasons,
    /// The review flags (JSON `[{code, message}]` in the column).
    pub review_flags: Reasons,
    pub policy_version: String,
    pub grant_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    /// The `Idempotency-Key` the request was made with (unique per seller).
    pub idempotency_key: Option<String>,
}

/// The outcome of [`Store::insert_contact_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestInserted {
    New,
    /// The seller already used this Idempotency-Key: nothing was written; this is the first request.
    Duplicate(Box<ContactRequestRecord>),
}

/// A grant: a relay number between one buyer and one seller, until it expires or is revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGrantRecord {
    pub id: String,
    pub request_id: String,
    pub order_id: String,
    pub buyer_id: String,
    pub seller_id: String,
    pub channel: Channel,
    pub relay_number: String,
    pub status: GrantStatus,
    /// The grant's key, encrypted under the server's key; NULL once the grant ended.
    pub wrapped_key: Option<String>,
    /// Personal data, encrypted under the grant's key; NULL once the grant ended.
    pub buyer_phone_enc: Option<String>,
    pub seller_phone_enc: Option<String>,
    pub expires_at: OffsetDateTime,
    pub extensions: i64,
    pub created_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
    pub end_reason: Option<String>,
}

/// The counts a contact request is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestCounts {
    /// The seller's messages in the order's conversation.
    pub seller_messages_about_order: i64,
    /// The seller's requests that reached buyers since `day_since`.
    pub seller_requests_last_day: i64,
    /// The seller's orders created since `window_since`.
    pub seller_orders_in_window: i64,
    /// Of those, how many have a request that reached the buyer, or are this order.
    pub seller_orders_with_requests: i64,
    /// A pending or approved request exists for this order and seller.
    pub open_request_for_order: bool,
}

/// One relayed (or refused) call or text: never content, never the caller's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayInteractionRecord {
    pub id: String,
    pub grant_id: Option<String>,
    pub relay_number: String,
    /// `voice` or `sms`.
    pub kind: String,
    /// `seller_to_buyer` or `buyer_to_seller`; `None` when refused before the caller was recognised.
    pub direction: Option<String>,
    /// `connected` or `refused`.
    pub outcome: String,
    pub refusal_code: Option<String>,
    pub provider_ref: Option<String>,
    pub duration_secs: Option<i64>,
    pub created_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
}

/// A pressure message recorded against a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactViolationRecord {
    pub id: String,
    pub request_id: String,
    pub message_id: String,
    pub user_id: String,
    pub kind: String,
    pub strike_id: Option<String>,
    pub created_at: OffsetDateTime,
}

/// What approving answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approval {
    Granted(Box<ContactGrantRecord>),
    /// Every relay number in the pool is already leased to one of the two parties: nothing was written.
    PoolExhausted,
}

const REQUEST_COLUMNS: &str = "id, order_id, seller_id, buyer_id, purpose, justification, channel, status, reasons, review_flags, policy_version, grant_id, created_at, decided_at, updated_at, idempotency_key";
const GRANT_COLUMNS: &str = "id, request_id, order_id, buyer_id, seller_id, channel, relay_number, status, wrapped_key, buyer_phone_enc, seller_phone_enc, expires_at, extensions, created_at, ended_at, end_reason";
const INTERACTION_COLUMNS: &str = "id, grant_id, relay_number, kind, direction, outcome, refusal_code, provider_ref, duration_secs, created_at, ended_at";

impl Store {
    /// The counts a new request about `order_id` by `seller_id` is judged on.
    pub async fn contact_request_counts(
        &self,
        order_id: &str,
        seller_id: &str,
        day_since: OffsetDateTime,
        window_since: OffsetDateTime,
    ) -> Result<RequestCounts, StoreError> {
        let messages: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id \
             WHERE c.subject_key = $1 AND m.sender_id = $2",
        )
        .bind(format!("order:{order_id}"))
        .bind(seller_id)
        .fetch_one(self.pool())
        .await?;
        let last_day: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM contact_requests WHERE seller_id = $1 AND created_at >= $2 AND status <> 'refused'",
        )
        .bind(seller_id)
        .bind(format_time(day_since))
        .fetch_one(self.pool())
        .await?;
        let orders: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orders WHERE seller_id = $1 AND created_at >= $2",
        )
        .bind(seller_id)
        .bind(format_time(window_since))
        .fetch_one(self.pool())
        .await?;
        let with_requests: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orders o WHERE o.seller_id = $1 AND o.created_at >= $2 AND (o.id = $3 OR EXISTS \
             (SELECT 1 FROM contact_requests r WHERE r.order_id = o.id AND r.seller_id = $1 AND r.status <> 'refused'))",
        )
        .bind(seller_id)
        .bind(format_time(window_since))
        .bind(order_id)
        .fetch_one(self.pool())
        .await?;
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM contact_requests WHERE order_id = $1 AND seller_id = $2 AND status IN ('pending', 'approved')",
        )
        .bind(order_id)
        .bind(seller_id)
        .fetch_one(self.pool())
        .await?;
        Ok(RequestCounts {
            seller_messages_about_order: messages,
            seller_requests_last_day: last_day,
            seller_orders_in_window: orders,
            seller_orders_with_requests: with_requests,
            open_request_for_order: open > 0,
        })
    }

    /// Stores a new request (refused or pending) with its audit entries: `contact_request.refuse` or
    /// `contact_request.create`, and `contact_request.flag` when it carries review flags, in which case the
    /// seller's review case (`review_case`) is opened, or joined when it is already open. A repeated
    /// Idempotency-Key of the same seller writes nothing and answers the first request.
    pub async fn insert_contact_request(
        &self,
        r: &ContactRequestRecord,
        review_case: Option<&crate::cases::NewCase>,
    ) -> Result<RequestInserted, StoreError> {
        let mut tx = self.write_tx().await?;
        let inserted = sqlx::query(&format!(
            "INSERT INTO contact_requests ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        ))
        .bind(&r.id)
        .bind(&r.order_id)
        .bind(&r.seller_id)
        .bind(&r.buyer_id)
        .bind(r.purpose.as_str())
        .bind(&r.justification)
        .bind(r.channel.as_str())
        .bind(r.status.as_str())
        .bind(r.reasons.to_json())
        .bind(r.review_flags.to_json())
        .bind(&r.policy_version)
        .bind(&r.grant_id)
        .bind(format_time(r.created_at))
        .bind(r.decided_at.map(format_time))
        .bind(format_time(r.updated_at))
        .bind(&r.idempotency_key)
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            // Another request with the same key got in first (the caller looked before judging).
            if is_unique_violation(&e)
                && let Some(key) = &r.idempotency_key
            {
                drop(tx);
                if let Some(first) = self
                    .contact_request_by_idempotency_key(&r.seller_id, key)
                    .await?
                {
                    return Ok(RequestInserted::Duplicate(Box::new(first)));
                }
            }
            return Err(e.into());
        }
        let action = if r.status == RequestStatus::Refused {
            "contact_request.refuse"
        } else {
            "contact_request.create"
        };
        let actor = format!("user:{}", r.seller_id);
        let subject = format!("contact_request:{}", r.id);
        self.audit_in(
            &mut tx,
            &AuditEntry::new(&actor, action, &subject).with_details(serde_json::json!({
                "order_id": r.order_id,
                "buyer_id": r.buyer_id,
                "purpose": r.purpose,
                "channel": r.channel,
                "status": r.status,
                "reasons": r.reasons,
                "policy_version": r.policy_version,
            })),
            r.created_at,
        )
        .await?;
        if !r.review_flags.is_empty() {
            self.audit_in(
                &mut tx,
                &AuditEntry::new(
                    &format!("policy:{}", r.policy_version),
                    "contact_request.flag",
                    &subject,
                )
                .with_details(
                    serde_json::json!({"seller_id": r.seller_id, "flags": r.review_flags}),
                ),
                r.created_at,
            )
            .await?;
            if let Some(case) = review_case {
                crate::cases::open_case_in(
                    &mut tx,
                    self.audit_keys(),
                    case,
                    &format!("policy:{}", r.policy_version),
                    r.created_at,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(RequestInserted::New)
    }

    /// The request `seller_id` made with this Idempotency-Key, if any.
    pub async fn contact_request_by_idempotency_key(
        &self,
        seller_id: &str,
        key: &str,
    ) -> Result<Option<ContactRequestRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM contact_requests WHERE seller_id = $1 AND idempotency_key = $2"
        ))
        .bind(seller_id)
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_request).transpose()
    }

    pub async fn contact_request(
        &self,
        id: &str,
    ) -> Result<Option<ContactRequestRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM contact_requests WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_request).transpose()
    }

    /// Every contact request a seller made to a buyer, oldest first (evidence for a case about the two).
    pub async fn contact_requests_between(
        &self,
        seller_id: &str,
        buyer_id: &str,
    ) -> Result<Vec<ContactRequestRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM contact_requests WHERE seller_id = $1 AND buyer_id = $2 ORDER BY created_at, id"
        ))
        .bind(seller_id)
        .bind(buyer_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_request).collect()
    }

    /// The buyer declines a pending request (audited as `contact_request.decline`).
    pub async fn decline_contact_request(
        &self,
        id: &str,
        buyer_id: &str,
        now: OffsetDateTime,
    ) -> Result<ContactRequestRecord, StoreError> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE contact_requests SET status = 'declined', decided_at = $1, updated_at = $1 \
             WHERE id = $2 AND buyer_id = $3 AND status = 'pending'",
        )
        .bind(format_time(now))
        .bind(id)
        .bind(buyer_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            drop(tx);
            return Err(self.not_pending(id, buyer_id).await);
        }
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                &format!("user:{buyer_id}"),
                "contact_request.decline",
                &format!("contact_request:{id}"),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        self.contact_request(id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "contact request",
                id: id.to_string(),
            })
    }

    /// Why a request could not be decided: not found (or not this buyer's), or no longer pending.
    async fn not_pending(&self, id: &str, buyer_id: &str) -> StoreError {
        match self.contact_request(id).await {
            Ok(Some(r)) if r.buyer_id.as_deref() == Some(buyer_id) => StoreError::Invalid(format!(
                "contact request {id} is {}, not pending: it cannot be decided again",
                r.status
            )),
            Ok(_) => StoreError::NotFound {
                what: "contact request for this buyer",
                id: id.to_string(),
            },
            Err(e) => e,
        }
    }

    /// The buyer approves a pending request: marks it approved, stores the grant (its numbers already
    /// encrypted by the caller) with the first relay number of `relay_pool` that neither party holds, leases that
    /// number to both, and writes `contact_grant.create`, in one transaction.
    pub async fn approve_contact_request(
        &self,
        request_id: &str,
        buyer_id: &str,
        grant: &ContactGrantRecord,
        relay_pool: &[String],
        now: OffsetDateTime,
    ) -> Result<Approval, StoreError> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE contact_requests SET status = 'approved', decided_at = $1, updated_at = $1, grant_id = $2 \
             WHERE id = $3 AND buyer_id = $4 AND status = 'pending'",
        )
        .bind(format_time(now))
        .bind(&grant.id)
        .bind(request_id)
        .bind(buyer_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            drop(tx);
            return Err(self.not_pending(request_id, buyer_id).await);
        }
        sqlx::query(&format!(
            "INSERT INTO contact_grants ({GRANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        ))
        .bind(&grant.id)
        .bind(&grant.request_id)
        .bind(&grant.order_id)
        .bind(&grant.buyer_id)
        .bind(&grant.seller_id)
        .bind(grant.channel.as_str())
        .bind("")
        .bind(GrantStatus::Active.as_str())
        .bind(&grant.wrapped_key)
        .bind(&grant.buyer_phone_enc)
        .bind(&grant.seller_phone_enc)
        .bind(format_time(grant.expires_at))
        .bind(0i64)
        .bind(format_time(now))
        .bind(None::<String>)
        .bind(None::<String>)
        .execute(&mut *tx)
        .await?;
        let mut chosen = None;
        for number in relay_pool {
            if lease_in(&mut tx, number, &grant.buyer_id, &grant.id).await? {
                if lease_in(&mut tx, number, &grant.seller_id, &grant.id).await? {
                    chosen = Some(number.clone());
                    break;
                }
                sqlx::query("DELETE FROM relay_leases WHERE grant_id = $1")
                    .bind(&grant.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let Some(relay_number) = chosen else {
            // Dropping the transaction rolls everything back.
            return Ok(Approval::PoolExhausted);
        };
        sqlx::query("UPDATE contact_grants SET relay_number = $1 WHERE id = $2")
            .bind(&relay_number)
            .bind(&grant.id)
            .execute(&mut *tx)
            .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                &format!("user:{buyer_id}"),
                "contact_grant.create",
                &format!("contact_grant:{}", grant.id),
            )
            .with_details(serde_json::json!({
                "request_id": request_id,
                "seller_id": grant.seller_id,
                "channel": grant.channel,
                "relay_number": relay_number,
                "expires_at": format_time(grant.expires_at),
            })),
            now,
        )
        .await?;
        tx.commit().await?;
        let mut stored = grant.clone();
        stored.relay_number = relay_number;
        stored.status = GrantStatus::Active;
        stored.extensions = 0;
        stored.created_at = now;
        Ok(Approval::Granted(Box::new(stored)))
    }

    pub async fn contact_grant(&self, id: &str) -> Result<Option<ContactGrantRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {GRANT_COLUMNS} FROM contact_grants WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_grant).transpose()
    }

    /// The buyer revokes an active grant: the numbers are erased, the relay number released, the request marked
    /// revoked, and `contact_grant.revoke` written, in one transaction.
    pub async fn revoke_contact_grant(
        &self,
        id: &str,
        buyer_id: &str,
        now: OffsetDateTime,
    ) -> Result<ContactGrantRecord, StoreError> {
        let grant = self
            .contact_grant(id)
            .await?
            .filter(|g| g.buyer_id == buyer_id)
            .ok_or_else(|| StoreError::NotFound {
                what: "contact grant for this buyer",
                id: id.to_string(),
            })?;
        let mut tx = self.write_tx().await?;
        if !end_grant_in(
            &mut tx,
            &grant,
            GrantStatus::Revoked,
            "revoked by the buyer",
            now,
        )
        .await?
        {
            return Err(StoreError::Invalid(format!(
                "contact grant {id} already ended; there is nothing to revoke"
            )));
        }
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                &format!("user:{buyer_id}"),
                "contact_grant.revoke",
                &format!("contact_grant:{id}"),
            )
            .with_details(
                serde_json::json!({"request_id": grant.request_id, "numbers_erased": true}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        self.contact_grant(id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "contact grant",
                id: id.to_string(),
            })
    }

    /// Ends every active grant whose expiry is at or before `now` (numbers erased, relay number released, request
    /// marked expired, `contact_grant.expire` written, one transaction per grant); answers their ids.
    pub async fn expire_due_contact_grants(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {GRANT_COLUMNS} FROM contact_grants WHERE status = 'active' AND expires_at <= $1 ORDER BY expires_at"
        ))
        .bind(format_time(now))
        .fetch_all(self.pool())
        .await?;
        let due = rows
            .iter()
            .map(row_to_grant)
            .collect::<Result<Vec<_>, _>>()?;
        let mut ended = Vec::new();
        for grant in due {
            let mut tx = self.write_tx().await?;
            // Another process may have ended it first: then there is nothing to do.
            if !end_grant_in(&mut tx, &grant, GrantStatus::Expired, "expired", now).await? {
                continue;
            }
            self.audit_in(
                &mut tx,
                &AuditEntry::new(
                    "system:expiry",
                    "contact_grant.expire",
                    &format!("contact_grant:{}", grant.id),
                )
                .with_details(serde_json::json!({
                    "request_id": grant.request_id,
                    "expires_at": format_time(grant.expires_at),
                    "numbers_erased": true,
                })),
                now,
            )
            .await?;
            tx.commit().await?;
            ended.push(grant.id);
        }
        Ok(ended)
    }

    /// Moves an active grant's expiry (the buyer extends it); refused when the grant changed meanwhile.
    pub async fn extend_contact_grant(
        &self,
        grant: &ContactGrantRecord,
        new_expiry: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<ContactGrantRecord, StoreError> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE contact_grants SET expires_at = $1, extensions = extensions + 1 \
             WHERE id = $2 AND status = 'active' AND extensions = $3 AND expires_at = $4",
        )
        .bind(format_time(new_expiry))
        .bind(&grant.id)
        .bind(grant.extensions)
        .bind(format_time(grant.expires_at))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Invalid(format!(
                "contact grant {} is no longer active or was changed meanwhile; read it again",
                grant.id
            )));
        }
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                &format!("user:{}", grant.buyer_id),
                "contact_grant.extend",
                &format!("contact_grant:{}", grant.id),
            )
            .with_details(serde_json::json!({
                "from": format_time(grant.expires_at),
                "to": format_time(new_expiry),
                "extension": grant.extensions + 1,
            })),
            now,
        )
        .await?;
        tx.commit().await?;
        self.contact_grant(&grant.id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "contact grant",
                id: grant.id.clone(),
            })
    }

    /// Every grant the buyer received, newest first, with its request.
    pub async fn contact_grants_for_buyer(
        &self,
        buyer_id: &str,
    ) -> Result<Vec<(ContactGrantRecord, ContactRequestRecord)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {GRANT_COLUMNS} FROM contact_grants WHERE buyer_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(buyer_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let g = row_to_grant(r)?;
            let req = self
                .contact_request(&g.request_id)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("grant {} names no request", g.id)))?;
            out.push((g, req));
        }
        Ok(out)
    }

    /// The active, unexpired grants on a relay number.
    pub async fn active_grants_on_relay(
        &self,
        relay_number: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<ContactGrantRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {GRANT_COLUMNS} FROM contact_grants WHERE relay_number = $1 AND status = 'active' AND expires_at > $2"
        ))
        .bind(relay_number)
        .bind(format_time(now))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_grant).collect()
    }

    /// Whether the two parties have an active, unexpired contact grant at `now`.
    pub async fn active_contact_grant_between(
        &self,
        buyer_id: &str,
        seller_id: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM contact_grants WHERE buyer_id = $1 AND seller_id = $2 AND status = 'active' AND expires_at > $3",
        )
        .bind(buyer_id)
        .bind(seller_id)
        .bind(format_time(now))
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    /// The seller's most recent request to this buyer that the buyer has not accepted (pending, declined or
    /// revoked): what a pressure message is recorded against.
    pub async fn contact_request_open_to_pressure(
        &self,
        buyer_id: &str,
        seller_id: &str,
    ) -> Result<Option<ContactRequestRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM contact_requests WHERE buyer_id = $1 AND seller_id = $2 \
             AND status IN ('pending', 'declined', 'revoked') ORDER BY created_at DESC, id DESC LIMIT 1"
        ))
        .bind(buyer_id)
        .bind(seller_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_request).transpose()
    }

    /// The pressure violations recorded against a request.
    pub async fn contact_violations(
        &self,
        request_id: &str,
    ) -> Result<Vec<ContactViolationRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, request_id, message_id, user_id, kind, strike_id, created_at FROM contact_violations \
             WHERE request_id = $1 ORDER BY created_at, id",
        )
        .bind(request_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ContactViolationRecord {
                    id: r.try_get("id")?,
                    request_id: r.try_get("request_id")?,
                    message_id: r.try_get("message_id")?,
                    user_id: r.try_get("user_id")?,
                    kind: r.try_get("kind")?,
                    strike_id: r.try_get("strike_id")?,
                    created_at: time_col(r, "created_at")?,
                })
            })
            .collect()
    }

    /// Logs one relayed or refused interaction.
    pub async fn record_relay_interaction(
        &self,
        i: &RelayInteractionRecord,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO relay_interactions ({INTERACTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&i.id)
        .bind(&i.grant_id)
        .bind(&i.relay_number)
        .bind(&i.kind)
        .bind(&i.direction)
        .bind(&i.outcome)
        .bind(&i.refusal_code)
        .bind(&i.provider_ref)
        .bind(i.duration_secs)
        .bind(format_time(i.created_at))
        .bind(i.ended_at.map(format_time))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records how long a connected call lasted; answers whether a call with this provider id was logged.
    pub async fn finish_relay_interaction(
        &self,
        provider_ref: &str,
        duration_secs: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let updated = sqlx::query(
            "UPDATE relay_interactions SET duration_secs = $1, ended_at = $2 WHERE provider_ref = $3 AND outcome = 'connected' AND ended_at IS NULL",
        )
        .bind(duration_secs)
        .bind(format_time(now))
        .bind(provider_ref)
        .execute(self.pool())
        .await?;
        Ok(updated.rows_affected() > 0)
    }

    /// The interactions relayed for a grant, oldest first.
    pub async fn relay_interactions(
        &self,
        grant_id: &str,
    ) -> Result<Vec<RelayInteractionRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {INTERACTION_COLUMNS} FROM relay_interactions WHERE grant_id = $1 ORDER BY created_at, id"
        ))
        .bind(grant_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_interaction).collect()
    }

    /// The interactions refused on a relay number without a grant, oldest first.
    pub async fn relay_interactions_on(
        &self,
        relay_number: &str,
    ) -> Result<Vec<RelayInteractionRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {INTERACTION_COLUMNS} FROM relay_interactions WHERE relay_number = $1 ORDER BY created_at, id"
        ))
        .bind(relay_number)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_interaction).collect()
    }
}

/// Leases `number` to `party` for `grant_id`; false when the party already holds it for another grant.
async fn lease_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    number: &str,
    party: &str,
    grant_id: &str,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "INSERT INTO relay_leases (relay_number, party_id, grant_id) VALUES ($1, $2, $3) \
         ON CONFLICT (relay_number, party_id) DO NOTHING",
    )
    .bind(number)
    .bind(party)
    .bind(grant_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Ends an active grant: status, erasure of the key and both numbers, release of the relay number, and the
/// request's status. False when the grant was no longer active.
async fn end_grant_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    grant: &ContactGrantRecord,
    status: GrantStatus,
    reason: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE contact_grants SET status = $1, wrapped_key = NULL, buyer_phone_enc = NULL, seller_phone_enc = NULL, \
         ended_at = $2, end_reason = $3 WHERE id = $4 AND status = 'active'",
    )
    .bind(status.as_str())
    .bind(format_time(now))
    .bind(reason)
    .bind(&grant.id)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM relay_leases WHERE grant_id = $1")
        .bind(&grant.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE contact_requests SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.request_status().as_str())
        .bind(format_time(now))
        .bind(&grant.request_id)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

fn row_to_request(r: &sqlx::any::AnyRow) -> Result<ContactRequestRecord, StoreError> {
    Ok(ContactRequestRecord {
        id: r.try_get("id")?,
        order_id: r.try_get("order_id")?,
        seller_id: r.try_get("seller_id")?,
        buyer_id: r.try_get("buyer_id")?,
        purpose: crate::column::token(r, "contact_requests", "purpose")?,
        justification: r.try_get("justification")?,
        channel: crate::column::token(r, "contact_requests", "channel")?,
        status: crate::column::token(r, "contact_requests", "status")?,
        reasons: crate::column::json(r, "contact_requests", "reasons")?,
        review_flags: crate::column::json(r, "contact_requests", "review_flags")?,
        policy_version: r.try_get("policy_version")?,
        grant_id: r.try_get("grant_id")?,
        created_at: time_col(r, "created_at")?,
        decided_at: opt_time_col(r, "decided_at")?,
        updated_at: time_col(r, "updated_at")?,
        idempotency_key: r.try_get("idempotency_key")?,
    })
}

fn row_to_grant(r: &sqlx::any::AnyRow) -> Result<ContactGrantRecord, StoreError> {
    Ok(ContactGrantRecord {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        order_id: r.try_get("order_id")?,
        buyer_id: r.try_get("buyer_id")?,
        seller_id: r.try_get("seller_id")?,
        channel: crate::column::token(r, "contact_grants", "channel")?,
        relay_number: r.try_get("relay_number")?,
        status: crate::column::token(r, "contact_grants", "status")?,
        wrapped_key: r.try_get("wrapped_key")?,
        buyer_phone_enc: r.try_get("buyer_phone_enc")?,
        seller_phone_enc: r.try_get("seller_phone_enc")?,
        expires_at: time_col(r, "expires_at")?,
        extensions: r.try_get("extensions")?,
        created_at: time_col(r, "created_at")?,
        ended_at: opt_time_col(r, "ended_at")?,
        end_reason: r.try_get("end_reason")?,
    })
}

fn row_to_interaction(r: &sqlx::any::AnyRow) -> Result<RelayInteractionRecord, StoreError> {
    Ok(RelayInteractionRecord {
        id: r.try_get("id")?,
        grant_id: r.try_get("grant_id")?,
        relay_number: r.try_get("relay_number")?,
        kind: r.try_get("kind")?,
        direction: r.try_get("direction")?,
        outcome: r.try_get("outcome")?,
        refusal_code: r.try_get("refusal_code")?,
        provider_ref: r.try_get("provider_ref")?,
        duration_secs: r.try_get("duration_secs")?,
        created_at: time_col(r, "created_at")?,
        ended_at: opt_time_col(r, "ended_at")?,
    })
}
