//! Peer test vectors (shared/data/peer-vectors, see its README): libphonenumber's own matcher cases, the lines that
//! hold with real metadata, run through the whole engine as `contact.phone`. Skipped, with a message, when the folder
//! is absent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test helpers may fail loudly.

use screen::{Category, Message, Region, Screener};
use serde_json::Value;
use std::path::PathBuf;

fn vectors_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/peer-vectors/");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("peer vectors: {} is absent, skipping", dir.display());
        None
    }
}

fn lines(dir: &std::path::Path, file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The message's region: "ZZ" (unknown) and null mean none.
fn region_of(v: &Value) -> Option<Region> {
    v.as_str()
        .filter(|r| *r != "ZZ")
        .and_then(|r| Region::parse(r).ok())
}

/// The matched texts and spans of the contact.phone findings.
fn phones(screener: &Screener, text: &str, region: Option<Region>) -> Vec<(String, usize, usize)> {
    let mut m = Message::new(text);
    m.region = region;
    screener
        .screen(&m)
        .findings
        .into_iter()
        .filter(|f| f.category == Category::ContactPhone)
        .map(|f| (f.matched, f.start, f.end))
        .collect()
}

#[test]
fn libphonenumber_matcher_cases_that_hold_with_real_metadata() {
    let Some(dir) = vectors_dir() else { return };
    let screener = Screener::with_defaults().unwrap();
    let (mut wanted, mut exact, mut overlapping) = (0usize, 0usize, 0usize);
    let mut missed = Vec::new();
    let (mut negatives, mut impossible, mut impossible_flagged) = (0usize, 0usize, 0usize);
    let mut flagged = Vec::new();
    for v in lines(&dir, "libphonenumber_matcher.jsonl") {
        if v["holds_with_production_metadata"] != Value::Bool(true) || v["leniency"] != "VALID" {
            continue;
        }
        let text = v["text"].as_str().unwrap();
        let found = phones(&screener, text, region_of(&v["region"]));
        if v["expect_match"] == Value::Bool(true) {
            let Some(expected) = v["expected_substring"]
                .as_str()
                .or_else(|| v["expected_matches"][0].as_str())
            else {
                // Only a count is asserted ("+14156667777 foobar +14156667777 ").
                let count = v["expected_count"].as_u64().unwrap_or(1) as usize;
                wanted += 1;
                if found.len() >= count {
                    exact += 1;
                    overlapping += 1;
                } else {
                    missed.push(format!("{text:?} wants {count} numbers, found {found:?}"));
                }
                continue;
            };
            wanted += 1;
            let at = text.find(expected).unwrap_or(0);
            let span = (at, at + expected.len());
            if found.iter().any(|(m, _, _)| m == expected) {
                exact += 1;
                overlapping += 1;
            } else if found.iter().any(|&(_, s, e)| s < span.1 && span.0 < e) {
                overlapping += 1;
                if std::env::var_os("PEER_DEBUG").is_some() {
                    println!("inexact: {text:?} wants {expected:?}, found {found:?}");
                }
            } else {
                missed.push(format!(
                    "{text:?} ({}) wants {expected:?}, found {found:?}",
                    v["region"]
                ));
            }
        } else {
            negatives += 1;
            let is_impossible = v["case_group"] == "IMPOSSIBLE_CASES";
            impossible += usize::from(is_impossible);
            // These two test that a national number is not read without a region. The engine's contract differs on
            // purpose: without a region it reads national numbers with its default regions (DE, US, ...), and
            // both texts are real numbers there. They are reported, not counted.
            let regionless = matches!(
                v["case_group"].as_str(),
                Some(
                    "testNoMatchIfRegionIsNull"
                        | "testNonPlusPrefixedNumbersNotFoundForInvalidRegion"
                )
            );
            if !found.is_empty() {
                impossible_flagged += usize::from(is_impossible);
                let line = format!("{text:?} ({}, {}): {found:?}", v["region"], v["case_group"]);
                if regionless {
                    println!("region-less non-match read with the default regions: {line}");
                } else {
                    flagged.push(line);
                }
            }
        }
    }
    let exact_ratio = exact as f64 / wanted as f64;
    let overlap_ratio = overlapping as f64 / wanted as f64;
    println!(
        "libphonenumber VALID numbers: {wanted}; found exactly {exact} ({exact_ratio:.3}), found overlapping {overlapping} ({overlap_ratio:.3})"
    );
    println!("missed:\n  {}", missed.join("\n  "));
    println!(
        "libphonenumber VALID non-matches: {negatives} (impossible dates, times, short runs: {impossible}); flagged {} \
         (impossible: {impossible_flagged})",
        flagged.len()
    );
    println!("flagged:\n  {}", flagged.join("\n  "));
    assert!(
        overlap_ratio >= 0.97,
        "found {overlap_ratio:.3} of the VALID numbers, target 0.97"
    );
    assert!(
        exact_ratio >= 0.97,
        "found exactly {exact_ratio:.3} of the VALID numbers, target 0.97"
    );
    assert_eq!(
        impossible_flagged, 0,
        "impossible dates, times or short digit runs flagged: {flagged:#?}"
    );
    assert!(flagged.is_empty(), "non-matches flagged: {flagged:#?}");
}

#[test]
fn presidio_phone_recognizer_cases() {
    let Some(dir) = vectors_dir() else { return };
    let screener = Screener::with_defaults().unwrap();
    let (mut wanted, mut found_n) = (0usize, 0usize);
    let mut missed = Vec::new();
    for v in lines(&dir, "presidio_recognizers.jsonl") {
        if v["entity"] != "PHONE_NUMBER" || v["scope"] != "recognizer" {
            continue;
        }
        let text = v["text"].as_str().unwrap();
        let regions = v["params"]["supported_regions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // One supported region is the message's region; several are the engine's default list (no region).
        let region = if regions.len() == 1 {
            region_of(&regions[0])
        } else {
            None
        };
        let found = phones(&screener, text, region);
        for e in v["expected_substrings"].as_array().into_iter().flatten() {
            let e = e.as_str().unwrap();
            wanted += 1;
            if found.iter().any(|(m, _, _)| m == e) {
                found_n += 1;
            } else {
                missed.push(format!(
                    "{text:?} ({region:?}) wants {e:?}, found {found:?}"
                ));
            }
        }
    }
    let ratio = found_n as f64 / wanted.max(1) as f64;
    println!(
        "presidio phone numbers: {wanted}; found {found_n} ({ratio:.3})\nmissed:\n  {}",
        missed.join("\n  ")
    );
    assert!(ratio >= 0.8, "found {ratio:.3} of presidio's phone numbers");
}
