//! The console in a real browser (headless Chromium over WebDriver), against the real server on a free port with
//! the demo marketplace, on SQLite and PostgreSQL.

use crate::browser::{live_demo_app, with_browser};

testkit::on_both_backends!(sign_in_reveal_personal_data_and_see_it_audited);

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
        assert_eq!(b.path().await, "/console");
        assert!(b.body().await.contains("Welcome, Demo Investigator"));

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
        b.fill("#q", "o-1001").await;
        b.click_nav("form.find button").await;
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
