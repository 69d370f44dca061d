//! PostgreSQL out of reach (its address refusing connections, as when it is down or restarting):
//! `/healthz` says so at once and other requests fail fast with 503 `database_unavailable`,
//! rather than each waiting for the pool's acquire timeout; when it is back, everything works.

use crate::common::*;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A TCP proxy in front of PostgreSQL that the test can cut (connections refused, open ones
/// dropped) and mend, on the same port.
struct Proxy {
    port: u16,
    running: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    async fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut p = Proxy {
            port,
            running: None,
        };
        p.run(listener);
        p
    }

    fn run(&mut self, listener: TcpListener) {
        self.running = Some(tokio::spawn(async move {
            let mut links = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                links.spawn(async move {
                    if let Ok(mut pg) = TcpStream::connect("127.0.0.1:5432").await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut pg).await;
                    }
                });
            }
        }));
    }

    /// Refuses new connections and drops the open ones (aborting the task drops its links).
    fn cut(&mut self) {
        if let Some(t) = self.running.take() {
            t.abort();
        }
    }

    async fn mend(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.run(listener);
    }
}

/// Within a short time of the cut, `/healthz` and the API answer 503 at once; after the mend,
/// both work again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_out_of_reach_fails_fast_and_recovers() {
    use assist_server::limits::{DB_PROBE_INTERVAL_MS, DB_PROBE_TIMEOUT_MS};
    let mut proxy = Proxy::start().await;
    let port = proxy.port;
    let s = TestServer::start_with(Db::Postgres, |c| {
        let url = c.database.take().unwrap();
        c.database = Some(url.replace(":5432/", &format!(":{port}/")));
    })
    .await;
    let admin = s.admin().await;
    assert_eq!(admin.get("/api/users").await.status(), StatusCode::OK);

    proxy.cut();
    // The probe notices within an interval and its timeout.
    tokio::time::sleep(Duration::from_millis(
        2 * DB_PROBE_INTERVAL_MS + DB_PROBE_TIMEOUT_MS,
    ))
    .await;
    let quick = Duration::from_millis(500);
    let started = Instant::now();
    let health = s.client().get("/healthz").await;
    assert!(
        started.elapsed() < quick,
        "/healthz took {:?}",
        started.elapsed()
    );
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        health.json::<serde_json::Value>().await.unwrap()["status"],
        "database unreachable"
    );
    let started = Instant::now();
    let res = admin.get("/api/users").await;
    assert!(
        started.elapsed() < quick,
        "a request took {:?}",
        started.elapsed()
    );
    expect_error(res, StatusCode::SERVICE_UNAVAILABLE, "database_unavailable").await;

    proxy.mend().await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let ok = s.client().get("/healthz").await.status() == StatusCode::OK
            && admin.get("/api/users").await.status() == StatusCode::OK;
        if ok {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    proxy.cut();
    s.stop().await;
}
