//! Outages that kill no node: the NATS bus away (with a NATS server of the test's own), the
//! database away (through a TCP proxy of the test's own in front of PostgreSQL), and a change of
//! rights made on one node for a socket held by the other.

use crate::common::Live;
use crate::lifecycle::world;
use crate::nodes::{Database, Node};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// The NATS server binary of the test machine.
const NATS_SERVER: &str = "/usr/sbin/nats-server";

/// A free loopback port (bound, then released).
async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

/// Waits until something accepts connections on `port`.
async fn listening(port: u16) {
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nothing listens on port {port}");
}

/// A NATS server of this test only, on its own port.
struct Nats {
    port: u16,
    child: Option<Child>,
}

impl Nats {
    async fn start(port: u16) -> Nats {
        let child = Command::new(NATS_SERVER)
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("nats-server starts");
        listening(port).await;
        Nats {
            port,
            child: Some(child),
        }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    async fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.start_kill().unwrap();
            let _ = c.wait().await;
        }
    }
}

/// A TCP proxy in front of PostgreSQL that the test can cut (every connection closed, new ones
/// refused) and restore.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl Proxy {
    async fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, conns2) = (up.clone(), conns.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(("127.0.0.1", target)).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                conns2.lock().await.push(task);
            }
        });
        Proxy {
            port,
            up,
            conns,
            accept,
        }
    }

    async fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for t in self.conns.lock().await.drain(..) {
            t.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Helper on node A, sharer on node B, joined, both live sockets open: (session id, helper's
/// socket, sharer's socket).
async fn joined_across(a: &Node, b: &Node) -> (String, Live, Live, (crate::common::Api, String)) {
    let (admin, _, sharer_id) = world(a).await;
    let helper = a.sign_in("helen@example.com", "password-12345").await;
    let sharer = b.sign_in("sam@other.org", "password-12345").await;
    let res = helper.post("/api/sessions", json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let res = sharer
        .post("/api/sessions/join", json!({"code": created["code"]}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut hl = Live::connect(&helper.with_token().await, &id).await;
    hl.expect("hello", 5.0).await;
    let mut sl = Live::connect(&sharer.with_token().await, &id).await;
    sl.expect("hello", 5.0).await;
    hl.expect_where("presence", 5.0, |v| {
        v["role"] == "sharer" && v["status"] == "online"
    })
    .await;
    (id, hl, sl, (admin, sharer_id))
}

/// Every message a socket receives for `secs` seconds, sending pings (the socket must stay open
/// all along).
async fn receive_for(live: &mut Live, secs: f64) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(secs);
    let mut got = Vec::new();
    loop {
        match live.next_alive(deadline).await {
            None => return got,
            Some(Some(Ok(Message::Text(t)))) => got.push(serde_json::from_str(&t).unwrap()),
            Some(Some(Ok(Message::Close(f)))) => panic!("the server closed the socket: {f:?}"),
            Some(Some(Ok(_))) => {}
            Some(other) => panic!("the socket ended: {other:?}"),
        }
    }
}

/// The NATS server goes away while the helper on node A sends two messages: the helper's own node
/// confirms them at once, and once NATS is back they reach the sharer's open socket on node B,
/// once each and in order, with nothing lost after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_sent_while_the_bus_is_away_reaches_the_other_node() {
    let db = Database::create().await;
    let mut nats = Nats::start(free_port().await).await;
    let a = Node::start_on_bus(&db, &nats.url(), &[]).await;
    let b = Node::start_on_bus(&db, &nats.url(), &[]).await;
    let (_, mut hl, mut sl, _) = joined_across(&a, &b).await;

    nats.stop().await;
    for n in 1..=2 {
        hl.send(json!({"type": "chat", "text": format!("during the outage {n}")}))
            .await;
        let own = hl
            .expect_where("chat", 3.0, |v| v["from"] == "helper")
            .await;
        assert_eq!(own["text"], format!("during the outage {n}"));
        assert_eq!(
            own["seq"], n,
            "the sender's node confirms with the thread number"
        );
    }
    let nats = Nats::start(nats.port).await;
    // The client reconnects with a growing delay: generous.
    for n in 1..=2 {
        let m = sl.expect("chat", 20.0).await;
        assert_eq!(m["text"], format!("during the outage {n}"));
        assert_eq!(m["seq"], n);
    }
    hl.send(json!({"type": "chat", "text": "after"})).await;
    let m = sl.expect("chat", 5.0).await;
    assert_eq!(m["text"], "after", "no repeat of an earlier message: {m}");
    assert_eq!(m["seq"], 3);
    // The helper's node heard its own messages back from the bus: no repeats there either.
    let own = hl.expect("chat", 5.0).await;
    assert_eq!(own["seq"], 3, "{own}");
    hl.close().await;
    sl.close().await;
    drop((a, b, nats));
    db.drop_db().await;
}

/// PostgreSQL is out of reach of both nodes for 10 s (longer than the node-liveness window).
/// When it comes back, neither node takes the other for dead: nobody is marked lost and no socket
/// is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_kills_no_node() {
    let db = Database::create().await;
    let proxy = Proxy::start(5432).await;
    let via_proxy = Database {
        name: db.name.clone(),
        url: db
            .url
            .replace("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port)),
    };
    assert_ne!(
        via_proxy.url, db.url,
        "the nodes reach PostgreSQL through the proxy"
    );
    let a = Node::start(&via_proxy, &[]).await;
    let b = Node::start(&via_proxy, &[]).await;
    let (_, mut hl, mut sl, _) = joined_across(&a, &b).await;

    proxy.cut().await;
    // The sockets stay open through the outage (their heartbeats need no database).
    let (h, s) = tokio::join!(receive_for(&mut hl, 10.0), receive_for(&mut sl, 10.0));
    proxy.restore();
    // Well past NODE_LOST_AFTER_MS and a few heartbeats, plus the pools' reconnection.
    let (h2, s2) = tokio::join!(receive_for(&mut hl, 10.0), receive_for(&mut sl, 10.0));
    for m in h.iter().chain(&h2).chain(&s).chain(&s2) {
        assert!(
            !(m["type"] == "presence" && m["status"] != "online"),
            "nobody is lost: {m}"
        );
    }
    // Both sides still reach each other across the nodes.
    hl.send(json!({"type": "chat", "text": "still here"})).await;
    sl.expect_where("chat", 5.0, |v| v["text"] == "still here")
        .await;
    hl.close().await;
    sl.close().await;
    drop((a, b));
    drop(proxy);
    db.drop_db().await;
}

/// The administrator disables the sharer on node A while the sharer's socket is on node B: the
/// socket closes within two seconds and the helper sees the session end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_on_one_node_closes_a_socket_on_the_other() {
    let db = Database::create().await;
    let a = Node::start(&db, &[]).await;
    let b = Node::start(&db, &[]).await;
    let (id, mut hl, mut sl, (admin, sharer_id)) = joined_across(&a, &b).await;
    let res = admin
        .patch(
            &format!("/api/users/{sharer_id}"),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let t0 = tokio::time::Instant::now();
    let code = loop {
        match tokio::time::timeout_at(t0 + Duration::from_secs(2), sl.ws.next())
            .await
            .expect("the sharer's socket on node B closes within 2 s")
        {
            Some(Ok(Message::Close(f))) => break f.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            other => panic!("socket ended without a close frame: {other:?}"),
        }
    };
    assert_eq!(code, Some(4403));
    assert!(t0.elapsed() <= Duration::from_secs(2));
    let ended = hl
        .expect_where("state", 2.0, |v| v["session"]["state"] == "ended")
        .await;
    assert_eq!(ended["session"]["end_reason"], "access_revoked", "{id}");
    hl.close().await;
    drop((a, b));
    db.drop_db().await;
}
