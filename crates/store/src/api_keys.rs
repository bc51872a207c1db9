//! API keys for the marketplace's backend. A key is shown once, when it is created; only its SHA-256 is stored.
//! (A plain hash is right here, unlike for passwords: keys carry 256 random bits, so there is nothing to
//! brute-force, and a fast hash keeps authentication cheap on every request.)

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::time_text::{opt_time_col, time_col};
use crate::{Store, StoreError, format_time};

/// What a key may do. `all` on the command line grants every scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `POST /v1/screen`.
    Screen,
    /// Users, listings, orders, conversations and messages.
    Messaging,
    /// Phone-contact requests and grants.
    Contact,
    /// Passwords, second factors, logins, step-up, payout accounts, notifications.
    Security,
    /// Reports by buyers and sellers.
    Reports,
    /// Investigator views: originals, findings and decisions.
    Investigator,
    /// Administration: keys, policies.
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 7] = [
        Scope::Screen,
        Scope::Messaging,
        Scope::Contact,
        Scope::Security,
        Scope::Reports,
        Scope::Investigator,
        Scope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Screen => "screen",
            Scope::Messaging => "messaging",
            Scope::Contact => "contact",
            Scope::Security => "security",
            Scope::Reports => "reports",
            Scope::Investigator => "investigator",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Scope, UnknownScope> {
        Scope::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| UnknownScope(s.to_string()))
    }

    /// Parses a comma-separated list such as `screen,messaging` or `all`; sorted, without repeats, never empty.
    pub fn parse_list(list: &str) -> Result<Vec<Scope>, UnknownScope> {
        let mut out = Vec::new();
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part == "all" {
                out.extend(Scope::ALL);
            } else {
                out.push(Scope::parse(part)?);
            }
        }
        out.sort();
        out.dedup();
        if out.is_empty() {
            return Err(UnknownScope(list.to_string()));
        }
        Ok(out)
    }

    fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a scope list: use a comma-separated list of screen, messaging, contact, security, reports, investigator, admin, or `all`"
)]
pub struct UnknownScope(pub String);

/// A stored key (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The first characters of the key, enough for a person to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiKey {
    pub fn allows(&self, scope: Scope) -> bool {
        self.revoked_at.is_none() && self.scopes.contains(&scope)
    }
}

/// A key just created: the record and the secret, which is shown this once and never stored.
#[derive(Debug)]
pub struct NewApiKey {
    pub key: ApiKey,
    pub secret: String,
}

const KEY_PREFIX: &str = "mgk_";
const MAX_NAME_CHARS: usize = 100;

fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl Store {
    /// Creates a key with a fresh random secret; writes `api_key.create` to the audit log in the same transaction.
    pub async fn create_api_key(
        &self,
        name: &str,
        scopes: &[Scope],
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<NewApiKey, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(StoreError::Invalid(format!(
                "a key's name must have 1 to {MAX_NAME_CHARS} characters"
            )));
        }
        if scopes.is_empty() {
            return Err(StoreError::Invalid("a key needs at least one scope".into()));
        }
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let secret = format!(
            "{KEY_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        let prefix: String = secret.chars().take(KEY_PREFIX.len() + 8).collect();
        let key = ApiKey {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_string(),
            prefix,
            scopes,
            created_at: now,
            revoked_at: None,
        };
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)",
        )
        .bind(&key.id)
        .bind(&key.name)
        .bind(&key.prefix)
        .bind(hash_secret(&secret))
        .bind(Scope::join(&key.scopes))
        .bind(format_time(now))
        .execute(&mut *tx)
        .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(actor, "api_key.create", &format!("api_key:{}", key.id))
                .with_details(serde_json::json!({"name": key.name, "prefix": key.prefix, "scopes": Scope::join(&key.scopes)})),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(NewApiKey { key, secret })
    }

    /// Every key, oldest first, revoked ones included.
    pub async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, prefix, scopes, created_at, revoked_at FROM api_keys ORDER BY created_at, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_key).collect()
    }

    /// The live or revoked key whose secret this is, if any.
    pub async fn find_api_key(&self, secret: &str) -> Result<Option<ApiKey>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, prefix, scopes, created_at, revoked_at FROM api_keys WHERE key_hash = $1",
        )
        .bind(hash_secret(secret))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_key).transpose()
    }

    /// Revokes a key by id or by prefix; writes `api_key.revoke` to the audit log. Revoking twice is an error
    /// that says so.
    pub async fn revoke_api_key(
        &self,
        id_or_prefix: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ApiKey, StoreError> {
        let mut tx = self.pool().begin().await?;
        let rows = sqlx::query(
            "SELECT id, name, prefix, scopes, created_at, revoked_at FROM api_keys WHERE id = $1 OR prefix = $2",
        )
        .bind(id_or_prefix)
        .bind(id_or_prefix)
        .fetch_all(&mut *tx)
        .await?;
        let mut key = match rows.as_slice() {
            [row] => row_to_key(row)?,
            [] => {
                return Err(StoreError::NotFound {
                    what: "API key",
                    id: id_or_prefix.to_string(),
                });
            }
            _ => {
                return Err(StoreError::Invalid(format!(
                    "`{id_or_prefix}` matches several keys: give the key's id"
                )));
            }
        };
        if key.revoked_at.is_some() {
            return Err(StoreError::Invalid(format!(
                "API key {} is already revoked",
                key.id
            )));
        }
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2")
            .bind(format_time(now))
            .bind(&key.id)
            .execute(&mut *tx)
            .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(actor, "api_key.revoke", &format!("api_key:{}", key.id))
                .with_details(serde_json::json!({"name": key.name, "prefix": key.prefix})),
            now,
        )
        .await?;
        tx.commit().await?;
        key.revoked_at = Some(now);
        Ok(key)
    }
}

fn row_to_key(row: &sqlx::any::AnyRow) -> Result<ApiKey, StoreError> {
    let scopes: String = row.try_get("scopes")?;
    let scopes = Scope::parse_list(&scopes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(ApiKey {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        scopes,
        created_at: time_col(row, "created_at")?,
        revoked_at: opt_time_col(row, "revoked_at")?,
    })
}
