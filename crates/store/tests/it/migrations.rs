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
