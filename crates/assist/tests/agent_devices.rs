//! The real `assist` binary as a server and as the device agent: enroll, check in, compliance
//! changing with policies, retirement; forged, replayed, expired and used-up requests refused;
//! the server's self-signed certificate pinned with `--ca-cert`.

use assist_agent::http::{Signer, canonical, new_nonce, now_ms};
use assist_agent::identity::Identity;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_assist");
const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_PASSWORD: &str = "admin-password-123";
/// How long the server may take to print its readiness line.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `assist serve`, killed on drop.
struct Server {
    child: Child,
    base: String,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(tls: &str) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--tls", tls])
            .arg("--data")
            .arg(&data)
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
        Server {
            child,
            base,
            data,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn admin(&self) -> reqwest::Client {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap();
        let res = c
            .post(self.url("/api/auth/login"))
            .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "administrator signs in");
        c
    }

    async fn token(&self, admin: &reqwest::Client, max_uses: i64) -> (String, String) {
        let v: Value = admin
            .post(self.url("/api/enrollment-tokens"))
            .json(&json!({"name": "process test", "max_uses": max_uses}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            v["id"].as_str().unwrap().to_owned(),
            v["token"].as_str().unwrap().to_owned(),
        )
    }
}

/// Runs `assist agent --config-dir DIR ARGS...`.
async fn agent(dir: &Path, args: &[&str]) -> Output {
    let dir = dir.to_owned();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .arg("agent")
            .arg("--config-dir")
            .arg(&dir)
            .args(&args)
            .env("ASSIST_LOG", "warn")
            .output()
            .expect("assist agent runs")
    })
    .await
    .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn get(admin: &reqwest::Client, url: String) -> Value {
    let res = admin.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Sends a check-in signed by `signer` with the given timestamp and nonce.
async fn signed(
    s: &Server,
    signer: &Signer,
    body: &[u8],
    ts: i64,
    nonce: &str,
) -> (StatusCode, Value) {
    let path = "/api/agent/check-in";
    let mut req = reqwest::Client::new()
        .post(s.url(path))
        .header("content-type", "application/json");
    for (k, v) in signer.headers("POST", path, body, ts, nonce) {
        req = req.header(k, v);
    }
    let res = req.body(body.to_vec()).send().await.unwrap();
    (res.status(), res.json().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_lifecycle_against_a_real_server() {
    let s = Server::start("off");
    let admin = s.admin().await;
    let cfg = tempfile::tempdir().unwrap();
    let dir = cfg.path().join("agent");
    let (_, token) = s.token(&admin, 1).await;

    // Enroll.
    let out = agent(
        &dir,
        &[
            "enroll",
            "--server",
            &s.base,
            "--token",
            &token,
            "--name",
            "proc-test-pc",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("Enrolled as device"), "{stdout}");
    assert!(stdout.contains("Compliance: not_evaluated"), "{stdout}");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("identity.json")), 0o600);
    }
    let id = Identity::load(&dir).unwrap();
    let device = id.device_id.clone();
    assert!(stdout.contains(&device));

    // The inventory shows this machine as the agent read it.
    let d = get(&admin, s.url(&format!("/api/devices/{device}"))).await;
    assert_eq!(d["name"], "proc-test-pc");
    assert_eq!(d["compliance"], "not_evaluated");
    assert_eq!(d["agent_version"], env!("CARGO_PKG_VERSION"));
    if let Ok(k) = std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        assert_eq!(d["kernel"], k.trim());
    }
    assert!(d["last_boot"].is_i64());
    for fact in ["disk_encryption", "firewall", "screen_lock"] {
        assert!(d["facts"]["notes"][fact].is_string(), "{fact} in {d}");
    }
    let os_id = d["os_id"].as_str().unwrap_or_default().to_owned();
    assert!(!os_id.is_empty(), "os-release ID reported: {d}");

    // A policy for all devices asking for a future OS version: not compliant.
    let res = admin
        .post(s.url("/api/compliance-policies"))
        .json(&json!({"name": "Minimum OS", "all_devices": true,
            "rules": {"min_os_versions": [{"os": os_id, "version": "9999"}]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let pid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = agent(&dir, &["run", "--once"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("Compliance: not_compliant"), "{stdout}");
    assert!(stdout.contains("Minimum OS: OS version"), "{stdout}");
    let d = get(&admin, s.url(&format!("/api/devices/{device}"))).await;
    assert_eq!(d["compliance"], "not_compliant");

    // The policy changes to a version this machine has: compliant, on the server at once and
    // in the agent's next check-in.
    let res = admin
        .put(s.url(&format!("/api/compliance-policies/{pid}")))
        .json(&json!({"name": "Minimum OS", "all_devices": true,
            "rules": {"min_os_versions": [{"os": os_id, "version": "0"}]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let d = get(&admin, s.url(&format!("/api/devices/{device}"))).await;
    assert_eq!(d["compliance"], "compliant", "{d}");
    let out = agent(&dir, &["run", "--once"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Compliance: compliant"),
        "{}",
        text(&out)
    );

    // Forged and replayed requests, with the agent's own signing code.
    let body = serde_json::to_vec(&json!({"name": "proc-test-pc"})).unwrap();
    let signer = Signer {
        device_id: device.clone(),
        key: id.key.clone(),
    };
    let (ts, nonce) = (now_ms(), new_nonce());
    assert_eq!(
        signed(&s, &signer, &body, ts, &nonce).await.0,
        StatusCode::OK
    );
    let (status, v) = signed(&s, &signer, &body, ts, &nonce).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_replay"))
    );
    let forger = Signer {
        device_id: device.clone(),
        key: assist_agent::identity::new_key(),
    };
    let (status, v) = signed(&s, &forger, &body, now_ms(), &new_nonce()).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_signature_invalid"))
    );
    assert!(canonical("POST", "/x", 1, "n", b"").starts_with("ASSIST-DEVICE-V1\nPOST\n/x\n"));

    // The token was for one device: used up.
    let other = cfg.path().join("other");
    let out = agent(&other, &["enroll", "--server", &s.base, "--token", &token]).await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("enrollment_token_used_up"),
        "{}",
        text(&out)
    );
    assert!(!other.join("identity.json").exists());
    // An expired token.
    let (eid, expired) = s.token(&admin, 5).await;
    sqlx::any::install_default_drivers();
    let db = format!("sqlite://{}", s.data.join("assist.db").display());
    let pool = sqlx::AnyPool::connect(&db).await.unwrap();
    sqlx::query("UPDATE enrollment_tokens SET expires_at = 1 WHERE id = $1")
        .bind(&eid)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let out = agent(
        &other,
        &["enroll", "--server", &s.base, "--token", &expired],
    )
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("enrollment_token_expired"),
        "{}",
        text(&out)
    );
    // Enrolling again over an identity needs --force.
    let (_, spare) = s.token(&admin, 5).await;
    let out = agent(&dir, &["enroll", "--server", &s.base, "--token", &spare]).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("already enrolled"), "{}", text(&out));

    // Retired: the agent's key is refused and `run` stops.
    let res = admin
        .post(s.url(&format!("/api/devices/{device}/retire")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let out = agent(&dir, &["run", "--once"]).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("device_retired"), "{}", text(&out));
    let out = tokio::time::timeout(Duration::from_secs(60), agent(&dir, &["run"]))
        .await
        .expect("`assist agent run` stops on a retired device");
    assert!(!out.status.success());
    assert!(text(&out).contains("device_retired"), "{}", text(&out));

    // All of it is in the audit log.
    let audit = get(&admin, s.url("/api/audit?limit=500")).await.to_string();
    for action in [
        "device.enrolled",
        "device.retired",
        "compliance_policy.updated",
        "device.compliance_changed",
    ] {
        assert!(audit.contains(action), "{action}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_certificate_is_pinned_with_ca_cert() {
    let s = Server::start("self-signed");
    assert!(s.base.starts_with("https://"), "{}", s.base);
    let admin = s.admin().await;
    let (_, token) = s.token(&admin, 5).await;
    let cfg = tempfile::tempdir().unwrap();
    // Not trusted by default.
    let plain = cfg.path().join("plain");
    let out = agent(&plain, &["enroll", "--server", &s.base, "--token", &token]).await;
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Cannot reach the server"),
        "{}",
        text(&out)
    );
    // Pinned: enrolls and checks in.
    let pinned = cfg.path().join("pinned");
    let cert = s.data.join("tls-cert.pem");
    let cert = cert.to_str().unwrap();
    let out = agent(
        &pinned,
        &[
            "enroll",
            "--server",
            &s.base,
            "--token",
            &token,
            "--ca-cert",
            cert,
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(pinned.join("ca.pem").exists());
    let out = agent(&pinned, &["run", "--once"]).await;
    assert!(out.status.success(), "{}", text(&out));
    // Explicitly insecure (tests only).
    let insecure = cfg.path().join("insecure");
    let out = agent(
        &insecure,
        &[
            "enroll",
            "--server",
            &s.base,
            "--token",
            &token,
            "--insecure-tls",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out));
}
