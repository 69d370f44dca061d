//! A rolling restart: one node of two is stopped with SIGTERM while a session runs across both.

use crate::common::Live;
use crate::lifecycle::world;
use crate::nodes::{Database, Node};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

/// `SHUTDOWN_DRAIN_SECS` of the server: a stopped node exits within it (and a little start-up of
/// the check).
const DRAIN: Duration = Duration::from_secs(assist_server::limits::SHUTDOWN_DRAIN_SECS);

/// Chat messages the sharer sends on node B just before B is stopped.
const BURST: usize = 20;

/// Every JSON message `live` receives until `stop` says stop or `secs` pass (then `None`).
async fn collect(
    live: &mut Live,
    secs: f64,
    seen: &mut Vec<Value>,
    stop: impl Fn(&Value) -> bool,
) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(secs);
    loop {
        match tokio::time::timeout_at(deadline, live.ws.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                seen.push(v.clone());
                if stop(&v) {
                    return Some(v);
                }
            }
            Ok(Some(Ok(_))) => {}
            Ok(other) => panic!("the socket ended: {other:?}"),
        }
    }
}

/// A chat message posted over HTTP/1.1 by hand, its body sent in two halves: the first before the
/// node is stopped, the second after, to prove that a request in flight is finished.
struct SlowPost {
    tcp: tokio::net::TcpStream,
    rest: Vec<u8>,
}

impl SlowPost {
    async fn start(base: &str, path: &str, token: &str, body: &str) -> SlowPost {
        let host = base.strip_prefix("http://").unwrap();
        let mut tcp = tokio::net::TcpStream::connect(host).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let (first, rest) = body.as_bytes().split_at(body.len() / 2);
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(first).await.unwrap();
        tcp.flush().await.unwrap();
        SlowPost {
            tcp,
            rest: rest.to_vec(),
        }
    }

    /// Sends the rest of the body; the answer's status line.
    async fn finish(mut self) -> String {
        self.tcp.write_all(&self.rest).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), self.tcp.read_to_end(&mut answer))
            .await
            .expect("the answer comes, and the connection closes after it")
            .unwrap();
        let text = String::from_utf8_lossy(&answer).into_owned();
        text.lines().next().unwrap_or_default().to_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_loses_no_session_and_no_message() {
    let db = Database::create().await;
    let a = Node::start(&db, &[]).await;
    let b = Node::start(&db, &[]).await;
    world(&a).await;
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
    let res = helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "view"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // The helper on A, the sharer on B.
    let ht = helper.with_token().await;
    let st = sharer.with_token().await;
    let mut hl = Live::connect(&ht, &id).await;
    hl.expect("hello", 5.0).await;
    let mut sl = Live::connect(&st, &id).await;
    assert_eq!(sl.expect("hello", 5.0).await["session"]["state"], "active");
    hl.expect_where("presence", 3.0, |v| {
        v["role"] == "sharer" && v["status"] == "online"
    })
    .await;

    // In flight when B is told to stop: a request on B whose body is half sent, and a burst of
    // chat messages on the sharer's socket.
    let post = SlowPost::start(
        &b.base,
        &format!("/api/sessions/{id}/chat"),
        st.bearer.as_deref().unwrap(),
        r#"{"text":"sent over HTTP while the node stops"}"#,
    )
    .await;
    for n in 0..BURST {
        sl.send(json!({"type": "chat", "text": format!("burst {n}")}))
            .await;
    }
    let t0 = Instant::now();
    b.terminate();

    // The sharer's socket closes with 1012 and a reason it can act on.
    let mut sharer_saw = Vec::new();
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match sl.ws.next().await {
                Some(Ok(Message::Close(frame))) => break frame,
                Some(Ok(Message::Text(t))) => {
                    sharer_saw.push(serde_json::from_str::<Value>(&t).unwrap())
                }
                Some(Ok(_)) => {}
                other => panic!("the socket ended without a close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("a close frame within 5 s")
    .expect("the close frame has a code");
    let closed_after = t0.elapsed();
    assert_eq!(u16::from(close.code), 1012, "service restart");
    assert_eq!(close.reason.as_str(), "server restarting: reconnect");
    drop(sl);

    // B accepts no new connections, while it still finishes the request under way.
    let host = b.base.strip_prefix("http://").unwrap().to_owned();
    let refused = async {
        loop {
            if tokio::net::TcpStream::connect(&host).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(2), refused)
        .await
        .expect("the stopping node refuses new connections");
    let status_line = post.finish().await;
    assert!(
        status_line.starts_with("HTTP/1.1 201"),
        "the request in flight is answered: {status_line:?}"
    );

    // B exits 0 within the drain time.
    let status = b.exited(DRAIN).await;
    let exited_after = t0.elapsed();
    assert!(status.success(), "node B exited with {status}");
    println!("SIGTERM → close frame after {closed_after:?}, node exited 0 after {exited_after:?}");

    // The helper is told the sharer is moving (not lost, not left).
    let mut helper_saw = Vec::new();
    collect(&mut hl, 5.0, &mut helper_saw, |v| v["type"] == "presence")
        .await
        .expect("the helper is told");
    let presence: Vec<&Value> = helper_saw
        .iter()
        .filter(|v| v["type"] == "presence")
        .collect();
    assert_eq!(presence[0]["role"], "sharer");
    assert_eq!(presence[0]["status"], "moving", "{presence:?}");

    // The sharer reconnects at once, through the balancer, to A and resumes the same session.
    let st_a = a.same_token(&st);
    let t1 = Instant::now();
    let mut sl = Live::connect(&st_a, &id).await;
    let hello = sl.expect("hello", 5.0).await;
    assert_eq!(hello["session"]["state"], "active");
    collect(&mut hl, 5.0, &mut helper_saw, |v| {
        v["type"] == "presence" && v["status"] == "online"
    })
    .await
    .expect("the helper sees the sharer back");
    println!(
        "sharer back online on node A {:?} after reconnecting",
        t1.elapsed()
    );

    // Long past the time a dead node's participants are marked lost (NODE_LOST_AFTER_MS), the
    // helper has still never been told `lost` or `left`.
    // Both clients keep up their heartbeats meanwhile, as the real ones do.
    sl.send(json!({"type": "chat", "text": "back on A"})).await;
    while t0.elapsed() < Duration::from_secs(7) {
        sl.send(json!({"type": "ping"})).await;
        hl.send(json!({"type": "ping"})).await;
        let _ = collect(&mut hl, 0.5, &mut helper_saw, |_| false).await;
        while let Ok(Some(_)) = tokio::time::timeout(Duration::ZERO, sl.ws.next()).await {}
    }
    for v in &helper_saw {
        if v["type"] == "presence" {
            assert!(
                v["status"] == "moving" || v["status"] == "online",
                "the helper saw {v}"
            );
        }
    }

    // No chat message lost: the whole burst sent before the close is stored, in order; what is in
    // the thread reached the helper, in order; the HTTP message in flight is there.
    let thread = st_a.get_json(&format!("/api/sessions/{id}/chat")).await;
    let thread: Vec<String> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    let helper_got: Vec<String> = helper_saw
        .iter()
        .filter(|v| v["type"] == "chat")
        .map(|v| v["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(helper_got, thread, "the helper got the whole thread");
    assert!(thread.contains(&"sent over HTTP while the node stops".to_owned()));
    assert_eq!(thread.last().map(String::as_str), Some("back on A"));
    let burst: Vec<&String> = thread.iter().filter(|t| t.starts_with("burst ")).collect();
    for (n, t) in burst.iter().enumerate() {
        assert_eq!(**t, format!("burst {n}"), "in order, no gap: {burst:?}");
    }
    for v in sharer_saw.iter().filter(|v| v["type"] == "chat") {
        let text = v["text"].as_str().unwrap().to_owned();
        assert!(thread.contains(&text), "{text} confirmed but not stored");
    }
    assert_eq!(
        burst.len(),
        BURST,
        "every message sent before the close is stored"
    );

    let res = helper
        .post(&format!("/api/sessions/{id}/end"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    hl.close().await;
    sl.close().await;
    drop(a);
    db.drop_db().await;
}
