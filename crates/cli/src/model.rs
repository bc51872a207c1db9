//! `marketguard model train | compare | activate | show`: the screening engine's learned intent model.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use screen::intent::train::{Example, Params};
use screen::intent::{BUILT_IN_CONCEPTS, INTENTS};
use screen::{Category, IntentModel, Screener};
use server::Config;

use crate::eval::{LabelledLine, Summary, evaluate};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Fit a model on the training set and write it to a file (the same data and parameters give the same file).
    Train(TrainArgs),
    /// Print a candidate model's figures beside the active model's on the evaluation corpus and held-out batches.
    Compare(CompareArgs),
    /// Make a model file the active model of this database's servers (from their next start), audited as
    /// `policy.activate` (subject `policy:intent_model`). Run `model compare FILE` first.
    Activate {
        file: PathBuf,
        /// Who activates it, for the audit log.
        #[arg(long)]
        actor: String,
    },
    /// Print what a model file says about itself (the built-in model without a file).
    Show { file: Option<PathBuf> },
}

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Labelled JSON Lines ({"text", "region"?, "sender"?, "labels"}), or folders of `*.jsonl` files. Never the
    /// evaluation corpus or a held-out batch.
    #[arg(long = "data", default_value = "training")]
    data: Vec<PathBuf>,
    /// The concept lexicons (TOML); the ones built into this binary when absent.
    #[arg(long)]
    concepts: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, default_value = "intent-model.bin")]
    out: PathBuf,
    #[arg(long)]
    epochs: Option<u32>,
    #[arg(long)]
    l1: Option<f64>,
    #[arg(long)]
    l2: Option<f64>,
    #[arg(long)]
    alpha: Option<f64>,
    #[arg(long)]
    positive_weight: Option<f64>,
    /// The precision each category's threshold is calibrated to on the validation split.
    #[arg(long)]
    target_precision: Option<f64>,
    /// Also learn from investigators' verdicts in the configured database (`POST /v1/messages/{id}/verdicts`, the
    /// console's conversation page): each judged message becomes an example labelled as the investigator said.
    #[arg(long)]
    verdicts: bool,
    /// How much a verdict's example counts against a written line's 1.
    #[arg(long, default_value_t = 2.0)]
    verdict_weight: f32,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The candidate model file.
    candidate: PathBuf,
    /// Labelled files to measure on; the evaluation corpus and every held-out batch when absent.
    #[arg(long = "on")]
    on: Vec<PathBuf>,
}

pub fn run(config: &Config, command: &Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Train(args) => train(config, args),
        Command::Compare(args) => compare(config, args),
        Command::Activate { file, actor } => activate(config, file, actor),
        Command::Show { file } => {
            let model = match file {
                Some(f) => read_model(f)?,
                None => IntentModel::built_in()?,
            };
            show(&model);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn train(config: &Config, args: &TrainArgs) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for p in &args.data {
        files.extend(jsonl_files(p)?);
    }
    anyhow::ensure!(!files.is_empty(), "no .jsonl file in {:?}", args.data);
    let mut examples = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f)
            .with_context(|| format!("could not read {}", f.display()))?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            examples.push(example(line).with_context(|| format!("{}:{}", f.display(), n + 1))?);
        }
    }
    if args.verdicts {
        let judged = crate::runtime()?.block_on(verdict_examples(config, args.verdict_weight))?;
        println!(
            "{} examples from investigators' verdicts in {}",
            judged.len(),
            store::redact_url(&config.database_url)
        );
        examples.extend(judged);
    }
    let concepts = match &args.concepts {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("could not read {}", p.display()))?
        }
        None => BUILT_IN_CONCEPTS.to_string(),
    };
    let d = Params::default();
    let params = Params {
        epochs: args.epochs.unwrap_or(d.epochs),
        l1: args.l1.unwrap_or(d.l1),
        l2: args.l2.unwrap_or(d.l2),
        alpha: args.alpha.unwrap_or(d.alpha),
        positive_weight: args.positive_weight.unwrap_or(d.positive_weight),
        target_precision: args.target_precision.unwrap_or(d.target_precision),
        ..d
    };
    // The rules' findings are features of the model: train with the rules alone.
    let rules = Screener::with_model(config.screening.clone(), None)?;
    let started = std::time::Instant::now();
    let trained = screen::intent::train::train(&rules, &examples, &concepts, &params)?;
    let bytes = trained.model.to_bytes()?;
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("could not write {}", args.out.display()))?;
    let r = &trained.report;
    println!(
        "trained {} on {} examples from {} files ({}-fold cross-validation) in {:.1} s: {} features, {} bytes",
        trained.model.version(),
        r.examples,
        files.len(),
        r.folds,
        started.elapsed().as_secs_f64(),
        r.features,
        bytes.len()
    );
    println!("data sha256: {}", r.data_sha256);
    println!(
        "{:<22} {:>9} {:>9} {:>6} {:>6} {:>6} {:>8} {:>10}",
        "validation split",
        "threshold",
        "positives",
        "rules",
        "model",
        "false",
        "recall",
        "model prec"
    );
    for c in &r.categories {
        println!(
            "{:<22} {:>9.3} {:>9} {:>6} {:>6} {:>6} {:>8.3} {:>10.3}",
            c.category,
            c.threshold,
            c.positives,
            c.rules_found,
            c.model_found,
            c.model_false,
            c.recall,
            c.model_precision
        );
    }
    println!("written to {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Every message an investigator judged, labelled with what its findings said, less the findings marked wrong,
/// plus the violations marked missed.
async fn verdict_examples(config: &Config, weight: f32) -> anyhow::Result<Vec<Example>> {
    let store = crate::open_store(config).await?;
    let mut out = Vec::new();
    for (message, verdicts) in store.messages_with_verdicts().await? {
        let mut labels: Vec<Category> = message
            .findings
            .0
            .iter()
            .filter_map(|f| Category::parse(&f.category).ok())
            .collect();
        for v in &verdicts {
            let c = Category::parse(&v.category)
                .map_err(|e| anyhow::anyhow!("verdict {}: {e}", v.id))?;
            match v.kind {
                domain::VerdictKind::FindingWrong => labels.retain(|x| *x != c),
                domain::VerdictKind::Violation => labels.push(c),
            }
        }
        labels.sort();
        labels.dedup();
        out.push(Example {
            text: message.original_text,
            region: None,
            sender: Some(match message.sender_role {
                domain::Side::Buyer => screen::Role::Buyer,
                domain::Side::Seller => screen::Role::Seller,
            }),
            labels,
            weight,
        });
    }
    Ok(out)
}

fn activate(config: &Config, file: &Path, actor: &str) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
    crate::runtime()?.block_on(async {
        let store = crate::open_store(config).await?;
        let previous = server::screening::activated_model(&store).await?;
        let (record, changed) = server::screening::activate_model(
            &store,
            &bytes,
            &format!("cli:{actor}"),
            crate::wall_clock(),
        )
        .await?;
        if changed {
            println!(
                "activated {} (was {}); servers on this database use it from their next start",
                record.version,
                previous.map_or("the configured or built-in model".to_string(), |(_, r)| r
                    .version)
            );
        } else {
            println!(
                "{} is already the active model; nothing changed",
                record.version
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn compare(config: &Config, args: &CompareArgs) -> anyhow::Result<ExitCode> {
    // The active model: the one activated in the database, else the configured or built-in one.
    let activated = crate::runtime()?.block_on(async {
        let store = crate::open_store(config).await?;
        anyhow::Ok(server::screening::activated_model(&store).await?)
    })?;
    let active = match activated {
        Some((model, _)) => Screener::with_model(config.screening.clone(), Some(model))?,
        None => server::screening::build_screener(&config.screening)?,
    };
    let candidate_model = read_model(&args.candidate)?;
    let candidate_version = candidate_model.version().to_string();
    let candidate = Screener::with_model(config.screening.clone(), Some(candidate_model))?;
    let files = if args.on.is_empty() {
        let mut f = vec![PathBuf::from("corpus/messages.jsonl")];
        f.extend(jsonl_files(Path::new("corpus/heldout"))?);
        f
    } else {
        args.on.clone()
    };
    let active_version = active
        .model()
        .map_or("rules only".to_string(), |m| m.version().to_string());
    println!("active: {active_version}    candidate: {candidate_version}");
    for f in files {
        let content = std::fs::read_to_string(&f)
            .with_context(|| format!("could not read {}", f.display()))?;
        let a = evaluate(&active, &content, 0)?;
        let b = evaluate(&candidate, &content, 0)?;
        println!("\n== {} ({} lines)", f.display(), a.lines);
        println!(
            "{:<22} {:>17} {:>17}",
            "", "active P / R", "candidate P / R"
        );
        for c in Category::ALL {
            println!(
                "{:<22} {:>8.3} / {:>6.3} {:>8.3} / {:>6.3}{}",
                c.as_str(),
                a.precision(c),
                a.recall(c),
                b.precision(c),
                b.recall(c),
                mark(&a, &b, c)
            );
        }
        println!(
            "{:<22} {:>17.3} {:>17.3}",
            "any finding (recall)",
            a.any_finding_recall(),
            b.any_finding_recall()
        );
        println!(
            "{:<22} {:>16.2}% {:>16.2}%",
            "clean lines flagged",
            a.clean_share() * 100.0,
            b.clean_share() * 100.0
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A mark where the candidate is worse than the active model on a category.
fn mark(a: &Summary, b: &Summary, c: Category) -> &'static str {
    if b.recall(c) < a.recall(c) || b.precision(c) < a.precision(c) {
        "   <- worse"
    } else {
        ""
    }
}

fn show(model: &IntentModel) {
    let info = model.info();
    println!("version:    {}", info.version);
    println!("features:   {}", model.len());
    for (c, t) in INTENTS.iter().zip(&info.thresholds) {
        println!("threshold:  {:<22} {t:.3}", c.as_str());
    }
    println!(
        "training:   {}",
        serde_json::to_string_pretty(&info.training).unwrap_or_else(|e| e.to_string())
    );
}

fn read_model(path: &Path) -> anyhow::Result<IntentModel> {
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    IntentModel::from_bytes(&bytes)
        .with_context(|| format!("{} is not a usable model", path.display()))
}

/// The file itself, or a folder's `*.jsonl` files in name order.
fn jsonl_files(p: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if p.is_file() {
        return Ok(vec![p.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(p)
        .with_context(|| format!("could not read the folder {}", p.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|f| f.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    Ok(files)
}

fn example(line: &str) -> anyhow::Result<Example> {
    let l = LabelledLine::parse(line)?;
    Ok(Example {
        text: l.text,
        region: l.region,
        sender: l.sender,
        labels: l.labels,
        weight: l.weight,
    })
}
