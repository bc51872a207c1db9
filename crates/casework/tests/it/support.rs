//! The messaging tests' world (a buyer, a seller, an order and its conversation), with the case use cases and a
//! buyer `x1` who is party to none of it.

use std::sync::Arc;

use time::OffsetDateTime;

#[path = "../../../messaging/tests/it/support.rs"]
#[allow(dead_code)] // the messaging tests use more of it than these do
mod messaging_world;

pub use messaging_world::T0;

pub struct World {
    pub cw: casework::Casework,
    inner: messaging_world::World,
}

impl std::ops::Deref for World {
    type Target = messaging_world::World;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

pub async fn world(db: &testkit::TestDb) -> World {
    let inner = messaging_world::world(db).await;
    inner
        .m
        .upsert_user(&messaging_world::user("x1", "buyer", "Xavier"), T0)
        .await
        .unwrap();
    World {
        cw: casework::Casework::new(
            inner.m.clone(),
            Arc::new(casework::CasePolicy::builtin()),
            casework::NotifySettings::default(),
        ),
        inner,
    }
}

impl World {
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
