//! `marketguard bench`: screening throughput, latency percentiles and memory on a realistic mix, on one thread.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use server::Config;
use server::wire::message_from_parts;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSON Lines with a `text` field (and optional `region`, `sender`); the labelled corpus is a realistic mix.
    #[arg(default_value = "corpus/messages.jsonl")]
    file: PathBuf,
    /// How many messages to screen in all (the file is cycled).
    #[arg(long, default_value_t = 1_000_000)]
    messages: usize,
    /// Only use messages of at most this many bytes (the "typical" messages are <= 300).
    #[arg(long, default_value_t = 300)]
    max_bytes: usize,
}

pub fn run(config: &Config, args: &Args) -> anyhow::Result<ExitCode> {
    let screener = server::screening::build_screener(&config.screening)?;
    let content = std::fs::read_to_string(&args.file)
        .with_context(|| format!("could not read {}", args.file.display()))?;
    let mut inputs: Vec<(String, Option<String>)> = Vec::new();
    for line in content.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).context("a line is not JSON")?;
        let Some(text) = v.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        if text.len() <= args.max_bytes {
            let region = v.get("region").and_then(|r| r.as_str()).map(str::to_string);
            inputs.push((text.to_string(), region));
        }
    }
    anyhow::ensure!(
        !inputs.is_empty(),
        "no message of at most {} bytes in {}",
        args.max_bytes,
        args.file.display()
    );
    let messages: Vec<screen::Message<'_>> = inputs
        .iter()
        .map(|(t, r)| message_from_parts(t, r.as_deref(), None).map_err(anyhow::Error::msg))
        .collect::<Result<_, _>>()?;
    let total_bytes: usize = inputs.iter().map(|(t, _)| t.len()).sum();

    // Warm up (lazy metadata, caches), then measure.
    for m in &messages {
        std::hint::black_box(screener.screen(m));
    }
    // Filled up front, so its pages are resident before the first memory reading and do not count as growth.
    let mut latencies: Vec<u32> = vec![0; args.messages];
    latencies.fill(u32::MAX);
    let rss_start = rss_kib();
    let mut rss_mid = 0;
    let started = Instant::now();
    for i in 0..args.messages {
        let m = &messages[i % messages.len()];
        let t = Instant::now();
        std::hint::black_box(screener.screen(m));
        if let Some(slot) = latencies.get_mut(i) {
            *slot = u32::try_from(t.elapsed().as_nanos()).unwrap_or(u32::MAX);
        }
        if i == args.messages / 2 {
            rss_mid = rss_kib();
        }
    }
    let elapsed = started.elapsed();
    let rss_end = rss_kib();
    latencies.sort_unstable();
    let pct = |p: f64| {
        let idx = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(latencies.get(idx).copied().unwrap_or(0)) / 1000.0
    };
    println!(
        "messages:        {} ({} distinct, mean {} bytes)",
        args.messages,
        messages.len(),
        total_bytes / messages.len()
    );
    println!(
        "throughput:      {:.0} messages/s on one thread",
        args.messages as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency:         p50 {:.1} µs, p99 {:.1} µs, p99.9 {:.1} µs, max {:.1} µs",
        pct(0.5),
        pct(0.99),
        pct(0.999),
        pct(1.0)
    );
    println!("resident memory: start {rss_start} KiB, halfway {rss_mid} KiB, end {rss_end} KiB");
    Ok(ExitCode::SUCCESS)
}

/// The process's resident set size in KiB (Linux; 0 elsewhere).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
