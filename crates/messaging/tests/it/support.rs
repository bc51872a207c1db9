use std::sync::Arc;

use messaging::{
    Messaging, Money, OpenConversation, OrderInput, SendMessage, SendOutcome, UserInput,
};
use store::Store;
use time::OffsetDateTime;
use time::macros::datetime;

pub const T0: OffsetDateTime = datetime!(2026-11-02 09:00 UTC);

pub struct World {
    pub m: Messaging,
    pub store: Store,
    pub conversation: String,
}

pub async fn messaging(db: &testkit::TestDb) -> Messaging {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    let screener = Arc::new(screen::Screener::with_defaults().unwrap());
    Messaging::new(store, screener, policy::Policy::builtin().unwrap())
}

pub fn user(id: &str, role: &str, name: &str) -> UserInput {
    UserInput {
        id: id.into(),
        role: role.into(),
        display_name: name.into(),
        email: Some(format!("{id}@mail.example")),
        phone: Some("+14155550132".into()),
        country: "US".into(),
        locale: Some("en-US".into()),
    }
}

/// A buyer `b1` ("Bea"), a seller `s1` ("Sam's Lamps"), an order `o1` between them and its conversation.
pub async fn world(db: &testkit::TestDb) -> World {
    let m = messaging(db).await;
    m.upsert_user(&user("b1", "buyer", "Bea"), T0)
        .await
        .unwrap();
    m.upsert_user(&user("s1", "seller", "Sam's Lamps"), T0)
        .await
        .unwrap();
    m.upsert_order(
        &OrderInput {
            id: "o1".into(),
            buyer_id: "b1".into(),
            seller_id: "s1".into(),
            listing_id: None,
            amount: Money::parse("49.90", "USD").unwrap(),
            ship_to: serde_json::json!({"name": "Bea B", "line1": "1 Main St", "city": "Dayton", "country": "US"}),
            status: "paid".into(),
            delivery_date: Some("2026-11-20".into()),
        },
        T0,
    )
    .await
    .unwrap();
    let (c, created) = m
        .open_conversation(
            &OpenConversation {
                buyer_id: "b1".into(),
                seller_id: "s1".into(),
                order_id: Some("o1".into()),
                listing_id: None,
                opened_by: None,
            },
            T0,
        )
        .await
        .unwrap();
    assert!(created);
    World {
        store: m.store().clone(),
        m,
        conversation: c.id,
    }
}

impl World {
    pub async fn send(
        &self,
        sender: &str,
        text: &str,
        at: OffsetDateTime,
    ) -> Result<SendOutcome, messaging::MessagingError> {
        self.send_keyed(sender, text, None, at).await
    }

    pub async fn send_keyed(
        &self,
        sender: &str,
        text: &str,
        key: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<SendOutcome, messaging::MessagingError> {
        self.m
            .send(
                &SendMessage {
                    conversation_id: self.conversation.clone(),
                    sender_id: sender.into(),
                    text: text.into(),
                    idempotency_key: key.map(str::to_string),
                },
                at,
            )
            .await
    }

    /// How many messages are stored, in every conversation.
    pub async fn stored_messages(&self) -> usize {
        self.store.messages_page(None, 100_000).await.unwrap().len()
    }
}
