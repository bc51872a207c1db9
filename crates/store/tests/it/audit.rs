use store::audit::Link;
use store::{AuditEntry, AuditKeys, Checkpoint, Store, StoreError};
use testkit::{TestDb, on_both_backends};
use time::macros::datetime;

on_both_backends!(
    an_untouched_chain_verifies,
    an_edited_entry_is_named,
    a_deleted_entry_is_named,
    an_inserted_entry_is_named,
    deleting_the_newest_entries_is_detected,
    concurrent_appends_keep_one_chain,
    an_edit_with_every_later_sha256_recomputed_fails_verify,
    an_edit_recomputed_and_relabelled_unkeyed_fails_verify,
    rewriting_the_whole_chain_unkeyed_passes_verify_but_not_its_checkpoint,
    legacy_entries_verify_up_to_the_first_keyed_entry,
    a_keyed_chain_refuses_unkeyed_appends_and_unkeyed_verification,
    deleting_the_tail_after_a_checkpoint_fails_verify_checkpoint,
    a_checkpoint_signed_by_another_key_or_altered_does_not_hold
);

fn keys() -> AuditKeys {
    AuditKeys::new([7; 32], [9; 32])
}

const NOW: time::OffsetDateTime = datetime!(2026-11-25 12:00 UTC);

async fn open(db: &TestDb, keys: Option<AuditKeys>) -> Store {
    Store::open_and_migrate(&db.url)
        .await
        .unwrap()
        .with_audit_keys(keys)
}

/// The entry `verify` names first, if any.
async fn first_bad(store: &Store) -> Option<i64> {
    let report = store.verify_audit_chain().await.unwrap();
    report.first_bad.map(|(seq, _)| seq)
}

async fn store_with_entries(db: &TestDb, n: i64) -> Store {
    let store = open(db, Some(keys())).await;
    append(&store, 0..n).await;
    store
}

async fn append(store: &Store, range: std::ops::Range<i64>) {
    for i in range {
        let e = AuditEntry::new("tester", "test.step", &format!("thing:{i}"))
            .with_details(serde_json::json!({"i": i}));
        store.append_audit(&e, NOW).await.unwrap();
    }
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
    // Shift entries 2 and 3 up and slip a forged entry in at 2, with a hash that is right for its own content
    // (as if the forger held the key).
    tamper(db, "UPDATE audit_events SET seq = seq + 10 WHERE seq >= 2").await;
    tamper(db, "UPDATE audit_events SET seq = seq - 9 WHERE seq >= 12").await;
    let first = store.audit_events(0, 1).await.unwrap().remove(0);
    let mut forged = first.clone();
    forged.seq = 2;
    forged.actor = "forger".into();
    forged.prev_hash = first.hash.clone();
    forged.hash = forged.hmac_link(&keys());
    tamper(
        db,
        &format!(
            "INSERT INTO audit_events (seq, at, actor, action, subject, details, prev_hash, hash, link) VALUES (2, '{}', 'forger', '{}', '{}', '{}', '{}', '{}', 'hmac-sha256')",
            forged.at, forged.action, forged.subject, forged.details, forged.prev_hash, forged.hash
        ),
    )
    .await;
    assert_eq!(
        first_bad(&store).await,
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
    let store = open(db, Some(keys())).await;
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

/// What someone who can write to the database but lacks the key does: rewrite the entries from `from` on with
/// plain SHA-256 links (as unkeyed entries, or keeping their `link` column), and the head to match.
async fn recompute_sha256_from(db: &TestDb, store: &Store, from: i64, relabel: bool) {
    let events = store.audit_events(0, 1000).await.unwrap();
    let mut prev = match from {
        1 => store::audit::GENESIS_HASH.to_string(),
        _ => events[(from - 2) as usize].hash.clone(),
    };
    for e in events.into_iter().filter(|e| e.seq >= from) {
        let mut e = e;
        e.prev_hash = prev;
        e.hash = e.sha256_link();
        let link = if relabel { "sha256" } else { e.link.as_str() };
        tamper(
            db,
            &format!(
                "UPDATE audit_events SET prev_hash = '{}', hash = '{}', link = '{link}' WHERE seq = {}",
                e.prev_hash, e.hash, e.seq
            ),
        )
        .await;
        prev = e.hash;
    }
    tamper(
        db,
        &format!("UPDATE audit_head SET hash = '{prev}' WHERE id = 1"),
    )
    .await;
}

async fn an_edit_with_every_later_sha256_recomputed_fails_verify(db: &TestDb) {
    check_edit_and_recompute(db, false).await;
}

async fn an_edit_recomputed_and_relabelled_unkeyed_fails_verify(db: &TestDb) {
    check_edit_and_recompute(db, true).await;
}

async fn check_edit_and_recompute(db: &TestDb, relabel: bool) {
    let store = store_with_entries(db, 5).await;
    tamper(
        db,
        "UPDATE audit_events SET actor = 'someone else' WHERE seq = 3",
    )
    .await;
    recompute_sha256_from(db, &store, 3, relabel).await;
    let report = store.verify_audit_chain().await.unwrap();
    let (seq, why) = report.first_bad.expect("the rewrite is detected");
    assert_eq!(seq, 3, "{why}");
}

async fn rewriting_the_whole_chain_unkeyed_passes_verify_but_not_its_checkpoint(db: &TestDb) {
    // The limit of a keyed chain: rewritten from the first entry as legacy, it verifies (and says it is all
    // unkeyed); a checkpoint kept outside the database still catches it.
    let store = store_with_entries(db, 4).await;
    let checkpoint = store.audit_checkpoint(NOW).await.unwrap();
    tamper(
        db,
        "UPDATE audit_events SET actor = 'someone else' WHERE seq = 2",
    )
    .await;
    recompute_sha256_from(db, &store, 1, true).await;
    let report = store.verify_audit_chain().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.entries, report.legacy), (4, 4));
    let failure = store
        .verify_checkpoints(&[checkpoint])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failure.number, 1);
    assert!(failure.why.contains("rewritten"), "{}", failure.why);
}

async fn legacy_entries_verify_up_to_the_first_keyed_entry(db: &TestDb) {
    // A database from before the chain was keyed: its entries are unkeyed, later ones keyed.
    let unkeyed = Store::open_and_migrate(&db.url).await.unwrap();
    append(&unkeyed, 0..3).await;
    let keyed = unkeyed.clone().with_audit_keys(Some(keys()));
    append(&keyed, 3..5).await;
    let events = keyed.audit_events(0, 10).await.unwrap();
    let links: Vec<Link> = events.iter().map(|e| e.link).collect();
    assert_eq!(
        links,
        [
            Link::Sha256,
            Link::Sha256,
            Link::Sha256,
            Link::HmacSha256,
            Link::HmacSha256
        ]
    );
    let report = keyed.verify_audit_chain().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.entries, report.legacy), (5, 3));
    // The first keyed entry seals the legacy ones: editing one and recomputing the legacy links breaks it.
    tamper(
        db,
        "UPDATE audit_events SET actor = 'someone else' WHERE seq = 2",
    )
    .await;
    recompute_sha256_from(db, &keyed, 2, false).await;
    assert_eq!(
        first_bad(&keyed).await,
        Some(4),
        "the first keyed entry no longer links"
    );
}

async fn a_keyed_chain_refuses_unkeyed_appends_and_unkeyed_verification(db: &TestDb) {
    let keyed = store_with_entries(db, 2).await;
    let unkeyed = Store::open_and_migrate(&db.url).await.unwrap();
    let err = unkeyed
        .append_audit(&AuditEntry::new("t", "test.step", "x"), NOW)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::AuditKeyMissing), "{err}");
    assert!(matches!(
        unkeyed.verify_audit_chain().await,
        Err(StoreError::AuditKeyMissing)
    ));
    assert!(keyed.verify_audit_chain().await.unwrap().is_intact());
    assert_eq!(
        keyed.audit_events(0, 10).await.unwrap().len(),
        2,
        "nothing was appended"
    );
}

async fn deleting_the_tail_after_a_checkpoint_fails_verify_checkpoint(db: &TestDb) {
    let store = store_with_entries(db, 3).await;
    let first = store.audit_checkpoint(NOW).await.unwrap();
    append(&store, 3..6).await;
    let second = store.audit_checkpoint(NOW).await.unwrap();
    assert_eq!((first.entries, second.entries), (3, 6));
    assert_eq!(
        store
            .verify_checkpoints(&[first.clone(), second.clone()])
            .await
            .unwrap(),
        None
    );
    // Delete the newest entries and rewind the head to the last one kept: the chain alone still verifies.
    tamper(db, "DELETE FROM audit_events WHERE seq > 4").await;
    let kept = store.audit_events(3, 1).await.unwrap().remove(0);
    tamper(
        db,
        &format!(
            "UPDATE audit_head SET seq = 4, hash = '{}' WHERE id = 1",
            kept.hash
        ),
    )
    .await;
    assert!(store.verify_audit_chain().await.unwrap().is_intact());
    let failure = store
        .verify_checkpoints(&[first, second])
        .await
        .unwrap()
        .unwrap();
    assert_eq!((failure.number, failure.entries), (2, 6));
    assert!(failure.why.contains("deleted"), "{}", failure.why);
}

async fn a_checkpoint_signed_by_another_key_or_altered_does_not_hold(db: &TestDb) {
    let store = store_with_entries(db, 2).await;
    let good = store.audit_checkpoint(NOW).await.unwrap();
    let parsed = Checkpoint::parse_lines(&format!("{}\n\n", good.to_line())).unwrap();
    assert_eq!(parsed, std::slice::from_ref(&good));
    let other = open(db, Some(AuditKeys::new([7; 32], [1; 32]))).await;
    let failure = other
        .verify_checkpoints(std::slice::from_ref(&good))
        .await
        .unwrap()
        .unwrap();
    assert!(failure.why.contains("not signed"), "{}", failure.why);
    let mut altered = good.clone();
    altered.entries = 1;
    let failure = store
        .verify_checkpoints(&[good, altered])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failure.number, 2);
    assert!(failure.why.contains("not signed"), "{}", failure.why);
    assert!(Checkpoint::parse_lines("not json").is_err());
}
