//! API-key authentication and the per-key rate limit.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use store::{ApiKey, Scope};

use crate::AppState;
use crate::config::RateLimitConfig;
use crate::error::{ApiError, ErrorCode};

/// The caller, authenticated by `Authorization: Bearer <key>` and within its rate limit.
#[derive(Debug, Clone)]
pub struct Caller {
    pub key: ApiKey,
}

impl Caller {
    /// Fails with 403 `missing_scope` unless the key has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.key.allows(scope) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::MissingScope,
                format!(
                    "this API key ({}) lacks the `{}` scope; create a key with it (`marketguard admin api-key create --scopes {}`)",
                    self.key.prefix,
                    scope.as_str(),
                    scope.as_str()
                ),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Already authenticated by `require_route_scope` for this request: no second lookup or rate-limit token.
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let Some(secret) = header
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Err(ApiError::new(
                ErrorCode::MissingApiKey,
                "send an API key in the header `Authorization: Bearer <key>`; create one with `marketguard admin api-key create`",
            ));
        };
        let Some(key) = state.store.find_api_key(secret).await? else {
            return Err(ApiError::new(
                ErrorCode::UnknownApiKey,
                "this API key is not one Marketguard issued",
            ));
        };
        if key.revoked_at.is_some() {
            return Err(ApiError::new(
                ErrorCode::RevokedApiKey,
                format!("the API key {} was revoked; use a current key", key.prefix),
            ));
        }
        state.limiter.check(&key.id)?;
        Ok(Caller { key })
    }
}

/// The scopes each route accepts (any one of them will do; the handler decides what each allows), read from the
/// OpenAPI document's `security` requirements, the same annotations that document the route, keyed by method and
/// path template.
#[derive(Debug, Clone, Default)]
pub struct RouteScopes(Arc<std::collections::HashMap<(String, String), Vec<Scope>>>);

impl RouteScopes {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> RouteScopes {
        let mut map = std::collections::HashMap::new();
        let Ok(value) = serde_json::to_value(doc) else {
            return RouteScopes::default();
        };
        let paths = value["paths"].as_object().cloned().unwrap_or_default();
        for (path, item) in paths {
            for (method, op) in item.as_object().cloned().unwrap_or_default() {
                let scopes: Vec<Scope> = op["security"][0]["api_key"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().and_then(|s| Scope::parse(s).ok()))
                            .collect()
                    })
                    .unwrap_or_default();
                if !scopes.is_empty() {
                    map.insert((method.to_uppercase(), path.clone()), scopes);
                }
            }
        }
        RouteScopes(Arc::new(map))
    }
}

/// Route middleware: a route that needs a scope authenticates the caller and checks the scope before anything
/// else reads the request (its body included), so a caller without the scope learns nothing about the route's
/// input. The handlers still check what each scope allows.
pub async fn require_route_scope(
    axum::extract::State((state, scopes)): axum::extract::State<(AppState, RouteScopes)>,
    matched: Option<axum::extract::MatchedPath>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let needed = matched.and_then(|m| {
        scopes
            .0
            .get(&(
                request.method().as_str().to_string(),
                m.as_str().to_string(),
            ))
            .cloned()
    });
    let Some(needed) = needed else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let caller = match Caller::from_request_parts(&mut parts, &state).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if !needed.iter().any(|s| caller.key.allows(*s))
        && let Some(first) = needed.first()
        && let Err(e) = caller.require(*first)
    {
        return e.into_response();
    }
    parts.extensions.insert(caller);
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// A token bucket per API key, in memory. (One server process; several processes would each allow the rate.)
#[derive(Debug, Clone)]
pub struct KeyRateLimiter {
    inner: Arc<DefaultKeyedRateLimiter<String>>,
}

impl KeyRateLimiter {
    pub fn new(config: &RateLimitConfig) -> Self {
        let per_minute = NonZeroU32::new(config.per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(config.burst).unwrap_or(NonZeroU32::MIN);
        KeyRateLimiter {
            inner: Arc::new(RateLimiter::keyed(
                Quota::per_minute(per_minute).allow_burst(burst),
            )),
        }
    }

    /// Takes one request from the key's bucket, or answers 429 with the seconds to wait.
    pub fn check(&self, key_id: &str) -> Result<(), ApiError> {
        match self.inner.check_key(&key_id.to_string()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                let mut e = ApiError::new(
                    ErrorCode::RateLimited,
                    format!("this API key sent too many requests; retry after {secs} s"),
                );
                e.retry_after = Some(secs.max(1));
                Err(e)
            }
        }
    }
}
