//! Messaging end to end: the real binary over HTTP, on SQLite and PostgreSQL.

use serde_json::{Value, json};
use testkit::{TestDb, on_both_backends};

use crate::support::{Server, create_key, run, stdout};

on_both_backends!(
    a_seller_is_walked_from_clean_messages_to_a_restriction_that_an_investigator_reverses_over_http,
    idempotency_size_and_rate_limits_answer_with_clear_errors_over_http,
    policy_check_reports_what_a_new_policy_would_change_and_reload_applies_it,
    investigators_verdicts_train_a_model_that_an_audited_command_puts_in_service
);

struct Api {
    http: reqwest::Client,
    server: Server,
    key: String,
}

impl Api {
    async fn call(
        &self,
        method: &str,
        path: &str,
        key: &str,
        body: Option<Value>,
        idem: Option<&str>,
    ) -> (u16, Value) {
        let url = self.server.url(path);
        let mut req = match method {
            "PUT" => self.http.put(url),
            "POST" => self.http.post(url),
            _ => self.http.get(url),
        }
        .bearer_auth(key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn ok(&self, method: &str, path: &str, body: Value) -> Value {
        let (status, v) = self.call(method, path, &self.key, Some(body), None).await;
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {v}"
        );
        v
    }

    /// A buyer, a seller with a phone and email on file, an order and its conversation.
    async fn world(&self) -> String {
        self.ok("PUT", "/v1/users/b1", json!({"role": "buyer", "display_name": "Bea", "email": "bea@mail.example", "phone": "+14155550101", "country": "US"})).await;
        self.ok("PUT", "/v1/users/s1", json!({"role": "seller", "display_name": "Sam's Lamps", "email": "sam@mail.example", "phone": "+14155550102", "country": "US", "locale": "en-US"})).await;
        self.ok("PUT", "/v1/listings/l1", json!({"seller_id": "s1", "title": "Brass lamp", "category": "home", "made_to_order": false, "bulky": false})).await;
        let o = self
            .ok("PUT", "/v1/orders/o1", json!({"buyer_id": "b1", "seller_id": "s1", "listing_id": "l1", "amount": {"value": "49.9", "currency": "USD"},
                "ship_to": {"name": "Bea B", "line1": "1 Main St", "city": "Dayton", "country": "US"}, "status": "paid", "delivery_date": "2026-12-01"}))
            .await;
        assert_eq!(o["amount"], json!({"value": "49.90", "currency": "USD"}));
        let c = self
            .ok(
                "POST",
                "/v1/conversations",
                json!({"buyer_id": "b1", "seller_id": "s1", "order_id": "o1"}),
            )
            .await;
        assert_eq!(c["created"], true);
        c["id"].as_str().unwrap().to_string()
    }

    async fn send(&self, conversation: &str, sender: &str, text: &str) -> (u16, Value) {
        self.call(
            "POST",
            &format!("/v1/conversations/{conversation}/messages"),
            &self.key,
            Some(json!({"sender_id": sender, "text": text})),
            None,
        )
        .await
    }
}

async fn start(db: &TestDb, env: &[(&str, &str)]) -> Api {
    let server = Server::start(&db.url, env);
    Api {
        http: reqwest::Client::new(),
        server,
        key: create_key(&db.url, "messaging"),
    }
}

const CLEAN: &str = "Thanks for your order! It ships tomorrow morning.";
const PHONE: &str = "Pickup works after 5pm, my cell is 415-555-0172";
const EMAIL: &str = "Email me at jo.harper@gmail.com and I'll send more photos";
const PAYMENT: &str = "I only take Venmo, @Kayla-Brooks-7";

async fn a_seller_is_walked_from_clean_messages_to_a_restriction_that_an_investigator_reverses_over_http(
    db: &TestDb,
) {
    let api = start(db, &[]).await;
    let investigator = create_key(&db.url, "investigator");
    let c = api.world().await;

    let (status, m) = api.send(&c, "s1", CLEAN).await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(
        (m["action"].as_str(), m["delivered_text"].as_str()),
        (Some("deliver"), Some(CLEAN))
    );
    assert_eq!(m["policy_version"], "builtin-1");
    assert_eq!(m["findings"], json!([]));

    let (_, m) = api.send(&c, "s1", PHONE).await;
    assert_eq!(m["action"], "deliver_redacted");
    assert_eq!(
        m["delivered_text"],
        "Pickup works after 5pm, my cell is [phone number removed]"
    );
    assert_eq!(m["findings"][0]["category"], "contact.phone");
    assert!(
        m["notice_to_sender"]
            .as_str()
            .unwrap()
            .contains("phone-contact request")
    );
    assert!(m.get("enforcement").is_none());

    let (_, m) = api.send(&c, "s1", EMAIL).await;
    assert_eq!(m["action"], "deliver_redacted");
    assert_eq!(m["enforcement"]["level"], "warning");
    assert!(
        m["enforcement"]["appeal"]
            .as_str()
            .unwrap()
            .contains("/v1/appeals")
    );

    let (_, m) = api.send(&c, "s1", PAYMENT).await;
    assert_eq!(
        (m["action"].as_str(), m["delivered_text"].clone()),
        (Some("block"), Value::Null)
    );
    assert_eq!(
        m["notice_to_recipient"],
        "Only pay through the marketplace: payments made elsewhere are not covered by the buyer guarantee."
    );
    let restriction = m["enforcement"].clone();
    assert_eq!(restriction["level"], "restricted");
    let until = restriction["until"].as_str().unwrap().to_string();
    let step_id = restriction["id"].as_str().unwrap().to_string();

    // Restricted: refused with the restriction's end, nothing stored.
    let (status, e) = api.send(&c, "s1", CLEAN).await;
    assert_eq!(status, 403);
    assert_eq!(e["error"]["code"], "messaging_restricted");
    assert!(
        e["error"]["message"].as_str().unwrap().contains(&until),
        "{e}"
    );

    // What each viewer sees.
    let (status, v) = api
        .call(
            "GET",
            &format!("/v1/conversations/{c}/messages?viewer=b1"),
            &api.key,
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["counterpart"]["display_name"], "Sam's Lamps");
    let text = v.to_string();
    for secret in [
        "sam@mail.example",
        "+14155550102",
        "415-555-0172",
        "jo.harper",
        "Venmo",
    ] {
        assert!(!text.contains(secret), "the buyer sees {secret}: {v}");
    }
    let texts: Vec<Value> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(texts.len(), 4);
    assert_eq!(texts[3], Value::Null);
    assert!(
        v["messages"][3]["notice"]
            .as_str()
            .unwrap()
            .starts_with("Only pay through the marketplace")
    );
    let (_, v) = api
        .call(
            "GET",
            &format!("/v1/conversations/{c}/messages?viewer=s1"),
            &api.key,
            None,
            None,
        )
        .await;
    assert_eq!(v["messages"][3]["text"], PAYMENT);
    assert_eq!(v["messages"][3]["action"], "block");
    let (status, e) = api
        .call(
            "GET",
            &format!("/v1/conversations/{c}/messages?viewer=investigator"),
            &api.key,
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (403, Some("missing_scope"))
    );
    // Originals are personal data: the investigator says who they are and why, and the view is audited.
    let (status, e) = api
        .call(
            "GET",
            &format!("/v1/conversations/{c}/messages?viewer=investigator"),
            &investigator,
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (422, Some("invalid_request"))
    );
    let (status, v) = api
        .call(
            "GET",
            &format!("/v1/conversations/{c}/messages?viewer=investigator&investigator=ana&reason=report%20review"),
            &investigator,
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["messages"][3]["original_text"], PAYMENT);
    assert_eq!(v["messages"][3]["rule"], "off-platform-payment-blocked");
    assert_eq!(
        v["messages"][3]["findings"][0]["category"],
        "payment.off_platform"
    );
    let (status, e) = api
        .call(
            "GET",
            &format!("/v1/conversations/{c}/messages?viewer=x9"),
            &api.key,
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (403, Some("not_a_participant"))
    );

    // The seller appeals; the standing shows the steps.
    let (status, a) = api
        .call(
            "POST",
            "/v1/appeals",
            &api.key,
            Some(json!({"step_id": step_id, "user_id": "s1", "text": "It is my shop's name"})),
            None,
        )
        .await;
    assert_eq!((status, a["status"].as_str()), (201, Some("open")), "{a}");
    let (_, s) = api
        .call("GET", "/v1/users/s1/standing", &api.key, None, None)
        .await;
    assert_eq!(s["status"], "restricted");
    assert_eq!(s["steps"].as_array().unwrap().len(), 2);

    // Only an investigator reverses; then the seller sends again.
    let path = format!("/v1/enforcement/{step_id}/reverse");
    let body = json!({"investigator": "ivy", "reason": "the handle is the shop's name"});
    let (status, _) = api
        .call("POST", &path, &api.key, Some(body.clone()), None)
        .await;
    assert_eq!(status, 403);
    let (status, r) = api
        .call("POST", &path, &investigator, Some(body.clone()), None)
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["reinstatement"]["level"], "reinstated");
    assert_eq!(r["reversed"]["reversed_by"], r["reinstatement"]["id"]);
    let (status, e) = api
        .call("POST", &path, &investigator, Some(body), None)
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    let (status, m) = api.send(&c, "s1", CLEAN).await;
    assert_eq!((status, m["action"].as_str()), (201, Some("deliver")));
    let (_, s) = api
        .call("GET", "/v1/users/s1/standing", &investigator, None, None)
        .await;
    assert_eq!(s["status"], "warned");

    let o = run(&db.url, &["audit", "verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
}

async fn idempotency_size_and_rate_limits_answer_with_clear_errors_over_http(db: &TestDb) {
    let api = start(db, &[]).await;
    let c = api.world().await;
    let path = format!("/v1/conversations/{c}/messages");
    let body = json!({"sender_id": "b1", "text": "Is the lamp still available?"});
    let (s1, first) = api
        .call("POST", &path, &api.key, Some(body.clone()), Some("retry-1"))
        .await;
    let (s2, again) = api
        .call("POST", &path, &api.key, Some(body), Some("retry-1"))
        .await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(first["id"], again["id"]);
    assert_eq!(
        (first["replayed"].as_bool(), again["replayed"].as_bool()),
        (Some(false), Some(true))
    );
    let (status, e) = api
        .call(
            "POST",
            &path,
            &api.key,
            Some(json!({"sender_id": "b1", "text": "something else"})),
            Some("retry-1"),
        )
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (409, Some("idempotency_key_reused"))
    );
    let (_, v) = api
        .call("GET", &format!("{path}?viewer=s1"), &api.key, None, None)
        .await;
    assert_eq!(
        v["messages"].as_array().unwrap().len(),
        1,
        "stored once: {v}"
    );

    let (status, e) = api.send(&c, "b1", &"x".repeat(2001)).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (422, Some("message_too_long"))
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the limit is 2000")
    );

    // 30 a minute per sender: the first message above counts.
    for i in 1..30 {
        let (status, e) = api.send(&c, "b1", &format!("question {i}")).await;
        assert_eq!(status, 201, "{e}");
    }
    let (status, e) = api.send(&c, "b1", "one more").await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (429, Some("sender_rate_limited")),
        "{e}"
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("30 a minute")
    );
    let (status, _) = api.send(&c, "s1", CLEAN).await;
    assert_eq!(status, 201, "the other party is not limited");
}

async fn policy_check_reports_what_a_new_policy_would_change_and_reload_applies_it(db: &TestDb) {
    let dir = tempfile_dir();
    let file = dir.join("policy.toml");
    std::fs::write(&file, policy::BUILTIN).unwrap();
    let file_s = file.to_str().unwrap().to_string();
    let api = start(db, &[("MARKETGUARD_MESSAGING__POLICY_FILE", &file_s)]).await;
    let admin = create_key(&db.url, "admin");
    let c = api.world().await;
    api.send(&c, "s1", CLEAN).await;
    api.send(&c, "s1", PHONE).await;
    api.send(&c, "b1", "Is it still available?").await;

    // A stricter policy: contact details are blocked rather than redacted.
    let strict = policy::BUILTIN
        .replace("version = \"builtin-1\"", "version = \"strict-1\"")
        .replace("action = \"deliver_redacted\"", "action = \"block\"");
    let strict_file = dir.join("strict.toml");
    std::fs::write(&strict_file, &strict).unwrap();
    let o = run(&db.url, &["policy", "check", strict_file.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("valid communication policy, version strict-1"),
        "{out}"
    );
    assert!(out.contains("active policy: version builtin-1"), "{out}");
    assert!(
        out.contains("stored messages re-decided: 3; decisions that would change: 1"),
        "{out}"
    );
    assert!(out.contains("deliver_redacted -> block: 1"), "{out}");

    let bad_file = dir.join("bad.toml");
    std::fs::write(
        &bad_file,
        strict.replace("threshold = 8.0", "threshold = 1.0"),
    )
    .unwrap();
    let o = run(&db.url, &["policy", "check", bad_file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stdout(&o).contains("INVALID") && stdout(&o).contains("thresholds must rise"),
        "{}",
        stdout(&o)
    );

    // Reload without a restart: the server's file now holds the strict policy.
    std::fs::write(&file, &strict).unwrap();
    let (status, e) = api
        .call("POST", "/v1/admin/policy/reload", &api.key, None, None)
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (403, Some("missing_scope"))
    );
    let (status, r) = api
        .call("POST", "/v1/admin/policy/reload", &admin, None, None)
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r,
        json!({"previous_version": "builtin-1", "version": "strict-1", "changed": true})
    );
    let (_, m) = api.send(&c, "s1", PHONE).await;
    assert_eq!(
        (m["action"].as_str(), m["policy_version"].as_str()),
        (Some("block"), Some("strict-1"))
    );
    // A broken file is refused and the policy in force stays.
    std::fs::write(&file, "kind = \"communication\"").unwrap();
    let (status, e) = api
        .call("POST", "/v1/admin/policy/reload", &admin, None, None)
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (422, Some("invalid_policy")),
        "{e}"
    );
    let (_, m) = api.send(&c, "b1", "what's your number?").await;
    assert_eq!(m["policy_version"], "strict-1");
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("mg-policy-{}", std::process::id()))
        .join(
            format!("{:?}", std::time::SystemTime::now())
                .replace(|c: char| !c.is_ascii_alphanumeric(), ""),
        );
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn investigators_verdicts_train_a_model_that_an_audited_command_puts_in_service(db: &TestDb) {
    let mut api = start(db, &[]).await;
    let investigator = create_key(&db.url, "investigator");
    let c = api.world().await;
    let (_, phone) = api.send(&c, "s1", PHONE).await;
    let (_, clean) = api.send(&c, "s1", CLEAN).await;
    let (phone, clean) = (phone["id"].as_str().unwrap(), clean["id"].as_str().unwrap());
    let verdict = |message: &str, kind: &str, category: &str, key: &str| {
        let body =
            json!({"investigator": "ines", "kind": kind, "category": category, "note": "checked"});
        let path = format!("/v1/messages/{message}/verdicts");
        let key = key.to_string();
        let api = &api;
        async move { api.call("POST", &path, &key, Some(body), None).await }
    };

    let (status, first) = verdict(phone, "finding_wrong", "contact.phone", &investigator).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = verdict(phone, "finding_wrong", "contact.phone", &investigator).await;
    assert_eq!(
        (status, &again["id"]),
        (200, &first["id"]),
        "the same verdict answers the first"
    );
    let (status, missed) = verdict(clean, "violation", "pressure.urgency", &investigator).await;
    assert_eq!(status, 201, "{missed}");
    for (message, kind, category, key, want, code) in [
        (
            phone,
            "violation",
            "contact.phone",
            investigator.as_str(),
            422,
            "invalid_request",
        ),
        (
            clean,
            "finding_wrong",
            "contact.email",
            investigator.as_str(),
            422,
            "invalid_request",
        ),
        (
            clean,
            "violation",
            "contact.fax",
            investigator.as_str(),
            422,
            "invalid_request",
        ),
        (
            clean,
            "praise",
            "contact.phone",
            investigator.as_str(),
            422,
            "invalid_request",
        ),
        (
            "no-such-message",
            "violation",
            "contact.phone",
            investigator.as_str(),
            404,
            "not_found",
        ),
        (
            clean,
            "violation",
            "contact.phone",
            api.key.as_str(),
            403,
            "missing_scope",
        ),
    ] {
        let (status, body) = verdict(message, kind, category, key).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (want, Some(code)),
            "{kind} {category} on {message}: {body}"
        );
    }
    let (status, list) = api
        .call("GET", "/v1/verdicts", &investigator, None, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    assert!(api.server.terminate());

    // The verdicts become examples labelled as the investigator said.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("set.jsonl");
    let lines: Vec<String> = (0..10)
        .flat_map(|i| {
            [
                format!(r#"{{"text": "is there a faster way to reach you {i}", "labels": ["contact.request"]}}"#),
                format!(r#"{{"text": "is the lamp still for sale {i}", "labels": []}}"#),
            ]
        })
        .collect();
    std::fs::write(&data, lines.join("\n")).unwrap();
    let model = dir.path().join("m.bin");
    let (data, model) = (data.to_str().unwrap(), model.to_str().unwrap());
    let o = run(
        &db.url,
        &[
            "model",
            "train",
            "--data",
            data,
            "--verdicts",
            "--out",
            model,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = stdout(&o);
    assert!(
        report.contains("2 examples from investigators' verdicts"),
        "{report}"
    );
    assert!(report.contains("on 22 examples"), "{report}");
    let version = stdout(&run(&db.url, &["model", "show", model]))
        .lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(|v| v.trim().to_string())
        .unwrap();

    // Only an explicit, audited command puts it in service; the next start uses it.
    let o = run(&db.url, &["model", "activate", model, "--actor", "ines"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains(&format!("activated {version}")),
        "{}",
        stdout(&o)
    );
    let o = run(&db.url, &["model", "activate", model, "--actor", "ines"]);
    assert!(
        stdout(&o).contains("already the active model"),
        "{}",
        stdout(&o)
    );
    let o = run(&db.url, &["audit", "verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let server = Server::start(&db.url, &[]);
    let ready: Value = reqwest::get(server.url("/readyz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["intent_model"], version.as_str(), "{ready}");
}
