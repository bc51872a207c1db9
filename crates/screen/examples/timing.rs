//! Development aid: throughput and latency percentiles over a JSONL corpus (one thread), and the time of the
//! pathological 64 KiB inputs. `cargo run --release -p screen --example timing -- corpus/messages.jsonl [n]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use screen::{Config, Message, Region, Screener};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = args.get(1).expect("corpus file");
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let config = Config {
        protected_domains: vec!["examplemarket.com".into()],
        brand_names: vec!["examplemarket".into()],
        ..Config::default()
    };
    let screener = Screener::new(config).unwrap();
    let content = std::fs::read_to_string(file).unwrap();
    let lines: Vec<(String, Option<Region>)> = content
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            let t = v["text"].as_str()?.to_string();
            let r = v["region"].as_str().and_then(|r| Region::parse(r).ok());
            (t.len() <= 300).then_some((t, r))
        })
        .collect();
    let msgs: Vec<Message<'_>> = lines
        .iter()
        .map(|(t, r)| Message {
            text: t,
            region: *r,
            sender: None,
        })
        .collect();
    for m in &msgs {
        std::hint::black_box(screener.screen(m));
    }
    let mut lat = Vec::with_capacity(n);
    let mut per_msg = vec![0u64; msgs.len()];
    let t0 = Instant::now();
    for i in 0..n {
        let m = &msgs[i % msgs.len()];
        let t = Instant::now();
        std::hint::black_box(screener.screen(m));
        let ns = t.elapsed().as_nanos() as u64;
        lat.push(ns);
        if let Some(p) = per_msg.get_mut(i % msgs.len()) {
            *p += ns;
        }
    }
    let total = t0.elapsed();
    lat.sort_unstable();
    let p = |q: f64| lat[((lat.len() as f64 - 1.0) * q) as usize] as f64 / 1000.0;
    println!(
        "{} msgs: {:.0} msg/s; p50 {:.1} µs p99 {:.1} µs p99.9 {:.1} µs max {:.1} µs",
        n,
        n as f64 / total.as_secs_f64(),
        p(0.5),
        p(0.99),
        p(0.999),
        p(1.0)
    );
    // Slowest messages in the mixed run (caches as cold as in real traffic).
    let rounds = (n / msgs.len()).max(1) as u64;
    let mut mixed: Vec<(u64, &str)> = per_msg
        .iter()
        .zip(&msgs)
        .map(|(&ns, m)| (ns / rounds, m.text))
        .collect();
    mixed.sort_by_key(|p| std::cmp::Reverse(p.0));
    println!("slowest in the mixed run:");
    for (ns, t) in mixed.iter().take(8) {
        println!(
            "  {:>8.1} µs  {:?}",
            *ns as f64 / 1000.0,
            t.chars().take(90).collect::<String>()
        );
    }
    let over50 = mixed.iter().filter(|p| p.0 > 50_000).count();
    println!(
        "distinct messages over 50 µs in the mixed run: {over50} of {}",
        mixed.len()
    );
    // Slowest distinct messages, each run 20 times in a row (warm caches).
    println!("slowest warm:");
    let mut per: Vec<(u128, &str)> = msgs
        .iter()
        .map(|m| {
            let t = Instant::now();
            for _ in 0..20 {
                std::hint::black_box(screener.screen(m));
            }
            (t.elapsed().as_nanos() / 20, m.text)
        })
        .collect();
    per.sort_by_key(|p| std::cmp::Reverse(p.0));
    for (ns, t) in per.iter().take(8) {
        println!(
            "  {:>8.1} µs  {:?}",
            *ns as f64 / 1000.0,
            t.chars().take(90).collect::<String>()
        );
    }
    let k = 64 * 1024;
    let cases: Vec<(&str, String)> = vec![
        ("digits", "7".repeat(k)),
        ("digits-spaced", "4 ".repeat(k / 2)),
        ("plus-one", "+1".repeat(k / 2)),
        ("emoji", "😀".repeat(k / 4)),
        ("keycap", "1\u{FE0F}\u{20E3}".repeat(k / 7)),
        ("separators", "-. _/".repeat(k / 5)),
        ("phones", "call 415 555 0172 ".repeat(k / 18)),
        ("words", "four one five ".repeat(k / 14)),
        ("at-dot", "a at b dot ".repeat(k / 11)),
        ("letters", "w h a t s a p p ".repeat(k / 16)),
        // 6,000 seven-digit decoys, then a phone number: every cluster is read, so the number is found.
        (
            "decoys+phone",
            (0..6000u32)
                .map(|i| format!("{} ref ", 1_000_000 + i * 1_499))
                .collect::<String>()
                .chars()
                .take(k - 40)
                .chain(" call me 415 555 0172".chars())
                .collect(),
        ),
    ];
    for (name, text) in &cases {
        let m = Message::new(text);
        let t = Instant::now();
        let s = screener.screen(&m);
        println!(
            "64 KiB {name:<14} {:>8.2} ms ({} findings)",
            t.elapsed().as_secs_f64() * 1000.0,
            s.findings.len()
        );
    }
}
