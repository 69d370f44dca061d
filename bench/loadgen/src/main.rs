//! assist-loadgen: drives helper/sharer pairs through the whole session lifecycle against a
//! running Assist server (or several nodes) over real HTTP and WebSocket, and prints latency
//! medians and p99s, chat delivery, leave-notice latency and the server's memory per idle
//! connection. Traffic goes only to the URLs given (loopback in `bench/run.sh`).
//!
//! Phases: accounts (a few helpers and sharers, API tokens) → setup (N pairs concurrently:
//! create, join, both sockets, request view, allow) → chat (messages both ways, delivery time
//! measured at the receiver) → leave (sharer closes, time until the helper is told) → end →
//! idle (many open sockets held, server RSS sampled before and after).

use anyhow::{Context, Result, bail};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Parser, Debug, Clone)]
#[command(about = "Load generator for Assist")]
struct Args {
    /// Server base URLs; helpers use the first, sharers the last (two nodes: two URLs).
    #[arg(long, required = true, num_args = 1.., value_delimiter = ',')]
    server: Vec<String>,
    /// Administrator email.
    #[arg(long)]
    admin_email: String,
    /// Administrator password.
    #[arg(long)]
    admin_password: String,
    /// Concurrent helper/sharer pairs in the lifecycle phases (0: only the idle phase).
    #[arg(long, default_value_t = 200)]
    pairs: usize,
    /// Chat messages each side sends per pair.
    #[arg(long, default_value_t = 5)]
    chat: usize,
    /// Each pair sends one message each way per this many milliseconds, at a random phase, so
    /// the server sees a steady load rather than one burst (0: all at once).
    #[arg(long, default_value_t = 1000)]
    chat_interval_ms: u64,
    /// Idle WebSocket connections to hold for the memory measurement (two per session), in a
    /// run with `--pairs 0` on a fresh server so that earlier phases do not blur the figure.
    #[arg(long, default_value_t = 2000)]
    idle: usize,
    /// PID of the server process, to read its memory (same machine only).
    #[arg(long)]
    server_pid: Option<u32>,
    /// Helper and sharer accounts to spread the sessions over.
    #[arg(long, default_value_t = 20)]
    accounts: usize,
}

/// A small JSON client, with a bearer token or cookies.
#[derive(Clone)]
struct Client {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

impl Client {
    fn new(base: &str) -> Result<Client> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .danger_accept_invalid_certs(true)
            .pool_max_idle_per_host(64)
            .build()?;
        Ok(Client {
            base: base.trim_end_matches('/').to_owned(),
            http,
            token: None,
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            bail!("{method} {path}: {status} {text}");
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        })
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
}

type Ws = tokio_tungstenite::WebSocketStream<Box<dyn Stream>>;

/// A live socket driven as a browser drives one: a task reads every frame as it arrives (so the
/// server's pings are answered at once, however long the pair is busy elsewhere) and queues the
/// JSON messages with their arrival time; the pair takes them from the queue.
struct Live {
    tx: futures_util::stream::SplitSink<Ws, Message>,
    rx: tokio::sync::mpsc::UnboundedReceiver<Result<(Instant, Value), String>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Live {
    fn new(ws: Ws) -> Live {
        let (tx, mut stream) = ws.split();
        let (queue, rx) = tokio::sync::mpsc::unbounded_channel();
        let reader = tokio::spawn(async move {
            while let Some(frame) = stream.next().await {
                let item = match frame {
                    Ok(Message::Text(t)) => serde_json::from_str::<Value>(&t)
                        .map(|v| (Instant::now(), v))
                        .map_err(|e| format!("malformed message: {e}")),
                    Ok(Message::Close(_)) => Err("the server closed the socket".to_owned()),
                    Ok(_) => continue,
                    Err(e) => Err(e.to_string()),
                };
                let end = item.is_err();
                if queue.send(item).is_err() || end {
                    break;
                }
            }
        });
        Live { tx, rx, reader }
    }

    async fn send(&mut self, text: String) -> Result<()> {
        self.tx.send(Message::text(text)).await?;
        Ok(())
    }

    /// The next message of type `kind` that satisfies `pred`, with its arrival time.
    async fn expect_at(
        &mut self,
        kind: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> Result<(Instant, Value)> {
        let wait = async {
            while let Some(item) = self.rx.recv().await {
                let (at, v) = item.map_err(anyhow::Error::msg)?;
                if v["type"] == kind && pred(&v) {
                    return Ok((at, v));
                }
            }
            bail!("socket closed while waiting for {kind}")
        };
        tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .with_context(|| format!("timed out waiting for {kind}"))?
    }

    async fn expect(&mut self, kind: &str, pred: impl Fn(&Value) -> bool) -> Result<Value> {
        Ok(self.expect_at(kind, pred).await?.1)
    }

    async fn close(mut self) -> Result<()> {
        let r = self.tx.close().await;
        // Let the reader see the server's close frame, then stop it.
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.reader).await;
        self.reader.abort();
        Ok(r?)
    }
}

/// A byte stream, plain or TLS.
trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for T {}

#[derive(Debug)]
struct AcceptAny;

impl rustls::client::danger::ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        rustls::crypto::aws_lc_rs::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Opens the live socket of a session (the server's self-signed certificate is accepted: the
/// bench only talks to loopback).
async fn connect(base: &str, token: &str, session: &str) -> Result<Live> {
    let url = format!("{}/ws/sessions/{session}", base.replacen("http", "ws", 1));
    let mut req = url.as_str().into_client_request()?;
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    let host = req.uri().host().unwrap_or("127.0.0.1").to_owned();
    let port = req
        .uri()
        .port_u16()
        .unwrap_or(if url.starts_with("wss") { 443 } else { 80 });
    let tcp = TcpStream::connect((host.as_str(), port)).await?;
    tcp.set_nodelay(true)?;
    let stream: Box<dyn Stream> = if url.starts_with("wss") {
        let config = rustls::ClientConfig::builder()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny))
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from(host.clone())?;
        Box::new(
            tokio_rustls::TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await?,
        )
    } else {
        Box::new(tcp)
    };
    let (ws, _) = tokio_tungstenite::client_async(req, stream).await?;
    Ok(Live::new(ws))
}

/// Waits for the next message of `kind` satisfying `pred`.
/// Reads the two chat messages of one round from `ws`: the delivery time of each, from the send
/// time it carries (microseconds since `started`) to its arrival.
async fn chat_arrivals(ws: &mut Live, started: Instant) -> Result<[Duration; 2]> {
    let mut out = [Duration::ZERO; 2];
    for d in &mut out {
        let (at, m) = ws.expect_at("chat", |_| true).await?;
        let now = at.duration_since(started).as_micros();
        let sent: u128 = m["text"]
            .as_str()
            .and_then(|t| t.split(' ').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        *d = Duration::from_micros(now.saturating_sub(sent) as u64);
    }
    Ok(out)
}

/// Latency samples in milliseconds.
#[derive(Default, Clone)]
struct Samples(Vec<f64>);

impl Samples {
    fn add(&mut self, d: Duration) {
        self.0.push(d.as_secs_f64() * 1000.0);
    }
    fn extend(&mut self, o: Samples) {
        self.0.extend(o.0);
    }
    fn pct(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut v = self.0.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
        v[i.min(v.len() - 1)]
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{name:<34} n={:<6} p50={:>8.2} ms  p99={:>8.2} ms  max={:>8.2} ms",
            self.0.len(),
            self.pct(50.0),
            self.pct(99.0),
            self.pct(100.0)
        )
    }
}

#[derive(Default)]
struct PairResult {
    create: Samples,
    join: Samples,
    request_allow: Samples,
    setup: Samples,
    chat: Samples,
    leave: Samples,
    end: Samples,
}

struct Account {
    helper: Client,
    sharer: Client,
}

async fn accounts(args: &Args) -> Result<Vec<Account>> {
    let admin = Client::new(&args.server[0])?;
    admin
        .post(
            "/api/auth/login",
            json!({"email": args.admin_email, "password": args.admin_password}),
        )
        .await?;
    admin
        .call(
            reqwest::Method::PUT,
            "/api/settings",
            Some(json!({"remote_help_enabled": true, "allow_unenrolled_devices": true})),
        )
        .await?;
    let roles = admin.call(reqwest::Method::GET, "/api/roles", None).await?;
    let role = roles
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == "Help Desk Operator"))
        .context("role")?["id"]
        .clone();
    let run = std::process::id();
    let mut out = Vec::new();
    for i in 0..args.accounts {
        let mut pair = Vec::new();
        for (kind, base) in [
            ("helper", &args.server[0]),
            ("sharer", args.server.last().unwrap_or(&args.server[0])),
        ] {
            let email = format!("{kind}{i}-{run}@bench.example");
            let user = admin
                .post("/api/users", json!({"email": email, "password": "bench-password-1", "full_name": format!("Bench {kind} {i}")}))
                .await?;
            if kind == "helper" {
                admin
                    .post(
                        "/api/role-assignments",
                        json!({"role_id": role, "user_id": user["id"], "scope_all": true}),
                    )
                    .await?;
            }
            let c = Client::new(base)?;
            c.post(
                "/api/auth/login",
                json!({"email": email, "password": "bench-password-1"}),
            )
            .await?;
            let t = c.post("/api/tokens", json!({"name": "bench"})).await?;
            let mut c = Client::new(base)?;
            c.token = t["token"].as_str().map(str::to_owned);
            pair.push(c);
        }
        let sharer = pair.pop().context("sharer")?;
        let helper = pair.pop().context("helper")?;
        out.push(Account { helper, sharer });
    }
    Ok(out)
}

/// One pair through the lifecycle; the gates hold everyone live until all are set up, so chat
/// is measured with all sessions open at once.
async fn pair(
    acc: &Account,
    chat: usize,
    interval_ms: u64,
    gates: Arc<[Gate; GATES]>,
    passed: &mut usize,
) -> Result<PairResult> {
    let mut r = PairResult::default();
    let t0 = Instant::now();
    let created = acc.helper.post("/api/sessions", json!({})).await?;
    r.create.add(t0.elapsed());
    let id = created["id"].as_str().context("id")?.to_owned();
    let t1 = Instant::now();
    acc.sharer
        .post("/api/sessions/join", json!({"code": created["code"]}))
        .await?;
    r.join.add(t1.elapsed());
    let mut hw = connect(
        &acc.helper.base,
        acc.helper.token.as_deref().context("token")?,
        &id,
    )
    .await
    .context("helper's live socket")?;
    let mut sw = connect(
        &acc.sharer.base,
        acc.sharer.token.as_deref().context("token")?,
        &id,
    )
    .await
    .context("sharer's live socket")?;
    hw.expect("hello", |_| true)
        .await
        .context("helper's hello")?;
    sw.expect("hello", |_| true)
        .await
        .context("sharer's hello")?;
    let t2 = Instant::now();
    acc.helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "view"}),
        )
        .await?;
    acc.sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true}),
        )
        .await?;
    hw.expect("state", |v| v["session"]["state"] == "active")
        .await
        .context("helper told active")?;
    r.request_allow.add(t2.elapsed());
    r.setup.add(t0.elapsed());
    *passed += 1;
    wait_alive(&gates[0]).await;

    // Chat: each message carries its send time; the receiver measures delivery.
    let started = Instant::now();
    let phase = if interval_ms > 0 {
        fnv(&id) % interval_ms
    } else {
        0
    };
    tokio::time::sleep(Duration::from_millis(phase)).await;
    for i in 0..chat {
        let round = Instant::now();
        for from in [&mut hw, &mut sw] {
            let stamp = started.elapsed().as_micros();
            from.send(json!({"type": "chat", "text": format!("{stamp} message {i}")}).to_string())
                .await
                .context("sending chat")?;
        }
        // Each side receives both messages (its own back, and the other's): both are deliveries.
        // The two sockets are read at the same time, so that one side's wait does not add to
        // the other's.
        let (a, b) = tokio::join!(
            chat_arrivals(&mut sw, started),
            chat_arrivals(&mut hw, started)
        );
        let (a, b) = (a.context("sharer's chat")?, b.context("helper's chat")?);
        for d in a.into_iter().chain(b) {
            r.chat.add(d);
        }
        tokio::time::sleep(Duration::from_millis(interval_ms).saturating_sub(round.elapsed()))
            .await;
    }
    *passed += 1;
    wait_alive(&gates[1]).await;

    // Clean leave: the sharer closes; the helper must be told.
    let t3 = Instant::now();
    sw.close().await.context("sharer closing")?;
    hw.expect("presence", |v| {
        v["role"] == "sharer" && v["status"] == "left"
    })
    .await
    .context("helper told the sharer left")?;
    r.leave.add(t3.elapsed());
    let t4 = Instant::now();
    acc.helper
        .post(&format!("/api/sessions/{id}/end"), json!({}))
        .await?;
    r.end.add(t4.elapsed());
    let _ = hw.close().await;
    Ok(r)
}

/// A point every pair reaches (or gives up before) until all have: arriving is counted at once
/// and only once, so a pair that fails while waiting cannot count twice (tokio's `Barrier` counts
/// a waiter whose wait is dropped, and a later wait of the same pair then counts again).
struct Gate {
    total: usize,
    arrived: std::sync::atomic::AtomicUsize,
    open: tokio::sync::watch::Sender<bool>,
}

impl Gate {
    fn new(total: usize) -> Gate {
        Gate {
            total,
            arrived: Default::default(),
            open: tokio::sync::watch::channel(total == 0).0,
        }
    }

    fn arrive(&self) {
        let n = self
            .arrived
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        if n >= self.total {
            self.open.send_replace(true);
        }
    }

    async fn opened(&self) {
        let mut rx = self.open.subscribe();
        let _ = rx.wait_for(|open| *open).await;
    }
}

/// Arrives at `gate` and waits for the others. The sockets stay alive meanwhile: their readers
/// answer the server's pings.
async fn wait_alive(gate: &Gate) {
    gate.arrive();
    gate.opened().await;
}

/// Gates each pair meets: after setup, after chat.
const GATES: usize = 2;

/// A hash of the session id, to spread the pairs' phases.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time (user + system) the process has used so far, in clock ticks (`/proc/PID/stat`).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Clock ticks per second of `/proc/PID/stat` (`getconf CLK_TCK`; 100 on Linux).
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

/// How long the idle phase measures the server's CPU while only heartbeats flow (seconds).
const IDLE_CPU_SECONDS: u64 = 10;

async fn idle_phase(args: &Args, accs: &[Account]) -> Result<()> {
    let sessions = args.idle / 2;
    if sessions == 0 {
        return Ok(());
    }
    let pid = args.server_pid;
    // Settle, then sample the server before opening anything.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = pid.and_then(rss_kib);
    let mut ids = Vec::with_capacity(sessions);
    let sem = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = Vec::new();
    for i in 0..sessions {
        let acc = &accs[i % accs.len()];
        let (h, s) = (acc.helper.clone(), acc.sharer.clone());
        let sem = sem.clone();
        tasks.push(tokio::spawn(async move {
            let _p = sem.acquire().await;
            let c = h.post("/api/sessions", json!({})).await?;
            s.post("/api/sessions/join", json!({"code": c["code"]}))
                .await?;
            anyhow::Ok(c["id"].as_str().unwrap_or_default().to_owned())
        }));
    }
    for t in tasks {
        ids.push(t.await??);
    }
    let mid = pid.and_then(rss_kib);
    let t0 = Instant::now();
    let mut sockets = Vec::with_capacity(args.idle);
    let mut opening = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let acc = &accs[i % accs.len()];
        for c in [&acc.helper, &acc.sharer] {
            let (base, token, id, sem) = (
                c.base.clone(),
                c.token.clone().unwrap_or_default(),
                id.clone(),
                sem.clone(),
            );
            opening.push(tokio::spawn(async move {
                let _p = sem.acquire().await;
                let mut ws = connect(&base, &token, &id).await?;
                ws.expect("hello", |_| true).await?;
                anyhow::Ok(ws)
            }));
        }
    }
    for o in opening {
        sockets.push(o.await??);
    }
    let opened = t0.elapsed();
    // Hold them idle (heartbeats only) for a while; their readers answer the pings.
    let held = sockets;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cpu0 = pid.and_then(cpu_ticks);
    tokio::time::sleep(Duration::from_secs(IDLE_CPU_SECONDS)).await;
    let cpu1 = pid.and_then(cpu_ticks);
    let after = pid.and_then(rss_kib);
    if let (Some(c0), Some(c1)) = (cpu0, cpu1) {
        let share = (c1 - c0) as f64 / CLOCK_TICKS_PER_SECOND / IDLE_CPU_SECONDS as f64 * 100.0;
        println!(
            "server CPU holding them            {share:.1} % of a core ({:.1} % per 10,000 sockets, over {IDLE_CPU_SECONDS} s)",
            share * 10_000.0 / held.len().max(1) as f64
        );
    }
    println!(
        "idle connections                   {} open (sessions {}), opened in {:.1} s",
        held.len(),
        ids.len(),
        opened.as_secs_f64()
    );
    match (before, mid, after) {
        (Some(b), Some(m), Some(a)) => {
            println!(
                "server RSS                         before {b} KiB, sessions created {m} KiB, sockets open {a} KiB"
            );
            println!(
                "memory per idle connection         {:.2} KiB  (RSS growth from opening the sockets / sockets)",
                (a.saturating_sub(m)) as f64 / held.len() as f64
            );
        }
        _ => println!("memory per idle connection         (give --server-pid to measure)"),
    }
    for h in held {
        h.reader.abort();
    }
    Ok(())
}

/// Statements the servers handed to their databases so far (`assist_db_statements_total` of
/// each server's `/metrics`, summed).
async fn statements(servers: &[String]) -> Result<u64> {
    let mut total = 0;
    for base in servers {
        let text = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .build()?
            .get(format!("{}/metrics", base.trim_end_matches('/')))
            .send()
            .await?
            .text()
            .await?;
        total += text
            .lines()
            .find_map(|l| l.strip_prefix("assist_db_statements_total "))
            .context("no assist_db_statements_total in /metrics")?
            .trim()
            .parse::<u64>()?;
    }
    Ok(total)
}

#[tokio::main]
async fn main() -> Result<()> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let args = Args::parse();
    println!(
        "assist-loadgen: {} pairs, {} chat messages per side, {} idle connections, nodes {:?}",
        args.pairs, args.chat, args.idle, args.server
    );
    let accs = Arc::new(accounts(&args).await?);
    if args.pairs == 0 {
        return idle_phase(&args, &accs).await;
    }
    let gates = Arc::new([Gate::new(args.pairs), Gate::new(args.pairs)]);
    let statements0 = statements(&args.server).await?;
    let t0 = Instant::now();
    // The setup phase ends when every pair is active (the first gate opens).
    let setup_phase = {
        let (gates, servers) = (gates.clone(), args.server.clone());
        tokio::spawn(async move {
            gates[0].opened().await;
            let took = t0.elapsed();
            (took, statements(&servers).await)
        })
    };
    let mut tasks = Vec::new();
    for i in 0..args.pairs {
        let (accs, gates, chat, args_interval) = (
            accs.clone(),
            gates.clone(),
            args.chat,
            args.chat_interval_ms,
        );
        tasks.push(tokio::spawn(async move {
            // A pair that fails still arrives at the gates it did not reach.
            let mut passed = 0;
            let r = pair(
                &accs[i % accs.len()],
                chat,
                args_interval,
                gates.clone(),
                &mut passed,
            )
            .await;
            for gate in &gates[passed..] {
                gate.arrive();
            }
            r
        }));
    }
    let mut all = PairResult::default();
    let mut failures = 0;
    for t in tasks {
        match t.await? {
            Ok(r) => {
                all.create.extend(r.create);
                all.join.extend(r.join);
                all.request_allow.extend(r.request_allow);
                all.setup.extend(r.setup);
                all.chat.extend(r.chat);
                all.leave.extend(r.leave);
                all.end.extend(r.end);
            }
            Err(e) => {
                failures += 1;
                eprintln!("pair failed: {e:#}");
            }
        }
    }
    let elapsed = t0.elapsed();
    println!("{}", all.create.line("create"));
    println!("{}", all.join.line("join"));
    println!(
        "{}",
        all.request_allow.line("request + allow (until active)")
    );
    println!("{}", all.setup.line("whole setup (create → active)"));
    println!(
        "{}",
        all.chat
            .line(&format!("chat delivery ({} live sessions)", args.pairs))
    );
    println!("{}", all.leave.line("leave notice (clean close)"));
    println!("{}", all.end.line("end"));
    let setups = all.setup.0.len() as f64;
    let (setup_took, statements1) = setup_phase.await?;
    let statements = statements1? - statements0;
    println!(
        "setups per second (setup phase)    {:.1} ({} set up in {:.2} s)",
        setups / setup_took.as_secs_f64(),
        all.setup.0.len(),
        setup_took.as_secs_f64()
    );
    println!(
        "statements per setup               {:.1} ({} statements in the setup phase)",
        statements as f64 / setups.max(1.0),
        statements
    );
    println!(
        "session lifecycles per second      {:.1} ({} pairs in {:.1} s, {failures} failed)",
        setups / elapsed.as_secs_f64(),
        args.pairs,
        elapsed.as_secs_f64()
    );
    if failures > 0 {
        bail!("{failures} pairs failed");
    }
    Ok(())
}
