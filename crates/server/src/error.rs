//! Every error the API answers with: an HTTP status and `{"error": {"code", "message"}}`, where `code` is one of
//! the stable [`ErrorCode`]s. Internals (database errors, paths) go to the log, never to the caller.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The stable error codes. Adding one is fine; renaming one is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not valid JSON; the message gives the line and column.
    MalformedJson,
    /// 422: the JSON is well-formed but a field is missing, of the wrong type or out of range.
    InvalidRequest,
    /// 401: no `Authorization: Bearer <key>` header.
    MissingApiKey,
    /// 401: the key is not one Marketguard issued.
    UnknownApiKey,
    /// 401: the key was revoked.
    RevokedApiKey,
    /// 403: the key lacks the scope this route needs.
    MissingScope,
    /// 404: no such route or object.
    NotFound,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 413: the body is larger than the configured limit.
    PayloadTooLarge,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 429: the key sent too many requests; see `Retry-After`.
    RateLimited,
    /// 500: something failed inside Marketguard; the request id finds it in the log.
    Internal,
    /// 501: the route is described but not built yet.
    NotImplemented,
    /// 503: the database does not answer.
    DatabaseUnavailable,
    /// 503: the request took longer than the configured timeout.
    Timeout,
    /// 503: the feature needs configuration this server lacks (e.g. `security.encryption_key`).
    NotConfigured,
    /// 403: the sender's messaging is restricted until the time the message names; nothing was sent.
    MessagingRestricted,
    /// 403: the user's account is suspended pending review, or removed; nothing was sent.
    AccountSuspended,
    /// 403: the user is not one of the conversation's two parties.
    NotAParticipant,
    /// 422: the message is longer than the communication policy allows, or a text to screen is longer than
    /// `screening.limits.max_text_bytes`.
    MessageTooLong,
    /// 429: the user sent too many messages, or opened too many conversations; see `Retry-After`.
    SenderRateLimited,
    /// 409: the `Idempotency-Key` was already used for a different request.
    IdempotencyKeyReused,
    /// 409: the request conflicts with the current state (a step already reversed, an appeal already open).
    Conflict,
    /// 422: the policy document is not valid; the message says where.
    InvalidPolicy,
    /// 409: another investigator holds the case, or the investigator decided it before its appeal.
    CaseLocked,
    /// 409: the case's state does not allow the move (resolve a case nobody took, note a resolved case, ...).
    InvalidCaseState,
    /// 403: the relay webhook's signature is missing or wrong: the request did not come from the provider.
    InvalidSignature,
    /// 503: every relay number in the pool is in use by one of the two parties; nothing was granted.
    RelayPoolExhausted,
    /// 422: the contact grant cannot be extended (too many extensions, too long, or already at the maximum).
    ExtensionRefused,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 29] = [
        ErrorCode::MalformedJson,
        ErrorCode::InvalidRequest,
        ErrorCode::MissingApiKey,
        ErrorCode::UnknownApiKey,
        ErrorCode::RevokedApiKey,
        ErrorCode::MissingScope,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::NotImplemented,
        ErrorCode::DatabaseUnavailable,
        ErrorCode::Timeout,
        ErrorCode::NotConfigured,
        ErrorCode::MessagingRestricted,
        ErrorCode::AccountSuspended,
        ErrorCode::NotAParticipant,
        ErrorCode::MessageTooLong,
        ErrorCode::SenderRateLimited,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::Conflict,
        ErrorCode::InvalidPolicy,
        ErrorCode::CaseLocked,
        ErrorCode::InvalidCaseState,
        ErrorCode::InvalidSignature,
        ErrorCode::RelayPoolExhausted,
        ErrorCode::ExtensionRefused,
    ];

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::MalformedJson => StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::MissingApiKey | ErrorCode::UnknownApiKey | ErrorCode::RevokedApiKey => {
                StatusCode::UNAUTHORIZED
            }
            ErrorCode::MissingScope => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::NotImplemented => StatusCode::NOT_IMPLEMENTED,
            ErrorCode::DatabaseUnavailable | ErrorCode::Timeout | ErrorCode::NotConfigured => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ErrorCode::MessagingRestricted => StatusCode::FORBIDDEN,
            ErrorCode::AccountSuspended => StatusCode::FORBIDDEN,
            ErrorCode::NotAParticipant => StatusCode::FORBIDDEN,
            ErrorCode::MessageTooLong => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::SenderRateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::IdempotencyKeyReused => StatusCode::CONFLICT,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::InvalidPolicy => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::CaseLocked | ErrorCode::InvalidCaseState => StatusCode::CONFLICT,
            ErrorCode::InvalidSignature => StatusCode::FORBIDDEN,
            ErrorCode::RelayPoolExhausted => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ExtensionRefused => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::MissingApiKey => "missing_api_key",
            ErrorCode::UnknownApiKey => "unknown_api_key",
            ErrorCode::RevokedApiKey => "revoked_api_key",
            ErrorCode::MissingScope => "missing_scope",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::NotImplemented => "not_implemented",
            ErrorCode::DatabaseUnavailable => "database_unavailable",
            ErrorCode::Timeout => "timeout",
            ErrorCode::NotConfigured => "not_configured",
            ErrorCode::MessagingRestricted => "messaging_restricted",
            ErrorCode::AccountSuspended => "account_suspended",
            ErrorCode::NotAParticipant => "not_a_participant",
            ErrorCode::MessageTooLong => "message_too_long",
            ErrorCode::SenderRateLimited => "sender_rate_limited",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::Conflict => "conflict",
            ErrorCode::InvalidPolicy => "invalid_policy",
            ErrorCode::CaseLocked => "case_locked",
            ErrorCode::InvalidCaseState => "invalid_case_state",
            ErrorCode::InvalidSignature => "invalid_signature",
            ErrorCode::RelayPoolExhausted => "relay_pool_exhausted",
            ErrorCode::ExtensionRefused => "extension_refused",
        }
    }
}

/// The JSON body of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// What went wrong and what to do about it.
    pub message: String,
}

/// An error on its way to the caller.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds to wait, for `rate_limited`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A failure inside Marketguard: the detail goes to the log, the caller gets a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        ApiError::new(
            ErrorCode::Internal,
            "something went wrong inside Marketguard; the request id finds it in the log",
        )
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound { .. } => ApiError::new(ErrorCode::NotFound, e.to_string()),
            store::StoreError::Invalid(m) => ApiError::new(ErrorCode::InvalidRequest, m),
            e if e.is_unavailable() => {
                tracing::error!(error = %e, "database unavailable");
                ApiError::new(
                    ErrorCode::DatabaseUnavailable,
                    "the database did not answer; try again shortly",
                )
            }
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
