use messaging::MessagingError;
use testkit::{TestDb, on_both_backends};
use time::Duration;

use crate::support::{T0, world};

on_both_backends!(
    a_seller_goes_from_clean_messages_through_redaction_a_block_and_strikes_to_a_restriction_that_an_investigator_reverses,
    each_viewer_sees_what_the_policy_lets_them_see,
    the_same_idempotency_key_answers_the_first_message_and_stores_nothing_twice,
    a_sender_over_the_per_minute_limit_is_refused_until_the_minute_passes,
    opening_too_many_conversations_a_day_is_refused,
    a_message_over_the_size_limit_is_refused_and_not_stored,
    a_restriction_ends_by_itself_and_old_strikes_decay,
    appeals_are_stored_for_the_case_queue_once_per_step,
    activating_a_policy_is_audited_and_a_version_names_one_document
);

const CLEAN: &str = "Thanks for your order! It ships tomorrow morning.";
const PHONE: &str = "Pickup works after 5pm, my cell is 415-555-0172";
const EMAIL: &str = "Email me at jo.harper@gmail.com and I'll send more photos";
const PAYMENT: &str = "I only take Venmo, @Kayla-Brooks-7";

async fn a_seller_goes_from_clean_messages_through_redaction_a_block_and_strikes_to_a_restriction_that_an_investigator_reverses(
    db: &TestDb,
) {
    let w = world(db).await;
    let t = |min: i64| T0 + Duration::minutes(min);

    // Clean messages go through as written.
    for i in 0..3 {
        let r = w.send("s1", CLEAN, t(i)).await.unwrap();
        assert_eq!(r.message.action, "deliver");
        assert_eq!(r.message.delivered_text.as_deref(), Some(CLEAN));
        assert_eq!(
            (r.message.rule.as_str(), r.message.policy_version.as_str()),
            ("default-deliver", "builtin-1")
        );
        assert!(r.message.notice_to_sender.is_none() && r.step.is_none());
    }

    // A phone number without a contact grant is redacted: one strike, no step yet.
    let r = w.send("s1", PHONE, t(5)).await.unwrap();
    assert_eq!(r.message.action, "deliver_redacted");
    assert_eq!(
        r.message.delivered_text.as_deref(),
        Some("Pickup works after 5pm, my cell is [phone number removed]")
    );
    assert_eq!(r.message.rule, "contact-details-redacted");
    assert!(
        r.message
            .notice_to_sender
            .as_deref()
            .unwrap()
            .contains("phone-contact request")
    );
    assert!(r.findings.iter().any(|f| f.category == "contact.phone"));
    assert!(r.step.is_none());

    // An email address: the second strike reaches the warning.
    let r = w.send("s1", EMAIL, t(6)).await.unwrap();
    assert_eq!(r.message.action, "deliver_redacted");
    let warning = r.step.expect("a warning");
    assert_eq!((warning.level.as_str(), warning.until), ("warning", None));
    assert!(warning.notice.contains("appeal"), "{}", warning.notice);
    assert_eq!(w.store.user("s1").await.unwrap().unwrap().status, "warned");

    // Off-platform payment is blocked, the buyer is warned, and the strikes reach the 24-hour restriction.
    let r = w.send("s1", PAYMENT, t(7)).await.unwrap();
    assert_eq!(r.message.action, "block");
    assert_eq!(r.message.delivered_text, None);
    assert_eq!(r.message.rule, "off-platform-payment-blocked");
    assert!(
        r.message
            .notice_to_sender
            .as_deref()
            .unwrap()
            .contains("checkout")
    );
    assert_eq!(
        r.message.notice_to_recipient.as_deref(),
        Some(
            "Only pay through the marketplace: payments made elsewhere are not covered by the buyer guarantee."
        )
    );
    let restriction = r.step.expect("a restriction");
    assert_eq!(restriction.level, "restricted");
    assert_eq!(restriction.until, Some(t(7) + Duration::hours(24)));
    assert!(
        restriction.reason.contains("ladder rung 2"),
        "{}",
        restriction.reason
    );

    // While restricted, sends are refused with the restriction's end, and nothing is stored.
    let before = w.stored_messages().await;
    let err = w.send("s1", CLEAN, t(8)).await.unwrap_err();
    match &err {
        MessagingError::Restricted { until, step, .. } => {
            assert_eq!(until, &store::format_time(t(7) + Duration::hours(24)));
            assert_eq!(step, &restriction.id);
        }
        other => panic!("expected a restriction, got {other:?}"),
    }
    assert!(err.to_string().contains("restricted"));
    assert_eq!(w.stored_messages().await, before);
    // The buyer is not restricted.
    w.send("b1", "ok, thanks", t(8)).await.unwrap();

    // Standing shows the steps with their reasons.
    let standing = w.m.standing("s1", t(9)).await.unwrap();
    assert_eq!(standing.status, policy::Status::Restricted);
    assert_eq!(standing.steps.len(), 2);
    assert!((standing.strike_points - 5.0).abs() < 1e-9);

    // An investigator reverses the restriction: the seller is back to "warned" and can send again.
    let (reversed, reinstated) =
        w.m.reverse(
            &restriction.id,
            "ivy",
            "Venmo handle was the seller's shop name",
            t(10),
        )
        .await
        .unwrap();
    assert_eq!(
        reversed.reversed_by.as_deref(),
        Some(reinstated.id.as_str())
    );
    assert_eq!(reinstated.level, "reinstated");
    assert_eq!(
        reinstated.reverses_step_id.as_deref(),
        Some(restriction.id.as_str())
    );
    assert_eq!(w.store.user("s1").await.unwrap().unwrap().status, "warned");
    let r = w.send("s1", CLEAN, t(11)).await.unwrap();
    assert_eq!(r.message.action, "deliver");
    // The strike that caused it is voided; reversing twice is refused.
    let standing = w.m.standing("s1", t(11)).await.unwrap();
    assert!(
        (standing.strike_points - 2.0).abs() < 1e-9,
        "{}",
        standing.strike_points
    );
    assert!(matches!(
        w.m.reverse(&restriction.id, "ivy", "again", t(12)).await,
        Err(MessagingError::Conflict(_))
    ));

    // Every step and the reversal are in the audit log, and the chain holds.
    let events = w.store.audit_events(0, 100).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "enforcement.step",
            "enforcement.step",
            "enforcement.reverse"
        ]
    );
    assert_eq!(events[2].actor, "investigator:ivy");
    assert!(events[1].details.contains("restricted"));
    assert!(w.store.verify_audit_chain().await.unwrap().is_intact());
}

async fn each_viewer_sees_what_the_policy_lets_them_see(db: &TestDb) {
    let w = world(db).await;
    w.send("s1", CLEAN, T0).await.unwrap();
    w.send("s1", PHONE, T0 + Duration::seconds(1))
        .await
        .unwrap();
    w.send("s1", PAYMENT, T0 + Duration::seconds(2))
        .await
        .unwrap();
    w.send("b1", "what's your number?", T0 + Duration::seconds(3))
        .await
        .unwrap();

    // The buyer: the seller's messages as delivered, the blocked payment message only as a safety notice, their
    // own blocked contact request as written with why it was blocked.
    let v =
        w.m.view_as_participant(&w.conversation, "b1", None, 100)
            .await
            .unwrap();
    assert_eq!(v.your_role, "buyer");
    assert_eq!(v.counterpart.display_name, "Sam's Lamps");
    assert!(v.counterpart.alias.starts_with("Seller "));
    let seen: Vec<(bool, Option<&str>, Option<&str>)> = v
        .messages
        .iter()
        .map(|m| (m.mine, m.text.as_deref(), m.action.map(|a| a.as_str())))
        .collect();
    assert_eq!(
        seen,
        [
            (false, Some(CLEAN), None),
            (
                false,
                Some("Pickup works after 5pm, my cell is [phone number removed]"),
                None
            ),
            (false, None, None),
            (true, Some("what's your number?"), Some("block")),
        ]
    );
    assert!(
        v.messages[2]
            .notice
            .as_deref()
            .unwrap()
            .starts_with("Only pay through the marketplace")
    );
    assert!(
        v.messages[3]
            .notice
            .as_deref()
            .unwrap()
            .contains("phone-contact request")
    );

    // The seller: their own messages as written with the decisions, and not the buyer's blocked request.
    let v =
        w.m.view_as_participant(&w.conversation, "s1", None, 100)
            .await
            .unwrap();
    assert_eq!(v.counterpart.display_name, "Bea");
    let seen: Vec<(bool, Option<&str>, Option<&str>)> = v
        .messages
        .iter()
        .map(|m| (m.mine, m.text.as_deref(), m.action.map(|a| a.as_str())))
        .collect();
    assert_eq!(
        seen,
        [
            (true, Some(CLEAN), Some("deliver")),
            (true, Some(PHONE), Some("deliver_redacted")),
            (true, Some(PAYMENT), Some("block")),
        ]
    );

    // Someone else is not a participant.
    assert!(matches!(
        w.m.view_as_participant(&w.conversation, "x9", None, 100)
            .await,
        Err(MessagingError::NotAParticipant { .. })
    ));

    // The investigator: every original with findings, actions, rules and policy versions.
    let v =
        w.m.view_as_investigator(&w.conversation, None, 100)
            .await
            .unwrap();
    assert_eq!(v.messages.len(), 4);
    let m = &v.messages[1];
    assert_eq!(m.record.original_text, PHONE);
    assert_eq!(m.record.action, "deliver_redacted");
    assert_eq!(m.record.rule, "contact-details-redacted");
    assert_eq!(m.record.policy_version, "builtin-1");
    assert_eq!(m.findings[0].category, "contact.phone");
    assert!(!m.record.contact_grant);
    assert_eq!(
        (v.buyer.user_id.as_str(), v.seller.user_id.as_str()),
        ("b1", "s1")
    );
    // Paging: after the second message, one at a time.
    let page =
        w.m.view_as_investigator(&w.conversation, Some(&v.messages[1].record.id), 1)
            .await
            .unwrap();
    assert_eq!(page.messages.len(), 1);
    assert_eq!(page.messages[0].record.id, v.messages[2].record.id);
}

async fn the_same_idempotency_key_answers_the_first_message_and_stores_nothing_twice(db: &TestDb) {
    let w = world(db).await;
    let first = w.send_keyed("s1", PHONE, Some("k-1"), T0).await.unwrap();
    assert!(!first.replayed);
    let again = w
        .send_keyed("s1", PHONE, Some("k-1"), T0 + Duration::seconds(5))
        .await
        .unwrap();
    assert!(again.replayed);
    assert_eq!(again.message, first.message);
    assert_eq!(again.findings, first.findings);
    assert_eq!(w.stored_messages().await, 1);
    assert_eq!(
        w.store.strikes("s1").await.unwrap().len(),
        1,
        "no second strike"
    );
    // The same key for a different text is refused; another sender may use the same key.
    assert!(matches!(
        w.send_keyed("s1", CLEAN, Some("k-1"), T0).await,
        Err(MessagingError::IdempotencyKeyReused(_))
    ));
    w.send_keyed("b1", CLEAN, Some("k-1"), T0).await.unwrap();
    assert_eq!(w.stored_messages().await, 2);

    // Concurrent repeats of one key store one message.
    let sends = (0..8).map(|_| w.send_keyed("b1", "is it still available?", Some("k-2"), T0));
    let results = futures_join(sends).await;
    let ids: std::collections::BTreeSet<String> =
        results.into_iter().map(|r| r.unwrap().message.id).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(w.stored_messages().await, 3);
}

async fn futures_join<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut out = Vec::new();
    let fs: Vec<_> = fs.map(Box::pin).collect();
    // Poll them together: spawn-free, so the borrows of the test's world are fine.
    let mut pending: Vec<_> = fs.into_iter().map(Some).collect();
    let results = std::sync::Mutex::new(Vec::new());
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results.lock().unwrap().push((i, v));
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    let mut r = results.into_inner().unwrap();
    r.sort_by_key(|(i, _)| *i);
    out.extend(r.into_iter().map(|(_, v)| v));
    out
}

async fn a_sender_over_the_per_minute_limit_is_refused_until_the_minute_passes(db: &TestDb) {
    let w = world(db).await;
    let limit = w.m.policy().limits.messages_per_minute;
    for i in 0..limit {
        w.send(
            "b1",
            &format!("question {i}"),
            T0 + Duration::seconds(i64::from(i)),
        )
        .await
        .unwrap();
    }
    let err = w
        .send("b1", "one more", T0 + Duration::seconds(40))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MessagingError::RateLimited {
                retry_after_secs: 60,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("the limit is 30 a minute"),
        "{err}"
    );
    // The other party is not affected, and a minute after the first message the sender may send again.
    w.send("s1", CLEAN, T0 + Duration::seconds(40))
        .await
        .unwrap();
    w.send("b1", "one more", T0 + Duration::seconds(61))
        .await
        .unwrap();
    assert_eq!(w.stored_messages().await, limit as usize + 2);
}

async fn opening_too_many_conversations_a_day_is_refused(db: &TestDb) {
    let m = crate::support::messaging(db).await;
    m.upsert_user(&crate::support::user("b1", "buyer", "Bea"), T0)
        .await
        .unwrap();
    let limit = m.policy().limits.new_conversations_per_day;
    let open = |i: u32, at| {
        let m = m.clone();
        async move {
            let seller = format!("s{i}");
            m.upsert_user(&crate::support::user(&seller, "seller", "Shop"), T0)
                .await
                .unwrap();
            m.upsert_listing(
                &messaging::ListingInput {
                    id: format!("l{i}"),
                    seller_id: seller.clone(),
                    title: "Lamp".into(),
                    category: "home".into(),
                    made_to_order: false,
                    bulky: false,
                },
                T0,
            )
            .await
            .unwrap();
            m.open_conversation(
                &messaging::OpenConversation {
                    buyer_id: "b1".into(),
                    seller_id: seller,
                    order_id: None,
                    listing_id: Some(format!("l{i}")),
                    opened_by: None,
                },
                at,
            )
            .await
        }
    };
    for i in 0..limit {
        assert!(
            open(i, T0 + Duration::minutes(i64::from(i)))
                .await
                .unwrap()
                .1
        );
    }
    // Reopening an existing inquiry answers it and is not counted.
    assert!(!open(0, T0 + Duration::hours(1)).await.unwrap().1);
    let err = open(limit, T0 + Duration::hours(1)).await.unwrap_err();
    assert!(matches!(err, MessagingError::RateLimited { .. }), "{err:?}");
    assert!(err.to_string().contains("a day"));
    assert!(open(limit, T0 + Duration::hours(25)).await.unwrap().1);
}

async fn a_message_over_the_size_limit_is_refused_and_not_stored(db: &TestDb) {
    let w = world(db).await;
    let limit = w.m.policy().limits.max_message_chars as usize;
    w.send("b1", &"é".repeat(limit), T0).await.unwrap();
    let err = w.send("b1", &"é".repeat(limit + 1), T0).await.unwrap_err();
    assert!(
        matches!(err, MessagingError::TooLong { chars, limit: l } if chars == limit + 1 && l as usize == limit)
    );
    assert!(err.to_string().contains("split it"));
    assert!(matches!(
        w.send("b1", "   ", T0).await,
        Err(MessagingError::Invalid(_))
    ));
    assert_eq!(w.stored_messages().await, 1);
}

async fn a_restriction_ends_by_itself_and_old_strikes_decay(db: &TestDb) {
    let w = world(db).await;
    // 5 points at once: straight to the 24-hour restriction.
    w.send("s1", PAYMENT, T0).await.unwrap();
    let r = w
        .send("s1", PHONE, T0 + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(r.step.unwrap().level, "restricted");
    assert!(w.send("s1", CLEAN, T0 + Duration::hours(23)).await.is_err());
    // After 24 hours the seller may send again.
    let r = w.send("s1", CLEAN, T0 + Duration::hours(25)).await.unwrap();
    assert_eq!(r.message.action, "deliver");
    // After the strike window (30 days) old strikes no longer count and the ladder starts over: a phone number
    // alone earns no step.
    let later = T0 + Duration::days(31);
    let r = w.send("s1", PHONE, later).await.unwrap();
    assert!(r.step.is_none());
    let standing = w.m.standing("s1", later).await.unwrap();
    assert!(
        (standing.strike_points - 1.0).abs() < 1e-9,
        "{}",
        standing.strike_points
    );
}

async fn appeals_are_stored_for_the_case_queue_once_per_step(db: &TestDb) {
    let w = world(db).await;
    w.send("s1", PAYMENT, T0).await.unwrap();
    let step = w.send("s1", PHONE, T0).await.unwrap().step.unwrap();
    let a =
        w.m.appeal(
            &step.id,
            "s1",
            "The handle is my shop's name, not a payment request",
            T0,
        )
        .await
        .unwrap();
    // The appeal opens a case in the appeals queue, in the same transaction.
    assert_eq!(a.status, "open");
    let case = w
        .store
        .case(a.case_id.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            case.source.as_str(),
            case.queue.as_str(),
            case.state.as_str()
        ),
        ("appeal", "appeals", "open")
    );
    assert_eq!(w.store.appeals_for_step(&step.id).await.unwrap(), vec![a]);
    assert!(matches!(
        w.m.appeal(&step.id, "s1", "again", T0).await,
        Err(MessagingError::Conflict(_))
    ));
    // Only the user the step was taken on may appeal it.
    assert!(matches!(
        w.m.appeal(&step.id, "b1", "me too", T0).await,
        Err(MessagingError::NotFound { .. })
    ));
    assert!(matches!(
        w.m.appeal(&step.id, "s1", "", T0).await,
        Err(MessagingError::Invalid(_))
    ));
    let actions: Vec<String> = w
        .store
        .audit_events(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    // The payment message alone earned the warning (3 points), the phone number the restriction (4).
    assert_eq!(
        actions,
        [
            "enforcement.step",
            "enforcement.step",
            "case.open",
            "appeal.file"
        ]
    );
}

async fn activating_a_policy_is_audited_and_a_version_names_one_document(db: &TestDb) {
    let w = world(db).await;
    let builtin = policy::Policy::builtin().unwrap();
    let a = w.m.activate(builtin.clone(), "test", T0).await.unwrap();
    assert!(a.changed);
    assert!(
        !w.m.activate(builtin.clone(), "test", T0)
            .await
            .unwrap()
            .changed
    );
    // A stricter policy: phone numbers are blocked.
    let strict_src = policy::BUILTIN
        .replace("version = \"builtin-1\"", "version = \"strict-1\"")
        .replace("action = \"deliver_redacted\"", "action = \"block\"");
    let strict = policy::Policy::parse(&strict_src).unwrap();
    let a = w.m.activate(strict, "admin", T0).await.unwrap();
    assert_eq!(
        (a.previous_version.as_str(), a.version.as_str(), a.changed),
        ("builtin-1", "strict-1", true)
    );
    let r = w.send("s1", PHONE, T0).await.unwrap();
    assert_eq!(
        (r.message.action.as_str(), r.message.policy_version.as_str()),
        ("block", "strict-1")
    );
    // Reusing a version for a different document is refused.
    let reused = policy::Policy::parse(
        &strict_src.replace("max_message_chars = 2000", "max_message_chars = 1000"),
    )
    .unwrap();
    assert!(matches!(
        w.m.activate(reused, "admin", T0).await,
        Err(MessagingError::Conflict(_))
    ));
    assert_eq!(w.m.policy().version, "strict-1");
    let active = w
        .store
        .active_policy_version("communication")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(active.version, "strict-1");
    let actions: Vec<String> = w
        .store
        .audit_events(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["policy.activate", "policy.activate"]);
}
