//! Reports and the case API over HTTP.

use serde_json::json;
use store::Scope;

use crate::support::app;

#[tokio::test]
async fn a_report_joins_a_case_that_an_investigator_takes_and_resolves_over_the_api() {
    let app = app().await;
    let market = app.key(&[Scope::Messaging, Scope::Reports]).await;
    let inv = app.key(&[Scope::Investigator]).await;
    for (id, role) in [("b1", "buyer"), ("s1", "seller")] {
        let r = app
            .call(
                "PUT",
                &format!("/v1/users/{id}"),
                Some(&market),
                Some(json!({"role": role, "display_name": id, "country": "US"})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.json);
    }
    let r = app
        .call("PUT", "/v1/orders/o1", Some(&market), Some(json!({
            "buyer_id": "b1", "seller_id": "s1", "amount": {"value": "20.00", "currency": "USD"},
            "ship_to": {"line1": "1 Main St", "city": "Dayton", "country": "US"}, "status": "paid"
        })))
        .await;
    assert!(r.status.is_success(), "{}", r.json);
    let report = |body: serde_json::Value, key: Option<&'static str>| {
        let app = &app;
        let market = market.clone();
        async move {
            let mut req = axum::http::Request::post("/v1/reports")
                .header("authorization", format!("Bearer {market}"))
                .header("content-type", "application/json");
            if let Some(k) = key {
                req = req.header("idempotency-key", k);
            }
            app.send(req.body(axum::body::Body::from(body.to_string())).unwrap())
                .await
        }
    };
    let body = json!({"reporter_id": "b1", "subject": {"type": "order", "id": "o1"}, "category": "off_platform_payment", "text": "asked for Zelle"});
    let first = report(body.clone(), Some("r-1")).await;
    assert_eq!(first.status.as_u16(), 201, "{}", first.json);
    assert_eq!(first.json["opened_case"], true);
    let again = report(body, Some("r-1")).await;
    assert_eq!(
        (again.status.as_u16(), &again.json["id"]),
        (200, &first.json["id"])
    );
    let joined = report(json!({"reporter_id": "b1", "subject": {"type": "order", "id": "o1"}, "category": "phishing"}), None).await;
    assert_eq!(joined.json["case_id"], first.json["case_id"]);

    // Bad input gets a stable code and a message that says what to do.
    let check = async |body: serde_json::Value, status: u16, code: &str| {
        let r = report(body, None).await;
        assert_eq!((r.status.as_u16(), r.code()), (status, code), "{}", r.json);
    };
    check(json!({"reporter_id": "b1", "subject": {"type": "listing", "id": "l"}, "category": "other"}), 422, "invalid_request").await;
    check(
        json!({"reporter_id": "b1", "subject": {"type": "user", "id": "s1"}, "category": "spam"}),
        422,
        "invalid_request",
    )
    .await;
    check(json!({"reporter_id": "b1", "subject": {"type": "order", "id": "nope"}, "category": "other"}), 404, "not_found").await;
    check(
        json!({"reporter_id": "zz", "subject": {"type": "user", "id": "s1"}, "category": "other"}),
        404,
        "not_found",
    )
    .await;

    let case_id = first.json["case_id"].as_str().unwrap().to_string();
    let queue = app.call("GET", "/v1/cases", Some(&inv), None).await;
    assert_eq!(queue.json.as_array().unwrap().len(), 1);
    assert_eq!(
        (
            queue.json[0]["queue"].as_str(),
            queue.json[0]["priority"].as_i64()
        ),
        (Some("account_takeover"), Some(1))
    );
    let path = |p: &str| format!("/v1/cases/{case_id}{p}");
    let r = app
        .call(
            "POST",
            &path("/resolve"),
            Some(&inv),
            Some(json!({"investigator": "ana", "outcome": "warn", "reason": "r"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "invalid_case_state"));
    let r = app
        .call(
            "POST",
            &path("/take"),
            Some(&inv),
            Some(json!({"investigator": "ana"})),
        )
        .await;
    assert_eq!(r.json["state"], "in_review");
    let r = app
        .call(
            "POST",
            &path("/take"),
            Some(&inv),
            Some(json!({"investigator": "ben"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "case_locked"));
    let r = app
        .call(
            "POST",
            &path("/notes"),
            Some(&inv),
            Some(json!({"investigator": "ana", "text": "Zelle request in chat"})),
        )
        .await;
    assert!(r.status.is_success());
    let r = app
        .call(
            "POST",
            &path("/resolve"),
            Some(&inv),
            Some(json!({"investigator": "ana", "outcome": "suspend", "reason": "payment fraud"})),
        )
        .await;
    assert_eq!(
        (r.json["state"].as_str(), r.json["outcome"].as_str()),
        (Some("resolved"), Some("suspend")),
        "{}",
        r.json
    );
    let file = app.call("GET", &path(""), Some(&inv), None).await;
    assert_eq!(file.json["reports"].as_array().unwrap().len(), 2);
    assert_eq!(file.json["notes"][0]["text"], "Zelle request in chat");
    let standing = app.store.user("s1").await.unwrap().unwrap();
    assert_eq!(standing.status, "suspended");
    assert_eq!(
        app.call("GET", "/v1/cases/nope", Some(&inv), None)
            .await
            .code(),
        "not_found"
    );
}
