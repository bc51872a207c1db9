//! `marketguard bench-messaging`: sustained message sends per second over HTTP against the real server (screen,
//! decide, store), with p50 and p99 latency. The server runs in this process on a loopback port, on a temporary
//! SQLite database deleted afterwards (or the one `--database URL` names: never the configured one, which it would
//! fill with benchmark users, cases and an API key); the clients are `--concurrency` reqwest tasks, each sending
//! one message after another.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::json;
use server::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to measure, after a one-second warm-up.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Conversations (each between its own buyer and seller) the sends are spread over: enough that no sender
    /// reaches the policy's per-minute limit at the rates measured.
    #[arg(long, default_value_t = 5000)]
    conversations: usize,
    /// JSON Lines with `text` and `labels`: clean messages (no labels) and violations are drawn from it.
    #[arg(long, default_value = "corpus/messages.jsonl")]
    corpus: PathBuf,
    /// The share of messages that break the policy (drawn from the labelled ones).
    #[arg(long, default_value_t = 0.1)]
    violation_share: f64,
    /// Benchmark on this database (`sqlite://PATH` or `postgres://...`), which keeps the benchmark's users,
    /// conversations, cases and API key. Without it: a temporary SQLite database, deleted afterwards.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

pub fn run(mut config: Config, args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.concurrency >= 1 && args.conversations >= 1 && args.seconds >= 1);
    let (clean, violations) = load_corpus(&args.corpus)?;
    // Held until the benchmark ends: the temporary database is deleted with it.
    let _temporary = match &args.database {
        Some(url) => {
            store::Backend::from_url(url)?;
            config.database_url = url.clone();
            None
        }
        None => {
            let dir = tempfile::tempdir()
                .context("could not create a temporary folder for the benchmark's database")?;
            config.database_url = format!("sqlite://{}", dir.path().join("bench.db").display());
            Some(dir)
        }
    };
    println!(
        "database: {}",
        match &args.database {
            Some(url) => store::redact_url(url),
            None =>
                "a temporary SQLite database, deleted at the end (--database URL to use another)"
                    .into(),
        }
    );
    config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    // The per-key limit protects a shared server; here one key drives it as hard as it goes.
    config.rate_limit.per_minute = u32::MAX;
    config.rate_limit.burst = u32::MAX;
    config.log.filter = "warn".into();
    server::init_logging(&config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    runtime.block_on(bench(config, args, clean, violations))
}

fn load_corpus(path: &PathBuf) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let content = std::fs::read_to_string(path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let (mut clean, mut violations) = (Vec::new(), Vec::new());
    for line in content.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).context("a corpus line is not JSON")?;
        let Some(text) = v.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        if text.len() > 300 {
            continue;
        }
        let labelled = v
            .get("labels")
            .and_then(|l| l.as_array())
            .is_some_and(|l| !l.is_empty());
        if labelled {
            &mut violations
        } else {
            &mut clean
        }
        .push(text.to_string());
    }
    anyhow::ensure!(
        !clean.is_empty() && !violations.is_empty(),
        "the corpus needs clean and labelled messages"
    );
    Ok((clean, violations))
}

async fn bench(
    config: Config,
    args: &Args,
    clean: Vec<String>,
    violations: Vec<String>,
) -> anyhow::Result<ExitCode> {
    let store = store::Store::open_and_migrate(&config.database_url).await?;
    let backend = store.backend();
    let key = store
        .create_api_key(
            "bench-messaging",
            &[store::Scope::Messaging],
            "bench",
            time::OffsetDateTime::now_utc(),
        )
        .await?
        .secret;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(server::serve(config, move |addr| {
        let _ = tx.send(addr);
    }));
    let addr = rx.await.context("the server did not start")?;
    let base = format!("http://{addr}");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency * 2)
        .build()?;

    // Parties, orders and conversations, under a prefix of this run's own.
    let run = uuid_like();
    let setup_started = Instant::now();
    let conversations = setup(&http, &base, &key, &run, args).await?;
    println!(
        "backend {backend:?}: {} conversations set up in {:.1} s",
        conversations.len(),
        setup_started.elapsed().as_secs_f64()
    );

    let conversations = Arc::new(conversations);
    let clean = Arc::new(clean);
    let violations = Arc::new(violations);
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..args.concurrency {
        let (http, base, key) = (http.clone(), base.clone(), key.clone());
        let (conversations, clean, violations) =
            (conversations.clone(), clean.clone(), violations.clone());
        let (measuring, stop) = (measuring.clone(), stop.clone());
        let share = args.violation_share;
        workers.push(tokio::spawn(async move {
            let mut latencies: Vec<u32> = Vec::new();
            let mut statuses: std::collections::BTreeMap<u16, u64> = Default::default();
            let mut i = w;
            let mut rng = (w as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            while !stop.load(Ordering::Relaxed) {
                let (conversation, buyer, seller) = &conversations[i % conversations.len()];
                let sender = if (i / conversations.len()) % 2 == 0 {
                    seller
                } else {
                    buyer
                };
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let pick = (rng % 10_000) as f64 / 10_000.0;
                let text = if pick < share {
                    &violations[(rng as usize / 7) % violations.len()]
                } else {
                    &clean[(rng as usize / 7) % clean.len()]
                };
                let t = Instant::now();
                let status = http
                    .post(format!("{base}/v1/conversations/{conversation}/messages"))
                    .bearer_auth(&key)
                    .json(&json!({"sender_id": sender, "text": text}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                let elapsed = t.elapsed();
                if measuring.load(Ordering::Relaxed) {
                    latencies.push(u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX));
                    *statuses.entry(status).or_default() += 1;
                }
                i += args_stride();
            }
            (latencies, statuses)
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut statuses: std::collections::BTreeMap<u16, u64> = Default::default();
    for w in workers {
        let (l, s) = w.await?;
        latencies.extend(l);
        for (k, v) in s {
            *statuses.entry(k).or_default() += v;
        }
    }
    server.abort();
    latencies.sort_unstable();
    let pct = |p: f64| {
        let idx = ((latencies.len().max(1) as f64 - 1.0) * p).round() as usize;
        f64::from(latencies.get(idx).copied().unwrap_or(0)) / 1000.0
    };
    let sent = statuses.get(&201).copied().unwrap_or(0);
    let all: u64 = statuses.values().sum();
    println!(
        "backend {backend:?}, concurrency {}, {:.1} s measured, violation share {:.0}%",
        args.concurrency,
        elapsed.as_secs_f64(),
        args.violation_share * 100.0
    );
    println!(
        "sends:    {sent} stored ({:.0} sends/s); {all} requests in all ({:.0}/s)",
        sent as f64 / elapsed.as_secs_f64(),
        all as f64 / elapsed.as_secs_f64()
    );
    println!(
        "statuses: {}",
        statuses
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "latency:  p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
        pct(0.5),
        pct(0.99),
        pct(0.999),
        pct(1.0)
    );
    Ok(ExitCode::SUCCESS)
}

/// Consecutive sends of one worker go to conversations far apart, so no sender hits its per-minute limit.
fn args_stride() -> usize {
    7919
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("b{:x}", nanos & 0xffff_ffff_ffff)
}

async fn setup(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    run: &str,
    args: &Args,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let mut tasks = Vec::new();
    let per_task = args.conversations.div_ceil(args.concurrency);
    for t in 0..args.concurrency {
        let (http, base, key, run) = (
            http.clone(),
            base.to_string(),
            key.to_string(),
            run.to_string(),
        );
        let range = (t * per_task)..((t + 1) * per_task).min(args.conversations);
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in range {
                let (b, s, o) = (format!("{run}-b{i}"), format!("{run}-s{i}"), format!("{run}-o{i}"));
                for (id, role) in [(&b, "buyer"), (&s, "seller")] {
                    let r = http
                        .put(format!("{base}/v1/users/{id}"))
                        .bearer_auth(&key)
                        .json(&json!({"role": role, "display_name": id, "country": "US"}))
                        .send()
                        .await?;
                    anyhow::ensure!(r.status().is_success(), "PUT user: {}", r.text().await?);
                }
                let r = http
                    .put(format!("{base}/v1/orders/{o}"))
                    .bearer_auth(&key)
                    .json(&json!({"buyer_id": b, "seller_id": s, "amount": {"value": "25.00", "currency": "USD"},
                        "ship_to": {"line1": "1 Main St", "city": "Dayton", "country": "US"}, "status": "paid"}))
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_success(), "PUT order: {}", r.text().await?);
                let r = http
                    .post(format!("{base}/v1/conversations"))
                    .bearer_auth(&key)
                    .json(&json!({"buyer_id": b, "seller_id": s, "order_id": o}))
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_success(), "POST conversation: {}", r.text().await?);
                let v: serde_json::Value = r.json().await?;
                let id = v["id"].as_str().unwrap_or_default().to_string();
                out.push((id, b, s));
            }
            Ok::<_, anyhow::Error>(out)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(all)
}
