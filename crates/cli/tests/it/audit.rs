//! `marketguard audit`: the keyed chain and signed checkpoints, through the binary, on both backends.

use std::io::{Read as _, Write as _};
use std::process::{Command, Output};

use sha2::{Digest as _, Sha256};
use testkit::{TestDb, on_both_backends};

use crate::support::{BIN, stdout};

on_both_backends!(
    audit_verify_fails_after_an_edit_with_every_later_sha256_recomputed,
    audit_checkpoint_is_printed_appended_and_sent_and_verify_checkpoint_catches_a_deleted_tail
);

/// 32 bytes of 0x01 in base64: the server's data key, from which the audit keys are derived.
const DATA_KEY: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

/// Runs `marketguard ARGS` on the database with the data key and extra environment.
fn run_keyed(db_url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .args(["--database-url", db_url])
        .env_remove("MARKETGUARD_CONFIG")
        .env("MARKETGUARD_SECURITY__ENCRYPTION_KEY", DATA_KEY);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn create_keys(db_url: &str, names: &[&str]) {
    for name in names {
        let o = run_keyed(
            db_url,
            &[
                "admin", "api-key", "create", "--name", name, "--scopes", "screen",
            ],
            &[],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

async fn raw(db: &TestDb) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&db.url).await.unwrap()
}

async fn audit_verify_fails_after_an_edit_with_every_later_sha256_recomputed(db: &TestDb) {
    create_keys(&db.url, &["a", "b", "c"]);
    let pool = raw(db).await;
    // The attack: edit entry 2, then recompute every SHA-256 link from it on, and the head.
    sqlx::query("UPDATE audit_events SET details = '{\"name\":\"z\"}' WHERE seq = 2")
        .execute(&pool)
        .await
        .unwrap();
    let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT seq, at, actor, action, subject, details FROM audit_events WHERE seq >= 2 ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut prev: String = sqlx::query_scalar("SELECT hash FROM audit_events WHERE seq = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    for (seq, at, actor, action, subject, details) in rows {
        let canonical = serde_json::json!([seq, at, actor, action, subject, details, prev]);
        let hash = hex::encode(Sha256::digest(canonical.to_string().as_bytes()));
        sqlx::query("UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3")
            .bind(&prev)
            .bind(&hash)
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let o = run_keyed(&db.url, &["audit", "verify"], &[]);
    assert!(!o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("BROKEN at entry 2"), "{}", stdout(&o));
}

/// A one-request HTTP listener: answers 204 and hands back the request's body.
fn webhook_listener() -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/checkpoints", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = conn.read(&mut chunk).unwrap();
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= len {
                    conn.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                        .unwrap();
                    assert!(head.starts_with("POST /checkpoints "), "{head}");
                    return body.to_string();
                }
            }
            assert!(n > 0, "the connection closed early");
        }
    });
    (url, handle)
}

async fn audit_checkpoint_is_printed_appended_and_sent_and_verify_checkpoint_catches_a_deleted_tail(
    db: &TestDb,
) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("checkpoints.jsonl");
    let file_arg = file.to_str().unwrap();
    create_keys(&db.url, &["a", "b"]);

    let (url, received) = webhook_listener();
    let o = run_keyed(
        &db.url,
        &["audit", "checkpoint", "--append", file_arg],
        &[("MARKETGUARD_AUDIT__CHECKPOINT_WEBHOOK_URL", &url)],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = stdout(&o).trim().to_string();
    let statement: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(statement["entries"], 2);
    let public_key = stdout(&run_keyed(&db.url, &["audit", "public-key"], &[]));
    assert_eq!(statement["public_key"], public_key.trim());
    assert_eq!(
        received.join().unwrap(),
        line,
        "the webhook got the statement"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), format!("{line}\n"));

    create_keys(&db.url, &["c", "d"]);
    let o = run_keyed(&db.url, &["audit", "checkpoint", "--append", file_arg], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run_keyed(&db.url, &["audit", "verify", "--checkpoint", file_arg], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("extends all 2 checkpoints"),
        "{}",
        stdout(&o)
    );

    // Delete the newest entry and rewind the head: the chain alone verifies, the second checkpoint does not.
    let pool = raw(db).await;
    sqlx::query("DELETE FROM audit_events WHERE seq = 4")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_events WHERE seq = 3) WHERE id = 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let o = run_keyed(&db.url, &["audit", "verify"], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = run_keyed(&db.url, &["audit", "verify", "--checkpoint", file_arg], &[]);
    assert!(!o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("checkpoint 2 (4 entries"),
        "{}",
        stdout(&o)
    );
}
