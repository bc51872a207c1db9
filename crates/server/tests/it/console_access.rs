//! Console access control, route by route, through the router: without a session every page and form sends the
//! browser to the login page; an investigator gets 403 on admin pages and forms; a form without the session's
//! CSRF token is refused; the cookie carries the right attributes.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use server::AppState;
use server::console::{GET_PAGES, POST_ROUTES};
use server::security::console as accounts;
use store::Store;
use store::security::ConsoleRole;
use time::OffsetDateTime;
use tower::ServiceExt as _;

use crate::browser::console_config;

testkit::on_both_backends!(
    without_a_session_every_route_goes_to_login,
    investigators_get_403_on_admin_routes,
    posts_need_the_sessions_csrf_token,
    login_sets_a_strict_http_only_cookie,
    a_throttled_sign_in_says_when_to_try_again,
    reveal_needs_a_reason_and_is_audited,
    admin_creates_an_investigator_and_revokes_a_key,
    a_held_message_is_rejected_from_its_case_page,
    a_case_page_lists_the_sellers_contact_requests,
    an_investigator_marks_a_finding_wrong_and_a_missed_violation_from_the_conversation_page,
    a_signed_in_user_changes_their_password,
    a_refused_password_change_changes_nothing,
    a_forced_password_change_comes_before_every_other_page,
);

const PASSWORD: &str = "Quiet-Orchard-Ledger-93";

struct Env {
    router: Router,
    store: Store,
    state: AppState,
}

async fn env(db: &testkit::TestDb) -> Env {
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    let state = AppState::new(console_config(db), store.clone()).unwrap();
    // The state's store holds the audit keys (from the configured data key); audited writes go through it.
    let store = state.store.clone();
    Env {
        router: server::app(state.clone()),
        store,
        state,
    }
}

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Env {
    async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Res {
        let mut req = Request::get(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    async fn post(&self, path: &str, cookie: Option<&str>, form: &str) -> Res {
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(form.to_string())).unwrap())
            .await
    }

    /// A signed-in session cookie for a new account with this role (through the library, not the form).
    async fn session(&self, username: &str, role: ConsoleRole) -> String {
        accounts::create_account(
            &self.store,
            &self.state.config.security,
            username,
            username,
            None,
            role,
            PASSWORD,
            "test",
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
        self.sign_in(username, PASSWORD).await
    }

    /// Another signed-in session cookie for an existing account (through the library, not the form).
    async fn sign_in(&self, username: &str, password: &str) -> String {
        self.try_sign_in(username, password).await.unwrap()
    }

    /// A session cookie, or why the sign-in (through the library, without a second factor) was refused.
    async fn try_sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<String, accounts::SignInRefusal> {
        let signed = accounts::sign_in(
            &self.store,
            &self.state.config.security,
            &accounts::SignIn {
                username,
                password,
                totp_code: None,
                device: "test",
                ip: "127.0.0.1",
                country: "ZZ",
                public_computer: false,
            },
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()?;
        Ok(format!("mg_console={}", signed.token))
    }

    /// Signs in through the login form (no second factor); answers the session cookie and where it went.
    async fn sign_in_with_form(
        &self,
        username: &str,
        password: &str,
        next: &str,
    ) -> (String, String) {
        let token = login_token(&self.get("/console/login", None).await);
        let r = self
            .post(
                "/console/login",
                Some(&format!("mg_console_login={token}")),
                &format!("_login={token}&username={username}&password={password}&next={next}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let session = set_cookie(&r, "mg_console").split(';').next().unwrap();
        (session.to_string(), location(&r).to_string())
    }

    /// Whether the audit log has an entry with this action.
    async fn audited(&self, action: &str) -> bool {
        self.store
            .recent_audit_events(None, None, 50)
            .await
            .unwrap()
            .iter()
            .any(|a| a.action == action)
    }

    /// The CSRF token of the session behind `cookie`, read from a rendered page.
    async fn csrf(&self, cookie: &str) -> String {
        self.csrf_on("/console/queue", cookie).await
    }

    /// The CSRF token of the session behind `cookie`, read from the page at `path`.
    async fn csrf_on(&self, path: &str, cookie: &str) -> String {
        let page = self.get(path, Some(cookie)).await;
        let at = page
            .body
            .find(r#"name="_csrf" value=""#)
            .expect("a page with a form");
        let rest = &page.body[at + r#"name="_csrf" value=""#.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

/// The `Set-Cookie` value for cookie `name`.
fn set_cookie<'a>(r: &'a Res, name: &str) -> &'a str {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap()
}

/// The login form's own CSRF token, from the cookie the form sets.
fn login_token(form: &Res) -> String {
    set_cookie(form, "mg_console_login")
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string()
}

fn location(r: &Res) -> &str {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("<no location>")
}

async fn without_a_session_every_route_goes_to_login(db: &testkit::TestDb) {
    let e = env(db).await;
    for (path, _) in GET_PAGES {
        for cookie in [None, Some("mg_console=mgs_not-a-real-token")] {
            let r = e.get(path, cookie).await;
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "GET {path} with {cookie:?}"
            );
            assert!(
                location(&r).starts_with("/console/login?next=/console"),
                "GET {path}: {}",
                location(&r)
            );
            assert!(!r.body.contains("<table"), "GET {path} leaked a page");
        }
    }
    for (path, _) in POST_ROUTES {
        let r = e.post(path, None, "_csrf=x&reason=because+I+can").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "POST {path}");
        assert!(location(&r).starts_with("/console/login"), "POST {path}");
    }
    // htmx requests are told to load the login page as a whole.
    let r = e
        .send(
            Request::get("/console/audit")
                .header("hx-request", "true")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.headers.contains_key("hx-redirect"));
    // Nothing was written by any of these requests.
    assert!(!e.audited("console.reveal_personal_data").await);
}

async fn investigators_get_403_on_admin_routes(db: &testkit::TestDb) {
    let e = env(db).await;
    let inv = e.session("ivy", ConsoleRole::Investigator).await;
    let admin = e.session("ada", ConsoleRole::Admin).await;
    let inv_csrf = e.csrf(&inv).await;
    for (path, admin_only) in GET_PAGES {
        let r = e.get(path, Some(&inv)).await;
        if *admin_only {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "investigator GET {path}");
            assert!(
                !r.body.contains("API keys"),
                "GET {path} leaked the admin page"
            );
            let r = e.get(path, Some(&admin)).await;
            assert_eq!(r.status, StatusCode::OK, "admin GET {path}");
        } else {
            // Pages about things that do not exist answer 404; the rest 200 (`/console` sends on to the queue);
            // never a redirect to login.
            assert!(
                [StatusCode::OK, StatusCode::NOT_FOUND].contains(&r.status)
                    || (r.status == StatusCode::SEE_OTHER && location(&r) == "/console/queue"),
                "investigator GET {path}: {}",
                r.status
            );
        }
    }
    for (path, admin_only) in POST_ROUTES.iter().filter(|(_, a)| *a) {
        assert!(admin_only);
        let r = e
            .post(
                path,
                Some(&inv),
                &format!("_csrf={inv_csrf}&username=mallory&display_name=M&role=admin&password=Long-Enough-Password-1"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "investigator POST {path}");
    }
    assert!(
        e.store
            .console_account_by_username("mallory")
            .await
            .unwrap()
            .is_none()
    );
    // The investigator's pages show no admin link; the admin's do.
    assert!(
        !e.get("/console/queue", Some(&inv))
            .await
            .body
            .contains(r#"href="/console/admin""#)
    );
    assert!(
        e.get("/console/queue", Some(&admin))
            .await
            .body
            .contains(r#"href="/console/admin""#)
    );
}

async fn posts_need_the_sessions_csrf_token(db: &testkit::TestDb) {
    let e = env(db).await;
    let ivy = e.session("ivy", ConsoleRole::Investigator).await;
    let max = e.session("max", ConsoleRole::Investigator).await;
    let max_csrf = e.csrf(&max).await;
    for form in ["", "_csrf=", "_csrf=00ff", &format!("_csrf={max_csrf}")] {
        let r = e.post("/console/logout", Some(&ivy), form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "logout with `{form}`");
    }
    // Ivy is still signed in; with her own token the logout works and ends the session.
    assert_eq!(
        e.get("/console/queue", Some(&ivy)).await.status,
        StatusCode::OK
    );
    let csrf = e.csrf(&ivy).await;
    let r = e
        .post("/console/logout", Some(&ivy), &format!("_csrf={csrf}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/console/login"));
    assert!(location(&e.get("/console/queue", Some(&ivy)).await).starts_with("/console/login"));
    assert_eq!(
        e.get("/console/queue", Some(&max)).await.status,
        StatusCode::OK
    );
}

async fn login_sets_a_strict_http_only_cookie(db: &testkit::TestDb) {
    let e = env(db).await;
    let cfg = e.state.config.security.clone();
    let now = OffsetDateTime::now_utc();
    let account = accounts::create_account(
        &e.store,
        &cfg,
        "lee",
        "Lee",
        None,
        ConsoleRole::Investigator,
        PASSWORD,
        "test",
        now,
    )
    .await
    .unwrap();
    let enrol = accounts::enrol_totp(&e.store, &cfg, &account, now)
        .await
        .unwrap();
    let secret = totp_rs::Secret::Encoded(enrol.secret_base32)
        .to_bytes()
        .unwrap();

    let form = e.get("/console/login?next=/console/audit", None).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(r#"<label for="totp">"#),
        "every input has a label"
    );
    let token = login_token(&form);
    let cookie = format!("mg_console_login={token}");

    // Without the TOTP code: refused, no session.
    let r = e
        .post(
            "/console/login",
            Some(&cookie),
            &format!("_login={token}&username=lee&password={PASSWORD}&totp="),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("six-digit code"));
    // Without the login cookie (a cross-site form): refused before the password is looked at.
    let code =
        security::totp::code_at_step(&secret, security::totp::step_at(OffsetDateTime::now_utc()))
            .unwrap();
    let r = e
        .post(
            "/console/login",
            None,
            &format!("_login={token}&username=lee&password={PASSWORD}&totp={code}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = e
        .post(
            "/console/login",
            Some(&cookie),
            &format!(
                "_login={token}&username=lee&password={PASSWORD}&totp={code}&next=/console/audit"
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/console/audit");
    let session = set_cookie(&r, "mg_console");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Strict"), "{session}");
    assert!(session.contains("Path=/console"), "{session}");
    assert!(
        !session.contains("Secure"),
        "the tests turn Secure off: {session}"
    );
    let cookie = session.split(';').next().unwrap();
    let page = e.get("/console/audit", Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert!(page.headers.get(header::CONTENT_SECURITY_POLICY).is_some());
    // An address off the console is not followed after sign-in (no open redirect).
    accounts::create_account(
        &e.store,
        &cfg,
        "max",
        "Max",
        None,
        ConsoleRole::Investigator,
        PASSWORD,
        "test",
        now,
    )
    .await
    .unwrap();
    let (_, went) = e
        .sign_in_with_form("max", PASSWORD, "//evil.example/console")
        .await;
    assert_eq!(went, "/console");
}

async fn reveal_needs_a_reason_and_is_audited(db: &testkit::TestDb) {
    let e = env(db).await;
    server::demo::seed(&e.state).await.unwrap();
    let ivy = e.session("ivy", ConsoleRole::Investigator).await;
    let csrf = e.csrf(&ivy).await;
    let masked = e.get("/console/users/b-jordan", Some(&ivy)).await;
    assert_eq!(masked.status, StatusCode::OK);
    assert!(!masked.body.contains("jordan.reyes@mail.example"));
    assert!(masked.body.contains("j•••@•••.example"));

    let r = e
        .post(
            "/console/users/b-jordan/reveal",
            Some(&ivy),
            &format!("_csrf={csrf}&reason="),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.body.contains("jordan.reyes@mail.example"));
    let r = e
        .post(
            "/console/users/nobody/reveal",
            Some(&ivy),
            &format!("_csrf={csrf}&reason=looking+around"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = e
        .post(
            "/console/users/b-jordan/reveal",
            Some(&ivy),
            &format!("_csrf={csrf}&reason=Case+42%3A+verify+contact"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("jordan.reyes@mail.example"));
    let audit = e
        .store
        .recent_audit_events(None, Some("user:b-jordan"), 10)
        .await
        .unwrap();
    let reveal = audit
        .iter()
        .find(|a| a.action == "console.reveal_personal_data")
        .unwrap();
    assert_eq!(reveal.actor, "investigator:ivy");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&reveal.details).unwrap()["reason"],
        "Case 42: verify contact"
    );
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == "console.reveal_personal_data")
            .count(),
        1
    );
    assert!(e.store.verify_audit_chain().await.unwrap().is_intact());
}

async fn admin_creates_an_investigator_and_revokes_a_key(db: &testkit::TestDb) {
    let e = env(db).await;
    let ada = e.session("ada", ConsoleRole::Admin).await;
    let csrf = e.csrf(&ada).await;
    let now = OffsetDateTime::now_utc();
    let key = e
        .store
        .create_api_key("backend", &[store::Scope::Screen], "test", now)
        .await
        .unwrap();

    let page = e.get("/console/admin", Some(&ada)).await;
    assert!(page.body.contains("backend"));
    assert!(page.body.contains(&key.key.prefix));
    assert!(!page.body.contains(&key.secret));

    // A weak password is refused with the policy's reason; nothing is created.
    let r = e
        .post(
            "/console/admin/accounts",
            Some(&ada),
            &format!(
                "_csrf={csrf}&username=ivy&display_name=Ivy&role=investigator&password=password123"
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e.store
            .console_account_by_username("ivy")
            .await
            .unwrap()
            .is_none()
    );

    let r = e
        .post(
            "/console/admin/accounts",
            Some(&ada),
            &format!(
                "_csrf={csrf}&username=ivy&display_name=Ivy&role=investigator&password={PASSWORD}"
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="new-totp-secret""#));
    let ivy = e
        .store
        .console_account_by_username("ivy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ivy.role, ConsoleRole::Investigator);
    assert!(
        ivy.totp_secret_enc.is_some(),
        "new accounts get a second factor"
    );

    let r = e
        .post(
            &format!("/console/admin/api-keys/{}/revoke", key.key.id),
            Some(&ada),
            &format!("_csrf={csrf}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        e.store
            .find_api_key(&key.secret)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
    let audit = e.store.recent_audit_events(None, None, 20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "api_key.revoke" && a.actor == "admin:ada")
    );
    assert!(
        audit
            .iter()
            .any(|a| a.action == "console_account.create" && a.actor == "admin:ada")
    );
}

async fn a_held_message_is_rejected_from_its_case_page(db: &testkit::TestDb) {
    let e = env(db).await;
    server::demo::seed(&e.state).await.unwrap();
    let ivy = e.session("ivy", ConsoleRole::Investigator).await;
    let max = e.session("max", ConsoleRole::Investigator).await;
    let csrf = e.csrf(&ivy).await;
    let max_csrf = e.csrf(&max).await;
    let held = e
        .state
        .casework
        .queue(&casework::CaseFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.source == "held_message")
        .expect("the demo holds a phishing link");
    let path = format!("/console/cases/{}", held.id);
    let page = e.get(&path, Some(&ivy)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Held message"));
    assert!(page.body.contains("[link hidden]"), "the link is masked");
    assert!(page.body.contains("Take the case to decide it."));

    // Taking it (a plain form, no htmx) goes to the case page; another investigator cannot take it over.
    let r = e
        .post(
            &format!("{path}/take"),
            Some(&ivy),
            &format!("_csrf={csrf}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), path);
    let r = e
        .post(
            &format!("{path}/take"),
            Some(&max),
            &format!("_csrf={max_csrf}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = e
        .post(
            &format!("{path}/resolve"),
            Some(&max),
            &format!("_csrf={max_csrf}&outcome=dismiss&held=release&reason=looks+fine"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only the holder decides"
    );

    // Without saying release or reject, the case page says what is missing.
    let r = e
        .post(
            &format!("{path}/resolve"),
            Some(&ivy),
            &format!("_csrf={csrf}&outcome=warn&reason=phishing"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("release") && r.body.contains("reject"),
        "{}",
        r.body
    );

    let r = e
        .post(
            &format!("{path}/note"),
            Some(&ivy),
            &format!("_csrf={csrf}&text=Lookalike+domain+exarnplemarket.com"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = e
        .post(
            &format!("{path}/resolve"),
            Some(&ivy),
            &format!("_csrf={csrf}&outcome=suspend&held=reject&reason=Phishing+link+to+a+lookalike+domain"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = e.get(&path, Some(&ivy)).await.body;
    assert!(page.contains("rejected"), "{page}");
    assert!(page.contains("Lookalike domain"), "the note is on the page");
    let case = e.state.casework.case(&held.id).await.unwrap();
    assert_eq!(
        (case.state.as_str(), case.outcome.map(|o| o.as_str())),
        ("resolved", Some("suspend"))
    );
    let seller = e
        .store
        .user(held.user_id.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seller.status, "suspended");
    let audit = e
        .store
        .recent_audit_events(None, Some(&format!("case:{}", held.id)), 20)
        .await
        .unwrap();
    let resolve = audit.iter().find(|a| a.action == "case.resolve").unwrap();
    assert_eq!(resolve.actor, "investigator:ivy");
    assert!(resolve.details.contains("rejected"), "{}", resolve.details);
}

async fn a_case_page_lists_the_sellers_contact_requests(db: &testkit::TestDb) {
    let e = env(db).await;
    server::demo::seed(&e.state).await.unwrap();
    let ivy = e.session("ivy", ConsoleRole::Investigator).await;
    let case = e
        .state
        .casework
        .queue(&casework::CaseFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.order_id.is_some() && c.source == "report")
        .expect("the demo has a report about an order");
    let order = e
        .store
        .order(case.order_id.as_deref().unwrap())
        .await
        .unwrap()
        .unwrap();
    let page = e
        .get(&format!("/console/cases/{}", case.id), Some(&ivy))
        .await;
    assert!(page.body.contains("None between these two users."));
    e.state
        .contacts
        .request(
            &messaging::contact::NewRequest {
                order_id: order.id.clone(),
                seller_id: order.seller_id.clone(),
                buyer_id: None,
                purpose: "delivery_scheduling".into(),
                justification: "for better communication".into(),
                channel: "voice".into(),
                idempotency_key: None,
            },
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let page = e
        .get(&format!("/console/cases/{}", case.id), Some(&ivy))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Phone-contact requests"));
    assert!(
        page.body.contains("for better communication"),
        "the stated justification is evidence"
    );
    assert!(page.body.contains("refused"));
}

const NEW_PASSWORD: &str = "Velvet-Harbour-Compass-58";
const CHANGE_PAGE: &str = "/console/account/password";

fn change_form(csrf: &str, current: &str, new: &str, confirm: &str) -> String {
    format!("_csrf={csrf}&current={current}&new={new}&confirm={confirm}")
}

impl Env {
    /// Changes the password of the session behind `cookie` from `PASSWORD` to `NEW_PASSWORD` with the form.
    async fn change_password(&self, cookie: &str) -> Res {
        let csrf = self.csrf_on(CHANGE_PAGE, cookie).await;
        let r = self
            .post(
                CHANGE_PAGE,
                Some(cookie),
                &change_form(&csrf, PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        r
    }
}

async fn a_signed_in_user_changes_their_password(db: &testkit::TestDb) {
    let e = env(db).await;
    let here = e.session("ivy", ConsoleRole::Investigator).await;
    let elsewhere = e.sign_in("ivy", PASSWORD).await;
    let max = e.session("max", ConsoleRole::Investigator).await;

    // Every page links to the change page, which asks for the current password and the new one twice.
    let queue = e.get("/console/queue", Some(&here)).await;
    assert!(queue.body.contains(&format!(r#"href="{CHANGE_PAGE}""#)));
    let page = e.get(CHANGE_PAGE, Some(&here)).await;
    assert_eq!(page.status, StatusCode::OK);
    for label in [
        r#"<label for="current-password">"#,
        r#"<label for="new-password">"#,
        r#"<label for="confirm-password">"#,
    ] {
        assert!(page.body.contains(label), "{label}");
    }
    assert!(
        !page.body.contains("You must choose a new password"),
        "no forced change here"
    );

    let r = e.change_password(&here).await;
    assert_eq!(location(&r), format!("{CHANGE_PAGE}?done=changed&ended=1"));
    let done = e.get(location(&r), Some(&here)).await;
    assert!(done.body.contains("Your password was changed."));
    assert!(done.body.contains("1 other session was signed out."));

    // This session goes on; the account's other session ended; another account's did not.
    assert_eq!(
        e.get("/console/queue", Some(&here)).await.status,
        StatusCode::OK
    );
    assert!(
        location(&e.get("/console/queue", Some(&elsewhere)).await).starts_with("/console/login")
    );
    assert_eq!(
        e.get("/console/queue", Some(&max)).await.status,
        StatusCode::OK
    );
    // The new password signs in, the old one no longer does.
    assert_eq!(
        e.try_sign_in("ivy", PASSWORD).await.unwrap_err(),
        accounts::SignInRefusal::BadCredentials
    );
    assert!(e.try_sign_in("ivy", NEW_PASSWORD).await.is_ok());
    let audit = e.store.recent_audit_events(None, None, 20).await.unwrap();
    let change = audit
        .iter()
        .find(|a| a.action == "console_account.password_change")
        .unwrap();
    assert_eq!(change.actor, "investigator:ivy");
    assert!(e.store.verify_audit_chain().await.unwrap().is_intact());
}

async fn a_refused_password_change_changes_nothing(db: &testkit::TestDb) {
    let e = env(db).await;
    let here = e.session("ivy", ConsoleRole::Investigator).await;
    let elsewhere = e.sign_in("ivy", PASSWORD).await;
    let max = e.session("max", ConsoleRole::Investigator).await;
    let csrf = e.csrf_on(CHANGE_PAGE, &here).await;
    let max_csrf = e.csrf(&max).await;
    let before = e
        .store
        .console_account_by_username("ivy")
        .await
        .unwrap()
        .unwrap();

    // (form, status, what the page says)
    let cases = [
        (
            change_form(
                &csrf,
                "Not-The-Password-At-All-1",
                NEW_PASSWORD,
                NEW_PASSWORD,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "The current password is wrong.",
        ),
        (
            change_form(&csrf, PASSWORD, NEW_PASSWORD, "Velvet-Harbour-Compass-59"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "do not match",
        ),
        (
            change_form(&csrf, PASSWORD, "Short-pass-1", "Short-pass-1"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "The password has 12 characters; at least 15 are needed",
        ),
        (
            change_form(&csrf, PASSWORD, "password123", "password123"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "list of common and breached passwords",
        ),
        (
            change_form(
                &csrf,
                PASSWORD,
                "Velvet-ivy-Harbour-Compass",
                "Velvet-ivy-Harbour-Compass",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "The password contains your",
        ),
        (
            change_form(&csrf, PASSWORD, PASSWORD, PASSWORD),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the same as the current one",
        ),
        // Without this session's CSRF token (none, a wrong one, another session's): refused before anything.
        (
            format!("current={PASSWORD}&new={NEW_PASSWORD}&confirm={NEW_PASSWORD}"),
            StatusCode::FORBIDDEN,
            "security token",
        ),
        (
            change_form("00ff", PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
            StatusCode::FORBIDDEN,
            "security token",
        ),
        (
            change_form(&max_csrf, PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
            StatusCode::FORBIDDEN,
            "security token",
        ),
    ];
    for (form, status, says) in &cases {
        let r = e.post(CHANGE_PAGE, Some(&here), form).await;
        assert_eq!(r.status, *status, "{form}: {}", r.body);
        assert!(r.body.contains(says), "{form}: {}", r.body);
    }
    let after = e
        .store
        .console_account_by_username("ivy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.password_hash, before.password_hash);
    assert_eq!(after.password_changed_at, before.password_changed_at);
    for cookie in [&here, &elsewhere] {
        assert_eq!(
            e.get("/console/queue", Some(cookie)).await.status,
            StatusCode::OK
        );
    }
    assert!(!e.audited("console_account.password_change").await);
}

async fn a_forced_password_change_comes_before_every_other_page(db: &testkit::TestDb) {
    let e = env(db).await;
    server::demo::seed(&e.state).await.unwrap();
    let before = e.session("ivy", ConsoleRole::Investigator).await;
    let ivy = e
        .store
        .console_account_by_username("ivy")
        .await
        .unwrap()
        .unwrap();
    let ended = e
        .store
        .force_console_password_change(
            &ivy.id,
            "password seen in a paste",
            "admin:ada",
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert!(location(&e.get("/console/queue", Some(&before)).await).starts_with("/console/login"));

    // Signing in works, but every page and form leads to the change page.
    let (cookie, went) = e.sign_in_with_form("ivy", PASSWORD, "/console/queue").await;
    assert_eq!(went, "/console/queue");
    for (path, _) in GET_PAGES {
        let r = e.get(path, Some(&cookie)).await;
        if *path == CHANGE_PAGE {
            assert_eq!(r.status, StatusCode::OK);
            continue;
        }
        assert_eq!(r.status, StatusCode::SEE_OTHER, "GET {path}");
        assert_eq!(location(&r), CHANGE_PAGE, "GET {path}");
    }
    let page = e.get(CHANGE_PAGE, Some(&cookie)).await;
    assert!(page.body.contains("You must choose a new password"));
    assert!(
        !page.body.contains(r#"href="/console/queue""#),
        "no navigation to pages that would send back here"
    );
    let csrf = e.csrf_on(CHANGE_PAGE, &cookie).await;
    let case = e
        .state
        .casework
        .queue(&casework::CaseFilter::default())
        .await
        .unwrap()
        .remove(0);
    let r = e
        .post(
            &format!("/console/cases/{}/take", case.id),
            Some(&cookie),
            &format!("_csrf={csrf}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), CHANGE_PAGE);
    assert_eq!(
        e.state.casework.case(&case.id).await.unwrap().assignee,
        case.assignee,
        "the case was not taken"
    );
    // htmx requests are told to load the change page as a whole.
    let r = e
        .send(
            Request::get("/console/queue")
                .header(header::COOKIE, &cookie)
                .header("hx-request", "true")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.headers.get("hx-redirect").unwrap(), CHANGE_PAGE);

    // After the change the console works as usual.
    let r = e.change_password(&cookie).await;
    let page = e.get(location(&r), Some(&cookie)).await;
    assert!(!page.body.contains("You must choose a new password"));
    assert!(page.body.contains(r#"href="/console/queue""#));
    let queue = e.get("/console/queue", Some(&cookie)).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        !e.store
            .console_account(&ivy.id)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );
}

async fn an_investigator_marks_a_finding_wrong_and_a_missed_violation_from_the_conversation_page(
    db: &testkit::TestDb,
) {
    let e = env(db).await;
    server::demo::seed(&e.state).await.unwrap();
    let ivy = e.session("ivy", ConsoleRole::Investigator).await;
    let csrf = e.csrf(&ivy).await;
    let messages = e.store.messages_page(None, 1000).await.unwrap();
    let flagged = messages.iter().find(|m| !m.findings.0.is_empty()).unwrap();
    let clean = messages
        .iter()
        .find(|m| m.findings.0.is_empty() && m.conversation_id == flagged.conversation_id)
        .or_else(|| messages.iter().find(|m| m.findings.0.is_empty()))
        .unwrap();
    let category = flagged.findings.0[0].category.clone();
    let page_of = |m: &store::messaging::MessageRecord| {
        format!("/console/conversations/{}", m.conversation_id)
    };

    let page = e.get(&page_of(flagged), Some(&ivy)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Mark wrong") && page.body.contains("Mark as violation"),
        "{}",
        page.body
    );

    let r = e
        .post(
            &format!("{}/verdicts", page_of(flagged)),
            Some(&ivy),
            &format!(
                "_csrf={csrf}&message_id={}&kind=finding_wrong&category={category}",
                flagged.id
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        location(&r),
        format!("{}#m-{}", page_of(flagged), flagged.id)
    );
    assert!(
        e.get(&page_of(flagged), Some(&ivy))
            .await
            .body
            .contains("marked wrong")
    );

    let r = e
        .post(
            &format!("{}/verdicts", page_of(clean)),
            Some(&ivy),
            &format!(
                "_csrf={csrf}&message_id={}&kind=violation&category=pressure.urgency",
                clean.id
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        e.get(&page_of(clean), Some(&ivy))
            .await
            .body
            .contains("Marked as a missed")
    );

    // A verdict that contradicts the findings, or names a message of another conversation, is refused.
    let r = e
        .post(
            &format!("{}/verdicts", page_of(flagged)),
            Some(&ivy),
            &format!(
                "_csrf={csrf}&message_id={}&kind=violation&category={category}",
                flagged.id
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = e
        .post(
            "/console/conversations/not-this-one/verdicts",
            Some(&ivy),
            &format!(
                "_csrf={csrf}&message_id={}&kind=finding_wrong&category={category}",
                flagged.id
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    let verdicts = e.store.verdicts(None, 10).await.unwrap();
    assert_eq!(verdicts.len(), 2);
    let audit = e
        .store
        .recent_audit_events(None, Some(&format!("message:{}", flagged.id)), 10)
        .await
        .unwrap();
    let entry = audit
        .iter()
        .find(|a| a.action == "screening.verdict")
        .unwrap();
    assert_eq!(entry.actor, "investigator:ivy");
    assert!(entry.details.contains("finding_wrong"), "{}", entry.details);
}

async fn a_throttled_sign_in_says_when_to_try_again(db: &testkit::TestDb) {
    let e = env(db).await;
    let mut token = login_token(&e.get("/console/login", None).await);
    let mut throttled = None;
    for _ in 0..50 {
        let r = e
            .post(
                "/console/login",
                Some(&format!("mg_console_login={token}")),
                &format!("_login={token}&username=lee&password=wrong-guess&totp=123456"),
            )
            .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(r);
            break;
        }
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        token = login_token(&r);
    }
    let r = throttled.expect("repeated failures are throttled");
    let wait: i64 = r
        .headers
        .get(header::RETRY_AFTER)
        .expect("a 429 says when to try again")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1, "{wait}");
    assert!(
        r.body.contains(&format!("try again in {wait} seconds")),
        "{}",
        r.body
    );
}
