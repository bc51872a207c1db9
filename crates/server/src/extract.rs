//! The path and query extractors of the JSON API: a value that cannot be read becomes an [`ApiError`] in the
//! JSON error shape (axum's own extractors answer in plain text), and text with a NUL character is refused here,
//! once, for every route (PostgreSQL cannot store it; no marketplace id or text needs it).

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};

/// The message of every refusal of a NUL character, wherever it was found (`where_` names the field).
pub fn nul_refused(where_: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidRequest,
        format!("{where_} contains the NUL character (\\u0000), which no text may contain"),
    )
}

/// The path parameters of a route, typed.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // `%00` is the only way a NUL reaches a path parameter (the URI itself cannot hold one).
        if parts.uri.path().contains("%00") {
            return Err(nul_refused("the path"));
        }
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(rejected(
                "a path parameter is not valid",
                rejection.status(),
                rejection.body_text(),
            )),
        }
    }
}

/// The query string of a route, typed.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.query().is_some_and(|q| q.contains("%00")) {
            return Err(nul_refused("the query string"));
        }
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(rejected(
                "the query string is not valid",
                rejection.status(),
                rejection.body_text(),
            )),
        }
    }
}

/// An extractor's refusal: the caller's mistake (4xx) is `invalid_request` with axum's explanation; anything
/// else is a fault of the route's own declaration, logged and answered as `internal`.
fn rejected(what: &str, status: axum::http::StatusCode, detail: String) -> ApiError {
    if status.is_client_error() {
        let detail = detail
            .strip_prefix("Failed to deserialize query string: ")
            .or_else(|| detail.strip_prefix("Invalid URL: "))
            .unwrap_or(&detail);
        ApiError::new(ErrorCode::InvalidRequest, format!("{what}: {detail}"))
    } else {
        ApiError::internal(format!("{what}: {detail}"))
    }
}
