//! TOTP second factors (RFC 6238 through `totp-rs`): 160-bit secrets, 6 digits, 30-second steps. The current and
//! the previous step are accepted (clock drift, slow typing); a code is never accepted twice, because the step
//! of the last accepted code is stored and only later steps pass.

use time::OffsetDateTime;
use totp_rs::{Algorithm, TOTP};

use crate::SecurityError;

pub const STEP_SECS: u64 = 30;
pub const DIGITS: usize = 6;
const SECRET_BYTES: usize = 20;

/// What a user needs to set up an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The secret in base32, for typing in by hand.
    pub secret_base32: String,
    /// `otpauth://totp/...`, for a QR code.
    pub otpauth_uri: String,
}

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRejection {
    /// Not six digits.
    Malformed,
    /// Not the code of the current or the previous step.
    Wrong,
    /// The code of a step already used (or older): a replay.
    Replayed,
}

impl CodeRejection {
    pub fn code(self) -> &'static str {
        match self {
            CodeRejection::Malformed => "malformed_code",
            CodeRejection::Wrong => "wrong_code",
            CodeRejection::Replayed => "code_already_used",
        }
    }
}

/// A fresh random secret.
pub fn new_secret() -> Vec<u8> {
    use rand::RngCore as _;
    let mut s = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut s);
    s
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> Result<TOTP, SecurityError> {
    // ':' separates issuer and account in the URI label, so it may appear in neither.
    let clean = |s: &str| s.replace(':', " ");
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECS,
        secret.to_vec(),
        Some(clean(issuer)),
        clean(account),
    )
    .map_err(|e| SecurityError::Totp(e.to_string()))
}

/// The enrolment details for a secret.
pub fn enrolment(secret: &[u8], issuer: &str, account: &str) -> Result<Enrolment, SecurityError> {
    let t = totp(secret, issuer, account)?;
    Ok(Enrolment {
        secret_base32: t.get_secret_base32(),
        otpauth_uri: t.get_url(),
    })
}

/// The time step `now` falls in.
pub fn step_at(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(STEP_SECS as i64)
}

/// The code for a step (what an authenticator app would show; tests use it).
pub fn code_at_step(secret: &[u8], step: i64) -> Result<String, SecurityError> {
    let t = totp(secret, "x", "x")?;
    Ok(t.generate(u64::try_from(step).unwrap_or(0) * STEP_SECS))
}

/// Checks a code at `now`. Answers the step it matched, to be stored as the last used step.
pub fn verify(
    secret: &[u8],
    code: &str,
    now: OffsetDateTime,
    last_used_step: Option<i64>,
) -> Result<Result<i64, CodeRejection>, SecurityError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Err(CodeRejection::Malformed));
    }
    let current = step_at(now);
    for step in [current, current - 1] {
        let expected = code_at_step(secret, step)?;
        if crate::ct_eq(expected.as_bytes(), code.as_bytes()) {
            if last_used_step.is_some_and(|last| step <= last) {
                return Ok(Err(CodeRejection::Replayed));
            }
            return Ok(Ok(step));
        }
    }
    Ok(Err(CodeRejection::Wrong))
}
