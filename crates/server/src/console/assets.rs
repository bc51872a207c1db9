//! The console's two static files, compiled into the binary: htmx (vendored from the npm package `htmx.org`,
//! see `assets/htmx-LICENSE`) and the stylesheet. Links carry a hash of the content, so they can be cached for
//! a year and a new build is fetched at once.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const HTMX: &str = include_str!("../../assets/htmx-2.0.11.min.js");
const HTMX_FILE: &str = "htmx-2.0.11.min.js";
const CSS: &str = include_str!("../../assets/console.css");
const CSS_FILE: &str = "console.css";

static CSS_HREF: LazyLock<String> = LazyLock::new(|| {
    let h = hex::encode(Sha256::digest(CSS.as_bytes()));
    format!("/console/assets/{CSS_FILE}?v={}", h.get(..12).unwrap_or(""))
});

pub fn css_href() -> &'static str {
    &CSS_HREF
}

pub fn htmx_href() -> String {
    format!("/console/assets/{HTMX_FILE}")
}

/// `GET /console/assets/{file}`: no session needed (nothing in them is private).
pub async fn serve(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        HTMX_FILE => (HTMX, "text/javascript; charset=utf-8"),
        CSS_FILE => (CSS, "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}
