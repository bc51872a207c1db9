use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_marketguard");

/// Runs `marketguard ARGS` on the given database and returns its output.
pub fn run(db_url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .args(["--database-url", db_url])
        .env_remove("MARKETGUARD_CONFIG")
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Creates an API key with the CLI and returns it (the last line of the output).
pub fn create_key(db_url: &str, scopes: &str) -> String {
    let o = run(
        db_url,
        &[
            "admin", "api-key", "create", "--name", "e2e", "--scopes", scopes,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    stdout(&o).lines().last().unwrap().to_string()
}

/// `admin console-account create --username NAME` on the database, the password on standard input; `env` adds
/// variables (the data key).
pub fn create_console_account(db_url: &str, username: &str, env: &[(&str, &str)]) -> Output {
    use std::io::Write as _;
    let mut cmd = Command::new(BIN);
    cmd.args(["admin", "console-account", "create", "--username", username])
        .args([
            "--role",
            "admin",
            "--password-stdin",
            "--database-url",
            db_url,
        ])
        .env_remove("MARKETGUARD_CONFIG")
        .env_remove("MARKETGUARD_SECURITY__ENCRYPTION_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary runs");
    let mut stdin = child.stdin.take().expect("a pipe to standard input");
    writeln!(stdin, "Copper-Meadow-Violin-42").expect("the password is written");
    drop(stdin);
    child.wait_with_output().expect("the output can be read")
}

/// Runs `cmd` (with standard error captured), which must exit within 60 s: a command expected to refuse to start
/// fails the test instead of hanging it when it starts after all.
pub fn exits_soon(mut cmd: Command) -> Output {
    let mut child = cmd
        .env_remove("MARKETGUARD_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child
        .try_wait()
        .expect("the child can be waited for")
        .is_none()
    {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{cmd:?}` was expected to exit, but it was still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("the output can be read")
}

/// A running server, stopped (SIGTERM, then kill) when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    // The child is waited for in `Drop` (or killed and waited for on the error path).
    #[allow(clippy::zombie_processes)]
    pub fn start(db_url: &str, extra_env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--database-url", db_url]);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        Server::spawn(cmd)
    }

    /// Runs `cmd` (a `marketguard serve ...`) and waits until it says where it listens.
    #[allow(clippy::zombie_processes)]
    pub fn spawn(mut cmd: Command) -> Server {
        cmd.env_remove("MARKETGUARD_CONFIG")
            .env("MARKETGUARD_LOG__FILTER", "warn")
            .stdout(Stdio::piped());
        let mut child = cmd.spawn().expect("the server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(addr) = line.strip_prefix("marketguard listening on ") {
                        return Server {
                            child,
                            base: addr.trim().to_string(),
                        };
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("the server did not say where it listens within 30 s");
                }
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the process to exit; returns whether it exited cleanly.
    pub fn terminate(&mut self) -> bool {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
