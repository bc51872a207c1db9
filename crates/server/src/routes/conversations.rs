//! Conversations and messages: open a conversation, send a message (screened, decided, stored), read a
//! conversation as a participant or as an investigator. Also the mapping of messaging errors to API errors, and
//! the router that carries every messaging route.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use messaging::{MessagingError, OpenConversation, SendMessage};
use serde::{Deserialize, Serialize};
use store::Scope;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{ApiPath, ApiQuery};
use crate::json::ApiJson;
use crate::wire::FindingOut;

impl From<MessagingError> for ApiError {
    fn from(e: MessagingError) -> Self {
        let message = e.to_string();
        match e {
            MessagingError::NotFound { .. } => ApiError::new(ErrorCode::NotFound, message),
            MessagingError::Invalid(m) => ApiError::new(ErrorCode::InvalidRequest, m),
            MessagingError::NotAParticipant { .. } => {
                ApiError::new(ErrorCode::NotAParticipant, message)
            }
            MessagingError::Restricted { .. } => {
                ApiError::new(ErrorCode::MessagingRestricted, message)
            }
            MessagingError::Suspended { .. } => ApiError::new(ErrorCode::AccountSuspended, message),
            MessagingError::TooLong { .. } => ApiError::new(ErrorCode::MessageTooLong, message),
            MessagingError::RateLimited {
                retry_after_secs, ..
            } => {
                let mut e = ApiError::new(ErrorCode::SenderRateLimited, message);
                e.retry_after = Some(retry_after_secs);
                e
            }
            MessagingError::IdempotencyKeyReused(_) => {
                ApiError::new(ErrorCode::IdempotencyKeyReused, message)
            }
            MessagingError::Conflict(m) => ApiError::new(ErrorCode::Conflict, m),
            MessagingError::Policy(_) => ApiError::new(ErrorCode::InvalidPolicy, message),
            MessagingError::Store(e) => ApiError::from(e),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenConversationRequest {
    pub buyer_id: String,
    pub seller_id: String,
    /// The order the conversation is about; or give `listing_id` for a pre-sale inquiry.
    pub order_id: Option<String>,
    pub listing_id: Option<String>,
    /// Who opens it (counted against the daily limit); the buyer when absent.
    pub opened_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationOut {
    pub id: String,
    /// False when the conversation about this order (or this buyer's inquiry about this listing) already existed.
    pub created: bool,
    pub buyer_alias: String,
    pub seller_alias: String,
}

/// Opens the conversation about an order, or a pre-sale inquiry about a listing; answers the existing one when it
/// is already open. Needs the `messaging` scope.
#[utoipa::path(
    post,
    path = "/v1/conversations",
    tag = "messaging",
    request_body = OpenConversationRequest,
    security(("api_key" = ["messaging"])),
    responses(
        (status = 201, description = "opened", body = ConversationOut),
        (status = 200, description = "already open", body = ConversationOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: a user, order or listing", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, `sender_rate_limited` (conversations per day)", body = ErrorBody),
    )
)]
pub async fn open_conversation(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<OpenConversationRequest>,
) -> Result<Response, ApiError> {
    caller.require(Scope::Messaging)?;
    let (c, created) = state
        .messaging
        .open_conversation(
            &OpenConversation {
                buyer_id: req.buyer_id,
                seller_id: req.seller_id,
                order_id: req.order_id,
                listing_id: req.listing_id,
                opened_by: req.opened_by,
            },
            state.now(),
        )
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(ConversationOut {
            id: c.id,
            created,
            buyer_alias: c.buyer_alias,
            seller_alias: c.seller_alias,
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    pub sender_id: String,
    pub text: String,
}

/// An enforcement step as told to the user or the investigator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepOut {
    pub id: String,
    /// `warning`, `restricted`, `suspended`, `removed`, or `reinstated` (a reversal).
    #[schema(value_type = String)]
    pub level: domain::StepLevel,
    /// When a restriction ends.
    pub until: Option<String>,
    pub reason: String,
    /// What the user is told: the reason, the consequence and how to appeal.
    pub notice: String,
    /// `policy:<version>` or `investigator:<name>`.
    pub decided_by: String,
    pub created_at: String,
    /// The reinstatement that reversed this step, if any.
    pub reversed_by: Option<String>,
    /// For a reinstatement: the step it reversed.
    pub reverses_step_id: Option<String>,
    /// How to appeal, for a step in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appeal: Option<String>,
}

impl From<messaging::StepRecord> for StepOut {
    fn from(s: messaging::StepRecord) -> Self {
        let appeal = (s.level != domain::StepLevel::Reinstated && s.reversed_by.is_none()).then(|| {
            format!(
                "POST /v1/appeals with {{\"step_id\": \"{}\", \"user_id\": \"{}\", \"text\": ...}}",
                s.id, s.user_id
            )
        });
        StepOut {
            id: s.id,
            level: s.level,
            until: s.until.map(store::format_time),
            reason: s.reason,
            notice: s.notice,
            decided_by: s.decided_by,
            created_at: store::format_time(s.created_at),
            reversed_by: s.reversed_by,
            reverses_step_id: s.reverses_step_id,
            appeal,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SentMessageOut {
    pub id: String,
    /// `deliver`, `deliver_redacted`, `deliver_with_warning`, `hold` or `block`.
    #[schema(value_type = String)]
    pub action: domain::Action,
    /// What the recipient sees; null when the message was blocked or held.
    pub delivered_text: Option<String>,
    pub findings: Vec<FindingOut>,
    /// Why the message was changed or stopped, and what to do instead.
    pub notice_to_sender: Option<String>,
    /// The safety notice shown to the recipient, if one applies.
    pub notice_to_recipient: Option<String>,
    pub policy_version: String,
    /// The policy rule that decided.
    pub rule: String,
    pub sent_at: String,
    /// True when this answers a repeated `Idempotency-Key` (nothing new was stored).
    pub replayed: bool,
    /// The enforcement step this message caused, if any: the sender is told the reason and how to appeal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforcement: Option<StepOut>,
}

/// Sends a message: screens it, applies the communication policy, stores it with the decision and adds the
/// strike and enforcement step it earns. An `Idempotency-Key` header makes a retry answer the first response and
/// store nothing. Needs the `messaging` scope.
#[utoipa::path(
    post,
    path = "/v1/conversations/{id}/messages",
    tag = "messaging",
    params(
        ("id" = String, Path, description = "the conversation"),
        ("Idempotency-Key" = Option<String>, Header, description = "repeat it to retry safely"),
    ),
    request_body = SendMessageRequest,
    security(("api_key" = ["messaging"])),
    responses(
        (status = 201, body = SentMessageOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`, `not_a_participant`, `messaging_restricted`, `account_suspended`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`idempotency_key_reused`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `message_too_long`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, `sender_rate_limited`", body = ErrorBody),
    )
)]
pub async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> Result<Response, ApiError> {
    caller.require(Scope::Messaging)?;
    let idempotency_key = idempotency_key(&headers)?;
    let out = state
        .messaging
        .send(
            &SendMessage {
                conversation_id: id,
                sender_id: req.sender_id,
                text: req.text,
                idempotency_key,
            },
            state.now(),
        )
        .await?;
    let replayed = out.replayed;
    let m = out.message;
    let body = SentMessageOut {
        id: m.id,
        action: m.action,
        delivered_text: m.delivered_text,
        findings: out.findings.into_iter().map(FindingOut::from).collect(),
        notice_to_sender: m.notice_to_sender,
        notice_to_recipient: m.notice_to_recipient,
        policy_version: m.policy_version,
        rule: m.rule,
        sent_at: store::format_time(m.created_at),
        replayed,
        enforcement: out.step.map(StepOut::from),
    };
    Ok(created(body, replayed))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// A participant's user id, or `investigator` (needs the `investigator` scope).
    pub viewer: String,
    /// Only messages after this message id.
    pub after: Option<String>,
    /// At most this many messages (1 to 500, default 200).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// With `viewer=investigator`: who reads the originals (required; written to the audit log).
    pub investigator: Option<String>,
    /// With `viewer=investigator`: why they need the unredacted personal data (required; written to the audit
    /// log).
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CounterpartOut {
    pub display_name: String,
    pub alias: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantMessageOut {
    pub id: String,
    pub sent_at: String,
    /// `you` or `counterpart`.
    pub from: String,
    /// Your own text as written, or the other party's as delivered; null for a message you were not given.
    pub text: Option<String>,
    /// For your own messages: what the policy did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub action: Option<domain::Action>,
    /// Why your message was changed or stopped, or a safety notice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// The conversation as one participant sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantViewOut {
    pub conversation_id: String,
    pub order_id: Option<String>,
    pub listing_id: Option<String>,
    #[schema(value_type = String)]
    pub your_role: domain::Side,
    pub your_alias: String,
    pub counterpart: CounterpartOut,
    pub messages: Vec<ParticipantMessageOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyOut {
    pub user_id: String,
    pub display_name: String,
    pub alias: String,
    #[schema(value_type = String)]
    pub status: domain::Status,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvestigatorMessageOut {
    pub id: String,
    pub sender_id: String,
    #[schema(value_type = String)]
    pub sender_role: domain::Side,
    pub sent_at: String,
    pub original_text: String,
    pub delivered_text: Option<String>,
    #[schema(value_type = String)]
    pub action: domain::Action,
    pub findings: Vec<FindingOut>,
    pub contact_grant: bool,
    pub policy_version: String,
    pub rule: String,
    pub notice_to_sender: Option<String>,
    pub notice_to_recipient: Option<String>,
}

/// The conversation as an investigator sees it: originals, findings and decisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvestigatorViewOut {
    pub conversation_id: String,
    pub order_id: Option<String>,
    pub listing_id: Option<String>,
    pub created_at: String,
    pub buyer: PartyOut,
    pub seller: PartyOut,
    pub messages: Vec<InvestigatorMessageOut>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConversationViewOut {
    Participant(ParticipantViewOut),
    Investigator(InvestigatorViewOut),
}

/// Reads a conversation: `viewer={user_id}` as that participant sees it (`messaging` scope);
/// `viewer=investigator` with originals, findings and decisions (`investigator` scope, with `investigator` and
/// `reason`: each such view of personal data is written to the audit log).
#[utoipa::path(
    get,
    path = "/v1/conversations/{id}/messages",
    tag = "messaging",
    params(("id" = String, Path, description = "the conversation"), ReadQuery),
    security(("api_key" = ["messaging", "investigator"])),
    responses(
        (status = 200, body = ConversationViewOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`, `not_a_participant`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn read_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ReadQuery>,
) -> Result<Json<ConversationViewOut>, ApiError> {
    let limit = q.limit.unwrap_or(200);
    if !(1..=messaging_max_page()).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!("`limit` must be 1 to {}", messaging_max_page()),
        ));
    }
    if q.viewer == "investigator" {
        caller.require(Scope::Investigator)?;
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.chars().count() <= 1000)
                .map(str::to_string)
        };
        let (Some(who), Some(reason)) = (given(&q.investigator), given(&q.reason)) else {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "reading a conversation's originals needs `investigator` (who reads) and `reason` (why, up to 1000 characters): each such view of personal data is written to the audit log",
            ));
        };
        state
            .store
            .append_audit(
                &store::AuditEntry::new(
                    &format!("investigator:{who}"),
                    "personal_data.view",
                    &format!("conversation:{id}"),
                )
                .with_details(serde_json::json!({"reason": reason, "api_key": caller.key.prefix})),
                state.now(),
            )
            .await?;
        let v = state
            .messaging
            .view_as_investigator(&id, q.after.as_deref(), limit)
            .await?;
        let c = v.conversation;
        return Ok(Json(ConversationViewOut::Investigator(
            InvestigatorViewOut {
                conversation_id: c.id,
                order_id: c.order_id,
                listing_id: c.listing_id,
                created_at: store::format_time(c.created_at),
                buyer: party(v.buyer),
                seller: party(v.seller),
                messages: v
                    .messages
                    .into_iter()
                    .map(|m| InvestigatorMessageOut {
                        id: m.record.id,
                        sender_id: m.record.sender_id,
                        sender_role: m.record.sender_role,
                        sent_at: store::format_time(m.record.created_at),
                        original_text: m.record.original_text,
                        delivered_text: m.record.delivered_text,
                        action: m.record.action,
                        findings: m.findings.into_iter().map(FindingOut::from).collect(),
                        contact_grant: m.record.contact_grant,
                        policy_version: m.record.policy_version,
                        rule: m.record.rule,
                        notice_to_sender: m.record.notice_to_sender,
                        notice_to_recipient: m.record.notice_to_recipient,
                    })
                    .collect(),
            },
        )));
    }
    caller.require(Scope::Messaging)?;
    let v = state
        .messaging
        .view_as_participant(&id, &q.viewer, q.after.as_deref(), limit)
        .await?;
    Ok(Json(ConversationViewOut::Participant(ParticipantViewOut {
        conversation_id: v.conversation_id,
        order_id: v.order_id,
        listing_id: v.listing_id,
        your_role: v.your_role,
        your_alias: v.your_alias,
        counterpart: CounterpartOut {
            display_name: v.counterpart.display_name,
            alias: v.counterpart.alias,
        },
        messages: v
            .messages
            .into_iter()
            .map(|m| ParticipantMessageOut {
                id: m.id,
                sent_at: store::format_time(m.sent_at),
                from: if m.mine { "you" } else { "counterpart" }.to_string(),
                text: m.text,
                action: m.action,
                notice: m.notice,
            })
            .collect(),
    })))
}

fn messaging_max_page() -> i64 {
    messaging::MAX_PAGE
}

fn party(p: messaging::PartyInfo) -> PartyOut {
    PartyOut {
        user_id: p.user_id,
        display_name: p.display_name,
        alias: p.alias,
        status: p.status,
    }
}

/// 201 with `body`; the answer to a repeated `Idempotency-Key` is the same, with `Idempotent-Replayed: true`.
pub fn created(body: impl Serialize, replayed: bool) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// The `Idempotency-Key` header, if given.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str().map(str::to_string).map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidRequest,
                    "the Idempotency-Key header must be visible ASCII",
                )
            })
        })
        .transpose()
}
