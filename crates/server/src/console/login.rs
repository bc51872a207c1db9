//! Sign-in (username, password, TOTP code) and sign-out. The login form has its own CSRF guard: a random value
//! in a short-lived cookie that the form must repeat.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::Page;
use super::session::{self, COOKIE, Posted};
use crate::AppState;
use crate::security::console::{self as accounts, SignIn, SignInRefusal};

const LOGIN_COOKIE: &str = "mg_console_login";

#[derive(Debug, Deserialize)]
pub struct Next {
    #[serde(default)]
    next: Option<String>,
}

/// Only local console paths are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/console") && !n.starts_with("//") && !n.contains('\\') => {
            n.to_string()
        }
        _ => "/console".into(),
    }
}

fn form_markup(login_token: &str, next: &str, username: &str, problem: Option<&str>) -> Markup {
    html! {
        div.login {
            h1 { "Marketguard console" }
            p { "Sign in with your console account and the code from your authenticator app." }
            @if let Some(p) = problem {
                p.error role="alert" #login-problem { (p) }
            }
            form method="post" action="/console/login" {
                input type="hidden" name="_login" value=(login_token);
                input type="hidden" name="next" value=(next);
                p {
                    label for="username" { "Username" }
                    input #username name="username" type="text" autocomplete="username" required value=(username) autofocus[username.is_empty()];
                }
                p {
                    label for="password" { "Password" }
                    input #password name="password" type="password" autocomplete="current-password" required autofocus[!username.is_empty()];
                }
                p {
                    label for="totp" { "Authenticator code" }
                    input #totp name="totp" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" aria-describedby="totp-help";
                    span.help #totp-help { "Six digits from your authenticator app." }
                }
                p.check {
                    input #public name="public_computer" type="checkbox" value="on";
                    label for="public" { "This is a shared or public computer (shorter session)" }
                }
                p { button type="submit" { "Sign in" } }
            }
        }
    }
}

/// `GET /console/login`.
pub async fn form(State(state): State<AppState>, Query(q): Query<Next>) -> Response {
    let (token, _) = security::session::new_token();
    let next = safe_next(q.next.as_deref());
    let mut res = Page::bare("Sign in", form_markup(&token, &next, "", None)).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(&state, LOGIN_COOKIE, &token, 900),
    );
    res
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    totp: String,
    #[serde(rename = "_login", default)]
    login: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    public_computer: Option<String>,
}

/// Where the request came from, when the server was started with connection info (the real server is).
fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "0.0.0.0".into())
}

/// `POST /console/login`.
pub async fn submit(
    State(state): State<AppState>,
    parts: Parts,
    Form(f): Form<LoginForm>,
) -> Result<Response, super::ConsoleError> {
    let next = safe_next(f.next.as_deref());
    let again = |status: StatusCode, problem: &str| {
        let (token, _) = security::session::new_token();
        let mut res = Page::bare(
            "Sign in",
            form_markup(&token, &next, &f.username, Some(problem)),
        )
        .with_status(status)
        .into_response();
        res.headers_mut().append(
            header::SET_COOKIE,
            session::set_cookie(&state, LOGIN_COOKIE, &token, 900),
        );
        res
    };
    let expected = session::cookie(&parts, LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || expected != f.login {
        return Ok(again(
            StatusCode::FORBIDDEN,
            "The sign-in form expired; please try again.",
        ));
    }
    let device = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .chars()
        .take(200)
        .collect::<String>();
    let ip = client_ip(&parts);
    let totp = f.totp.trim();
    let now = state.now();
    let outcome = accounts::sign_in(
        &state.store,
        &state.config.security,
        &SignIn {
            username: f.username.trim(),
            password: &f.password,
            totp_code: (!totp.is_empty()).then_some(totp),
            device: &device,
            ip: &ip,
            country: "ZZ",
            public_computer: f.public_computer.is_some(),
        },
        now,
    )
    .await?;
    let signed = match outcome {
        Ok(s) => s,
        Err(SignInRefusal::BadCredentials) => {
            return Ok(again(
                StatusCode::UNAUTHORIZED,
                "The username, password or code is wrong.",
            ));
        }
        Err(SignInRefusal::SecondFactorRequired) => {
            return Ok(again(
                StatusCode::UNAUTHORIZED,
                "Enter the six-digit code from your authenticator app.",
            ));
        }
        Err(SignInRefusal::Throttled { retry_after_secs }) => {
            let mut res = again(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Too many failed attempts; try again in {retry_after_secs} seconds."),
            );
            res.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            return Ok(res);
        }
        Err(SignInRefusal::Disabled) => {
            return Ok(again(
                StatusCode::FORBIDDEN,
                "This console account is disabled.",
            ));
        }
    };
    let max_age = (signed.session.absolute_expires_at - now)
        .whole_seconds()
        .max(1);
    let mut res = Redirect::to(&next).into_response();
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        session::set_cookie(&state, COOKIE, &signed.token, max_age),
    );
    h.append(
        header::SET_COOKIE,
        session::set_cookie(&state, LOGIN_COOKIE, "", 0),
    );
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

/// `POST /console/logout`: ends the session and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    Posted { viewer, .. }: Posted<Empty>,
) -> Result<Response, super::ConsoleError> {
    state
        .store
        .revoke_console_session(
            &viewer.account.id,
            &viewer.session.id,
            "signed out",
            state.now(),
        )
        .await?;
    let mut res = Redirect::to("/console/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(&state, COOKIE, "", 0),
    );
    Ok(res)
}
