//! Phone-contact requests end to end through the router, on SQLite and PostgreSQL, at a controlled time: the
//! legitimacy policy's refusals, the buyer's decision, revocation, expiry (the real numbers gone from the row), the
//! Twilio-style relay webhook (signed and forged), and a pressure message recorded against a request.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use contact::relay::Twilio;
use http_body_util::BodyExt as _;
use secrecy::SecretString;
use serde_json::{Value, json};
use server::security::config::ConfigSecret;
use server::{AppState, Config};
use sqlx::Row as _;
use store::{Scope, Store};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt as _;

use crate::support::Reply;

/// kind, direction, outcome, refusal code, duration
type Logged = (String, Option<String>, String, Option<String>, Option<i64>);

const START: OffsetDateTime = datetime!(2026-11-10 09:00:00 UTC);
const SECRET: &str = "twilio-auth-token-for-tests";
const BASE: &str = "https://guard.example.com";
const POOL: [&str; 2] = ["+15005550001", "+15005550002"];
const BUYER_PHONE: &str = "+14155550101";
const SELLER_PHONE: &str = "+14155550102";
const GOOD: &str = "The sofa is 2.4 m long: the courier must agree a two-hour delivery slot with you and check the stairwell width";

struct Env {
    state: AppState,
    router: axum::Router,
    store: Store,
    pool: sqlx::AnyPool,
    now: Arc<Mutex<OffsetDateTime>>,
    key: String,
}

impl Env {
    async fn new(db: &testkit::TestDb) -> Env {
        let mut config = Config {
            database_url: db.url.clone(),
            ..Default::default()
        };
        config.security.encryption_key =
            Some(ConfigSecret::new(security::DataKey::generate_base64()));
        config.contact.relay_numbers = POOL.iter().map(|s| s.to_string()).collect();
        config.contact.relay_webhook_secret = Some(ConfigSecret::new(SECRET));
        config.contact.relay_webhook_base_url = BASE.into();
        config.validate().unwrap();
        let store = Store::open_and_migrate(&db.url).await.unwrap();
        let mut state = AppState::new(config, store.clone()).unwrap();
        // The state's store holds the audit keys (from the configured data key); audited writes go through it.
        let store = state.store.clone();
        let now = Arc::new(Mutex::new(START));
        let clock_now = now.clone();
        state.clock = Arc::new(move || *clock_now.lock().unwrap());
        let key = store
            .create_api_key("t", &[Scope::Contact, Scope::Messaging], "test", START)
            .await
            .unwrap()
            .secret;
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(2)
            .connect(&db.url)
            .await
            .unwrap();
        let env = Env {
            router: server::app(state.clone()),
            state,
            store,
            pool,
            now,
            key,
        };
        env.user("b1", "buyer", Some(BUYER_PHONE)).await;
        env.user("s1", "seller", Some(SELLER_PHONE)).await;
        env.listing("sofa", "s1", "furniture", true, false).await;
        env.order_with_chat("o1", "b1", "s1", "sofa", "paid", Some("2026-11-20"))
            .await;
        env
    }

    fn set(&self, t: OffsetDateTime) {
        *self.now.lock().unwrap() = t;
    }

    fn advance(&self, d: Duration) {
        *self.now.lock().unwrap() += d;
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        self.call_keyed(method, path, body, None).await
    }

    /// `call`, with an `Idempotency-Key` header when `idempotency_key` is given.
    async fn call_keyed(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        idempotency_key: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", self.key));
        if let Some(k) = idempotency_key {
            req = req.header("idempotency-key", k);
        }
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let body = body.map(|b| Body::from(b.to_string())).unwrap_or_default();
        send(&self.router, req.body(body).unwrap()).await.0
    }

    async fn ok(&self, method: &str, path: &str, body: Value) -> Value {
        let r = self.call(method, path, Some(body)).await;
        assert!(
            r.status.is_success(),
            "{method} {path}: {} {}",
            r.status,
            r.json
        );
        r.json
    }

    async fn user(&self, id: &str, role: &str, phone: Option<&str>) {
        self.ok(
            "PUT",
            &format!("/v1/users/{id}"),
            json!({"role": role, "display_name": id, "phone": phone, "country": "US"}),
        )
        .await;
    }

    async fn listing(&self, id: &str, seller: &str, category: &str, bulky: bool, mto: bool) {
        self.ok(
            "PUT",
            &format!("/v1/listings/{id}"),
            json!({"seller_id": seller, "title": id, "category": category, "bulky": bulky, "made_to_order": mto}),
        )
        .await;
    }

    async fn order(
        &self,
        id: &str,
        buyer: &str,
        seller: &str,
        listing: &str,
        status: &str,
        delivery: Option<&str>,
    ) {
        self.ok(
            "PUT",
            &format!("/v1/orders/{id}"),
            json!({"buyer_id": buyer, "seller_id": seller, "listing_id": listing,
                   "amount": {"value": "899.00", "currency": "USD"},
                   "ship_to": {"line1": "1 Main St", "city": "Dayton", "country": "US"},
                   "status": status, "delivery_date": delivery}),
        )
        .await;
    }

    /// An order and its conversation, in which the seller wrote once (the message channel tried).
    async fn order_with_chat(
        &self,
        id: &str,
        buyer: &str,
        seller: &str,
        listing: &str,
        status: &str,
        delivery: Option<&str>,
    ) -> String {
        self.order(id, buyer, seller, listing, status, delivery)
            .await;
        let c = self
            .ok(
                "POST",
                "/v1/conversations",
                json!({"buyer_id": buyer, "seller_id": seller, "order_id": id, "opened_by": seller}),
            )
            .await;
        let conversation = c["id"].as_str().unwrap().to_string();
        self.say(
            &conversation,
            seller,
            "Hello, thank you for your order! It is ready.",
        )
        .await;
        conversation
    }

    async fn say(&self, conversation: &str, sender: &str, text: &str) -> Value {
        self.ok(
            "POST",
            &format!("/v1/conversations/{conversation}/messages"),
            json!({"sender_id": sender, "text": text}),
        )
        .await
    }

    async fn conversation_of(&self, order: &str) -> String {
        let c = self
            .ok(
                "POST",
                "/v1/conversations",
                json!({"buyer_id": "b1", "seller_id": "s1", "order_id": order}),
            )
            .await;
        c["id"].as_str().unwrap().to_string()
    }

    async fn request(&self, body: Value) -> Value {
        let r = self.call("POST", "/v1/contact-requests", Some(body)).await;
        assert_eq!(r.status, 201, "{}", r.json);
        r.json
    }

    /// A request on `o1` by `s1` with the good justification, answered pending.
    async fn pending(&self) -> String {
        let r = self.request(good_request()).await;
        assert_eq!(r["status"], "pending", "{r}");
        r["id"].as_str().unwrap().to_string()
    }

    async fn approve(&self, request: &str) -> Value {
        let r = self
            .call(
                "POST",
                &format!("/v1/contact-requests/{request}/decision"),
                Some(json!({"buyer_id": "b1", "decision": "approve"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.json);
        r.json
    }

    async fn set_status(&self, user: &str, status: &str, until: Option<OffsetDateTime>) {
        sqlx::query("UPDATE users SET status = $1, restricted_until = $2 WHERE id = $3")
            .bind(status)
            .bind(until.map(store::format_time))
            .bind(user)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    /// The grant's row, as the database holds it.
    async fn grant_row(
        &self,
        id: &str,
    ) -> (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    ) {
        let r = sqlx::query(
            "SELECT status, wrapped_key, buyer_phone_enc, seller_phone_enc, relay_number FROM contact_grants WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        (
            r.get("status"),
            r.get("wrapped_key"),
            r.get("buyer_phone_enc"),
            r.get("seller_phone_enc"),
            r.get("relay_number"),
        )
    }

    async fn count(&self, sql: &str, arg: &str) -> i64 {
        sqlx::query_scalar(sql)
            .bind(arg)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    async fn audit_actions(&self) -> Vec<String> {
        self.store
            .audit_events(0, 10_000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    /// Calls the relay webhook as the provider would: form-encoded, signed with `secret` over `url`.
    async fn webhook_signed(
        &self,
        params: &[(&str, &str)],
        secret: &str,
        url: &str,
    ) -> (Reply, String) {
        let pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let signature = Twilio::new(SecretString::from(secret)).sign(url, &pairs);
        self.webhook_with(params, Some(&signature)).await
    }

    async fn webhook(&self, params: &[(&str, &str)]) -> (Reply, String) {
        self.webhook_signed(params, SECRET, &format!("{BASE}/v1/relay/inbound"))
            .await
    }

    async fn webhook_with(
        &self,
        params: &[(&str, &str)],
        signature: Option<&str>,
    ) -> (Reply, String) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        let mut req = Request::post("/v1/relay/inbound")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(s) = signature {
            req = req.header("x-twilio-signature", s);
        }
        send(&self.router, req.body(Body::from(body)).unwrap()).await
    }
}

async fn send(router: &axum::Router, req: Request<Body>) -> (Reply, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (
        Reply {
            status,
            headers,
            json,
        },
        text,
    )
}

/// The body of a request on `o1` by `s1` with the good justification (pending on a fresh `Env`).
fn good_request() -> Value {
    json!({"order_id": "o1", "seller_id": "s1", "purpose": "delivery_scheduling",
           "justification": GOOD, "channel": "voice"})
}

fn codes(r: &Value) -> Vec<String> {
    r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

testkit::on_both_backends!(
    refusals_name_each_legitimacy_reason,
    approval_grants_a_masked_number,
    decline_and_decisions_only_by_the_buyer,
    revocation_erases_the_numbers,
    expiry_erases_the_numbers,
    relay_routes_only_through_an_active_grant,
    forged_webhooks_are_refused,
    pressure_is_recorded_against_the_request,
    the_periodic_task_expires_grants_unread,
    an_idempotency_key_answers_the_first_request,
    without_a_key_a_repeated_request_is_refused_as_already_open,
);

async fn an_idempotency_key_answers_the_first_request(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    env.user("s2", "seller", Some("+14155550202")).await;
    let ask = |body: Value, key: &'static str| {
        let env = &env;
        async move {
            env.call_keyed("POST", "/v1/contact-requests", Some(body), Some(key))
                .await
        }
    };
    let requests = || {
        env.count(
            "SELECT COUNT(*) FROM contact_requests WHERE order_id = $1",
            "o1",
        )
    };

    // The same request twice with one key: one request stored and audited, the same answer twice.
    let first = ask(good_request(), "k-1").await;
    assert_eq!(first.status, 201, "{}", first.json);
    assert_eq!(first.json["status"], "pending");
    assert!(first.headers.get("idempotent-replayed").is_none());
    let again = ask(good_request(), "k-1").await;
    assert_eq!(again.status, 201, "{}", again.json);
    assert_eq!(again.json, first.json);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(requests().await, 1);
    let creates = env.audit_actions().await;
    assert_eq!(
        creates
            .iter()
            .filter(|a| *a == "contact_request.create")
            .count(),
        1
    );

    // The first answer, even after the buyer decided: the request was created pending.
    let id = first.json["id"].as_str().unwrap();
    env.approve(id).await;
    let later = ask(good_request(), "k-1").await;
    assert_eq!((later.status.as_u16(), &later.json), (201, &first.json));

    // The same key with a different body is refused, and nothing is stored.
    for (field, value) in [
        ("order_id", "o2"),
        ("purpose", "installation_or_assembly"),
        (
            "justification",
            "The courier needs to agree a delivery slot and the stairwell width with you",
        ),
        ("channel", "sms"),
    ] {
        let mut body = good_request();
        body[field] = json!(value);
        let r = ask(body, "k-1").await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (409, "idempotency_key_reused"),
            "{field}: {}",
            r.json
        );
    }
    assert_eq!(requests().await, 1);

    // Keys are the seller's own: another seller's request with the same key is a new one (refused here: not
    // its order), and its retry answers that refusal.
    let mut other = good_request();
    other["seller_id"] = json!("s2");
    let refused = ask(other.clone(), "k-1").await;
    assert_eq!(refused.status, 201, "{}", refused.json);
    assert_eq!(refused.json["status"], "refused");
    assert_ne!(refused.json["id"], first.json["id"]);
    let again = ask(other, "k-1").await;
    assert_eq!(again.json, refused.json);
    assert_eq!(requests().await, 2);

    // An empty key is a bad request, not a key.
    let r = ask(good_request(), "").await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
}

async fn without_a_key_a_repeated_request_is_refused_as_already_open(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let first = env.request(good_request()).await;
    assert_eq!(first["status"], "pending", "{first}");
    let second = env.request(good_request()).await;
    assert_eq!(second["status"], "refused", "{second}");
    assert_eq!(codes(&second), ["request_already_open"]);
    assert_ne!(second["id"], first["id"]);
    assert_eq!(
        env.count(
            "SELECT COUNT(*) FROM contact_requests WHERE order_id = $1",
            "o1"
        )
        .await,
        2
    );
}

async fn the_periodic_task_expires_grants_unread(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let id = env.pending().await;
    let g = env.approve(&id).await;
    let grant = g["id"].as_str().unwrap().to_string();
    env.set(datetime!(2026-11-23 00:00:01 UTC));
    // Nothing reads the grant: the task `serve` runs ends it (its first tick is immediate).
    let task = tokio::spawn(server::runtime::expire_contact_grants_periodically(
        env.state.clone(),
    ));
    let mut status = String::new();
    for _ in 0..100 {
        status = env.grant_row(&grant).await.0;
        if status == "expired" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    task.abort();
    assert_eq!(status, "expired");
    let (_, key, buyer, seller, _) = env.grant_row(&grant).await;
    assert_eq!((key, buyer, seller), (None, None, None));
}

async fn refusals_name_each_legitimacy_reason(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    // Parties and orders for the cases, created 40 days ago (outside the share window) unless said otherwise.
    env.set(START - Duration::days(40));
    env.user("s2", "seller", Some("+14155550202")).await;
    env.user("s3", "seller", Some("+14155550203")).await;
    env.user("s4", "seller", Some("+14155550204")).await;
    env.user("s5", "seller", None).await;
    env.user("b3", "buyer", None).await;
    env.listing("ring", "s1", "jewellery", false, false).await;
    env.listing("chair", "s3", "furniture", true, false).await;
    env.listing("table", "s5", "furniture", true, false).await;
    env.order_with_chat(
        "o-closed",
        "b1",
        "s1",
        "sofa",
        "completed",
        Some("2026-10-01"),
    )
    .await;
    env.order("o-silent", "b1", "s1", "sofa", "paid", Some("2026-11-20"))
        .await;
    env.order_with_chat("o-nophone", "b3", "s1", "sofa", "paid", Some("2026-11-20"))
        .await;
    env.order_with_chat("o-s3", "b1", "s3", "chair", "paid", Some("2026-11-20"))
        .await;
    env.order_with_chat("o-s5", "b1", "s5", "table", "paid", Some("2026-11-20"))
        .await;
    for i in 0..6 {
        env.order_with_chat(
            &format!("o-day-{i}"),
            "b1",
            "s1",
            "sofa",
            "paid",
            Some("2026-11-20"),
        )
        .await;
    }
    env.set(START);
    let req = |order: &str, seller: &str, purpose: &str, justification: &str| json!({"order_id": order, "seller_id": seller, "purpose": purpose, "justification": justification, "channel": "voice"});
    let check = |body: Value, expected: &'static [&'static str]| {
        let env = &env;
        async move {
            let r = env.request(body.clone()).await;
            assert_eq!(codes(&r), expected, "{body} -> {r}");
            assert_eq!(
                r["status"],
                if expected.is_empty() {
                    "pending"
                } else {
                    "refused"
                }
            );
            r
        }
    };

    check(
        req("nope", "s1", "delivery_scheduling", GOOD),
        &["order_not_found"],
    )
    .await;
    check(
        req("o1", "s2", "delivery_scheduling", GOOD),
        &["order_of_another_seller", "message_channel_not_tried"],
    )
    .await;
    let mut wrong_buyer = req("o1", "s1", "delivery_scheduling", GOOD);
    wrong_buyer["buyer_id"] = json!("b9");
    check(wrong_buyer, &["order_of_another_buyer"]).await;
    check(
        req("o-closed", "s1", "delivery_scheduling", GOOD),
        &["order_closed"],
    )
    .await;
    check(
        req("o1", "s1", "customisation_details", GOOD),
        &["purpose_does_not_fit_order"],
    )
    .await;
    check(
        req("o1", "s1", "technical_troubleshooting", GOOD),
        &["purpose_does_not_fit_order"],
    )
    .await;
    env.set_status("s3", "restricted", Some(START + Duration::hours(20)))
        .await;
    check(
        req("o-s3", "s3", "delivery_scheduling", GOOD),
        &["seller_restricted"],
    )
    .await;
    env.set_status("s3", "suspended", None).await;
    check(
        req("o-s3", "s3", "delivery_scheduling", GOOD),
        &["seller_under_review"],
    )
    .await;
    check(
        req("o-silent", "s1", "delivery_scheduling", GOOD),
        &["message_channel_not_tried"],
    )
    .await;
    check(
        req(
            "o1",
            "s1",
            "delivery_scheduling",
            "For better communication.",
        ),
        &["justification_too_vague"],
    )
    .await;
    check(
        req(
            "o1",
            "s1",
            "delivery_scheduling",
            "Call me on +1 415 555 0199: the courier must agree a two-hour delivery slot and the stairwell width",
        ),
        &["justification_unsafe"],
    )
    .await;
    check(
        req("o-nophone", "s1", "delivery_scheduling", GOOD),
        &["buyer_phone_missing"],
    )
    .await;
    check(
        req("o-s5", "s5", "delivery_scheduling", GOOD),
        &["seller_phone_missing"],
    )
    .await;

    // Five requests that reach buyers in a day are allowed (from the third, flagged for review); the sixth is not.
    for i in 0..5 {
        let r = check(
            req(&format!("o-day-{i}"), "s1", "delivery_scheduling", GOOD),
            &[],
        )
        .await;
        let flagged = r["review_flags"].as_array().unwrap().len();
        assert_eq!(flagged, usize::from(i >= 2), "request {i}: {r}");
    }
    // The flagged requests put the seller in front of an investigator: one review case, joined by each.
    let reviews = env
        .store
        .cases(&store::cases::CaseFilter {
            user_id: Some("s1".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    assert_eq!(
        (
            reviews[0].source.as_str(),
            reviews[0].queue.as_str(),
            reviews[0].subject_key.as_str()
        ),
        ("contact_review", "off_platform", "contact_review:s1")
    );
    check(
        req("o-day-5", "s1", "delivery_scheduling", GOOD),
        &["daily_limit_reached"],
    )
    .await;
    // A second request for an order with one pending.
    check(
        req("o-day-0", "s1", "delivery_scheduling", GOOD),
        &["daily_limit_reached", "request_already_open"],
    )
    .await;

    // The share of orders with a request: s4 has 4 recent orders; requests on 2 pass, the third exceeds half.
    env.listing("desk", "s4", "furniture", true, false).await;
    for i in 0..4 {
        env.order_with_chat(
            &format!("o-s4-{i}"),
            "b1",
            "s4",
            "desk",
            "paid",
            Some("2026-11-20"),
        )
        .await;
    }
    check(req("o-s4-0", "s4", "delivery_scheduling", GOOD), &[]).await;
    check(req("o-s4-1", "s4", "delivery_scheduling", GOOD), &[]).await;
    check(
        req("o-s4-2", "s4", "delivery_scheduling", GOOD),
        &["order_share_exceeded"],
    )
    .await;

    // Every reason at once: a refusal lists them all.
    check(
        req("o-silent", "s3", "customisation_details", "to talk"),
        &[
            "order_of_another_seller",
            "purpose_does_not_fit_order",
            "seller_under_review",
            "message_channel_not_tried",
            "justification_too_vague",
        ],
    )
    .await;

    // Refusals are stored and audited like every request.
    let actions = env.audit_actions().await;
    assert!(
        actions
            .iter()
            .filter(|a| *a == "contact_request.refuse")
            .count()
            >= 15
    );
    let flags: Vec<String> = env
        .store
        .audit_events(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "contact_request.flag")
        .map(|e| e.details)
        .collect();
    assert_eq!(flags.len(), 3 + 1, "{flags:#?}");
    // Unknown purpose or channel: invalid requests, not refusals.
    let r = env
        .call("POST", "/v1/contact-requests", Some(json!({"order_id": "o1", "seller_id": "s1", "purpose": "chat", "justification": GOOD, "channel": "voice"})))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
    let r = env
        .call("POST", "/v1/contact-requests", Some(json!({"order_id": "o1", "seller_id": "s1", "purpose": "other", "justification": GOOD, "channel": "fax"})))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
}

async fn approval_grants_a_masked_number(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let conversation = env.conversation_of("o1").await;
    // Before a grant, a phone number in the conversation is redacted.
    let m = env
        .say(
            &conversation,
            "s1",
            "My number is +1 415 555 0102 if the courier is late",
        )
        .await;
    assert_eq!(m["action"], "deliver_redacted", "{m}");

    let id = env.pending().await;
    // What the buyer is shown before deciding.
    let r = env
        .call("GET", &format!("/v1/contact-requests/{id}"), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["status"], "pending");
    assert_eq!(r.json["purpose_text"], "to schedule the delivery");
    assert_eq!(r.json["justification"], GOOD);
    let notice = r.json["buyer_notice"].as_str().unwrap();
    assert!(
        notice.contains("Declining has no effect on your order"),
        "{notice}"
    );
    assert!(notice.contains(GOOD), "{notice}");

    let g = env.approve(&id).await;
    assert_eq!(g["status"], "approved");
    assert_eq!(g["relay_number"], POOL[0]);
    // Delivery on the 20th: the grant runs to the end of the 22nd.
    assert_eq!(g["expires_at"], "2026-11-23T00:00:00.000000Z");
    let grant_id = g["id"].as_str().unwrap();
    let listed = env.call("GET", "/v1/users/b1/contact-grants", None).await;
    assert_eq!(listed.status, 200);
    let first = &listed.json["grants"][0];
    assert_eq!(first["id"], grant_id);
    assert_eq!(first["seller_id"], "s1");
    assert_eq!(first["purpose"], "delivery_scheduling");
    assert_eq!(first["justification"], GOOD);
    assert_eq!(first["status"], "active");
    // No answer shows a real number.
    for text in [g.to_string(), listed.json.to_string()] {
        assert!(
            !text.contains("4155550101") && !text.contains("4155550102"),
            "{text}"
        );
    }
    // The row holds the numbers only encrypted.
    let (status, key, buyer, seller, relay) = env.grant_row(grant_id).await;
    assert_eq!((status.as_str(), relay.as_str()), ("active", POOL[0]));
    let (key, buyer, seller) = (key.unwrap(), buyer.unwrap(), seller.unwrap());
    for c in [&key, &buyer, &seller] {
        assert!(!c.contains("4155550"), "{c}");
    }
    assert_ne!(buyer, seller);

    // While the grant is active, the two parties' numbers are not redacted in their conversation.
    let m = env
        .say(
            &conversation,
            "s1",
            "My number is +1 415 555 0102 if the courier is late",
        )
        .await;
    assert_eq!(m["action"], "deliver", "{m}");
    assert!(
        m["delivered_text"]
            .as_str()
            .unwrap()
            .contains("+1 415 555 0102")
    );

    // A second buyer–seller pair gets the same number only when neither party holds it: s1 holds POOL[0].
    env.user("b2", "buyer", Some("+14155550111")).await;
    env.order_with_chat("o2", "b2", "s1", "sofa", "paid", Some("2026-11-20"))
        .await;
    let r2 = env
        .request(json!({"order_id": "o2", "seller_id": "s1", "purpose": "delivery_scheduling", "justification": GOOD, "channel": "voice"}))
        .await;
    let r2id = r2["id"].as_str().unwrap();
    let g2 = env
        .call(
            "POST",
            &format!("/v1/contact-requests/{r2id}/decision"),
            Some(json!({"buyer_id": "b2", "decision": "approve"})),
        )
        .await;
    assert_eq!(g2.json["relay_number"], POOL[1], "{}", g2.json);

    let actions = env.audit_actions().await;
    for a in ["contact_request.create", "contact_grant.create"] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    assert!(env.store.verify_audit_chain().await.unwrap().is_intact());
}

async fn decline_and_decisions_only_by_the_buyer(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let id = env.pending().await;
    let decide = |buyer: &'static str, decision: &'static str| {
        let env = &env;
        let id = id.clone();
        async move {
            env.call(
                "POST",
                &format!("/v1/contact-requests/{id}/decision"),
                Some(json!({"buyer_id": buyer, "decision": decision})),
            )
            .await
        }
    };
    // Only the order's buyer decides; the seller cannot.
    let r = decide("s1", "approve").await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));
    let r = decide("b1", "maybe").await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
    let r = decide("b1", "decline").await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["status"], "declined");
    assert!(r.json.get("relay_number").is_none());
    let r = decide("b1", "approve").await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "conflict"));
    let view = env
        .call("GET", &format!("/v1/contact-requests/{id}"), None)
        .await;
    assert_eq!(view.json["status"], "declined");
    assert!(view.json["grant"].is_null());
    assert_eq!(
        env.count(
            "SELECT COUNT(*) FROM contact_grants WHERE request_id = $1",
            &id
        )
        .await,
        0
    );
    assert!(
        env.audit_actions()
            .await
            .iter()
            .any(|a| a == "contact_request.decline")
    );
}

async fn revocation_erases_the_numbers(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let id = env.pending().await;
    let g = env.approve(&id).await;
    let grant = g["id"].as_str().unwrap().to_string();
    let r = env
        .call(
            "POST",
            &format!("/v1/contact-grants/{grant}/revoke"),
            Some(json!({"buyer_id": "s1"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));
    env.advance(Duration::hours(2));
    let r = env
        .call(
            "POST",
            &format!("/v1/contact-grants/{grant}/revoke"),
            Some(json!({"buyer_id": "b1"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["status"], "revoked");
    let (status, key, buyer, seller, _) = env.grant_row(&grant).await;
    assert_eq!(status, "revoked");
    assert_eq!((key, buyer, seller), (None, None, None));
    assert_eq!(
        env.count(
            "SELECT COUNT(*) FROM relay_leases WHERE grant_id = $1",
            &grant
        )
        .await,
        0
    );
    let view = env
        .call("GET", &format!("/v1/contact-requests/{id}"), None)
        .await;
    assert_eq!(view.json["status"], "revoked");
    // The relay no longer connects the seller.
    let (reply, twiml) = env
        .webhook(&[
            ("CallSid", "CA-after"),
            ("From", SELLER_PHONE),
            ("To", POOL[0]),
        ])
        .await;
    assert_eq!(reply.status, 200);
    assert!(
        twiml.contains("<Hangup/>") && !twiml.contains("<Dial"),
        "{twiml}"
    );
    let r = env
        .call(
            "POST",
            &format!("/v1/contact-grants/{grant}/revoke"),
            Some(json!({"buyer_id": "b1"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "conflict"));
    // Numbers are redacted in the conversation again.
    let conversation = env.conversation_of("o1").await;
    let m = env.say(&conversation, "s1", "Call +1 415 555 0102").await;
    assert_eq!(m["action"], "deliver_redacted");
    assert!(
        env.audit_actions()
            .await
            .iter()
            .any(|a| a == "contact_grant.revoke")
    );
}

async fn expiry_erases_the_numbers(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let id = env.pending().await;
    let g = env.approve(&id).await;
    let grant = g["id"].as_str().unwrap().to_string();
    // Only the buyer extends, within the policy's bounds.
    let extend = |buyer: &'static str, hours: u32| {
        let env = &env;
        let grant = grant.clone();
        async move {
            env.call(
                "POST",
                &format!("/v1/contact-grants/{grant}/extend"),
                Some(json!({"buyer_id": buyer, "hours": hours})),
            )
            .await
        }
    };
    let r = extend("s1", 24).await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));
    let r = extend("b1", 24).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["expires_at"], "2026-11-24T00:00:00.000000Z");
    assert_eq!(r.json["extensions"], 1);
    let r = extend("b1", 24 * 30).await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "extension_refused"));

    // One second before the expiry the grant is active; at the expiry it ends, on the next read.
    env.set(datetime!(2026-11-23 23:59:59 UTC));
    let listed = env.call("GET", "/v1/users/b1/contact-grants", None).await;
    assert_eq!(listed.json["grants"][0]["status"], "active");
    let (status, key, ..) = env.grant_row(&grant).await;
    assert_eq!(status, "active");
    assert!(key.is_some());
    env.set(datetime!(2026-11-24 00:00:00 UTC));
    let listed = env.call("GET", "/v1/users/b1/contact-grants", None).await;
    assert_eq!(
        listed.json["grants"][0]["status"], "expired",
        "{}",
        listed.json
    );
    // The row: the key and both encrypted numbers are gone.
    let (status, key, buyer, seller, relay) = env.grant_row(&grant).await;
    assert_eq!(status, "expired");
    assert_eq!((key, buyer, seller), (None, None, None));
    assert_eq!(relay, POOL[0]);
    let row_text: String = sqlx::query(
        "SELECT id, request_id, order_id, buyer_id, seller_id, channel, relay_number, status, expires_at, created_at FROM contact_grants WHERE id = $1",
    )
    .bind(&grant)
    .fetch_one(&env.pool)
    .await
    .map(|r| (0..10).map(|i| r.get::<String, _>(i)).collect::<Vec<_>>().join("|"))
    .unwrap();
    assert!(!row_text.contains("4155550"), "{row_text}");
    assert_eq!(
        env.count(
            "SELECT COUNT(*) FROM relay_leases WHERE grant_id = $1",
            &grant
        )
        .await,
        0
    );
    let view = env
        .call("GET", &format!("/v1/contact-requests/{id}"), None)
        .await;
    assert_eq!(view.json["status"], "expired");
    let r = extend("b1", 24).await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "conflict"));
    assert!(
        env.audit_actions()
            .await
            .iter()
            .any(|a| a == "contact_grant.expire")
    );
    // The number can be leased again.
    env.order_with_chat("o3", "b1", "s1", "sofa", "paid", Some("2026-11-30"))
        .await;
    let r = env
        .request(json!({"order_id": "o3", "seller_id": "s1", "purpose": "delivery_scheduling", "justification": GOOD, "channel": "voice"}))
        .await;
    let g = env.approve(r["id"].as_str().unwrap()).await;
    assert_eq!(g["relay_number"], POOL[0]);
}

async fn relay_routes_only_through_an_active_grant(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    // No grant yet: refused.
    let (reply, twiml) = env
        .webhook(&[("CallSid", "CA0"), ("From", SELLER_PHONE), ("To", POOL[0])])
        .await;
    assert_eq!(reply.status, 200);
    assert!(
        twiml.contains("<Say>") && twiml.contains("<Hangup/>") && !twiml.contains("<Dial"),
        "{twiml}"
    );

    let id = env.pending().await;
    let g = env.approve(&id).await;
    let grant = g["id"].as_str().unwrap().to_string();
    // The seller calls the relay number: connected to the buyer, the relay number shown as the caller.
    let (reply, twiml) = env
        .webhook(&[
            ("CallSid", "CA1"),
            ("From", SELLER_PHONE),
            ("To", POOL[0]),
            ("CallStatus", "ringing"),
            ("Direction", "inbound"),
        ])
        .await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    assert!(
        twiml.contains(&format!(
            "<Dial callerId=\"{}\" action=\"{BASE}/v1/relay/inbound\" method=\"POST\"><Number>{BUYER_PHONE}</Number></Dial>",
            POOL[0]
        )),
        "{twiml}"
    );
    // The call ends: its duration is logged.
    let (reply, twiml) = env
        .webhook(&[
            ("CallSid", "CA1"),
            ("DialCallStatus", "completed"),
            ("DialCallDuration", "42"),
        ])
        .await;
    assert_eq!(reply.status, 200);
    assert!(twiml.ends_with("<Response/>"), "{twiml}");
    // The buyer calls back: connected to the seller.
    let (_, twiml) = env
        .webhook(&[("CallSid", "CA2"), ("From", BUYER_PHONE), ("To", POOL[0])])
        .await;
    assert!(
        twiml.contains(&format!("<Number>{SELLER_PHONE}</Number>")),
        "{twiml}"
    );
    // Someone else calling the relay number, or a party calling another pool number: refused.
    let (_, twiml) = env
        .webhook(&[
            ("CallSid", "CA3"),
            ("From", "+14155550999"),
            ("To", POOL[0]),
        ])
        .await;
    assert!(!twiml.contains("<Dial"), "{twiml}");
    let (_, twiml) = env
        .webhook(&[("CallSid", "CA4"), ("From", SELLER_PHONE), ("To", POOL[1])])
        .await;
    assert!(!twiml.contains("<Dial"), "{twiml}");
    // A text on a voice grant: refused with a text.
    let (_, twiml) = env
        .webhook(&[
            ("MessageSid", "SM1"),
            ("From", SELLER_PHONE),
            ("To", POOL[0]),
            ("Body", "hello"),
        ])
        .await;
    assert!(
        twiml.contains("<Message>This number cannot deliver"),
        "{twiml}"
    );

    // The log: time, direction, kind, outcome and duration; never content or the caller's number.
    let log = env.store.relay_interactions(&grant).await.unwrap();
    let summary: Vec<Logged> = log
        .iter()
        .map(|i| {
            (
                i.kind.clone(),
                i.direction.clone(),
                i.outcome.clone(),
                i.refusal_code.clone(),
                i.duration_secs,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "voice".into(),
                Some("seller_to_buyer".into()),
                "connected".into(),
                None,
                Some(42)
            ),
            (
                "voice".into(),
                Some("buyer_to_seller".into()),
                "connected".into(),
                None,
                None
            ),
            (
                "sms".into(),
                Some("seller_to_buyer".into()),
                "refused".into(),
                Some("channel_not_granted".into()),
                None
            ),
        ]
    );
    let refused_elsewhere = env.store.relay_interactions_on(POOL[1]).await.unwrap();
    assert_eq!(refused_elsewhere.len(), 1);
    assert_eq!(
        refused_elsewhere[0].refusal_code.as_deref(),
        Some("no_active_grant")
    );
    let all: i64 = env
        .count(
            "SELECT COUNT(*) FROM relay_interactions WHERE relay_number <> $1",
            "",
        )
        .await;
    assert_eq!(all, 6);

    // An SMS grant forwards texts (content passes through, is not stored).
    env.user("b2", "buyer", Some("+14155550111")).await;
    env.order_with_chat("o2", "b2", "s1", "sofa", "paid", Some("2026-11-20"))
        .await;
    let r = env
        .request(json!({"order_id": "o2", "seller_id": "s1", "purpose": "delivery_scheduling", "justification": GOOD, "channel": "sms"}))
        .await;
    let rid = r["id"].as_str().unwrap();
    let g2 = env
        .call(
            "POST",
            &format!("/v1/contact-requests/{rid}/decision"),
            Some(json!({"buyer_id": "b2", "decision": "approve"})),
        )
        .await;
    let relay2 = g2.json["relay_number"].as_str().unwrap().to_string();
    let (_, twiml) = env
        .webhook(&[
            ("MessageSid", "SM2"),
            ("From", "+14155550111"),
            ("To", &relay2),
            ("Body", "Tuesday 9-11 works <ok>"),
        ])
        .await;
    assert!(
        twiml.contains(&format!("<Message to=\"{SELLER_PHONE}\" from=\"{relay2}\">Tuesday 9-11 works &lt;ok&gt;</Message>")),
        "{twiml}"
    );
    let texts: i64 = env
        .count(
            "SELECT COUNT(*) FROM relay_interactions WHERE provider_ref = $1",
            "SM2",
        )
        .await;
    assert_eq!(texts, 1);
}

async fn forged_webhooks_are_refused(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let id = env.pending().await;
    env.approve(&id).await;
    let call = [("CallSid", "CA1"), ("From", SELLER_PHONE), ("To", POOL[0])];
    let url = format!("{BASE}/v1/relay/inbound");
    // Signed with another secret.
    let (r, _) = env.webhook_signed(&call, "not-the-secret", &url).await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "invalid_signature"));
    // Signed for another URL.
    let (r, _) = env
        .webhook_signed(&call, SECRET, "https://evil.example.com/v1/relay/inbound")
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "invalid_signature"));
    // No signature, or garbage.
    let (r, _) = env.webhook_with(&call, None).await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "invalid_signature"));
    let (r, _) = env.webhook_with(&call, Some("AAAA")).await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "invalid_signature"));
    // A genuine signature over other parameters (the caller changed).
    let pairs: Vec<(String, String)> = [
        ("CallSid", "CA1"),
        ("From", "+14155550999"),
        ("To", POOL[0]),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let other_sig = Twilio::new(SecretString::from(SECRET)).sign(&url, &pairs);
    let (r, _) = env.webhook_with(&call, Some(&other_sig)).await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "invalid_signature"));
    // Nothing was routed or logged.
    assert_eq!(
        env.count(
            "SELECT COUNT(*) FROM relay_interactions WHERE relay_number = $1",
            POOL[0]
        )
        .await,
        0
    );
    // The genuine request goes through.
    let (r, twiml) = env.webhook(&call).await;
    assert_eq!(r.status, 200);
    assert!(twiml.contains("<Dial"), "{twiml}");
}

async fn pressure_is_recorded_against_the_request(db: &testkit::TestDb) {
    let env = Env::new(db).await;
    let conversation = env.conversation_of("o1").await;
    const PRESSURE: &str = "I can't ship until you give me your number";
    // Without a contact request, it is only what the communication policy says it is.
    let before = env.say(&conversation, "s1", PRESSURE).await;
    assert!(
        before["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["category"] == "contact.request"),
        "{before}"
    );
    assert_eq!(
        env.count(
            "SELECT COUNT(*) FROM contact_violations WHERE user_id = $1",
            "s1"
        )
        .await,
        0
    );
    // While a request is pending, and after the buyer declined it, it is recorded against the request.
    let id = env.pending().await;
    env.say(&conversation, "s1", PRESSURE).await;
    // The strike feeds the enforcement ladder: with the earlier contact-request strike, the seller is restricted.
    let standing = env.call("GET", "/v1/users/s1/standing", None).await;
    assert_eq!(standing.json["status"], "restricted", "{}", standing.json);
    env.advance(Duration::hours(25));
    env.call(
        "POST",
        &format!("/v1/contact-requests/{id}/decision"),
        Some(json!({"buyer_id": "b1", "decision": "decline"})),
    )
    .await;
    let m = env
        .say(
            &conversation,
            "s1",
            "I won't ship the sofa until you give me your phone number",
        )
        .await;
    let violations = env.store.contact_violations(&id).await.unwrap();
    assert_eq!(violations.len(), 2, "{m}");
    assert!(
        violations
            .iter()
            .all(|v| v.kind == "pressure" && v.user_id == "s1")
    );
    assert_eq!(violations[1].message_id, m["id"].as_str().unwrap());
    // Each counts as a strike naming the request, of at least the contact policy's weight.
    let strikes = env.store.strikes("s1").await.unwrap();
    let on_request: Vec<_> = strikes
        .iter()
        .filter(|s| s.contact_request_id.as_deref() == Some(id.as_str()))
        .collect();
    assert_eq!(on_request.len(), 2);
    assert!(on_request.iter().all(|s| s.weight >= 3));
    assert_eq!(
        violations
            .iter()
            .map(|v| v.strike_id.clone().unwrap())
            .collect::<Vec<_>>(),
        on_request.iter().map(|s| s.id.clone()).collect::<Vec<_>>()
    );
    let view = env
        .call("GET", &format!("/v1/contact-requests/{id}"), None)
        .await;
    assert_eq!(
        view.json["violations"].as_array().unwrap().len(),
        2,
        "{}",
        view.json
    );
    assert_eq!(view.json["violations"][1]["message_id"], m["id"]);
    // The buyer's messages never count.
    env.say(&conversation, "b1", "Can you give me your number?")
        .await;
    assert_eq!(env.store.contact_violations(&id).await.unwrap().len(), 2);
    let actions = env.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "contact_request.violation")
            .count(),
        2
    );
}
