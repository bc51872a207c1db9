//! Conversations and messages. A message is written once, with the decision taken on it, and never updated or
//! deleted; the strike and enforcement step it causes are written in the same transaction.

use domain::{Action, JsonColumn, Side, Status, StepLevel, StoredFindings};
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::column::{json, token};
use crate::enforcement::StepRecord;
use crate::parties::UserRecord;
use crate::time_text::{opt_time_col, time_col};
use crate::{Store, StoreError, format_time};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRecord {
    pub id: String,
    /// `order:<id>` or `listing:<id>:buyer:<id>`: one conversation per subject.
    pub subject_key: String,
    pub order_id: Option<String>,
    pub listing_id: Option<String>,
    pub buyer_id: String,
    pub seller_id: String,
    /// What the seller sees the buyer as in this conversation, besides the display name.
    pub buyer_alias: String,
    pub seller_alias: String,
    pub opened_by: String,
    pub created_at: OffsetDateTime,
}

/// A stored message and the decision taken on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: String,
    pub conversation_id: String,
    pub sender_id: String,
    /// The sender's side in the conversation.
    pub sender_role: Side,
    pub original_text: String,
    /// What the recipient sees; `None` when the message was blocked or held.
    pub delivered_text: Option<String>,
    pub action: Action,
    /// The screening findings (JSON text in the column).
    pub findings: StoredFindings,
    /// Whether an active contact grant existed between the parties when the message was decided.
    pub contact_grant: bool,
    pub policy_version: String,
    pub rule: String,
    pub notice_to_sender: Option<String>,
    pub notice_to_recipient: Option<String>,
    pub idempotency_key: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A strike to write with a message.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStrike {
    /// The strike's id, chosen by the use case (its audit entry names it).
    pub id: String,
    pub category: String,
    pub weight: i64,
    /// The contact request the message pressured the buyer about: the strike names it, and a
    /// `contact_violations` row records the pressure.
    pub contact_request_id: Option<String>,
    /// The audit entry the strike writes (`contact_request.violation` for a pressure message), if any.
    pub audit: Option<AuditEntry>,
}

/// What the enforcement decision is taken on, read inside the message's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnforcementFacts {
    /// The sender's strikes since the start of the window (the new one included), not voided: (weight, time).
    pub strikes: Vec<(i64, OffsetDateTime)>,
    /// The sender's unreversed steps (not reinstatements), oldest first.
    pub active_steps: Vec<StepRecord>,
    /// The id of the strike just written.
    pub strike_id: String,
}

/// An enforcement step decided on the facts, with the standing it leaves the user in.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStep {
    /// The step's id, chosen by the use case (its audit entry names it).
    pub id: String,
    pub level: StepLevel,
    pub rung: Option<i64>,
    pub until: Option<OffsetDateTime>,
    pub reason: String,
    pub notice: String,
    pub decided_by: String,
    pub status: Status,
    pub restricted_until: Option<OffsetDateTime>,
    /// The `enforcement.step` audit entry written with it.
    pub audit: AuditEntry,
}

/// The outcome of [`Store::record_message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Written, with the step it caused, if any.
    New(Option<Box<StepRecord>>),
    /// The sender already used this idempotency key: the first message, nothing written.
    Duplicate(Box<MessageRecord>),
}

const CONVERSATION_COLUMNS: &str = "id, subject_key, order_id, listing_id, buyer_id, seller_id, buyer_alias, seller_alias, opened_by, created_at";
pub(crate) const MESSAGE_COLUMNS: &str = "id, conversation_id, sender_id, sender_role, original_text, delivered_text, action, findings, contact_grant, policy_version, rule, notice_to_sender, notice_to_recipient, idempotency_key, created_at";

impl Store {
    /// Opens the conversation about `c.subject_key`, or answers the one already open (and `false`).
    pub async fn open_conversation(
        &self,
        c: &ConversationRecord,
    ) -> Result<(ConversationRecord, bool), StoreError> {
        if let Some(existing) = self.conversation_by_subject(&c.subject_key).await? {
            return Ok((existing, false));
        }
        let inserted = sqlx::query(
            "INSERT INTO conversations (id, subject_key, order_id, listing_id, buyer_id, seller_id, buyer_alias, seller_alias, opened_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&c.id)
        .bind(&c.subject_key)
        .bind(&c.order_id)
        .bind(&c.listing_id)
        .bind(&c.buyer_id)
        .bind(&c.seller_id)
        .bind(&c.buyer_alias)
        .bind(&c.seller_alias)
        .bind(&c.opened_by)
        .bind(format_time(c.created_at))
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => Ok((c.clone(), true)),
            // Opened at the same moment by another request: answer that one.
            Err(e) if is_unique_violation(&e) => {
                let existing = self.conversation_by_subject(&c.subject_key).await?;
                existing.map(|x| (x, false)).ok_or(StoreError::Database(e))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn conversation_by_subject(
        &self,
        subject_key: &str,
    ) -> Result<Option<ConversationRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE subject_key = $1"
        ))
        .bind(subject_key)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_conversation).transpose()
    }

    /// The conversations `user_id` takes part in (as buyer or seller), newest first, at most `limit`.
    pub async fn conversations_of_user(
        &self,
        user_id: &str,
        limit: i64,
    ) -> Result<Vec<ConversationRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE buyer_id = $1 OR seller_id = $2 ORDER BY created_at DESC LIMIT $3"
        ))
        .bind(user_id)
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_conversation).collect()
    }

    pub async fn conversation(&self, id: &str) -> Result<Option<ConversationRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_conversation).transpose()
    }

    /// What the send path reads first, in one round trip: the conversation, the sender (`None` when not
    /// registered) and how many messages the sender sent at or after `since`. `None` when there is no such
    /// conversation.
    pub async fn send_context(
        &self,
        conversation_id: &str,
        sender_id: &str,
        since: OffsetDateTime,
    ) -> Result<Option<(ConversationRecord, Option<UserRecord>, i64)>, StoreError> {
        let row = sqlx::query(
            "SELECT c.id, c.subject_key, c.order_id, c.listing_id, c.buyer_id, c.seller_id, c.buyer_alias, c.seller_alias, \
             c.opened_by, c.created_at, \
             u.id AS u_id, u.role AS u_role, u.display_name AS u_display_name, u.email AS u_email, u.phone AS u_phone, \
             u.country AS u_country, u.locale AS u_locale, u.status AS u_status, u.restricted_until AS u_restricted_until, \
             u.created_at AS u_created_at, u.updated_at AS u_updated_at, \
             (SELECT COUNT(*) FROM messages m WHERE m.sender_id = $1 AND m.created_at >= $2) AS sent_since \
             FROM conversations c LEFT JOIN users u ON u.id = $1 WHERE c.id = $3",
        )
        .bind(sender_id)
        .bind(format_time(since))
        .bind(conversation_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let conversation = row_to_conversation(&r)?;
        let user = match r.try_get::<Option<String>, _>("u_id")? {
            None => None,
            Some(id) => Some(UserRecord {
                id,
                role: crate::column::token(&r, "users", "u_role")?,
                display_name: r.try_get("u_display_name")?,
                email: r.try_get("u_email")?,
                phone: r.try_get("u_phone")?,
                country: r.try_get("u_country")?,
                locale: r.try_get("u_locale")?,
                status: crate::column::token(&r, "users", "u_status")?,
                restricted_until: opt_time_col(&r, "u_restricted_until")?,
                created_at: time_col(&r, "u_created_at")?,
                updated_at: time_col(&r, "u_updated_at")?,
            }),
        };
        let sent: i64 = r.try_get("sent_since")?;
        Ok(Some((conversation, user, sent)))
    }

    /// How many conversations `user_id` opened at or after `since`.
    pub async fn conversations_opened_since(
        &self,
        user_id: &str,
        since: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM conversations WHERE opened_by = $1 AND created_at >= $2",
        )
        .bind(user_id)
        .bind(format_time(since))
        .fetch_one(self.pool())
        .await?)
    }

    /// The message `sender_id` sent with this idempotency key, if any.
    pub async fn message(&self, id: &str) -> Result<Option<MessageRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_message).transpose()
    }

    pub async fn message_by_idempotency_key(
        &self,
        sender_id: &str,
        key: &str,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE sender_id = $1 AND idempotency_key = $2"
        ))
        .bind(sender_id)
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_message).transpose()
    }

    /// A conversation's messages in the order they were sent, after the message `after` (exclusive), at most
    /// `limit`.
    pub async fn conversation_messages(
        &self,
        conversation_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(conversation_id)
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_message).collect()
    }

    /// Every stored message in id order, a page at a time (for `policy check`).
    pub async fn messages_page(
        &self,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_message).collect()
    }

    /// Whether the two parties have an active, unexpired contact grant at `now` (the buyer approved a phone
    /// contact): while they do, their phone numbers are not redacted in their conversation.
    pub async fn has_active_contact_grant(
        &self,
        buyer_id: &str,
        seller_id: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.active_contact_grant_between(buyer_id, seller_id, now)
            .await
    }

    /// Writes a message; with a strike, writes the strike (and its audit entry), reads the sender's strikes since
    /// `strikes_since` and unreversed steps, asks `enforce` for the step to take and writes it, the user's new
    /// standing and the step's audit entry, all in one transaction. A repeated idempotency key writes nothing and
    /// answers the first message.
    ///
    /// On SQLite the transaction starts with `BEGIN IMMEDIATE`, so it takes the write lock before reading (a
    /// deferred transaction that reads and then writes can fail with "database is locked" instead of waiting).
    pub async fn record_message(
        &self,
        m: &MessageRecord,
        strike: Option<&NewStrike>,
        strikes_since: OffsetDateTime,
        enforce: impl FnOnce(&EnforcementFacts) -> Option<NewStep>,
        hold_case: Option<&crate::cases::NewCase>,
    ) -> Result<Recorded, StoreError> {
        let mut tx = self.write_tx().await?;
        let now = m.created_at;
        let inserted = sqlx::query(&format!(
            "INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(&m.id)
        .bind(&m.conversation_id)
        .bind(&m.sender_id)
        .bind(m.sender_role.as_str())
        .bind(&m.original_text)
        .bind(&m.delivered_text)
        .bind(m.action.as_str())
        .bind(m.findings.to_json())
        .bind(i64::from(m.contact_grant))
        .bind(&m.policy_version)
        .bind(&m.rule)
        .bind(&m.notice_to_sender)
        .bind(&m.notice_to_recipient)
        .bind(&m.idempotency_key)
        .bind(format_time(now))
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            if is_unique_violation(&e) {
                drop(tx);
                if let Some(key) = &m.idempotency_key
                    && let Some(first) = self.message_by_idempotency_key(&m.sender_id, key).await?
                {
                    return Ok(Recorded::Duplicate(Box::new(first)));
                }
            }
            return Err(e.into());
        }
        if let Some(case) = hold_case {
            // A held message waits for an investigator: it opens its case in the same transaction.
            crate::cases::open_case_in(
                &mut tx,
                self.audit_keys(),
                case,
                &format!("policy:{}", m.policy_version),
                now,
            )
            .await?;
        }
        let Some(strike) = strike else {
            tx.commit().await?;
            return Ok(Recorded::New(None));
        };
        let strike_id = strike.id.clone();
        // Take the user's row first: on PostgreSQL this serialises concurrent enforcement of one user.
        sqlx::query("UPDATE users SET status = status WHERE id = $1")
            .bind(&m.sender_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO strikes (id, user_id, message_id, category, weight, policy_version, created_at, voided_at, contact_request_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)",
        )
        .bind(&strike_id)
        .bind(&m.sender_id)
        .bind(&m.id)
        .bind(&strike.category)
        .bind(strike.weight)
        .bind(&m.policy_version)
        .bind(format_time(now))
        .bind(&strike.contact_request_id)
        .execute(&mut *tx)
        .await?;
        if let Some(request_id) = &strike.contact_request_id {
            sqlx::query(
                "INSERT INTO contact_violations (id, request_id, message_id, user_id, kind, strike_id, created_at) \
                 VALUES ($1, $2, $3, $4, 'pressure', $5, $6)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(request_id)
            .bind(&m.id)
            .bind(&m.sender_id)
            .bind(&strike_id)
            .bind(format_time(now))
            .execute(&mut *tx)
            .await?;
        }
        if let Some(entry) = &strike.audit {
            self.audit_in(&mut tx, entry, now).await?;
        }
        let rows = sqlx::query(
            "SELECT weight, created_at FROM strikes WHERE user_id = $1 AND created_at >= $2 AND voided_at IS NULL ORDER BY created_at",
        )
        .bind(&m.sender_id)
        .bind(format_time(strikes_since))
        .fetch_all(&mut *tx)
        .await?;
        let strikes = rows
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>("weight")?, time_col(r, "created_at")?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let active_steps = crate::enforcement::active_steps_in(&mut tx, &m.sender_id).await?;
        let facts = EnforcementFacts {
            strikes,
            active_steps,
            strike_id: strike_id.clone(),
        };
        let Some(step) = enforce(&facts) else {
            tx.commit().await?;
            return Ok(Recorded::New(None));
        };
        let record = StepRecord {
            id: step.id.clone(),
            user_id: m.sender_id.clone(),
            level: step.level,
            rung: step.rung,
            until: step.until,
            reason: step.reason.clone(),
            notice: step.notice.clone(),
            decided_by: step.decided_by.clone(),
            strike_id: Some(strike_id),
            case_id: None,
            reverses_step_id: None,
            reversed_by: None,
            created_at: now,
        };
        crate::enforcement::insert_step_in(&mut tx, &record).await?;
        crate::enforcement::set_standing_in(
            &mut tx,
            &m.sender_id,
            step.status,
            step.restricted_until,
            now,
        )
        .await?;
        self.audit_in(&mut tx, &step.audit, now).await?;
        tx.commit().await?;
        Ok(Recorded::New(Some(Box::new(record))))
    }
}

pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.is_unique_violation()
                || d.message().contains("UNIQUE constraint failed")
                || d.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}

fn row_to_conversation(r: &sqlx::any::AnyRow) -> Result<ConversationRecord, StoreError> {
    Ok(ConversationRecord {
        id: r.try_get("id")?,
        subject_key: r.try_get("subject_key")?,
        order_id: r.try_get("order_id")?,
        listing_id: r.try_get("listing_id")?,
        buyer_id: r.try_get("buyer_id")?,
        seller_id: r.try_get("seller_id")?,
        buyer_alias: r.try_get("buyer_alias")?,
        seller_alias: r.try_get("seller_alias")?,
        opened_by: r.try_get("opened_by")?,
        created_at: time_col(r, "created_at")?,
    })
}

pub(crate) fn row_to_message(r: &sqlx::any::AnyRow) -> Result<MessageRecord, StoreError> {
    Ok(MessageRecord {
        id: r.try_get("id")?,
        conversation_id: r.try_get("conversation_id")?,
        sender_id: r.try_get("sender_id")?,
        sender_role: token(r, "messages", "sender_role")?,
        original_text: r.try_get("original_text")?,
        delivered_text: r.try_get("delivered_text")?,
        action: token(r, "messages", "action")?,
        findings: json(r, "messages", "findings")?,
        contact_grant: r.try_get::<i64, _>("contact_grant")? != 0,
        policy_version: r.try_get("policy_version")?,
        rule: r.try_get("rule")?,
        notice_to_sender: r.try_get("notice_to_sender")?,
        notice_to_recipient: r.try_get("notice_to_recipient")?,
        idempotency_key: r.try_get("idempotency_key")?,
        created_at: time_col(r, "created_at")?,
    })
}
