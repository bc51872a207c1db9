//! `serve --demo` keeps its data in a database of its own and refuses one holding anything else.

use std::process::Command;

use testkit::{TestDb, on_both_backends};

use crate::support::{BIN, Server, create_console_account, exits_soon, run, stdout};

on_both_backends!(
    the_demo_uses_its_own_database_not_the_configured_one,
    the_demo_refuses_a_database_with_real_accounts
);

fn console_accounts(db_url: &str) -> String {
    stdout(&run(db_url, &["admin", "console-account", "list"]))
}

async fn the_demo_uses_its_own_database_not_the_configured_one(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("MARKETGUARD_DATABASE_URL", &db.url)
        .current_dir(dir.path());
    let server = Server::spawn(cmd);
    let demo_db = format!(
        "sqlite://{}",
        dir.path().join("marketguard-demo.db").display()
    );
    assert!(console_accounts(&demo_db).contains("demo-admin"));
    drop(server);
    assert_eq!(console_accounts(&db.url), "");
}

async fn the_demo_refuses_a_database_with_real_accounts(db: &TestDb) {
    let key = (
        "MARKETGUARD_SECURITY__ENCRYPTION_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    );
    let o = create_console_account(&db.url, "ada", &[key]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut demo = Command::new(BIN);
    demo.args([
        "serve",
        "--demo",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &db.url,
    ]);
    let o = exits_soon(demo);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not_a_demo_database") && err.contains("the console account `ada`"),
        "{err}"
    );
    let accounts = console_accounts(&db.url);
    assert!(
        accounts.contains("ada") && !accounts.contains("demo"),
        "{accounts}"
    );
}
