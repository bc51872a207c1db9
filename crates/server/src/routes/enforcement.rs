//! Enforcement: a user's standing, an investigator's reversal of a step, a user's appeal.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use store::Scope;
use utoipa::ToSchema;

use super::conversations::StepOut;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiPath;
use crate::json::ApiJson;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseRequest {
    /// Who decides the reversal (recorded in the audit log).
    pub investigator: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReverseOut {
    pub reversed: StepOut,
    pub reinstatement: StepOut,
}

/// Reverses an enforcement step: the user's standing is recomputed, the strike that caused the step is voided,
/// and the reversal is audited. Needs the `investigator` scope.
#[utoipa::path(
    post,
    path = "/v1/enforcement/{step_id}/reverse",
    tag = "enforcement",
    params(("step_id" = String, Path, description = "the step to reverse")),
    request_body = ReverseRequest,
    security(("api_key" = ["investigator"])),
    responses(
        (status = 200, body = ReverseOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: already reversed, or a reinstatement", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn reverse_step(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(step_id): ApiPath<String>,
    ApiJson(req): ApiJson<ReverseRequest>,
) -> Result<Json<ReverseOut>, ApiError> {
    caller.require(Scope::Investigator)?;
    let (reversed, reinstatement) = state
        .messaging
        .reverse(&step_id, &req.investigator, &req.reason, state.now())
        .await?;
    Ok(Json(ReverseOut {
        reversed: reversed.into(),
        reinstatement: reinstatement.into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    pub step_id: String,
    /// The user the step was taken on.
    pub user_id: String,
    /// The user's words.
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealOut {
    pub id: String,
    pub step_id: String,
    /// `open` until the case queue takes it.
    #[schema(value_type = String)]
    pub status: domain::AppealStatus,
    pub created_at: String,
}

/// Files a user's appeal against a step taken on them; it is stored for the case queue. Needs the `messaging`
/// scope.
#[utoipa::path(
    post,
    path = "/v1/appeals",
    tag = "enforcement",
    request_body = AppealRequest,
    security(("api_key" = ["messaging"])),
    responses(
        (status = 201, body = AppealOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: no such step of this user", body = ErrorBody),
        (status = 409, description = "`conflict`: an appeal is already open, or the step was reversed", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn file_appeal(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<AppealRequest>,
) -> Result<(StatusCode, Json<AppealOut>), ApiError> {
    caller.require(Scope::Messaging)?;
    let a = state
        .messaging
        .appeal(&req.step_id, &req.user_id, &req.text, state.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppealOut {
            id: a.id,
            step_id: a.step_id,
            status: a.status,
            created_at: store::format_time(a.created_at),
        }),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandingOut {
    pub user_id: String,
    /// `active`, `warned`, `restricted`, `suspended` or `removed`.
    pub status: String,
    pub restricted_until: Option<String>,
    /// Decayed strike points now, under the active policy.
    pub strike_points: f64,
    /// Every step taken on the user, reversals included, oldest first.
    pub steps: Vec<StepOut>,
}

/// A user's standing and the steps taken on them, each with its reason and how to appeal. Needs the `messaging`
/// or the `investigator` scope.
#[utoipa::path(
    get,
    path = "/v1/users/{user_id}/standing",
    tag = "enforcement",
    params(("user_id" = String, Path, description = "the marketplace's id")),
    security(("api_key" = ["messaging", "investigator"])),
    responses(
        (status = 200, body = StandingOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn standing(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(user_id): ApiPath<String>,
) -> Result<Json<StandingOut>, ApiError> {
    if !caller.key.allows(Scope::Investigator) {
        caller.require(Scope::Messaging)?;
    }
    let s = state.messaging.standing(&user_id, state.now()).await?;
    Ok(Json(StandingOut {
        user_id: s.user_id,
        status: s.status.as_str().to_string(),
        restricted_until: s.restricted_until.map(store::format_time),
        strike_points: (s.strike_points * 100.0).round() / 100.0,
        steps: s.steps.into_iter().map(StepOut::from).collect(),
    }))
}
