//! The console in a real browser (headless Chromium over WebDriver), against the real server on a free port with
//! the demo marketplace, on SQLite and PostgreSQL.

use crate::browser::{live_demo_app, with_browser};

testkit::on_both_backends!(
    sign_in_reveal_personal_data_and_see_it_audited,
    take_a_case_restrict_the_user_and_see_it_audited,
);

/// Sign in with the second factor; keyboard: the first Tab reaches the skip link; find an order; its phone number
/// is masked until a reason is given; the reveal is in the audit log, whose chain is intact; sign out.
async fn sign_in_reveal_personal_data_and_see_it_audited(db: &testkit::TestDb) {
    let (app, login) = live_demo_app(db).await;
    let base = app.base.clone();
    let store = app.state.store.clone();
    with_browser(move |b| async move {
        // Without a session the console sends the browser to the login page, remembering where it was going.
        b.goto(&format!("{base}/console/audit")).await;
        assert_eq!(b.path().await, "/console/login?next=/console/audit");

        // A wrong code is refused with one generic message.
        b.fill("#username", login.username).await;
        b.fill("#password", login.password).await;
        b.fill("#totp", "000000").await;
        b.click_nav("form button[type=submit]").await;
        assert_eq!(
            b.text("#login-problem").await,
            "The username, password or code is wrong."
        );

        b.sign_in(
            &base,
            login.username,
            login.password,
            server::demo::TOTP_SECRET,
        )
        .await;
        assert_eq!(b.path().await, "/console/queue");
        assert!(b.body().await.contains("Demo Investigator (investigator)"));

        // Keyboard: the first Tab lands on the skip link.
        b.client
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{E004}")
            .await
            .unwrap();
        let focused = b.client.active_element().await.unwrap();
        assert_eq!(focused.text().await.unwrap(), "Skip to content");

        // Search an order id: straight to its conversation, the phone number masked.
        b.fill("#top-q", "o-1001").await;
        b.click_nav("form.search button").await;
        assert!(b.path().await.starts_with("/console/conversations/"));
        let masked = b.body().await;
        assert!(masked.contains("[phone number hidden]"), "{masked}");
        assert!(!masked.contains("555-0123"), "{masked}");
        assert!(masked.contains("[address hidden] (US)"), "{masked}");
        let marks = b
            .client
            .find_all(fantoccini::Locator::Css("blockquote mark"))
            .await
            .unwrap();
        assert!(!marks.is_empty(), "findings are highlighted");

        // Reveal with a reason.
        b.fill(
            "#reveal-reason",
            "Report about order o-1001: checking the number",
        )
        .await;
        b.click_nav("form.reveal button").await;
        let shown = b.wait_for_text("Personal data shown").await;
        assert!(shown.contains("(646) 555-0123"), "{shown}");
        assert!(shown.contains("742 Evergreen Terrace"), "{shown}");

        // The audit log shows the reveal with its reason, and the chain checks out.
        b.goto(&format!("{base}/console/audit")).await;
        assert!(b.text("#chain").await.starts_with("Chain intact"));
        let audit = b.body().await;
        assert!(audit.contains("console.reveal_personal_data"), "{audit}");
        assert!(audit.contains("checking the number"), "{audit}");
        assert!(audit.contains("investigator:demo"), "{audit}");

        // The user page: the seller's standing and steps; contact details masked.
        b.goto(&format!("{base}/console/users/s-techdeals")).await;
        let user = b.body().await;
        assert!(user.contains("TechDeals Outlet"), "{user}");
        assert!(!user.contains("support@techdeals.example"), "{user}");

        // Sign out: the session is gone, the console asks for a login again.
        b.click_nav("form.logout button").await;
        assert_eq!(b.path().await, "/console/login");
        b.goto(&format!("{base}/console")).await;
        assert!(b.path().await.starts_with("/console/login"));
    })
    .await;
    let reveals = store
        .recent_audit_events(None, None, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "console.reveal_personal_data")
        .count();
    assert_eq!(reveals, 1);
    drop(app);
}

/// The flow: log in, open the queue, take a case (htmx swaps the row), read the evidence, restrict the
/// user, see the user's status change and the audit entry.
async fn take_a_case_restrict_the_user_and_see_it_audited(db: &testkit::TestDb) {
    let (app, login) = live_demo_app(db).await;
    let base = app.base.clone();
    let state = app.state.clone();
    let case = state
        .casework
        .queue(&casework::CaseFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.order_id.as_deref() == Some("o-1006"))
        .expect("the demo has an open case about order o-1006");
    assert_eq!(case.state, "open");
    assert_eq!(case.user_id.as_deref(), Some("s-atelier-lena"));
    let case_id = case.id.clone();
    with_browser(move |b| async move {
        b.sign_in(
            &base,
            login.username,
            login.password,
            server::demo::TOTP_SECRET,
        )
        .await;
        assert_eq!(b.path().await, "/console/queue");

        // Before: the seller is active (her number was redacted, one strike, no step).
        b.goto(&format!("{base}/console/users/s-atelier-lena"))
            .await;
        assert_eq!(b.text("#user-status").await, "active");

        // The queue lists the case, nobody holds it; "Take" swaps the row in place (htmx, no page load).
        b.goto(&format!("{base}/console/queue")).await;
        let row = format!("#case-{case_id}");
        assert!(b.text(&row).await.contains("asked for a phone number"));
        b.click(&format!("{row} form button")).await;
        let mut taken = String::new();
        for _ in 0..50 {
            taken = b.text(&row).await;
            if taken.contains("you") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            taken.contains("in_review") && taken.contains("you"),
            "{taken}"
        );
        assert_eq!(
            b.path().await,
            "/console/queue",
            "htmx did not leave the page"
        );

        // The case page: the report and the message with its highlighted, masked findings.
        b.click_nav(&format!("{row} td a")).await;
        assert_eq!(b.text("#case-holder").await, "you");
        let timeline = b.text("#timeline").await;
        assert!(timeline.contains("move our chat to WhatsApp"), "{timeline}");
        assert!(timeline.contains("[contact handle hidden]"), "{timeline}");
        assert!(!timeline.contains("23456789"), "{timeline}");
        let marks = b
            .client
            .find_all(fantoccini::Locator::Css("#timeline mark"))
            .await
            .unwrap();
        assert!(!marks.is_empty(), "findings are highlighted");

        // Restrict the seller.
        b.click("#outcome-restrict").await;
        b.fill(
            "#reason",
            "Moved the buyer to WhatsApp after the redaction notice",
        )
        .await;
        b.click_nav("#resolve").await;
        assert!(b.text("#case-outcome").await.contains("restrict"));
        assert!(b.text("h1").await.contains("resolved"));

        // After: the seller is restricted, with an end date; the step names the case.
        b.goto(&format!("{base}/console/users/s-atelier-lena"))
            .await;
        let status = b.text("#user-status").await;
        assert!(status.starts_with("restricted until"), "{status}");
        assert!(b.text("#steps-table").await.contains("investigator:demo"));

        // The audit log has the take and the decision, with the reason; the chain is intact.
        b.goto(&format!("{base}/console/audit?subject=case:{case_id}"))
            .await;
        assert!(b.text("#chain").await.starts_with("Chain intact"));
        let audit = b.text("table.audit").await;
        assert!(audit.contains("case.take"), "{audit}");
        assert!(audit.contains("case.resolve"), "{audit}");
        assert!(audit.contains("after the redaction notice"), "{audit}");
    })
    .await;
    // The store agrees, and the reporter was told.
    let user = state.store.user("s-atelier-lena").await.unwrap().unwrap();
    assert_eq!(user.status, "restricted");
    let case = state.casework.case(&case.id).await.unwrap();
    assert_eq!(
        (case.state.as_str(), case.outcome.map(|o| o.as_str())),
        ("resolved", Some("restrict"))
    );
    assert_eq!(case.resolved_by.as_deref(), Some("demo"));
    let told = state.store.notifications_for("b-tom", 10).await.unwrap();
    assert!(told.iter().any(|n| n.kind == "report_outcome"));
    drop(app);
}
