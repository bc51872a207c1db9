//! `marketguard bench-messaging` measures on a database of its own: the configured one is left as it was.

use std::process::{Command, Output};

use testkit::{TestDb, on_both_backends};

use crate::support::{BIN, run, stdout};

on_both_backends!(
    the_benchmark_leaves_the_configured_database_alone,
    the_benchmark_writes_to_the_database_it_is_given
);

/// A short benchmark run with `MARKETGUARD_DATABASE_URL` set to the configured database, plus `extra` flags.
fn bench(configured: &str, extra: &[&str]) -> Output {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/messages.jsonl");
    let o = Command::new(BIN)
        .args(["bench-messaging", "--seconds", "1", "--concurrency", "1"])
        .args(["--conversations", "2", "--corpus", corpus])
        .args(extra)
        .env_remove("MARKETGUARD_CONFIG")
        .env("MARKETGUARD_DATABASE_URL", configured)
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

fn api_keys(db: &TestDb) -> String {
    stdout(&run(&db.url, &["admin", "api-key", "list"]))
}

async fn the_benchmark_leaves_the_configured_database_alone(db: &TestDb) {
    let o = bench(&db.url, &[]);
    assert!(
        stdout(&o).contains("database: a temporary SQLite database"),
        "{}",
        stdout(&o)
    );
    assert!(api_keys(db).starts_with("no API keys"), "{}", api_keys(db));
}

async fn the_benchmark_writes_to_the_database_it_is_given(db: &TestDb) {
    let elsewhere = TestDb::sqlite();
    bench(&elsewhere.url, &["--database", &db.url]);
    assert!(api_keys(db).contains("bench-messaging"), "{}", api_keys(db));
    assert!(api_keys(&elsewhere).starts_with("no API keys"));
}
