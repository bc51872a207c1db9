//! Investigators' verdicts on screening over the JSON API (`investigator` scope): mark a message's finding as
//! wrong, or a delivered message as a violation the engine missed. `marketguard model train --verdicts` learns from
//! them. The console's conversation page records the same verdicts.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use casework::verdicts::Verdict;
use domain::VerdictKind;
use serde::{Deserialize, Serialize};
use store::Scope;
use store::verdicts::VerdictRecord;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{ApiPath, ApiQuery};
use crate::json::ApiJson;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRequest {
    /// The investigator recording the verdict (1 to 100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub investigator: String,
    /// `finding_wrong`: the message has a finding of `category` that is wrong. `violation`: the message is a
    /// `category` violation that screening did not find.
    #[schema(value_type = String, example = "finding_wrong")]
    pub kind: String,
    /// A screening category, e.g. `payment.off_platform`.
    #[schema(example = "payment.off_platform")]
    pub category: String,
    /// Why (optional, at most 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerdictOut {
    pub id: String,
    pub message_id: String,
    /// `finding_wrong` or `violation`.
    pub kind: String,
    pub category: String,
    pub investigator: String,
    pub note: String,
    pub created_at: String,
}

impl From<VerdictRecord> for VerdictOut {
    fn from(v: VerdictRecord) -> Self {
        VerdictOut {
            id: v.id,
            message_id: v.message_id,
            kind: v.kind.as_str().to_string(),
            category: v.category,
            investigator: v.investigator,
            note: v.note,
            created_at: store::format_time(v.created_at),
        }
    }
}

/// Records an investigator's verdict on a message's screening (audited as `screening.verdict`). The same verdict
/// again answers the first with 200; a new one answers 201. Needs the `investigator` scope.
#[utoipa::path(
    post,
    path = "/v1/messages/{message_id}/verdicts",
    tag = "screening",
    params(("message_id" = String, Path)),
    request_body = VerdictRequest,
    security(("api_key" = ["investigator"])),
    responses(
        (status = 201, body = VerdictOut, description = "recorded"),
        (status = 200, body = VerdictOut, description = "this verdict was already recorded"),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn record_verdict(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(message_id): ApiPath<String>,
    ApiJson(req): ApiJson<VerdictRequest>,
) -> Result<(StatusCode, Json<VerdictOut>), ApiError> {
    caller.require(Scope::Investigator)?;
    let investigator = super::cases::investigator(&req.investigator)?;
    let kind = super::cases::parse_token(
        &req.kind,
        "kind",
        VerdictKind::parse,
        VerdictKind::choices(),
    )?;
    let category = screen::Category::parse(&req.category)
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    let (record, created) = state
        .casework
        .record_verdict(
            Verdict {
                message_id: &message_id,
                kind,
                category,
                investigator,
                note: &req.note,
            },
            state.now(),
        )
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(record.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerdictQuery {
    /// Only verdicts recorded after this one (the last id of the previous page).
    pub after: Option<String>,
    /// At most this many (1 to 1000, default 200).
    pub limit: Option<i64>,
}

/// Verdicts in the order they were recorded. Needs the `investigator` scope.
#[utoipa::path(
    get,
    path = "/v1/verdicts",
    tag = "screening",
    params(VerdictQuery),
    security(("api_key" = ["investigator"])),
    responses(
        (status = 200, body = [VerdictOut]),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn list_verdicts(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<VerdictQuery>,
) -> Result<Json<Vec<VerdictOut>>, ApiError> {
    caller.require(Scope::Investigator)?;
    let verdicts = state
        .store
        .verdicts(q.after.as_deref(), q.limit.unwrap_or(200).clamp(1, 1000))
        .await?;
    Ok(Json(verdicts.into_iter().map(VerdictOut::from).collect()))
}
