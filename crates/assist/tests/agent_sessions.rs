//! The real `assist` binary as server and as the sharer's agent on a real Xvfb screen:
//! `agent join CODE --yes` allowed without an answer when the server allows unattended consent,
//! refused (asked, or denied when nobody can answer) when it does not; `agent run` taking codes on
//! its standard input, through the trust screen and consent, and back to waiting for a code.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_assist");
const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_PASSWORD: &str = "admin-password-123";
const PASSWORD: &str = "a-long-password-42";
/// How long a process may take to print an expected line.
const LINE_TIMEOUT: Duration = Duration::from_secs(30);

/// A child process whose standard output is collected line by line; killed on drop.
struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Arc<Mutex<Vec<String>>>,
    what: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    fn spawn(mut cmd: Command, what: &str, stdin: bool) -> Proc {
        cmd.stdin(if stdin { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{what} starts: {e}"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        for (stream, prefix) in [
            (Box::new(out) as Box<dyn Read + Send>, ""),
            (Box::new(err), "stderr: "),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(format!("{prefix}{line}"));
                }
            });
        }
        Proc {
            stdin: child.stdin.take(),
            child,
            lines,
            what: what.to_owned(),
        }
    }

    fn all(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    fn count(&self) -> usize {
        self.lines.lock().unwrap().len()
    }

    /// The first line from index `from` on that `pred` accepts.
    async fn wait_line(&self, from: usize, pred: impl Fn(&str) -> bool, what: &str) -> String {
        let start = Instant::now();
        loop {
            {
                let lines = self.lines.lock().unwrap();
                if let Some(l) = lines[from.min(lines.len())..].iter().find(|l| pred(l)) {
                    return l.clone();
                }
            }
            assert!(
                start.elapsed() < LINE_TIMEOUT,
                "{}: no line {what} within {LINE_TIMEOUT:?}:\n{}",
                self.what,
                self.all()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn write(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is piped");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    async fn exit_code(&mut self) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                start.elapsed() < LINE_TIMEOUT,
                "{} did not exit:\n{}",
                self.what,
                self.all()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A private X screen: `Xvfb -displayfd` says which display it took.
struct Xvfb {
    child: Child,
    display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Xvfb {
    fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "640x480x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts (install the xvfb package)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let n = line.trim();
        assert!(!n.is_empty(), "Xvfb gave no display");
        Xvfb {
            child,
            display: format!(":{n}"),
        }
    }
}

/// A running `assist serve` on loopback with Remote Help on, a helper and a sharer.
struct World {
    _server: Proc,
    base: String,
    admin: reqwest::Client,
    helper: reqwest::Client,
    sharer_id: String,
    _dir: tempfile::TempDir,
    agent_dir: PathBuf,
    x: Xvfb,
}

async fn client(base: &str, email: &str, password: &str) -> reqwest::Client {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = c
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{email} signs in");
    c
}

async fn call(c: &reqwest::Client, method: &str, url: String, body: Value) -> Value {
    let req = match method {
        "GET" => c.get(&url),
        "PUT" => c.put(&url).json(&body),
        _ => c.post(&url).json(&body),
    };
    let res = req.send().await.unwrap();
    let status = res.status();
    let v: Value = res.json().await.unwrap_or_default();
    assert!(status.is_success(), "{method} {url}: {status} {v}");
    v
}

/// Runs `assist agent --config-dir DIR ARGS` to completion with `input` on its stdin.
fn agent_once(dir: &Path, args: &[&str], input: &str) -> String {
    let mut child = Command::new(BIN)
        .arg("agent")
        .arg("--config-dir")
        .arg(dir)
        .args(args)
        .env("ASSIST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "agent {args:?}: {text}");
    text
}

impl World {
    /// `helper_role`: the built-in role the helper holds for everyone.
    async fn start(helper_role: &str) -> World {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--tls", "off"])
            .arg("--data")
            .arg(dir.path().join("data"))
            .args([
                "--admin-email",
                ADMIN_EMAIL,
                "--admin-password",
                ADMIN_PASSWORD,
            ])
            .env("ASSIST_LOG", "warn");
        let server = Proc::spawn(cmd, "assist serve", false);
        let ready = server
            .wait_line(0, |l| l.starts_with("Assist listening on "), "ready")
            .await;
        let base = ready["Assist listening on ".len()..].trim().to_owned();
        let admin = client(&base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let url = |p: &str| format!("{base}{p}");
        call(
            &admin,
            "PUT",
            url("/api/settings"),
            // Unenrolled devices stay off (the default): the agent's device is enrolled.
            json!({"remote_help_enabled": true}),
        )
        .await;
        let user = |email: &str, name: &str| {
            json!({"email": email, "password": PASSWORD, "full_name": name,
                   "job_title": "Service desk", "company": "Example Ltd"})
        };
        let helper_id = call(
            &admin,
            "POST",
            url("/api/users"),
            user("helen@example.com", "Helen Helper"),
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let sharer_id = call(
            &admin,
            "POST",
            url("/api/users"),
            user("sam@example.com", "Sam Sharer"),
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let roles = call(&admin, "GET", url("/api/roles"), json!(null)).await;
        let role = roles
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == helper_role)
            .unwrap()["id"]
            .clone();
        call(
            &admin,
            "POST",
            url("/api/role-assignments"),
            json!({"role_id": role, "user_id": helper_id, "scope_all": true, "scope_groups": []}),
        )
        .await;
        let token = call(
            &admin,
            "POST",
            url("/api/enrollment-tokens"),
            json!({"name": "process test"}),
        )
        .await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let agent_dir = dir.path().join("agent");
        agent_once(
            &agent_dir,
            &[
                "enroll", "--server", &base, "--token", &token, "--name", "sam-pc",
            ],
            "",
        );
        let out = agent_once(
            &agent_dir,
            &["login", "--email", "sam@example.com", "--password-stdin"],
            &format!("{PASSWORD}\n"),
        );
        assert!(out.contains("Signed in as Sam Sharer"), "{out}");
        let helper = client(&base, "helen@example.com", PASSWORD).await;
        World {
            _server: server,
            base,
            admin,
            helper,
            sharer_id,
            _dir: dir,
            agent_dir,
            x: Xvfb::start(),
        }
    }

    fn url(&self, p: &str) -> String {
        format!("{}{p}", self.base)
    }

    /// A new session of the helper: (id, code).
    async fn session(&self) -> (String, String) {
        let v = call(&self.helper, "POST", self.url("/api/sessions"), json!({})).await;
        (
            v["id"].as_str().unwrap().to_owned(),
            v["code"].as_str().unwrap().to_owned(),
        )
    }

    async fn request(&self, id: &str, mode: &str) {
        call(
            &self.helper,
            "POST",
            self.url(&format!("/api/sessions/{id}/request")),
            json!({"mode": mode}),
        )
        .await;
    }

    async fn state(&self, id: &str) -> Value {
        call(
            &self.helper,
            "GET",
            self.url(&format!("/api/sessions/{id}")),
            json!(null),
        )
        .await
    }

    /// Waits until the session's state is `want`.
    async fn wait_state(&self, id: &str, want: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.state(id).await;
            if v["state"] == want {
                return v;
            }
            assert!(start.elapsed() < LINE_TIMEOUT, "session never {want}: {v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn agent(&self, args: &[&str], stdin: bool) -> Proc {
        self.agent_logging(args, stdin, "warn")
    }

    /// The agent with log level `level`.
    fn agent_logging(&self, args: &[&str], stdin: bool, level: &str) -> Proc {
        let mut cmd = Command::new(BIN);
        cmd.arg("agent")
            .arg("--config-dir")
            .arg(&self.agent_dir)
            .args(args)
            .args(["--display", &self.x.display, "--webrtc-ip", "127.0.0.1"])
            .env("ASSIST_LOG", level)
            .env_remove("JOURNAL_STREAM")
            .env_remove("ASSIST_AGENT_LOG_TO");
        Proc::spawn(cmd, &format!("assist agent {}", args[0]), stdin)
    }

    async fn audit(&self, action: &str, target: &str) -> Value {
        call(
            &self.admin,
            "GET",
            self.url(&format!("/api/audit?action={action}&target={target}")),
            json!(null),
        )
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_yes_allowed_goes_active_without_an_answer() {
    // The built-in Administrator role holds remote_help.unattended for the whole tenant.
    let w = World::start("Administrator").await;
    let (id, code) = w.session().await;
    // Standard input open but never written to: nobody answers.
    let mut agent = w.agent(&["join", &code, "--yes"], true);
    let note = agent
        .wait_line(
            0,
            |l| l.starts_with("Unattended (--yes)"),
            "unattended note",
        )
        .await;
    assert!(note.contains("allowed automatically"), "{note}");
    w.request(&id, "control").await;
    let v = w.wait_state(&id, "active").await;
    assert_eq!(v["active_mode"], "control");
    agent
        .wait_line(
            0,
            |l| l.starts_with("Allowed without asking you"),
            "allowed",
        )
        .await;
    assert!(
        !agent.all().contains("Allow? [a]llow"),
        "no prompt was shown:\n{}",
        agent.all()
    );
    let allowed = w.audit("session.allowed", &id).await;
    assert_eq!(
        allowed["items"][0]["detail"]["unattended"], true,
        "{allowed}"
    );
    assert_eq!(allowed["items"][0]["actor_id"], w.sharer_id.as_str());

    // The helper ends; the agent stops by itself and the report says "unattended".
    call(
        &w.helper,
        "POST",
        w.url(&format!("/api/sessions/{id}/end")),
        json!({}),
    )
    .await;
    assert_eq!(agent.exit_code().await, Some(0), "{}", agent.all());
    let report = call(&w.admin, "GET", w.url("/api/reports/sessions"), json!(null)).await;
    assert_eq!(report[0]["consent"], "unattended", "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_yes_refused_asks_or_denies() {
    // Help Desk Operator: offer, view, control, but not remote_help.unattended.
    let w = World::start("Help Desk Operator").await;

    // A terminal to answer: the agent says why and asks; nothing is allowed meanwhile.
    let (id, code) = w.session().await;
    let mut agent = w.agent(&["join", &code, "--yes"], true);
    let note = agent
        .wait_line(
            0,
            |l| l.starts_with("Unattended (--yes)"),
            "unattended note",
        )
        .await;
    assert!(note.contains("not allowed"), "{note}");
    assert!(note.contains("remote_help.unattended"), "{note}");
    w.request(&id, "view").await;
    agent
        .wait_line(0, |l| l.contains("asks to SEE your screen"), "prompt")
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(w.state(&id).await["state"], "requested", "no auto-allow");
    agent.write("deny");
    w.wait_state(&id, "denied").await;
    assert_eq!(agent.exit_code().await, Some(0), "{}", agent.all());
    assert_eq!(w.audit("session.allowed", &id).await["total"], 0);

    // Nobody to ask (standard input closed): the request is denied, not left waiting.
    let (id, code) = w.session().await;
    let mut agent = w.agent(&["join", &code, "--yes"], false);
    agent
        .wait_line(
            0,
            |l| l.starts_with("Unattended (--yes)"),
            "unattended note",
        )
        .await;
    w.request(&id, "view").await;
    w.wait_state(&id, "denied").await;
    agent
        .wait_line(0, |l| l.starts_with("Denied: nobody can answer"), "denied")
        .await;
    assert_eq!(agent.exit_code().await, Some(0), "{}", agent.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_takes_codes_on_standard_input() {
    let w = World::start("Help Desk Operator").await;
    let mut agent = w.agent(&["run"], true);
    agent
        .wait_line(0, |l| l.contains("type the security code"), "code prompt")
        .await;

    // A wrong code: said, and the agent keeps waiting.
    agent.write("zzzz-zzzz");
    agent
        .wait_line(0, |l| l.starts_with("Could not join"), "refused code")
        .await;

    // First session: trust screen, the prompt, allowed on standard input, ended by the helper.
    let (id, code) = w.session().await;
    let from = agent.count();
    agent.write(&code.to_uppercase());
    let trust = agent
        .wait_line(from, |l| l.starts_with("Helper: "), "trust screen")
        .await;
    assert!(
        trust.contains("Helen Helper, Service desk, Example Ltd"),
        "{trust}"
    );
    w.request(&id, "view").await;
    agent
        .wait_line(from, |l| l.contains("asks to SEE your screen"), "prompt")
        .await;
    agent.write("a");
    let v = w.wait_state(&id, "active").await;
    assert_eq!(v["active_mode"], "view");
    assert_eq!(v["sharer"]["id"], w.sharer_id.as_str());
    assert_eq!(
        v["device"]["verified"], true,
        "joined as the enrolled device"
    );
    call(
        &w.helper,
        "POST",
        w.url(&format!("/api/sessions/{id}/end")),
        json!({}),
    )
    .await;
    agent
        .wait_line(from, |l| l.contains("session is over"), "over")
        .await;
    agent
        .wait_line(
            from,
            |l| l.contains("type the security code"),
            "waiting again",
        )
        .await;

    // Second session from the same process: denied this time.
    let (id, code) = w.session().await;
    let from = agent.count();
    agent.write(&code);
    agent
        .wait_line(from, |l| l.starts_with("Helper: "), "trust screen")
        .await;
    w.request(&id, "control").await;
    agent
        .wait_line(from, |l| l.contains("asks to CONTROL"), "control prompt")
        .await;
    agent.write("d");
    w.wait_state(&id, "denied").await;
    agent
        .wait_line(
            from,
            |l| l.contains("type the security code"),
            "waiting again",
        )
        .await;

    // Check-ins ran alongside: the device has checked in, and the process is still running.
    let devices = call(&w.admin, "GET", w.url("/api/devices"), json!(null)).await;
    let list = devices.get("items").cloned().unwrap_or(devices.clone());
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["last_check_in"].is_i64()),
        "{devices}"
    );
    // The name given at enrollment survives the check-ins; the host name is shown beside it.
    let device = &list[0];
    assert_eq!(device["name"], "sam-pc", "{devices}");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(device["hostname"], host.trim(), "{devices}");
    assert!(agent.child.try_wait().unwrap().is_none(), "{}", agent.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_in_a_session_returns_to_the_code_prompt() {
    let w = World::start("Help Desk Operator").await;
    // The terminal mode by its name; the log (at info) goes to a file, not over the prompt.
    let mut agent = w.agent_logging(&["run", "--no-gui"], true, "info");
    agent
        .wait_line(0, |l| l.contains("type the security code"), "code prompt")
        .await;
    let (id, code) = w.session().await;
    let from = agent.count();
    agent.write(&code);
    agent
        .wait_line(from, |l| l.starts_with("Helper: "), "trust screen")
        .await;
    let log_path = w.agent_dir.join("agent.log");
    assert!(
        agent
            .all()
            .starts_with(&format!("Log: {}", log_path.display())),
        "{}",
        agent.all()
    );
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("opening the device channel"), "{log}");
    assert!(!log.contains('\x1b'), "no colour in a file: {log}");
    assert!(
        !agent.all().contains("stderr: ") && !agent.all().contains("INFO"),
        "nothing logged on the terminal:\n{}",
        agent.all()
    );
    // Ctrl-C (SIGINT) during the session: the session ends, the agent waits for a code again.
    let pid = agent.child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(kill.success());
    w.wait_state(&id, "ended").await;
    agent
        .wait_line(
            from,
            |l| l.contains("type the security code"),
            "waiting again",
        )
        .await;
    // Still running (it quit here before), and it takes the next code.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(agent.child.try_wait().unwrap().is_none(), "{}", agent.all());
    let (id, code) = w.session().await;
    let from = agent.count();
    agent.write(&code);
    agent
        .wait_line(from, |l| l.starts_with("Helper: "), "trust screen")
        .await;
    assert_eq!(w.state(&id).await["sharer"]["id"], w.sharer_id.as_str());
    // Ctrl-C while waiting for a code stops the agent, as before.
    let from = agent.count();
    call(
        &w.helper,
        "POST",
        w.url(&format!("/api/sessions/{id}/end")),
        json!({}),
    )
    .await;
    agent
        .wait_line(
            from,
            |l| l.contains("type the security code"),
            "waiting again",
        )
        .await;
    let kill = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(kill.success());
    assert_eq!(agent.exit_code().await, Some(0), "{}", agent.all());
}
