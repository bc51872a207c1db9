//! Account security use cases, shared by the JSON routes and (later) the console: they join the pure rules of
//! the `security` crate to the records in `store::security`. Each function takes the store, the `[security]`
//! configuration and `now`.

pub mod config;
pub mod console;
pub mod sender;

use serde::Serialize;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;

use security::password::{self, PasswordCheck, PasswordContext};
use security::risk::{self, Decision, Signal};
use security::throttle::FailureFacts;
use security::{notify, payout, recovery, stepup, totp};
use store::security::{LoginEvent, NewAlert, NewNotification, PayoutChange};
use store::{Store, StoreError, format_time};

pub use config::SecurityConfig;

use crate::error::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Security(#[from] security::SecurityError),
    #[error("{0}")]
    NotConfigured(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Store(s) => s.into(),
            ServiceError::Security(
                s @ (security::SecurityError::UnknownAction(_)
                | security::SecurityError::Invalid(_)),
            ) => ApiError::new(ErrorCode::InvalidRequest, s.to_string()),
            ServiceError::Security(s) => ApiError::internal(s),
            ServiceError::NotConfigured(m) => ApiError::new(ErrorCode::NotConfigured, m),
            ServiceError::Invalid(m) => ApiError::new(ErrorCode::InvalidRequest, m),
            ServiceError::NotFound(m) => ApiError::new(ErrorCode::NotFound, m),
        }
    }
}

const NO_KEY: &str = "this server has no `security.encryption_key`: set it to 32 random bytes in base64 (`openssl rand -base64 32`) to use two-step verification and payout protection";

fn key(cfg: &SecurityConfig) -> Result<security::DataKey, ServiceError> {
    cfg.data_key().ok_or(ServiceError::NotConfigured(NO_KEY))
}

/// `POST /v1/passwords/check`.
pub fn check_password(
    cfg: &SecurityConfig,
    password: &str,
    user_id: Option<&str>,
    email: Option<&str>,
    name: Option<&str>,
    second_factor: bool,
) -> PasswordCheck {
    password::check(
        password,
        &PasswordContext {
            user_id,
            email,
            name,
            second_factor,
            marketplace_name: Some(&cfg.marketplace_name),
        },
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications and alerts

/// Raises a security alert about a user: records it, and queues one message (one verification code) to the
/// in-app message centre and to each email address given.
#[allow(clippy::too_many_arguments)] // the alert's parts, each distinct
pub async fn alert_user(
    store: &Store,
    cfg: &SecurityConfig,
    user_id: &str,
    kind: &str,
    headline: &str,
    detail: &str,
    emails: &[String],
    details: serde_json::Value,
    now: OffsetDateTime,
) -> Result<String, ServiceError> {
    let (alert, notes) = alert_parts(cfg, user_id, kind, headline, detail, emails, details);
    Ok(store.raise_alert(&alert, &notes, now).await?)
}

#[allow(clippy::too_many_arguments)]
fn alert_parts(
    cfg: &SecurityConfig,
    user_id: &str,
    kind: &str,
    headline: &str,
    detail: &str,
    emails: &[String],
    details: serde_json::Value,
) -> (NewAlert, Vec<NewNotification>) {
    let code = notify::new_code();
    let verify_url = format!("{}/verify", cfg.public_base_url.trim_end_matches('/'));
    let msg = notify::compose(&cfg.marketplace_name, headline, detail, &code, &verify_url);
    let note = |channel: &str, address: Option<String>| NewNotification {
        recipient_id: user_id.to_string(),
        channel: channel.to_string(),
        address,
        kind: kind.to_string(),
        subject: msg.subject.clone(),
        body: msg.body.clone(),
        verification_code: code.clone(),
    };
    let mut notes = vec![note("in_app", None)];
    let mut seen: Vec<&String> = Vec::new();
    for e in emails {
        if !seen.contains(&e) {
            seen.push(e);
            notes.push(note("email", Some(e.clone())));
        }
    }
    let alert = NewAlert {
        user_id: Some(user_id.to_string()),
        kind: kind.to_string(),
        details,
    };
    (alert, notes)
}

/// The answer to "is this really from us?".
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationCheck {
    /// True when the code is one we sent and, if a message was pasted, the message is the one we sent.
    pub genuine: bool,
    /// `genuine`, `no_code_found`, `unknown_code` or `text_differs`.
    pub verdict: String,
    /// The codes found (the one given, or those in the pasted text).
    pub codes: Vec<String>,
    /// When the genuine message was sent, and its subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// What to do next, for a person.
    pub advice: String,
}

/// Checks a pasted message and/or a code against the outbox.
pub async fn verify_notification(
    store: &Store,
    cfg: &SecurityConfig,
    text: Option<&str>,
    code: Option<&str>,
) -> Result<NotificationCheck, ServiceError> {
    let mut codes = Vec::new();
    if let Some(c) = code {
        match notify::canonical_code(c) {
            Some(c) => codes.push(c),
            None => codes.extend(notify::find_codes(c)),
        }
    }
    if let Some(t) = text {
        for c in notify::find_codes(t) {
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
    }
    let never = notify::NEVER_ASKS;
    let m = &cfg.marketplace_name;
    let forged = |verdict: &str, why: String| NotificationCheck {
        genuine: false,
        verdict: verdict.to_string(),
        codes: codes.clone(),
        sent_at: None,
        subject: None,
        advice: format!("{why} Do not click its links, call its numbers or reply to it. {never}"),
    };
    if codes.is_empty() {
        return Ok(forged(
            "no_code_found",
            format!(
                "This has no verification code: every security message from {m} carries one (MG-XXXX-XXXX), so treat it as not from {m}."
            ),
        ));
    }
    for c in &codes {
        let found = store.notifications_by_code(c).await?;
        let Some(first) = found.first() else { continue };
        if let Some(t) = text {
            let pasted = notify::squash(t);
            // The pasted message must contain what we wrote (mail clients may add quoting and re-wrap lines).
            let ours = notify::squash(&first.body);
            if !pasted.contains(&ours) {
                return Ok(NotificationCheck {
                    sent_at: None,
                    subject: None,
                    ..forged(
                        "text_differs",
                        format!(
                            "The code {c} is real, but the text around it is not what {m} sent: someone may have copied a real code into a fake message."
                        ),
                    )
                });
            }
        }
        return Ok(NotificationCheck {
            genuine: true,
            verdict: "genuine".into(),
            codes: codes.clone(),
            sent_at: Some(format_time(first.created_at)),
            subject: Some(first.subject.clone()),
            advice: format!("This message really came from {m}. Still: {never}"),
        });
    }
    Ok(forged(
        "unknown_code",
        format!("{m} never sent a message with this code."),
    ))
}

// ---------------------------------------------------------------------------------------------------------------
// Logins

/// A login attempt as the marketplace reports it.
#[derive(Debug, Clone)]
pub struct LoginReport<'a> {
    pub user_id: &'a str,
    pub success: bool,
    pub ip: &'a str,
    pub country: &'a str,
    pub device_id: &'a str,
    pub user_agent: &'a str,
    pub email: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoginAlert {
    /// `new_device`, `new_country`, `impossible_travel`, `too_many_failures`, `credential_stuffing`, ...
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoginOutcome {
    /// `allow`, `challenge` (ask for the second factor) or `deny`.
    pub decision: String,
    /// What was noticed.
    pub alerts: Vec<LoginAlert>,
    /// With `deny` for too many failures: seconds before the next attempt may be tried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<i64>,
}

fn secs(n: u64) -> Duration {
    Duration::seconds(i64::try_from(n).unwrap_or(i64::MAX))
}

/// `POST /v1/events/login`: throttling, risk, the record, and alerts.
pub async fn report_login(
    store: &Store,
    cfg: &SecurityConfig,
    r: &LoginReport<'_>,
    now: OffsetDateTime,
) -> Result<LoginOutcome, ServiceError> {
    let country = r.country.trim().to_ascii_uppercase();
    if let Some(email) = r.email {
        store.set_security_contact(r.user_id, email, now).await?;
    }
    let counts = store
        .failure_counts(r.user_id, r.ip, now - secs(cfg.throttle.window_secs))
        .await?;
    let clamp = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let verdict = cfg.throttle.assess(
        &FailureFacts {
            account_consecutive_failures: clamp(counts.account_consecutive_failures),
            account_last_failure_at: counts.account_last_failure_at,
            ip_failures: clamp(counts.ip_failures),
            ip_last_failure_at: counts.ip_last_failure_at,
            ip_distinct_accounts: clamp(counts.ip_distinct_accounts),
        },
        now,
    );
    let history = store
        .login_history(r.user_id, r.device_id, &country)
        .await?;
    let facts = risk::LoginFacts {
        success: r.success,
        country: country.clone(),
        has_history: history.last_success.is_some(),
        known_device: history.known_device,
        known_country: history.known_country,
        last_success: history.last_success.clone(),
    };
    let assessment = risk::assess(&facts, &verdict, &cfg.risk, now);
    let codes: Vec<&str> = assessment.signals.iter().map(Signal::code).collect();
    let event = LoginEvent {
        user_id: r.user_id.to_string(),
        success: r.success,
        ip: r.ip.to_string(),
        country: country.clone(),
        device_id: r.device_id.to_string(),
        user_agent: r.user_agent.to_string(),
        decision: assessment.decision.as_str().to_string(),
        throttled: assessment.retry_after.is_some(),
        signals: serde_json::json!(codes).to_string(),
    };
    // A first successful login sets the baseline; later ones extend it only when nothing was wrong.
    let remember = r.success && assessment.decision == Decision::Allow;
    store.record_login(&event, remember, now).await?;

    let to_user: Vec<&Signal> = assessment
        .signals
        .iter()
        .filter(|s| s.alerts_user())
        .collect();
    if !to_user.is_empty() {
        let detail = format!(
            "We noticed {} (device {}, IP address {}, at {}). We asked for your second factor before letting it in.",
            to_user
                .iter()
                .map(|s| s.describe())
                .collect::<Vec<_>>()
                .join("; and "),
            r.device_id,
            r.ip,
            format_time(now)
        );
        let emails: Vec<String> = store
            .security_contact(r.user_id)
            .await?
            .into_iter()
            .collect();
        alert_user(
            store,
            cfg,
            r.user_id,
            to_user.first().map(|s| s.code()).unwrap_or("login_risk"),
            "New sign-in to your account",
            &detail,
            &emails,
            serde_json::json!({"signals": codes, "ip": r.ip, "country": country, "device_id": r.device_id}),
            now,
        )
        .await?;
    }
    if assessment.signals.contains(&Signal::CredentialStuffing) {
        // About the source, not one user: recorded for investigators, nobody is emailed.
        store
            .raise_alert(
                &NewAlert {
                    user_id: None,
                    kind: "credential_stuffing".into(),
                    details: serde_json::json!({"ip": r.ip, "accounts": counts.ip_distinct_accounts}),
                },
                &[],
                now,
            )
            .await?;
    }
    Ok(LoginOutcome {
        decision: assessment.decision.as_str().to_string(),
        alerts: assessment
            .signals
            .iter()
            .map(|s| LoginAlert {
                code: s.code().to_string(),
                message: s.describe(),
            })
            .collect(),
        retry_after_secs: assessment.retry_after.map(|d| d.whole_seconds().max(1)),
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Second factors

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// The secret in base32, for typing into an authenticator app.
    pub secret: String,
    /// `otpauth://totp/...`, for a QR code.
    pub otpauth_uri: String,
    /// Single-use recovery codes, shown this once (only their hashes are kept).
    pub recovery_codes: Vec<String>,
}

/// `POST /v1/users/{user_id}/totp`: a new secret and new recovery codes (replacing any earlier ones).
pub async fn enrol_totp(
    store: &Store,
    cfg: &SecurityConfig,
    user_id: &str,
    account_label: Option<&str>,
    now: OffsetDateTime,
) -> Result<TotpEnrolment, ServiceError> {
    let key = key(cfg)?;
    if store.user(user_id).await?.is_none() {
        return Err(ServiceError::NotFound(format!(
            "there is no user `{user_id}`: register it with `PUT /v1/users/{user_id}` before enrolling a second factor"
        )));
    }
    let secret = totp::new_secret();
    let e = totp::enrolment(
        &secret,
        &cfg.marketplace_name,
        account_label.unwrap_or(user_id),
    )?;
    let enc = key.encrypt(&secret, &format!("user-totp:{user_id}"))?;
    let codes = recovery::generate();
    let hashes: Vec<String> = codes.iter().filter_map(|c| recovery::hash(c)).collect();
    store
        .enrol_second_factor(user_id, &enc, &hashes, now)
        .await?;
    Ok(TotpEnrolment {
        secret: e.secret_base32,
        otpauth_uri: e.otpauth_uri,
        recovery_codes: codes,
    })
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SecondFactorCheck {
    pub verified: bool,
    /// `totp` or `recovery_code` when verified; otherwise why not: `wrong_code`, `code_already_used`,
    /// `malformed_code`.
    pub reason: String,
    /// Unused recovery codes left.
    pub recovery_codes_left: i64,
}

/// `POST /v1/users/{user_id}/totp/verify`: a TOTP code or a recovery code. Success makes step-up fresh and the
/// device and country of a recently challenged login known.
pub async fn verify_second_factor(
    store: &Store,
    cfg: &SecurityConfig,
    user_id: &str,
    code: &str,
    now: OffsetDateTime,
) -> Result<SecondFactorCheck, ServiceError> {
    let key = key(cfg)?;
    let Some(factor) = store.second_factor(user_id).await? else {
        return Err(ServiceError::NotFound(format!(
            "user `{user_id}` has no second factor; enrol one with POST /v1/users/{user_id}/totp"
        )));
    };
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let reason = if digits.len() == totp::DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        let secret = key.decrypt(&factor.totp_secret_enc, &format!("user-totp:{user_id}"))?;
        match totp::verify(&secret, &digits, now, factor.last_used_step)? {
            Ok(step) => {
                if store.use_totp_step(user_id, step, now).await? {
                    "totp"
                } else {
                    totp::CodeRejection::Replayed.code()
                }
            }
            Err(rejection) => rejection.code(),
        }
    } else {
        match recovery::hash(code) {
            Some(h) if store.use_recovery_code(user_id, &h, now).await? => "recovery_code",
            Some(_) => "wrong_code",
            None => totp::CodeRejection::Malformed.code(),
        }
    };
    let verified = matches!(reason, "totp" | "recovery_code");
    if verified {
        store
            .remember_challenged_login(user_id, now - Duration::minutes(30), now)
            .await?;
    }
    Ok(SecondFactorCheck {
        verified,
        reason: reason.to_string(),
        recovery_codes_left: store.recovery_codes_left(user_id).await?,
    })
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepUpAnswer {
    /// True when the user must pass the second factor before the action.
    pub step_up_required: bool,
    /// `not_risky`, `fresh_second_factor`, `no_recent_second_factor` or `no_second_factor_enrolled`.
    pub reason: String,
    /// Until when the last second-factor check covers risky actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fresh_until: Option<String>,
    pub window_secs: u64,
}

/// `POST /v1/step-up/check`.
pub async fn step_up_check(
    store: &Store,
    cfg: &SecurityConfig,
    user_id: &str,
    action: stepup::Action,
    now: OffsetDateTime,
) -> Result<StepUpAnswer, ServiceError> {
    let factor = store.second_factor(user_id).await?;
    let enrolled = factor.as_ref().is_some_and(|f| f.confirmed_at.is_some());
    let last = factor.and_then(|f| f.last_verified_at);
    let s = stepup::check(action, enrolled, last, now, &cfg.step_up);
    Ok(StepUpAnswer {
        step_up_required: s.required,
        reason: s.reason.to_string(),
        fresh_until: s.fresh_until.map(format_time),
        window_secs: cfg.step_up.window_secs,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Payout accounts

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayoutHold {
    /// True while payouts are held.
    pub on_hold: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_at: Option<String>,
    /// False when the account given is the one already on file (nothing changed, no new hold).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<bool>,
}

fn hold_view(
    change: Option<&PayoutChange>,
    now: OffsetDateTime,
    changed: Option<bool>,
) -> PayoutHold {
    PayoutHold {
        on_hold: change.is_some_and(|c| c.hold_until > now),
        hold_until: change.map(|c| format_time(c.hold_until)),
        changed_at: change.map(|c| format_time(c.changed_at)),
        changed,
    }
}

/// `PUT /v1/users/{user_id}/payout-account`: records the change (as a fingerprint), holds payouts, and alerts
/// the seller at the old and the new email address and in the message centre.
pub async fn change_payout_account(
    store: &Store,
    cfg: &SecurityConfig,
    user_id: &str,
    account: &str,
    new_email: Option<&str>,
    now: OffsetDateTime,
) -> Result<PayoutHold, ServiceError> {
    let key = key(cfg)?;
    if account.chars().filter(|c| c.is_alphanumeric()).count() < 4 {
        return Err(ServiceError::Invalid(
            "`account` must be the payout account's number or IBAN".into(),
        ));
    }
    let fp = payout::fingerprint(&key, account);
    let current = store.latest_payout_change(user_id).await?;
    if current.as_ref().is_some_and(|c| c.fingerprint == fp) {
        return Ok(hold_view(current.as_ref(), now, Some(false)));
    }
    let old_email = store.security_contact(user_id).await?;
    if let Some(e) = new_email {
        store.set_security_contact(user_id, e, now).await?;
    }
    let emails: Vec<String> = old_email
        .into_iter()
        .chain(new_email.map(str::to_string))
        .collect();
    let hold_until = payout::hold_until(now, cfg.payout_hold_hours);
    let (alert, notes) = alert_parts(
        cfg,
        user_id,
        "payout_account_changed",
        "Your payout account was changed",
        &format!(
            "The bank account your payouts go to was changed at {}. Payouts are held until {} so that you can stop this if it was not you.",
            format_time(now),
            format_time(hold_until)
        ),
        &emails,
        serde_json::json!({"hold_until": format_time(hold_until)}),
    );
    let change = store
        .record_payout_change(
            user_id,
            &fp,
            current.as_ref().map(|c| c.fingerprint.as_str()),
            hold_until,
            &alert,
            &notes,
            now,
        )
        .await?;
    Ok(hold_view(Some(&change), now, Some(true)))
}

/// `GET /v1/users/{user_id}/payout-hold`.
pub async fn payout_hold(
    store: &Store,
    user_id: &str,
    now: OffsetDateTime,
) -> Result<PayoutHold, ServiceError> {
    let current = store.latest_payout_change(user_id).await?;
    Ok(hold_view(current.as_ref(), now, None))
}
