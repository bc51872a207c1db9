//! `GET /console/queue`: the active cases, most urgent first (priority, then due time), with their queue, due
//! time and who holds them. "Take" locks a case to the viewer: with htmx the row is swapped in place, without it
//! the browser goes to the case.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use casework::{CaseFilter, CaseRecord};
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

use super::error::ConsoleError;
use super::layout::{Nav, Page, badge, time_el};
use super::session::{Posted, Viewer, encode_query};
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct Q {
    #[serde(default)]
    queue: String,
    #[serde(default)]
    mine: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<Q>,
) -> Result<Page, ConsoleError> {
    let now = state.now();
    let queue = q.queue.trim();
    let mine = q.mine.is_some();
    let cases = state
        .casework
        .queue(&CaseFilter {
            queue: (!queue.is_empty()).then(|| queue.to_string()),
            assignee: mine.then(|| viewer.account.username.clone()),
            ..CaseFilter::default()
        })
        .await?;
    let queues: Vec<String> = state
        .casework
        .policy()
        .queues
        .iter()
        .map(|q| q.name.clone())
        .collect();
    let body = html! {
        h1 { "Queue" }
        form.filter method="get" action="/console/queue" {
            label for="queue-filter" { "Queue" }
            select #queue-filter name="queue" {
                option value="" selected[queue.is_empty()] { "All queues" }
                @for name in &queues { option value=(name) selected[name == queue] { (name) } }
            }
            span.check {
                input #mine type="checkbox" name="mine" value="1" checked[mine];
                label for="mine" { "Only cases I hold" }
            }
            button type="submit" { "Show" }
        }
        @if cases.is_empty() {
            p role="status" { "No active cases here." }
        } @else {
            table #queue-table {
                caption { (cases.len()) " active " @if cases.len() == 1 { "case" } @else { "cases" } ", most urgent first" }
                thead { tr {
                    th scope="col" { "Priority" } th scope="col" { "Case" } th scope="col" { "Queue" }
                    th scope="col" { "About" } th scope="col" { "State" } th scope="col" { "Due" }
                    th scope="col" { "Held by" } th scope="col" { span.vh { "Action" } }
                } }
                tbody { @for c in &cases { (row(&viewer, c, now, None)) } }
            }
        }
    };
    Ok(Page::new("Queue", &viewer, Nav::Queue, body))
}

/// What a case is about, in a few words: its category or source, and its subject.
pub fn about(c: &CaseRecord) -> String {
    let what = match c.category {
        Some(cat) => cat.label().to_string(),
        None => c.source.as_str().replace('_', " "),
    };
    format!("{what} · {} {}", c.subject_type, short(&c.subject_id))
}

/// The last characters of a long id (UUIDs), enough to tell rows apart.
pub fn short(id: &str) -> &str {
    if id.len() > 12 {
        id.get(id.len() - 8..).unwrap_or(id)
    } else {
        id
    }
}

pub fn due(c: &CaseRecord, now: OffsetDateTime) -> Markup {
    let overdue = c.due_at <= now && c.state.is_active();
    html! {
        @if overdue { strong.overdue { "overdue " } }
        (time_el(c.due_at))
    }
}

fn row(viewer: &Viewer, c: &CaseRecord, now: OffsetDateTime, problem: Option<&str>) -> Markup {
    let href = format!("/console/cases/{}", encode_query(&c.id));
    let me = &viewer.account.username;
    let held_by_me = c.assignee.as_deref() == Some(me.as_str());
    html! {
        tr id=(format!("case-{}", c.id)) {
            td { (c.priority) }
            td { a href=(href) { "Case " (short(&c.id)) } }
            td { (c.queue) }
            td { (about(c)) }
            td { (badge(c.state)) }
            td { (due(c, now)) }
            td { @match &c.assignee { Some(a) if held_by_me => strong { "you" }, Some(a) => (a), None => "—" } }
            td {
                @if let Some(p) = problem { span.error role="alert" { (p) " " } }
                @if held_by_me {
                    a href=(href) { "Open" }
                } @else if c.assignee.is_none() {
                    form.inline method="post" action=(format!("{href}/take"))
                        hx-post=(format!("{href}/take")) hx-target="closest tr" hx-swap="outerHTML" {
                        (viewer.csrf_field())
                        button type="submit" aria-label=(format!("Take case {}", short(&c.id))) { "Take" }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

/// `POST /console/cases/{id}/take`: locks the case to the viewer. htmx gets the new row; a plain form goes to the
/// case page.
pub async fn take(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Posted { viewer, .. }: Posted<Empty>,
) -> Result<Response, ConsoleError> {
    let now = state.now();
    let htmx = headers.contains_key("hx-request");
    match state
        .casework
        .take(&id, &viewer.account.username, now)
        .await
    {
        Ok(c) if htmx => Ok(Page::fragment(row(&viewer, &c, now, None)).into_response()),
        Ok(c) => {
            Ok(Redirect::to(&format!("/console/cases/{}", encode_query(&c.id))).into_response())
        }
        Err(e) if htmx => {
            let e = ConsoleError::from(e);
            let c = state.casework.case(&id).await?;
            Ok(Page::fragment(row(&viewer, &c, now, Some(&e.message()))).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
