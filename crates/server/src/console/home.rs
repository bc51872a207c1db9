//! `GET /console`: where an investigator starts.

use maud::html;

use super::layout::{Nav, Page};
use super::session::Viewer;

pub async fn page(viewer: Viewer) -> Page {
    Page::new(
        "Home",
        &viewer,
        Nav::Home,
        html! {
            h1 { "Welcome, " (viewer.account.display_name) }
            section aria-labelledby="find" {
                h2 #find { "Find" }
                (super::search::form(""))
            }
            section aria-labelledby="go" {
                h2 #go { "Go to" }
                ul {
                    li { a href="/console/audit" { "The audit log" } " and whether its chain is intact" }
                    @if viewer.is_admin() {
                        li { a href="/console/admin" { "Admin" } ": console accounts and API keys" }
                    }
                }
            }
        },
    )
}
