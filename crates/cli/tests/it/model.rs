//! `marketguard model train | show | compare`, and a trained model used by `scan` through the configuration.

use std::process::{Command, Output};

use crate::support::{BIN, stdout};

fn marketguard(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env_remove("MARKETGUARD_CONFIG")
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs")
}

/// A small labelled set: each idea in a few wordings, so the model has something to learn.
fn write_training(dir: &std::path::Path) {
    let mut lines = Vec::new();
    let asks = [
        "can we continue this on the green app",
        "is there a better way to reach you than this chat",
        "this chat is slow, where else can we talk",
        "do you have the app with the ghost",
        "let's take this conversation somewhere else",
    ];
    let clean = [
        "is the lamp still available",
        "what size is the jacket",
        "I'll pay at checkout tonight",
        "thanks, it arrived in great shape",
        "can you ship it on monday",
    ];
    for round in 0..8 {
        for t in asks {
            lines.push(format!(
                r#"{{"text": "{t} {round}", "labels": ["contact.request"]}}"#
            ));
        }
        for t in clean {
            lines.push(format!(r#"{{"text": "{t} {round}", "labels": []}}"#));
        }
    }
    std::fs::create_dir_all(dir.join("training")).unwrap();
    std::fs::write(dir.join("training/set.jsonl"), lines.join("\n")).unwrap();
}

#[test]
fn a_model_is_trained_reproducibly_shown_compared_and_used_by_scan() {
    let dir = tempfile::tempdir().unwrap();
    write_training(dir.path());
    let train = |out: &str| {
        let o = marketguard(dir.path(), &["model", "train", "--out", out], &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    let report = train("a.bin");
    assert!(report.contains("on 80 examples from 1 files"), "{report}");
    assert!(report.contains("contact.request"), "{report}");
    train("b.bin");
    let a = std::fs::read(dir.path().join("a.bin")).unwrap();
    assert_eq!(
        a,
        std::fs::read(dir.path().join("b.bin")).unwrap(),
        "same data, same file"
    );

    let show = stdout(&marketguard(dir.path(), &["model", "show", "a.bin"], &[]));
    let version = show
        .lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(str::trim)
        .unwrap()
        .to_string();
    assert!(version.starts_with("intent-"), "{show}");

    let compare = marketguard(
        dir.path(),
        &["model", "compare", "a.bin", "--on", "training/set.jsonl"],
        &[],
    );
    assert!(
        compare.status.success(),
        "{}",
        String::from_utf8_lossy(&compare.stderr)
    );
    let compare = stdout(&compare);
    assert!(
        compare.contains(&format!("candidate: {version}")),
        "{compare}"
    );
    assert!(compare.contains("contact.request"), "{compare}");

    // The configured model is the one `scan` screens with: its findings name its version.
    let o = marketguard(
        dir.path(),
        &[
            "scan",
            "--text",
            "is there a better way to reach you than this chat",
        ],
        &[("MARKETGUARD_SCREENING__INTENT__MODEL_FILE", "a.bin")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(
        out.contains("intent.contact.request") && out.contains(&version),
        "{out}"
    );
}

#[test]
fn a_damaged_or_missing_model_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.bin"), b"MGIM\x01\x00\x00\x00garbage").unwrap();
    for (file, says) in [("bad.bin", "damaged"), ("missing.bin", "could not read")] {
        let o = marketguard(
            dir.path(),
            &["scan", "--text", "hi"],
            &[("MARKETGUARD_SCREENING__INTENT__MODEL_FILE", file)],
        );
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(file) && err.contains(says), "{err}");
    }
    let o = marketguard(dir.path(), &["model", "train", "--data", "nowhere"], &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("nowhere"));
}
