//! `GET /console/conversations/{id}`: the conversation as an investigator sees it: both parties, the order, every
//! message with its decision, rule and highlighted findings. Data in findings (phone numbers, emails, handles,
//! payment details, links) and the shipping address stay masked until `POST .../reveal` with a reason.

use axum::extract::{Path, State};
use maud::html;

use super::error::ConsoleError;
use super::layout::{Nav, Page, badge, time_el};
use super::mask::{self, Reveal};
use super::session::{Posted, Viewer, encode_query};
use super::users::{RevealForm, record_reveal, reveal_form};
use crate::AppState;

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Page, ConsoleError> {
    render(&state, &viewer, &id, Reveal::Masked).await
}

pub async fn reveal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<RevealForm>,
) -> Result<Page, ConsoleError> {
    if state.store.conversation(&id).await?.is_none() {
        return Err(ConsoleError::NotFound(format!(
            "There is no conversation `{id}`."
        )));
    }
    record_reveal(&state, &viewer, &format!("conversation:{id}"), &form.reason).await?;
    render(&state, &viewer, &id, Reveal::Shown).await
}

fn user_link(id: &str, name: &str) -> maud::Markup {
    html! { a href=(format!("/console/users/{}", encode_query(id))) { (name) } }
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    reveal: Reveal,
) -> Result<Page, ConsoleError> {
    let view = state
        .messaging
        .view_as_investigator(id, None, messaging::MAX_PAGE)
        .await?;
    let order = match &view.conversation.order_id {
        Some(o) => state.store.order(o).await?,
        None => None,
    };
    let c = &view.conversation;
    let name_of = |sender: &str| {
        if sender == view.buyer.user_id {
            format!("{} (buyer)", view.buyer.display_name)
        } else {
            format!("{} (seller)", view.seller.display_name)
        }
    };
    let has_data = order.is_some() || view.messages.iter().any(|m| !m.findings.is_empty());
    let body = html! {
        h1 { "Conversation " code { (c.id) } }
        dl.facts {
            dt { "Buyer" } dd { (user_link(&view.buyer.user_id, &view.buyer.display_name)) " " (badge(view.buyer.status)) " · alias " (view.buyer.alias) }
            dt { "Seller" } dd { (user_link(&view.seller.user_id, &view.seller.display_name)) " " (badge(view.seller.status)) " · alias " (view.seller.alias) }
            dt { "Opened" } dd { (time_el(c.created_at)) }
            @if let Some(o) = &order {
                dt { "Order" } dd { code { (o.id) } " · " (format!("{}.{:02} {}", o.amount_minor / 100, o.amount_minor % 100, o.currency)) " · " (o.status) }
                dt { "Ships to" } dd { (mask::address(&o.ship_to_address, reveal)) }
            } @else if let Some(l) = &c.listing_id {
                dt { "Listing" } dd { code { (l) } }
            }
        }
        @if reveal == Reveal::Masked && has_data {
            (reveal_form(viewer, &format!("/console/conversations/{}/reveal", encode_query(id)), "the personal data in this conversation"))
        } @else if reveal == Reveal::Shown {
            p.note role="status" { "Personal data shown; this view was written to the audit log." }
        }
        h2 { "Messages" }
        @if view.messages.is_empty() { p { "No messages." } }
        ol.messages {
            @for m in &view.messages {
                li.message id=(format!("m-{}", m.record.id)) {
                    p.meta {
                        strong { (name_of(&m.record.sender_id)) } " · " (time_el(m.record.created_at)) " · "
                        (badge(m.record.action)) " · rule " code { (m.record.rule) } " · policy " (m.record.policy_version)
                    }
                    blockquote.text { (mask::highlight(&m.record.original_text, &m.findings, reveal)) }
                    @if !m.findings.is_empty() {
                        ul.findings aria-label="Findings" {
                            @for f in &m.findings {
                                li { code { (f.category) } " — " (f.explanation) }
                            }
                        }
                    }
                    @match &m.record.delivered_text {
                        Some(d) if d != &m.record.original_text => p.delivered { "Delivered as: " q { (d) } },
                        Some(_) => {},
                        None => p.delivered { "Not delivered." },
                    }
                }
            }
        }
    };
    Ok(Page::new(
        format!("Conversation {id}"),
        viewer,
        Nav::None,
        body,
    ))
}
