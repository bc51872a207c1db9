//! Server time per console page on a running demo server, read from the `Server-Timing` header:
//!
//! ```text
//! marketguard serve --demo --database-url sqlite://./demo.db &
//! cargo run -p server --example console_timing -- http://127.0.0.1:8080 50
//! ```
//!
//! Signs in as the demo admin through the login form (fixed password and TOTP secret: `server::demo`), then
//! requests each page N times and prints the server time (p50, max) and the time the client saw (p50) per page.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let n: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(50);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // The login form's own CSRF cookie, then the login.
    let form = client
        .get(format!("{base}/console/login"))
        .send()
        .await
        .unwrap();
    let login_cookie = form
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = login_cookie.split_once('=').unwrap().1.to_string();
    let code = security::totp::code_at_step(
        server::demo::TOTP_SECRET,
        security::totp::step_at(time::OffsetDateTime::now_utc()),
    )
    .unwrap();
    let res = client
        .post(format!("{base}/console/login"))
        .header("cookie", &login_cookie)
        .form(&[
            ("_login", token.as_str()),
            ("username", server::demo::ADMIN_USERNAME),
            ("password", server::demo::PASSWORD),
            ("totp", code.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("mg_console="))
        .unwrap_or_else(|| {
            panic!(
                "the demo admin could not sign in ({}); wait 30 s for a new TOTP step",
                res.status()
            )
        })
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // A case and a conversation from the queue, to time their pages too.
    let queue = client
        .get(format!("{base}/console/queue"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let link = |html: &str, prefix: &str| {
        html.find(&format!("href=\"{prefix}"))
            .map(|at| {
                let rest = &html[at + 6..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .unwrap_or_else(|| panic!("no {prefix} link"))
    };
    let case = link(&queue, "/console/cases/");
    let case_html = client
        .get(format!("{base}{case}"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let conversation = link(&case_html, "/console/conversations/");
    let pages = [
        case.as_str(),
        conversation.as_str(),
        "/console",
        "/console/queue",
        "/console/overview",
        "/console/audit",
        "/console/search?q=o-1003",
        "/console/users/s-techdeals",
        "/console/users/b-quickbuy",
        "/console/admin",
    ];
    println!(
        "{:<58} {:>10} {:>10} {:>12} {:>6}",
        "page", "server p50", "server max", "client p50", "status"
    );
    for page in pages {
        let mut times = Vec::with_capacity(n);
        let mut client_times = Vec::with_capacity(n);
        let mut status = 0;
        for _ in 0..n {
            let started = std::time::Instant::now();
            let r = client
                .get(format!("{base}{page}"))
                .header("cookie", &session)
                .send()
                .await
                .unwrap();
            status = r.status().as_u16();
            let t: f64 = r
                .headers()
                .get("server-timing")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("app;dur="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN);
            let _ = r.bytes().await;
            client_times.push(started.elapsed().as_secs_f64() * 1000.0);
            times.push(t);
        }
        times.sort_by(f64::total_cmp);
        client_times.sort_by(f64::total_cmp);
        println!(
            "{:<58} {:>10.2} {:>10.2} {:>12.2} {:>6}",
            page,
            times[times.len() / 2],
            times[times.len() - 1],
            client_times[client_times.len() / 2],
            status
        );
    }
}
