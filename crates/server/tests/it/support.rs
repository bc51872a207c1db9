use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use server::{AppState, Config};
use store::{Scope, Store};
use tower::ServiceExt as _;

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub _db: testkit::TestDb,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: serde_json::Value,
}

impl Reply {
    /// The stable error code of an error reply.
    pub fn code(&self) -> &str {
        self.json["error"]["code"]
            .as_str()
            .unwrap_or("<no error code>")
    }
}

/// Sends one request to the router and reads its answer.
pub async fn send(router: &Router, req: Request<Body>) -> Reply {
    let res = router.clone().oneshot(req).await.unwrap();

    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Reply {
        status,
        headers,
        json,
    }
}

pub async fn app_with(config: Config) -> TestApp {
    let db = testkit::TestDb::sqlite();
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    let state = AppState::new(config, store.clone()).unwrap();
    // The state's store holds the audit keys (from the configured data key); audited writes go through it.
    let store = state.store.clone();
    TestApp {
        router: server::app(state),
        store,
        _db: db,
    }
}

pub async fn app() -> TestApp {
    app_with(Config::default()).await
}

impl TestApp {
    pub async fn key(&self, scopes: &[Scope]) -> String {
        self.store
            .create_api_key("test", scopes, "test", time::OffsetDateTime::now_utc())
            .await
            .unwrap()
            .secret
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        send(&self.router, req).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// POST with an optional key, a content type and a raw body.
    pub async fn post_raw(
        &self,
        path: &str,
        key: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut req = Request::post(path);
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn post_json(&self, path: &str, key: Option<&str>, body: serde_json::Value) -> Reply {
        self.post_raw(
            path,
            key,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }
}

impl TestApp {
    /// Any method, with an optional key and JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        let body = match body {
            Some(b) => {
                req = req.header("content-type", "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }
}
