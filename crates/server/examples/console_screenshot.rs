//! Saves a screenshot of the console's queue from a running demo server, for the README:
//!
//! ```text
//! marketguard serve --demo --database-url sqlite://./demo.db &
//! cargo run -p server --example console_screenshot -- http://127.0.0.1:8080 docs/console-queue.png
//! ```
//!
//! Signs in as the demo investigator (its password and TOTP secret are fixed: `server::demo`) in headless
//! Chromium, opens the queue and writes a PNG.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

#[path = "../tests/it/browser.rs"]
#[allow(dead_code)]
mod browser;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let out = args
        .next()
        .unwrap_or_else(|| "docs/console-queue.png".into());
    let page = args.next().unwrap_or_else(|| "/console".into());
    let b = browser::Browser::start().await;
    b.sign_in(
        &base,
        server::demo::USERNAME,
        server::demo::PASSWORD,
        server::demo::TOTP_SECRET,
    )
    .await;
    assert!(
        !b.path().await.starts_with("/console/login"),
        "the demo login was refused: is {base} a `marketguard serve --demo` server?"
    );
    b.goto(&format!("{base}{page}")).await;
    let png = b.client.screenshot().await.unwrap();
    std::fs::write(&out, &png).unwrap();
    println!("wrote {out} ({} bytes) of {base}{page}", png.len());
    b.stop().await;
}
