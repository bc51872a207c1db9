//! `GET /console/cases/{id}`: one case: what it is about, its timeline of evidence (messages with highlighted
//! findings, reports, steps, notes, appeals), the parties' standing, notes, and, for the investigator who holds
//! it, the outcome form (and release/reject for a held message). Personal data stays masked until revealed
//! with a reason. Every change goes through `casework`, which writes the audit entries.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use casework::{CaseFile, HeldDecision, Outcome, Resolve};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::ConsoleError;
use super::layout::{Nav, Page, badge, time_el};
use super::mask::{self, Reveal};
use super::queue::{about, due, short};
use super::session::{Posted, Viewer, encode_query};
use super::users::{RevealForm, record_reveal, reveal_form};
use crate::AppState;

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Page, ConsoleError> {
    render(&state, &viewer, &id, Reveal::Masked, None).await
}

pub async fn reveal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<RevealForm>,
) -> Result<Page, ConsoleError> {
    state.casework.case(&id).await?;
    record_reveal(&state, &viewer, &format!("case:{id}"), &form.reason).await?;
    render(&state, &viewer, &id, Reveal::Shown, None).await
}

fn case_href(id: &str) -> String {
    format!("/console/cases/{}", encode_query(id))
}

fn user_link(id: &str) -> Markup {
    html! { a href=(format!("/console/users/{}", encode_query(id))) { (id) } }
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    reveal: Reveal,
    problem: Option<&str>,
) -> Result<Page, ConsoleError> {
    let now = state.now();
    let file = state.casework.case_file(id, now).await?;
    let c = &file.case;
    let me = viewer.account.username.as_str();
    let holds = c.assignee.as_deref() == Some(me);
    let active = c.state.is_active();
    let href = case_href(&c.id);
    let body = html! {
        h1 { "Case " (short(&c.id)) " " (badge(c.state)) }
        @if let Some(p) = problem { p.error role="alert" #case-problem { (p) } }
        dl.facts #case-facts {
            dt { "About" } dd { (about(c)) }
            dt { "Queue" } dd { (c.queue) " · priority " (c.priority) }
            dt { "Due" } dd { (due(c, now)) }
            dt { "Held by" } dd #case-holder { @match &c.assignee { Some(a) if a == me => "you", Some(a) => (a), None => "nobody" } }
            @if let Some(u) = &c.user_id { dt { "Reported user" } dd { (user_link(u)) } }
            @if let Some(conv) = &c.conversation_id {
                dt { "Conversation" } dd { a href=(format!("/console/conversations/{}", encode_query(conv))) { (conv) } }
            }
            @if let Some(o) = &file.order {
                dt { "Order" } dd { code { (o.id) } " · " (format!("{}.{:02} {}", o.amount_minor / 100, o.amount_minor % 100, o.currency)) " · " (o.status) " · ships to " (mask::address(&o.ship_to_address, reveal)) }
            }
            @if let (Some(outcome), Some(at)) = (&c.outcome, c.resolved_at) {
                dt { "Outcome" } dd #case-outcome { (badge(outcome)) " by " (c.resolved_by.as_deref().unwrap_or("")) " at " (time_el(at)) ": " (c.outcome_reason.as_deref().unwrap_or("")) }
            }
        }
        @if active {
            div.actions {
                @if c.assignee.is_none() || (!holds && c.state == casework::CaseState::Open) {
                    form.inline method="post" action=(format!("{href}/take")) {
                        (viewer.csrf_field())
                        button type="submit" #take { "Take this case" }
                    }
                } @else if holds {
                    form.inline method="post" action=(format!("{href}/release")) {
                        (viewer.csrf_field())
                        button.secondary type="submit" { "Give back to the queue" }
                    }
                }
            }
        }
        @if reveal == Reveal::Masked {
            (reveal_form(viewer, &format!("{href}/reveal"), "the personal data in this case"))
        } @else {
            p.note role="status" { "Personal data shown; this view was written to the audit log." }
        }
        div.columns {
            div {
                (held_message(&file, viewer, holds, reveal))
                section aria-labelledby="timeline-h" {
                    h2 #timeline-h { "Timeline" }
                    (timeline(&file, reveal))
                }
                section aria-labelledby="notes-h" {
                    h2 #notes-h { "Notes" }
                    @if file.notes.is_empty() { p { "No notes yet." } }
                    ul.notes { @for n in &file.notes { li { (time_el(n.created_at)) " · " strong { (n.author) } ": " (n.text) } } }
                    @if active {
                        form.stack method="post" action=(format!("{href}/note")) {
                            (viewer.csrf_field())
                            p { label for="note" { "Add a note (notes cannot be changed later)" }
                                textarea #note name="text" rows="3" required maxlength="4000" {} }
                            p { button type="submit" { "Add note" } }
                        }
                    }
                }
            }
            aside.panel aria-labelledby="decide-h" {
                h2 #decide-h { "Decide" }
                @if !active { p { "This case is resolved." } }
                @else if !holds { p { "Take the case to decide it." } }
                @else { (outcome_form(&file, viewer)) }
                h2 { "Parties" }
                @for p in &file.parties {
                    div.party {
                        h3 { (p.user.display_name) " " (badge(p.user.status)) }
                        p { (user_link(&p.user.id)) " · " (p.user.role) }
                        ul {
                            li { (super::layout::points(p.standing.strike_points)) " strike points now (" (p.strikes.len()) " strikes)" }
                            li { (p.standing.steps.len()) " enforcement steps" }
                            li { (p.reports_about.len()) " reports about them, " (p.reports_filed.len()) " filed by them" }
                            li { (p.cases.len()) " cases" }
                        }
                    }
                }
                h2 { "Reports" }
                @if file.reports.is_empty() { p { "None (the case comes from a " (c.source.as_str().replace('_', " ")) ")." } }
                ul { @for r in &file.reports { li {
                    (time_el(r.created_at)) " · " (user_link(&r.reporter_id)) ": "
                    (r.category.label())
                } } }
                h2 { "Phone-contact requests" }
                @if file.contact_requests.is_empty() { p { "None between these two users." } }
                ul { @for r in &file.contact_requests { li {
                    (time_el(r.created_at)) " · " (user_link(&r.seller_id)) " asked for a "
                    (r.channel) " contact on order " (r.order_id) " for " (r.purpose.as_str().replace('_', " ")) ": "
                    (badge(r.status))
                    blockquote.text { (r.justification) }
                } } }
            }
        }
    };
    Ok(Page::new(
        format!("Case {}", short(&c.id)),
        viewer,
        Nav::Queue,
        body,
    ))
}

fn held_message(file: &CaseFile, viewer: &Viewer, holds: bool, reveal: Reveal) -> Markup {
    let Some(m) = &file.message else {
        return html! {};
    };
    if m.action != domain::Action::Hold {
        return html! {};
    }
    let findings = file
        .conversation
        .as_ref()
        .and_then(|v| v.messages.iter().find(|x| x.record.id == m.id))
        .map(|x| x.findings.clone())
        .unwrap_or_default();
    html! {
        section.held aria-labelledby="held-h" {
            h2 #held-h { "Held message" }
            p { "From " (user_link(&m.sender_id)) " at " (time_el(m.created_at)) ", rule " code { (m.rule) } }
            blockquote.text { (mask::highlight(&m.original_text, &findings, reveal)) }
            @match &file.held_review {
                Some(r) => p { "Decided: " (badge(r.decision)) " by " (r.decided_by) },
                None if holds => p { "Release it (deliver it as written) or reject it (the recipient never sees it) with the outcome below." },
                None => p { "Awaiting a decision." },
            }
            @let _ = viewer;
        }
    }
}

fn timeline(file: &CaseFile, reveal: Reveal) -> Markup {
    let messages: HashMap<&str, &messaging::InvestigatorMessage> = file
        .conversation
        .iter()
        .flat_map(|v| v.messages.iter())
        .map(|m| (m.record.id.as_str(), m))
        .collect();
    html! {
        ol.timeline #timeline {
            @for e in &file.timeline {
                @let msg = (e.kind == "message").then(|| messages.get(e.id.as_str())).flatten();
                @let class = if msg.is_some_and(|m| !m.findings.is_empty()) { "finding".to_string() } else { format!("t-{}", e.kind) };
                li class=(class) id=(format!("t-{}", e.id)) {
                    p.meta { (time_el(e.at)) " · " (e.kind) " · " (e.who) }
                    @if let Some(m) = msg {
                        blockquote.text { (mask::highlight(&m.record.original_text, &m.findings, reveal)) }
                        p.meta { (badge(m.record.action)) " · rule " code { (m.record.rule) }
                            @for f in &m.findings { " · " code { (f.category) } } }
                    } @else {
                        p { (e.summary) }
                    }
                }
            }
        }
    }
}

fn outcome_form(file: &CaseFile, viewer: &Viewer) -> Markup {
    let c = &file.case;
    let is_held = c.source == casework::SourceKind::HeldMessage;
    let outcomes: &[(Outcome, &str)] = &[
        (Outcome::Dismiss, "Dismiss: no breach"),
        (Outcome::Warn, "Warn the user"),
        (Outcome::Restrict, "Restrict messaging"),
        (Outcome::Suspend, "Suspend the account"),
        (Outcome::Remove, "Remove the account"),
        (Outcome::Reinstate, "Reinstate: reverse the steps in force"),
    ];
    html! {
        form.stack #outcome-form method="post" action=(format!("{}/resolve", case_href(&c.id))) {
            (viewer.csrf_field())
            fieldset {
                legend { "Outcome" }
                @for (o, label) in outcomes {
                    p.check {
                        input type="radio" name="outcome" id=(format!("outcome-{}", o.as_str())) value=(o.as_str()) required;
                        label for=(format!("outcome-{}", o.as_str())) { (label) }
                    }
                }
            }
            @if is_held {
                fieldset {
                    legend { "The held message" }
                    p.check { input #held-release type="radio" name="held" value="release" required; label for="held-release" { "Release: deliver it" } }
                    p.check { input #held-reject type="radio" name="held" value="reject"; label for="held-reject" { "Reject: never deliver it" } }
                }
            }
            p { label for="reason" { "Reason (the user and the audit log see it)" }
                textarea #reason name="reason" rows="3" required maxlength="4000" {} }
            p { button type="submit" #resolve { "Resolve the case" } }
        }
        form.stack method="post" action=(format!("{}/wait", case_href(&c.id))) {
            (viewer.csrf_field())
            p { label for="wait-reason" { "Waiting for someone? Why" }
                input #wait-reason name="reason" type="text" required maxlength="4000"; }
            p { button.secondary type="submit" { "Mark as waiting" } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

#[derive(Debug, Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
}

#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    held: Option<String>,
    #[serde(default)]
    reason: String,
}

fn back(id: &str) -> Response {
    Redirect::to(&case_href(id)).into_response()
}

pub async fn release(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, .. }: Posted<Empty>,
) -> Result<Response, ConsoleError> {
    state
        .casework
        .release(&id, &viewer.account.username, state.now())
        .await?;
    Ok(Redirect::to("/console/queue").into_response())
}

pub async fn note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<TextForm>,
) -> Result<Response, ConsoleError> {
    state
        .casework
        .note(&id, &viewer.account.username, &form.text, state.now())
        .await?;
    Ok(back(&id))
}

pub async fn wait(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<ReasonForm>,
) -> Result<Response, ConsoleError> {
    state
        .casework
        .wait(&id, &viewer.account.username, &form.reason, state.now())
        .await?;
    Ok(back(&id))
}

pub async fn resolve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<ResolveForm>,
) -> Result<Response, ConsoleError> {
    let outcome = Outcome::parse(&form.outcome)
        .ok_or_else(|| ConsoleError::Invalid("Choose an outcome.".into()))?;
    let held = match form.held.as_deref() {
        None | Some("") => None,
        Some("release") => Some(HeldDecision::Release),
        Some("reject") => Some(HeldDecision::Reject),
        Some(_) => return Err(ConsoleError::Invalid("Choose release or reject.".into())),
    };
    let r = state
        .casework
        .resolve(
            &id,
            &viewer.account.username,
            &Resolve {
                outcome,
                reason: &form.reason,
                held,
            },
            state.now(),
        )
        .await;
    match r {
        Ok(_) => Ok(back(&id)),
        Err(e) => {
            let e = ConsoleError::from(e);
            match e {
                ConsoleError::Invalid(m) | ConsoleError::Conflict(m) => {
                    Ok(render(&state, &viewer, &id, Reveal::Masked, Some(&m))
                        .await?
                        .with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY)
                        .into_response())
                }
                other => Err(other),
            }
        }
    }
}
