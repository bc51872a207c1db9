//! `GET /console/search?q=ID`: finds a user, an order or a conversation by its id. One exact match goes
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
            label for="q" { "User, order or conversation id" }
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
    if let Some(u) = store.user(q).await? {
        hits.push(Hit {
            kind: "user",
            href: format!("/console/users/{}", encode_query(&u.id)),
            note: format!("{} · {}", u.display_name, u.status),
            id: u.id,
        });
    }
    if let Some(o) = store.order(q).await? {
        let conversation = store
            .conversation_by_subject(&format!("order:{}", o.id))
            .await?;
        let href = match &conversation {
            Some(c) => format!("/console/conversations/{}", encode_query(&c.id)),
            None => format!("/console/users/{}", encode_query(&o.buyer_id)),
        };
        hits.push(Hit {
            kind: "order",
            note: match conversation {
                Some(_) => format!("{} · its conversation", o.status),
                None => format!("{} · no conversation; the buyer's page", o.status),
            },
            href,
            id: o.id,
        });
    }
    if let Some(c) = store.conversation(q).await? {
        hits.push(Hit {
            kind: "conversation",
            href: format!("/console/conversations/{}", encode_query(&c.id)),
            note: format!("buyer {} · seller {}", c.buyer_id, c.seller_id),
            id: c.id,
        });
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
    if let [only] = hits.as_slice() {
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
                                tr { td { (h.kind) } td { a href=(h.href) { (h.id) } } td { (h.note) } }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}
