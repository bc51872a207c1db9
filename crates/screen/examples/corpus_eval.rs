//! Development aid: per-category precision and recall on a labelled JSONL corpus, optionally split into the lines
//! that are (or are not) in a second "old" corpus file, with the misclassified lines printed in full.
//!
//! `cargo run --release -p screen --example corpus_eval -- corpus/messages.jsonl [old.jsonl] [max_errors]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use screen::{Category, Config, Message, Region, Screener};

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = args.get(1).expect("corpus file");
    let old: Option<BTreeSet<String>> = args.get(2).filter(|a| *a != "-").map(|p| {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string))
            .collect()
    });
    let max_errors: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100);
    let config = Config {
        protected_domains: vec!["examplemarket.com".into()],
        brand_names: vec!["examplemarket".into()],
        ..Config::default()
    };
    let screener = Screener::new(config).unwrap();
    let content = std::fs::read_to_string(file).unwrap();
    // groups: all, old, new
    let mut groups: BTreeMap<&str, (BTreeMap<Category, Counts>, usize, usize)> = BTreeMap::new();
    let mut shown = 0;
    for line in content.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let region = v["region"].as_str().and_then(|r| Region::parse(r).ok());
        let expected: BTreeSet<Category> = v["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| Category::parse(l.as_str().unwrap()).unwrap())
            .collect();
        let msg = Message {
            text,
            region,
            sender: None,
        };
        let s = screener.screen(&msg);
        let found: BTreeSet<Category> = s.categories().into_iter().collect();
        let mut names = vec!["all"];
        if let Some(old) = &old {
            names.push(if old.contains(text) { "old" } else { "new" });
        }
        for g in names {
            let (counts, clean, flagged) = groups.entry(g).or_default();
            if expected.is_empty() {
                *clean += 1;
                *flagged += usize::from(!found.is_empty());
            }
            for c in Category::ALL {
                let e = counts.entry(c).or_default();
                match (expected.contains(&c), found.contains(&c)) {
                    (true, true) => e.tp += 1,
                    (false, true) => e.fp += 1,
                    (true, false) => e.fn_ += 1,
                    _ => {}
                }
            }
        }
        if expected != found && shown < max_errors {
            shown += 1;
            let fmt =
                |s: &BTreeSet<Category>| s.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",");
            let det: Vec<String> = s
                .findings
                .iter()
                .map(|f| format!("{}:{}:{:?}", f.category.as_str(), f.rule, f.matched))
                .collect();
            println!(
                "MISS {} exp=[{}] got=[{}] {:?} | {}",
                v["id"].as_str().unwrap_or(""),
                fmt(&expected),
                fmt(&found),
                text,
                det.join(" ; ")
            );
        }
    }
    for (g, (counts, clean, flagged)) in &groups {
        println!("== {g}");
        println!(
            "{:<22} {:>4} {:>4} {:>4} {:>9} {:>7}",
            "category", "tp", "fp", "fn", "precision", "recall"
        );
        for (c, k) in counts {
            println!(
                "{:<22} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
                c.as_str(),
                k.tp,
                k.fp,
                k.fn_,
                ratio(k.tp, k.tp + k.fp),
                ratio(k.tp, k.tp + k.fn_)
            );
        }
        println!(
            "clean flagged: {flagged} of {clean} ({:.2}%)",
            100.0 * ratio(*flagged, *clean)
        );
    }
}
