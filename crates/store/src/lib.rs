//! Marketguard's storage on two backends, SQLite (the embedded default) and PostgreSQL, chosen by the database URL.
//!
//! One code path serves both: queries go through sqlx's `Any` driver and use only portable SQL (`$1` parameters in
//! order of appearance, TEXT ids and times, BIGINT numbers). Each backend has its own migration folder, because DDL
//! is where the two differ.
//!
//! Invariants:
//! - the schema is changed only by migrations; a database migrated by a newer Marketguard is refused
//!   ([`StoreError::DatabaseTooNew`]);
//! - every change that must be audited writes its [`audit`] entry in the same transaction as the change.

pub mod api_keys;
pub mod audit;
pub mod cases;
mod column;
pub mod contact;
pub mod enforcement;
pub mod messaging;
pub mod parties;
pub mod policies;
pub mod security;
mod time_text;
pub mod verdicts;

pub use api_keys::{ApiKey, NewApiKey, Scope, UnknownScope};
pub use audit::{AuditEntry, AuditEvent, AuditKeys, ChainReport, Checkpoint, CheckpointFailure};
pub use time_text::{format_time, parse_time};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL: `sqlite://PATH` or `postgres://...` (`postgresql://` too).
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "`{0}` is not a supported database URL: use `sqlite://PATH` (for example `sqlite://./marketguard.db`) or `postgres://USER@HOST:PORT/DB`"
    )]
    UnsupportedUrl(String),
    #[error(
        "could not open the database at `{url}`: {source}. Check that it is reachable and the URL is right"
    )]
    Connect { url: String, source: sqlx::Error },
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "the database was migrated by a newer Marketguard (schema version {database}, this binary knows up to {binary}): run the newer version, or restore a backup made for this one"
    )]
    DatabaseTooNew { database: i64, binary: i64 },
    #[error(
        "the database is not migrated (schema version {database}, this binary needs {binary}): run `marketguard migrate`"
    )]
    NotMigrated { database: i64, binary: i64 },
    #[error("{what} `{id}` was not found")]
    NotFound { what: &'static str, id: String },
    #[error("invalid value: {0}")]
    Invalid(String),
    #[error("the database answered with an error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("a stored row is corrupt: {0}")]
    Corrupt(String),
    #[error(
        "the audit log is keyed and no audit key is configured: set security.encryption_key (the key the log was written with)"
    )]
    AuditKeyMissing,
    #[error("the audit log is broken at entry {seq}: {why}")]
    AuditChainBroken { seq: i64, why: String },
}

impl StoreError {
    /// A stored value that cannot be read: which table and column, and what is wrong with the value.
    pub(crate) fn corrupt(table: &str, column: &str, detail: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt(format!("{table}.{column}: {detail}"))
    }

    /// True when the database could not be reached (as opposed to refusing a statement): worth a retry later.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Connect { .. }
                | StoreError::Database(
                    sqlx::Error::PoolTimedOut
                        | sqlx::Error::PoolClosed
                        | sqlx::Error::Io(_)
                        | sqlx::Error::Tls(_)
                )
        )
    }
}

/// How long opening the database may take before it is reported unreachable.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A handle on the database: cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    audit_keys: Option<std::sync::Arc<audit::AuditKeys>>,
}

impl Store {
    /// Opens the database at `url` (creating a SQLite file on first use) without migrating it.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let (url_to_open, options) = match backend {
            Backend::Sqlite => {
                // Create the file on first start; WAL lets readers run beside the writer; wait for the writer
                // rather than failing at once when the file is busy.
                let u = if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                let opts = AnyPoolOptions::new().max_connections(8).after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
                            .await?;
                        Ok(())
                    })
                });
                (u, opts)
            }
            Backend::Postgres => (url.to_string(), AnyPoolOptions::new().max_connections(16)),
        };
        let connect_error = |source| StoreError::Connect {
            url: redact_url(url),
            source,
        };
        if backend == Backend::Postgres {
            // The pool retries a refused connection until its acquire timeout and then names only the timeout. One
            // direct attempt first fails fast with the real cause: connection refused, no such database, password.
            use sqlx::Connection as _;
            let first =
                tokio::time::timeout(CONNECT_TIMEOUT, sqlx::AnyConnection::connect(&url_to_open))
                    .await
                    .unwrap_or_else(|_| {
                        Err(sqlx::Error::Io(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
                        )))
                    })
                    .map_err(connect_error)?;
            let _ = first.close().await;
        }
        let pool = options
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect(&url_to_open)
            .await
            .map_err(connect_error)?;
        Ok(Store {
            pool,
            backend,
            audit_keys: None,
        })
    }

    /// Opens the database and brings its schema up to date (what `serve` does at start-up).
    pub async fn open_and_migrate(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// This store with the audit log's keys (from the server's key): new entries are keyed and keyed entries
    /// verify. Without keys, entries are legacy until the first keyed one, after which appending is refused.
    pub fn with_audit_keys(mut self, keys: Option<audit::AuditKeys>) -> Store {
        self.audit_keys = keys.map(std::sync::Arc::new);
        self
    }

    pub(crate) fn audit_keys(&self) -> Option<&audit::AuditKeys> {
        self.audit_keys.as_deref()
    }

    /// The checkpoint signing key's public half (hex), when the store has audit keys.
    pub fn audit_public_key(&self) -> Option<String> {
        self.audit_keys().map(audit::AuditKeys::public_key_hex)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`, so it takes the write lock before
    /// reading (a deferred transaction that reads and then writes can fail with "database is locked" instead of
    /// waiting); on PostgreSQL an ordinary transaction.
    pub(crate) async fn write_tx(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The newest migration this binary knows.
    pub fn binary_schema_version(&self) -> i64 {
        self.backend
            .migrator()
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0)
    }

    /// The newest migration applied to the database (0 for a new database).
    pub async fn database_schema_version(&self) -> Result<i64, StoreError> {
        let exists_sql = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        let exists: i64 = sqlx::query_scalar(exists_sql).fetch_one(&self.pool).await?;
        if exists == 0 {
            return Ok(0);
        }
        let v: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await?;
        Ok(v.unwrap_or(0))
    }

    /// Applies the migrations this binary has and the database lacks. Refuses a database migrated by a newer
    /// version.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let (database, binary) = (
            self.database_schema_version().await?,
            self.binary_schema_version(),
        );
        if database > binary {
            return Err(StoreError::DatabaseTooNew { database, binary });
        }
        self.backend.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Fails unless the schema is exactly the one this binary expects (used where migrating is not wanted).
    pub async fn check_schema(&self) -> Result<(), StoreError> {
        let (database, binary) = (
            self.database_schema_version().await?,
            self.binary_schema_version(),
        );
        match database.cmp(&binary) {
            std::cmp::Ordering::Greater => Err(StoreError::DatabaseTooNew { database, binary }),
            std::cmp::Ordering::Less => Err(StoreError::NotMigrated { database, binary }),
            std::cmp::Ordering::Equal => Ok(()),
        }
    }

    /// Answers when the database does (what `/readyz` asks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let one: i64 = sqlx::query_scalar("SELECT 1").fetch_one(&self.pool).await?;
        if one == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt("SELECT 1 did not answer 1".into()))
        }
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A database URL with any password replaced by `***`, safe to print and log.
pub fn redact_url(url: &str) -> String {
    // scheme://user:password@host/...: hide what sits between the first ':' after the scheme and the '@'.
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest_start = scheme_end + 3;
    let rest = url.get(rest_start..).unwrap_or("");
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or("");
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!(
                "{}{}:***{}",
                url.get(..rest_start).unwrap_or(""),
                authority.get(..colon).unwrap_or(""),
                url.get(rest_start + at..).unwrap_or("")
            )
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_backend() {
        assert_eq!(
            Backend::from_url("sqlite://./x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(matches!(
            Backend::from_url("mysql://u@h/db"),
            Err(StoreError::UnsupportedUrl(_))
        ));
    }

    #[test]
    fn passwords_never_print() {
        assert_eq!(
            redact_url("postgres://bob:s3cret@db:5432/mg"),
            "postgres://bob:***@db:5432/mg"
        );
        assert_eq!(redact_url("postgres://bob@db/mg"), "postgres://bob@db/mg");
        assert_eq!(
            redact_url("sqlite://./marketguard.db"),
            "sqlite://./marketguard.db"
        );
    }
}
