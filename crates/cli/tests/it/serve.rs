use serde_json::json;
use testkit::{TestDb, on_both_backends};

use crate::support::{Server, create_key};

on_both_backends!(
    the_server_answers_health_readiness_and_screening_over_http,
    keys_created_and_revoked_by_the_cli_work_over_http,
    sigterm_finishes_the_request_in_flight_then_exits
);

async fn the_server_answers_health_readiness_and_screening_over_http(db: &TestDb) {
    let server = Server::start(&db.url, &[]);
    let http = reqwest::Client::new();
    let r = http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers().get("x-request-id").is_some());
    let r = http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let doc: serde_json::Value = http
        .get(server.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/v1/screen"]["post"].is_object());

    let key = create_key(&db.url, "screen");
    let r = http
        .post(server.url("/v1/screen"))
        .bearer_auth(&key)
        .json(&json!({"text": "my number is 415 555 0172", "region": "US"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["categories"], json!(["contact.phone"]));
    assert_eq!(body["redacted"], "my number is [phone number removed]");
}

async fn keys_created_and_revoked_by_the_cli_work_over_http(db: &TestDb) {
    let server = Server::start(&db.url, &[]);
    let http = reqwest::Client::new();
    let key = create_key(&db.url, "messaging");
    let screen = |k: String| {
        let http = http.clone();
        let url = server.url("/v1/screen");
        async move {
            http.post(url)
                .bearer_auth(k)
                .json(&json!({"text": "hi"}))
                .send()
                .await
                .unwrap()
        }
    };
    let r = screen(key.clone()).await;
    assert_eq!(r.status().as_u16(), 403);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "missing_scope");

    let prefix: String = key.chars().take(12).collect();
    let o = crate::support::run(&db.url, &["admin", "api-key", "revoke", &prefix]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = screen(key).await;
    assert_eq!(r.status().as_u16(), 401);

    let o = crate::support::run(&db.url, &["audit", "verify"]);
    assert!(o.status.success());
    assert!(
        // policy.activate (communication and contact) at start-up, api_key.create, api_key.revoke
        crate::support::stdout(&o).contains("4 entries"),
        "{}",
        crate::support::stdout(&o)
    );
}

async fn sigterm_finishes_the_request_in_flight_then_exits(db: &TestDb) {
    let mut server = Server::start(&db.url, &[]);
    let key = create_key(&db.url, "screen");
    // A large message keeps the request busy while the signal arrives; it must still be answered.
    let text = "call 415 555 0172 or write to jo at gmail dot com. ".repeat(1200);
    let http = reqwest::Client::new();
    let request = http
        .post(server.url("/v1/screen"))
        .bearer_auth(&key)
        .json(&json!({"text": text}))
        .send();
    let in_flight = tokio::spawn(request);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let clean_exit = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    let r = in_flight.await.unwrap().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(clean_exit, "the server did not exit cleanly after SIGTERM");
}
