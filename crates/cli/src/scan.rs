//! `marketguard scan`: the command-line contract of spec/screening.md, screened on every core.

use std::io::{BufRead as _, Write as _};
use std::process::ExitCode;

use anyhow::Context as _;
use server::Config;
use server::wire::{ScreenResult, message_from_parts};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Screen this one text and print the result pretty-printed, instead of reading standard input.
    #[arg(long)]
    text: Option<String>,
    /// Region for national phone numbers in `--text` (ISO 3166-1 alpha-2).
    #[arg(long)]
    region: Option<String>,
    /// `buyer` or `seller`, for `--text`.
    #[arg(long)]
    sender: Option<String>,
}

pub fn run(config: &Config, args: &Args) -> anyhow::Result<ExitCode> {
    let screener = server::screening::build_screener(&config.screening)?;
    if let Some(text) = &args.text {
        let message = message_from_parts(text, args.region.as_deref(), args.sender.as_deref())
            .map_err(anyhow::Error::msg)?;
        let result = ScreenResult::new(
            None,
            &screener.screen(&message),
            screener.config().limits.max_findings,
        );
        println!("{}", serde_json::to_string_pretty(&result)?);
        return Ok(ExitCode::SUCCESS);
    }
    // Lines are read in batches and each batch is screened on every core; the output keeps the input's order.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0usize;
    let mut batch: Vec<String> = Vec::with_capacity(BATCH);
    let mut first_line = 1usize;
    let mut lines = stdin.lines();
    loop {
        batch.clear();
        for line in lines.by_ref().take(BATCH) {
            let n = first_line + batch.len();
            batch.push(line.with_context(|| format!("could not read input line {n}"))?);
        }
        if batch.is_empty() {
            break;
        }
        let results = screen_batch(&screener, &batch, first_line, threads)?;
        for (output, ok) in results {
            failed += usize::from(!ok);
            writeln!(out, "{output}")?;
        }
        first_line += batch.len();
    }
    out.flush()?;
    if failed > 0 {
        eprintln!("{failed} line(s) could not be screened; see their `error` fields");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Lines screened per batch (a batch is split across the threads).
const BATCH: usize = 4096;

/// The output line of each input line of `batch` (numbered from `first_line`), and whether it was screened.
fn screen_batch(
    screener: &screen::Screener,
    batch: &[String],
    first_line: usize,
    threads: usize,
) -> anyhow::Result<Vec<(String, bool)>> {
    let per_thread = batch.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .chunks(per_thread)
            .enumerate()
            .map(|(k, chunk)| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(i, line)| {
                            output_line(screener, line, first_line + k * per_thread + i)
                        })
                        .collect::<anyhow::Result<Vec<_>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(batch.len());
        for h in handles {
            let part = h
                .join()
                .map_err(|_| anyhow::anyhow!("a screening thread stopped unexpectedly"))??;
            all.extend(part);
        }
        Ok(all)
    })
}

/// One output line: the result, or `{"id", "error"}` for a line that cannot be screened.
fn output_line(
    screener: &screen::Screener,
    line: &str,
    n: usize,
) -> anyhow::Result<(String, bool)> {
    Ok(match screen_line(screener, line) {
        Ok(result) => (serde_json::to_string(&result)?, true),
        Err((id, error)) => (
            serde_json::to_string(
                &serde_json::json!({"id": id, "error": format!("line {n}: {error}")}),
            )?,
            false,
        ),
    })
}

/// Screens one input line, or gives the line's id (when it has one) and what is wrong with it.
fn screen_line(
    screener: &screen::Screener,
    line: &str,
) -> Result<ScreenResult, (serde_json::Value, String)> {
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| (serde_json::Value::Null, format!("not valid JSON: {e}")))?;
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    let Some(obj) = value.as_object() else {
        return Err((
            id,
            "a line must be a JSON object with a `text` field".into(),
        ));
    };
    let text = match obj.get("text") {
        Some(serde_json::Value::String(t)) => t.as_str(),
        Some(_) => return Err((id, "`text` must be a string".into())),
        None => return Err((id, "the line has no `text` field".into())),
    };
    let field = |name: &str| -> Result<Option<&str>, (serde_json::Value, String)> {
        match obj.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err((id.clone(), format!("`{name}` must be a string"))),
        }
    };
    let message = message_from_parts(text, field("region")?, field("sender")?)
        .map_err(|e| (id.clone(), e))?;
    Ok(ScreenResult::new(
        Some(id).filter(|v| !v.is_null()),
        &screener.screen(&message),
        screener.config().limits.max_findings,
    ))
}
