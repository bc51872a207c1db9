//! Single-use recovery codes: 16 Crockford base32 characters (80 random bits), shown once, stored as SHA-256.
//! (A fast hash is right here, as for API keys: 80 random bits leave nothing to brute-force, unlike passwords.)

use sha2::{Digest, Sha256};

/// How many codes a user gets at enrolment.
pub const COUNT: usize = 10;
const CHARS: usize = 16;

/// `COUNT` new codes, formatted `XXXX-XXXX-XXXX-XXXX`.
pub fn generate() -> Vec<String> {
    (0..COUNT)
        .map(|_| {
            let raw = crate::random_crockford(CHARS);
            raw.as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The stored form of a code, or `None` when the text cannot be a recovery code. Forgiving about case,
/// dashes, spaces and the look-alikes I/L/1 and O/0.
pub fn hash(code: &str) -> Option<String> {
    let n = crate::normalize_crockford(code)?;
    (n.len() == CHARS).then(|| hex::encode(Sha256::digest(n.as_bytes())))
}

/// Bits of randomness in one code.
pub const fn bits() -> usize {
    CHARS * 5
}
