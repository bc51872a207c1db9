//! The data key (`security.encryption_key`) on a fresh `serve`: on SQLite a key file beside the database, made on
//! first start and read afterwards; on PostgreSQL a warning naming the setting.

use std::path::{Path, PathBuf};
use std::process::Command;

use testkit::{TestDb, on_both_backends};

use crate::support::{BIN, Server, create_console_account, exits_soon};

on_both_backends!(a_fresh_server_keeps_a_data_key_beside_sqlite_or_warns_on_postgresql);

/// `serve` on the database without a configured key, until it listens; answers what it said on standard error.
fn start_and_stop(db_url: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr.txt");
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--database-url", db_url])
        .env_remove("MARKETGUARD_SECURITY__ENCRYPTION_KEY")
        .stderr(std::fs::File::create(&log).unwrap());
    drop(Server::spawn(cmd));
    std::fs::read_to_string(&log).unwrap()
}

/// The key file beside a test database `sqlite://DIR/marketguard.db`.
fn key_file(db_url: &str) -> Option<PathBuf> {
    let db = db_url.strip_prefix("sqlite://")?;
    Some(Path::new(db).with_file_name("marketguard.key"))
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

async fn a_fresh_server_keeps_a_data_key_beside_sqlite_or_warns_on_postgresql(db: &TestDb) {
    let said = start_and_stop(&db.url);
    let Some(path) = key_file(&db.url) else {
        assert!(
            said.contains("warning: security.encryption_key is not set"),
            "{said}"
        );
        return;
    };
    assert!(
        said.contains(&format!(
            "Generated the data key (security.encryption_key) in {}",
            path.display()
        )),
        "{said}"
    );
    assert_eq!(mode(&path), 0o600);
    let key = std::fs::read_to_string(&path).unwrap();
    assert_eq!(key.trim().len(), 44, "32 bytes in base64");
    assert!(
        !said.contains(key.trim()),
        "the key itself is never printed"
    );

    // Later starts read the same key; the admin commands find it too.
    let said = start_and_stop(&db.url);
    assert!(
        said.contains(&format!(
            "Data key (security.encryption_key): {}",
            path.display()
        )),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), key);
    let o = create_console_account(&db.url, "ada", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // A key file others may read, or one without a key, stops the server with the reason.
    let refused = |expected: &str| {
        let mut cmd = Command::new(BIN);
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &db.url,
        ])
        .env_remove("MARKETGUARD_SECURITY__ENCRYPTION_KEY");
        let o = exits_soon(cmd);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!o.status.success() && err.contains(expected), "{err}");
    };
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    refused("chmod 600");
    std::fs::remove_file(&path).unwrap();
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, b"c2hvcnQ=\n").unwrap();
    }
    refused("does not hold a data key");
}
