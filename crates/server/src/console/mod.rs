//! The investigator console under `/console`: server-rendered HTML (maud), htmx for small interactions, one
//! hand-written stylesheet. Not part of the JSON API or its OpenAPI document.
//!
//! One module per page; [`layout`] holds the shared frame and the [`Page`] response; [`session`] the sign-in
//! cookie, the [`Viewer`] extractor (redirects to the login page without a session), [`Admin`] (403 for
//! investigators) and [`Posted`] (every POST form carries a CSRF token derived from the session); an account
//! that must change its password reaches only [`account`]'s change-password page and logout until it has.
//! Handlers call the store and the use-case crates; they hold no business rules.

mod account;
mod admin;
mod assets;
mod audit;
mod cases;
mod chart;
mod conversations;
mod error;
mod home;
mod layout;
mod login;
mod mask;
mod overview;
mod queue;
mod search;
mod session;
mod users;

use axum::Router;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use crate::AppState;

pub use error::ConsoleError;
pub use layout::Page;
pub use session::{Admin, Posted, Viewer};

/// The `[console]` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleConfig {
    /// Marks the session cookie `Secure` (sent over HTTPS only). Turn off only for plain-HTTP development and
    /// tests on the loopback address.
    pub secure_cookie: bool,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            secure_cookie: true,
        }
    }
}

/// Every console route. Merged into [`crate::app`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(home::page))
        .route("/console/", get(home::page))
        .route("/console/assets/{file}", get(assets::serve))
        .route("/console/login", get(login::form).post(login::submit))
        .route("/console/logout", post(login::logout))
        .route(
            account::PASSWORD_PAGE,
            get(account::page).post(account::change),
        )
        .route("/console/queue", get(queue::page))
        .route("/console/overview", get(overview::page))
        .route("/console/cases/{id}", get(cases::page))
        .route("/console/cases/{id}/take", post(queue::take))
        .route("/console/cases/{id}/release", post(cases::release))
        .route("/console/cases/{id}/note", post(cases::note))
        .route("/console/cases/{id}/wait", post(cases::wait))
        .route("/console/cases/{id}/resolve", post(cases::resolve))
        .route("/console/cases/{id}/reveal", post(cases::reveal))
        .route("/console/search", get(search::page))
        .route("/console/audit", get(audit::page))
        .route("/console/users/{id}", get(users::page))
        .route("/console/users/{id}/reveal", post(users::reveal))
        .route("/console/conversations/{id}", get(conversations::page))
        .route(
            "/console/conversations/{id}/reveal",
            post(conversations::reveal),
        )
        .route(
            "/console/conversations/{id}/verdicts",
            post(conversations::verdict),
        )
        .route("/console/admin", get(admin::page))
        .route("/console/admin/accounts", post(admin::create_account))
        .route(
            "/console/admin/api-keys/{id}/revoke",
            post(admin::revoke_api_key),
        )
        .layer(axum::middleware::from_fn(server_timing))
}

/// Adds `Server-Timing: app;dur=<ms>` to every console response (the page is rendered by then), so the time a
/// page costs the server can be read in the browser's developer tools or by `examples/console_timing.rs`.
async fn server_timing(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::debug!(path, ms, "console page");
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("app;dur={ms:.2}")) {
        res.headers_mut().insert("server-timing", v);
    }
    res
}

/// The pages a signed-in console user can open with GET, for the access tests: (path, admin only).
pub const GET_PAGES: &[(&str, bool)] = &[
    ("/console", false),
    ("/console/queue", false),
    ("/console/overview", false),
    ("/console/cases/case-1", false),
    ("/console/search?q=x", false),
    ("/console/audit", false),
    ("/console/users/u-1", false),
    ("/console/conversations/c-1", false),
    ("/console/account/password", false),
    ("/console/admin", true),
];

/// The POST routes, for the access tests: (path, admin only).
pub const POST_ROUTES: &[(&str, bool)] = &[
    ("/console/logout", false),
    ("/console/account/password", false),
    ("/console/cases/case-1/take", false),
    ("/console/cases/case-1/release", false),
    ("/console/cases/case-1/note", false),
    ("/console/cases/case-1/wait", false),
    ("/console/cases/case-1/resolve", false),
    ("/console/cases/case-1/reveal", false),
    ("/console/users/u-1/reveal", false),
    ("/console/conversations/c-1/reveal", false),
    ("/console/conversations/c-1/verdicts", false),
    ("/console/admin/accounts", true),
    ("/console/admin/api-keys/k-1/revoke", true),
];
