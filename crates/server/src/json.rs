//! The JSON body extractor: every way a body can be wrong becomes an [`ApiError`] with a stable code.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};
use crate::extract::nul_refused;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(
            req.headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
        ) {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with the header `Content-Type: application/json`",
            ));
        }
        let bytes = read_body(req, state).await?;
        let value = parse(&bytes)?;
        refuse_nul(&bytes)?;
        Ok(ApiJson(value))
    }
}

/// A raw request body (for the routes that read a format of their own), refused with 413 `payload_too_large`
/// over `http.body_limit_bytes` like a JSON body.
#[derive(Debug)]
pub struct ApiBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_body(req, state).await.map(ApiBytes)
    }
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                "the body is larger than this server accepts (http.body_limit_bytes); send less",
            )
        } else {
            ApiError::new(
                ErrorCode::MalformedJson,
                format!("the body could not be read: {rejection}"),
            )
        }
    })
}

/// Refuses a body with a NUL character in any string (a value or a key), naming where: one check for every
/// text field of every route. A NUL can only be written `\u0000` in JSON, so only a body holding those six
/// characters is walked.
fn refuse_nul(bytes: &[u8]) -> Result<(), ApiError> {
    const ESCAPE: &[u8] = b"\\u0000";
    if !bytes.windows(ESCAPE.len()).any(|w| w == ESCAPE) {
        return Ok(());
    }
    let value: serde_json::Value = parse(bytes)?;
    match nul_at(&value, String::new()) {
        Some(at) if at.is_empty() => Err(nul_refused("the body")),
        Some(at) => Err(nul_refused(&format!("`{at}`"))),
        None => Ok(()),
    }
}

/// The JSON path (`a.b[2]`) of the first string holding a NUL, if any.
fn nul_at(value: &serde_json::Value, here: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0').then_some(here),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_at(v, format!("{here}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let at = if here.is_empty() {
                k.clone()
            } else {
                format!("{here}.{k}")
            };
            if k.contains('\0') {
                Some(at)
            } else {
                nul_at(v, at)
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// Parses a JSON body, telling a syntax error (400, with line and column) from a shape error (422).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax | Category::Eof | Category::Io => ApiError::new(
                ErrorCode::MalformedJson,
                format!(
                    "the body is not valid JSON: {e} (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            ),
            Category::Data => ApiError::new(
                ErrorCode::InvalidRequest,
                format!("the request is not valid: {e}"),
            ),
        }
    })
}

fn is_json(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return false };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}
