use store::{AuditEntry, Store};
use testkit::{TestDb, on_both_backends};
use time::macros::datetime;

on_both_backends!(
    an_untouched_chain_verifies,
    an_edited_entry_is_named,
    a_deleted_entry_is_named,
    an_inserted_entry_is_named,
    deleting_the_newest_entries_is_detected,
    concurrent_appends_keep_one_chain
);

const NOW: time::OffsetDateTime = datetime!(2026-11-25 12:00 UTC);

async fn store_with_entries(db: &TestDb, n: i64) -> Store {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    for i in 0..n {
        let e = AuditEntry::new("tester", "test.step", &format!("thing:{i}"))
            .with_details(serde_json::json!({"i": i}));
        store.append_audit(&e, NOW).await.unwrap();
    }
    store
}

async fn tamper(db: &TestDb, sql: &str) {
    let raw = crate::migrations::connect_raw(db).await;
    sqlx::query(sql).execute(&raw).await.unwrap();
}

async fn an_untouched_chain_verifies(db: &TestDb) {
    let store = store_with_entries(db, 5).await;
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(report.entries, 5);
    assert!(report.is_intact(), "{report:?}");
    let fresh = TestDb::sqlite();
    let empty = Store::open_and_migrate(&fresh.url).await.unwrap();
    assert!(empty.verify_audit_chain().await.unwrap().is_intact());
}

async fn an_edited_entry_is_named(db: &TestDb) {
    let store = store_with_entries(db, 5).await;
    tamper(
        db,
        "UPDATE audit_events SET actor = 'someone else' WHERE seq = 3",
    )
    .await;
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_bad.map(|(s, _)| s), Some(3));
}

async fn a_deleted_entry_is_named(db: &TestDb) {
    let store = store_with_entries(db, 5).await;
    tamper(db, "DELETE FROM audit_events WHERE seq = 2").await;
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_bad.map(|(s, _)| s), Some(2));
}

async fn an_inserted_entry_is_named(db: &TestDb) {
    let store = store_with_entries(db, 3).await;
    // Shift entries 2 and 3 up and slip a forged entry in at 2, with a hash that is right for its own content.
    tamper(db, "UPDATE audit_events SET seq = seq + 10 WHERE seq >= 2").await;
    tamper(db, "UPDATE audit_events SET seq = seq - 9 WHERE seq >= 12").await;
    let first = store.audit_events(0, 1).await.unwrap().remove(0);
    let mut forged = first.clone();
    forged.seq = 2;
    forged.actor = "forger".into();
    forged.prev_hash = first.hash.clone();
    forged.hash = forged.expected_hash();
    tamper(
        db,
        &format!(
            "INSERT INTO audit_events (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (2, '{}', 'forger', '{}', '{}', '{}', '{}', '{}')",
            forged.at, forged.action, forged.subject, forged.details, forged.prev_hash, forged.hash
        ),
    )
    .await;
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(
        report.first_bad.map(|(s, _)| s),
        Some(3),
        "the entry after the forged one no longer links"
    );
}

async fn deleting_the_newest_entries_is_detected(db: &TestDb) {
    let store = store_with_entries(db, 4).await;
    tamper(db, "DELETE FROM audit_events WHERE seq = 4").await;
    let report = store.verify_audit_chain().await.unwrap();
    let (seq, why) = report.first_bad.unwrap();
    assert_eq!(seq, 4);
    assert!(why.contains("head"), "{why}");
}

async fn concurrent_appends_keep_one_chain(db: &TestDb) {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                for j in 0..5 {
                    let e = AuditEntry::new("t", "test.concurrent", &format!("{i}:{j}"));
                    store.append_audit(&e, NOW).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(report.entries, 40);
    assert!(report.is_intact(), "{report:?}");
}
