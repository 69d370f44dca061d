//! The chat thread under concurrent writers, and after the session is over.

use crate::both;
use crate::common::*;
use crate::sessions::{create, world};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

both!(concurrent_messages_keep_one_order, closed_with_the_session);

/// Both sides post at the same time, over HTTP and the live socket: every message is stored
/// once, the thread is numbered 1..n without gaps, each side's messages keep their order, and
/// every message reaches the peer's live socket with the number it has in the thread.
async fn concurrent_messages_keep_one_order(db: Db) {
    let w = world(db).await;
    let (id, code) = create(&w.helper).await;
    let res = w
        .sharer
        .post("/api/sessions/join", json!({"code": code}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let ht = w.helper.with_token().await;
    let mut hl = Live::connect(&ht, &id).await;
    hl.expect("hello", 3.0).await;

    const EACH: usize = 25;
    let chat = format!("/api/sessions/{id}/chat");
    let post_all = |api: &Api, who: &'static str| {
        let api = api.clone();
        let chat = chat.clone();
        async move {
            let sends = (0..EACH).map(|i| {
                let api = api.clone();
                let chat = chat.clone();
                async move {
                    let res = api
                        .post(&chat, json!({"text": format!("{who} {i:02}")}))
                        .await;
                    assert_eq!(res.status(), StatusCode::CREATED);
                    res.json::<Value>().await.unwrap()["seq"].as_i64().unwrap()
                }
            });
            futures_util::future::join_all(sends).await
        }
    };
    let (h, s) = tokio::join!(post_all(&w.helper, "helper"), post_all(&w.sharer, "sharer"));
    let answered: BTreeSet<i64> = h.iter().chain(&s).copied().collect();
    let all: BTreeSet<i64> = (1..=(2 * EACH) as i64).collect();
    assert_eq!(answered, all, "each message has its own place, no gaps");

    let history = w.helper.get_json(&chat).await;
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2 * EACH);
    for (i, m) in history.iter().enumerate() {
        assert_eq!(m["seq"].as_i64().unwrap(), i as i64 + 1);
    }

    // Every message was published to the helper's socket once, with its place in the thread.
    let mut seen = BTreeSet::new();
    while seen.len() < 2 * EACH {
        let m = hl.expect("chat", 5.0).await;
        let seq: i64 = m["id"].as_str().unwrap().parse().unwrap();
        let stored = &history[(seq - 1) as usize];
        assert_eq!(m["text"], stored["text"]);
        assert!(seen.insert(seq), "message {seq} delivered twice");
    }
    hl.close().await;
    w.s.stop().await;
}

/// Once the session has ended, chat is refused over HTTP and the live socket, and nothing more
/// is stored.
async fn closed_with_the_session(db: Db) {
    let w = world(db).await;
    let (id, code) = create(&w.helper).await;
    let res = w
        .sharer
        .post("/api/sessions/join", json!({"code": code}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let chat = format!("/api/sessions/{id}/chat");
    let res = w.sharer.post(&chat, json!({"text": "before"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let st = w.sharer.with_token().await;
    let mut sl = Live::connect(&st, &id).await;
    sl.expect("hello", 3.0).await;

    let res = w
        .helper
        .post(&format!("/api/sessions/{id}/end"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    sl.expect_where("state", 3.0, |v| v["session"]["state"] == "ended")
        .await;

    expect_error(
        w.helper.post(&chat, json!({"text": "after"})).await,
        StatusCode::CONFLICT,
        "session_over",
    )
    .await;
    sl.send(json!({"type": "chat", "text": "after"})).await;
    assert_eq!(
        sl.expect("error", 3.0).await["error"]["code"],
        "session_over"
    );
    let history = w.helper.get_json(&chat).await;
    let texts: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["before"]);
    sl.close().await;
    w.s.stop().await;
}
