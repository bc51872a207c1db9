use store::{Scope, Store, StoreError};
use testkit::{TestDb, on_both_backends};
use time::macros::datetime;

on_both_backends!(
    a_created_key_is_found_by_its_secret_and_stored_only_as_a_hash,
    a_revoked_key_no_longer_allows_anything,
    keys_are_listed_oldest_first,
    bad_key_requests_are_refused_with_reasons
);

const NOW: time::OffsetDateTime = datetime!(2026-11-25 12:00 UTC);

async fn a_created_key_is_found_by_its_secret_and_stored_only_as_a_hash(db: &TestDb) {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    let new = store
        .create_api_key("backend", &[Scope::Screen, Scope::Messaging], "cli", NOW)
        .await
        .unwrap();
    assert!(new.secret.starts_with("mgk_") && new.secret.len() > 40);
    assert!(new.secret.starts_with(&new.key.prefix));
    let found = store.find_api_key(&new.secret).await.unwrap().unwrap();
    assert_eq!(found, new.key);
    assert!(found.allows(Scope::Screen) && !found.allows(Scope::Admin));
    assert_eq!(store.find_api_key("mgk_not-a-key").await.unwrap(), None);

    let raw = crate::migrations::connect_raw(db).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT key_hash FROM api_keys")
        .fetch_all(&raw)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], new.secret);
    assert!(!stored[0].contains(&new.secret[4..]));
}

async fn a_revoked_key_no_longer_allows_anything(db: &TestDb) {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    let new = store
        .create_api_key("old", &Scope::ALL, "cli", NOW)
        .await
        .unwrap();
    let revoked = store
        .revoke_api_key(&new.key.prefix, "cli", NOW)
        .await
        .unwrap();
    assert_eq!(revoked.revoked_at, Some(NOW));
    let found = store.find_api_key(&new.secret).await.unwrap().unwrap();
    assert!(Scope::ALL.iter().all(|s| !found.allows(*s)));
    let again = store
        .revoke_api_key(&new.key.id, "cli", NOW)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("already revoked"), "{again}");
    let events = store.audit_events(0, 10).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["api_key.create", "api_key.revoke"]);
}

async fn keys_are_listed_oldest_first(db: &TestDb) {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    store
        .create_api_key("first", &[Scope::Screen], "cli", NOW)
        .await
        .unwrap();
    store
        .create_api_key(
            "second",
            &[Scope::Admin],
            "cli",
            NOW + time::Duration::SECOND,
        )
        .await
        .unwrap();
    let names: Vec<String> = store
        .list_api_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, ["first", "second"]);
}

async fn bad_key_requests_are_refused_with_reasons(db: &TestDb) {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    assert!(matches!(
        store
            .create_api_key(" ", &[Scope::Screen], "cli", NOW)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.create_api_key("x", &[], "cli", NOW).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.revoke_api_key("nope", "cli", NOW).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn scope_lists_parse_like_the_command_line_says() {
    assert_eq!(Scope::parse_list("all").unwrap(), Scope::ALL.to_vec());
    assert_eq!(
        Scope::parse_list("messaging, screen,screen").unwrap(),
        vec![Scope::Screen, Scope::Messaging]
    );
    assert!(Scope::parse_list("screen,fly").is_err());
    assert!(Scope::parse_list("").is_err());
}
