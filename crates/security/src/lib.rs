//! Account security as pure functions: what a password must be, how it is hashed, how second factors, login
//! risk, throttling, step-up and payout holds are decided. Time always comes in as a value (`now`); the only
//! thing taken from outside is randomness for new secrets (salts, TOTP secrets, tokens, codes), from the OS.
//!
//! Invariants:
//! - no I/O, no global mutable state (the blocklist and the country table are decoded once, read-only);
//! - secrets are compared in constant time and only their hashes or ciphertexts are meant to be stored;
//! - every rejection carries a stable reason code and advice a person can act on.

pub mod blocklist;
pub mod crypto;
pub mod geo;
pub mod hashing;
pub mod notify;
pub mod password;
pub mod payout;
pub mod recovery;
pub mod risk;
pub mod session;
pub mod stepup;
pub mod throttle;
pub mod totp;

pub use crypto::DataKey;
pub use hashing::{Argon2Params, Verification};
pub use password::{PasswordCheck, PasswordContext, Rejection};
pub use risk::{Decision, LoginAssessment, LoginFacts, Signal};

/// What can go wrong in this crate (bad input or a corrupt stored value; never a rule's "no", which is a value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecurityError {
    #[error("the Argon2 parameters are not valid: {0}")]
    Argon2Params(String),
    #[error("the password could not be hashed: {0}")]
    Hashing(String),
    #[error("the stored password hash is not a valid PHC string: {0}")]
    StoredHash(String),
    #[error(
        "the encryption key is not valid: give 32 random bytes in base64 (e.g. `openssl rand -base64 32`)"
    )]
    BadKey,
    #[error("a stored secret could not be decrypted (wrong key, or the value was altered)")]
    Decrypt,
    #[error("the TOTP secret is not valid: {0}")]
    Totp(String),
    #[error(
        "`{0}` is not a known action: use change_payout_account, change_email, change_password or payment"
    )]
    UnknownAction(String),
    #[error("{0}")]
    Invalid(String),
}

/// Constant-time equality for secrets of equal length (length itself is not secret here).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Crockford's base32 alphabet: no I, L, O, U, so codes read aloud or retyped survive.
pub(crate) const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `n` random Crockford base32 characters (5 bits each) from the OS generator.
pub(crate) fn random_crockford(n: usize) -> String {
    use rand::Rng as _;
    let mut rng = rand::rngs::OsRng;
    (0..n)
        .map(|_| char::from(CROCKFORD[rng.gen_range(0..32)]))
        .collect()
}

/// Reads a Crockford base32 string the forgiving way: case-insensitive, I/L as 1, O as 0, dashes and spaces
/// dropped. `None` when another character is present.
pub(crate) fn normalize_crockford(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = c.to_ascii_uppercase();
        let c = match c {
            '-' | ' ' => continue,
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        };
        if c.is_ascii() && CROCKFORD.contains(&(c as u8)) {
            out.push(c);
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
