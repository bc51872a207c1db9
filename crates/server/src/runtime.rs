//! What the server runs besides answering requests: loading the three policy files (at start-up, on
//! `marketguard config`, on reload), putting the communication and contact policies in force, reloading on SIGHUP,
//! and the periodic expiry of contact grants. The routes call in here; nothing here knows a route.

use std::path::Path;

use crate::AppState;
use crate::config::{CasesConfig, ContactConfig, MessagingConfig};
use crate::error::{ApiError, ErrorCode};

/// A policy from its file, or the built-in one when no file is configured. `what` names it in errors
/// (`policy`, `contact policy`, `case policy`).
fn from_file<T, E: std::fmt::Display>(
    file: Option<&Path>,
    what: &str,
    builtin: impl FnOnce() -> Result<T, String>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, String> {
    match file {
        None => builtin(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("could not read the {what} file {}: {e}", path.display()))?;
            parse(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}

/// The communication policy the configuration names: the file, or the built-in default.
pub fn load_policy(config: &MessagingConfig) -> Result<policy::Policy, String> {
    from_file(
        config.policy_file.as_deref(),
        "policy",
        || policy::Policy::builtin().map_err(|e| format!("the built-in policy: {e}")),
        policy::Policy::parse,
    )
}

/// The contact policy the configuration names: the file, or the built-in default.
pub fn load_contact_policy(config: &ContactConfig) -> Result<contact::ContactPolicy, String> {
    from_file(
        config.policy_file.as_deref(),
        "contact policy",
        || {
            contact::ContactPolicy::builtin()
                .map_err(|e| format!("the built-in contact policy: {e}"))
        },
        contact::ContactPolicy::parse,
    )
}

/// The case policy the configuration names: the file, or the built-in one.
pub fn load_case_policy(config: &CasesConfig) -> Result<cases::CasePolicy, String> {
    from_file(
        config.policy_file.as_deref(),
        "case policy",
        || Ok(cases::CasePolicy::builtin()),
        cases::CasePolicy::parse,
    )
}

fn invalid_policy(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidPolicy, message)
}

/// Loads the configured communication policy and puts it in force (used by the reload route, SIGHUP and
/// start-up).
pub async fn reload_policy(
    state: &AppState,
    actor: &str,
) -> Result<messaging::Activation, ApiError> {
    let policy = load_policy(&state.config.messaging).map_err(invalid_policy)?;
    Ok(state.messaging.activate(policy, actor, state.now()).await?)
}

/// Loads the configured contact policy and records it as the active one (audited when it changed).
pub async fn activate_contact_policy(
    state: &AppState,
    actor: &str,
) -> Result<messaging::Activation, ApiError> {
    let policy = load_contact_policy(&state.config.contact).map_err(invalid_policy)?;
    Ok(state
        .messaging
        .activate_contact_policy(policy, actor, state.now())
        .await?)
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
            match reload_policy(&state, "sighup").await {
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

/// Ends the grants whose expiry has come, every `contact.expiry_interval_secs`, for as long as the server runs.
pub async fn expire_contact_grants_periodically(state: AppState) {
    let every = std::time::Duration::from_secs(state.config.contact.expiry_interval_secs.max(1));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match state.contacts.expire_due(state.now()).await {
            Ok(ended) if !ended.is_empty() => {
                tracing::info!(
                    count = ended.len(),
                    "contact grants expired; their numbers are erased"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "contact grants could not be expired; retrying"),
        }
    }
}
