//! Account security routes: password checks, login events, TOTP, step-up, payout accounts, the message centre,
//! and "is this really from us?" (as JSON and as a public page). JSON routes need the `security` scope.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::Scope;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::ApiPath;
use crate::json::ApiJson;
use crate::security::{
    self as svc, LoginOutcome, NotificationCheck, PayoutHold, SecondFactorCheck, StepUpAnswer,
    TotpEnrolment,
};

/// The security routes, for `api_router`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_password))
        .routes(routes!(login_event))
        .routes(routes!(enrol_totp))
        .routes(routes!(verify_totp))
        .routes(routes!(step_up_check))
        .routes(routes!(put_payout_account))
        .routes(routes!(payout_hold))
        .routes(routes!(list_notifications))
        .routes(routes!(verify_notification))
        .route(
            "/verify",
            axum::routing::get(verify_page).post(verify_page_submit),
        )
}

fn user_id_ok(id: &str) -> Result<(), ApiError> {
    if id.trim().is_empty() || id.chars().count() > 200 {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "`user_id` must have 1 to 200 characters",
        ));
    }
    Ok(())
}

fn required(name: &str, v: &str, max: usize) -> Result<(), ApiError> {
    if v.trim().is_empty() || v.chars().count() > max {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!("`{name}` must have 1 to {max} characters"),
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordCheckRequest {
    pub password: String,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// True when the account has a second factor (the minimum length drops from 15 to 8).
    #[serde(default)]
    pub second_factor: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RejectionOut {
    /// `too_short`, `too_long`, `blocklisted`, `contains_personal_info`, `dictionary_word`, `too_guessable`.
    pub code: String,
    pub message: String,
    pub advice: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordCheckResponse {
    pub accepted: bool,
    pub reasons: Vec<RejectionOut>,
}

/// Checks a candidate password against the policy (NIST SP 800-63B rev. 4): length 15 alone or 8 with a second
/// factor, blocklist of common and breached passwords, guessability, the user's own data. Needs `security`.
#[utoipa::path(
    post, path = "/v1/passwords/check", tag = "security", request_body = PasswordCheckRequest,
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = PasswordCheckResponse),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn check_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PasswordCheckRequest>,
) -> Result<Json<PasswordCheckResponse>, ApiError> {
    caller.require(Scope::Security)?;
    let r = svc::check_password(
        &state.config.security,
        &req.password,
        req.user_id.as_deref(),
        req.email.as_deref(),
        req.name.as_deref(),
        req.second_factor,
    );
    Ok(Json(PasswordCheckResponse {
        accepted: r.accepted,
        reasons: r
            .reasons
            .into_iter()
            .map(|x| RejectionOut {
                code: x.code.to_string(),
                message: x.message,
                advice: x.advice,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginEventRequest {
    pub user_id: String,
    /// Whether the password was right.
    pub success: bool,
    pub ip: String,
    /// ISO 3166-1 alpha-2, e.g. `FR`.
    pub country: String,
    pub device_id: String,
    #[serde(default)]
    pub user_agent: String,
    /// The user's current email, where security alerts go.
    pub email: Option<String>,
}

/// Reports a login attempt; answers `allow`, `challenge` (require the second factor: new device, new country,
/// impossible travel, too many failures) or `deny` (failed, or throttled: see `retry_after_secs`). Risky logins
/// raise an alert to the user by email and in the message centre. Needs `security`.
#[utoipa::path(
    post, path = "/v1/events/login", tag = "security", request_body = LoginEventRequest,
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = LoginOutcome),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
        (status = 503, description = "`database_unavailable`", body = ErrorBody),
    )
)]
pub async fn login_event(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<LoginEventRequest>,
) -> Result<Json<LoginOutcome>, ApiError> {
    caller.require(Scope::Security)?;
    user_id_ok(&req.user_id)?;
    required("ip", &req.ip, 64)?;
    required("device_id", &req.device_id, 200)?;
    if req.country.len() != 2 || !req.country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "`country` must be an ISO 3166-1 alpha-2 code such as `FR`",
        ));
    }
    let out = svc::report_login(
        &state.store,
        &state.config.security,
        &svc::LoginReport {
            user_id: &req.user_id,
            success: req.success,
            ip: &req.ip,
            country: &req.country,
            device_id: &req.device_id,
            user_agent: &req.user_agent,
            email: req.email.as_deref(),
        },
        state.now(),
    )
    .await?;
    Ok(Json(out))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpEnrolRequest {
    /// The name the authenticator app shows (e.g. the user's email); the user id when absent.
    pub account_label: Option<String>,
}

/// Enrols a TOTP second factor (replacing any earlier one): the secret, an otpauth URI and single-use recovery
/// codes, all shown this once. Needs `security` and `security.encryption_key`.
#[utoipa::path(
    post, path = "/v1/users/{user_id}/totp", tag = "security", request_body = TotpEnrolRequest,
    params(("user_id" = String, Path, description = "the marketplace's user id")),
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = TotpEnrolment),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: no user with this id (register it with `PUT /v1/users/{user_id}`)", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
        (status = 503, description = "`not_configured`, `database_unavailable`", body = ErrorBody),
    )
)]
pub async fn enrol_totp(
    State(state): State<AppState>,
    ApiPath(user_id): ApiPath<String>,
    caller: Caller,
    ApiJson(req): ApiJson<TotpEnrolRequest>,
) -> Result<Json<TotpEnrolment>, ApiError> {
    caller.require(Scope::Security)?;
    user_id_ok(&user_id)?;
    let e = svc::enrol_totp(
        &state.store,
        &state.config.security,
        &user_id,
        req.account_label.as_deref(),
        state.now(),
    )
    .await?;
    Ok(Json(e))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpVerifyRequest {
    /// A 6-digit TOTP code, or a recovery code `XXXX-XXXX-XXXX-XXXX`.
    pub code: String,
}

/// Verifies a second-factor code: the current or previous TOTP step, never the same code twice; or a recovery
/// code, once. Success makes step-up fresh and confirms a challenged login's device and country. Needs
/// `security`.
#[utoipa::path(
    post, path = "/v1/users/{user_id}/totp/verify", tag = "security", request_body = TotpVerifyRequest,
    params(("user_id" = String, Path, description = "the marketplace's user id")),
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = SecondFactorCheck),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`: the user has no second factor", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
        (status = 503, description = "`not_configured`, `database_unavailable`", body = ErrorBody),
    )
)]
pub async fn verify_totp(
    State(state): State<AppState>,
    ApiPath(user_id): ApiPath<String>,
    caller: Caller,
    ApiJson(req): ApiJson<TotpVerifyRequest>,
) -> Result<Json<SecondFactorCheck>, ApiError> {
    caller.require(Scope::Security)?;
    user_id_ok(&user_id)?;
    required("code", &req.code, 64)?;
    let r = svc::verify_second_factor(
        &state.store,
        &state.config.security,
        &user_id,
        &req.code,
        state.now(),
    )
    .await?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepUpRequest {
    pub user_id: String,
    /// `change_payout_account`, `change_email`, `change_password` or `payment`.
    pub action: String,
    /// For `payment`: `{"value": "12.34", "currency": "USD"}`.
    pub amount: Option<MoneyIn>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyIn {
    /// A decimal string such as `"12.34"`.
    pub value: String,
    pub currency: String,
}

/// Decimal string to minor units (two decimals; the marketplace's currencies with other exponents are compared
/// in their own minor units the same way).
fn minor_units(value: &str) -> Result<i64, ApiError> {
    let bad = || {
        ApiError::new(
            ErrorCode::InvalidRequest,
            format!("`amount.value` must be a decimal string such as \"12.34\", not `{value}`"),
        )
    };
    let (whole, frac) = value.trim().split_once('.').unwrap_or((value.trim(), ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)
}

/// Answers whether a risky action needs a fresh second-factor check first (within the configured window,
/// 10 minutes by default). Needs `security`.
#[utoipa::path(
    post, path = "/v1/step-up/check", tag = "security", request_body = StepUpRequest,
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = StepUpAnswer),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn step_up_check(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<StepUpRequest>,
) -> Result<Json<StepUpAnswer>, ApiError> {
    caller.require(Scope::Security)?;
    user_id_ok(&req.user_id)?;
    let amount = req
        .amount
        .as_ref()
        .map(|m| minor_units(&m.value))
        .transpose()?;
    let action = security::stepup::Action::parse(&req.action, amount)
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    let r = svc::step_up_check(
        &state.store,
        &state.config.security,
        &req.user_id,
        action,
        state.now(),
    )
    .await?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutAccountRequest {
    /// The new account's number or IBAN; only a keyed fingerprint of it is kept.
    pub account: String,
    /// The seller's email if it changes with the account: both the old and the new address are alerted.
    pub email: Option<String>,
}

/// Records a payout-account change: holds payouts for the configured period and alerts the seller on the old
/// and new contact channels. The same account again changes nothing. Needs `security` and
/// `security.encryption_key`.
#[utoipa::path(
    put, path = "/v1/users/{user_id}/payout-account", tag = "security", request_body = PayoutAccountRequest,
    params(("user_id" = String, Path, description = "the marketplace's user id")),
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = PayoutHold),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
        (status = 503, description = "`not_configured`, `database_unavailable`", body = ErrorBody),
    )
)]
pub async fn put_payout_account(
    State(state): State<AppState>,
    ApiPath(user_id): ApiPath<String>,
    caller: Caller,
    ApiJson(req): ApiJson<PayoutAccountRequest>,
) -> Result<Json<PayoutHold>, ApiError> {
    caller.require(Scope::Security)?;
    user_id_ok(&user_id)?;
    required("account", &req.account, 100)?;
    let r = svc::change_payout_account(
        &state.store,
        &state.config.security,
        &user_id,
        &req.account,
        req.email.as_deref(),
        state.now(),
    )
    .await?;
    Ok(Json(r))
}

/// Whether the user's payouts are held after a payout-account change, and until when. Needs `security`.
#[utoipa::path(
    get, path = "/v1/users/{user_id}/payout-hold", tag = "security",
    params(("user_id" = String, Path, description = "the marketplace's user id")),
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = PayoutHold),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn payout_hold(
    State(state): State<AppState>,
    ApiPath(user_id): ApiPath<String>,
    caller: Caller,
) -> Result<Json<PayoutHold>, ApiError> {
    caller.require(Scope::Security)?;
    Ok(Json(
        svc::payout_hold(&state.store, &user_id, state.now()).await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: String,
    /// `in_app` or `email`.
    pub channel: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub verification_code: String,
    /// `delivered` (in-app), `pending`, `sent` or `failed` (email).
    pub status: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub notifications: Vec<NotificationOut>,
}

/// The user's in-app message centre: the security notifications sent to them, newest first. Needs `security`.
#[utoipa::path(
    get, path = "/v1/users/{user_id}/notifications", tag = "security",
    params(("user_id" = String, Path, description = "the marketplace's user id")),
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = NotificationList),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn list_notifications(
    State(state): State<AppState>,
    ApiPath(user_id): ApiPath<String>,
    caller: Caller,
) -> Result<Json<NotificationList>, ApiError> {
    caller.require(Scope::Security)?;
    let list = state.store.notifications_for(&user_id, 200).await?;
    Ok(Json(NotificationList {
        notifications: list
            .into_iter()
            .filter(|n| n.channel == "in_app")
            .map(|n| NotificationOut {
                id: n.id,
                channel: n.channel,
                kind: n.kind,
                subject: n.subject,
                body: n.body,
                verification_code: n.verification_code,
                status: n.status,
                created_at: store::format_time(n.created_at),
            })
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationVerifyRequest {
    /// The whole message as received.
    pub text: Option<String>,
    /// Or just its verification code, `MG-XXXX-XXXX`.
    pub code: Option<String>,
}

/// Answers whether a message claiming to come from the marketplace is genuine, by its verification code and,
/// when given, its text. Needs `security`.
#[utoipa::path(
    post, path = "/v1/notifications/verify", tag = "security", request_body = NotificationVerifyRequest,
    security(("api_key" = ["security"])),
    responses(
        (status = 200, body = NotificationCheck),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`: neither `text` nor `code`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn verify_notification(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NotificationVerifyRequest>,
) -> Result<Json<NotificationCheck>, ApiError> {
    caller.require(Scope::Security)?;
    if req.text.is_none() && req.code.is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "give the message as `text`, or its verification `code`",
        ));
    }
    let r = svc::verify_notification(
        &state.store,
        &state.config.security,
        req.text.as_deref(),
        req.code.as_deref(),
    )
    .await?;
    Ok(Json(r))
}

// ---------------------------------------------------------------------------------------------------------------
// The public page

#[derive(Debug, Default, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub code: String,
}

/// Escapes text for HTML. (Hand-rolled: five characters, not worth a template engine for one page.)
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The `/verify` page's headers: a public page that anyone may be sent to, so it is never framed (clickjacking),
/// never sniffed, runs no script and posts only to itself. Its only style is inline.
const VERIFY_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn page(state: &AppState, form: &VerifyForm, answer: Option<&NotificationCheck>) -> Response {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, VERIFY_CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    (headers, page_html(state, form, answer)).into_response()
}

fn page_html(
    state: &AppState,
    form: &VerifyForm,
    answer: Option<&NotificationCheck>,
) -> Html<String> {
    let m = esc(&state.config.security.marketplace_name);
    let never = esc(security::notify::NEVER_ASKS);
    let result = answer
        .map(|a| {
            let (class, head) = if a.genuine {
                ("genuine", format!("Yes: this really came from {m}."))
            } else {
                (
                    "forged",
                    format!("No: we cannot confirm this came from {m}."),
                )
            };
            format!(
                "<section class=\"{class}\" role=\"status\"><h2>{head}</h2><p>{}</p>{}</section>",
                esc(&a.advice),
                a.subject
                    .as_ref()
                    .map(|s| format!(
                        "<p>We sent “{}” at {}.</p>",
                        esc(s),
                        esc(a.sent_at.as_deref().unwrap_or(""))
                    ))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Is this really from {m}?</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}textarea,input{{width:100%;font:inherit}}textarea{{height:10rem}}.genuine{{border-left:6px solid #1a7f37;padding-left:1rem}}.forged{{border-left:6px solid #cf222e;padding-left:1rem}}.never{{background:#fff8c5;padding:.75rem}}</style></head>\
<body><h1>Is this really from {m}?</h1>\
<p class=\"never\"><strong>{never}</strong></p>\
{result}\
<form method=\"post\" action=\"/verify\">\
<p><label for=\"code\">Verification code (MG-XXXX-XXXX)</label><br><input id=\"code\" name=\"code\" value=\"{}\" autocomplete=\"off\"></p>\
<p><label for=\"text\">Or paste the whole message</label><br><textarea id=\"text\" name=\"text\">{}</textarea></p>\
<p><button type=\"submit\">Check</button></p></form>\
<p>Every security message from {m} carries a verification code. A message without one, or whose code this page does not confirm, did not come from us.</p>\
</body></html>\n",
        esc(&form.code),
        esc(&form.text)
    ))
}

/// `GET /verify`: the public "is this really from us?" page.
pub async fn verify_page(State(state): State<AppState>) -> Response {
    page(&state, &VerifyForm::default(), None)
}

/// `POST /verify`: the page's form (no JavaScript).
pub async fn verify_page_submit(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<VerifyForm>,
) -> Result<Response, ApiError> {
    if form.text.len() + form.code.len() > 20_000 {
        return Err(ApiError::new(ErrorCode::PayloadTooLarge, "paste less text"));
    }
    let text = Some(form.text.as_str()).filter(|t| !t.trim().is_empty());
    let code = Some(form.code.as_str()).filter(|t| !t.trim().is_empty());
    let answer = svc::verify_notification(&state.store, &state.config.security, text, code).await?;
    Ok(page(&state, &form, Some(&answer)))
}
