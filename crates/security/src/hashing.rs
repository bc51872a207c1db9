//! Password hashing with Argon2id. Parameters come from configuration; a stored hash made with other parameters
//! still verifies, and the verifier says it should be re-hashed, which the login does.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

use crate::SecurityError;
use crate::password::normalize;

/// Argon2id cost parameters. The default is OWASP's first recommendation (19 MiB, 2 passes, 1 lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Argon2Params {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for Argon2Params {
    fn default() -> Self {
        Argon2Params {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl Argon2Params {
    fn hasher(&self) -> Result<Argon2<'static>, SecurityError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| SecurityError::Argon2Params(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Fails when the parameters are out of Argon2's range.
    pub fn validate(&self) -> Result<(), SecurityError> {
        self.hasher().map(|_| ())
    }
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Invalid,
    /// The password is right; `needs_rehash` when the stored hash was made with other parameters or another
    /// algorithm than the configured ones.
    Valid {
        needs_rehash: bool,
    },
}

/// Hashes a password (NFKC-normalised first) with a fresh random salt; answers a PHC string.
pub fn hash_password(password: &str, params: &Argon2Params) -> Result<String, SecurityError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    params
        .hasher()?
        .hash_password(normalize(password).as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| SecurityError::Hashing(e.to_string()))
}

/// Checks a password against a stored PHC string, and whether the hash should be re-made with `params`.
pub fn verify_password(
    password: &str,
    stored: &str,
    params: &Argon2Params,
) -> Result<Verification, SecurityError> {
    let parsed = PasswordHash::new(stored).map_err(|e| SecurityError::StoredHash(e.to_string()))?;
    // Verify with the parameters the hash was made with (they are in the PHC string).
    let ok = Argon2::default()
        .verify_password(normalize(password).as_bytes(), &parsed)
        .is_ok();
    if !ok {
        return Ok(Verification::Invalid);
    }
    Ok(Verification::Valid {
        needs_rehash: !made_with(&parsed, params),
    })
}

fn made_with(hash: &PasswordHash<'_>, params: &Argon2Params) -> bool {
    if hash.algorithm != Algorithm::Argon2id.ident() || hash.version != Some(Version::V0x13 as u32)
    {
        return false;
    }
    match Params::try_from(hash) {
        Ok(p) => {
            p.m_cost() == params.memory_kib
                && p.t_cost() == params.iterations
                && p.p_cost() == params.parallelism
        }
        Err(_) => false,
    }
}
