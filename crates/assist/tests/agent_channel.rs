//! The device channel with real processes: `assist serve` and `assist agent run`. The agent
//! opens its channel and checks in on it; the server is killed and started again on the same
//! port and data, and the channel comes back within the agent's backoff; retiring the device
//! reaches the agent on its channel and stops it.

use assist_agent::channel::{CHANNEL_BACKOFF_INITIAL, CHANNEL_BACKOFF_MAX};
use assist_agent::identity::Identity;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_assist");
const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_PASSWORD: &str = "admin-password-123";
/// How long the server may take to print its readiness line.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running process, killed on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `assist serve` on `listen` with its data in `data`; the base URL once it listens.
fn serve(listen: &str, data: &Path) -> (Proc, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", listen, "--tls", "off"])
        .arg("--data")
        .arg(data)
        .args([
            "--admin-email",
            ADMIN_EMAIL,
            "--admin-password",
            ADMIN_PASSWORD,
        ])
        .env("ASSIST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("assist serve starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("Assist listening on ") {
                let _ = tx.send(url.trim().to_owned());
            }
        }
    });
    let base = rx
        .recv_timeout(READY_TIMEOUT)
        .expect("the server prints its readiness line");
    (Proc(child), base)
}

async fn admin(base: &str) -> reqwest::Client {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = c
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "administrator signs in");
    c
}

async fn device(admin: &reqwest::Client, base: &str, id: &str) -> Value {
    let res = admin
        .get(format!("{base}/api/devices/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Waits until `pred` holds for the device, at most `limit`; how long it took.
async fn until(
    admin: &reqwest::Client,
    base: &str,
    id: &str,
    limit: Duration,
    what: &str,
    pred: impl Fn(&Value) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        let d = device(admin, base, id).await;
        if pred(&d) {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "{what} not within {limit:?}: {d}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn agent(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("agent").arg("--config-dir").arg(dir).args(args);
    cmd
}

/// `text` without ANSI colour sequences (the log may be coloured).
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_channel_survives_a_server_restart_and_hears_its_retirement() {
    let dir = tempfile::tempdir().unwrap();
    let data: PathBuf = dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let (server, base) = serve(&listen, &data);
    let admin_c = admin(&base).await;
    let token: Value = admin_c
        .post(format!("{base}/api/enrollment-tokens"))
        .json(&json!({"name": "channel test"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cfg = dir.path().join("agent");
    let out = agent(
        &cfg,
        &[
            "enroll",
            "--server",
            &base,
            "--token",
            token["token"].as_str().unwrap(),
        ],
    )
    .env("ASSIST_LOG", "warn")
    .output()
    .unwrap();
    assert!(out.status.success(), "{out:?}");
    let id = Identity::load(&cfg).unwrap().device_id;
    let enrolled = device(&admin_c, &base, &id).await;
    assert_eq!(enrolled["online"], false);

    // `agent run`: the channel opens and the first check-in travels on it.
    let run = agent(&cfg, &["run", "--no-join", "--log-to", "stderr"])
        .env("ASSIST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut run = Proc(run);
    let stderr = run.0.stderr.take().unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                log.lock().unwrap().push_str(&line);
                log.lock().unwrap().push('\n');
            }
        });
    }
    let checked_in = enrolled["last_check_in"].as_i64().unwrap();
    until(
        &admin_c,
        &base,
        &id,
        Duration::from_secs(20),
        "online with a check-in",
        |d| d["online"] == true && d["last_check_in"].as_i64().unwrap() > checked_in,
    )
    .await;
    let logged = plain(&log.lock().unwrap());
    assert!(logged.contains("device channel open"), "{logged}");
    assert!(
        logged.contains("checked in") && logged.contains("channel=true"),
        "the check-in went over the channel: {logged}"
    );

    // The server dies and comes back on the same port and data: the channel is back within the
    // agent's backoff (the first bounds of its growing delays, plus the server's start).
    drop(server);
    let restarted_at = now_ms();
    let (server, base2) = serve(&listen, &data);
    assert_eq!(base2, base);
    let admin_c = admin(&base).await;
    let limit = CHANNEL_BACKOFF_INITIAL * (1 + 2 + 4 + 8) + Duration::from_secs(5);
    assert!(limit < CHANNEL_BACKOFF_MAX * 2);
    let took = until(
        &admin_c,
        &base,
        &id,
        limit,
        "the channel back after the restart",
        |d| d["online"] == true && d["online_changed_at"].as_i64().unwrap_or(0) >= restarted_at,
    )
    .await;
    eprintln!("channel back {took:?} after the server listened again");

    // Retired: the server tells the agent on its channel, and `agent run` stops.
    let res = admin_c
        .post(format!("{base}/api/devices/{id}/retire"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = run.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(10),
            "agent run did not stop on retirement"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(!status.success());
    std::thread::sleep(Duration::from_millis(200));
    let logged = plain(&log.lock().unwrap());
    assert!(logged.contains("device_retired"), "{logged}");
    until(
        &admin_c,
        &base,
        &id,
        Duration::from_secs(10),
        "offline after retirement",
        |d| d["online"] == false,
    )
    .await;
    drop(server);
}
