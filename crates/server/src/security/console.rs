//! Console accounts (investigators and admins) and their sessions: the library API the console pages use.
//! Passwords follow the same policy as the marketplace's (15 characters without a second factor), are hashed with
//! Argon2id and re-hashed at sign-in when the configured parameters change; sign-ins are throttled like the
//! marketplace's (recorded as login events for `console:<account id>`).

use time::OffsetDateTime;

use security::hashing::{self, Verification};
use security::session::{self, SessionState};
use security::throttle::FailureFacts;
use security::totp;
use store::Store;
use store::security::{
    ConsoleAccount, ConsoleRole, ConsoleSession, LoginEvent, NewConsoleAccount, NewConsoleSession,
};

use super::{SecurityConfig, ServiceError, check_password, key};

/// Why a console sign-in failed. The caller shows one generic message for `BadCredentials` whichever part
/// was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefusal {
    BadCredentials,
    SecondFactorRequired,
    Throttled { retry_after_secs: i64 },
    Disabled,
}

#[derive(Debug)]
pub struct SignedIn {
    /// The session token for the cookie; shown this once.
    pub token: String,
    pub session: ConsoleSession,
    pub account: ConsoleAccount,
}

pub struct SignIn<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub totp_code: Option<&'a str>,
    pub device: &'a str,
    pub ip: &'a str,
    pub country: &'a str,
    /// A "public computer" session: shorter idle and absolute timeouts.
    pub public_computer: bool,
}

/// Creates a console account after checking the password against the policy.
#[allow(clippy::too_many_arguments)] // the account's fields, each distinct
pub async fn create_account(
    store: &Store,
    cfg: &SecurityConfig,
    username: &str,
    display_name: &str,
    email: Option<&str>,
    role: ConsoleRole,
    password: &str,
    actor: &str,
    now: OffsetDateTime,
) -> Result<ConsoleAccount, ServiceError> {
    let check = check_password(
        cfg,
        password,
        Some(username),
        email,
        Some(display_name),
        false,
    );
    if !check.accepted {
        let why: Vec<String> = check
            .reasons
            .iter()
            .map(|r| format!("{} ({})", r.message, r.code))
            .collect();
        return Err(ServiceError::Invalid(format!(
            "the password was refused: {}",
            why.join("; ")
        )));
    }
    let hash = hashing::hash_password(password, &cfg.argon2)?;
    Ok(store
        .create_console_account(
            &NewConsoleAccount {
                username,
                display_name,
                email,
                role,
                password_hash: &hash,
            },
            actor,
            now,
        )
        .await?)
}

/// Signs in: throttle, password (re-hashed when the parameters changed), second factor when on, new session.
pub async fn sign_in(
    store: &Store,
    cfg: &SecurityConfig,
    req: &SignIn<'_>,
    now: OffsetDateTime,
) -> Result<Result<SignedIn, SignInRefusal>, ServiceError> {
    let account = store.console_account_by_username(req.username).await?;
    let subject = format!(
        "console:{}",
        account
            .as_ref()
            .map(|a| a.id.as_str())
            .unwrap_or(req.username)
    );
    let counts = store
        .failure_counts(
            &subject,
            req.ip,
            now - super::secs(cfg.throttle.window_secs),
        )
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
    let record = |success: bool, decision: &str, throttled: bool| LoginEvent {
        user_id: subject.clone(),
        success,
        ip: req.ip.to_string(),
        country: req.country.to_string(),
        device_id: req.device.to_string(),
        user_agent: req.device.to_string(),
        decision: decision.to_string(),
        throttled,
        signals: "[]".into(),
    };
    if let Some(wait) = verdict.retry_after {
        store
            .record_login(&record(false, "deny", true), false, now)
            .await?;
        return Ok(Err(SignInRefusal::Throttled {
            retry_after_secs: wait.whole_seconds().max(1),
        }));
    }
    let Some(account) = account else {
        // Spend the same time as a real check, so response times do not tell which usernames exist.
        let _ = hashing::hash_password(req.password, &cfg.argon2);
        store
            .record_login(&record(false, "deny", false), false, now)
            .await?;
        return Ok(Err(SignInRefusal::BadCredentials));
    };
    let ok = hashing::verify_password(req.password, &account.password_hash, &cfg.argon2)?;
    let Verification::Valid { needs_rehash } = ok else {
        store
            .record_login(&record(false, "deny", false), false, now)
            .await?;
        return Ok(Err(SignInRefusal::BadCredentials));
    };
    if account.status != domain::AccountStatus::Active {
        return Ok(Err(SignInRefusal::Disabled));
    }
    if needs_rehash {
        let h = hashing::hash_password(req.password, &cfg.argon2)?;
        store.rehash_console_password(&account.id, &h).await?;
    }
    // After the hard limit of failures the password alone is not enough; with TOTP on it never is.
    let needs_second = account.totp_secret_enc.is_some() || verdict.hard_limit_reached;
    if needs_second {
        let Some(enc) = &account.totp_secret_enc else {
            return Ok(Err(SignInRefusal::SecondFactorRequired));
        };
        let Some(code) = req.totp_code else {
            return Ok(Err(SignInRefusal::SecondFactorRequired));
        };
        let secret = key(cfg)?.decrypt(enc, &format!("console-totp:{}", account.id))?;
        let passed = match totp::verify(&secret, code, now, account.totp_last_step)? {
            Ok(step) => store.use_console_totp_step(&account.id, step).await?,
            Err(_) => false,
        };
        if !passed {
            store
                .record_login(&record(false, "deny", false), false, now)
                .await?;
            return Ok(Err(SignInRefusal::BadCredentials));
        }
    }
    store
        .record_login(&record(true, "allow", false), true, now)
        .await?;
    let (token, token_hash) = session::new_token();
    let (idle, absolute) = cfg.sessions.start(now, req.public_computer);
    let session = store
        .create_console_session(
            &NewConsoleSession {
                account_id: &account.id,
                token_hash: &token_hash,
                device: req.device,
                ip: req.ip,
                country: req.country,
                public_computer: req.public_computer,
                idle_expires_at: idle,
                absolute_expires_at: absolute,
            },
            now,
        )
        .await?;
    let account = store.console_account(&account.id).await?.unwrap_or(account);
    Ok(Ok(SignedIn {
        token,
        session,
        account,
    }))
}

/// The live session and account behind a token, its idle expiry pushed forward; `None` when the token is
/// unknown, revoked or expired.
pub async fn authenticate(
    store: &Store,
    cfg: &SecurityConfig,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(ConsoleSession, ConsoleAccount)>, ServiceError> {
    let Some(s) = store
        .console_session_by_token_hash(&session::token_hash(token))
        .await?
    else {
        return Ok(None);
    };
    if session::state(
        now,
        s.idle_expires_at,
        s.absolute_expires_at,
        s.revoked_at.is_some(),
    ) != SessionState::Active
    {
        return Ok(None);
    }
    let Some(account) = store.console_account(&s.account_id).await? else {
        return Ok(None);
    };
    if account.status != domain::AccountStatus::Active {
        return Ok(None);
    }
    let idle = cfg
        .sessions
        .touch(now, s.public_computer, s.absolute_expires_at);
    store.touch_console_session(&s.id, now, idle).await?;
    Ok(Some((
        ConsoleSession {
            last_seen_at: now,
            idle_expires_at: idle,
            ..s
        },
        account,
    )))
}

/// Turns on TOTP for a console account; answers the enrolment (secret and otpauth URI).
pub async fn enrol_totp(
    store: &Store,
    cfg: &SecurityConfig,
    account: &ConsoleAccount,
    now: OffsetDateTime,
) -> Result<totp::Enrolment, ServiceError> {
    let secret = totp::new_secret();
    let e = totp::enrolment(
        &secret,
        &format!("{} console", cfg.marketplace_name),
        &account.username,
    )?;
    let enc = key(cfg)?.encrypt(&secret, &format!("console-totp:{}", account.id))?;
    store
        .set_console_totp(&account.id, &enc, &account.id, now)
        .await?;
    Ok(e)
}

/// Why a console password change was refused; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChangeRefusal {
    /// The current password given is not the account's.
    WrongCurrentPassword,
    /// The new password is the current one (a forced change needs a different one).
    SameAsCurrent,
    /// The new password fails the policy, with each of its reasons.
    Policy(Vec<security::password::Rejection>),
}

/// Changes the password (the current one verified, the new one checked against the policy with the account's
/// context); ends every session of the account but `current_session`, clears a forced change and writes
/// `console_account.password_change` naming `actor`. Answers how many sessions ended.
#[allow(clippy::too_many_arguments)] // the change's parts, each distinct
pub async fn change_password(
    store: &Store,
    cfg: &SecurityConfig,
    account: &ConsoleAccount,
    current_session: Option<&str>,
    old_password: &str,
    new_password: &str,
    actor: &str,
    now: OffsetDateTime,
) -> Result<Result<u64, PasswordChangeRefusal>, ServiceError> {
    if hashing::verify_password(old_password, &account.password_hash, &cfg.argon2)?
        == Verification::Invalid
    {
        return Ok(Err(PasswordChangeRefusal::WrongCurrentPassword));
    }
    let check = check_password(
        cfg,
        new_password,
        Some(&account.username),
        account.email.as_deref(),
        Some(&account.display_name),
        account.totp_secret_enc.is_some(),
    );
    if !check.accepted {
        return Ok(Err(PasswordChangeRefusal::Policy(check.reasons)));
    }
    if security::password::normalize(new_password) == security::password::normalize(old_password) {
        return Ok(Err(PasswordChangeRefusal::SameAsCurrent));
    }
    let h = hashing::hash_password(new_password, &cfg.argon2)?;
    Ok(Ok(store
        .change_console_password(&account.id, &h, current_session, actor, now)
        .await?))
}
