//! Criterion benchmark of `Screener::screen`: a realistic mix (the messages of `corpus/messages.jsonl`, read at bench
//! time, up to 300 bytes each) and the pathological 64 KiB inputs (digits, spaced digits, emoji, separators).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use screen::{Config, Message, Region, Screener};

fn corpus() -> Vec<(String, Option<Region>)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/messages.jsonl");
    let content = std::fs::read_to_string(path).expect("corpus/messages.jsonl");
    content
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            let text = v["text"].as_str()?.to_string();
            let region = v["region"].as_str().and_then(|r| Region::parse(r).ok());
            (text.len() <= 300).then_some((text, region))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let config = Config {
        protected_domains: vec!["examplemarket.com".into()],
        brand_names: vec!["examplemarket".into()],
        ..Config::default()
    };
    let screener = Screener::new(config).unwrap();
    let lines = corpus();
    let messages: Vec<Message<'_>> = lines
        .iter()
        .map(|(t, r)| Message {
            text: t,
            region: *r,
            sender: None,
        })
        .collect();

    let mut mix = c.benchmark_group("corpus mix");
    mix.throughput(Throughput::Elements(messages.len() as u64));
    mix.bench_function("all corpus messages", |b| {
        b.iter(|| {
            for m in &messages {
                std::hint::black_box(screener.screen(m));
            }
        })
    });
    mix.finish();

    let k = 64 * 1024;
    let cases = [
        ("digits", "7".repeat(k)),
        ("spaced digits", "4 ".repeat(k / 2)),
        ("plus one", "+1".repeat(k / 2)),
        ("emoji", "😀".repeat(k / 4)),
        ("keycap digits", "1\u{FE0F}\u{20E3}".repeat(k / 7)),
        ("separators", "-. _/".repeat(k / 5)),
    ];
    let mut big = c.benchmark_group("64 KiB");
    big.sample_size(10);
    for (name, text) in &cases {
        big.bench_function(*name, |b| {
            b.iter(|| std::hint::black_box(screener.screen(&Message::new(text))))
        });
    }
    big.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
