//! `marketguard eval FILE.jsonl`: precision and recall per category on a labelled corpus.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use screen::{Category, Screener};
use server::Config;
use server::wire::message_from_parts;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labelled JSON Lines: {"id"?, "text", "region"?, "sender"?, "labels": [...]}.
    file: PathBuf,
    /// Fail when any category's recall is below this.
    #[arg(long)]
    min_recall: Option<f64>,
    /// Fail when any category's precision is below this.
    #[arg(long)]
    min_precision: Option<f64>,
    /// Fail when a larger share of the clean lines than this is flagged.
    #[arg(long)]
    max_clean_flagged: Option<f64>,
    /// Print up to this many misclassified lines (what was expected, what was found).
    #[arg(long, default_value_t = 0)]
    show_errors: usize,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

/// 1.0 for an empty denominator: nothing was expected or claimed, so nothing was missed or wrong.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

pub fn run(config: &Config, args: &Args) -> anyhow::Result<ExitCode> {
    let screener = Screener::new(config.screening.clone())?;
    let content = std::fs::read_to_string(&args.file)
        .with_context(|| format!("could not read {}", args.file.display()))?;
    let mut counts: BTreeMap<Category, Counts> = Category::ALL
        .iter()
        .map(|c| (*c, Counts::default()))
        .collect();
    let (mut clean, mut clean_flagged, mut lines) = (0usize, 0usize, 0usize);
    let mut errors_shown = 0usize;
    for (n, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        let (id, expected, found) =
            eval_line(&screener, line).with_context(|| format!("line {}", n + 1))?;
        if expected.is_empty() {
            clean += 1;
            clean_flagged += usize::from(!found.is_empty());
        }
        for c in Category::ALL {
            let e = counts.entry(c).or_default();
            match (expected.contains(&c), found.contains(&c)) {
                (true, true) => e.tp += 1,
                (false, true) => e.fp += 1,
                (true, false) => e.fn_ += 1,
                (false, false) => {}
            }
        }
        if expected != found && errors_shown < args.show_errors {
            errors_shown += 1;
            let names =
                |s: &BTreeSet<Category>| s.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",");
            println!(
                "MISS {id}: expected [{}] found [{}]",
                names(&expected),
                names(&found)
            );
        }
    }
    println!(
        "{:<22} {:>5} {:>5} {:>5} {:>9} {:>7}",
        "category", "tp", "fp", "fn", "precision", "recall"
    );
    let mut failed = Vec::new();
    for (c, k) in &counts {
        println!(
            "{:<22} {:>5} {:>5} {:>5} {:>9.3} {:>7.3}",
            c.as_str(),
            k.tp,
            k.fp,
            k.fn_,
            k.precision(),
            k.recall()
        );
        if let Some(min) = args.min_recall.filter(|m| k.recall() < *m) {
            failed.push(format!("{} recall {:.3} < {min}", c.as_str(), k.recall()));
        }
        if let Some(min) = args.min_precision.filter(|m| k.precision() < *m) {
            failed.push(format!(
                "{} precision {:.3} < {min}",
                c.as_str(),
                k.precision()
            ));
        }
    }
    let share = ratio(clean_flagged, clean);
    let share = if clean == 0 { 0.0 } else { share };
    println!(
        "clean lines flagged: {clean_flagged} of {clean} ({:.2}%); {lines} lines in all",
        share * 100.0
    );
    if let Some(max) = args.max_clean_flagged.filter(|m| share > *m) {
        failed.push(format!("clean lines flagged {share:.4} > {max}"));
    }
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for f in &failed {
            println!("THRESHOLD MISSED: {f}");
        }
        Ok(ExitCode::FAILURE)
    }
}

type Labelled = (String, BTreeSet<Category>, BTreeSet<Category>);

fn eval_line(screener: &Screener, line: &str) -> anyhow::Result<Labelled> {
    #[derive(serde::Deserialize)]
    struct Line {
        id: Option<serde_json::Value>,
        text: String,
        region: Option<String>,
        sender: Option<String>,
        labels: Vec<String>,
    }
    let l: Line = serde_json::from_str(line)
        .context("not a labelled line {text, labels, region?, sender?}")?;
    let expected = l
        .labels
        .iter()
        .map(|s| Category::parse(s))
        .collect::<Result<BTreeSet<_>, _>>()?;
    let message = message_from_parts(&l.text, l.region.as_deref(), l.sender.as_deref())
        .map_err(anyhow::Error::msg)?;
    let found: BTreeSet<Category> = screener.screen(&message).categories().into_iter().collect();
    let id = match l.id {
        Some(serde_json::Value::String(s)) => s,
        Some(v) => v.to_string(),
        None => "-".into(),
    };
    Ok((id, expected, found))
}
