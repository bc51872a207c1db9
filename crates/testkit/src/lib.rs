//! Test support: a fresh database per test, on SQLite and on PostgreSQL.
//!
//! PostgreSQL tests need `MG_TEST_POSTGRES_URL` naming a server (CI sets it, e.g.
//! `postgres://postgres@127.0.0.1:5432/marketguard_ci`); each test gets a schema of its own there. They are named
//! `postgres::...`, and the workspace's nextest default filter (`.config/nextest.toml`) leaves them out, so the
//! README's test command lists only tests that run. A PostgreSQL test that runs without the variable, or cannot
//! reach the server, fails: it never passes without having run.

#![allow(clippy::expect_used, clippy::panic)]

use sqlx::Connection as _;

/// The environment variable that turns the PostgreSQL tests on.
pub const POSTGRES_ENV: &str = "MG_TEST_POSTGRES_URL";

/// A fresh, empty database. Keep it alive for as long as the test uses it (a SQLite file is deleted on drop).
#[derive(Debug)]
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Runs one statement on the database behind the store's back: how a test writes a row the store would never
    /// write (a corrupt value, an edited audit entry).
    pub async fn execute(&self, sql: &str) {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.url)
            .await
            .expect("a connection to the test database");
        sqlx::query(sql)
            .execute(&mut conn)
            .await
            .expect("the statement runs");
        conn.close().await.expect("the connection closes");
    }

    /// A new SQLite file in a temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("marketguard.db").display());
        TestDb {
            url,
            _dir: Some(dir),
        }
    }

    /// A new schema on the PostgreSQL server named by `MG_TEST_POSTGRES_URL`. Panics (the test fails) when the
    /// variable is not set: a PostgreSQL test that did not run must not pass.
    pub async fn postgres() -> TestDb {
        let base = postgres_base_url(std::env::var(POSTGRES_ENV).ok());
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&base)
            .await
            .unwrap_or_else(|e| {
                panic!("{POSTGRES_ENV} is set but PostgreSQL at {base} cannot be reached: {e}")
            });
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("could not create schema {schema}: {e}"));
        let _ = conn.close().await;
        let sep = if base.contains('?') { '&' } else { '?' };
        TestDb {
            url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
            _dir: None,
        }
    }
}

/// The PostgreSQL server's URL from `MG_TEST_POSTGRES_URL`'s value; panics, saying how to run the test, without one.
fn postgres_base_url(var: Option<String>) -> String {
    match var {
        Some(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "this PostgreSQL test did not run: {POSTGRES_ENV} is not set. Set it to a PostgreSQL database \
             (e.g. postgres://postgres@127.0.0.1:5432/test) to run it; `cargo nextest run` leaves the \
             postgres:: tests out unless they are selected (see .config/nextest.toml)"
        ),
    }
}

#[cfg(test)]
mod tests;

/// Defines each listed async test twice, `sqlite::NAME` and `postgres::NAME`, calling `NAME(&TestDb)`.
///
/// ```ignore
/// testkit::on_both_backends!(creates_a_key, revokes_a_key);
/// async fn creates_a_key(db: &testkit::TestDb) { ... }
/// ```
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::TestDb::postgres().await;
                    super::$name(&db).await;
                }
            )*
        }
    };
}
