//! The append-only audit log. Each entry carries a link to the entry before it, and `audit_head` holds the
//! newest entry's sequence and link, so editing, inserting or deleting any row by hand breaks the chain, and
//! [`Store::verify_audit_chain`] names the first entry where it breaks.
//!
//! The link is keyed ([`Link::HmacSha256`]: HMAC-SHA-256 under [`AuditKeys`], which never enter the database), so
//! someone who can write to the database but does not hold the key cannot recompute the links after an edit.
//! Entries written before the chain was keyed, or while no key was configured, are legacy ([`Link::Sha256`]); they
//! may only come first, and the first keyed entry seals them. A [`Checkpoint`] is a signed statement of the head,
//! kept outside the database, which [`Store::verify_checkpoints`] checks the log still extends: it catches what no
//! link can, deleting the newest entries and rewinding the head.

use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::{Store, StoreError, format_time};

/// The hash that the first entry points back to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How an entry's `hash` was made (the `link` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Legacy: SHA-256 of the entry and the previous hash, which anyone can recompute.
    Sha256,
    /// HMAC-SHA-256 of the entry, the previous hash and the link's name under the audit chain key.
    HmacSha256,
}

impl Link {
    pub fn as_str(self) -> &'static str {
        match self {
            Link::Sha256 => "sha256",
            Link::HmacSha256 => "hmac-sha256",
        }
    }

    fn parse(s: &str) -> Result<Link, StoreError> {
        match s {
            "sha256" => Ok(Link::Sha256),
            "hmac-sha256" => Ok(Link::HmacSha256),
            other => Err(StoreError::corrupt(
                "audit_events",
                "link",
                format!("`{other}` is not a link kind"),
            )),
        }
    }
}

/// The audit log's keys, derived outside the store from the server's key: the HMAC key of the chain's links and
/// the Ed25519 key that signs checkpoints. Never printed, never stored.
#[derive(Clone)]
pub struct AuditKeys {
    chain: [u8; 32],
    signing: SigningKey,
}

impl std::fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKeys(public key {})", self.public_key_hex())
    }
}

impl AuditKeys {
    /// The chain's HMAC key and the 32-byte seed of the checkpoint signing key.
    pub fn new(chain_key: [u8; 32], signing_seed: [u8; 32]) -> AuditKeys {
        AuditKeys {
            chain: chain_key,
            signing: SigningKey::from_bytes(&signing_seed),
        }
    }

    /// The checkpoint signing key's public half, hex.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().as_bytes())
    }

    fn mac(&self, bytes: &[u8]) -> String {
        // HMAC takes a key of any length, so this never fails; an empty link would only fail verification.
        match <Hmac<Sha256> as Mac>::new_from_slice(&self.chain) {
            Ok(mut mac) => {
                mac.update(bytes);
                hex::encode(mac.finalize().into_bytes())
            }
            Err(_) => String::new(),
        }
    }
}

/// What to record: who did what to which subject, with details as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: serde_json::Value,
}

impl AuditEntry {
    pub fn new(actor: &str, action: &str, subject: &str) -> Self {
        AuditEntry {
            actor: actor.to_string(),
            action: action.to_string(),
            subject: subject.to_string(),
            details: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// JSON text, exactly as hashed.
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
    /// How `hash` was made.
    pub link: Link,
}

impl AuditEvent {
    /// The legacy, unkeyed link: SHA-256 of the entry's content and its predecessor's hash, hashed as one JSON
    /// array, so no two different entries serialise to the same bytes. Anyone can recompute it.
    pub fn sha256_link(&self) -> String {
        let canonical = serde_json::Value::Array(self.linked_fields());
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }

    /// The fields a link covers, in order: `[seq, at, actor, action, subject, details, prev_hash]`.
    fn linked_fields(&self) -> Vec<serde_json::Value> {
        serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.subject,
            self.details,
            self.prev_hash
        ])
        .as_array()
        .cloned()
        .unwrap_or_default()
    }

    /// The keyed link: HMAC-SHA-256 under the chain key of the same array with the link's name appended.
    pub fn hmac_link(&self, keys: &AuditKeys) -> String {
        let mut fields = self.linked_fields();
        fields.push(Link::HmacSha256.as_str().into());
        keys.mac(serde_json::Value::Array(fields).to_string().as_bytes())
    }

    /// The hash this entry must carry by its own `link`; a keyed entry needs the keys.
    pub fn expected_hash(&self, keys: Option<&AuditKeys>) -> Result<String, StoreError> {
        match (self.link, keys) {
            (Link::Sha256, _) => Ok(self.sha256_link()),
            (Link::HmacSha256, Some(keys)) => Ok(self.hmac_link(keys)),
            (Link::HmacSha256, None) => Err(StoreError::AuditKeyMissing),
        }
    }
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: u64,
    /// How many of the verified entries are legacy (unkeyed, all at the start of the chain).
    pub legacy: u64,
    /// The newest verified entry's hash (the genesis hash for an empty log).
    pub head_hash: String,
    /// The first entry at which the chain breaks, and why; `None` when the chain is intact.
    pub first_bad: Option<(i64, String)>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// Appends an entry inside the caller's transaction, so the entry lands if and only if the change it records does.
/// The first statement takes the write lock on `audit_head`, which serialises concurrent appends on both
/// backends. With keys the entry is keyed; without, it is a legacy entry, which is refused once the chain holds a
/// keyed entry ([`StoreError::AuditKeyMissing`]): the chain never goes back to unkeyed links.
pub(crate) async fn append_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    keys: Option<&AuditKeys>,
    entry: &AuditEntry,
    now: OffsetDateTime,
) -> Result<AuditEvent, StoreError> {
    sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = row.try_get("seq")?;
    let prev_hash: String = row.try_get("hash")?;
    let link = match keys {
        Some(_) => Link::HmacSha256,
        None => {
            let prev = sqlx::query("SELECT link FROM audit_events WHERE seq = $1")
                .bind(seq - 1)
                .fetch_optional(&mut **tx)
                .await?;
            if let Some(prev) = prev
                && Link::parse(&prev.try_get::<String, _>("link")?)? == Link::HmacSha256
            {
                return Err(StoreError::AuditKeyMissing);
            }
            Link::Sha256
        }
    };
    let mut event = AuditEvent {
        seq,
        at: format_time(now),
        actor: entry.actor.clone(),
        action: entry.action.clone(),
        subject: entry.subject.clone(),
        details: entry.details.to_string(),
        prev_hash,
        hash: String::new(),
        link,
    };
    event.hash = event.expected_hash(keys)?;
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, action, subject, details, prev_hash, hash, link) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.seq)
    .bind(&event.at)
    .bind(&event.actor)
    .bind(&event.action)
    .bind(&event.subject)
    .bind(&event.details)
    .bind(&event.prev_hash)
    .bind(&event.hash)
    .bind(event.link.as_str())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&event.hash)
        .execute(&mut **tx)
        .await?;
    Ok(event)
}

fn row_to_event(r: &sqlx::any::AnyRow) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        subject: r.try_get("subject")?,
        details: r.try_get("details")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
        link: Link::parse(&r.try_get::<String, _>("link")?)?,
    })
}

impl Store {
    /// Appends one entry in a transaction of its own.
    pub async fn append_audit(
        &self,
        entry: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<AuditEvent, StoreError> {
        let mut tx = self.pool().begin().await?;
        let event = self.audit_in(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Appends an entry inside the caller's transaction, keyed with this store's audit keys when it has them.
    pub(crate) async fn audit_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        entry: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<AuditEvent, StoreError> {
        append_in(tx, self.audit_keys(), entry, now).await
    }

    /// Entries with `seq > after`, oldest first, at most `limit`.
    pub async fn audit_events(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, details, prev_hash, hash, link FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_event).collect()
    }

    /// The newest entries first: those with `seq < before` (all when `None`), optionally only those whose
    /// subject is `subject`, at most `limit`.
    pub async fn recent_audit_events(
        &self,
        before: Option<i64>,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, details, prev_hash, hash, link FROM audit_events WHERE seq < $1 AND ($2 = '' OR subject = $3) ORDER BY seq DESC LIMIT $4",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(subject.unwrap_or(""))
        .bind(subject.unwrap_or(""))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_event).collect()
    }

    /// Walks the whole chain in pages and reports the first entry that was edited, inserted or deleted by hand.
    /// Keyed entries are checked with this store's audit keys ([`StoreError::AuditKeyMissing`] without them).
    pub async fn verify_audit_chain(&self) -> Result<ChainReport, StoreError> {
        const PAGE: i64 = 1000;
        let keys = self.audit_keys();
        let mut expected_seq = 1i64;
        let mut prev_hash = GENESIS_HASH.to_string();
        let mut entries = 0u64;
        let mut legacy = 0u64;
        let bad = |seq: i64, why: String, entries: u64, legacy: u64, head_hash: &str| {
            Ok(ChainReport {
                entries,
                legacy,
                head_hash: head_hash.to_string(),
                first_bad: Some((seq, why)),
            })
        };
        loop {
            let page = self.audit_events(expected_seq - 1, PAGE).await?;
            for e in &page {
                if e.seq != expected_seq {
                    return bad(
                        expected_seq,
                        format!(
                            "entry {expected_seq} is missing (the next entry is {}): entries were deleted",
                            e.seq
                        ),
                        entries,
                        legacy,
                        &prev_hash,
                    );
                }
                if e.prev_hash != prev_hash {
                    return bad(e.seq, "its link to the previous entry is wrong: an entry was removed or inserted before it".into(), entries, legacy, &prev_hash);
                }
                if e.link == Link::Sha256 && legacy < entries {
                    return bad(
                        e.seq,
                        "it is an unkeyed (legacy) entry after keyed ones: the chain was rewritten from here"
                            .into(),
                        entries,
                        legacy,
                        &prev_hash,
                    );
                }
                if e.hash != e.expected_hash(keys)? {
                    return bad(
                        e.seq,
                        "its content does not match its hash: the entry was edited (or written under another key)"
                            .into(),
                        entries,
                        legacy,
                        &prev_hash,
                    );
                }
                if e.link == Link::Sha256 {
                    legacy += 1;
                }
                prev_hash = e.hash.clone();
                expected_seq += 1;
                entries += 1;
            }
            if (page.len() as i64) < PAGE {
                break;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(self.pool())
            .await?;
        let Some(head) = head else {
            return bad(
                expected_seq,
                "the chain head is missing".into(),
                entries,
                legacy,
                &prev_hash,
            );
        };
        let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
        if head_seq != expected_seq - 1 || head_hash != prev_hash {
            let seq = (expected_seq).min(head_seq.max(1));
            return bad(
                seq,
                format!(
                    "the chain ends at entry {} but its head records entry {head_seq}: the newest entries were deleted or the head was edited",
                    expected_seq - 1
                ),
                entries,
                legacy,
                &prev_hash,
            );
        }
        Ok(ChainReport {
            entries,
            legacy,
            head_hash: prev_hash,
            first_bad: None,
        })
    }

    /// A signed statement of the head as it is now, after verifying the whole chain. Needs the audit keys; a
    /// broken chain is refused ([`StoreError::AuditChainBroken`]) rather than vouched for.
    pub async fn audit_checkpoint(&self, now: OffsetDateTime) -> Result<Checkpoint, StoreError> {
        let keys = self.audit_keys().ok_or(StoreError::AuditKeyMissing)?;
        let report = self.verify_audit_chain().await?;
        if let Some((seq, why)) = report.first_bad {
            return Err(StoreError::AuditChainBroken { seq, why });
        }
        Ok(Checkpoint::sign(
            keys,
            report.entries,
            &report.head_hash,
            &format_time(now),
        ))
    }

    /// Checks that the log still extends every checkpoint, in order: each is signed by this store's key, the log
    /// has at least its entries, and the entry it names still has the hash it stated. Answers the first that no
    /// longer holds. The chain itself is checked first; a broken chain is [`StoreError::AuditChainBroken`].
    pub async fn verify_checkpoints(
        &self,
        checkpoints: &[Checkpoint],
    ) -> Result<Option<CheckpointFailure>, StoreError> {
        let keys = self.audit_keys().ok_or(StoreError::AuditKeyMissing)?;
        let report = self.verify_audit_chain().await?;
        if let Some((seq, why)) = report.first_bad {
            return Err(StoreError::AuditChainBroken { seq, why });
        }
        for (i, cp) in checkpoints.iter().enumerate() {
            let fail = |why: String| {
                Ok(Some(CheckpointFailure {
                    number: i + 1,
                    entries: cp.entries,
                    at: cp.at.clone(),
                    why,
                }))
            };
            if !cp.is_signed_by(keys) {
                return fail("it is not signed by this server's audit key".into());
            }
            if cp.entries > report.entries {
                return fail(format!(
                    "the log now has {} entries, fewer than the checkpoint's {}: entries after it were deleted",
                    report.entries, cp.entries
                ));
            }
            let hash = if cp.entries == 0 {
                GENESIS_HASH.to_string()
            } else {
                let seq = i64::try_from(cp.entries).map_err(|_| {
                    StoreError::Invalid("checkpoint entry count out of range".into())
                })?;
                match self.audit_events(seq - 1, 1).await?.pop() {
                    Some(e) => e.hash,
                    None => String::new(),
                }
            };
            if hash != cp.head {
                return fail(format!(
                    "entry {} no longer has the hash the checkpoint states: the log up to it was rewritten",
                    cp.entries
                ));
            }
        }
        Ok(None)
    }
}

/// A signed statement that the audit log had `entries` entries, the newest with hash `head`, at `at`. One JSON
/// object; kept outside the database (a file, another system), it proves the history up to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub entries: u64,
    pub head: String,
    pub at: String,
    /// The Ed25519 public key that signed it, hex.
    pub public_key: String,
    /// Ed25519 over [`Checkpoint::signed_bytes`], hex.
    pub signature: String,
}

/// The first checkpoint that the log no longer extends (numbered from 1, in file order), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointFailure {
    pub number: usize,
    pub entries: u64,
    pub at: String,
    pub why: String,
}

impl Checkpoint {
    fn sign(keys: &AuditKeys, entries: u64, head: &str, at: &str) -> Checkpoint {
        let mut cp = Checkpoint {
            entries,
            head: head.to_string(),
            at: at.to_string(),
            public_key: keys.public_key_hex(),
            signature: String::new(),
        };
        cp.signature = hex::encode(keys.signing.sign(&cp.signed_bytes()).to_bytes());
        cp
    }

    /// What the signature covers: a label, the count, the head, the time and the public key, as one JSON array.
    pub fn signed_bytes(&self) -> Vec<u8> {
        serde_json::json!([
            "marketguard.audit.checkpoint.v1",
            self.entries,
            self.head,
            self.at,
            self.public_key
        ])
        .to_string()
        .into_bytes()
    }

    /// True when the statement names this key's public half and its signature verifies under it.
    pub fn is_signed_by(&self, keys: &AuditKeys) -> bool {
        let public: VerifyingKey = keys.signing.verifying_key();
        if self.public_key != keys.public_key_hex() {
            return false;
        }
        let Ok(sig) = hex::decode(&self.signature) else {
            return false;
        };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(&sig) else {
            return false;
        };
        public.verify(&self.signed_bytes(), &sig).is_ok()
    }

    /// The statement as one line of JSON (the form `audit checkpoint` prints and appends).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a file of checkpoints, one JSON object a line (blank lines skipped).
    pub fn parse_lines(text: &str) -> Result<Vec<Checkpoint>, StoreError> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| {
                serde_json::from_str(l).map_err(|e| {
                    StoreError::Invalid(format!("line {} is not a checkpoint: {e}", n + 1))
                })
            })
            .collect()
    }
}
