//! Phone-contact requests and grants: a seller asks, the contact policy judges, the buyer decides, revokes or
//! extends, and lists their grants. The relay webhook is in `routes::relay`;
//! the contact policy's loading and the periodic expiry of grants are in `crate::runtime`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use messaging::contact::{ContactError, Decided, Decision, NewRequest};
use serde::{Deserialize, Serialize};
use store::Scope;
use store::contact::{ContactGrantRecord, ContactRequestRecord};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::ApiPath;
use crate::json::ApiJson;

/// Every contact route, and the relay webhook.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_request))
        .routes(routes!(read_request))
        .routes(routes!(decide))
        .routes(routes!(revoke))
        .routes(routes!(extend))
        .routes(routes!(buyer_grants))
        .routes(routes!(super::relay::inbound))
}

impl From<ContactError> for ApiError {
    fn from(e: ContactError) -> Self {
        let message = e.to_string();
        match e {
            ContactError::NotFound { .. } => ApiError::new(ErrorCode::NotFound, message),
            ContactError::Invalid(m) => ApiError::new(ErrorCode::InvalidRequest, m),
            ContactError::Conflict(m) => ApiError::new(ErrorCode::Conflict, m),
            ContactError::IdempotencyKeyReused(_) => {
                ApiError::new(ErrorCode::IdempotencyKeyReused, message)
            }
            ContactError::NotConfigured(m) => ApiError::new(ErrorCode::NotConfigured, m),
            ContactError::PoolExhausted => ApiError::new(ErrorCode::RelayPoolExhausted, message),
            ContactError::Extend(_) => ApiError::new(ErrorCode::ExtensionRefused, message),
            ContactError::Crypto(_) => ApiError::internal(message),
            ContactError::Store(e) => ApiError::from(e),
        }
    }
}

/// One reason, with its stable code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReasonOut {
    /// e.g. `justification_too_vague`, `purpose_does_not_fit_order`, `seller_restricted`.
    pub code: String,
    pub message: String,
}

fn reasons(r: &domain::Reasons) -> Vec<ReasonOut> {
    r.0.iter()
        .map(|r| ReasonOut {
            code: r.code.clone(),
            message: r.message.clone(),
        })
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequestIn {
    pub order_id: String,
    pub seller_id: String,
    /// The order's buyer, when the marketplace wants it checked.
    pub buyer_id: Option<String>,
    /// `delivery_scheduling`, `installation_or_assembly`, `customisation_details`, `technical_troubleshooting` or
    /// `other`.
    pub purpose: String,
    /// Why a call is needed, in the seller's words; shown to the buyer.
    pub justification: String,
    /// `voice` or `sms`.
    pub channel: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactRequestCreated {
    pub id: String,
    /// `pending` (sent to the buyer) or `refused`.
    #[schema(value_type = String)]
    pub status: domain::RequestStatus,
    /// Every reason for a refusal; empty when pending.
    pub reasons: Vec<ReasonOut>,
    /// Why the request was flagged for review (it still went to the buyer).
    pub review_flags: Vec<ReasonOut>,
    pub policy_version: String,
}

/// A seller asks to phone the buyer of an order. The contact policy checks the request's legitimacy first: a
/// refusal (`status: refused`) lists every reason with a stable code; otherwise the request waits for the buyer
/// (`status: pending`). An `Idempotency-Key` header makes a retry answer the first response (the status the
/// request was created with) and store nothing. Needs the `contact` scope.
#[utoipa::path(
    post,
    path = "/v1/contact-requests",
    tag = "contact",
    params(("Idempotency-Key" = Option<String>, Header, description = "repeat it to retry safely")),
    request_body = ContactRequestIn,
    security(("api_key" = ["contact"])),
    responses(
        (status = 201, body = ContactRequestCreated),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: the seller is not registered", body = ErrorBody),
        (status = 409, description = "`idempotency_key_reused`: the seller used the key for a different request", body = ErrorBody),
        (status = 422, description = "`invalid_request`: an unknown purpose or channel, an empty justification, an Idempotency-Key longer than 200 characters", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ContactRequestIn>,
) -> Result<Response, ApiError> {
    caller.require(Scope::Contact)?;
    let idempotency_key = super::conversations::idempotency_key(&headers)?;
    let out = state
        .contacts
        .request(
            &NewRequest {
                order_id: req.order_id,
                seller_id: req.seller_id,
                buyer_id: req.buyer_id,
                purpose: req.purpose,
                justification: req.justification,
                channel: req.channel,
                idempotency_key,
            },
            state.now(),
        )
        .await?;
    let r = out.request;
    let body = ContactRequestCreated {
        reasons: reasons(&r.reasons),
        review_flags: reasons(&r.review_flags),
        id: r.id,
        status: out.created_status,
        policy_version: r.policy_version,
    };
    Ok(super::conversations::created(body, out.replayed))
}

/// A grant as the parties see it: the relay number, never a real number.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantOut {
    pub id: String,
    pub request_id: String,
    pub order_id: String,
    pub buyer_id: String,
    pub seller_id: String,
    /// The masked number both parties call or text.
    pub relay_number: String,
    /// `voice` or `sms`.
    #[schema(value_type = String)]
    pub channel: domain::Channel,
    /// `active`, `revoked` or `expired`.
    #[schema(value_type = String)]
    pub status: domain::GrantStatus,
    pub expires_at: String,
    pub extensions: i64,
    pub created_at: String,
    pub ended_at: Option<String>,
}

impl From<ContactGrantRecord> for GrantOut {
    fn from(g: ContactGrantRecord) -> Self {
        GrantOut {
            id: g.id,
            request_id: g.request_id,
            order_id: g.order_id,
            buyer_id: g.buyer_id,
            seller_id: g.seller_id,
            relay_number: g.relay_number,
            channel: g.channel,
            status: g.status,
            expires_at: store::format_time(g.expires_at),
            extensions: g.extensions,
            created_at: store::format_time(g.created_at),
            ended_at: g.ended_at.map(store::format_time),
        }
    }
}

/// What the buyer is shown before deciding.
const DECLINE_NOTE: &str = "Declining has no effect on your order: it goes ahead exactly as before, and the seller can still write to you here. The seller never sees your phone number; if you approve, calls go through a temporary number that stops working when the contact ends, and you can revoke it at any time.";

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactRequestOut {
    pub id: String,
    pub order_id: String,
    pub seller_id: String,
    pub buyer_id: Option<String>,
    #[schema(value_type = String)]
    pub purpose: domain::Purpose,
    /// The purpose in plain words, for the buyer.
    pub purpose_text: String,
    /// The seller's words.
    pub justification: String,
    #[schema(value_type = String)]
    pub channel: domain::Channel,
    /// `refused`, `pending`, `approved`, `declined`, `revoked` or `expired`.
    #[schema(value_type = String)]
    pub status: domain::RequestStatus,
    pub reasons: Vec<ReasonOut>,
    pub review_flags: Vec<ReasonOut>,
    /// What the buyer reads with the request, in plain words.
    pub buyer_notice: String,
    pub policy_version: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub grant: Option<GrantOut>,
    /// The seller's messages that pressured the buyer about this request (each added a strike).
    pub violations: Vec<ViolationOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationOut {
    /// `pressure`.
    pub kind: String,
    pub message_id: String,
    pub strike_id: Option<String>,
    pub at: String,
}

fn request_out(
    r: ContactRequestRecord,
    grant: Option<ContactGrantRecord>,
    violations: Vec<store::contact::ContactViolationRecord>,
) -> ContactRequestOut {
    let purpose_text = r.purpose.plain_words();
    let channel_words = if r.channel == domain::Channel::Sms {
        "text you"
    } else {
        "call you"
    };
    ContactRequestOut {
        buyer_notice: format!(
            "The seller asks to {channel_words} {purpose_text}. In their words: \u{201c}{}\u{201d}. {DECLINE_NOTE}",
            r.justification
        ),
        purpose_text: purpose_text.to_string(),
        reasons: reasons(&r.reasons),
        review_flags: reasons(&r.review_flags),
        id: r.id,
        order_id: r.order_id,
        seller_id: r.seller_id,
        buyer_id: r.buyer_id,
        purpose: r.purpose,
        justification: r.justification,
        channel: r.channel,
        status: r.status,
        policy_version: r.policy_version,
        created_at: store::format_time(r.created_at),
        decided_at: r.decided_at.map(store::format_time),
        grant: grant.map(GrantOut::from),
        violations: violations
            .into_iter()
            .map(|v| ViolationOut {
                kind: v.kind,
                message_id: v.message_id,
                strike_id: v.strike_id,
                at: store::format_time(v.created_at),
            })
            .collect(),
    }
}

/// A contact request as the buyer is shown it: the purpose and the seller's justification in plain words, with
/// the note that declining has no effect on the order; and its grant, if approved. Needs the `contact` scope.
#[utoipa::path(
    get,
    path = "/v1/contact-requests/{id}",
    tag = "contact",
    params(("id" = String, Path, description = "the contact request")),
    security(("api_key" = ["contact"])),
    responses(
        (status = 200, body = ContactRequestOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn read_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ContactRequestOut>, ApiError> {
    caller.require(Scope::Contact)?;
    let (r, g, v) = state.contacts.request_view(&id, state.now()).await?;
    Ok(Json(request_out(r, g, v)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    pub buyer_id: String,
    /// `approve` or `decline`.
    pub decision: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    pub request_id: String,
    /// `approved` or `declined`.
    #[schema(value_type = String)]
    pub status: domain::RequestStatus,
    /// The grant's id (on approval).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The masked number (on approval).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub channel: Option<domain::Channel>,
}

/// The buyer approves or declines a pending request. Approval answers the grant: its id, the relay number both
/// parties use and when it expires. Needs the `contact` scope.
#[utoipa::path(
    post,
    path = "/v1/contact-requests/{id}/decision",
    tag = "contact",
    params(("id" = String, Path, description = "the contact request")),
    request_body = DecisionIn,
    security(("api_key" = ["contact"])),
    responses(
        (status = 201, description = "approved: the grant", body = DecisionOut),
        (status = 200, description = "declined", body = DecisionOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: no such request for this buyer", body = ErrorBody),
        (status = 409, description = "`conflict`: the request is not pending", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
        (status = 503, description = "`not_configured` (no relay numbers or encryption key), `relay_pool_exhausted`", body = ErrorBody),
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<DecisionIn>,
) -> Result<(StatusCode, Json<DecisionOut>), ApiError> {
    caller.require(Scope::Contact)?;
    let decision = Decision::parse(&req.decision).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            "`decision` must be `approve` or `decline`",
        )
    })?;
    match state
        .contacts
        .decide(&id, &req.buyer_id, decision, state.now())
        .await?
    {
        Decided::Approved(g) => Ok((
            StatusCode::CREATED,
            Json(DecisionOut {
                request_id: g.request_id,
                status: domain::RequestStatus::Approved,
                id: Some(g.id),
                relay_number: Some(g.relay_number),
                expires_at: Some(store::format_time(g.expires_at)),
                channel: Some(g.channel),
            }),
        )),
        Decided::Declined(r) => Ok((
            StatusCode::OK,
            Json(DecisionOut {
                request_id: r.id,
                status: r.status,
                id: None,
                relay_number: None,
                expires_at: None,
                channel: None,
            }),
        )),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerIn {
    pub buyer_id: String,
}

/// The buyer revokes a grant at any time: the relay number stops connecting them and both real numbers are erased.
/// Needs the `contact` scope.
#[utoipa::path(
    post,
    path = "/v1/contact-grants/{id}/revoke",
    tag = "contact",
    params(("id" = String, Path, description = "the contact grant")),
    request_body = BuyerIn,
    security(("api_key" = ["contact"])),
    responses(
        (status = 200, body = GrantOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: no such grant for this buyer", body = ErrorBody),
        (status = 409, description = "`conflict`: the grant already ended", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<BuyerIn>,
) -> Result<Json<GrantOut>, ApiError> {
    caller.require(Scope::Contact)?;
    let g = state
        .contacts
        .revoke(&id, &req.buyer_id, state.now())
        .await?;
    Ok(Json(g.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendIn {
    /// Only the buyer extends a grant.
    pub buyer_id: String,
    /// How much longer, in hours (the policy caps the expiry at `grant.max_days` from now).
    pub hours: u32,
}

/// The buyer extends an active grant, within the contact policy's bounds. Needs the `contact` scope.
#[utoipa::path(
    post,
    path = "/v1/contact-grants/{id}/extend",
    tag = "contact",
    params(("id" = String, Path, description = "the contact grant")),
    request_body = ExtendIn,
    security(("api_key" = ["contact"])),
    responses(
        (status = 200, body = GrantOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: no such grant for this buyer", body = ErrorBody),
        (status = 409, description = "`conflict`: the grant ended", body = ErrorBody),
        (status = 422, description = "`extension_refused`, `invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn extend(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ExtendIn>,
) -> Result<Json<GrantOut>, ApiError> {
    caller.require(Scope::Contact)?;
    let g = state
        .contacts
        .extend(
            &id,
            &req.buyer_id,
            time::Duration::hours(i64::from(req.hours)),
            state.now(),
        )
        .await?;
    Ok(Json(g.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerGrantOut {
    #[serde(flatten)]
    pub grant: GrantOut,
    #[schema(value_type = String)]
    pub purpose: domain::Purpose,
    pub purpose_text: String,
    /// The seller's stated justification.
    pub justification: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerGrantsOut {
    pub buyer_id: String,
    /// Newest first.
    pub grants: Vec<BuyerGrantOut>,
}

/// Every phone contact the buyer granted, newest first, each with the seller's stated purpose and justification.
/// Needs the `contact` scope.
#[utoipa::path(
    get,
    path = "/v1/users/{user_id}/contact-grants",
    tag = "contact",
    params(("user_id" = String, Path, description = "the buyer")),
    security(("api_key" = ["contact"])),
    responses(
        (status = 200, body = BuyerGrantsOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn buyer_grants(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(user_id): ApiPath<String>,
) -> Result<Json<BuyerGrantsOut>, ApiError> {
    caller.require(Scope::Contact)?;
    let list = state
        .contacts
        .grants_for_buyer(&user_id, state.now())
        .await?;
    Ok(Json(BuyerGrantsOut {
        buyer_id: user_id,
        grants: list
            .into_iter()
            .map(|(g, r)| BuyerGrantOut {
                grant: g.into(),
                purpose_text: r.purpose.plain_words().to_string(),
                purpose: r.purpose,
                justification: r.justification,
            })
            .collect(),
    }))
}
