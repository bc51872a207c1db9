//! The communication policy: reload without a restart (also on SIGHUP).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use store::Scope;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

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
    let a = reload(&state, &format!("api_key:{}", caller.key.prefix)).await?;
    Ok(Json(ReloadOut {
        previous_version: a.previous_version,
        version: a.version,
        changed: a.changed,
    }))
}

/// Loads the configured policy and puts it in force (used by the route, SIGHUP and start-up).
pub async fn reload(state: &AppState, actor: &str) -> Result<messaging::Activation, ApiError> {
    let policy =
        load(&state.config.messaging).map_err(|m| ApiError::new(ErrorCode::InvalidPolicy, m))?;
    Ok(state.messaging.activate(policy, actor, state.now()).await?)
}

/// The policy the configuration names: the file, or the built-in default.
pub fn load(config: &crate::config::MessagingConfig) -> Result<policy::Policy, String> {
    match &config.policy_file {
        None => policy::Policy::builtin().map_err(|e| format!("the built-in policy: {e}")),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("could not read the policy file {}: {e}", path.display()))?;
            policy::Policy::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}

/// Reloads the policy each time the process receives SIGHUP; a bad file is logged and the policy in force stays.
pub async fn reload_on_sighup(state: AppState) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!(
                "could not listen for SIGHUP; reload the policy with POST /v1/admin/policy/reload"
            );
            return;
        };
        while hup.recv().await.is_some() {
            match reload(&state, "sighup").await {
                Ok(a) => tracing::info!(
                    previous = %a.previous_version,
                    version = %a.version,
                    changed = a.changed,
                    "communication policy reloaded"
                ),
                Err(e) => {
                    tracing::error!(error = %e.message, "the communication policy was not reloaded; the previous one stays in force")
                }
            }
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await;
}
