//! Access control, route by route: every route the OpenAPI document marks with a scope refuses a caller without
//! a key (401) and a caller whose key has every scope but that one (403), and answers nothing else.

use store::Scope;

use crate::support::app;

#[tokio::test]
async fn every_scoped_route_refuses_callers_without_its_scope() {
    let app = app().await;
    let doc = serde_json::to_value(server::openapi()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // A route may accept any of several scopes (a conversation is read with `messaging` or
            // `investigator`): the wrong key has none of them.
            let Some(accepted) = op["security"][0]["api_key"].as_array() else {
                continue;
            };
            let accepted: Vec<Scope> = accepted
                .iter()
                .map(|s| Scope::parse(s.as_str().unwrap()).unwrap())
                .collect();
            let required = accepted[0].as_str();
            // Every path parameter gets a plausible value; the query a route needs is there too, so the
            // refusal can only come from the scope check.
            let uri = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "x1" } else { seg })
                .collect::<Vec<_>>()
                .join("/")
                + "?viewer=investigator";
            let body = (method != "get").then(|| serde_json::json!({}));
            let others: Vec<Scope> = Scope::ALL
                .into_iter()
                .filter(|s| !accepted.contains(s))
                .collect();
            let wrong_key = app.key(&others).await;

            let anonymous = app
                .call(&method.to_uppercase(), &uri, None, body.clone())
                .await;
            assert_eq!(
                (anonymous.status.as_u16(), anonymous.code()),
                (401, "missing_api_key"),
                "{method} {path} without a key"
            );
            let refused = app
                .call(&method.to_uppercase(), &uri, Some(&wrong_key), body)
                .await;
            assert_eq!(
                (refused.status.as_u16(), refused.code()),
                (403, "missing_scope"),
                "{method} {path} without the `{required}` scope: {}",
                refused.json
            );
            assert!(
                refused.json.get("error").is_some() && refused.json.as_object().unwrap().len() == 1
            );
            checked += 1;
        }
    }
    // The reports, cases, messaging, security and admin routes are all covered (guards against a vacuous pass).
    assert!(checked >= 25, "only {checked} routes carry a scope");
}

#[tokio::test]
async fn reading_originals_needs_a_reason_and_each_view_is_audited() {
    use serde_json::json;
    let app = app().await;
    let market = app.key(&[Scope::Messaging]).await;
    let inv = app.key(&[Scope::Investigator]).await;
    for (id, role) in [("b1", "buyer"), ("s1", "seller")] {
        app.call(
            "PUT",
            &format!("/v1/users/{id}"),
            Some(&market),
            Some(json!({"role": role, "display_name": id, "country": "US"})),
        )
        .await;
    }
    app.call("PUT", "/v1/listings/l1", Some(&market), Some(json!({"seller_id": "s1", "title": "Lamp", "category": "home", "made_to_order": false, "bulky": false})))
        .await;
    let c = app
        .call(
            "POST",
            "/v1/conversations",
            Some(&market),
            Some(json!({"buyer_id": "b1", "seller_id": "s1", "listing_id": "l1"})),
        )
        .await;
    let c = c.json["id"].as_str().unwrap().to_string();
    let read = |query: &str| format!("/v1/conversations/{c}/messages?viewer=investigator{query}");
    let r = app.call("GET", &read(""), Some(&inv), None).await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_request"));
    assert!(
        r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`reason`")
    );
    let r = app
        .call(
            "GET",
            &read("&investigator=ana&reason=%20"),
            Some(&inv),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 422);
    let r = app
        .call(
            "GET",
            &read("&investigator=ana&reason=case%2042"),
            Some(&inv),
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.json);
    let views: Vec<_> = app
        .store
        .audit_events(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "personal_data.view")
        .collect();
    assert_eq!(
        views.len(),
        1,
        "one view, one entry; refused reads write nothing"
    );
    assert_eq!(
        (views[0].actor.as_str(), views[0].subject.clone()),
        ("investigator:ana", format!("conversation:{c}"))
    );
    assert!(views[0].details.contains("case 42"));
}
