use casework::{
    CaseworkError, HeldDecision, Outcome, ReportCategory as Cat, Resolve, SubjectType as Subj,
};
use testkit::{TestDb, on_both_backends};
use time::Duration;

use crate::support::{T0, world};

on_both_backends!(
    reports_about_one_subject_join_one_case_which_gathers_its_evidence,
    reports_are_refused_for_bad_subjects_and_strangers_with_reasons,
    an_investigator_takes_a_case_and_restricts_the_user_who_is_told_and_so_is_the_reporter,
    a_held_message_is_a_case_releasing_delivers_it_and_rejecting_keeps_it_away,
    an_appeal_reopens_the_case_for_a_different_investigator_who_can_reinstate,
    an_appeal_against_a_policy_step_opens_a_case_in_the_appeals_queue,
    the_overview_counts_reports_and_actions_per_day
);

const PHONE: &str = "Pickup works after 5pm, my cell is 415-555-0172";
const PHISH: &str =
    "Your payment is on hold, confirm your details at http://185.23.77.10/secure-login now";

fn resolve(outcome: Outcome) -> Resolve<'static> {
    Resolve {
        outcome,
        reason: "checked the conversation",
        held: None,
    }
}

async fn reports_about_one_subject_join_one_case_which_gathers_its_evidence(db: &TestDb) {
    let w = world(db).await;
    let msg = w.send("s1", PHONE, T0).await.unwrap().message.id;
    let first = w
        .report("b1", Subj::Message, &msg, Cat::PhoneRequest, T0)
        .await
        .unwrap();
    assert!(first.opened && !first.replayed);
    let case = w.cw.case(&first.case_id).await.unwrap();
    assert_eq!(
        (case.queue.as_str(), case.priority, case.state.as_str()),
        ("off_platform", 2, "open")
    );
    assert_eq!(
        case.user_id.as_deref(),
        Some("s1"),
        "the reported party is the message's sender"
    );
    assert_eq!(case.due_at, T0 + Duration::hours(24));

    // A second report about the same message joins the case; being more urgent, it raises its priority.
    let later = T0 + Duration::minutes(5);
    let second = w
        .report("b1", Subj::Message, &msg, Cat::Phishing, later)
        .await
        .unwrap();
    assert_eq!(second.case_id, first.case_id);
    assert!(!second.opened);
    let case = w.cw.case(&first.case_id).await.unwrap();
    assert_eq!(
        (case.queue.as_str(), case.priority),
        ("account_takeover", 1)
    );
    assert_eq!(case.due_at, later + Duration::hours(4));

    // The file gathers the conversation with findings, the order, both parties and a timeline.
    let file = w.cw.case_file(&first.case_id, later).await.unwrap();
    assert_eq!(file.reports.len(), 2);
    let conversation = file.conversation.as_ref().unwrap();
    assert_eq!(conversation.messages.len(), 1);
    assert!(
        conversation.messages[0]
            .findings
            .iter()
            .any(|f| f.category == "contact.phone")
    );
    assert_eq!(file.order.as_ref().unwrap().id, "o1");
    assert_eq!(file.message.as_ref().unwrap().id, msg);
    let parties: Vec<&str> = file.parties.iter().map(|p| p.user.id.as_str()).collect();
    assert_eq!(parties, ["s1", "b1"]);
    assert_eq!(file.parties[0].reports_about.len(), 2);
    assert_eq!(file.parties[1].reports_filed.len(), 2);
    let kinds: Vec<&str> = file.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["message", "opened", "report", "report"]);

    // The seller's phone-contact requests to this buyer are evidence too (this one is refused as too vague).
    let contacts = messaging::contact::Contacts::new(w.m.clone(), Vec::new(), None);
    let refused = contacts
        .request(
            &messaging::contact::NewRequest {
                order_id: "o1".into(),
                seller_id: "s1".into(),
                buyer_id: None,
                purpose: "delivery_scheduling".into(),
                justification: "for better communication".into(),
                channel: "voice".into(),
                idempotency_key: None,
            },
            later,
        )
        .await
        .unwrap();
    let file = w.cw.case_file(&first.case_id, later).await.unwrap();
    assert_eq!(file.contact_requests.len(), 1);
    assert_eq!(file.contact_requests[0].id, refused.request.id);
    assert!(
        file.timeline
            .iter()
            .any(|e| e.kind == "contact_request" && e.summary.contains("refused"))
    );

    // A report about the conversation is another subject: another case, about the same seller.
    let other = w
        .report(
            "b1",
            Subj::Conversation,
            &w.conversation,
            Cat::Harassment,
            later,
        )
        .await
        .unwrap();
    assert_ne!(other.case_id, first.case_id);
    assert_eq!(
        w.cw.case(&other.case_id).await.unwrap().user_id.as_deref(),
        Some("s1")
    );
    // An order report by the seller is about the buyer.
    let by_seller = w
        .report("s1", Subj::Order, "o1", Cat::Other, later)
        .await
        .unwrap();
    assert_eq!(
        w.cw.case(&by_seller.case_id)
            .await
            .unwrap()
            .user_id
            .as_deref(),
        Some("b1")
    );

    // The same Idempotency-Key answers the first report and stores nothing.
    let keyed = |text: &str| casework::NewReport {
        reporter_id: "b1".into(),
        subject: casework::Subject {
            kind: Subj::User,
            id: "s1".into(),
        },
        category: Cat::Counterfeit,
        text: text.into(),
        idempotency_key: Some("k-1".into()),
    };
    let a = w.cw.file_report(&keyed("fake brand"), later).await.unwrap();
    let b = w.cw.file_report(&keyed("fake brand"), later).await.unwrap();
    assert!(b.replayed && b.report.id == a.report.id && b.case_id == a.case_id);
    assert!(matches!(
        w.cw.file_report(&keyed("other words"), later).await,
        Err(CaseworkError::Invalid(_))
    ));
    assert_eq!(w.store.reports_by_user("b1").await.unwrap().len(), 4);
    assert!(
        w.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "report.file")
            .count()
            == 5
    );
    assert!(w.store.verify_audit_chain().await.unwrap().is_intact());
}

async fn reports_are_refused_for_bad_subjects_and_strangers_with_reasons(db: &TestDb) {
    let w = world(db).await;
    let msg = w.send("s1", PHONE, T0).await.unwrap().message.id;
    let check = async |reporter: &str, kind, id: &str| {
        w.report(reporter, kind, id, Cat::Other, T0)
            .await
            .unwrap_err()
    };
    assert!(matches!(
        check("x1", Subj::Message, &msg).await,
        CaseworkError::NotAParticipant { .. }
    ));
    assert!(matches!(
        check("x1", Subj::Order, "o1").await,
        CaseworkError::NotAParticipant { .. }
    ));
    assert!(
        matches!(check("s1", Subj::Message, &msg).await, CaseworkError::Invalid(m) if m.contains("themselves or their own message"))
    );
    assert!(matches!(
        check("b1", Subj::User, "b1").await,
        CaseworkError::Invalid(_)
    ));
    assert!(matches!(
        check("b1", Subj::Order, "o-missing").await,
        CaseworkError::NotFound { what: "order", .. }
    ));
    assert!(matches!(
        check("nobody", Subj::User, "s1").await,
        CaseworkError::NotFound { what: "user", .. }
    ));
    assert!(matches!(
        check("b1", Subj::Message, "m-missing").await,
        CaseworkError::NotFound {
            what: "message",
            ..
        }
    ));
    // Any user may report another user.
    assert!(
        w.report("x1", Subj::User, "s1", Cat::Harassment, T0)
            .await
            .is_ok()
    );
}

async fn an_investigator_takes_a_case_and_restricts_the_user_who_is_told_and_so_is_the_reporter(
    db: &TestDb,
) {
    let w = world(db).await;
    let msg = w.send("s1", PHONE, T0).await.unwrap().message.id;
    let case_id = w
        .report("b1", Subj::Message, &msg, Cat::PhoneRequest, T0)
        .await
        .unwrap()
        .case_id;
    let t = |m: i64| T0 + Duration::minutes(m);

    // Resolving needs the lock.
    assert!(matches!(
        w.cw.resolve(&case_id, "ana", &resolve(Outcome::Warn), t(1))
            .await,
        Err(CaseworkError::Transition(_))
    ));
    let taken = w.cw.take(&case_id, "ana", t(1)).await.unwrap();
    assert_eq!(
        (taken.state.as_str(), taken.assignee.as_deref()),
        ("in_review", Some("ana"))
    );
    assert_eq!(taken.first_action_at, Some(t(1)));
    assert!(
        matches!(w.cw.take(&case_id, "ben", t(2)).await, Err(CaseworkError::Locked(m)) if m.contains("ana holds this case"))
    );
    assert!(matches!(
        w.cw.resolve(&case_id, "ben", &resolve(Outcome::Warn), t(2))
            .await,
        Err(CaseworkError::Locked(_))
    ));
    // Anyone may add a note; notes stay in order.
    w.cw.note(&case_id, "ben", "Seen this seller before", t(3))
        .await
        .unwrap();
    w.cw.note(&case_id, "ana", "Phone number in the first message", t(4))
        .await
        .unwrap();
    assert!(matches!(
        w.cw.note(&case_id, "ana", "  ", t(4)).await,
        Err(CaseworkError::Invalid(_))
    ));

    let done =
        w.cw.resolve(&case_id, "ana", &resolve(Outcome::Restrict), t(5))
            .await
            .unwrap();
    assert_eq!(
        (
            done.state.as_str(),
            done.outcome.map(|o| o.as_str()),
            done.resolved_by.as_deref()
        ),
        ("resolved", Some("restrict"), Some("ana"))
    );
    let seller = w.store.user("s1").await.unwrap().unwrap();
    assert_eq!(seller.status, "restricted");
    assert_eq!(seller.restricted_until, Some(t(5) + Duration::hours(72)));
    let steps = w.store.case_steps(&case_id).await.unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(
        (steps[0].level.as_str(), steps[0].decided_by.as_str()),
        ("restricted", "investigator:ana")
    );
    // Both the restricted seller and the reporter are told, each with a verification code.
    let told = |user: &'static str| {
        let store = w.store.clone();
        async move { store.notifications_for(user, 10).await.unwrap() }
    };
    let to_seller = told("s1").await;
    assert_eq!(to_seller.len(), 1);
    assert!(to_seller[0].body.contains("You cannot send messages until"));
    assert!(to_seller[0].body.contains(&to_seller[0].verification_code));
    let to_buyer = told("b1").await;
    assert_eq!(
        (to_buyer.len(), to_buyer[0].kind.as_str()),
        (1, "report_outcome")
    );
    assert!(told("x1").await.is_empty());
    // The restricted seller cannot send.
    assert!(w.send("s1", "hello", t(6)).await.is_err());

    let file = w.cw.case_file(&case_id, t(6)).await.unwrap();
    assert_eq!(
        file.notes
            .iter()
            .map(|n| n.author.as_str())
            .collect::<Vec<_>>(),
        ["ben", "ana"]
    );
    assert_eq!(file.timeline.last().unwrap().kind, "resolved");
    let actions = w.audit_actions().await;
    for a in [
        "case.open",
        "report.file",
        "case.take",
        "case.note",
        "case.resolve",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    assert!(w.store.verify_audit_chain().await.unwrap().is_intact());
    // A resolved case takes no more notes, and a new report about the same message opens a new case.
    assert!(w.cw.note(&case_id, "ana", "late", t(7)).await.is_err());
    let again = w
        .report("b1", Subj::Message, &msg, Cat::PhoneRequest, t(8))
        .await
        .unwrap();
    assert!(again.opened && again.case_id != case_id);
    // The lock expires: after the policy's lock time another investigator may take the case.
    w.cw.take(&again.case_id, "ana", t(9)).await.unwrap();
    let lock = w.cw.policy().lock;
    assert!(
        w.cw.take(&again.case_id, "ben", t(9) + lock - Duration::seconds(1))
            .await
            .is_err()
    );
    assert_eq!(
        w.cw.take(&again.case_id, "ben", t(9) + lock)
            .await
            .unwrap()
            .assignee
            .as_deref(),
        Some("ben")
    );
}

async fn a_held_message_is_a_case_releasing_delivers_it_and_rejecting_keeps_it_away(db: &TestDb) {
    let w = world(db).await;
    let first = w.send("s1", PHISH, T0).await.unwrap().message;
    assert_eq!(first.action, "hold");
    let queue = w.cw.queue(&Default::default()).await.unwrap();
    assert_eq!(queue.len(), 1);
    let case = &queue[0];
    assert_eq!(
        (
            case.source.as_str(),
            case.queue.as_str(),
            case.subject_id.as_str()
        ),
        ("held_message", "held_messages", first.id.as_str())
    );
    assert_eq!(case.user_id.as_deref(), Some("s1"));
    let seen_by_buyer = async || {
        w.m.view_as_participant(&w.conversation, "b1", None, 100)
            .await
            .unwrap()
            .messages
    };
    assert!(
        seen_by_buyer()
            .await
            .iter()
            .all(|m| m.text.as_deref() != Some(PHISH))
    );

    w.cw.take(&case.id, "ana", T0).await.unwrap();
    let err =
        w.cw.resolve(&case.id, "ana", &resolve(Outcome::Dismiss), T0)
            .await
            .unwrap_err();
    assert!(matches!(err, CaseworkError::Invalid(m) if m.contains("`release` or `reject`")));
    let release = Resolve {
        held: Some(HeldDecision::Release),
        ..resolve(Outcome::Dismiss)
    };
    w.cw.resolve(&case.id, "ana", &release, T0).await.unwrap();
    assert!(
        seen_by_buyer()
            .await
            .iter()
            .any(|m| m.text.as_deref() == Some(PHISH)),
        "released: delivered as written"
    );
    assert_eq!(
        w.cw.case_file(&case.id, T0)
            .await
            .unwrap()
            .held_review
            .unwrap()
            .decision,
        "released"
    );

    // The phishing link restricted the seller at once (a heavy strike). A fake buyer's phishing message, rejected
    // with a warning: never delivered, and the buyer is warned.
    let t1 = T0 + Duration::minutes(1);
    let second = w
        .send(
            "b1",
            "Last chance: log in at http://185.23.77.10/verify to keep your order",
            t1,
        )
        .await
        .unwrap()
        .message;
    assert_eq!(second.action, "hold");
    let case2 = w.cw.queue(&Default::default()).await.unwrap().remove(0);
    w.cw.take(&case2.id, "ana", t1).await.unwrap();
    let reject = Resolve {
        held: Some(HeldDecision::Reject),
        ..resolve(Outcome::Warn)
    };
    w.cw.resolve(&case2.id, "ana", &reject, t1).await.unwrap();
    let seen_by_seller =
        w.m.view_as_participant(&w.conversation, "s1", None, 100)
            .await
            .unwrap()
            .messages;
    assert!(
        seen_by_seller
            .iter()
            .all(|m| m.id != second.id || m.text.is_none()),
        "rejected: never shown"
    );
    // The phishing strike already restricted the buyer; the warning is recorded on top and the standing keeps
    // the most severe step in force.
    let steps = w.store.case_steps(&case2.id).await.unwrap();
    assert_eq!(
        (steps[0].user_id.as_str(), steps[0].level.as_str()),
        ("b1", "warning")
    );
    assert_eq!(
        w.store.user("b1").await.unwrap().unwrap().status,
        "restricted"
    );
    // Release or reject is only for held messages.
    let other = w
        .report("b1", Subj::User, "s1", Cat::Other, t1)
        .await
        .unwrap();
    w.cw.take(&other.case_id, "ana", t1).await.unwrap();
    assert!(matches!(
        w.cw.resolve(&other.case_id, "ana", &release, t1).await,
        Err(CaseworkError::Invalid(_))
    ));
}

async fn an_appeal_reopens_the_case_for_a_different_investigator_who_can_reinstate(db: &TestDb) {
    let w = world(db).await;
    let case_id = w
        .report("b1", Subj::User, "s1", Cat::Harassment, T0)
        .await
        .unwrap()
        .case_id;
    w.cw.take(&case_id, "ana", T0).await.unwrap();
    w.cw.resolve(&case_id, "ana", &resolve(Outcome::Suspend), T0)
        .await
        .unwrap();
    assert_eq!(
        w.store.user("s1").await.unwrap().unwrap().status,
        "suspended"
    );
    let step = w.store.case_steps(&case_id).await.unwrap().remove(0);

    let t1 = T0 + Duration::hours(1);
    let appeal =
        w.m.appeal(
            &step.id,
            "s1",
            "I never wrote anything rude, please check again",
            t1,
        )
        .await
        .unwrap();
    assert_eq!(
        appeal.case_id.as_deref(),
        Some(case_id.as_str()),
        "the deciding case is reopened"
    );
    let case = w.cw.case(&case_id).await.unwrap();
    assert_eq!(
        (case.state.as_str(), case.excluded_assignee.as_deref()),
        ("appealed", Some("ana"))
    );
    assert!(
        matches!(w.cw.take(&case_id, "ana", t1).await, Err(CaseworkError::Locked(m)) if m.contains("different investigator"))
    );
    w.cw.take(&case_id, "ben", t1).await.unwrap();
    w.cw.resolve(&case_id, "ben", &resolve(Outcome::Reinstate), t1)
        .await
        .unwrap();
    let seller = w.store.user("s1").await.unwrap().unwrap();
    assert_eq!(seller.status, "active");
    let steps = w.store.enforcement_steps("s1").await.unwrap();
    assert!(steps.iter().any(
        |s| s.level == "reinstated" && s.reverses_step_id.as_deref() == Some(step.id.as_str())
    ));
    assert!(
        steps
            .iter()
            .find(|s| s.id == step.id)
            .unwrap()
            .reversed_by
            .is_some()
    );
    assert_eq!(
        w.store.appeals_for_step(&step.id).await.unwrap()[0].status,
        "decided"
    );
    let file = w.cw.case_file(&case_id, t1).await.unwrap();
    assert_eq!(file.appeals.len(), 1);
    assert!(w.store.verify_audit_chain().await.unwrap().is_intact());
}

async fn an_appeal_against_a_policy_step_opens_a_case_in_the_appeals_queue(db: &TestDb) {
    let w = world(db).await;
    // Enough contact-sharing to earn a warning from the policy's ladder.
    let mut step = None;
    for i in 0..6 {
        let r = w
            .send("s1", PHONE, T0 + Duration::minutes(i))
            .await
            .unwrap();
        if let Some(s) = r.step {
            step = Some(s);
            break;
        }
    }
    let step = step.expect("the ladder took a step");
    let appeal =
        w.m.appeal(
            &step.id,
            "s1",
            "the number was my shop's public line",
            T0 + Duration::hours(1),
        )
        .await
        .unwrap();
    let case = w.cw.case(appeal.case_id.as_deref().unwrap()).await.unwrap();
    assert_eq!(
        (
            case.source.as_str(),
            case.queue.as_str(),
            case.subject_key.clone()
        ),
        ("appeal", "appeals", format!("appeal:{}", step.id))
    );
    assert_eq!(case.user_id.as_deref(), Some("s1"));
}

async fn the_overview_counts_reports_and_actions_per_day(db: &TestDb) {
    let w = world(db).await;
    let day2 = T0 + Duration::days(1);
    let a = w
        .report("b1", Subj::User, "s1", Cat::Phishing, T0)
        .await
        .unwrap();
    w.report("b1", Subj::Order, "o1", Cat::Phishing, T0)
        .await
        .unwrap();
    w.report("x1", Subj::User, "s1", Cat::Harassment, day2)
        .await
        .unwrap();
    w.cw.take(&a.case_id, "ana", day2).await.unwrap();
    w.cw.resolve(
        &a.case_id,
        "ana",
        &resolve(Outcome::Warn),
        day2 + Duration::hours(2),
    )
    .await
    .unwrap();
    let o = w.cw.overview(day2 + Duration::hours(3), 7).await.unwrap();
    assert_eq!(o.days.len(), 7);
    assert_eq!(o.days.last().unwrap(), "2026-11-03");
    let count = |v: &[casework::DayCount], day: &str, key: &str| {
        v.iter()
            .find(|c| c.day == day && c.key == key)
            .map_or(0, |c| c.count)
    };
    assert_eq!(count(&o.reports, "2026-11-02", "phishing"), 2);
    assert_eq!(count(&o.reports, "2026-11-03", "harassment"), 1);
    assert_eq!(count(&o.actions, "2026-11-03", "warn"), 1);
    let phishing = o
        .time_to_action
        .iter()
        .find(|t| t.key == "phishing")
        .unwrap();
    assert_eq!(phishing.cases, 1);
    assert_eq!(phishing.median_to_first_action, Some(Duration::days(1)));
    assert_eq!(phishing.median_to_resolution, Some(Duration::hours(26)));
    // x1's report joined the case about user s1, now resolved: only the order's case is still open.
    assert_eq!(o.open_by_queue, [("account_takeover".to_string(), 1)]);
}
