use testkit::{TestDb, on_both_backends};

use crate::support::{BIN, run, stdout};

on_both_backends!(
    the_key_is_alone_on_the_last_line_and_listed_without_its_secret,
    audit_verify_fails_and_names_the_entry_after_a_row_is_edited_by_hand,
    migrate_reports_the_schema_version,
    console_accounts_are_created_with_a_second_factor
);

async fn the_key_is_alone_on_the_last_line_and_listed_without_its_secret(db: &TestDb) {
    let o = run(
        &db.url,
        &[
            "admin",
            "api-key",
            "create",
            "--name",
            "shop backend",
            "--scopes",
            "screen,messaging",
        ],
    );
    assert!(o.status.success());
    let out = stdout(&o);
    let key = out.lines().last().unwrap();
    assert!(key.starts_with("mgk_") && !key.contains(' '), "{out}");
    let list = stdout(&run(&db.url, &["admin", "api-key", "list"]));
    assert!(
        list.contains("shop backend") && list.contains("screen,messaging") && !list.contains(key),
        "{list}"
    );
    let o = run(
        &db.url,
        &[
            "admin",
            "api-key",
            "create",
            "--name",
            "x",
            "--scopes",
            "screen,teleport",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("teleport"));
}

async fn audit_verify_fails_and_names_the_entry_after_a_row_is_edited_by_hand(db: &TestDb) {
    for name in ["a", "b", "c"] {
        assert!(
            run(
                &db.url,
                &[
                    "admin", "api-key", "create", "--name", name, "--scopes", "screen"
                ]
            )
            .status
            .success()
        );
    }
    let o = run(&db.url, &["audit", "verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    sqlx::query("UPDATE audit_events SET details = '{\"name\":\"z\"}' WHERE seq = 2")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let o = run(&db.url, &["audit", "verify"]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("entry 2"), "{}", stdout(&o));
}

async fn migrate_reports_the_schema_version(db: &TestDb) {
    let o = run(&db.url, &["migrate"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("schema version 7"), "{}", stdout(&o));
}

#[test]
fn config_layers_file_then_environment_then_flags_and_hides_the_password() {
    let dir = tempfile_dir();
    let file = dir.join("mg.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9000\"\n[rate_limit]\nper_minute = 50\n",
    )
    .unwrap();
    let out = std::process::Command::new(BIN)
        .args([
            "config",
            "--config",
            file.to_str().unwrap(),
            "--database-url",
            "postgres://bob:hunter2@db/mg",
        ])
        .env("MARKETGUARD_RATE_LIMIT__BURST", "7")
        .env("MARKETGUARD_LISTEN", "127.0.0.1:9001")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("listen = \"127.0.0.1:9001\""), "{text}");
    assert!(
        text.contains("per_minute = 50") && text.contains("burst = 7"),
        "{text}"
    );
    assert!(
        text.contains("postgres://bob:***@db/mg") && !text.contains("hunter2"),
        "{text}"
    );

    std::fs::write(&file, "lisen = \"127.0.0.1:9000\"\n").unwrap();
    let out = std::process::Command::new(BIN)
        .args(["config", "--config", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("lisen"));
}

#[test]
fn scan_writes_one_line_per_input_line_and_fails_at_the_end_on_bad_lines() {
    use std::io::Write as _;
    let mut child = std::process::Command::new(BIN)
        .arg("scan")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\": \"m1\", \"text\": \"call me at 415 555 0172\", \"region\": \"US\", \"extra\": 1}\nnot json\n{\"id\": 3}\n{\"id\": \"m4\", \"text\": \"Is it still available?\"}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], "m1");
    assert_eq!(lines[0]["categories"], serde_json::json!(["contact.phone"]));
    assert!(lines[1]["error"].is_string());
    assert_eq!(
        (lines[2]["id"].as_i64(), lines[2]["error"].is_string()),
        (Some(3), true)
    );
    assert_eq!(
        (
            lines[3]["id"].as_str(),
            lines[3]["categories"].as_array().map(Vec::len)
        ),
        (Some("m4"), Some(0))
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("mg-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn console_accounts_are_created_with_a_second_factor(db: &TestDb) {
    use std::io::Write as _;
    let create = |key: Option<&str>, password: &str| {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args([
            "admin",
            "console-account",
            "create",
            "--username",
            "ivy",
            "--role",
            "admin",
            "--password-stdin",
            "--database-url",
            &db.url,
        ])
        .env_remove("MARKETGUARD_CONFIG")
        .env_remove("MARKETGUARD_SECURITY__ENCRYPTION_KEY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        if let Some(k) = key {
            cmd.env("MARKETGUARD_SECURITY__ENCRYPTION_KEY", k);
        }
        let mut child = cmd.spawn().unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    // Without a data key the second factor cannot be stored: refused before anything is created.
    let o = create(None, "Violet-Compass-Meadow-274");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("encryption_key"));
    let key = "bWFya2V0Z3VhcmQtdGVzdC1rZXktMzItYnl0ZXMtISE=";
    // A weak password is refused with the policy's reason.
    let o = create(Some(key), "password");
    assert!(!o.status.success());
    let o = create(Some(key), "Violet-Compass-Meadow-274");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(out.contains("Created console account ivy (admin"), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("otpauth://totp/")),
        "{out}"
    );
    let list = stdout(&run(&db.url, &["admin", "console-account", "list"]));
    assert!(
        list.contains("ivy") && list.contains("admin") && list.contains("second factor on"),
        "{list}"
    );
    assert!(!list.contains("Violet"), "{list}");
}
