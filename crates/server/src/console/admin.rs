//! `GET /console/admin` (admins only): console accounts with a form to create one (its TOTP secret is shown once),
//! and the API keys with a button to revoke each. Every change is audited by the store.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use store::security::ConsoleRole;

use super::error::ConsoleError;
use super::layout::{Nav, Page, badge, time_el};
use super::session::AdminPosted;
use super::session::{Admin, Viewer, encode_query};
use crate::AppState;
use crate::security::console as accounts;

#[derive(Debug, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Query(done): Query<Done>,
) -> Result<Page, ConsoleError> {
    let notice = match done.done.as_deref() {
        Some("revoked") => Some("The API key was revoked."),
        _ => None,
    };
    render(&state, &viewer, notice.map(|n| html! { (n) }), None).await
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<Markup>,
    problem: Option<&str>,
) -> Result<Page, ConsoleError> {
    let accounts = state.store.console_accounts().await?;
    let keys = state.store.list_api_keys().await?;
    let body = html! {
        h1 { "Admin" }
        @if let Some(n) = notice { div.note role="status" { (n) } }
        @if let Some(p) = problem { p.error role="alert" { (p) } }
        section aria-labelledby="accounts" {
            h2 #accounts { "Console accounts" }
            table #accounts-table {
                caption.vh { "Console accounts" }
                thead { tr { th scope="col" { "Username" } th scope="col" { "Name" } th scope="col" { "Role" }
                    th scope="col" { "Status" } th scope="col" { "Second factor" } th scope="col" { "Created" } } }
                tbody { @for a in &accounts { tr {
                    td { (a.username) } td { (a.display_name) } td { (a.role.as_str()) } td { (badge(a.status)) }
                    td { @if a.totp_secret_enc.is_some() { "on" } @else { "off" } } td { (time_el(a.created_at)) }
                } } }
            }
            h3 { "Create an account" }
            form.stack method="post" action="/console/admin/accounts" {
                (viewer.csrf_field())
                p { label for="new-username" { "Username" } input #new-username name="username" type="text" required maxlength="100" autocomplete="off"; }
                p { label for="new-name" { "Display name" } input #new-name name="display_name" type="text" required maxlength="200"; }
                p { label for="new-email" { "Email (optional)" } input #new-email name="email" type="email"; }
                p { label for="new-role" { "Role" }
                    select #new-role name="role" {
                        option value="investigator" selected { "Investigator" }
                        option value="admin" { "Admin" }
                    }
                }
                p { label for="new-password" { "Initial password (at least 15 characters)" }
                    input #new-password name="password" type="password" required minlength="15" autocomplete="new-password"; }
                p { button type="submit" { "Create account" } }
            }
        }
        section aria-labelledby="keys" {
            h2 #keys { "API keys" }
            @if keys.is_empty() { p { "No API keys. Create one with " code { "marketguard admin api-key create" } "." } } @else {
                table #keys-table {
                    caption.vh { "API keys" }
                    thead { tr { th scope="col" { "Name" } th scope="col" { "Prefix" } th scope="col" { "Scopes" }
                        th scope="col" { "Created" } th scope="col" { "State" } } }
                    tbody { @for k in &keys { tr {
                        td { (k.name) } td { code { (k.prefix) } }
                        td { (k.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")) }
                        td { (time_el(k.created_at)) }
                        td { @if let Some(r) = k.revoked_at { "revoked " (time_el(r)) } @else {
                            form.inline method="post" action=(format!("/console/admin/api-keys/{}/revoke", encode_query(&k.id))) {
                                (viewer.csrf_field())
                                button.danger type="submit" aria-label=(format!("Revoke API key {}", k.name)) { "Revoke" }
                            }
                        } }
                    } } }
                }
            }
        }
    };
    Ok(Page::new("Admin", viewer, Nav::Admin, body))
}

#[derive(Debug, Deserialize)]
pub struct NewAccount {
    username: String,
    display_name: String,
    #[serde(default)]
    email: String,
    role: String,
    password: String,
}

pub async fn create_account(
    State(state): State<AppState>,
    AdminPosted(p): AdminPosted<NewAccount>,
) -> Result<Page, ConsoleError> {
    let viewer = p.viewer;
    let f = p.form;
    let role = ConsoleRole::parse(&f.role)?;
    let email = f.email.trim();
    let now = state.now();
    let created = accounts::create_account(
        &state.store,
        &state.config.security,
        f.username.trim(),
        f.display_name.trim(),
        (!email.is_empty()).then_some(email),
        role,
        &f.password,
        &viewer.actor(),
        now,
    )
    .await;
    let account = match created {
        Ok(a) => a,
        Err(crate::security::ServiceError::Invalid(m))
        | Err(crate::security::ServiceError::Store(store::StoreError::Invalid(m))) => {
            return Ok(render(&state, &viewer, None, Some(&m))
                .await?
                .with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY));
        }
        Err(e) => return Err(e.into()),
    };
    let enrolment = accounts::enrol_totp(&state.store, &state.config.security, &account, now).await;
    let notice = match enrolment {
        Ok(e) => html! {
            p { "Account " strong { (account.username) } " created as " (account.role.as_str()) "." }
            p { "Give them this authenticator secret (shown only now): " code #new-totp-secret { (e.secret_base32) } }
            p { "Or the setup link: " code.wrap { (e.otpauth_uri) } }
        },
        Err(e) => html! {
            p { "Account " strong { (account.username) } " created, but two-step sign-in could not be turned on: " (e.to_string()) }
        },
    };
    render(&state, &viewer, Some(notice), None).await
}

pub async fn revoke_api_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminPosted(p): AdminPosted<super::login::Empty>,
) -> Result<Response, ConsoleError> {
    state
        .store
        .revoke_api_key(&id, &p.viewer.actor(), state.now())
        .await?;
    Ok(Redirect::to("/console/admin?done=revoked").into_response())
}
