//! `GET /console/overview?days=N`: reports and actions per day by category (inline SVG bars, with the numbers
//! as tables), median time to first action and to resolution, and active cases per queue.

use axum::extract::{Query, State};
use casework::DayCount;
use maud::html;
use serde::Deserialize;

use super::chart::{self, Bar};
use super::error::ConsoleError;
use super::layout::{Nav, Page};
use super::session::Viewer;
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct Q {
    days: Option<u16>,
}

/// Days by key: the keys seen (sorted) and one bar per day.
fn bars(days: &[String], counts: &[DayCount]) -> (Vec<String>, Vec<Bar>) {
    let mut keys: Vec<String> = counts.iter().map(|c| c.key.clone()).collect();
    keys.sort();
    keys.dedup();
    let bars = days
        .iter()
        .map(|d| Bar {
            label: d.clone(),
            counts: keys
                .iter()
                .map(|k| {
                    counts
                        .iter()
                        .filter(|c| &c.day == d && &c.key == k)
                        .map(|c| c.count)
                        .sum()
                })
                .collect(),
        })
        .collect();
    (keys, bars)
}

fn duration(d: Option<time::Duration>) -> String {
    match d {
        None => "—".into(),
        Some(d) if d.whole_minutes() < 120 => format!("{} min", d.whole_minutes()),
        Some(d) if d.whole_hours() < 48 => format!("{:.1} h", d.as_seconds_f64() / 3600.0),
        Some(d) => format!("{:.1} days", d.as_seconds_f64() / 86400.0),
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<Q>,
) -> Result<Page, ConsoleError> {
    let days = q.days.unwrap_or(14).clamp(1, 90);
    let o = state.casework.overview(state.now(), days).await?;
    let (report_keys, report_bars) = bars(&o.days, &o.reports);
    let report_labels: Vec<String> = report_keys
        .iter()
        .map(|k| casework::ReportCategory::parse(k).map_or(k.clone(), |c| c.label().to_string()))
        .collect();
    let (action_keys, action_bars) = bars(&o.days, &o.actions);
    let total_reports: u64 = o.reports.iter().map(|c| c.count).sum();
    let total_actions: u64 = o.actions.iter().map(|c| c.count).sum();
    let open: u64 = o.open_by_queue.iter().map(|(_, n)| n).sum();
    let body = html! {
        h1 { "Overview" }
        form.filter method="get" action="/console/overview" {
            label for="days" { "Days" }
            select #days name="days" {
                @for d in [7u16, 14, 30, 90] { option value=(d) selected[d == days] { (d) } }
            }
            button type="submit" { "Show" }
        }
        ul.stats {
            li { strong { (total_reports) } "reports in " (days) " days" }
            li { strong { (total_actions) } "cases resolved" }
            li { strong { (open) } "active cases" }
        }
        section aria-labelledby="reports-h" {
            h2 #reports-h { "Reports per day, by category" }
            (chart::stacked_bars("chart-reports", "Reports per day by category", &report_labels, &report_bars))
            details { summary { "The numbers" } (chart::table("Reports per day", &report_labels, &report_bars)) }
        }
        section aria-labelledby="actions-h" {
            h2 #actions-h { "Actions per day, by outcome" }
            (chart::stacked_bars("chart-actions", "Cases resolved per day by outcome", &action_keys, &action_bars))
            details { summary { "The numbers" } (chart::table("Cases resolved per day", &action_keys, &action_bars)) }
        }
        section aria-labelledby="tta-h" {
            h2 #tta-h { "Time to action" }
            @if o.time_to_action.is_empty() { p { "No case was resolved in this period." } } @else {
                table #time-to-action {
                    caption.vh { "Median time from a case opening to its first action and to its resolution" }
                    thead { tr { th scope="col" { "Category" } th scope="col" { "Cases" }
                        th scope="col" { "Median to first action" } th scope="col" { "Median to resolution" } } }
                    tbody { @for t in &o.time_to_action { tr {
                        th scope="row" { (casework::ReportCategory::parse(&t.key).map_or(t.key.replace('_', " "), |c| c.label().to_string())) }
                        td { (t.cases) }
                        td { (duration(t.median_to_first_action)) }
                        td { (duration(t.median_to_resolution)) }
                    } } }
                }
            }
        }
        section aria-labelledby="queues-h" {
            h2 #queues-h { "Active cases per queue" }
            ul { @for (q, n) in &o.open_by_queue { li { a href=(format!("/console/queue?queue={}", super::session::encode_query(q))) { (q) } ": " (n) } } }
        }
    };
    Ok(Page::new("Overview", &viewer, Nav::Overview, body))
}
