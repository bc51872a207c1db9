#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests may fail loudly.

use super::concepts::{ConceptError, Concepts};
use super::features::{self, Word};
use super::train::{Example, Params, train};
use super::{BUILT_IN_CONCEPTS, IntentModel, ModelError};
use crate::{Category, Config, Screener};

fn words_of(text: &str) -> Vec<&str> {
    let mut w: Vec<Word> = Vec::new();
    features::words(text, &mut w);
    w.iter()
        .map(|w| &text[w.start as usize..w.end as usize])
        .collect()
}

#[test]
fn words_are_letter_and_digit_runs_and_single_symbols() {
    assert_eq!(
        words_of("add me on snap 👻 jdoe22!"),
        ["add", "me", "on", "snap", "👻", "jdoe22"]
    );
    assert_eq!(words_of("  "), Vec::<&str>::new());
    assert_eq!(words_of("o'clock,ok"), ["o", "clock", "ok"]);
}

#[test]
fn numbers_are_read_by_shape() {
    assert_eq!(
        features::word_key("4155550172"),
        features::word_key("2125550147")
    );
    assert_eq!(features::word_key("24h"), features::word_key("48h"));
    assert_ne!(features::word_key("24h"), features::word_key("24m"));
    assert_ne!(features::word_key("12345"), features::word_key("1234567"));
}

#[test]
fn the_built_in_concepts_load_and_match_stems_words_and_phrases() {
    let c = Concepts::parse(BUILT_IN_CONCEPTS).unwrap();
    let concept = |text: &str, name: &str| {
        let mut w = Vec::new();
        let mut found = 0u64;
        let bits = features::extract(text, &c, &[], &mut w, &mut |_, _| {});
        found |= bits;
        (0..64u8).any(|b| found & (1 << b) != 0 && c.name(b) == name)
    };
    assert!(concept("verificar", "VERIFY"));
    assert!(concept("bestatigen sie", "VERIFY"));
    assert!(concept("your cvv", "CARD"));
    assert!(concept("send a gift card", "GIFTCARD"));
    assert!(concept("mot de passe", "SECRET"));
    assert!(!concept("a nice lamp", "VERIFY"));
}

#[test]
fn bad_concept_files_are_refused_with_the_entry_named() {
    let err = |toml: &str| Concepts::parse(toml).unwrap_err();
    assert!(matches!(
        err("[A]\nstems = [\"ab\"]"),
        ConceptError::Entry { .. }
    ));
    assert!(matches!(
        err("[A]\nstems = [\"pick up\"]"),
        ConceptError::Entry { .. }
    ));
    assert!(matches!(
        err("[A]\nphrases = [\"one two three four\"]"),
        ConceptError::Entry { .. }
    ));
    assert!(matches!(
        err("[A]\nwords = [\"!!\"]"),
        ConceptError::Entry { .. }
    ));
    assert!(matches!(err("[A]\nnope = []"), ConceptError::Toml(_)));
    let many: String = (0..65)
        .map(|i| format!("[C{i}]\nwords = [\"w{i}\"]\n"))
        .collect();
    assert_eq!(err(&many), ConceptError::TooMany(65));
}

fn tiny_training_set() -> Vec<Example> {
    let mut v = Vec::new();
    let lines: &[(&str, &[Category])] = &[
        (
            "can we continue on the other app",
            &[Category::ContactRequest],
        ),
        (
            "is there a better way to reach you",
            &[Category::ContactRequest],
        ),
        (
            "pay me with gift cards please",
            &[Category::PaymentOffPlatform],
        ),
        (
            "send the money by western union",
            &[Category::PaymentOffPlatform],
        ),
        ("is it still available", &[]),
        ("I'll pay at checkout tonight", &[]),
        ("lovely lamp, thanks", &[]),
        ("what size is the jacket", &[]),
    ];
    for round in 0..6 {
        for (t, labels) in lines {
            v.push(Example {
                text: format!("{t} {round}"),
                region: None,
                sender: None,
                labels: labels.to_vec(),
                weight: 1.0,
            });
        }
    }
    v
}

#[test]
fn training_is_reproducible_and_the_file_round_trips() {
    let rules = Screener::with_model(Config::default(), None).unwrap();
    let params = Params {
        folds: 3,
        ..Params::default()
    };
    let a = train(&rules, &tiny_training_set(), BUILT_IN_CONCEPTS, &params).unwrap();
    let b = train(&rules, &tiny_training_set(), BUILT_IN_CONCEPTS, &params).unwrap();
    let bytes = a.model.to_bytes().unwrap();
    assert_eq!(bytes, b.model.to_bytes().unwrap(), "same data, same file");
    assert!(a.model.version().starts_with("intent-"));
    let back = IntentModel::from_bytes(&bytes).unwrap();
    assert_eq!(back.version(), a.model.version());
    let again = back.to_bytes().unwrap();
    let first_difference = again.iter().zip(&bytes).position(|(a, b)| a != b);
    assert_eq!(
        (again.len(), first_difference),
        (bytes.len(), None),
        "the file round-trips"
    );
    assert!(!back.is_empty());
    assert_eq!(a.report.examples, 48);
    assert_eq!(a.report.folds, 3);
    let positives: usize = a.report.categories.iter().map(|c| c.positives).sum();
    assert_eq!(positives, 24, "every example was scored out of fold once");
}

#[test]
fn damaged_model_files_are_refused() {
    let rules = Screener::with_model(Config::default(), None).unwrap();
    let model = train(
        &rules,
        &tiny_training_set(),
        BUILT_IN_CONCEPTS,
        &Params::default(),
    )
    .unwrap()
    .model;
    let bytes = model.to_bytes().unwrap();
    assert_eq!(
        IntentModel::from_bytes(b"PK\x03\x04").unwrap_err(),
        ModelError::NotAModel
    );
    assert_eq!(
        IntentModel::from_bytes(b"").unwrap_err(),
        ModelError::NotAModel
    );
    let mut v2 = bytes.clone();
    v2[4] = 2;
    assert_eq!(
        IntentModel::from_bytes(&v2).unwrap_err(),
        ModelError::Format(2)
    );
    assert!(matches!(
        IntentModel::from_bytes(&bytes[..bytes.len() - 3]).unwrap_err(),
        ModelError::Damaged(_)
    ));
    // A weight changed after training no longer matches the version the header claims.
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    assert!(matches!(
        IntentModel::from_bytes(&flipped).unwrap_err(),
        ModelError::Header(_)
    ));
}

#[test]
fn the_built_in_model_loads_and_names_itself() {
    let m = IntentModel::built_in().unwrap();
    assert!(m.version().starts_with("intent-"));
    assert!(m.len() > 1000);
    let s = Screener::new(Config::default()).unwrap();
    assert_eq!(s.model().map(IntentModel::version), Some(m.version()));
    let off = Config {
        intent: crate::IntentConfig {
            enabled: false,
            model_file: None,
        },
        ..Config::default()
    };
    assert!(Screener::new(off).unwrap().model().is_none());
}

#[test]
fn a_configured_model_file_must_be_loaded_by_the_caller() {
    let config = Config {
        intent: crate::IntentConfig {
            enabled: true,
            model_file: Some("x.bin".into()),
        },
        ..Config::default()
    };
    assert!(matches!(
        Screener::new(config).unwrap_err(),
        crate::ConfigError::ModelFileNotLoaded(_)
    ));
}
