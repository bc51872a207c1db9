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
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut server = Server::start(&db.url, &[]);
    let key = create_key(&db.url, "screen");
    // The request is written by hand over one connection: all but its last bytes before the signal, so the server
    // has certainly accepted it and is reading it when SIGTERM arrives (a client that had not connected yet would
    // rightly be refused), and the rest after. It must still be answered.
    let body = json!({"text": "call 415 555 0172 or write to jo at gmail dot com. ".repeat(200)})
        .to_string();
    let addr = server.url("").trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v1/screen HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (first, last) = body.split_at(body.len() - 8);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let terminated = tokio::task::spawn_blocking(move || server.terminate());
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    stream.write_all(last.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "{}",
        response.lines().next().unwrap_or("")
    );
    assert!(
        terminated.await.unwrap(),
        "the server did not exit cleanly after SIGTERM"
    );
}
