//! `GET /console`: the queue is where an investigator starts.

use axum::response::Redirect;

use super::session::Viewer;

pub async fn page(_viewer: Viewer) -> Redirect {
    Redirect::to("/console/queue")
}
