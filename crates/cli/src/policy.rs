//! `marketguard policy check FILE`: validates a communication policy and reports how its decisions would differ
//! from the active policy's over the stored messages, before anyone applies it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use policy::{ContactGrant, Policy};
use server::Config;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Validate a policy file and compare its decisions with the active policy's over the stored messages.
    Check {
        file: PathBuf,
        /// How many changed messages to list as examples.
        #[arg(long, default_value_t = 10)]
        examples: usize,
    },
}

pub fn run(config: &Config, command: &Command) -> anyhow::Result<ExitCode> {
    let Command::Check { file, examples } = command;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("could not read {}", file.display()))?;
    let candidate = match Policy::parse(&text) {
        Ok(p) => p,
        Err(e) => {
            println!("{}: INVALID: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    println!(
        "{}: valid communication policy, version {} ({} rules, {} ladder rungs, strike window {} days)",
        file.display(),
        candidate.version,
        candidate.rules.len(),
        candidate.ladder.len(),
        candidate.strikes.window.whole_days()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    runtime.block_on(compare(config, &candidate, *examples))
}

async fn compare(config: &Config, candidate: &Policy, examples: usize) -> anyhow::Result<ExitCode> {
    let store = store::Store::open_and_migrate(&config.database_url).await?;
    let (active, source) = match store.active_policy_version("communication").await? {
        Some(record) => (
            Policy::parse(&record.content).map_err(|e| {
                anyhow::anyhow!("the active policy stored in the database is not valid: {e}")
            })?,
            format!(
                "active since {} (by {})",
                store::format_time(record.activated_at),
                record.activated_by
            ),
        ),
        None => (
            server::runtime::load_policy(&config.messaging).map_err(anyhow::Error::msg)?,
            "from the configuration (no policy was activated in this database yet)".to_string(),
        ),
    };
    println!("active policy: version {} {source}", active.version);
    if active.version == candidate.version && active.content_sha256() != candidate.content_sha256()
    {
        println!(
            "WARNING: version {} is already in use for a different document; give this policy a new version or activation will be refused",
            candidate.version
        );
    }
    let mut total = 0u64;
    let mut changed = 0u64;
    let mut transitions: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut shown = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.messages_page(after.as_deref(), 1000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        for m in &page {
            total += 1;
            let categories = categories_of(&m.findings);
            let grant = if m.contact_grant {
                ContactGrant::Active
            } else {
                ContactGrant::Absent
            };
            let role = match m.sender_role {
                domain::Side::Buyer => screen::Role::Buyer,
                domain::Side::Seller => screen::Role::Seller,
            };
            let old = active.decide(&categories, grant, role);
            let new = candidate.decide(&categories, grant, role);
            if (old.action, &old.rule) != (new.action, &new.rule) {
                changed += 1;
                *transitions
                    .entry((old.action.to_string(), new.action.to_string()))
                    .or_default() += 1;
                if shown.len() < examples {
                    shown.push(format!(
                        "  message {}: {} ({}) -> {} ({})  [{}]",
                        m.id,
                        old.action,
                        old.rule,
                        new.action,
                        new.rule,
                        categories
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
    }
    println!("stored messages re-decided: {total}; decisions that would change: {changed}");
    for ((from, to), n) in &transitions {
        println!("  {from} -> {to}: {n}");
    }
    if !shown.is_empty() {
        println!("examples:");
        for line in shown {
            println!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The categories of the findings stored with a message (unknown names, from an older binary, are skipped).
fn categories_of(findings: &domain::StoredFindings) -> Vec<screen::Category> {
    let mut c: Vec<screen::Category> = findings
        .0
        .iter()
        .filter_map(|f| screen::Category::parse(&f.category).ok())
        .collect();
    c.sort();
    c.dedup();
    c
}
