//! The telephony provider's webhook: an inbound call or text to a relay number, answered with where to connect
//! it or a refusal, in the provider's format (TwiML for a Twilio-style provider). No API key: the provider signs
//! each request with the shared secret (`contact.relay_webhook_secret`), and a request whose signature does not
//! verify is refused before anything is read or written.

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use contact::relay::{Answer, Inbound, Kind, RelayProvider, Twilio, parse_form};
use messaging::contact::Route;

use crate::AppState;
use crate::config::{ContactConfig, RelayProviderKind};
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::json::ApiBytes;

/// The configured provider, or `None` without a webhook secret.
pub fn provider(config: &ContactConfig) -> Option<Box<dyn RelayProvider>> {
    let secret = config.relay_webhook_secret.as_ref()?;
    Some(match config.relay_provider {
        RelayProviderKind::Twilio => Box::new(Twilio::new(secret.0.clone())),
    })
}

/// The full URL the provider called, as it signed it: the configured public base URL, the path and the query.
pub fn public_url(config: &ContactConfig, path_and_query: &str) -> String {
    format!(
        "{}{}",
        config.relay_webhook_base_url.trim_end_matches('/'),
        path_and_query
    )
}

const REFUSED_VOICE: &str =
    "This number cannot connect your call. Please use the marketplace's messages instead.";
const REFUSED_SMS: &str =
    "This number cannot deliver your message. Please use the marketplace's messages instead.";

/// The telephony provider's webhook (signed): an inbound call or text to a relay number is connected to the other
/// party of an active grant, or refused; a call's end is recorded with its duration. Each interaction is logged
/// without content. Answers in the provider's format (TwiML).
#[utoipa::path(
    post,
    path = "/v1/relay/inbound",
    tag = "contact",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "the provider's webhook parameters (Twilio: `From`, `To`, `CallSid` or `MessageSid`, `Body`; on a call's end `DialCallStatus`, `DialCallDuration`)"),
    params(("X-Twilio-Signature" = String, Header, description = "the provider's signature of the URL and parameters")),
    responses(
        (status = 200, description = "TwiML: `<Dial>` to the other party, `<Message>` forwarding a text, or a refusal", content_type = "text/xml", body = String),
        (status = 403, description = "`invalid_signature`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_request`: not a call or text webhook", body = ErrorBody),
        (status = 503, description = "`not_configured`: no `contact.relay_webhook_secret` or `security.encryption_key`", body = ErrorBody),
    )
)]
pub async fn inbound(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    let config = &state.config.contact;
    let Some(provider) = provider(config) else {
        return Err(ApiError::new(
            ErrorCode::NotConfigured,
            "this server has no `contact.relay_webhook_secret`: the relay webhook is off",
        ));
    };
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !form {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "the relay webhook takes `application/x-www-form-urlencoded`",
        ));
    }
    let params = parse_form(&body);
    let path_and_query = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or(uri.path());
    let url = public_url(config, path_and_query);
    let signature = headers
        .get(provider.signature_header())
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if signature.is_empty() || !provider.verify(&url, &params, signature) {
        tracing::warn!(path = %uri.path(), "relay webhook with a missing or wrong signature refused");
        return Err(ApiError::new(
            ErrorCode::InvalidSignature,
            "the request's signature does not verify: only the telephony provider may call this endpoint",
        ));
    }
    let inbound = provider
        .parse(&params)
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    let now = state.now();
    let answer = match inbound {
        Inbound::CallEnded {
            provider_ref,
            duration_secs,
            ..
        } => {
            state
                .contacts
                .call_ended(&provider_ref, duration_secs, now)
                .await?;
            Answer::Acknowledge
        }
        Inbound::Contact {
            kind,
            from,
            to,
            provider_ref,
            body,
        } => {
            let channel = match kind {
                Kind::Voice => contact::Channel::Voice,
                Kind::Sms => contact::Channel::Sms,
            };
            let route = state
                .contacts
                .route(channel, &from, &to, provider_ref.as_deref(), now)
                .await?;
            match (route, kind) {
                (Route::Connect { to: other, .. }, Kind::Voice) => Answer::ConnectCall {
                    to: other,
                    caller_id: to,
                    status_url: public_url(config, uri.path()),
                },
                (Route::Connect { to: other, .. }, Kind::Sms) => Answer::ForwardSms {
                    to: other,
                    from: to,
                    body: body.unwrap_or_default(),
                },
                (Route::Refuse { .. }, Kind::Voice) => Answer::Refuse {
                    kind,
                    message: REFUSED_VOICE.into(),
                },
                (Route::Refuse { .. }, Kind::Sms) => Answer::Refuse {
                    kind,
                    message: REFUSED_SMS.into(),
                },
            }
        }
    };
    let rendered = provider.render(&answer);
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, rendered.content_type)],
        rendered.body,
    )
        .into_response())
}
