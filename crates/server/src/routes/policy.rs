//! The communication policy: reload without a restart (`crate::runtime` also reloads it on SIGHUP).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use store::Scope;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};

#[derive(Debug, Serialize, ToSchema)]
pub struct ReloadOut {
    pub previous_version: String,
    pub version: String,
    /// False when the file held the policy already in force.
    pub changed: bool,
}

/// Reads the communication policy again (`messaging.policy_file`, or the built-in default), validates it,
/// records it as the active version (audited) and applies it to the next message. Needs the `admin` scope.
#[utoipa::path(
    post,
    path = "/v1/admin/policy/reload",
    tag = "admin",
    security(("api_key" = ["admin"])),
    responses(
        (status = 200, body = ReloadOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 409, description = "`conflict`: the version was already used for a different document", body = ErrorBody),
        (status = 422, description = "`invalid_policy`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn reload_policy(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ReloadOut>, ApiError> {
    caller.require(Scope::Admin)?;
    let a =
        crate::runtime::reload_policy(&state, &format!("api_key:{}", caller.key.prefix)).await?;
    Ok(Json(ReloadOut {
        previous_version: a.previous_version,
        version: a.version,
        changed: a.changed,
    }))
}
