//! The real `assist serve` process under hostile connections: request bodies trickled one byte
//! at a time (memory held stays close to what was sent, each is cut off within
//! `HTTP_BODY_READ_TIMEOUT_SECS`, the memory comes back), and the caps on open connections, in
//! all and per client address, refusing with a clear answer.
//!
//! The server runs as its own process so that its resident memory is its own.

use assist_server::limits::HTTP_BODY_READ_TIMEOUT_SECS;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BIN: &str = env!("CARGO_BIN_EXE_assist");
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `assist serve --tls off`, killed on drop.
struct Server {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--tls", "off"])
            .arg("--data")
            .arg(dir.path().join("data"))
            .args(["--admin-email", "admin@example.com"])
            .args(["--admin-password", "admin-password-123"])
            .args(extra)
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
        let url = rx
            .recv_timeout(READY_TIMEOUT)
            .expect("the server prints its readiness line");
        Server {
            addr: url.trim_start_matches("http://").to_owned(),
            child,
            _dir: dir,
        }
    }

    /// Resident memory of the server process, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS in /proc status")
    }

    /// One request on a fresh connection; the whole answer as text.
    async fn request(&self, head: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).await.unwrap();
        s.write_all(head.as_bytes()).await.unwrap();
        let mut answer = String::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_string(&mut answer)).await;
        answer
    }
}

const LOGIN_HEAD: &str = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\n\
    Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n";

/// 100 connections send a 60 KB sign-in body one byte per write. The server's memory rises by
/// less than 20 MB while they do, each is closed by the server once the body time limit has
/// passed, and afterwards the memory is back within 10 MB of where it started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_trickled_a_byte_at_a_time_hold_little_memory_and_are_cut_off() {
    const CLIENTS: usize = 100;
    const RISE_LIMIT_KIB: u64 = 20 * 1024;
    const RETURN_LIMIT_KIB: u64 = 10 * 1024;
    let server = Server::start(&[]);
    // Warm up what every request uses once (the router, the database pool, a sign-in), so the
    // baseline is a server that has served requests.
    for _ in 0..3 {
        let body = r#"{"email":"nobody@example.com","password":"wrong-password-1"}"#;
        let answer = server
            .request(&format!(
                "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ))
            .await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    }
    let before = server.rss_kib();
    let started = Instant::now();

    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let mut s = TcpStream::connect(&server.addr).await.unwrap();
        s.set_nodelay(true).unwrap();
        s.write_all(LOGIN_HEAD.as_bytes()).await.unwrap();
        clients.push(tokio::spawn(async move {
            // One byte per write, as fast as a 2 ms pause allows, until the server closes.
            let opened = Instant::now();
            let mut sent = 0usize;
            loop {
                if s.write_all(b" ").await.is_err() {
                    break;
                }
                sent += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
                if opened.elapsed() > Duration::from_secs(HTTP_BODY_READ_TIMEOUT_SECS + 20) {
                    break;
                }
            }
            // Whatever the server said before closing.
            let mut rest = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut rest)).await;
            (
                opened.elapsed(),
                sent,
                String::from_utf8_lossy(&rest).into_owned(),
            )
        }));
    }

    let mut peak = before;
    while clients.iter().any(|c| !c.is_finished()) {
        peak = peak.max(server.rss_kib());
        assert!(
            peak < before + RISE_LIMIT_KIB,
            "the server's memory rose from {before} KiB to {peak} KiB after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let limit = Duration::from_secs(HTTP_BODY_READ_TIMEOUT_SECS);
    for c in clients {
        let (open_for, sent, answer) = c.await.unwrap();
        assert!(
            open_for >= limit - Duration::from_secs(1)
                && open_for < limit + Duration::from_secs(10),
            "a trickling connection was closed after {open_for:?} ({sent} bytes sent)"
        );
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "answer to a body that never finished: {answer}"
        );
    }
    // The memory comes back (allocator caches and all) once they are gone.
    let mut after = server.rss_kib();
    for _ in 0..20 {
        if after < before + RETURN_LIMIT_KIB {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        after = server.rss_kib();
    }
    eprintln!("RSS before {before} KiB, peak {peak} KiB, after {after} KiB");
    assert!(
        after < before + RETURN_LIMIT_KIB,
        "the server's memory stayed at {after} KiB (started at {before} KiB)"
    );
    // And it still serves.
    let answer = server
        .request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// Past the cap on connections from one address, and past the cap on all connections, a new
/// connection is answered 503 `too_many_connections` (with `Retry-After`) and closed, while the
/// ones already open keep working; a slot freed is usable again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_caps_are_refused_clearly() {
    let server = Server::start(&["--max-connections-per-address", "5"]);
    let mut open = Vec::new();
    for _ in 0..5 {
        open.push(TcpStream::connect(&server.addr).await.unwrap());
    }
    // Let the server accept them before the next one.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = server
        .request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("too_many_connections"), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after:"),
        "{refused}"
    );
    // The open ones still work.
    let s = &mut open[0];
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // That one closed: its slot is free again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = server
        .request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await;
    assert!(again.starts_with("HTTP/1.1 200"), "{again}");
    drop(open);
    drop(server);

    // The cap on all connections, from several loopback addresses.
    let server = Server::start(&["--max-connections", "6"]);
    let mut open = Vec::new();
    for i in 0..6u8 {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.bind(format!("127.0.1.{}:0", i + 1).parse().unwrap())
            .unwrap();
        open.push(sock.connect(server.addr.parse().unwrap()).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = server
        .request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("too_many_connections"), "{refused}");
    drop(open);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = server
        .request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await;
    assert!(again.starts_with("HTTP/1.1 200"), "{again}");
}
