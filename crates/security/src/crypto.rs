//! Encryption of secrets at rest (TOTP secrets) with ChaCha20-Poly1305 under a key from configuration, and
//! keyed fingerprints (HMAC-SHA-256) derived from the same key with domain separation.

use base64::Engine as _;
use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, Payload};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::SecurityError;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const NONCE_LEN: usize = 12;

/// A 256-bit key, never printed.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(***)")
    }
}

impl DataKey {
    /// Reads the key from its configured form: 32 bytes in standard base64.
    pub fn from_base64(secret: &SecretString) -> Result<DataKey, SecurityError> {
        let bytes = B64
            .decode(secret.expose_secret().trim())
            .map_err(|_| SecurityError::BadKey)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| SecurityError::BadKey)?;
        Ok(DataKey(arr))
    }

    /// A fresh random key in its configured form (for `marketguard` set-up and tests).
    pub fn generate_base64() -> String {
        use rand::RngCore as _;
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        B64.encode(k)
    }

    /// A sub-key for one purpose (HMAC-SHA-256 of the purpose's label under the key), so one configured key
    /// serves several uses without reuse.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            mac.update(purpose.as_bytes());
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    /// Encrypts `plaintext`, bound to `context` (e.g. the user id) so a ciphertext cannot be moved to another
    /// row. Answers base64 of nonce || ciphertext.
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> Result<String, SecurityError> {
        let cipher = ChaCha20Poly1305::new(&self.derive("encrypt").into());
        let nonce = ChaCha20Poly1305::generate_nonce(&mut chacha20poly1305::aead::OsRng);
        let ct = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SecurityError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(B64.encode(out))
    }

    /// Decrypts what [`DataKey::encrypt`] made with the same context.
    pub fn decrypt(&self, stored: &str, context: &str) -> Result<Vec<u8>, SecurityError> {
        let bytes = B64.decode(stored).map_err(|_| SecurityError::Decrypt)?;
        if bytes.len() <= NONCE_LEN {
            return Err(SecurityError::Decrypt);
        }
        let (nonce, ct) = bytes.split_at(NONCE_LEN);
        let cipher = ChaCha20Poly1305::new(&self.derive("encrypt").into());
        cipher
            .decrypt(
                nonce.into(),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SecurityError::Decrypt)
    }

    /// A keyed fingerprint of `value` for `purpose`: equal inputs give equal fingerprints, and without the key
    /// the fingerprint cannot be reversed by trying all account numbers.
    pub fn fingerprint(&self, purpose: &str, value: &str) -> String {
        let key = self.derive(purpose);
        match <Hmac<Sha256> as Mac>::new_from_slice(&key) {
            Ok(mut mac) => {
                mac.update(value.as_bytes());
                hex::encode(&mac.finalize().into_bytes()[..16])
            }
            Err(_) => String::new(),
        }
    }
}
