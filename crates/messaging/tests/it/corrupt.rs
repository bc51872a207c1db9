//! Parse, don't validate: a stored value that cannot be read is an error naming the table and column, never a
//! default (no "no findings" for unreadable findings, no "active" for an unreadable standing).

use messaging::MessagingError;
use store::StoreError;
use testkit::{TestDb, on_both_backends};

use crate::support::{T0, World, world};

on_both_backends!(
    a_message_whose_findings_cannot_be_read_is_an_error,
    a_message_whose_action_cannot_be_read_is_an_error,
    a_sender_whose_standing_cannot_be_read_may_not_send
);

const PHONE: &str = "Pickup works after 5pm, my cell is 415-555-0172";

/// The error a read through the investigator's view gives, which must be the store's `Corrupt`.
async fn corrupt_read(w: &World) -> String {
    match w.m.view_as_investigator(&w.conversation, None, 50).await {
        Err(MessagingError::Store(StoreError::Corrupt(what))) => what,
        other => panic!("expected a corrupt-row error, got {other:?}"),
    }
}

async fn a_message_whose_findings_cannot_be_read_is_an_error(db: &TestDb) {
    let w = world(db).await;
    let sent = w.send("s1", PHONE, T0).await.unwrap();
    assert!(!sent.findings.is_empty());
    db.execute("UPDATE messages SET findings = '[{\"category\": 7'")
        .await;
    let what = corrupt_read(&w).await;
    assert!(what.starts_with("messages.findings: row `"), "{what}");
    assert!(what.contains(&sent.message.id), "{what}");
    assert!(w.store.message(&sent.message.id).await.is_err());
}

async fn a_message_whose_action_cannot_be_read_is_an_error(db: &TestDb) {
    let w = world(db).await;
    w.send("s1", PHONE, T0).await.unwrap();
    db.execute("UPDATE messages SET action = 'deliverr'").await;
    let what = corrupt_read(&w).await;
    assert!(
        what.starts_with("messages.action: `deliverr` is not a valid Action"),
        "{what}"
    );
}

async fn a_sender_whose_standing_cannot_be_read_may_not_send(db: &TestDb) {
    let w = world(db).await;
    db.execute("UPDATE users SET status = 'sleepy' WHERE id = 's1'")
        .await;
    match w.send("s1", "Thanks for your order!", T0).await {
        Err(MessagingError::Store(StoreError::Corrupt(what))) => {
            assert!(what.contains("`sleepy` is not a valid Status"), "{what}")
        }
        other => panic!("expected a corrupt-row error, got {other:?}"),
    }
    assert_eq!(w.stored_messages().await, 0, "nothing was sent");
    assert!(matches!(
        w.store.user("s1").await,
        Err(StoreError::Corrupt(_))
    ));
}
