pub mod cases;
pub mod contact;
pub mod conversations;
pub mod enforcement;
pub mod health;
pub mod parties;
pub mod policy;
pub mod relay;
pub mod screen;
pub mod security;
pub mod verdicts;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// Every JSON API route, each registered with its OpenAPI description (so the document cannot miss one). The
/// modules with several routes of their own (`security`, `cases`, `contact` with `relay`) list them in their
/// `router()`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(screen::screen))
        .merge(security::router())
        .routes(routes!(parties::put_user))
        .routes(routes!(parties::put_listing))
        .routes(routes!(parties::put_order))
        .routes(routes!(conversations::open_conversation))
        .routes(routes!(
            conversations::send_message,
            conversations::read_messages
        ))
        .routes(routes!(enforcement::reverse_step))
        .routes(routes!(enforcement::file_appeal))
        .routes(routes!(enforcement::standing))
        .routes(routes!(policy::reload_policy))
        .merge(cases::router())
        .routes(routes!(verdicts::record_verdict))
        .routes(routes!(verdicts::list_verdicts))
        .merge(contact::router())
}
