//! Marketguard's HTTP server. [`app`] builds the whole `Router` from an [`AppState`], so tests call it without a
//! socket; [`serve`] binds it to an address with logging and graceful shutdown.

pub mod auth;
pub mod config;
pub mod console;
pub mod demo;
pub mod doc;
pub mod error;
pub mod extract;
pub mod json;
pub mod keyfile;
pub mod routes;
pub mod runtime;
pub mod screening;
pub mod security;
pub mod wire;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::response::IntoResponse;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use config::Config;
use error::{ApiError, ErrorCode};

/// The header that carries the request id, on every response (and in every log line's span).
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Where the current time comes from: the wall clock in production, a fixed value in tests.
pub type Clock = Arc<dyn Fn() -> time::OffsetDateTime + Send + Sync>;

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    pub screener: Arc<screen::Screener>,
    pub limiter: auth::KeyRateLimiter,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// Buyer–seller messaging, with the active communication policy (replaceable without a restart).
    pub messaging: messaging::Messaging,
    /// Reports and investigation cases.
    pub casework: casework::Casework,
    /// Phone-contact requests, grants and the relay (sharing the messaging store, gate and policies).
    pub contacts: messaging::contact::Contacts,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("the screening configuration is not valid: {0}")]
    Screening(#[from] screen::ConfigError),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("the communication or case policy is not valid: {0}")]
    Policy(String),
}

impl AppState {
    /// Builds the state from a configuration and an open, migrated store.
    pub fn new(config: Config, store: store::Store) -> Result<AppState, StartError> {
        let screener = screening::build_screener(&config.screening)?;
        AppState::with_screener(config, store, screener)
    }

    /// Builds the state with this screener (`serve` gives the one with the model activated in the database).
    pub fn with_screener(
        config: Config,
        store: store::Store,
        screener: screen::Screener,
    ) -> Result<AppState, StartError> {
        let store = store.with_audit_keys(config.security.audit_keys());
        // The phone-number metadata loads lazily; pay for it now rather than in the first request.
        let _ = screener.screen(&screen::Message::new("warm up +1 415 555 0132"));
        let screener = Arc::new(screener);
        let policy = runtime::load_policy(&config.messaging).map_err(StartError::Policy)?;
        let case_policy =
            Arc::new(runtime::load_case_policy(&config.cases).map_err(StartError::Policy)?);
        let messaging = messaging::Messaging::new(store.clone(), Arc::clone(&screener), policy)
            .with_case_policy(Arc::clone(&case_policy));
        messaging.use_contact_policy(
            runtime::load_contact_policy(&config.contact).map_err(StartError::Policy)?,
        );
        let contacts = messaging::contact::Contacts::new(
            messaging.clone(),
            config.contact.relay_numbers.clone(),
            config.security.data_key(),
        );
        let casework = casework::Casework::new(
            messaging.clone(),
            case_policy,
            casework::NotifySettings {
                marketplace_name: config.security.marketplace_name.clone(),
                verify_url: format!(
                    "{}/verify",
                    config.security.public_base_url.trim_end_matches('/')
                ),
            },
        );
        Ok(AppState {
            messaging,
            contacts,
            casework,
            store,
            screener,
            limiter: auth::KeyRateLimiter::new(&config.rate_limit),
            config: Arc::new(config),
            clock: Arc::new(wall_clock),
        })
    }

    pub fn now(&self) -> time::OffsetDateTime {
        (self.clock)()
    }
}

/// The wall clock: the one place the server reads the time (clippy's `disallowed_methods` keeps it so).
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Marketguard",
        description = "Trust and safety for online marketplaces: screening, messaging policy, contact requests, account security.\n\nErrors are `{\"error\": {\"code\", \"message\"}}`; the codes are the `ErrorCode` schema.",
    ),
    components(schemas(error::ErrorBody, error::ErrorCode)),
    modifiers(&SecurityAddon),
)]
struct ApiDoc;

struct SecurityAddon;

impl utoipa::Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The routes and their OpenAPI description, built from the same list so neither can miss a route; the document
/// then declares what every operation's extractors refuse and the constraints on request fields (`doc`).
fn api_parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::router())
        .split_for_parts();
    doc::declare_edge_refusals(&mut doc);
    (router, doc)
}

/// The OpenAPI 3.1 document, generated from the code, as `GET /openapi.json` serves it.
pub fn openapi() -> serde_json::Value {
    doc::declare_constraints(&api_parts().1)
}

/// The whole application: routes, error fallbacks, body limit, request ids, tracing and timeout.
pub fn app(state: AppState) -> Router {
    let (router, doc) = api_parts();
    let scopes = auth::RouteScopes::from_openapi(&doc);
    let router = router.route_layer(axum::middleware::from_fn_with_state(
        (state.clone(), scopes),
        auth::require_route_scope,
    ));
    let doc = Arc::new(doc::declare_constraints(&doc));
    let body_limit = state.config.http.body_limit_bytes;
    let timeout = Duration::from_secs(state.config.http.request_timeout_secs);
    router
        .route("/openapi.json", axum::routing::get(move || async move { axum::Json(doc.as_ref().clone()) }))
        .merge(console::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::map_response(json_timeout))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

async fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "there is no such route; see /openapi.json for the API",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this route does not take that method; see /openapi.json",
    )
}

/// The timeout layer answers with an empty body; give it the JSON error shape.
async fn json_timeout(response: axum::response::Response) -> axum::response::Response {
    if response.status() == StatusCode::REQUEST_TIMEOUT {
        return ApiError::new(
            ErrorCode::Timeout,
            "the request took longer than this server allows; try again",
        )
        .into_response();
    }
    response
}

/// Starts logging as configured (human or JSON lines on stderr).
pub fn init_logging(config: &config::LogConfig) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.format {
        config::LogFormat::Human => builder.try_init(),
        config::LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// Opens and migrates the database, binds the address and serves until SIGTERM or Ctrl-C, then finishes the
/// requests in flight. `on_listening` is told the bound address (the port is chosen by the OS when it is 0).
pub async fn serve(
    config: Config,
    on_listening: impl FnOnce(std::net::SocketAddr),
) -> Result<(), StartError> {
    let store = store::Store::open_and_migrate(&config.database_url)
        .await?
        .with_audit_keys(config.security.audit_keys());
    let addr = config.listen;
    // A model activated in the database (`marketguard model activate`) wins over the configured or built-in one.
    let screener = match screening::activated_model(&store).await? {
        Some((model, record)) if config.screening.intent.enabled => {
            tracing::info!(
                model = %record.version,
                activated_by = %record.activated_by,
                activated_at = %store::format_time(record.activated_at),
                "intent model activated in the database"
            );
            screen::Screener::with_model(config.screening.clone(), Some(model))?
        }
        _ => screening::build_screener(&config.screening)?,
    };
    let state = AppState::with_screener(config, store.clone(), screener)?;
    // Record the communication policy in force (audited when it changed), and reload it on SIGHUP.
    runtime::reload_policy(&state, "startup")
        .await
        .map_err(|e| StartError::Policy(e.message))?;
    let policy_reloader = tokio::spawn(runtime::reload_on_sighup(state.clone()));
    // Record the contact policy in force, and end expired contact grants (erasing their numbers) periodically.
    runtime::activate_contact_policy(&state, "startup")
        .await
        .map_err(|e| StartError::Policy(e.message))?;
    let grant_expirer = tokio::spawn(runtime::expire_contact_grants_periodically(state.clone()));
    let sender = (!state.config.security.smtp.host.is_empty()).then(|| {
        tokio::spawn(security::sender::run(
            store.clone(),
            state.config.security.clone(),
            state.clock.clone(),
        ))
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    tracing::info!(%bound, backend = ?store.backend(), "listening");
    on_listening(bound);
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(StartError::Serve)?;
    tracing::info!("stopped: requests in flight finished");
    policy_reloader.abort();
    grant_expirer.abort();
    if let Some(task) = sender {
        task.abort();
    }
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received: finishing requests in flight");
}
