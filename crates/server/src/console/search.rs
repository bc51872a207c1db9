//! `GET /console/search?q=ID`: finds a user, an order, a conversation, a message or a case by its id. One exact match goes
//! straight to its page; otherwise the page lists what was found (or says nothing was).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::ConsoleError;
use super::layout::{Nav, Page};
use super::session::{Viewer, encode_query};
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct Q {
    #[serde(default)]
    q: String,
}

pub fn form(value: &str) -> Markup {
    html! {
        form.find role="search" method="get" action="/console/search" {
            label for="q" { "User, order, conversation, message or case id" }
            input #q type="search" name="q" value=(value) required autocomplete="off";
            button type="submit" { "Find" }
        }
    }
}

/// One thing the search found: what it is and where its page is.
struct Hit {
    kind: &'static str,
    id: String,
    href: String,
    note: String,
}

async fn find(state: &AppState, q: &str) -> Result<Vec<Hit>, ConsoleError> {
    let store = &state.store;
    let mut hits = Vec::new();
    for (kind, id) in state.casework.search(q).await? {
        let hit = match kind {
            "user" => {
                let note = match store.user(&id).await? {
                    Some(u) => format!("{} · {}", u.display_name, u.status),
                    None => String::new(),
                };
                Hit {
                    kind: "user",
                    href: format!("/console/users/{}", encode_query(&id)),
                    note,
                    id,
                }
            }
            "order" => {
                let conversation = store
                    .conversation_by_subject(&format!("order:{id}"))
                    .await?;
                let order = store.order(&id).await?;
                let (href, note) = match (&conversation, &order) {
                    (Some(c), Some(o)) => (
                        format!("/console/conversations/{}", encode_query(&c.id)),
                        format!("{} · its conversation", o.status),
                    ),
                    (None, Some(o)) => (
                        format!("/console/users/{}", encode_query(&o.buyer_id)),
                        format!("{} · no conversation; the buyer's page", o.status),
                    ),
                    _ => continue,
                };
                Hit {
                    kind: "order",
                    href,
                    note,
                    id,
                }
            }
            "conversation" => Hit {
                kind: "conversation",
                href: format!("/console/conversations/{}", encode_query(&id)),
                note: String::new(),
                id,
            },
            // A message id finds its conversation.
            "message" => Hit {
                kind: "message",
                href: format!(
                    "/console/conversations/{}#m-{}",
                    encode_query(&id),
                    encode_query(q)
                ),
                note: format!("in conversation {id}"),
                id: q.to_string(),
            },
            "case" => {
                let c = state.casework.case(&id).await?;
                Hit {
                    kind: "case",
                    href: format!("/console/cases/{}", encode_query(&id)),
                    note: format!("{} · {}", super::queue::about(&c), c.state),
                    id,
                }
            }
            other => Hit {
                kind: "listing",
                href: String::new(),
                note: format!("a {other}; no page of its own"),
                id,
            },
        };
        hits.push(hit);
    }
    Ok(hits)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(Q { q }): Query<Q>,
) -> Result<Response, ConsoleError> {
    let q = q.trim();
    let hits = if q.is_empty() {
        Vec::new()
    } else {
        find(&state, q).await?
    };
    if let [only] = hits.as_slice()
        && !only.href.is_empty()
    {
        return Ok(Redirect::to(&only.href).into_response());
    }
    Ok(Page::new(
        "Search",
        &viewer,
        Nav::Search,
        html! {
            h1 { "Search" }
            (form(q))
            @if !q.is_empty() {
                @if hits.is_empty() {
                    p role="status" { "Nothing has the id " code { (q) } "." }
                } @else {
                    table {
                        caption { "Found " (hits.len()) " for " code { (q) } }
                        thead { tr { th scope="col" { "Kind" } th scope="col" { "Id" } th scope="col" { "About" } } }
                        tbody {
                            @for h in &hits {
                                tr { td { (h.kind) } td { @if h.href.is_empty() { (h.id) } @else { a href=(h.href) { (h.id) } } } td { (h.note) } }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}
