//! Every error the foundation promises, each answered with `{"error": {"code", "message"}}`.

use crate::support::{app, app_with};
use serde_json::json;
use server::Config;
use server::error::ErrorCode;
use store::Scope;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = app().await;
    let r = app.get("/healthz").await;
    assert_eq!(
        (r.status.as_u16(), r.json["status"].as_str()),
        (200, Some("ok"))
    );
    let r = app.get("/readyz").await;
    assert_eq!(r.status.as_u16(), 200);
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = app().await;
    app.store.close().await;
    let r = app.get("/readyz").await;
    assert_eq!((r.status.as_u16(), r.code()), (503, "database_unavailable"));
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_kept() {
    let app = app().await;
    let r = app.get("/nowhere").await;
    assert!(r.headers.get("x-request-id").is_some_and(|v| !v.is_empty()));
    let req = axum::http::Request::get("/healthz")
        .header("x-request-id", "abc-123")
        .body(axum::body::Body::empty());
    let r = app.send(req.unwrap()).await;
    assert_eq!(r.headers.get("x-request-id").unwrap(), "abc-123");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_json_error_shape() {
    let app = app().await;
    let r = app.get("/v1/nothing-here").await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));
    assert!(
        r.json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    let r = app.get("/v1/screen").await;
    assert_eq!((r.status.as_u16(), r.code()), (405, "method_not_allowed"));
}

#[tokio::test]
async fn missing_unknown_and_revoked_keys_are_401() {
    let app = app().await;
    let body = json!({"text": "hello"});
    let r = app.post_json("/v1/screen", None, body.clone()).await;
    assert_eq!((r.status.as_u16(), r.code()), (401, "missing_api_key"));
    let r = app
        .post_json("/v1/screen", Some("mgk_made_up"), body.clone())
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (401, "unknown_api_key"));
    let key = app.key(&[Scope::Screen]).await;
    let prefix: String = key.chars().take(12).collect();
    app.store
        .revoke_api_key(&prefix, "test", time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    let r = app.post_json("/v1/screen", Some(&key), body).await;
    assert_eq!((r.status.as_u16(), r.code()), (401, "revoked_api_key"));
}

#[tokio::test]
async fn a_key_without_the_scope_is_403() {
    let app = app().await;
    let key = app.key(&[Scope::Messaging]).await;
    let r = app
        .post_json("/v1/screen", Some(&key), json!({"text": "hello"}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "missing_scope"));
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("screen")
    );
}

#[tokio::test]
async fn bad_bodies_get_their_own_codes() {
    let app = app().await;
    let key = app.key(&[Scope::Screen]).await;
    let k = Some(key.as_str());

    let r = app
        .post_raw(
            "/v1/screen",
            k,
            Some("application/json"),
            b"{\"text\": \"hi\",\n  oops}".to_vec(),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "malformed_json"));
    let msg = r.json["error"]["message"].as_str().unwrap();
    assert!(msg.contains("line 2") && msg.contains("column 3"), "{msg}");

    let r = app
        .post_raw(
            "/v1/screen",
            k,
            Some("text/plain"),
            b"{\"text\": \"hi\"}".to_vec(),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (415, "unsupported_media_type")
    );
    let r = app
        .post_raw("/v1/screen", k, None, b"{\"text\": \"hi\"}".to_vec())
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (415, "unsupported_media_type")
    );

    let big = json!({"text": "a".repeat(300 * 1024)});
    let r = app.post_json("/v1/screen", k, big).await;
    assert_eq!((r.status.as_u16(), r.code()), (413, "payload_too_large"));

    let r = app.post_json("/v1/screen", k, json!({"txt": "hi"})).await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
    let r = app
        .post_json("/v1/screen", k, json!({"text": "hi", "region": "USA"}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
    let r = app
        .post_json("/v1/screen", k, json!({"text": "hi", "sender": "robot"}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
}

#[tokio::test]
async fn the_body_limit_is_configurable() {
    let mut config = Config::default();
    config.http.body_limit_bytes = 2048;
    let app = app_with(config).await;
    let key = app.key(&[Scope::Screen]).await;
    let r = app
        .post_json("/v1/screen", Some(&key), json!({"text": "a".repeat(3000)}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (413, "payload_too_large"));
    let r = app
        .post_json("/v1/screen", Some(&key), json!({"text": "a".repeat(1000)}))
        .await;
    assert_eq!(r.status.as_u16(), 200);
}

#[tokio::test]
async fn a_key_over_its_rate_is_429_with_retry_after_and_other_keys_are_unaffected() {
    let mut config = Config::default();
    config.rate_limit.per_minute = 1;
    config.rate_limit.burst = 3;
    let app = app_with(config).await;
    let key = app.key(&[Scope::Screen]).await;
    for _ in 0..3 {
        let r = app
            .post_json("/v1/screen", Some(&key), json!({"text": "hi"}))
            .await;
        assert_eq!(r.status.as_u16(), 200);
    }
    let r = app
        .post_json("/v1/screen", Some(&key), json!({"text": "hi"}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (429, "rate_limited"));
    let wait: u64 = r
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let other = app.key(&[Scope::Screen]).await;
    let r = app
        .post_json("/v1/screen", Some(&other), json!({"text": "hi"}))
        .await;
    assert_eq!(r.status.as_u16(), 200);
}

#[tokio::test]
async fn screening_answers_like_a_scan_line() {
    let app = app().await;
    let key = app.key(&[Scope::Screen]).await;
    let r = app
        .post_json(
            "/v1/screen",
            Some(&key),
            json!({"text": "call me at 415 555 0172", "region": "US"}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.json);
    assert_eq!(r.json["categories"], json!(["contact.phone"]));
    let f = &r.json["findings"][0];
    assert_eq!(
        (f["start"].as_u64(), f["end"].as_u64()),
        (Some(11), Some(23))
    );
    assert_eq!(f["normalized"], "+14155550172");
    assert_eq!(r.json["redacted"], "call me at [phone number removed]");
    let r = app
        .post_json(
            "/v1/screen",
            Some(&key),
            json!({"text": "Is it still available?"}),
        )
        .await;
    assert_eq!(
        (r.json["categories"].clone(), r.json["redacted"].clone()),
        (json!([]), json!("Is it still available?"))
    );
}

#[tokio::test]
async fn the_openapi_document_covers_every_route_and_error_code() {
    let app = app().await;
    let r = app.get("/openapi.json").await;
    assert_eq!(r.status.as_u16(), 200);
    assert!(r.json["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = r.json["paths"].as_object().unwrap();
    for (path, method) in [
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/v1/screen", "post"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    let codes = &r.json["components"]["schemas"]["ErrorCode"];
    let text = codes.to_string();
    for code in ErrorCode::ALL {
        assert!(
            text.contains(&format!("\"{}\"", code.as_str())),
            "{} is not in the OpenAPI document",
            code.as_str()
        );
        assert_eq!(serde_json::to_value(code).unwrap(), json!(code.as_str()));
    }
    assert!(r.json["components"]["securitySchemes"]["api_key"].is_object());
}

/// Every operation declares the refusals its request can meet at the edge, and the request schemas say which
/// tokens and lengths the server takes, so a generated client does not send what the server refuses.
#[test]
fn the_openapi_document_declares_what_the_edge_refuses() {
    let doc = serde_json::to_value(server::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let body = op.get("requestBody");
            let json_body = body.is_some_and(|b| b["content"].get("application/json").is_some());
            let parameters = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path" || p["in"] == "query"));
            let mut needed = Vec::new();
            if json_body {
                needed.push("400");
            }
            if body.is_some() {
                needed.extend(["413", "415"]);
            }
            if json_body || parameters {
                needed.push("422");
            }
            for status in needed {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{method} {path} does not declare {status}"
                );
            }
        }
    }
    let schemas = &doc["components"]["schemas"];
    for (schema, field, key, value) in [
        (
            "UserRequest",
            "role",
            "enum",
            json!(["buyer", "seller", "both"]),
        ),
        ("UserRequest", "display_name", "maxLength", json!(100)),
        (
            "ContactRequestIn",
            "channel",
            "enum",
            json!(["voice", "sms"]),
        ),
        (
            "DecisionIn",
            "decision",
            "enum",
            json!(["approve", "decline"]),
        ),
        ("ReportRequest", "text", "maxLength", json!(4000)),
        (
            "ScreenRequest",
            "sender",
            "enum",
            json!(["buyer", "seller", null]),
        ),
        ("ScreenRequest", "text", "pattern", json!("^[^\\u0000]*$")),
    ] {
        assert_eq!(
            schemas[schema]["properties"][field][key], value,
            "{schema}.{field}.{key}"
        );
    }
    let totp = &doc["paths"]["/v1/users/{user_id}/totp"]["post"]["responses"];
    assert!(
        totp.get("404").is_some(),
        "TOTP enrolment does not declare 404"
    );
}
