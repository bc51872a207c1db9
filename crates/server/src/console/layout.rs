//! The frame every console page shares (skip link, navigation, the signed-in user, logout) and [`Page`], the
//! response a handler returns: HTML with headers that keep it out of caches and frames.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::assets;
use super::session::Viewer;

/// Which navigation entry is the current page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Queue,
    Overview,
    Search,
    Audit,
    Admin,
    Account,
    None,
}

/// A whole HTML page (or, for htmx requests, a fragment) with its status.
pub struct Page {
    title: String,
    frame: Option<(Viewer, Nav)>,
    body: Markup,
    status: StatusCode,
    fragment: bool,
}

impl Page {
    /// A page inside the signed-in frame.
    pub fn new(title: impl Into<String>, viewer: &Viewer, nav: Nav, body: Markup) -> Page {
        Page {
            title: title.into(),
            frame: Some((viewer.clone(), nav)),
            body,
            status: StatusCode::OK,
            fragment: false,
        }
    }

    /// A page without navigation (login, errors).
    pub fn bare(title: impl Into<String>, body: Markup) -> Page {
        Page {
            title: title.into(),
            frame: None,
            body,
            status: StatusCode::OK,
            fragment: false,
        }
    }

    /// Only the markup, for an htmx swap.
    pub fn fragment(body: Markup) -> Page {
        Page {
            title: String::new(),
            frame: None,
            body,
            status: StatusCode::OK,
            fragment: true,
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Page {
        self.status = status;
        self
    }

    fn render(self) -> Markup {
        if self.fragment {
            return self.body;
        }
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false}"#;
                    title { (self.title) " · Marketguard console" }
                    link rel="stylesheet" href=(assets::css_href());
                    script src=(assets::htmx_href()) defer {}
                }
                body {
                    a.skip href="#main" { "Skip to content" }
                    @if let Some((viewer, nav)) = &self.frame {
                        (header(viewer, *nav))
                    }
                    main #main tabindex="-1" { (self.body) }
                }
            }
        }
    }
}

fn header(viewer: &Viewer, current: Nav) -> Markup {
    let item = |nav: Nav, href: &str, label: &str| {
        html! {
            li { a href=(href) aria-current=[(nav == current).then_some("page")] { (label) } }
        }
    };
    html! {
        header.top {
            a.brand href="/console" { "Marketguard" }
            // Until a forced password change is done, the other pages only send back to it.
            @if !viewer.account.must_change_password {
                nav aria-label="Console" {
                    ul {
                        (item(Nav::Queue, "/console/queue", "Queue"))
                        (item(Nav::Overview, "/console/overview", "Overview"))
                        (item(Nav::Search, "/console/search", "Search"))
                        (item(Nav::Audit, "/console/audit", "Audit log"))
                        @if viewer.is_admin() {
                            (item(Nav::Admin, "/console/admin", "Admin"))
                        }
                    }
                }
                form.search role="search" method="get" action="/console/search" {
                    label.vh for="top-q" { "Find a user, order or conversation id" }
                    input #top-q type="search" name="q" required autocomplete="off";
                    button type="submit" { "Find" }
                }
            }
            a.account href="/console/account/password" aria-current=[(current == Nav::Account).then_some("page")] { "Change password" }
            form.logout method="post" action="/console/logout" {
                (viewer.csrf_field())
                span { (viewer.account.display_name) " (" (viewer.account.role.as_str()) ")" }
                button type="submit" { "Sign out" }
            }
        }
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut res = (status, self.render().into_string()).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        res
    }
}

/// A time as investigators read it: `2025-03-04 14:05 UTC`.
pub fn when(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Strike points as people read them: one decimal, and never `-0.0` (points that decayed to nothing, or a sum
/// that rounds to zero from below, read `0.0`).
pub fn points(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    // `-0.0 == 0.0`, so this also turns a negative zero into a positive one.
    format!("{:.1}", if rounded == 0.0 { 0.0 } else { rounded })
}

/// A `<time>` element with the machine-readable value.
pub fn time_el(t: time::OffsetDateTime) -> Markup {
    html! { time datetime=(store::format_time(t)) { (when(t)) } }
}

/// A status word as a badge whose class colours it (`badge-restricted`, ...).
pub fn badge(word: impl AsRef<str>) -> Markup {
    let word = word.as_ref();
    let class = format!(
        "badge badge-{}",
        word.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
    );
    html! { span class=(class) { (word) } }
}

#[cfg(test)]
mod tests;
