//! `GET /console/conversations/{id}`: the conversation as an investigator sees it: both parties, the order, every
//! message with its decision, rule and highlighted findings. Data in findings (phone numbers, emails, handles,
//! payment details, links) and the shipping address stay masked until `POST .../reveal` with a reason. Each finding
//! names the learned model behind it (if any) and can be marked wrong; a message can be marked as a violation
//! screening missed (`POST .../verdicts`, the same verdicts as `POST /v1/messages/{id}/verdicts`).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use casework::verdicts::Verdict;
use domain::VerdictKind;
use maud::html;
use serde::Deserialize;

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

/// A verdict from the conversation page.
#[derive(Debug, Deserialize)]
pub struct VerdictForm {
    message_id: String,
    kind: String,
    category: String,
    #[serde(default)]
    note: String,
}

pub async fn verdict(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<VerdictForm>,
) -> Result<Response, ConsoleError> {
    let kind = VerdictKind::parse(&form.kind)
        .ok_or_else(|| ConsoleError::Invalid(format!("`{}` is not a verdict.", form.kind)))?;
    let category = screen::Category::parse(&form.category)
        .map_err(|e| ConsoleError::Invalid(e.to_string()))?;
    let message = state.store.message(&form.message_id).await?;
    if message.is_none_or(|m| m.conversation_id != id) {
        return Err(ConsoleError::NotFound(format!(
            "Conversation `{id}` has no message `{}`.",
            form.message_id
        )));
    }
    state
        .casework
        .record_verdict(
            Verdict {
                message_id: &form.message_id,
                kind,
                category,
                investigator: &viewer.account.username,
                note: &form.note,
            },
            state.now(),
        )
        .await?;
    let to = format!(
        "/console/conversations/{}#m-{}",
        encode_query(&id),
        encode_query(&form.message_id)
    );
    Ok(Redirect::to(&to).into_response())
}

/// The form that records one verdict on a message; `category` is fixed for a finding, chosen for a violation.
fn verdict_form(
    viewer: &Viewer,
    conversation: &str,
    message: &str,
    kind: VerdictKind,
    category: Option<&str>,
) -> maud::Markup {
    html! {
        form.verdict method="post" action=(format!("/console/conversations/{}/verdicts", encode_query(conversation))) {
            (viewer.csrf_field())
            input type="hidden" name="message_id" value=(message);
            input type="hidden" name="kind" value=(kind.as_str());
            @match category {
                Some(c) => {
                    input type="hidden" name="category" value=(c);
                    button type="submit" { "Mark wrong" }
                }
                None => {
                    label { "Missed violation: "
                        select name="category" {
                            @for c in screen::Category::ALL { option value=(c.as_str()) { (c.as_str()) } }
                        }
                    }
                    " "
                    button type="submit" { "Mark as violation" }
                }
            }
        }
    }
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
    let mut verdicts_of = std::collections::HashMap::new();
    for m in &view.messages {
        verdicts_of.insert(
            m.record.id.clone(),
            state.store.verdicts_of_message(&m.record.id).await?,
        );
    }
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
                    @let verdicts = verdicts_of.get(&m.record.id).map(Vec::as_slice).unwrap_or_default();
                    @if !m.findings.is_empty() {
                        ul.findings aria-label="Findings" {
                            @for f in &m.findings {
                                li {
                                    code { (f.category) } " — " (f.explanation) " · rule " code { (f.rule) }
                                    @if let Some(model) = &f.model { " · model " code.model { (model) } }
                                    @if verdicts.iter().any(|v| v.kind == VerdictKind::FindingWrong && v.category == f.category) {
                                        " · " strong.verdict { "marked wrong" }
                                    } @else {
                                        " " (verdict_form(viewer, id, &m.record.id, VerdictKind::FindingWrong, Some(&f.category)))
                                    }
                                }
                            }
                        }
                    }
                    @for v in verdicts.iter().filter(|v| v.kind == VerdictKind::Violation) {
                        p.verdict { "Marked as a missed " code { (v.category) } " violation by " (v.investigator) }
                    }
                    (verdict_form(viewer, id, &m.record.id, VerdictKind::Violation, None))
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
