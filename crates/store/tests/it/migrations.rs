use store::{Store, StoreError};
use testkit::{TestDb, on_both_backends};

on_both_backends!(
    a_new_database_is_migrated_and_answers,
    migrating_twice_changes_nothing,
    a_database_migrated_by_a_newer_version_is_refused
);

async fn a_new_database_is_migrated_and_answers(db: &TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(store.database_schema_version().await.unwrap(), 0);
    assert!(matches!(
        store.check_schema().await,
        Err(StoreError::NotMigrated { .. })
    ));
    store.migrate().await.unwrap();
    assert_eq!(
        store.database_schema_version().await.unwrap(),
        store.binary_schema_version()
    );
    store.check_schema().await.unwrap();
    store.ping().await.unwrap();
}

async fn migrating_twice_changes_nothing(db: &TestDb) {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    let before = store.database_schema_version().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.database_schema_version().await.unwrap(), before);
}

async fn a_database_migrated_by_a_newer_version_is_refused(db: &TestDb) {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    // What a future version would leave behind: a migration this binary does not know.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', CURRENT_TIMESTAMP, TRUE, $1, 0)",
    )
    .bind(vec![0u8])
    .execute(&connect_raw(db).await)
    .await
    .unwrap();
    let err = Store::open_and_migrate(&db.url).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::DatabaseTooNew {
                database: 99990101000000,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("newer Marketguard"), "{err}");
    drop(store);
}

/// A plain pool on the test database, for writing by hand what the store never writes.
pub async fn connect_raw(db: &TestDb) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&db.url)
        .await
        .unwrap()
}

/// The SQLite and PostgreSQL migrations are one schema written twice: the same files, line for line, except for the
/// lines listed here, each a place where the two backends' DDL must differ. A change made in one folder only, or a
/// difference not stated here, fails this test.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    // The header names the other backend.
    (
        "0001_foundation.sql",
        "-- Portable conventions shared with the PostgreSQL schema: ids are UUID v7 text, times are RFC 3339 UTC text with",
        "-- Portable conventions shared with the SQLite schema: ids are UUID v7 text, times are RFC 3339 UTC text with",
    ),
    // The audit sequence: SQLite's INTEGER is 64-bit (and INTEGER PRIMARY KEY is the rowid); PostgreSQL's is 32-bit.
    (
        "0001_foundation.sql",
        "    seq         INTEGER PRIMARY KEY,",
        "    seq         BIGINT PRIMARY KEY,",
    ),
    (
        "0001_foundation.sql",
        "    seq         INTEGER NOT NULL,",
        "    seq         BIGINT NOT NULL,",
    ),
];

fn migration_files(backend: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

fn migration_text(backend: &str, name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_two_backends_migrations_differ_only_where_stated() {
    let names = migration_files("sqlite");
    assert!(!names.is_empty());
    assert_eq!(
        names,
        migration_files("postgres"),
        "each migration exists for both backends"
    );
    let mut seen = std::collections::BTreeSet::new();
    for name in &names {
        let (sqlite, postgres) = (
            migration_text("sqlite", name),
            migration_text("postgres", name),
        );
        let (a, b): (Vec<&str>, Vec<&str>) = (sqlite.lines().collect(), postgres.lines().collect());
        assert_eq!(
            a.len(),
            b.len(),
            "{name}: the two files have different lengths"
        );
        for (x, y) in a.iter().zip(&b).filter(|(x, y)| x != y) {
            let stated = DIFFERENCES
                .iter()
                .position(|d| *d == (name.as_str(), *x, *y));
            let Some(stated) = stated else {
                panic!(
                    "{name}: `{x}` (SQLite) and `{y}` (PostgreSQL) differ, and this is not a stated difference: make the change in both folders, or state it in DIFFERENCES"
                );
            };
            seen.insert(stated);
        }
    }
    assert_eq!(
        seen.len(),
        DIFFERENCES.len(),
        "every stated difference is still there"
    );
}
