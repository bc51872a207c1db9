//! `marketguard`: the one binary. Each subcommand is a thin shell over the library crates.

mod audit;
mod bench;
// A benchmark reads the wall clock to seed and date its runs.
#[allow(clippy::disallowed_methods)]
mod bench_messaging;
mod eval;
mod model;
mod policy;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use server::Config;
use server::config::Overrides;

#[derive(Debug, Parser)]
#[command(
    name = "marketguard",
    version,
    about = "Trust and safety for online marketplaces"
)]
struct Cli {
    /// A TOML configuration file (also MARKETGUARD_CONFIG).
    #[arg(long, global = true, env = "MARKETGUARD_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// `--listen`, on the commands that serve (or show the configuration).
#[derive(Debug, Clone, clap::Args)]
struct ListenArg {
    /// Where the server listens, ADDR:PORT or HOST:PORT (overrides the file and MARKETGUARD_LISTEN).
    #[arg(long, value_parser = parse_listen)]
    listen: Option<std::net::SocketAddr>,
}

/// `--database-url`, on the commands that use the database (after their subcommands too: `admin api-key list
/// --database-url URL`).
#[derive(Debug, Clone, clap::Args)]
struct DatabaseArg {
    /// `sqlite://PATH` or `postgres://...` (overrides the file and MARKETGUARD_DATABASE_URL).
    #[arg(long, global = true)]
    database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve {
        /// Seed a small demo marketplace (idempotent) and demo console accounts, and print the console's address
        /// and login. For trying Marketguard out, never for real data.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        listen: ListenArg,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Bring the database schema up to date.
    Migrate {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Print the effective configuration, secrets hidden.
    Config {
        #[command(flatten)]
        listen: ListenArg,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Administration: API keys.
    Admin {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit log.
    Audit {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(subcommand)]
        command: audit::Command,
    },
    /// Screen messages: JSON Lines on standard input, one result line each on standard output.
    Scan(scan::Args),
    /// Measure the screening engine on a labelled JSON Lines file.
    Eval(eval::Args),
    /// Measure screening speed and memory: messages per second, p50/p99 latency.
    Bench(bench::Args),
    /// The communication policy: `policy check FILE`.
    Policy {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(subcommand)]
        command: policy::Command,
    },
    /// The screening engine's learned intent model: `model train`, `model compare NEW`, `model activate FILE`,
    /// `model show [FILE]` (the database holds the activated model and the investigators' verdicts).
    Model {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(subcommand)]
        command: model::Command,
    },
    /// Measure message sends over HTTP (screen, decide, store) against a real server: sends/s, p50/p99 latency.
    BenchMessaging(bench_messaging::Args),
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// API keys for the marketplace's backend.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Accounts for the investigator console (`/console`).
    ConsoleAccount {
        #[command(subcommand)]
        command: ConsoleAccountCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ConsoleAccountCommand {
    /// Create an account; the password is read from standard input (one line). Two-step sign-in is turned on
    /// and its secret printed once (needs `security.encryption_key`).
    Create {
        #[arg(long)]
        username: String,
        /// `investigator` or `admin`.
        #[arg(long, default_value = "investigator")]
        role: String,
        /// Shown in the console; the username when absent.
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the accounts.
    List,
}

#[derive(Debug, Subcommand)]
enum ApiKeyCommand {
    /// Create a key; the key itself is printed alone on the last line, this once.
    Create {
        #[arg(long)]
        name: String,
        /// Comma-separated: screen, messaging, contact, security, reports, investigator, admin; or `all`.
        #[arg(long)]
        scopes: String,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key by id or prefix.
    Revoke { id: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_text(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once: many errors name their cause in their own message already, and the
/// chain after it would say it again.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let said = cause.to_string();
        if text.contains(&said) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&said);
    }
    text
}

/// `--listen`: an address (`127.0.0.1:8080`, `[::1]:8080`) or a host name with a port (`localhost:8080`),
/// resolved to its first address.
fn parse_listen(s: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::ToSocketAddrs as _;
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    s.to_socket_addrs()
        .map_err(|e| format!("`{s}` is not ADDR:PORT or HOST:PORT ({e})"))?
        .next()
        .ok_or_else(|| format!("`{s}` resolves to no address"))
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let (listen, database) = match &cli.command {
        Command::Serve {
            listen, database, ..
        }
        | Command::Config { listen, database } => (listen.listen, Some(database)),
        Command::Migrate { database }
        | Command::Admin { database, .. }
        | Command::Audit { database, .. }
        | Command::Policy { database, .. }
        | Command::Model { database, .. } => (None, Some(database)),
        _ => (None, None),
    };
    let overrides = Overrides {
        listen,
        database_url: database.and_then(|d| d.database_url.clone()),
    };
    Ok(Config::load(
        cli.config.as_deref(),
        std::env::vars(),
        &overrides,
    )?)
}

pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = load_config(&cli)?;
    // The commands that write or verify audit entries need the data key the audit chain is keyed under: the key
    // file `serve` made beside a SQLite database, if there is one (never a new one; `serve` makes it).
    if matches!(
        cli.command,
        Command::Admin { .. } | Command::Audit { .. } | Command::Model { .. }
    ) {
        server::keyfile::ensure_data_key(&mut config, false)?;
    }
    match cli.command {
        Command::Serve { demo: false, .. } => {
            let mut config = config;
            server::init_logging(&config.log);
            say_data_key(&server::keyfile::ensure_data_key(&mut config, true)?);
            runtime()?.block_on(server::serve(config, |addr| {
                println!("marketguard listening on http://{addr}");
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            demo: true,
            database,
            ..
        } => serve_demo(config, database.database_url),
        Command::Migrate { .. } => runtime()?.block_on(async {
            let store = store::Store::open_and_migrate(&config.database_url).await?;
            println!(
                "database {} is at schema version {}",
                store::redact_url(&config.database_url),
                store.database_schema_version().await?
            );
            Ok(ExitCode::SUCCESS)
        }),
        Command::Config { .. } => {
            print!("{}", config.to_redacted_toml());
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command: AdminCommand::ApiKey { command },
            ..
        } => runtime()?.block_on(api_key(&config, command)),
        Command::Admin {
            command: AdminCommand::ConsoleAccount { command },
            ..
        } => runtime()?.block_on(console_account(&config, command)),
        Command::Audit { command, .. } => runtime()?.block_on(audit::run(&config, command)),
        Command::Scan(args) => scan::run(&config, &args),
        Command::Eval(args) => eval::run(&config, &args),
        Command::Bench(args) => bench::run(&config, &args),
        Command::Policy { command, .. } => policy::run(&config, &command),
        Command::Model { command, .. } => model::run(&config, &command),
        Command::BenchMessaging(args) => bench_messaging::run(config, &args),
    }
}

/// Says on standard error where the data key came from (its path, never the key), or warns that there is none.
fn say_data_key(source: &server::keyfile::DataKeySource) {
    use server::keyfile::DataKeySource;
    match source {
        DataKeySource::Configured => {}
        DataKeySource::Created(path) => eprintln!(
            "Generated the data key (security.encryption_key) in {} (mode 0600). Back it up with the database: \
             without it, TOTP secrets and contact numbers stored under it cannot be read.",
            path.display()
        ),
        DataKeySource::Read(path) => {
            eprintln!("Data key (security.encryption_key): {}", path.display());
        }
        DataKeySource::Missing => eprintln!(
            "warning: security.encryption_key is not set (MARKETGUARD_SECURITY__ENCRYPTION_KEY): TOTP enrolment, \
             console accounts and contact grants are refused until it is. Set it to 32 random bytes in base64 \
             (`openssl rand -base64 32`) and keep it outside the database."
        ),
    }
}

/// Opens and migrates the database with the audit log's keys (from `security.encryption_key`), for the commands
/// that write or verify audit entries.
pub(crate) async fn open_store(config: &Config) -> anyhow::Result<store::Store> {
    Ok(store::Store::open_and_migrate(&config.database_url)
        .await?
        .with_audit_keys(config.security.audit_keys()))
}

async fn api_key(config: &Config, command: ApiKeyCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    let now = wall_clock();
    match command {
        ApiKeyCommand::Create { name, scopes } => {
            let scopes = store::Scope::parse_list(&scopes)?;
            let new = store.create_api_key(&name, &scopes, "cli", now).await?;
            let scopes: Vec<&str> = new.key.scopes.iter().map(|s| s.as_str()).collect();
            println!(
                "Created API key \"{}\" (id {}, prefix {})",
                new.key.name, new.key.id, new.key.prefix
            );
            println!("Scopes: {}", scopes.join(","));
            println!("This is the only time the key is shown; store it as a secret. The key:");
            println!("{}", new.secret);
        }
        ApiKeyCommand::List => {
            let keys = store.list_api_keys().await?;
            if keys.is_empty() {
                println!(
                    "no API keys; create one with `marketguard admin api-key create --name N --scopes S`"
                );
            }
            for k in keys {
                let scopes: Vec<&str> = k.scopes.iter().map(|s| s.as_str()).collect();
                let state = match k.revoked_at {
                    Some(t) => format!("revoked {}", store::format_time(t)),
                    None => "active".to_string(),
                };
                println!(
                    "{}  {}  {:<24} {:<50} created {}  {}",
                    k.id,
                    k.prefix,
                    k.name,
                    scopes.join(","),
                    store::format_time(k.created_at),
                    state
                );
            }
        }
        ApiKeyCommand::Revoke { id } => {
            let k = store.revoke_api_key(&id, "cli", now).await?;
            println!("revoked API key \"{}\" ({}, {})", k.name, k.id, k.prefix);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn console_account(
    config: &Config,
    command: ConsoleAccountCommand,
) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    let now = wall_clock();
    match command {
        ConsoleAccountCommand::Create {
            username,
            role,
            display_name,
            email,
            password_stdin: _,
        } => {
            let role = store::security::ConsoleRole::parse(&role)?;
            anyhow::ensure!(
                config.security.data_key().is_some(),
                "console accounts sign in with a second factor, whose secret is encrypted: set security.encryption_key (MARKETGUARD_SECURITY__ENCRYPTION_KEY) to 32 random bytes in base64 first (on SQLite, `marketguard serve` keeps one in a key file beside the database: start it once)"
            );
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("could not read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let account = server::security::console::create_account(
                &store,
                &config.security,
                &username,
                display_name.as_deref().unwrap_or(&username),
                email.as_deref(),
                role,
                password,
                "cli",
                now,
            )
            .await?;
            println!(
                "Created console account {} ({}, id {})",
                account.username,
                account.role.as_str(),
                account.id
            );
            let e = server::security::console::enrol_totp(&store, &config.security, &account, now)
                .await?;
            println!(
                "Two-step sign-in is on. Add this secret to an authenticator app (shown only now):"
            );
            println!("{}", e.secret_base32);
            println!("{}", e.otpauth_uri);
        }
        ConsoleAccountCommand::List => {
            for a in store.console_accounts().await? {
                println!(
                    "{}  {:<24} {:<12} {:<8} second factor {}",
                    a.id,
                    a.username,
                    a.role.as_str(),
                    a.status,
                    if a.totp_secret_enc.is_some() {
                        "on"
                    } else {
                        "off"
                    }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `serve --demo`: on its own database (`--database-url` or `./marketguard-demo.db`, never the configured one),
/// refused when that database holds data the demo did not create.
fn serve_demo(mut config: Config, database_url: Option<String>) -> anyhow::Result<ExitCode> {
    server::init_logging(&config.log);
    config.database_url = database_url.unwrap_or_else(|| server::demo::DATABASE_URL.into());
    eprintln!("demo: database {}", store::redact_url(&config.database_url));
    for note in server::demo::configure(&mut config) {
        eprintln!("demo: {note}");
    }
    let rt = runtime()?;
    let login = rt.block_on(async {
        let store = open_store(&config).await?;
        server::demo::check_database(&store).await?;
        let state = server::AppState::new(config.clone(), store.clone())?;
        let login = server::demo::seed(&state).await?;
        store.close().await;
        anyhow::Ok(login)
    })?;
    rt.block_on(server::serve(config, move |addr| {
        let now = wall_clock();
        println!("marketguard listening on http://{addr}");
        println!();
        println!(
            "Demo marketplace: {} users, {} conversations, {} messages, {} open cases, {} resolved.",
            login.users, login.conversations, login.messages, login.cases_open, login.cases_resolved
        );
        println!("Console:     http://{addr}/console");
        println!(
            "Username:    {} (investigator) or {} (admin)",
            login.username, login.admin_username
        );
        println!("Password:    {}", login.password);
        println!(
            "TOTP secret: {} (add it to an authenticator app)",
            login.totp_secret_base32
        );
        println!("Code now:    {} (changes every 30 s)", login.code_at(now));
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// The binary's clock, for the admin commands (the server has its own, `AppState::clock`).
#[allow(clippy::disallowed_methods)]
pub(crate) fn wall_clock() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
