use std::path::{Path, PathBuf};

use secrecy::ExposeSecret as _;

use super::{DataKeySource, KeyFileError, ensure_data_key, key_file_path, read_or_create};
use crate::Config;

#[test]
fn the_key_file_sits_beside_a_sqlite_database() {
    let check = |url: &str, expected: Option<&str>| {
        assert_eq!(key_file_path(url), expected.map(PathBuf::from), "{url}");
    };
    check("sqlite://./marketguard.db", Some("./marketguard.key"));
    check(
        "sqlite:///var/lib/mg/data.db?mode=rwc",
        Some("/var/lib/mg/data.key"),
    );
    check("sqlite:data", Some("data.key"));
    check("sqlite::memory:", None);
    check("postgres://postgres@127.0.0.1:5432/test", None);
}

fn sqlite_config(dir: &Path) -> Config {
    Config {
        database_url: format!("sqlite://{}", dir.join("marketguard.db").display()),
        ..Default::default()
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_first_start_on_sqlite_makes_a_private_key_file_and_later_starts_reuse_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marketguard.key");
    let mut first = sqlite_config(dir.path());
    assert_eq!(
        ensure_data_key(&mut first, true).unwrap(),
        DataKeySource::Created(path.clone())
    );
    assert!(first.security.data_key().is_some());
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let mut again = sqlite_config(dir.path());
    assert_eq!(
        ensure_data_key(&mut again, false).unwrap(),
        DataKeySource::Read(path)
    );
    assert_eq!(
        first.security.encryption_key.unwrap().0.expose_secret(),
        again.security.encryption_key.unwrap().0.expose_secret()
    );
}

#[test]
fn a_configured_key_wins_and_postgresql_has_no_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut configured = sqlite_config(dir.path());
    configured.security.encryption_key = Some(crate::security::config::ConfigSecret::new(
        security::DataKey::generate_base64(),
    ));
    assert_eq!(
        ensure_data_key(&mut configured, true).unwrap(),
        DataKeySource::Configured
    );
    assert!(!dir.path().join("marketguard.key").exists());
    let mut read_only = sqlite_config(dir.path());
    assert_eq!(
        ensure_data_key(&mut read_only, false).unwrap(),
        DataKeySource::Missing
    );
    assert!(!dir.path().join("marketguard.key").exists());
    let mut postgres = Config {
        database_url: "postgres://postgres@127.0.0.1:5432/test".into(),
        ..Default::default()
    };
    assert_eq!(
        ensure_data_key(&mut postgres, true).unwrap(),
        DataKeySource::Missing
    );
    assert!(postgres.security.encryption_key.is_none());
}

#[cfg(unix)]
#[test]
fn a_key_file_others_may_read_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marketguard.key");
    read_or_create(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = read_or_create(&path).unwrap_err();
    assert!(
        matches!(e, KeyFileError::TooOpen { mode: 0o644, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("chmod 600"), "{e}");
}

#[test]
fn a_key_file_without_a_32_byte_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for content in ["c2hvcnQ=\n", "not base64 at all\n", ""] {
        let path = dir.path().join("marketguard.key");
        let _ = std::fs::remove_file(&path);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        std::io::Write::write_all(&mut options.open(&path).unwrap(), content.as_bytes()).unwrap();
        let e = read_or_create(&path).unwrap_err();
        assert!(
            matches!(e, KeyFileError::Invalid { .. }),
            "{content:?}: {e}"
        );
        assert!(e.to_string().contains("32 random bytes in base64"), "{e}");
    }
}
