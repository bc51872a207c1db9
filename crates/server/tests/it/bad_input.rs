//! Bad input at the edge, on SQLite and PostgreSQL: whatever a caller sends, the answer is the JSON error shape
//! with a stable code, never a 500.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use server::security::config::ConfigSecret;
use server::{AppState, Config};
use store::Scope;

use crate::support::Reply;

/// A server on the test database with a key holding every scope, and a small marketplace: buyer `b1`, seller
/// `s1`, listing `l1`, order `o1` and its conversation.
struct Env {
    router: axum::Router,
    key: String,
    conversation: String,
}

impl Env {
    async fn new(db: &testkit::TestDb) -> Env {
        Env::with(db, &[]).await
    }

    /// With configuration set as `MARKETGUARD_*` variables would set it.
    async fn with(db: &testkit::TestDb, env: &[(&str, &str)]) -> Env {
        let vars = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let mut config = Config::load(None, vars, &Default::default()).unwrap();
        config.database_url = db.url.clone();
        config.contact.relay_webhook_secret = Some(ConfigSecret::new("relay-secret"));
        config.security.encryption_key =
            Some(ConfigSecret::new(security::DataKey::generate_base64()));
        let store = store::Store::open_and_migrate(&db.url).await.unwrap();
        let key = store
            .create_api_key("t", &Scope::ALL, "test", time::OffsetDateTime::now_utc())
            .await
            .unwrap()
            .secret;
        let router = server::app(AppState::new(config, store).unwrap());
        let mut env = Env {
            router,
            key,
            conversation: String::new(),
        };
        for (path, body) in [
            (
                "/v1/users/b1",
                json!({"role": "buyer", "display_name": "Bea", "country": "US"}),
            ),
            (
                "/v1/users/s1",
                json!({"role": "seller", "display_name": "Sam", "country": "US", "phone": "+14155550102"}),
            ),
            (
                "/v1/listings/l1",
                json!({"seller_id": "s1", "title": "Lamp", "category": "home"}),
            ),
            (
                "/v1/orders/o1",
                json!({"buyer_id": "b1", "seller_id": "s1", "listing_id": "l1", "amount": {"value": "10", "currency": "USD"},
                "ship_to": {"name": "Bea", "line1": "1 Main St", "city": "Dayton", "country": "US"}, "status": "paid"}),
            ),
        ] {
            let r = env.call("PUT", path, Some(body)).await;
            assert_eq!(r.status.as_u16(), 200, "{path}: {}", r.json);
        }
        let r = env
            .call(
                "POST",
                "/v1/conversations",
                Some(json!({"buyer_id": "b1", "seller_id": "s1", "order_id": "o1"})),
            )
            .await;
        env.conversation = r.json["id"].as_str().unwrap().to_string();
        env
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        match body {
            Some(b) => {
                self.send(
                    method,
                    path,
                    Some("application/json"),
                    b.to_string().into_bytes(),
                )
                .await
            }
            None => self.send(method, path, None, Vec::new()).await,
        }
    }

    /// Any request, with the key; `{c}` in the path is the conversation's id.
    async fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let path = path.replace("{c}", &self.conversation);
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", self.key));
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        crate::support::send(&self.router, req.body(Body::from(body)).unwrap()).await
    }

    /// Each request is answered `status` with error `code`, in the JSON error shape.
    async fn check(&self, cases: &[(&str, &str, Option<Value>)], status: u16, code: &str) {
        for (method, path, body) in cases {
            let r = self.call(method, path, body.clone()).await;
            assert_eq!(
                (r.status.as_u16(), r.code()),
                (status, code),
                "{method} {path} {body:?}: {}",
                r.json
            );
            assert!(
                r.json["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{method} {path}: {}",
                r.json
            );
        }
    }
}

testkit::on_both_backends!(
    a_nul_character_anywhere_in_a_request_is_refused_as_invalid,
    text_that_only_looks_like_a_nul_escape_is_accepted,
    every_refusal_is_a_json_error_with_a_stable_code,
    totp_enrolment_for_an_unknown_user_is_refused_and_not_stored,
    a_text_of_exactly_the_screening_limit_is_screened_and_one_byte_more_is_refused,
    findings_are_capped_per_message_and_redaction_stays_complete,
);

async fn a_nul_character_anywhere_in_a_request_is_refused_as_invalid(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let nul = "a\u{0}c";
    env.check(
        &[
            ("PUT", "/v1/users/u1", Some(json!({"role": "buyer", "display_name": nul, "country": "US"}))),
            ("PUT", "/v1/users/u1", Some(json!({"role": "buyer", "display_name": "Ann", "email": "a\u{0}@b.example", "country": "US"}))),
            ("PUT", "/v1/listings/l2", Some(json!({"seller_id": "s1", "title": nul, "category": "home"}))),
            ("PUT", "/v1/orders/o2", Some(json!({"buyer_id": "b1", "seller_id": "s1", "amount": {"value": "10", "currency": "USD"},
                "ship_to": {"name": nul, "line1": "1 Main St", "city": "Dayton", "country": "US"}, "status": "paid"}))),
            ("POST", "/v1/conversations", Some(json!({"buyer_id": "b\u{0}1", "seller_id": "s1", "order_id": "o1"}))),
            ("POST", "/v1/conversations/{c}/messages", Some(json!({"sender_id": "b1", "text": nul}))),
            ("POST", "/v1/conversations/{c}/messages", Some(json!({"sender_id": "b\u{0}1", "text": "hello"}))),
            ("POST", "/v1/reports", Some(json!({"reporter_id": "b1", "subject": {"type": "user", "id": "s1"}, "category": "spam", "text": nul}))),
            ("POST", "/v1/events/login", Some(json!({"user_id": "b1", "success": true, "ip": "203.0.113.9", "country": "US", "device_id": nul}))),
            ("POST", "/v1/events/login", Some(json!({"user_id": "b1", "success": true, "ip": "203.0.113.9", "country": "US", "device_id": "d1", "user_agent": nul}))),
            ("POST", "/v1/contact-requests", Some(json!({"order_id": "o1", "seller_id": "s1", "purpose": "delivery_scheduling", "justification": nul, "channel": "voice"}))),
            ("POST", "/v1/appeals", Some(json!({"step_id": "x", "user_id": "b1", "text": nul}))),
            ("POST", "/v1/screen", Some(json!({"text": nul}))),
            ("POST", "/v1/passwords/check", Some(json!({"password": "correct horse\u{0}battery"}))),
            // In a path parameter or a query string.
            ("PUT", "/v1/users/a%00b", Some(json!({"role": "buyer", "display_name": "Ann", "country": "US"}))),
            ("GET", "/v1/users/a%00b/standing", None),
            ("POST", "/v1/users/a%00b/totp", Some(json!({}))),
            ("GET", "/v1/conversations/{c}/messages?viewer=b%001", None),
            ("GET", "/v1/cases?queue=a%00", None),
        ],
        422,
        "invalid_request",
    )
    .await;
}

async fn text_that_only_looks_like_a_nul_escape_is_accepted(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    // A backslash followed by `u0000` is six ordinary characters.
    let r = env
        .call(
            "PUT",
            "/v1/users/u1",
            Some(json!({"role": "buyer", "display_name": "a\\u0000c", "country": "US"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.json);
    assert_eq!(r.json["display_name"], "a\\u0000c");
}

/// A request written out: method, path, content type and body.
type Raw<'a> = (&'a str, &'a str, Option<&'a str>, Vec<u8>);

async fn every_refusal_is_a_json_error_with_a_stable_code(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let json = Some("application/json");
    let form = Some("application/x-www-form-urlencoded");
    let big = |n: usize| format!("{{\"text\": \"{}\"}}", "a".repeat(n)).into_bytes();
    let table: Vec<(Raw, u16, &str)> = vec![
        // The query string: a number that is not one, or too large for one; a required parameter missing.
        (
            (
                "GET",
                "/v1/conversations/{c}/messages?viewer=b1&limit=abc",
                None,
                vec![],
            ),
            422,
            "invalid_request",
        ),
        (
            (
                "GET",
                "/v1/conversations/{c}/messages?viewer=b1&limit=99999999999999999999",
                None,
                vec![],
            ),
            422,
            "invalid_request",
        ),
        (
            ("GET", "/v1/conversations/{c}/messages", None, vec![]),
            422,
            "invalid_request",
        ),
        (
            ("GET", "/v1/cases?limit=-", None, vec![]),
            422,
            "invalid_request",
        ),
        // A path parameter that is not UTF-8 once decoded.
        (
            ("GET", "/v1/users/%FF/standing", None, vec![]),
            422,
            "invalid_request",
        ),
        // JSON syntax, JSON types.
        (
            ("POST", "/v1/screen", json, b"{\"text\": ".to_vec()),
            400,
            "malformed_json",
        ),
        (
            ("POST", "/v1/screen", json, b"{\"text\": 5}".to_vec()),
            422,
            "invalid_request",
        ),
        (
            ("PUT", "/v1/users/u1", json, b"[]".to_vec()),
            422,
            "invalid_request",
        ),
        // The content type.
        (
            (
                "POST",
                "/v1/screen",
                Some("text/plain"),
                b"{\"text\": \"hi\"}".to_vec(),
            ),
            415,
            "unsupported_media_type",
        ),
        (
            ("PUT", "/v1/users/u1", None, b"{}".to_vec()),
            415,
            "unsupported_media_type",
        ),
        (
            ("POST", "/v1/relay/inbound", json, b"{}".to_vec()),
            415,
            "unsupported_media_type",
        ),
        // Bodies over `http.body_limit_bytes`, the relay webhook's included.
        (
            ("POST", "/v1/screen", json, big(300 * 1024)),
            413,
            "payload_too_large",
        ),
        (
            (
                "POST",
                "/v1/relay/inbound",
                form,
                format!("Body={}", "a".repeat(300 * 1024)).into_bytes(),
            ),
            413,
            "payload_too_large",
        ),
        // Routes and methods.
        (("GET", "/v1/nothing-here", None, vec![]), 404, "not_found"),
        (("GET", "/v1", None, vec![]), 404, "not_found"),
        (
            ("DELETE", "/v1/screen", None, vec![]),
            405,
            "method_not_allowed",
        ),
        (
            ("DELETE", "/v1/users/u1", None, vec![]),
            405,
            "method_not_allowed",
        ),
    ];
    for ((method, path, content_type, body), status, code) in table {
        let r = env.send(method, path, content_type, body).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (status, code),
            "{method} {path}: {}",
            r.json
        );
        assert_eq!(
            r.headers["content-type"], "application/json",
            "{method} {path}"
        );
        assert!(
            r.json["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{method} {path}: {}",
            r.json
        );
    }
}

async fn totp_enrolment_for_an_unknown_user_is_refused_and_not_stored(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let r = env
        .call("POST", "/v1/users/ghost/totp", Some(json!({})))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (404, "not_found"),
        "{}",
        r.json
    );
    // Registered afterwards, the user has no second factor: the refused enrolment left nothing behind.
    let r = env
        .call(
            "PUT",
            "/v1/users/ghost",
            Some(json!({"role": "buyer", "display_name": "G", "country": "US"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.json);
    let r = env
        .call(
            "POST",
            "/v1/step-up/check",
            Some(json!({"user_id": "ghost", "action": "change_payout_account"})),
        )
        .await;
    assert_eq!(r.json["reason"], "no_second_factor_enrolled", "{}", r.json);
    // A registered user is enrolled.
    let r = env.call("POST", "/v1/users/b1/totp", Some(json!({}))).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.json);
}

async fn a_text_of_exactly_the_screening_limit_is_screened_and_one_byte_more_is_refused(
    db: &testkit::TestDb,
) {
    // The defaults: the body limit leaves room for a text of `screening.limits.max_text_bytes` and its JSON.
    let env = Env::new(db).await;
    let limit = Config::default().screening.limits.max_text_bytes;
    let text = |n: usize| format!("call me at 415 555 0172 {}", "a".repeat(n - 24));
    let r = env
        .call(
            "POST",
            "/v1/screen",
            Some(json!({"text": text(limit), "region": "US"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.json["error"]);
    assert_eq!(r.json["categories"], json!(["contact.phone"]));
    assert!(r.json.get("truncated").is_none(), "{}", r.json["truncated"]);
    let r = env
        .call("POST", "/v1/screen", Some(json!({"text": text(limit + 1)})))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (422, "message_too_long"),
        "{}",
        r.json
    );
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&limit.to_string())
    );
}

async fn findings_are_capped_per_message_and_redaction_stays_complete(db: &testkit::TestDb) {
    // The default cap: 64 KiB of email addresses.
    let env = Env::new(db).await;
    let text = "a@b.co ".repeat(60 * 1024 / 7);
    let r = env
        .call("POST", "/v1/screen", Some(json!({"text": text})))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.json["error"]);
    assert_eq!(r.json["findings"].as_array().unwrap().len(), 100);
    assert_eq!(r.json["findings_truncated"], true);
    assert!(r.json["findings_total"].as_u64().unwrap() >= 60 * 1024 / 7);
    assert!(
        r.json["categories"]
            .as_array()
            .unwrap()
            .contains(&json!("contact.email"))
    );
    assert!(!r.json["redacted"].as_str().unwrap().contains("a@b.co"));

    // A configured cap, on a screening and on a stored message; under the cap nothing is said.
    let env = Env::with(db, &[("MARKETGUARD_SCREENING__LIMITS__MAX_FINDINGS", "3")]).await;
    let r = env
        .call(
            "POST",
            "/v1/screen",
            Some(json!({"text": "a@b.co c@d.co e@f.co g@h.co"})),
        )
        .await;
    assert_eq!(
        (
            r.json["findings"].as_array().unwrap().len(),
            r.json["findings_total"].clone(),
            r.json["findings_truncated"].clone()
        ),
        (3, json!(4), json!(true)),
        "{}",
        r.json
    );
    assert_eq!(
        r.json["redacted"],
        "[email address removed] [email address removed] [email address removed] [email address removed]"
    );
    let r = env
        .call(
            "POST",
            "/v1/screen",
            Some(json!({"text": "a@b.co c@d.co e@f.co"})),
        )
        .await;
    assert_eq!(r.json["findings"].as_array().unwrap().len(), 3);
    assert!(r.json.get("findings_truncated").is_none(), "{}", r.json);
    let r = env
        .call(
            "POST",
            "/v1/conversations/{c}/messages",
            Some(json!({"sender_id": "s1", "text": "mail a@b.co c@d.co e@f.co g@h.co i@j.co"})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.json);
    assert_eq!(
        r.json["findings"].as_array().unwrap().len(),
        3,
        "{}",
        r.json
    );
}
