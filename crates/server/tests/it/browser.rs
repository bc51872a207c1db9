//! Support for the browser tests: the real server on a free port, chromedriver on another, and a headless
//! Chromium session driven over WebDriver (fantoccini). Without chromedriver the tests FAIL and say how to
//! install it: they never skip.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use server::security::config::ConfigSecret;
use server::{AppState, Config};
use store::Store;

/// A running app: its base URL and state (the store, to check what the console did).
pub struct LiveApp {
    pub base: String,
    pub state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LiveApp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The configuration the console tests use: plain HTTP cookies, a data key for TOTP, cheap password hashing.
pub fn console_config(db: &testkit::TestDb) -> Config {
    let mut config = Config {
        database_url: db.url.clone(),
        ..Default::default()
    };
    config.console.secure_cookie = false;
    config.security.encryption_key = Some(ConfigSecret::new(security::DataKey::generate_base64()));
    server::demo::configure(&mut config);
    config.security.argon2 = security::Argon2Params {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };
    config
}

/// Starts the whole app on 127.0.0.1 port 0 with a fresh database, seeded with the demo marketplace.
pub async fn live_demo_app(db: &testkit::TestDb) -> (LiveApp, server::demo::DemoLogin) {
    let config = console_config(db);
    let store = Store::open_and_migrate(&db.url).await.unwrap();
    let state = AppState::new(config, store).unwrap();
    let login = server::demo::seed(&state).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = server::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (
        LiveApp {
            base: format!("http://{addr}"),
            state,
            task,
        },
        login,
    )
}

/// chromedriver and one headless Chromium session.
pub struct Browser {
    pub client: Client,
    driver: tokio::process::Child,
}

fn find_on_path(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

impl Browser {
    pub async fn start() -> Browser {
        let driver_path = std::env::var_os("CHROMEDRIVER")
            .map(std::path::PathBuf::from)
            .or_else(|| find_on_path("chromedriver"))
            .unwrap_or_else(|| {
                panic!(
                    "chromedriver was not found on PATH (or in $CHROMEDRIVER): the console's browser tests need it. \
                     Install it with `apt-get install -y chromium chromium-driver` (.ci/run does)."
                )
            });
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = tokio::process::Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", driver_path.display()));
        let url = format!("http://127.0.0.1:{port}");
        let mut ready = false;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            ready,
            "chromedriver did not listen on port {port} within 10 s"
        );
        let mut chrome = serde_json::json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,900", "--lang=en-US"]
        });
        if let Some(bin) = std::env::var_os("CHROMIUM")
            .map(std::path::PathBuf::from)
            .or_else(|| find_on_path("chromium"))
        {
            chrome["binary"] = serde_json::Value::String(bin.display().to_string());
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), chrome);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&url)
            .await
            .unwrap_or_else(|e| {
                panic!("chromedriver at {url} did not start a Chromium session: {e}")
            });
        Browser { client, driver }
    }

    /// Ends the Chromium session and chromedriver.
    pub async fn stop(self) {
        let _ = self.client.close().await;
        let mut driver = self.driver;
        let _ = driver.kill().await;
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    pub async fn path(&self) -> String {
        let u = self.client.current_url().await.unwrap();
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        }
    }

    /// The visible text of the first element matching `css` (found again if htmx replaced it meanwhile).
    pub async fn text(&self, css: &str) -> String {
        let mut last_error = String::new();
        for _ in 0..50 {
            let found = self
                .client
                .wait()
                .at_most(Duration::from_secs(5))
                .for_element(Locator::Css(css))
                .await;
            match found {
                Ok(el) => match el.text().await {
                    Ok(t) => return t,
                    Err(e) => last_error = e.to_string(),
                },
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no element `{css}` on {}: {last_error}", self.path().await)
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let el = self.client.find(Locator::Css(css)).await.unwrap();
        el.clear().await.unwrap();
        el.send_keys(value).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}` to click: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Clicks something that loads a new page (a link, a form's submit button) and waits until the new page has
    /// loaded: the old document is marked first, so even a reload of the same address is seen.
    pub async fn click_nav(&self, css: &str) {
        self.client
            .execute("window.__mgOldPage = true; return true;", vec![])
            .await
            .unwrap();
        self.click(css).await;
        self.wait_for_new_page().await;
    }

    async fn wait_for_new_page(&self) {
        for _ in 0..100 {
            let loaded = self
                .client
                .execute(
                    "return window.__mgOldPage === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if loaded {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no new page loaded within 5 s (still on {})",
            self.path().await
        );
    }

    /// The page's whole text.
    pub async fn body(&self) -> String {
        self.text("body").await
    }

    /// Waits until the body's text contains `needle` (htmx swaps land asynchronously).
    pub async fn wait_for_text(&self, needle: &str) -> String {
        let mut last = String::new();
        for _ in 0..50 {
            last = self.body().await;
            if last.contains(needle) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "`{needle}` did not appear on {}; the page says:\n{last}",
            self.path().await
        );
    }

    /// Signs in through the login form with the TOTP code of the current time step.
    pub async fn sign_in(&self, base: &str, username: &str, password: &str, secret: &[u8]) {
        self.goto(&format!("{base}/console/login")).await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        let code = security::totp::code_at_step(
            secret,
            security::totp::step_at(time::OffsetDateTime::now_utc()),
        )
        .unwrap();
        self.fill("#totp", &code).await;
        self.click_nav("form button[type=submit]").await;
    }
}

/// Keeps the browser alive across an async test body and always shuts it down, then re-raises a failure.
pub async fn with_browser<F, Fut>(f: F)
where
    F: FnOnce(Arc<Browser>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let browser = Arc::new(Browser::start().await);
    let outcome = tokio::spawn(f(browser.clone())).await;
    if let Ok(b) = Arc::try_unwrap(browser) {
        b.stop().await;
    }
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
