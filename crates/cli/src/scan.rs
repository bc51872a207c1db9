//! `marketguard scan`: the command-line contract of spec/screening.md.

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
        let result = ScreenResult::new(None, &screener.screen(&message));
        println!("{}", serde_json::to_string_pretty(&result)?);
        return Ok(ExitCode::SUCCESS);
    }
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0usize;
    for (n, line) in stdin.lines().enumerate() {
        let line = line.with_context(|| format!("could not read input line {}", n + 1))?;
        let output = match screen_line(&screener, &line) {
            Ok(result) => serde_json::to_string(&result)?,
            Err((id, error)) => {
                failed += 1;
                serde_json::to_string(
                    &serde_json::json!({"id": id, "error": format!("line {}: {error}", n + 1)}),
                )?
            }
        };
        writeln!(out, "{output}")?;
    }
    out.flush()?;
    if failed > 0 {
        eprintln!("{failed} line(s) could not be screened; see their `error` fields");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
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
    ))
}
