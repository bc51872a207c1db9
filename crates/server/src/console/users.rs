//! `GET /console/users/{id}`: a user's facts (contact details masked), standing, enforcement steps, strikes,
//! cases and reports about and by them, second factor (verification), security alerts and conversations. `POST .../reveal` with a reason shows the contact details
//! once and writes `console.reveal_personal_data` to the audit log.

use axum::extract::{Path, State};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::ConsoleError;
use super::layout::{Nav, Page, badge, time_el};
use super::mask::{self, Reveal};
use super::session::{Posted, Viewer, encode_query};
use crate::AppState;

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Page, ConsoleError> {
    render(&state, &viewer, &id, Reveal::Masked).await
}

#[derive(Debug, Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    pub reason: String,
}

/// Records why personal data is shown, then shows it.
pub async fn record_reveal(
    state: &AppState,
    viewer: &Viewer,
    subject: &str,
    reason: &str,
) -> Result<(), ConsoleError> {
    let reason = reason.trim();
    if reason.chars().count() < 5 {
        return Err(ConsoleError::Invalid(
            "Give a reason of at least five characters for viewing personal data.".into(),
        ));
    }
    state
        .store
        .append_audit(
            &store::AuditEntry::new(&viewer.actor(), "console.reveal_personal_data", subject)
                .with_details(serde_json::json!({ "reason": reason })),
            state.now(),
        )
        .await?;
    Ok(())
}

pub async fn reveal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<RevealForm>,
) -> Result<Page, ConsoleError> {
    if state.store.user(&id).await?.is_none() {
        return Err(ConsoleError::NotFound(format!("There is no user `{id}`.")));
    }
    record_reveal(&state, &viewer, &format!("user:{id}"), &form.reason).await?;
    render(&state, &viewer, &id, Reveal::Shown).await
}

fn report_label(category: &casework::ReportCategory) -> &'static str {
    category.label()
}

/// The form that asks for a reason before personal data is shown.
pub fn reveal_form(viewer: &Viewer, action: &str, what: &str) -> Markup {
    html! {
        form.reveal method="post" action=(action) {
            (viewer.csrf_field())
            label for="reveal-reason" { "Reason for viewing " (what) " (written to the audit log)" }
            input #reveal-reason name="reason" type="text" required minlength="5" maxlength="500";
            button type="submit" { "Reveal" }
        }
    }
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    reveal: Reveal,
) -> Result<Page, ConsoleError> {
    let store = &state.store;
    let now = state.now();
    let file = state.casework.user_file(id, now).await?;
    let (user, standing, strikes) = (&file.user, &file.standing, &file.strikes);
    let second = store.second_factor(id).await?;
    let alerts = store.security_alerts(Some(id), 10).await?;
    let conversations = store.conversations_of_user(id, 50).await?;
    let audit_href = format!(
        "/console/audit?subject={}",
        encode_query(&format!("user:{id}"))
    );
    let body = html! {
        h1 { "User " (user.display_name) " " (badge(user.status)) }
        dl.facts #user-facts {
            dt { "Id" } dd { code { (user.id) } }
            dt { "Role" } dd { (user.role) }
            dt { "Status" } dd #user-status { (user.status)
                @if let Some(t) = user.restricted_until { " until " (time_el(t)) } }
            dt { "Strike points now" } dd { (super::layout::points(standing.strike_points)) }
            dt { "Country" } dd { (user.country) }
            dt { "Email" } dd { (user.email.as_deref().map(|e| mask::email(e, reveal)).unwrap_or_else(|| "none".into())) }
            dt { "Phone" } dd { (user.phone.as_deref().map(|p| mask::phone(p, reveal)).unwrap_or_else(|| "none".into())) }
            dt { "Known since" } dd { (time_el(user.created_at)) }
            dt { "Second factor" } dd { @match &second {
                Some(s) if s.confirmed_at.is_some() => "on (TOTP)",
                Some(_) => "enrolment not confirmed",
                None => "off",
            } }
        }
        @if reveal == Reveal::Masked && (user.email.is_some() || user.phone.is_some()) {
            (reveal_form(viewer, &format!("/console/users/{}/reveal", encode_query(id)), "this user's contact details"))
        } @else if reveal == Reveal::Shown {
            p.note role="status" { "Contact details shown; this view was written to the audit log." }
        }
        p { a href=(audit_href) { "Audit entries about this user" } }
        section aria-labelledby="steps" {
            h2 #steps { "Enforcement" }
            @if standing.steps.is_empty() { p { "No enforcement steps." } } @else {
                table #steps-table {
                    caption.vh { "Enforcement steps, oldest first" }
                    thead { tr { th scope="col" { "When" } th scope="col" { "Step" } th scope="col" { "Until" }
                        th scope="col" { "Reason" } th scope="col" { "Decided by" } th scope="col" { "Reversed" } } }
                    tbody { @for s in &standing.steps { tr {
                        td { (time_el(s.created_at)) } td { (badge(s.level)) }
                        td { @if let Some(u) = s.until { (time_el(u)) } @else { "—" } }
                        td { (s.reason) } td { (s.decided_by) }
                        td { @if let Some(r) = &s.reversed_by { "by step " code { (r) } } @else { "no" } }
                    } } }
                }
            }
        }
        section aria-labelledby="strikes" {
            h2 #strikes { "Strikes" }
            @if strikes.is_empty() { p { "No strikes." } } @else {
                table {
                    caption.vh { "Strikes, oldest first" }
                    thead { tr { th scope="col" { "When" } th scope="col" { "Category" } th scope="col" { "Weight" }
                        th scope="col" { "Message" } th scope="col" { "Voided" } } }
                    tbody { @for s in strikes { tr {
                        td { (time_el(s.created_at)) } td { (s.category) } td { (s.weight) }
                        td { @if let Some(m) = &s.message_id { code { (m) } } @else { "—" } }
                        td { @if let Some(v) = s.voided_at { (time_el(v)) } @else { "no" } }
                    } } }
                }
            }
        }
        section aria-labelledby="cases-h" {
            h2 #cases-h { "Cases" }
            @if file.cases.is_empty() { p { "No cases." } } @else {
                table #user-cases {
                    caption.vh { "Cases about this user" }
                    thead { tr { th scope="col" { "Case" } th scope="col" { "About" } th scope="col" { "State" } th scope="col" { "Outcome" } th scope="col" { "Opened" } } }
                    tbody { @for c in &file.cases { tr {
                        td { a href=(format!("/console/cases/{}", encode_query(&c.id))) { "Case " (super::queue::short(&c.id)) } }
                        td { (super::queue::about(c)) } td { (badge(c.state)) }
                        td { @if let Some(o) = &c.outcome { (badge(o)) } @else { "—" } }
                        td { (time_el(c.created_at)) }
                    } } }
                }
            }
        }
        section aria-labelledby="reports-h" {
            h2 #reports-h { "Reports" }
            @if file.reports_about.is_empty() && file.reports_filed.is_empty() { p { "No reports about or by this user." } }
            @if !file.reports_about.is_empty() {
                h3 { "About this user" }
                ul { @for r in &file.reports_about { li { (time_el(r.created_at)) " · by " code { (r.reporter_id) } ": " (report_label(&r.category)) " — " (r.text) } } }
            }
            @if !file.reports_filed.is_empty() {
                h3 { "Filed by this user" }
                ul { @for r in &file.reports_filed { li { (time_el(r.created_at)) " · about " (r.subject_type) " " code { (r.subject_id) } ": " (report_label(&r.category)) } } }
            }
        }
        section aria-labelledby="alerts" {
            h2 #alerts { "Security alerts" }
            @if alerts.is_empty() { p { "None." } } @else {
                ul { @for a in &alerts { li { (time_el(a.at)) " " code { (a.kind) } } } }
            }
        }
        section aria-labelledby="convs" {
            h2 #convs { "Conversations" }
            @if conversations.is_empty() { p { "None." } } @else {
                table {
                    caption.vh { "Conversations, newest first" }
                    thead { tr { th scope="col" { "Conversation" } th scope="col" { "About" } th scope="col" { "Role" } th scope="col" { "Opened" } } }
                    tbody { @for c in &conversations { tr {
                        td { a href=(format!("/console/conversations/{}", encode_query(&c.id))) { (c.id) } }
                        td { @if let Some(o) = &c.order_id { "order " (o) } @else if let Some(l) = &c.listing_id { "listing " (l) } }
                        td { @if c.buyer_id == user.id { "buyer" } @else { "seller" } }
                        td { (time_el(c.created_at)) }
                    } } }
                }
            }
        }
    };
    Ok(Page::new(
        format!("User {}", user.display_name),
        viewer,
        Nav::None,
        body,
    ))
}
