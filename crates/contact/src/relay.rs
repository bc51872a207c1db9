//! The telephony provider behind the masked relay numbers, as a trait ([`RelayProvider`]), and an implementation
//! of the request and response formats of a widely used provider ([`Twilio`]: form-encoded webhooks signed with
//! `X-Twilio-Signature`, answered with TwiML).
//!
//! Everything here is pure: the webhook's URL, form parameters and signature header come in as values; what to
//! answer goes out as a content type and a body.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret as _, SecretString};
use sha1::Sha1;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A call or a text message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Voice,
    Sms,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Voice => "voice",
            Kind::Sms => "sms",
        }
    }
}

/// What the provider told us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// Someone calls or texts a relay number: where should it go?
    Contact {
        kind: Kind,
        /// The caller's own number, E.164.
        from: String,
        /// The relay number called, E.164.
        to: String,
        /// The provider's id of the call or message (e.g. `CallSid`); never content.
        provider_ref: Option<String>,
        /// A text message's body: forwarded, never stored.
        body: Option<String>,
    },
    /// A connected call ended: how long it lasted.
    CallEnded {
        provider_ref: String,
        duration_secs: Option<i64>,
        status: String,
    },
}

/// What to tell the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Connect the call to `to`, showing `caller_id` (the relay number) to the callee; the provider reports the
    /// end of the call to `status_url`.
    ConnectCall {
        to: String,
        caller_id: String,
        status_url: String,
    },
    /// Forward the text to `to`, from the relay number.
    ForwardSms {
        to: String,
        from: String,
        body: String,
    },
    /// Refuse: no active grant allows this; `message` is said or texted to the caller.
    Refuse { kind: Kind, message: String },
    /// Nothing to do (e.g. a status callback).
    Acknowledge,
}

/// A response body for the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub content_type: &'static str,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelayError {
    #[error("the webhook lacks the parameter `{0}`")]
    Missing(&'static str),
    #[error("the webhook is neither a call nor a text message")]
    UnknownEvent,
}

/// A telephony provider's webhook and response formats.
pub trait RelayProvider: Send + Sync + std::fmt::Debug {
    /// The header that carries the request's signature.
    fn signature_header(&self) -> &'static str;
    /// Whether `signature` is the provider's signature of this request: `url` is the full URL the provider called
    /// (scheme, host, path and query), `params` the form parameters.
    fn verify(&self, url: &str, params: &[(String, String)], signature: &str) -> bool;
    /// Reads the webhook's parameters.
    fn parse(&self, params: &[(String, String)]) -> Result<Inbound, RelayError>;
    /// Writes the answer in the provider's format.
    fn render(&self, answer: &Answer) -> Rendered;
}

/// Twilio-style webhooks: form-encoded parameters (`From`, `To`, `CallSid` or `MessageSid`, `Body`, and on the
/// `<Dial action>` callback `DialCallStatus` and `DialCallDuration`), signed with `X-Twilio-Signature` =
/// base64(HMAC-SHA1(auth token, URL + each parameter's name and value, sorted by name)); answers in TwiML.
#[derive(Debug, Clone)]
pub struct Twilio {
    auth_token: SecretString,
}

impl Twilio {
    pub fn new(auth_token: SecretString) -> Twilio {
        Twilio { auth_token }
    }

    /// The signature of a request (what the provider sends, and what tests sign with).
    pub fn sign(&self, url: &str, params: &[(String, String)]) -> String {
        self.mac(url, params)
            .map(|m| B64.encode(m.finalize().into_bytes()))
            .unwrap_or_default()
    }

    /// `None` only if the HMAC refused the key, which it never does (HMAC takes keys of any length).
    fn mac(&self, url: &str, params: &[(String, String)]) -> Option<Hmac<Sha1>> {
        let mut sorted: Vec<&(String, String)> = params.iter().collect();
        sorted.sort();
        let mut mac =
            <Hmac<Sha1> as Mac>::new_from_slice(self.auth_token.expose_secret().as_bytes()).ok()?;
        mac.update(url.as_bytes());
        for (k, v) in sorted {
            mac.update(k.as_bytes());
            mac.update(v.as_bytes());
        }
        Some(mac)
    }
}

fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

impl RelayProvider for Twilio {
    fn signature_header(&self) -> &'static str {
        "x-twilio-signature"
    }

    fn verify(&self, url: &str, params: &[(String, String)], signature: &str) -> bool {
        let Ok(given) = B64.decode(signature.trim()) else {
            return false;
        };
        // Constant-time comparison.
        self.mac(url, params)
            .is_some_and(|m| m.verify_slice(&given).is_ok())
    }

    fn parse(&self, params: &[(String, String)]) -> Result<Inbound, RelayError> {
        if let Some(status) = get(params, "DialCallStatus") {
            let provider_ref = get(params, "CallSid").ok_or(RelayError::Missing("CallSid"))?;
            return Ok(Inbound::CallEnded {
                provider_ref: provider_ref.to_string(),
                duration_secs: get(params, "DialCallDuration").and_then(|d| d.parse().ok()),
                status: status.to_string(),
            });
        }
        let (kind, provider_ref) =
            if let Some(sid) = get(params, "MessageSid").or_else(|| get(params, "SmsSid")) {
                (Kind::Sms, sid)
            } else if let Some(sid) = get(params, "CallSid") {
                (Kind::Voice, sid)
            } else {
                return Err(RelayError::UnknownEvent);
            };
        let from = get(params, "From").ok_or(RelayError::Missing("From"))?;
        let to = get(params, "To").ok_or(RelayError::Missing("To"))?;
        Ok(Inbound::Contact {
            kind,
            from: from.to_string(),
            to: to.to_string(),
            provider_ref: Some(provider_ref.to_string()),
            body: (kind == Kind::Sms).then(|| get(params, "Body").unwrap_or("").to_string()),
        })
    }

    fn render(&self, answer: &Answer) -> Rendered {
        let body = match answer {
            Answer::ConnectCall {
                to,
                caller_id,
                status_url,
            } => format!(
                "<Response><Dial callerId=\"{}\" action=\"{}\" method=\"POST\"><Number>{}</Number></Dial></Response>",
                xml(caller_id),
                xml(status_url),
                xml(to)
            ),
            Answer::ForwardSms { to, from, body } => format!(
                "<Response><Message to=\"{}\" from=\"{}\">{}</Message></Response>",
                xml(to),
                xml(from),
                xml(body)
            ),
            Answer::Refuse {
                kind: Kind::Voice,
                message,
            } => format!("<Response><Say>{}</Say><Hangup/></Response>", xml(message)),
            Answer::Refuse {
                kind: Kind::Sms,
                message,
            } => format!("<Response><Message>{}</Message></Response>", xml(message)),
            Answer::Acknowledge => "<Response/>".to_string(),
        };
        Rendered {
            content_type: "text/xml; charset=utf-8",
            body: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{body}"),
        }
    }
}

/// Escapes text for XML content and attribute values.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// Reads a form-encoded body into its parameters, in order.
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
