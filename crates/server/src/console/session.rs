//! The console session: an opaque token in an `HttpOnly`, `SameSite=Strict` cookie (and `Secure` unless turned
//! off for plain-HTTP tests), checked by `server::security::console::authenticate` on every request.
//!
//! CSRF: every POST form carries `_csrf`, an HMAC-SHA256 of a fixed label keyed by the session token. Only a page
//! rendered for this session knows it (the token itself never reaches a page), so another site cannot forge a
//! form post even if a browser ignored `SameSite`.
//!
//! An account marked `must_change_password` gets no [`Viewer`] anywhere but the change-password page and logout:
//! every other page and form sends it (303) to the change-password page until the password is changed.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{Hmac, Mac};
use maud::{Markup, html};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;
use store::security::{ConsoleAccount, ConsoleRole, ConsoleSession};

use super::account::PASSWORD_PAGE;
use super::error::ConsoleError;
use crate::AppState;

pub const COOKIE: &str = "mg_console";
const CSRF_LABEL: &[u8] = b"marketguard console csrf v1";

/// The signed-in console user of this request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub account: ConsoleAccount,
    pub session: ConsoleSession,
    csrf: String,
}

impl Viewer {
    pub fn is_admin(&self) -> bool {
        self.account.role == ConsoleRole::Admin
    }

    /// Who the audit log names for what this viewer does: `investigator:<username>` or `admin:<username>`.
    pub fn actor(&self) -> String {
        format!("{}:{}", self.account.role.as_str(), self.account.username)
    }

    /// The hidden input every POST form of this session carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="_csrf" value=(self.csrf); }
    }

    /// The token itself, for an `hx-headers`/`hx-vals` attribute.
    pub fn csrf_token(&self) -> &str {
        &self.csrf
    }
}

fn csrf_for(token: &str) -> String {
    // HMAC accepts a key of any length, so `new_from_slice` cannot fail here.
    match Hmac::<Sha256>::new_from_slice(token.as_bytes()) {
        Ok(mut mac) => {
            mac.update(CSRF_LABEL);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

fn csrf_matches(token: &str, given: &str) -> bool {
    let Ok(given) = hex::decode(given) else {
        return false;
    };
    match Hmac::<Sha256>::new_from_slice(token.as_bytes()) {
        Ok(mut mac) => {
            mac.update(CSRF_LABEL);
            mac.verify_slice(&given).is_ok()
        }
        Err(_) => false,
    }
}

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value for the console, scoped to `/console`.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.config.console.secure_cookie {
        "; Secure"
    } else {
        ""
    };
    let v = format!(
        "{name}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Why there is no viewer: no or a dead session (go and sign in), an account that must choose a new password
/// first (go to the change-password page), or the session check failed.
pub enum NoViewer {
    SignIn { next: String, htmx: bool },
    MustChangePassword { htmx: bool },
    Failed(ConsoleError),
}

/// A 303 to `to`; htmx follows redirects inside the swap, so it is asked to load `to` as a whole instead.
fn send_to(to: &str, htmx: bool, htmx_status: StatusCode) -> Response {
    if htmx {
        let mut res = htmx_status.into_response();
        if let Ok(v) = HeaderValue::from_str(to) {
            res.headers_mut().insert("hx-redirect", v);
        }
        res
    } else {
        Redirect::to(to).into_response()
    }
}

impl IntoResponse for NoViewer {
    fn into_response(self) -> Response {
        match self {
            NoViewer::SignIn { next, htmx } => send_to(
                &format!("/console/login?next={}", encode_query(&next)),
                htmx,
                StatusCode::UNAUTHORIZED,
            ),
            NoViewer::MustChangePassword { htmx } => {
                send_to(PASSWORD_PAGE, htmx, StatusCode::FORBIDDEN)
            }
            NoViewer::Failed(e) => e.into_response(),
        }
    }
}

/// The only routes an account with a forced password change may use before it has changed the password.
fn allowed_before_password_change(path: &str) -> bool {
    path == PASSWORD_PAGE || path == "/console/logout"
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = NoViewer;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, NoViewer> {
        let next = match parts.method {
            axum::http::Method::GET => parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/console".into()),
            _ => "/console".into(),
        };
        let sign_in = NoViewer::SignIn {
            next,
            htmx: parts.headers.contains_key("hx-request"),
        };
        let Some(token) = cookie(parts, COOKIE).filter(|t| !t.is_empty()) else {
            return Err(sign_in);
        };
        let found = crate::security::console::authenticate(
            &state.store,
            &state.config.security,
            token,
            state.now(),
        )
        .await
        .map_err(|e| NoViewer::Failed(e.into()))?;
        let Some((session, account)) = found else {
            return Err(sign_in);
        };
        if account.must_change_password && !allowed_before_password_change(parts.uri.path()) {
            return Err(NoViewer::MustChangePassword {
                htmx: parts.headers.contains_key("hx-request"),
            });
        }
        Ok(Viewer {
            csrf: csrf_for(token),
            account,
            session,
        })
    }
}

/// A signed-in admin; an investigator gets 403.
#[derive(Debug, Clone)]
pub struct Admin(pub Viewer);

impl FromRequestParts<AppState> for Admin {
    type Rejection = NoViewer;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, NoViewer> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        if !viewer.is_admin() {
            return Err(NoViewer::Failed(ConsoleError::Forbidden(
                "This page is for console admins.".into(),
            )));
        }
        Ok(Admin(viewer))
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// A POST form from a signed-in viewer whose CSRF token checked out, parsed into `T`.
pub struct Posted<T> {
    pub viewer: Viewer,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = NoViewer;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, NoViewer> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|_| {
                NoViewer::Failed(ConsoleError::Invalid("The form could not be read.".into()))
            })?;
        let token = cookie(&parts, COOKIE).unwrap_or("");
        let given: CsrfOnly = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
            NoViewer::Failed(ConsoleError::Invalid("The form could not be read.".into()))
        })?;
        if !csrf_matches(token, &given.csrf) {
            return Err(NoViewer::Failed(ConsoleError::Forbidden(
                "The form's security token is missing or out of date; reload the page and try again."
                    .into(),
            )));
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            NoViewer::Failed(ConsoleError::Invalid(format!(
                "The form is incomplete: {e}"
            )))
        })?;
        Ok(Posted { viewer, form })
    }
}

/// A POST by an admin (CSRF checked); an investigator gets 403.
pub struct AdminPosted<T>(pub Posted<T>);

impl<T: DeserializeOwned> FromRequest<AppState> for AdminPosted<T> {
    type Rejection = NoViewer;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, NoViewer> {
        let posted = Posted::<T>::from_request(req, state).await?;
        if !posted.viewer.is_admin() {
            return Err(NoViewer::Failed(ConsoleError::Forbidden(
                "Only console admins may do this.".into(),
            )));
        }
        Ok(AdminPosted(posted))
    }
}
