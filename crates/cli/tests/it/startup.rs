//! What `marketguard` says when it cannot start: each cause once, at once.

use std::process::Command;
use std::time::{Duration, Instant};

use testkit::{TestDb, on_both_backends};

use crate::support::{BIN, Server, exits_soon};

on_both_backends!(a_database_that_cannot_be_opened_is_named_with_its_cause_once);

/// Runs `marketguard ARGS`, which must fail; answers its standard error.
fn fails(args: &[&str]) -> String {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    let o = exits_soon(cmd);
    assert!(!o.status.success());
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_said_once(said: &str, cause: &str) {
    assert_eq!(said.matches(cause).count(), 1, "{cause:?} in: {said}");
}

async fn a_database_that_cannot_be_opened_is_named_with_its_cause_once(db: &TestDb) {
    let (url, cause) = match db.url.strip_prefix("postgres://") {
        Some(rest) => {
            // The same server, a database that does not exist.
            let server = rest.split('/').next().unwrap();
            (
                format!("postgres://{server}/mg_no_such_database"),
                "database \"mg_no_such_database\" does not exist",
            )
        }
        None => (
            "sqlite:///nonexistent-folder/marketguard.db".to_string(),
            "unable to open database file",
        ),
    };
    let said = fails(&["migrate", "--database-url", &url]);
    assert_said_once(&said, cause);
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_port_in_use_is_named_with_its_cause_once() {
    let db = TestDb::sqlite();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = taken.local_addr().unwrap().to_string();
    let said = fails(&["serve", "--listen", &listen, "--database-url", &db.url]);
    assert!(
        said.contains(&format!("could not listen on {listen}")),
        "{said}"
    );
    assert_said_once(&said, "Address already in use");
}

#[test]
fn a_closed_postgresql_port_is_refused_at_once() {
    let url = format!("postgres://postgres@127.0.0.1:{}/test", free_port());
    let started = Instant::now();
    let said = fails(&["migrate", "--database-url", &url]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}: {said}",
        started.elapsed()
    );
    assert_said_once(&said, "Connection refused");
}

#[test]
fn listen_takes_a_host_name() {
    let db = TestDb::sqlite();
    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--listen",
        "localhost:0",
        "--database-url",
        &db.url,
    ]);
    let server = Server::spawn(cmd);
    let port = server.base.rsplit(':').next().unwrap().to_string();
    assert!(
        std::net::TcpStream::connect(format!("localhost:{port}")).is_ok(),
        "{}",
        server.base
    );
}

#[test]
fn flags_are_offered_only_to_the_commands_they_mean_something_to() {
    let marketguard = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env_remove("MARKETGUARD_CONFIG")
            .output()
            .unwrap()
    };
    for args in [
        &["scan", "--listen", "127.0.0.1:8081"][..],
        &["scan", "--database-url", "sqlite://./x.db"],
        &[
            "eval",
            "corpus/messages.jsonl",
            "--listen",
            "127.0.0.1:8081",
        ],
        &["migrate", "--listen", "127.0.0.1:8081"],
    ] {
        let o = marketguard(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.code() == Some(2) && err.contains("unexpected argument"),
            "{args:?}: {err}"
        );
    }
    let help = String::from_utf8_lossy(&marketguard(&["scan", "--help"]).stdout).into_owned();
    assert!(
        !help.contains("--listen") && !help.contains("--database-url"),
        "{help}"
    );
    // Where they mean something, they work as the README shows them.
    let o = marketguard(&[
        "config",
        "--listen",
        "localhost:9000",
        "--database-url",
        "sqlite://./x.db",
    ]);
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && shown.contains("9000") && shown.contains("sqlite://./x.db"),
        "{shown}{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
