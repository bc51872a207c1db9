use std::sync::Arc;

use messaging::{
    Messaging, Money, OpenConversation, OrderInput, SendMessage, SendOutcome, UserInput,
};
use store::Store;
use time::OffsetDateTime;
use time::macros::datetime;

pub const T0: OffsetDateTime = datetime!(2026-11-02 09:00 UTC);

pub struct World {
    pub cw: casework::Casework,
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

/// A buyer `b1` ("Bea"), a seller `s1` ("Sam's Lamps"), an order `o1` between them and its conversation, and a
/// buyer `x1` who is party to none of it.
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
    m.upsert_user(&user("x1", "buyer", "Xavier"), T0)
        .await
        .unwrap();
    World {
        cw: casework::Casework::new(
            m.clone(),
            Arc::new(casework::CasePolicy::builtin()),
            casework::NotifySettings::default(),
        ),
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

    /// Files a report by `reporter` about a subject.
    pub async fn report(
        &self,
        reporter: &str,
        kind: casework::SubjectType,
        id: &str,
        category: casework::ReportCategory,
        at: OffsetDateTime,
    ) -> Result<casework::ReportFiled, casework::CaseworkError> {
        self.cw
            .file_report(
                &casework::NewReport {
                    reporter_id: reporter.into(),
                    subject: casework::Subject {
                        kind,
                        id: id.into(),
                    },
                    category,
                    text: "they asked me for this outside the site".into(),
                    idempotency_key: None,
                },
                at,
            )
            .await
    }

    /// The audit actions in order.
    pub async fn audit_actions(&self) -> Vec<String> {
        self.store
            .audit_events(0, 10_000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }
}
