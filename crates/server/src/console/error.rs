//! What a console page answers when something goes wrong: an HTML page with the right status, never internals
//! (those go to the log).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::Page;

#[derive(Debug)]
pub enum ConsoleError {
    /// 404: the named thing does not exist.
    NotFound(String),
    /// 403: the viewer's role may not do this, or the form's CSRF token is wrong.
    Forbidden(String),
    /// 422: the form was filled in wrongly; the message says how.
    Invalid(String),
    /// 409: the state does not allow it (someone else holds the case, it is already resolved).
    Conflict(String),
    /// 500: logged with its cause; the page says only that it failed.
    Internal(String),
}

impl ConsoleError {
    fn parts(&self) -> (StatusCode, &'static str, &str) {
        match self {
            ConsoleError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m),
            ConsoleError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m),
            ConsoleError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, "Cannot do that", m),
            ConsoleError::Conflict(m) => (StatusCode::CONFLICT, "Cannot do that now", m),
            ConsoleError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something failed",
                "Something failed inside Marketguard; the log has the details.",
            ),
        }
    }
}

impl ConsoleError {
    /// What the page says (never internals).
    pub fn message(&self) -> String {
        self.parts().2.to_string()
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        if let ConsoleError::Internal(cause) = &self {
            tracing::error!(error = %cause, "console page failed");
        }
        let (status, title, message) = self.parts();
        Page::bare(
            title,
            html! {
                h1 { (title) }
                p { (message) }
                p { a href="/console" { "Back to the console" } }
            },
        )
        .with_status(status)
        .into_response()
    }
}

impl From<store::StoreError> for ConsoleError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound { what, id } => {
                ConsoleError::NotFound(format!("There is no {what} `{id}`."))
            }
            store::StoreError::Invalid(m) => ConsoleError::Invalid(m),
            other => ConsoleError::Internal(other.to_string()),
        }
    }
}

impl From<messaging::MessagingError> for ConsoleError {
    fn from(e: messaging::MessagingError) -> Self {
        match e {
            messaging::MessagingError::NotFound { what, id } => {
                ConsoleError::NotFound(format!("There is no {what} `{id}`."))
            }
            messaging::MessagingError::Store(s) => s.into(),
            other => ConsoleError::Invalid(other.to_string()),
        }
    }
}

impl From<crate::security::ServiceError> for ConsoleError {
    fn from(e: crate::security::ServiceError) -> Self {
        use crate::security::ServiceError;
        match e {
            ServiceError::Store(s) => s.into(),
            ServiceError::Invalid(m) => ConsoleError::Invalid(m),
            ServiceError::NotFound(m) => ConsoleError::NotFound(m),
            ServiceError::NotConfigured(m) => ConsoleError::Invalid(m.to_string()),
            ServiceError::Security(s) => ConsoleError::Internal(s.to_string()),
        }
    }
}

impl From<casework::CaseworkError> for ConsoleError {
    fn from(e: casework::CaseworkError) -> Self {
        use casework::CaseworkError as E;
        match e {
            E::NotFound { what, id } => {
                ConsoleError::NotFound(format!("There is no {what} `{id}`."))
            }
            E::Invalid(m) => ConsoleError::Invalid(m),
            E::NotAParticipant { .. } => ConsoleError::Invalid(e.to_string()),
            E::Transition(t) => ConsoleError::Conflict(t.to_string()),
            E::Locked(m) => ConsoleError::Conflict(m),
            E::Store(s) => s.into(),
        }
    }
}
