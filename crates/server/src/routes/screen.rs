use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use store::Scope;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::wire::ScreenResult;

/// One text to screen.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ScreenRequest {
    pub text: String,
    /// ISO 3166-1 alpha-2 region for reading national phone numbers, e.g. `US`.
    pub region: Option<String>,
    /// `buyer` or `seller`.
    pub sender: Option<String>,
}

/// Screens one text and answers as one `scan` output line (spec/screening.md). Needs the `screen` scope.
#[utoipa::path(
    post,
    path = "/v1/screen",
    tag = "screening",
    request_body = ScreenRequest,
    security(("api_key" = ["screen"])),
    responses(
        (status = 200, body = ScreenResult),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`; `message_too_long`: the text is longer than `screening.limits.max_text_bytes`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn screen(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ScreenRequest>,
) -> Result<Json<ScreenResult>, ApiError> {
    caller.require(Scope::Screen)?;
    let limits = &state.screener.config().limits;
    if req.text.len() > limits.max_text_bytes {
        return Err(ApiError::new(
            ErrorCode::MessageTooLong,
            format!(
                "the text has {} bytes; at most {} are screened (screening.limits.max_text_bytes)",
                req.text.len(),
                limits.max_text_bytes
            ),
        ));
    }
    let message =
        crate::wire::message_from_parts(&req.text, req.region.as_deref(), req.sender.as_deref())
            .map_err(|m| ApiError::new(ErrorCode::InvalidRequest, m))?;
    let screening = state.screener.screen(&message);
    Ok(Json(ScreenResult::new(
        None,
        &screening,
        limits.max_findings,
    )))
}
