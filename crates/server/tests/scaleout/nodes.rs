//! Server nodes as child processes, a fresh PostgreSQL database, and clients of either node.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, Api};
use reqwest::{Client, StatusCode};
use serde_json::json;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The NATS server of the test machine.
pub const NATS_URL: &str = "nats://127.0.0.1:4222";
/// How long a node may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(30);

fn pg_admin_url() -> String {
    std::env::var("ASSIST_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn pg_exec(sql: String) {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&pg_admin_url()).await.expect(
        "PostgreSQL must run on 127.0.0.1:5432 with trust auth (or set ASSIST_TEST_POSTGRES)",
    );
    pool.execute(sqlx::AssertSqlSafe(sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    pool.close().await;
}

/// A fresh PostgreSQL database, dropped by `drop_db`.
pub struct Database {
    pub name: String,
    pub url: String,
}

impl Database {
    pub async fn create() -> Database {
        use rand::RngCore;
        let mut b = [0u8; 8];
        rand::rng().fill_bytes(&mut b);
        let name = format!("assist_scale_{}", hex::encode(b));
        pg_exec(format!("CREATE DATABASE {name}")).await;
        let admin = pg_admin_url();
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap_or(admin);
        Database {
            url: format!("{base}/{name}"),
            name,
        }
    }

    pub async fn drop_db(self) {
        pg_exec(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .await;
    }
}

/// The `assist` binary built next to this test.
pub fn assist_bin() -> PathBuf {
    if let Ok(p) = std::env::var("ASSIST_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test binary path");
    // target/debug/deps/scaleout-HASH → target/debug/assist
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target directory");
    let bin = dir.join(format!("assist{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p assist` first (or set ASSIST_BIN)",
        bin.display()
    );
    bin
}

/// One `assist serve` process.
pub struct Node {
    pub base: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Node {
    /// Starts a node on `db` and the NATS bus; returns once it accepts connections.
    pub async fn start(db: &Database, extra: &[&str]) -> Node {
        Node::start_on_bus(db, NATS_URL, extra).await
    }

    /// Starts a node on `db` and the bus `bus` (one URL or several separated by commas).
    pub async fn start_on_bus(db: &Database, bus: &str, extra: &[&str]) -> Node {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut cmd = Command::new(assist_bin());
        cmd.arg("serve")
            .args(["--listen", "127.0.0.1:0", "--tls", "off"])
            .arg("--data")
            .arg(dir.path())
            .args(["--database", &db.url, "--bus", bus])
            .args([
                "--admin-email",
                ADMIN_EMAIL,
                "--admin-password",
                ADMIN_PASSWORD,
            ])
            .args(extra)
            .env("ASSIST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("assist starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await.expect("node output") {
                if let Some(url) = line.strip_prefix("Assist listening on ") {
                    return url.trim().to_owned();
                }
            }
            panic!("the node exited before listening");
        })
        .await
        .expect("the node starts in time");
        // Keep draining stdout so the node never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Node {
            base,
            child,
            _dir: dir,
        }
    }

    /// A client of this node with a cookie jar, not signed in.
    pub fn client(&self) -> Api {
        Api {
            base: self.base.clone(),
            http: Client::builder().cookie_store(true).build().unwrap(),
            bearer: None,
        }
    }

    /// A client signed in with these credentials.
    pub async fn sign_in(&self, email: &str, password: &str) -> Api {
        let api = self.client();
        let res = api
            .post(
                "/api/auth/login",
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "sign-in of {email}");
        api
    }

    /// `api`'s bearer token, used against this node.
    pub fn same_token(&self, api: &Api) -> Api {
        Api {
            base: self.base.clone(),
            http: Client::new(),
            bearer: api.bearer.clone(),
        }
    }

    /// SIGTERM, as a service manager or an orchestrator stops a node for a rolling restart.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the node runs");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM sent to {pid}");
    }

    /// Waits up to `limit` for the node to exit; its exit status.
    pub async fn exited(mut self, limit: Duration) -> std::process::ExitStatus {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the node did not exit within {limit:?}"))
            .expect("the node's exit status")
    }

    /// SIGKILL: the node cannot say goodbye to anyone.
    pub async fn kill(mut self) {
        self.child.start_kill().expect("kill the node");
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
    }
}
