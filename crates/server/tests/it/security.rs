//! Account security end to end through the router, on SQLite and PostgreSQL, at a controlled time; alerts are
//! sent over SMTP to a small SMTP server the test starts in process.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use server::security::config::{ConfigSecret, SmtpTls};
use server::security::console;
use server::{AppState, Config};
use store::security::ConsoleRole;
use store::{Scope, Store};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt as _;

use crate::support::Reply;

struct Env {
    router: axum::Router,
    store: Store,
    config: Config,
    now: Arc<Mutex<OffsetDateTime>>,
    key: String,
}

const START: OffsetDateTime = datetime!(2026-03-02 09:00:00 UTC);

impl Env {
    async fn new(db: &testkit::TestDb) -> Env {
        let mut config = Config {
            database_url: db.url.clone(),
            ..Default::default()
        };
        config.security.marketplace_name = "Craftly".into();
        config.security.encryption_key =
            Some(ConfigSecret::new(security::DataKey::generate_base64()));
        // Cheap hashing keeps the suite fast; the benchmark measures the production default.
        config.security.argon2 = security::Argon2Params {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let store = Store::open_and_migrate(&db.url).await.unwrap();
        let mut state = AppState::new(config.clone(), store.clone()).unwrap();
        // The state's store holds the audit keys (from the configured data key); audited writes go through it.
        let store = state.store.clone();
        let now = Arc::new(Mutex::new(START));
        let clock_now = now.clone();
        state.clock = Arc::new(move || *clock_now.lock().unwrap());
        let key = store
            .create_api_key("t", &[Scope::Security], "test", START)
            .await
            .unwrap()
            .secret;
        Env {
            router: server::app(state),
            store,
            config,
            now,
            key,
        }
    }

    fn at(&self) -> OffsetDateTime {
        *self.now.lock().unwrap()
    }

    fn advance(&self, d: Duration) {
        *self.now.lock().unwrap() += d;
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", self.key));
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .body(body.map(|b| Body::from(b.to_string())).unwrap_or_default())
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        Reply {
            status,
            headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    /// Registers a marketplace user (a second factor is enrolled only for a registered user).
    async fn register(&self, id: &str) {
        self.store
            .upsert_user(
                &store::parties::UserUpsert {
                    id: id.into(),
                    role: domain::UserRole::Both,
                    display_name: id.into(),
                    email: None,
                    phone: None,
                    country: "US".into(),
                    locale: None,
                },
                self.at(),
            )
            .await
            .unwrap();
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let r = self.call("POST", path, Some(body)).await;
        assert_eq!(r.status.as_u16(), 200, "{path}: {}", r.json);
        r.json
    }

    async fn login(
        &self,
        user: &str,
        success: bool,
        ip: &str,
        country: &str,
        device: &str,
    ) -> Value {
        self.post(
            "/v1/events/login",
            json!({"user_id": user, "success": success, "ip": ip, "country": country, "device_id": device, "user_agent": "test", "email": format!("{user}@example.org")}),
        )
        .await
    }
}

fn codes(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

testkit::on_both_backends!(
    passwords_are_refused_with_reasons_and_advice,
    a_totp_code_is_never_accepted_twice_and_recovery_codes_work_once,
    console_sessions_can_be_listed_and_revoked_and_a_password_change_ends_the_others,
    failed_logins_meet_growing_delays_and_credential_stuffing_is_noticed,
    a_login_from_a_new_country_is_challenged_and_the_alert_arrives_over_smtp,
    a_risky_action_needs_a_fresh_second_factor,
    a_payout_account_change_holds_payouts_and_alerts_both_addresses,
    genuine_and_forged_notifications_are_told_apart,
);

async fn passwords_are_refused_with_reasons_and_advice(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    #[rustfmt::skip]
    let cases = [
        (json!({"password": "tulip cobalt harbour wander", "second_factor": false}), true, vec![]),
        (json!({"password": "xq7 vorn plid", "second_factor": false}), false, vec!["too_short"]),
        (json!({"password": "xq7 vorn plid", "second_factor": true}), true, vec![]),
        (json!({"password": "password", "second_factor": true}), false, vec!["blocklisted", "dictionary_word"]),
        (json!({"password": "annabel-garden-lamp-7", "name": "Annabel Quist", "second_factor": false}), false, vec!["contains_personal_info"]),
        (json!({"password": "craftly craftly 2024", "second_factor": false}), false, vec!["too_guessable"]),
    ];
    for (body, accepted, want) in cases {
        let r = env.post("/v1/passwords/check", body.clone()).await;
        assert_eq!(r["accepted"], json!(accepted), "{body}");
        assert_eq!(codes(&r["reasons"]), want, "{body}");
        for reason in r["reasons"].as_array().unwrap() {
            assert!(reason["advice"].as_str().unwrap().len() > 20);
        }
    }
    // The scope is required.
    let other = env
        .store
        .create_api_key("o", &[Scope::Screen], "t", START)
        .await
        .unwrap()
        .secret;
    let req = Request::post("/v1/passwords/check")
        .header("authorization", format!("Bearer {other}"))
        .header("content-type", "application/json")
        .body(Body::from(json!({"password": "x"}).to_string()))
        .unwrap();
    assert_eq!(
        env.router
            .clone()
            .oneshot(req)
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
}

fn totp_secret(enrolment: &Value) -> Vec<u8> {
    let uri = enrolment["otpauth_uri"].as_str().unwrap();
    totp_rs::TOTP::from_url(uri).unwrap().secret
}

async fn a_totp_code_is_never_accepted_twice_and_recovery_codes_work_once(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    env.register("u1").await;
    let e = env
        .post(
            "/v1/users/u1/totp",
            json!({"account_label": "ann@example.org"}),
        )
        .await;
    assert!(
        e["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Craftly:ann%40example.org?"),
        "{e}"
    );
    assert_eq!(e["recovery_codes"].as_array().unwrap().len(), 10);
    let secret = totp_secret(&e);
    let step = security::totp::step_at(env.at());
    let code = security::totp::code_at_step(&secret, step).unwrap();
    let verify = |c: String| env.post("/v1/users/u1/totp/verify", json!({"code": c}));
    let r = verify(code.clone()).await;
    assert_eq!(
        (r["verified"].clone(), r["reason"].clone()),
        (json!(true), json!("totp"))
    );
    let r = verify(code.clone()).await;
    assert_eq!(
        (r["verified"].clone(), r["reason"].clone()),
        (json!(false), json!("code_already_used"))
    );
    // The previous step's code is also refused now: it is older than the one used.
    let prev = security::totp::code_at_step(&secret, step - 1).unwrap();
    assert_eq!(verify(prev).await["reason"], "code_already_used");
    // The next step works once.
    env.advance(Duration::seconds(30));
    let next = security::totp::code_at_step(&secret, step + 1).unwrap();
    assert_eq!(verify(next.clone()).await["verified"], true);
    assert_eq!(verify(next).await["verified"], false);
    assert_eq!(verify("000000".into()).await["reason"], "wrong_code");
    // Recovery codes: once each, typed loosely.
    let rc = e["recovery_codes"][0].as_str().unwrap().to_string();
    let r = verify(rc.to_lowercase()).await;
    assert_eq!(
        (r["reason"].clone(), r["recovery_codes_left"].clone()),
        (json!("recovery_code"), json!(9))
    );
    let r = verify(rc).await;
    assert_eq!(
        (r["verified"].clone(), r["reason"].clone()),
        (json!(false), json!("wrong_code"))
    );
    // The stored secret is encrypted, not the base32 shown.
    let f = env.store.second_factor("u1").await.unwrap().unwrap();
    assert!(!f.totp_secret_enc.contains(e["secret"].as_str().unwrap()));
    // Without a second factor: 404.
    let r = env
        .call(
            "POST",
            "/v1/users/nobody/totp/verify",
            Some(json!({"code": "123456"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));
}

async fn console_sessions_can_be_listed_and_revoked_and_a_password_change_ends_the_others(
    db: &testkit::TestDb,
) {
    let env = Env::new(db).await;
    let cfg = &env.config.security;
    let now = env.at();
    let weak = console::create_account(
        &env.store,
        cfg,
        "ivy",
        "Ivy Lund",
        None,
        ConsoleRole::Investigator,
        "short",
        "admin",
        now,
    )
    .await;
    assert!(weak.is_err());
    let pw = "quartz meadow lantern 42";
    let acct = console::create_account(
        &env.store,
        cfg,
        "ivy",
        "Ivy Lund",
        Some("ivy@t.example"),
        ConsoleRole::Investigator,
        pw,
        "admin",
        now,
    )
    .await
    .unwrap();
    let sign_in = |device: &'static str, public: bool, password: &'static str| console::SignIn {
        username: "ivy",
        password,
        totp_code: None,
        device,
        ip: "10.0.0.1",
        country: "SE",
        public_computer: public,
    };
    let a = console::sign_in(
        &env.store,
        cfg,
        &sign_in("laptop", false, "quartz meadow lantern 42"),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let b = console::sign_in(
        &env.store,
        cfg,
        &sign_in("library pc", true, "quartz meadow lantern 42"),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(matches!(
        console::sign_in(
            &env.store,
            cfg,
            &sign_in("x", false, "wrong password here!"),
            now
        )
        .await
        .unwrap(),
        Err(console::SignInRefusal::BadCredentials)
    ));
    assert_eq!(b.session.absolute_expires_at - now, Duration::hours(1));
    let listed = env.store.console_sessions(&acct.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .any(|s| s.device == "library pc" && s.public_computer && s.country == "SE")
    );
    // The public session ends after 10 idle minutes; the other lives on.
    let later = now + Duration::minutes(11);
    assert!(
        console::authenticate(&env.store, cfg, &b.token, later)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        console::authenticate(&env.store, cfg, &a.token, later)
            .await
            .unwrap()
            .is_some()
    );
    // Revoke one.
    let c = console::sign_in(
        &env.store,
        cfg,
        &sign_in("phone", false, "quartz meadow lantern 42"),
        later,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        env.store
            .revoke_console_session(&acct.id, &c.session.id, "signed_out", later)
            .await
            .unwrap()
    );
    assert!(
        console::authenticate(&env.store, cfg, &c.token, later)
            .await
            .unwrap()
            .is_none()
    );
    // A password change ends every session but the current one.
    let d = console::sign_in(
        &env.store,
        cfg,
        &sign_in("tablet", false, "quartz meadow lantern 42"),
        later,
    )
    .await
    .unwrap()
    .unwrap();
    let ended = console::change_password(
        &env.store,
        cfg,
        &acct,
        Some(&a.session.id),
        pw,
        "harbour violet tundra 77",
        &acct.id,
        later,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(ended, 2, "b (expired but not revoked) and d");
    assert!(
        console::authenticate(&env.store, cfg, &d.token, later)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        console::authenticate(&env.store, cfg, &a.token, later)
            .await
            .unwrap()
            .is_some()
    );
    // Sign out everywhere.
    assert_eq!(
        env.store
            .revoke_all_console_sessions(&acct.id, None, "sign_out_everywhere", later)
            .await
            .unwrap(),
        1
    );
    assert!(
        console::authenticate(&env.store, cfg, &a.token, later)
            .await
            .unwrap()
            .is_none()
    );
    // The audit log has the account's creation and password change.
    let actions: Vec<String> = env
        .store
        .audit_events(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"console_account.create".to_string())
            && actions.contains(&"console_account.password_change".to_string())
    );
}

async fn failed_logins_meet_growing_delays_and_credential_stuffing_is_noticed(
    db: &testkit::TestDb,
) {
    let env = Env::new(db).await;
    // Baseline login.
    assert_eq!(
        env.login("v1", true, "203.0.113.5", "DE", "d1").await["decision"],
        "allow"
    );
    env.advance(Duration::seconds(1));
    // Five failures are free; then the delays double: 2 s, 4 s, ...
    for _ in 0..5 {
        let r = env.login("v1", false, "198.51.100.7", "DE", "dx").await;
        assert_eq!(r["decision"], "deny");
        assert!(r.get("retry_after_secs").is_none(), "{r}");
        env.advance(Duration::seconds(1));
    }
    let r = env.login("v1", false, "198.51.100.7", "DE", "dx").await;
    assert_eq!(
        (r["decision"].clone(), r["retry_after_secs"].clone()),
        (json!("deny"), json!(1)),
        "{r}"
    );
    assert_eq!(codes(&r["alerts"]), vec!["throttled"]);
    // Even the right password is refused until the delay ends (and the refused try does not count).
    let r = env.login("v1", true, "198.51.100.7", "DE", "d1").await;
    assert_eq!(r["decision"], "deny");
    env.advance(Duration::seconds(2));
    let r = env.login("v1", false, "198.51.100.7", "DE", "dx").await;
    assert!(r.get("retry_after_secs").is_none(), "delay over: {r}");
    let r = env.login("v1", false, "198.51.100.7", "DE", "dx").await;
    assert_eq!(r["retry_after_secs"], 4, "the delay doubled: {r}");
    // After the delay the owner signs in and the count starts again.
    env.advance(Duration::seconds(5));
    assert_eq!(
        env.login("v1", true, "203.0.113.5", "DE", "d1").await["decision"],
        "allow"
    );
    // Many accounts from one source: credential stuffing.
    for i in 0..5 {
        env.login(&format!("victim{i}"), false, "192.0.2.66", "NL", "bot")
            .await;
    }
    let r = env.login("victim9", false, "192.0.2.66", "NL", "bot").await;
    assert!(
        codes(&r["alerts"]).contains(&"credential_stuffing".to_string()),
        "{r}"
    );
    let alerts = env.store.security_alerts(None, 10).await.unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == "credential_stuffing" && a.user_id.is_none())
    );
}

/// A throwaway SMTP server on a free loopback port, in this process (nothing to install): it accepts every
/// message and keeps what each DATA carried (headers and body, as sent). Enough of RFC 5321 for a client
/// without TLS.
struct Smtp {
    port: u16,
    mail: Arc<Mutex<String>>,
}

impl Smtp {
    fn start() -> Smtp {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mail = Arc::new(Mutex::new(String::new()));
        let sink = mail.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let sink = sink.clone();
                std::thread::spawn(move || smtp_session(stream, &sink));
            }
        });
        Smtp { port, mail }
    }

    async fn received(&self, needle: &str) -> String {
        for _ in 0..100 {
            let text = self.mail.lock().unwrap().clone();
            if text.contains(needle) {
                return text;
            }
            tokio::time::sleep(StdDuration::from_millis(100)).await;
        }
        panic!(
            "no mail with {needle:?} arrived: {}",
            self.mail.lock().unwrap()
        );
    }
}

/// One SMTP conversation: greet, accept every command, collect each DATA (dot-unstuffed) into `sink`.
fn smtp_session(stream: std::net::TcpStream, sink: &Mutex<String>) -> std::io::Result<()> {
    use std::io::{BufRead as _, Write as _};
    let mut reader = std::io::BufReader::new(stream.try_clone()?);
    let mut out = stream;
    out.write_all(b"220 localhost test SMTP sink\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => out.write_all(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "DATA" => {
                out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut message = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line.trim_end_matches(['\r', '\n']) == "." {
                        break;
                    }
                    message.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                sink.lock().unwrap().push_str(&message);
                out.write_all(b"250 OK\r\n")?;
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"250 OK\r\n")?,
        }
    }
}

async fn a_login_from_a_new_country_is_challenged_and_the_alert_arrives_over_smtp(
    db: &testkit::TestDb,
) {
    let smtp = Smtp::start();
    let mut env = Env::new(db).await;
    env.config.security.smtp.host = "127.0.0.1".into();
    env.config.security.smtp.port = smtp.port;
    env.config.security.smtp.tls = SmtpTls::None;
    env.config.security.smtp.from = "Craftly Security <security@craftly.example>".into();
    assert_eq!(
        env.login("w1", true, "203.0.113.5", "US", "phone").await["decision"],
        "allow"
    );
    env.advance(Duration::hours(2));
    // The known device, from France two hours after the US: new country and impossible travel.
    let r = env.login("w1", true, "198.51.100.9", "FR", "phone").await;
    assert_eq!(r["decision"], "challenge", "{r}");
    assert_eq!(
        codes(&r["alerts"]),
        vec!["new_country", "impossible_travel"]
    );
    // The alert: in the message centre at once, and by email through the outbox.
    let centre = env
        .call("GET", "/v1/users/w1/notifications", None)
        .await
        .json;
    let note = &centre["notifications"][0];
    let code = note["verification_code"].as_str().unwrap().to_string();
    assert!(note["body"].as_str().unwrap().contains("(FR)"), "{note}");
    let sent = server::security::sender::send_pending(&env.store, &env.config.security, || START)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let mail = smtp.received(&code).await;
    assert!(
        mail.contains("w1@example.org") && mail.contains("New sign-in to your account"),
        "{mail}"
    );
    assert!(mail.contains("We never ask for your password"));
    assert_eq!(
        env.store
            .pending_email_notifications(10)
            .await
            .unwrap()
            .len(),
        0
    );
    // Passing the second factor makes France known: the next login from there is allowed.
    env.register("w1").await;
    let e = env.post("/v1/users/w1/totp", json!({})).await;
    let c =
        security::totp::code_at_step(&totp_secret(&e), security::totp::step_at(env.at())).unwrap();
    assert_eq!(
        env.post("/v1/users/w1/totp/verify", json!({"code": c}))
            .await["verified"],
        true
    );
    env.advance(Duration::hours(1));
    assert_eq!(
        env.login("w1", true, "198.51.100.9", "FR", "phone").await["decision"],
        "allow"
    );
    // A new device is challenged too.
    assert_eq!(
        codes(&env.login("w1", true, "198.51.100.9", "FR", "laptop").await["alerts"]),
        vec!["new_device"]
    );
}

async fn a_risky_action_needs_a_fresh_second_factor(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let check = |action: &str, amount: Option<&str>| {
        let mut body = json!({"user_id": "s1", "action": action});
        if let Some(a) = amount {
            body["amount"] = json!({"value": a, "currency": "EUR"});
        }
        env.post("/v1/step-up/check", body)
    };
    let r = check("change_payout_account", None).await;
    assert_eq!(
        (r["step_up_required"].clone(), r["reason"].clone()),
        (json!(true), json!("no_second_factor_enrolled"))
    );
    env.register("s1").await;
    let e = env.post("/v1/users/s1/totp", json!({})).await;
    let secret = totp_secret(&e);
    let c = security::totp::code_at_step(&secret, security::totp::step_at(env.at())).unwrap();
    assert_eq!(
        env.post("/v1/users/s1/totp/verify", json!({"code": c}))
            .await["verified"],
        true
    );
    #[rustfmt::skip]
    let cases = [
        ("change_payout_account", None, false, "fresh_second_factor"),
        ("change_email", None, false, "fresh_second_factor"),
        ("payment", Some("499.99"), false, "not_risky"),
    ];
    for (action, amount, required, reason) in cases {
        let r = check(action, amount).await;
        assert_eq!(
            (r["step_up_required"].clone(), r["reason"].clone()),
            (json!(required), json!(reason)),
            "{action}"
        );
    }
    env.advance(Duration::minutes(11));
    let r = check("change_password", None).await;
    assert_eq!(
        (r["step_up_required"].clone(), r["reason"].clone()),
        (json!(true), json!("no_recent_second_factor"))
    );
    let r = check("payment", Some("500.01")).await;
    assert_eq!(r["step_up_required"], true);
    let r = env
        .call(
            "POST",
            "/v1/step-up/check",
            Some(json!({"user_id": "s1", "action": "launch_rocket"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
}

async fn a_payout_account_change_holds_payouts_and_alerts_both_addresses(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let hold = env.call("GET", "/v1/users/p1/payout-hold", None).await.json;
    assert_eq!(hold["on_hold"], false);
    env.login("p1", true, "203.0.113.5", "GB", "d").await; // records p1@example.org as the contact
    let r = env
        .call(
            "PUT",
            "/v1/users/p1/payout-account",
            Some(json!({"account": "GB33 BUKB 2020 1555 5555 55", "email": "new@p1.example"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.json);
    assert_eq!(
        (r.json["on_hold"].clone(), r.json["changed"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(
        r.json["hold_until"],
        store::format_time(env.at() + Duration::hours(72))
    );
    // Both the old and the new address get the alert, and the message centre too.
    let mut to: Vec<String> = env
        .store
        .pending_email_notifications(10)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|n| n.address)
        .collect();
    to.sort();
    assert_eq!(
        to,
        vec!["new@p1.example".to_string(), "p1@example.org".to_string()]
    );
    // The account number is not stored anywhere, only its fingerprint.
    let change = env.store.latest_payout_change("p1").await.unwrap().unwrap();
    assert!(!change.fingerprint.contains("5555") && change.fingerprint.len() == 32);
    // The same account again changes nothing.
    env.advance(Duration::hours(1));
    let r = env
        .call(
            "PUT",
            "/v1/users/p1/payout-account",
            Some(json!({"account": "gb33bukb20201555555555"})),
        )
        .await;
    assert_eq!(r.json["changed"], false);
    // The marketplace queries the hold; it ends after 72 hours.
    assert_eq!(
        env.call("GET", "/v1/users/p1/payout-hold", None).await.json["on_hold"],
        true
    );
    env.advance(Duration::hours(72));
    assert_eq!(
        env.call("GET", "/v1/users/p1/payout-hold", None).await.json["on_hold"],
        false
    );
    let audit: Vec<String> = env
        .store
        .audit_events(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(audit.contains(&"payout_account.change".to_string()));
}

async fn genuine_and_forged_notifications_are_told_apart(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    env.login("g1", true, "203.0.113.5", "US", "phone").await;
    env.advance(Duration::days(1));
    env.login("g1", true, "203.0.113.5", "US", "new-phone")
        .await;
    let note = env
        .call("GET", "/v1/users/g1/notifications", None)
        .await
        .json["notifications"][0]
        .clone();
    let code = note["verification_code"].as_str().unwrap().to_string();
    let body = note["body"].as_str().unwrap().to_string();
    #[rustfmt::skip]
    let cases = [
        (json!({"code": code.to_lowercase()}), true, "genuine"),
        (json!({"text": format!("> {}", body.replace('\n', "\n> ").replace("> ", ""))}), true, "genuine"),
        (json!({"code": "MG-AAAA-BBBB"}), false, "unknown_code"),
        (json!({"text": "Your account is locked. Send us your password and card number to unlock it."}), false, "no_code_found"),
        (json!({"text": format!("Urgent! Confirm your card at http://craftly-secure.example. Code {code}")}), false, "text_differs"),
    ];
    for (req, genuine, verdict) in cases {
        let r = env.post("/v1/notifications/verify", req.clone()).await;
        assert_eq!(
            (r["genuine"].clone(), r["verdict"].clone()),
            (json!(genuine), json!(verdict)),
            "{req}"
        );
        assert!(r["advice"].as_str().unwrap().contains("never ask"));
    }
    // The public page: a form, and the answer after posting it.
    let get = |req: Request<Body>| async {
        let res = env.router.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let bytes = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    };
    // A public page anyone may be sent to: never framed, never sniffed, no script.
    let res = env
        .router
        .clone()
        .oneshot(Request::get("/verify").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("<missing>")
            .to_string()
    };
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let csp = header("content-security-policy");
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("default-src 'none'")
            && !csp.contains("script-src"),
        "{csp}"
    );
    let (status, html) = get(Request::get("/verify").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<form method=\"post\" action=\"/verify\">")
            && html.contains("never ask for your password")
    );
    let form = |code: &str| {
        Request::post("/verify")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("code={code}&text=")))
            .unwrap()
    };
    let (_, html) = get(form(&code)).await;
    assert!(
        html.contains("Yes: this really came from Craftly"),
        "{html}"
    );
    let (_, html) = get(form("MG-ZZZZ-ZZZZ")).await;
    assert!(html.contains("No: we cannot confirm"), "{html}");
    let (_, html) = get(form("%3Cscript%3E")).await;
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
}
