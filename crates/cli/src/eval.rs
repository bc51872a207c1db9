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

/// The figures of one screener on one labelled file.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    counts: BTreeMap<Category, Counts>,
    pub lines: usize,
    pub clean: usize,
    pub clean_flagged: usize,
    /// Lines with at least one label, and of those, lines with at least one finding.
    pub violating: usize,
    pub violating_found: usize,
}

impl Summary {
    pub fn precision(&self, c: Category) -> f64 {
        self.counts.get(&c).map_or(1.0, Counts::precision)
    }
    pub fn recall(&self, c: Category) -> f64 {
        self.counts.get(&c).map_or(1.0, Counts::recall)
    }
    pub fn clean_share(&self) -> f64 {
        if self.clean == 0 {
            0.0
        } else {
            ratio(self.clean_flagged, self.clean)
        }
    }
    pub fn any_finding_recall(&self) -> f64 {
        ratio(self.violating_found, self.violating)
    }
}

/// Screens every line of a labelled file; `show_errors` misclassified lines are printed as they come.
pub fn evaluate(screener: &Screener, content: &str, show_errors: usize) -> anyhow::Result<Summary> {
    let mut s = Summary {
        counts: Category::ALL
            .iter()
            .map(|c| (*c, Counts::default()))
            .collect(),
        ..Summary::default()
    };
    let mut errors_shown = 0usize;
    for (n, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        s.lines += 1;
        let (id, expected, found) =
            eval_line(screener, line).with_context(|| format!("line {}", n + 1))?;
        if expected.is_empty() {
            s.clean += 1;
            s.clean_flagged += usize::from(!found.is_empty());
        } else {
            s.violating += 1;
            s.violating_found += usize::from(!found.is_empty());
        }
        for c in Category::ALL {
            let e = s.counts.entry(c).or_default();
            match (expected.contains(&c), found.contains(&c)) {
                (true, true) => e.tp += 1,
                (false, true) => e.fp += 1,
                (true, false) => e.fn_ += 1,
                (false, false) => {}
            }
        }
        if expected != found && errors_shown < show_errors {
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
    Ok(s)
}

pub fn run(config: &Config, args: &Args) -> anyhow::Result<ExitCode> {
    let screener = server::screening::build_screener(&config.screening)?;
    let content = std::fs::read_to_string(&args.file)
        .with_context(|| format!("could not read {}", args.file.display()))?;
    let summary = evaluate(&screener, &content, args.show_errors)?;
    println!(
        "{:<22} {:>5} {:>5} {:>5} {:>9} {:>7}",
        "category", "tp", "fp", "fn", "precision", "recall"
    );
    let mut failed = Vec::new();
    for (c, k) in &summary.counts {
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
    let share = summary.clean_share();
    println!(
        "clean lines flagged: {} of {} ({:.2}%); {} lines in all",
        summary.clean_flagged,
        summary.clean,
        share * 100.0,
        summary.lines
    );
    println!(
        "violating lines with any finding: {} of {} ({:.3})",
        summary.violating_found,
        summary.violating,
        summary.any_finding_recall()
    );
    if let Some(model) = screener.model() {
        println!("intent model: {}", model.version());
    } else {
        println!("intent model: none (rules only)");
    }
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

/// One labelled line, as `eval` and `model train` read it: `{"id"?, "text", "region"?, "sender"?, "labels",
/// "weight"?}`, parsed into types.
pub struct LabelledLine {
    pub id: String,
    pub text: String,
    pub region: Option<screen::Region>,
    pub sender: Option<screen::Role>,
    pub labels: Vec<Category>,
    pub weight: f32,
}

impl LabelledLine {
    pub fn parse(line: &str) -> anyhow::Result<LabelledLine> {
        #[derive(serde::Deserialize)]
        struct Line {
            id: Option<serde_json::Value>,
            text: String,
            region: Option<String>,
            sender: Option<String>,
            labels: Vec<String>,
            weight: Option<f32>,
        }
        let l: Line = serde_json::from_str(line)
            .context("not a labelled line {text, labels, region?, sender?}")?;
        let labels = l
            .labels
            .iter()
            .map(|s| Category::parse(s))
            .collect::<Result<Vec<_>, _>>()?;
        // The same checks as the HTTP API's (one place says what a region or a sender may be).
        let message = message_from_parts(&l.text, l.region.as_deref(), l.sender.as_deref())
            .map_err(anyhow::Error::msg)?;
        let (region, sender) = (message.region, message.sender);
        let id = match l.id {
            Some(serde_json::Value::String(s)) => s,
            Some(v) => v.to_string(),
            None => "-".into(),
        };
        Ok(LabelledLine {
            id,
            text: l.text,
            region,
            sender,
            labels,
            weight: l.weight.unwrap_or(1.0),
        })
    }
}

fn eval_line(screener: &Screener, line: &str) -> anyhow::Result<Labelled> {
    let l = LabelledLine::parse(line)?;
    let message = screen::Message {
        text: &l.text,
        region: l.region,
        sender: l.sender,
    };
    let found: BTreeSet<Category> = screener.screen(&message).categories().into_iter().collect();
    Ok((l.id, l.labels.into_iter().collect(), found))
}
