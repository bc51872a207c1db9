//! `GET/POST /console/account/password`: the signed-in user changes their own password (the current one, the new
//! one twice). The new one must pass the same policy as at account creation; a change ends the account's other
//! sessions and is audited by the store. An account marked `must_change_password` is sent here from every other
//! page (see [`super::session`]) and told why.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::ConsoleError;
use super::layout::{Nav, Page};
use super::session::{Posted, Viewer};
use crate::AppState;
use crate::security::console::{self as accounts, PasswordChangeRefusal};

/// The change-password page; the one page an account with a forced change may open.
pub const PASSWORD_PAGE: &str = "/console/account/password";

#[derive(Debug, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    ended: Option<u64>,
}

/// `GET /console/account/password`.
pub async fn page(viewer: Viewer, Query(q): Query<Done>) -> Page {
    let notice = (q.done.as_deref() == Some("changed")).then(|| {
        let ended = q.ended.unwrap_or(0);
        html! {
            p { "Your password was changed." }
            @if ended > 0 {
                p { (ended) " other " (if ended == 1 { "session was" } else { "sessions were" }) " signed out." }
            }
            p { a href="/console/queue" { "Continue to the queue" } }
        }
    });
    render(&viewer, notice, &[], None)
}

fn render(
    viewer: &Viewer,
    notice: Option<Markup>,
    problems: &[String],
    advice: Option<&str>,
) -> Page {
    let min = if viewer.account.totp_secret_enc.is_some() {
        security::password::MIN_CHARS_WITH_SECOND_FACTOR
    } else {
        security::password::MIN_CHARS_SINGLE_FACTOR
    };
    let body = html! {
        h1 { "Change password" }
        @if viewer.account.must_change_password {
            div.note role="status" #password-required {
                p { "You must choose a new password before you can use the console. "
                    "Your account was marked because its password may be known to someone else." }
            }
        }
        @if let Some(n) = notice { div.note role="status" #password-changed { (n) } }
        @if !problems.is_empty() {
            div.error role="alert" #password-problem {
                p { "The password was not changed:" }
                ul { @for p in problems { li { (p) } } }
            }
            @if let Some(a) = advice { p.help #password-advice { (a) } }
        }
        form.stack method="post" action=(PASSWORD_PAGE) {
            (viewer.csrf_field())
            // Lets password managers tie the new password to this account.
            input type="hidden" name="username" autocomplete="username" value=(viewer.account.username);
            p {
                label for="current-password" { "Current password" }
                input #current-password name="current" type="password" required autocomplete="current-password";
            }
            p {
                label for="new-password" { "New password (at least " (min) " characters)" }
                input #new-password name="new" type="password" required minlength=(min) autocomplete="new-password" aria-describedby="new-password-help";
                span.help #new-password-help { "A passphrase of several unrelated words works well; it may not contain your name or username." }
            }
            p {
                label for="confirm-password" { "New password again" }
                input #confirm-password name="confirm" type="password" required minlength=(min) autocomplete="new-password";
            }
            p { button type="submit" { "Change password" } }
        }
    };
    Page::new("Change password", viewer, Nav::Account, body)
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /console/account/password`.
pub async fn change(
    State(state): State<AppState>,
    Posted { viewer, form }: Posted<ChangeForm>,
) -> Result<Response, ConsoleError> {
    let refuse = |problems: Vec<String>, advice: Option<&str>| {
        render(&viewer, None, &problems, advice)
            .with_status(StatusCode::UNPROCESSABLE_ENTITY)
            .into_response()
    };
    if form.new != form.confirm {
        return Ok(refuse(
            vec!["The new password and its confirmation do not match.".into()],
            None,
        ));
    }
    let outcome = accounts::change_password(
        &state.store,
        &state.config.security,
        &viewer.account,
        Some(&viewer.session.id),
        &form.current,
        &form.new,
        &viewer.actor(),
        state.now(),
    )
    .await?;
    match outcome {
        Ok(ended) => Ok(
            Redirect::to(&format!("{PASSWORD_PAGE}?done=changed&ended={ended}")).into_response(),
        ),
        Err(PasswordChangeRefusal::WrongCurrentPassword) => {
            Ok(refuse(vec!["The current password is wrong.".into()], None))
        }
        Err(PasswordChangeRefusal::SameAsCurrent) => Ok(refuse(
            vec!["The new password is the same as the current one; choose a different one.".into()],
            None,
        )),
        // Each reason's message, and the first one's advice (they share the general part).
        Err(PasswordChangeRefusal::Policy(reasons)) => Ok(refuse(
            reasons.iter().map(|r| capitalise(&r.message)).collect(),
            reasons.first().map(|r| r.advice.as_str()),
        )),
    }
}

/// The policy's messages start in lower case (they are also joined into sentences elsewhere).
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect::<String>() + ".",
        None => String::new(),
    }
}
