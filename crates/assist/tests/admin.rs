//! `assist admin`: recovery commands against a server's database (SQLite in its data directory,
//! or PostgreSQL), with the server running.

use assist_server::config::{Config, TlsMode};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_assist");
const EMAIL: &str = "admin@example.com";
const PASSWORD: &str = "first-password-123";

/// A server on loopback over a fresh database; `flags` point `assist admin` at the same one.
struct Server {
    base: String,
    state: assist_server::state::AppState,
    flags: Vec<String>,
    pg_db: Option<String>,
    _dir: tempfile::TempDir,
}

fn pg_admin_url() -> String {
    std::env::var("ASSIST_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn pg_exec(sql: String) {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&pg_admin_url()).await.unwrap();
    pool.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
    pool.close().await;
}

impl Server {
    async fn start(postgres: bool) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let (database, pg_db, flags) = if postgres {
            let name = format!("assist_cli_{}", std::process::id());
            pg_exec(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
            pg_exec(format!("CREATE DATABASE {name}")).await;
            let base = pg_admin_url();
            let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
            (
                Some(url.clone()),
                Some(name),
                vec!["--database".to_owned(), url],
            )
        } else {
            let data = dir.path().display().to_string();
            (None, None, vec!["--data".to_owned(), data])
        };
        let config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data: dir.path().to_path_buf(),
            database,
            tls: TlsMode::Off,
            admin_email: Some(EMAIL.into()),
            admin_password: Some(PASSWORD.into()),
            ..Config::default()
        };
        let prepared = assist_server::prepare(config).await.unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = prepared.state.clone();
        tokio::spawn(async move {
            let _ = assist_server::serve(prepared.state, listener).await;
        });
        Server {
            base,
            state,
            flags,
            pg_db,
            _dir: dir,
        }
    }

    /// `assist admin ARGS... <flags>`, with `stdin` on its standard input.
    fn admin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(BIN)
            .arg("admin")
            .args(args)
            .args(&self.flags)
            .env_remove("ASSIST_DATA")
            .env_remove("ASSIST_DATABASE")
            .env_remove("ASSIST_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    async fn sign_in(&self, email: &str, password: &str) -> (u16, reqwest::Client) {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = c
            .post(format!("{}/api/auth/login", self.base))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), c)
    }

    async fn get(&self, c: &reqwest::Client, path: &str) -> (u16, Value) {
        let res = c.get(format!("{}{path}", self.base)).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn stop(self) {
        self.state.store.close().await;
        if let Some(name) = &self.pg_db {
            pg_exec(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn recovery(postgres: bool) {
    let s = Server::start(postgres).await;
    let (status, old) = s.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(status, 200);
    // An API token made with the old password (an agent's sign-in is one).
    let res = old
        .post(format!("{}/api/tokens", s.base))
        .json(&json!({"name": "agent"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let with_token = |path: &str| {
        reqwest::Client::new()
            .get(format!("{}{path}", s.base))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(with_token("/api/me").await.unwrap().status().as_u16(), 200);
    // Locked out as an older version allowed: the administrator disabled and unassigned.
    let pool = s.state.store.pool();
    sqlx::query("UPDATE users SET disabled = 1")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM role_assignments")
        .execute(pool)
        .await
        .unwrap();

    let out = s.admin(&["grant-admin", EMAIL], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("is now an administrator"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("enabled again"), "{}", text(&out));

    // Enabled again, the token works until the reset.
    assert_eq!(with_token("/api/me").await.unwrap().status().as_u16(), 200);
    let out = s.admin(&["reset-password", EMAIL], None);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    let password = said
        .split("password for admin@example.com: ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no password in {said}"))
        .to_owned();
    assert_eq!(password.len(), 20);
    // The old session and API token are over, the old password no longer works, the new one
    // does, and the account can administer again.
    assert_eq!(s.get(&old, "/api/me").await.0, 401);
    assert_eq!(with_token("/api/me").await.unwrap().status().as_u16(), 401);
    assert_eq!(s.sign_in(EMAIL, PASSWORD).await.0, 401);
    let (status, admin) = s.sign_in(EMAIL, &password).await;
    assert_eq!(status, 200);
    let (status, log) = s.get(&admin, "/api/audit?actor_id=").await;
    assert_eq!(status, 200);
    let actions: Vec<(&str, &str)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "assist admin")
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["detail"]["email"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [("user.password_reset", EMAIL), ("role.assigned", EMAIL)]
    );

    // A chosen password from standard input.
    let out = s.admin(
        &["reset-password", EMAIL, "--password-stdin"],
        Some("chosen-password-456\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(s.get(&admin, "/api/me").await.0, 401);
    assert_eq!(s.sign_in(EMAIL, "chosen-password-456").await.0, 200);
    let out = s.admin(
        &["reset-password", EMAIL, "--password-stdin"],
        Some("short\n"),
    );
    assert!(!out.status.success());
    let out = s.admin(&["reset-password", "nobody@example.com"], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("no user"), "{}", text(&out));

    // The chain verifies; a changed entry is reported with exit status 1.
    let out = s.admin(&["verify-audit"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("intact"), "{}", text(&out));
    let drop = if postgres {
        "DROP TRIGGER audit_no_change ON audit"
    } else {
        "DROP TRIGGER audit_no_update"
    };
    sqlx::query(drop).execute(pool).await.unwrap();
    sqlx::query("UPDATE audit SET actor = 'someone else' WHERE seq = 2")
        .execute(pool)
        .await
        .unwrap();
    let out = s.admin(&["verify-audit"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("BROKEN at entry"), "{}", text(&out));
    assert!(text(&out).contains("(link 2)"), "{}", text(&out));
    assert!(text(&out).contains("altered"), "{}", text(&out));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_on_sqlite() {
    recovery(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_on_postgres() {
    recovery(true).await;
}

#[test]
fn a_missing_data_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["admin", "verify-audit", "--data"])
        .arg(dir.path().join("nothing"))
        .env_remove("ASSIST_DATABASE")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("no database in"), "{}", text(&out));
}
