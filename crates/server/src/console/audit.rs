//! `GET /console/audit`: the audit log, newest first, with the result of checking its hash chain.
//! `?subject=user:ID` narrows it to one subject; `?before=SEQ` pages back.

use axum::extract::{Query, State};
use maud::html;
use serde::Deserialize;

use super::error::ConsoleError;
use super::layout::{Nav, Page};
use super::session::{Viewer, encode_query};
use crate::AppState;

const PAGE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct Q {
    before: Option<i64>,
    #[serde(default)]
    subject: String,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<Q>,
) -> Result<Page, ConsoleError> {
    let subject = q.subject.trim();
    let subject = (!subject.is_empty()).then_some(subject);
    let report = state.store.verify_audit_chain().await?;
    let events = state
        .store
        .recent_audit_events(q.before, subject, PAGE)
        .await?;
    let older = events
        .last()
        .filter(|_| events.len() as i64 == PAGE)
        .map(|e| {
            let mut href = format!("/console/audit?before={}", e.seq);
            if let Some(s) = subject {
                href.push_str(&format!("&subject={}", encode_query(s)));
            }
            href
        });
    Ok(Page::new(
        "Audit log",
        &viewer,
        Nav::Audit,
        html! {
            h1 { "Audit log" }
            @match &report.first_bad {
                None => p.status-ok #chain role="status" {
                    "Chain intact: all " (report.entries) " entries verified."
                },
                Some((seq, why)) => p.status-bad #chain role="alert" {
                    "Chain BROKEN at entry " (seq) ": " (why) " (" (report.entries) " entries before it verified)."
                },
            }
            form.filter method="get" action="/console/audit" {
                label for="subject" { "Subject" }
                input #subject name="subject" type="text" value=(subject.unwrap_or("")) placeholder="user:u-123";
                button type="submit" { "Filter" }
                @if subject.is_some() { " " a href="/console/audit" { "Show all" } }
            }
            table.audit {
                caption { @if let Some(s) = subject { "Entries about " code { (s) } } @else { "Newest entries first" } }
                thead { tr {
                    th scope="col" { "#" } th scope="col" { "Time (UTC)" } th scope="col" { "Actor" }
                    th scope="col" { "Action" } th scope="col" { "Subject" } th scope="col" { "Details" }
                } }
                tbody {
                    @for e in &events {
                        tr {
                            td { (e.seq) }
                            td { time datetime=(e.at) { (e.at.get(..19).unwrap_or(&e.at).replace('T', " ")) } }
                            td { (e.actor) }
                            td { code { (e.action) } }
                            td { a href=(format!("/console/audit?subject={}", encode_query(&e.subject))) { (e.subject) } }
                            td { code.details { (e.details) } }
                        }
                    }
                }
            }
            @if events.is_empty() { p { "No entries." } }
            @if let Some(href) = older { p { a href=(href) { "Older entries" } } }
        },
    ))
}
