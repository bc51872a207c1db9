//! `marketguard audit`: verify the keyed chain (and that it still extends the checkpoints in a file), make a
//! signed checkpoint of its head, print the key that signs them.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use server::Config;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the chain; exits non-zero and names the first bad entry when it is broken. With `--checkpoint FILE`,
    /// also check that the log still extends every checkpoint in FILE, naming the first that no longer holds.
    Verify {
        /// A file of checkpoints, one JSON line each, as `audit checkpoint --append` writes.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Print a signed statement of the head (entry count, head hash, time) as one JSON line, after verifying the
    /// chain; also POSTed to `audit.checkpoint_webhook_url` when configured. Needs `security.encryption_key`.
    Checkpoint {
        /// Also append the statement to FILE (created when missing).
        #[arg(long)]
        append: Option<PathBuf>,
    },
    /// Print the Ed25519 public key (hex) that signs checkpoints.
    PublicKey,
}

pub async fn run(config: &Config, command: Command) -> anyhow::Result<ExitCode> {
    let store = crate::open_store(config).await?;
    match command {
        Command::Verify { checkpoint } => verify(&store, checkpoint.as_deref()).await,
        Command::Checkpoint { append } => {
            let cp = store.audit_checkpoint(crate::wall_clock()).await?;
            let line = cp.to_line();
            if let Some(path) = &append {
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .with_context(|| format!("could not open {}", path.display()))?;
                writeln!(f, "{line}")
                    .with_context(|| format!("could not write {}", path.display()))?;
            }
            if let Some(url) = &config.audit.checkpoint_webhook_url {
                let answer = reqwest::Client::new()
                    .post(url)
                    .header("content-type", "application/json")
                    .body(line.clone())
                    .send()
                    .await
                    .with_context(|| format!("could not send the checkpoint to {url}"))?;
                anyhow::ensure!(
                    answer.status().is_success(),
                    "the checkpoint webhook {url} answered {}",
                    answer.status()
                );
            }
            println!("{line}");
            Ok(ExitCode::SUCCESS)
        }
        Command::PublicKey => {
            let key = store.audit_public_key().context(
                "checkpoints are signed with a key derived from security.encryption_key, which is not set",
            )?;
            println!("{key}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn verify(store: &store::Store, checkpoints: Option<&Path>) -> anyhow::Result<ExitCode> {
    let report = store.verify_audit_chain().await?;
    if let Some((seq, why)) = report.first_bad {
        println!(
            "audit log BROKEN at entry {seq}: {why} ({} entries before it verified)",
            report.entries
        );
        return Ok(ExitCode::FAILURE);
    }
    let legacy = match report.legacy {
        0 => String::new(),
        n if n == report.entries => format!(
            " (all {n} unkeyed: legacy entries, or no security.encryption_key when they were written)"
        ),
        n => format!(" (the first {n} unkeyed, from before the chain was keyed)"),
    };
    println!(
        "audit log intact: {} entries verified{legacy}",
        report.entries
    );
    let Some(path) = checkpoints else {
        return Ok(ExitCode::SUCCESS);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let checkpoints = store::Checkpoint::parse_lines(&text)?;
    match store.verify_checkpoints(&checkpoints).await? {
        None => {
            println!(
                "the log extends all {} checkpoints in {}",
                checkpoints.len(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(f) => {
            println!(
                "checkpoint {} ({} entries, at {}) no longer holds: {}",
                f.number, f.entries, f.at, f.why
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
