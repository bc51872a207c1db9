#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::Config;

/// `Config::validate` reads every policy file the configuration names, so `marketguard config` refuses a bad one
/// instead of `serve` failing at start.
#[test]
fn every_policy_file_is_validated() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "this is = = not a policy").unwrap();
    let missing = dir.path().join("missing.toml");

    let check =
        |set: &dyn Fn(&mut Config, std::path::PathBuf), file: &std::path::Path, key: &str| {
            let mut config = Config::default();
            set(&mut config, file.to_path_buf());
            let err = config.validate().unwrap_err().to_string();
            assert!(err.contains(key), "{key}: {err}");
            assert!(err.contains(&file.display().to_string()), "{key}: {err}");
        };
    let messaging = |c: &mut Config, f| c.messaging.policy_file = Some(f);
    let contact = |c: &mut Config, f| c.contact.policy_file = Some(f);
    let cases = |c: &mut Config, f| c.cases.policy_file = Some(f);
    for file in [&bad, &missing] {
        check(&messaging, file, "messaging.policy_file");
        check(&contact, file, "contact.policy_file");
        check(&cases, file, "cases.policy_file");
    }
    Config::default().validate().unwrap();
}

/// A text of `screening.limits.max_text_bytes` must fit in a body: a body limit that is not larger is refused.
#[test]
fn the_body_limit_must_be_larger_than_the_longest_text() {
    let check = |body: usize, text: usize| {
        let mut config = Config::default();
        config.http.body_limit_bytes = body;
        config.screening.limits.max_text_bytes = text;
        config.validate().map_err(|e| e.to_string())
    };
    let defaults = Config::default();
    assert!(defaults.http.body_limit_bytes >= 2 * defaults.screening.limits.max_text_bytes);
    assert!(
        check(65536, 65536)
            .unwrap_err()
            .contains("http.body_limit_bytes")
    );
    assert!(check(65536, 65537).is_err());
    check(65537, 65536).unwrap();
}
