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
