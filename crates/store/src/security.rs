//! Account security records: console accounts and their sessions, marketplace users' second factors and
//! recovery codes, login events and the devices and countries each user has signed in from, payout-account
//! changes, security alerts and the notification outbox. The rules live in the `security` crate; this module
//! only stores and counts. Marketplace users are keyed by the marketplace's own id.

use sqlx::Row as _;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::time_text::{opt_time_col, time_col};
use crate::{Store, StoreError, format_time};

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

// ---------------------------------------------------------------------------------------------------------------
// Console accounts and sessions

/// What a console account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleRole {
    Investigator,
    Admin,
}

impl ConsoleRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsoleRole::Investigator => "investigator",
            ConsoleRole::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<ConsoleRole, StoreError> {
        match s {
            "investigator" => Ok(ConsoleRole::Investigator),
            "admin" => Ok(ConsoleRole::Admin),
            other => Err(StoreError::Invalid(format!(
                "`{other}` is not a console role: use investigator or admin"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleAccount {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: ConsoleRole,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// The TOTP secret, encrypted (`security::DataKey`), when a second factor is on.
    pub totp_secret_enc: Option<String>,
    pub totp_last_step: Option<i64>,
    pub status: domain::AccountStatus,
    /// Set on evidence of compromise: the next sign-in must choose a new password.
    pub must_change_password: bool,
    pub created_at: OffsetDateTime,
    pub password_changed_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewConsoleAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub role: ConsoleRole,
    pub password_hash: &'a str,
}

const ACCOUNT_COLS: &str = "id, username, display_name, email, role, password_hash, totp_secret_enc, totp_last_step, status, must_change_password, created_at, password_changed_at";

fn row_to_account(r: &AnyRow) -> Result<ConsoleAccount, StoreError> {
    Ok(ConsoleAccount {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        role: ConsoleRole::parse(&r.try_get::<String, _>("role")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        password_hash: r.try_get("password_hash")?,
        totp_secret_enc: r.try_get("totp_secret_enc")?,
        totp_last_step: r.try_get("totp_last_step")?,
        status: crate::column::token(r, "console_accounts", "status")?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        created_at: time_col(r, "created_at")?,
        password_changed_at: time_col(r, "password_changed_at")?,
    })
}

/// A console session (never its token: only the token's hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSession {
    pub id: String,
    pub account_id: String,
    pub device: String,
    pub ip: String,
    pub country: String,
    pub public_computer: bool,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub idle_expires_at: OffsetDateTime,
    pub absolute_expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewConsoleSession<'a> {
    pub account_id: &'a str,
    pub token_hash: &'a str,
    pub device: &'a str,
    pub ip: &'a str,
    pub country: &'a str,
    pub public_computer: bool,
    pub idle_expires_at: OffsetDateTime,
    pub absolute_expires_at: OffsetDateTime,
}

const SESSION_COLS: &str = "id, account_id, device, ip, country, public_computer, created_at, last_seen_at, idle_expires_at, absolute_expires_at, revoked_at, revoked_reason";

fn row_to_session(r: &AnyRow) -> Result<ConsoleSession, StoreError> {
    Ok(ConsoleSession {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        device: r.try_get("device")?,
        ip: r.try_get("ip")?,
        country: r.try_get("country")?,
        public_computer: r.try_get::<i64, _>("public_computer")? != 0,
        created_at: time_col(r, "created_at")?,
        last_seen_at: time_col(r, "last_seen_at")?,
        idle_expires_at: time_col(r, "idle_expires_at")?,
        absolute_expires_at: time_col(r, "absolute_expires_at")?,
        revoked_at: opt_time_col(r, "revoked_at")?,
        revoked_reason: r.try_get("revoked_reason")?,
    })
}

impl Store {
    /// Creates a console account; writes `console_account.create` to the audit log.
    pub async fn create_console_account(
        &self,
        new: &NewConsoleAccount<'_>,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<ConsoleAccount, StoreError> {
        let username = new.username.trim();
        if username.is_empty() || username.chars().count() > 100 {
            return Err(StoreError::Invalid(
                "a console username must have 1 to 100 characters".into(),
            ));
        }
        let mut tx = self.pool().begin().await?;
        let taken: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM console_accounts WHERE username = $1")
                .bind(username)
                .fetch_one(&mut *tx)
                .await?;
        if taken > 0 {
            return Err(StoreError::Invalid(format!(
                "the console username `{username}` is taken"
            )));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO console_accounts (id, username, display_name, email, role, password_hash, totp_secret_enc, totp_last_step, status, must_change_password, created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, 'active', 0, $7, $7)",
        )
        .bind(&id)
        .bind(username)
        .bind(new.display_name)
        .bind(new.email)
        .bind(new.role.as_str())
        .bind(new.password_hash)
        .bind(format_time(now))
        .execute(&mut *tx)
        .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                actor,
                "console_account.create",
                &format!("console_account:{id}"),
            )
            .with_details(serde_json::json!({"username": username, "role": new.role.as_str()})),
            now,
        )
        .await?;
        tx.commit().await?;
        self.console_account(&id)
            .await?
            .ok_or(StoreError::NotFound {
                what: "console account",
                id,
            })
    }

    pub async fn console_account(&self, id: &str) -> Result<Option<ConsoleAccount>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS} FROM console_accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_account).transpose()
    }

    pub async fn console_account_by_username(
        &self,
        username: &str,
    ) -> Result<Option<ConsoleAccount>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS} FROM console_accounts WHERE username = $1"
        ))
        .bind(username.trim())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_account).transpose()
    }

    /// Every console account, by username.
    pub async fn console_accounts(&self) -> Result<Vec<ConsoleAccount>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLS} FROM console_accounts ORDER BY username"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_account).collect()
    }

    /// Replaces the stored hash of the same password (new Argon2 parameters); not a password change.
    pub async fn rehash_console_password(
        &self,
        account_id: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE console_accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(account_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A new password: stores its hash, clears a forced change, ends every other session (all of them when
    /// `keep_session` is `None`); writes `console_account.password_change`. Answers how many sessions ended.
    pub async fn change_console_password(
        &self,
        account_id: &str,
        password_hash: &str,
        keep_session: Option<&str>,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE console_accounts SET password_hash = $1, must_change_password = 0, password_changed_at = $2 WHERE id = $3",
        )
        .bind(password_hash)
        .bind(format_time(now))
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "console account",
                id: account_id.to_string(),
            });
        }
        let ended =
            revoke_sessions_in(&mut tx, account_id, keep_session, "password_changed", now).await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                actor,
                "console_account.password_change",
                &format!("console_account:{account_id}"),
            )
            .with_details(serde_json::json!({"sessions_ended": ended})),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// On evidence of compromise: the next sign-in must choose a new password, and every session ends.
    pub async fn force_console_password_change(
        &self,
        account_id: &str,
        reason: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE console_accounts SET must_change_password = 1 WHERE id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        let ended =
            revoke_sessions_in(&mut tx, account_id, None, "compromise_suspected", now).await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                actor,
                "console_account.force_password_change",
                &format!("console_account:{account_id}"),
            )
            .with_details(serde_json::json!({"reason": reason, "sessions_ended": ended})),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Turns on (or replaces) the console account's TOTP second factor; audited.
    pub async fn set_console_totp(
        &self,
        account_id: &str,
        secret_enc: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "UPDATE console_accounts SET totp_secret_enc = $1, totp_last_step = NULL WHERE id = $2",
        )
        .bind(secret_enc)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                actor,
                "console_account.totp_enrol",
                &format!("console_account:{account_id}"),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the step of an accepted console TOTP code; false when that step (or a later one) was already
    /// used, which makes a replay fail even when two requests race.
    pub async fn use_console_totp_step(
        &self,
        account_id: &str,
        step: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE console_accounts SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(account_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn create_console_session(
        &self,
        new: &NewConsoleSession<'_>,
        now: OffsetDateTime,
    ) -> Result<ConsoleSession, StoreError> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO console_sessions (id, account_id, token_hash, device, ip, country, public_computer, created_at, last_seen_at, idle_expires_at, absolute_expires_at, revoked_at, revoked_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, NULL, NULL)",
        )
        .bind(&id)
        .bind(new.account_id)
        .bind(new.token_hash)
        .bind(new.device)
        .bind(new.ip)
        .bind(new.country)
        .bind(i64::from(new.public_computer))
        .bind(format_time(now))
        .bind(format_time(new.idle_expires_at))
        .bind(format_time(new.absolute_expires_at))
        .execute(self.pool())
        .await?;
        Ok(ConsoleSession {
            id,
            account_id: new.account_id.to_string(),
            device: new.device.to_string(),
            ip: new.ip.to_string(),
            country: new.country.to_string(),
            public_computer: new.public_computer,
            created_at: now,
            last_seen_at: now,
            idle_expires_at: new.idle_expires_at,
            absolute_expires_at: new.absolute_expires_at,
            revoked_at: None,
            revoked_reason: None,
        })
    }

    /// The session whose token hashes to `token_hash`, whatever its state.
    pub async fn console_session_by_token_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ConsoleSession>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLS} FROM console_sessions WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_to_session).transpose()
    }

    /// Records a use of the session and its new idle expiry.
    pub async fn touch_console_session(
        &self,
        session_id: &str,
        now: OffsetDateTime,
        idle_expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE console_sessions SET last_seen_at = $1, idle_expires_at = $2 WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(format_time(now))
        .bind(format_time(idle_expires_at))
        .bind(session_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The account's sessions, newest first (revoked and expired ones too, for the record).
    pub async fn console_sessions(
        &self,
        account_id: &str,
    ) -> Result<Vec<ConsoleSession>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SESSION_COLS} FROM console_sessions WHERE account_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_session).collect()
    }

    /// Ends one session of the account; false when it was not live (or not the account's).
    pub async fn revoke_console_session(
        &self,
        account_id: &str,
        session_id: &str,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE console_sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND account_id = $4 AND revoked_at IS NULL",
        )
        .bind(format_time(now))
        .bind(reason)
        .bind(session_id)
        .bind(account_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// "Sign out everywhere": ends every live session of the account except `keep`; answers how many.
    pub async fn revoke_all_console_sessions(
        &self,
        account_id: &str,
        keep: Option<&str>,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let n = revoke_sessions_in(&mut tx, account_id, keep, reason, now).await?;
        tx.commit().await?;
        Ok(n)
    }
}

async fn revoke_sessions_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account_id: &str,
    keep: Option<&str>,
    reason: &str,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE console_sessions SET revoked_at = $1, revoked_reason = $2 WHERE account_id = $3 AND revoked_at IS NULL AND id <> $4",
    )
    .bind(format_time(now))
    .bind(reason)
    .bind(account_id)
    .bind(keep.unwrap_or(""))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

// ---------------------------------------------------------------------------------------------------------------
// Marketplace users: contacts, second factors, recovery codes

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactor {
    pub user_id: String,
    pub totp_secret_enc: String,
    /// Set by the first accepted code.
    pub confirmed_at: Option<OffsetDateTime>,
    pub last_used_step: Option<i64>,
    /// The last time a code or a recovery code was accepted (what step-up looks at).
    pub last_verified_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

impl Store {
    /// Remembers where to reach the user with security notifications; answers the address it replaced.
    pub async fn set_security_contact(
        &self,
        user_id: &str,
        email: &str,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        let previous = self.security_contact(user_id).await?;
        sqlx::query(
            "INSERT INTO security_contacts (user_id, email, updated_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET email = $2, updated_at = $3",
        )
        .bind(user_id)
        .bind(email)
        .bind(format_time(now))
        .execute(self.pool())
        .await?;
        Ok(previous)
    }

    pub async fn security_contact(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        let v: Option<Option<String>> =
            sqlx::query_scalar("SELECT email FROM security_contacts WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(v.flatten())
    }

    /// Enrols (or re-enrols) a TOTP second factor with fresh recovery codes (their hashes); earlier codes stop
    /// working. Writes `second_factor.enrol` to the audit log.
    pub async fn enrol_second_factor(
        &self,
        user_id: &str,
        totp_secret_enc: &str,
        recovery_code_hashes: &[String],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = format_time(now);
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM user_second_factors WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO user_second_factors (user_id, totp_secret_enc, confirmed_at, last_used_step, last_verified_at, created_at) VALUES ($1, $2, NULL, NULL, NULL, $3)",
        )
        .bind(user_id)
        .bind(totp_secret_enc)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM user_recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for h in recovery_code_hashes {
            sqlx::query(
                "INSERT INTO user_recovery_codes (id, user_id, code_hash, used_at, created_at) VALUES ($1, $2, $3, NULL, $4)",
            )
            .bind(new_id())
            .bind(user_id)
            .bind(h)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                "marketplace",
                "second_factor.enrol",
                &format!("user:{user_id}"),
            )
            .with_details(
                serde_json::json!({"kind": "totp", "recovery_codes": recovery_code_hashes.len()}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn second_factor(&self, user_id: &str) -> Result<Option<SecondFactor>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, totp_secret_enc, confirmed_at, last_used_step, last_verified_at, created_at FROM user_second_factors WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(SecondFactor {
                user_id: r.try_get("user_id")?,
                totp_secret_enc: r.try_get("totp_secret_enc")?,
                confirmed_at: opt_time_col(&r, "confirmed_at")?,
                last_used_step: r.try_get("last_used_step")?,
                last_verified_at: opt_time_col(&r, "last_verified_at")?,
                created_at: time_col(&r, "created_at")?,
            })
        })
        .transpose()
    }

    /// Records an accepted TOTP step; false when that step or a later one was already used (a replay), which
    /// holds even when two requests race, because the check is in the UPDATE.
    pub async fn use_totp_step(
        &self,
        user_id: &str,
        step: i64,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let at = format_time(now);
        let done = sqlx::query(
            "UPDATE user_second_factors SET last_used_step = $1, last_verified_at = $2, confirmed_at = COALESCE(confirmed_at, $2) WHERE user_id = $3 AND (last_used_step IS NULL OR last_used_step < $1)",
        )
        .bind(step)
        .bind(&at)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Spends a recovery code (by its hash); false when it is not the user's or was used already.
    pub async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let at = format_time(now);
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE user_recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(&at)
        .bind(user_id)
        .bind(code_hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("UPDATE user_second_factors SET last_verified_at = $1 WHERE user_id = $2")
            .bind(&at)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new(
                "marketplace",
                "second_factor.recovery_code_used",
                &format!("user:{user_id}"),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// How many unused recovery codes the user has left.
    pub async fn recovery_codes_left(&self, user_id: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Logins

/// One login attempt as reported by the marketplace, with Marketguard's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginEvent {
    pub user_id: String,
    pub success: bool,
    pub ip: String,
    pub country: String,
    pub device_id: String,
    pub user_agent: String,
    pub decision: String,
    pub throttled: bool,
    /// The signal codes, as JSON text.
    pub signals: String,
}

/// The counts the throttle needs, taken before an attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureCounts {
    pub account_consecutive_failures: i64,
    pub account_last_failure_at: Option<OffsetDateTime>,
    pub ip_failures: i64,
    pub ip_last_failure_at: Option<OffsetDateTime>,
    pub ip_distinct_accounts: i64,
}

/// What the user's earlier logins showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginHistory {
    pub last_success: Option<(String, OffsetDateTime)>,
    pub known_device: bool,
    pub known_country: bool,
}

impl Store {
    /// Failures of the account since its last accepted login, and failures from the IP since `window_start`.
    /// Attempts refused by the throttle are not counted.
    pub async fn failure_counts(
        &self,
        user_id: &str,
        ip: &str,
        window_start: OffsetDateTime,
    ) -> Result<FailureCounts, StoreError> {
        let last_ok: Option<String> = sqlx::query_scalar(
            "SELECT MAX(at) FROM login_events WHERE user_id = $1 AND success = 1 AND decision <> 'deny'",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?;
        let since = last_ok.unwrap_or_default();
        let acc = sqlx::query(
            "SELECT COUNT(*) AS n, MAX(at) AS last FROM login_events WHERE user_id = $1 AND success = 0 AND throttled = 0 AND at > $2",
        )
        .bind(user_id)
        .bind(&since)
        .fetch_one(self.pool())
        .await?;
        let ip_row = sqlx::query(
            "SELECT COUNT(*) AS n, MAX(at) AS last, COUNT(DISTINCT user_id) AS accounts FROM login_events WHERE ip = $1 AND success = 0 AND throttled = 0 AND at > $2",
        )
        .bind(ip)
        .bind(format_time(window_start))
        .fetch_one(self.pool())
        .await?;
        Ok(FailureCounts {
            account_consecutive_failures: acc.try_get("n")?,
            account_last_failure_at: opt_time_col(&acc, "last")?,
            ip_failures: ip_row.try_get("n")?,
            ip_last_failure_at: opt_time_col(&ip_row, "last")?,
            ip_distinct_accounts: ip_row.try_get("accounts")?,
        })
    }

    pub async fn login_history(
        &self,
        user_id: &str,
        device_id: &str,
        country: &str,
    ) -> Result<LoginHistory, StoreError> {
        let last = sqlx::query(
            "SELECT country, at FROM login_events WHERE user_id = $1 AND success = 1 AND decision <> 'deny' ORDER BY at DESC LIMIT 1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        let last_success = last
            .map(|r| Ok::<_, StoreError>((r.try_get::<String, _>("country")?, time_col(&r, "at")?)))
            .transpose()?;
        let known = |kind: &'static str, value: String| async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM known_login_sources WHERE user_id = $1 AND kind = $2 AND value = $3",
            )
            .bind(user_id)
            .bind(kind)
            .bind(value)
            .fetch_one(self.pool())
            .await?;
            Ok::<bool, StoreError>(n > 0)
        };
        Ok(LoginHistory {
            last_success,
            known_device: known("device", device_id.to_string()).await?,
            known_country: known("country", country.to_string()).await?,
        })
    }

    /// Stores a login event; when `remember` is set, its device and country become known for the user.
    pub async fn record_login(
        &self,
        event: &LoginEvent,
        remember: bool,
        now: OffsetDateTime,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO login_events (id, user_id, success, ip, country, device_id, user_agent, decision, throttled, signals, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(&event.user_id)
        .bind(i64::from(event.success))
        .bind(&event.ip)
        .bind(&event.country)
        .bind(&event.device_id)
        .bind(&event.user_agent)
        .bind(&event.decision)
        .bind(i64::from(event.throttled))
        .bind(&event.signals)
        .bind(format_time(now))
        .execute(&mut *tx)
        .await?;
        if remember {
            remember_in(
                &mut tx,
                &event.user_id,
                &event.device_id,
                &event.country,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// After the second factor passed: the device and country of the user's latest challenged login since
    /// `since` become known. Answers whether there was one.
    pub async fn remember_challenged_login(
        &self,
        user_id: &str,
        since: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT device_id, country FROM login_events WHERE user_id = $1 AND decision = 'challenge' AND at > $2 ORDER BY at DESC LIMIT 1",
        )
        .bind(user_id)
        .bind(format_time(since))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(false) };
        let (device, country): (String, String) =
            (row.try_get("device_id")?, row.try_get("country")?);
        let mut tx = self.pool().begin().await?;
        remember_in(&mut tx, user_id, &device, &country, now).await?;
        tx.commit().await?;
        Ok(true)
    }
}

async fn remember_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: &str,
    device: &str,
    country: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    for (kind, value) in [("device", device), ("country", country)] {
        sqlx::query(
            "INSERT INTO known_login_sources (user_id, kind, value, first_seen, last_seen) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (user_id, kind, value) DO UPDATE SET last_seen = $4",
        )
        .bind(user_id)
        .bind(kind)
        .bind(value)
        .bind(format_time(now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Alerts, notifications, payout changes

/// A security alert about a user (or about no user, such as credential stuffing from one IP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlert {
    pub user_id: Option<String>,
    pub kind: String,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityAlert {
    pub id: String,
    pub user_id: Option<String>,
    pub kind: String,
    /// JSON text.
    pub details: String,
    pub at: OffsetDateTime,
}

/// A notification to put in the outbox. `channel` is `email` (sent by the sender task) or `in_app` (the
/// message centre, delivered at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub recipient_id: String,
    pub channel: String,
    pub address: Option<String>,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub verification_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: String,
    pub recipient_id: String,
    pub channel: String,
    pub address: Option<String>,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub verification_code: String,
    /// `pending`, `sent`, `failed` (gave up) or `delivered` (in-app).
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

const NOTIFICATION_COLS: &str = "id, recipient_id, channel, address, kind, subject, body, verification_code, status, attempts, last_error, created_at, sent_at";

fn row_to_notification(r: &AnyRow) -> Result<Notification, StoreError> {
    Ok(Notification {
        id: r.try_get("id")?,
        recipient_id: r.try_get("recipient_id")?,
        channel: r.try_get("channel")?,
        address: r.try_get("address")?,
        kind: r.try_get("kind")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        verification_code: r.try_get("verification_code")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        created_at: time_col(r, "created_at")?,
        sent_at: opt_time_col(r, "sent_at")?,
    })
}

/// A recorded payout-account change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutChange {
    pub id: String,
    pub user_id: String,
    pub fingerprint: String,
    pub previous_fingerprint: Option<String>,
    pub changed_at: OffsetDateTime,
    pub hold_until: OffsetDateTime,
}

async fn alert_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    alert: &NewAlert,
    notes: &[NewNotification],
    now: OffsetDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    let at = format_time(now);
    sqlx::query(
        "INSERT INTO security_alerts (id, user_id, kind, details, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(alert.user_id.as_deref())
    .bind(&alert.kind)
    .bind(alert.details.to_string())
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    for n in notes {
        insert_notification_in(tx, n, now).await?;
    }
    Ok(id)
}

/// Puts one notification in the outbox (an `in_app` one is delivered at once).
pub(crate) async fn insert_notification_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    n: &NewNotification,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let at = format_time(now);
    let (status, sent_at) = if n.channel == "in_app" {
        ("delivered", Some(at.clone()))
    } else {
        ("pending", None)
    };
    sqlx::query(
            "INSERT INTO notifications (id, recipient_id, channel, address, kind, subject, body, verification_code, status, attempts, last_error, created_at, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, NULL, $10, $11)",
        )
        .bind(new_id())
        .bind(&n.recipient_id)
        .bind(&n.channel)
        .bind(n.address.as_deref())
        .bind(&n.kind)
        .bind(&n.subject)
        .bind(&n.body)
        .bind(&n.verification_code)
        .bind(status)
        .bind(&at)
        .bind(sent_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Records an alert and queues its notifications, together.
    pub async fn raise_alert(
        &self,
        alert: &NewAlert,
        notes: &[NewNotification],
        now: OffsetDateTime,
    ) -> Result<String, StoreError> {
        let mut tx = self.pool().begin().await?;
        let id = alert_in(&mut tx, alert, notes, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Alerts about a user (or, with `None`, about no user), newest first.
    pub async fn security_alerts(
        &self,
        user_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SecurityAlert>, StoreError> {
        let sql = if user_id.is_some() {
            "SELECT id, user_id, kind, details, at FROM security_alerts WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2"
        } else {
            "SELECT id, user_id, kind, details, at FROM security_alerts WHERE user_id IS NULL OR user_id = $1 ORDER BY at DESC, id DESC LIMIT $2"
        };
        let rows = sqlx::query(sql)
            .bind(user_id.unwrap_or(""))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SecurityAlert {
                    id: r.try_get("id")?,
                    user_id: r.try_get("user_id")?,
                    kind: r.try_get("kind")?,
                    details: r.try_get("details")?,
                    at: time_col(r, "at")?,
                })
            })
            .collect()
    }

    /// Email notifications waiting to be sent, oldest first.
    pub async fn pending_email_notifications(
        &self,
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {NOTIFICATION_COLS} FROM notifications WHERE channel = 'email' AND status = 'pending' ORDER BY created_at, id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_notification).collect()
    }

    pub async fn mark_notification_sent(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE notifications SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2",
        )
        .bind(format_time(now))
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records a failed attempt; after `max_attempts` the notification is `failed` and no longer retried.
    pub async fn mark_notification_attempt_failed(
        &self,
        id: &str,
        error: &str,
        max_attempts: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE notifications SET attempts = attempts + 1, last_error = $1, status = CASE WHEN attempts + 1 >= $2 THEN 'failed' ELSE status END WHERE id = $3",
        )
        .bind(error)
        .bind(max_attempts)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The user's message centre: every notification to them, newest first.
    pub async fn notifications_for(
        &self,
        user_id: &str,
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {NOTIFICATION_COLS} FROM notifications WHERE recipient_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_notification).collect()
    }

    /// The notifications that carry a verification code (one per channel of the same message).
    pub async fn notifications_by_code(&self, code: &str) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {NOTIFICATION_COLS} FROM notifications WHERE verification_code = $1 ORDER BY created_at, id"
        ))
        .bind(code)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_to_notification).collect()
    }

    /// The user's current payout account (the latest change), if any.
    pub async fn latest_payout_change(
        &self,
        user_id: &str,
    ) -> Result<Option<PayoutChange>, StoreError> {
        let row = sqlx::query(
            "SELECT id, user_id, fingerprint, previous_fingerprint, changed_at, hold_until FROM payout_account_changes WHERE user_id = $1 ORDER BY changed_at DESC, id DESC LIMIT 1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(PayoutChange {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                fingerprint: r.try_get("fingerprint")?,
                previous_fingerprint: r.try_get("previous_fingerprint")?,
                changed_at: time_col(&r, "changed_at")?,
                hold_until: time_col(&r, "hold_until")?,
            })
        })
        .transpose()
    }

    /// Records a payout-account change with its hold, its alert and notifications; writes
    /// `payout_account.change` to the audit log, all in one transaction.
    #[allow(clippy::too_many_arguments)] // one transaction's worth of facts; a struct would only rename them
    pub async fn record_payout_change(
        &self,
        user_id: &str,
        fingerprint: &str,
        previous_fingerprint: Option<&str>,
        hold_until: OffsetDateTime,
        alert: &NewAlert,
        notes: &[NewNotification],
        now: OffsetDateTime,
    ) -> Result<PayoutChange, StoreError> {
        let id = new_id();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO payout_account_changes (id, user_id, fingerprint, previous_fingerprint, changed_at, hold_until) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(fingerprint)
        .bind(previous_fingerprint)
        .bind(format_time(now))
        .bind(format_time(hold_until))
        .execute(&mut *tx)
        .await?;
        alert_in(&mut tx, alert, notes, now).await?;
        self.audit_in(
            &mut tx,
            &AuditEntry::new("marketplace", "payout_account.change", &format!("user:{user_id}"))
                .with_details(serde_json::json!({"fingerprint": fingerprint, "hold_until": format_time(hold_until)})),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(PayoutChange {
            id,
            user_id: user_id.to_string(),
            fingerprint: fingerprint.to_string(),
            previous_fingerprint: previous_fingerprint.map(str::to_string),
            changed_at: now,
            hold_until,
        })
    }
}
