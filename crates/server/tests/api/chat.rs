//! The chat thread under concurrent writers, and after the session is over.

use crate::both;
use crate::common::*;
use crate::sessions::{create, world};
use assist_proto::session::Role;
use assist_server::store::chat::NewChat;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

both!(
    concurrent_messages_keep_one_order,
    closed_with_the_session,
    batches_number_each_thread,
    writers_at_once_share_a_thread
);

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

/// A message for the store, as the chat writer makes it.
fn note(w: &crate::sessions::World, session: &str, from: Role, text: &str) -> NewChat {
    NewChat {
        tenant_id: w.s.state.tenant_id.clone(),
        session_id: session.to_owned(),
        from,
        sender_id: match from {
            Role::Helper => w.helper_id.clone(),
            Role::Sharer => w.sharer_id.clone(),
        },
        text: text.to_owned(),
        sent_at: 1,
        address: None,
    }
}

/// The texts of a thread, in its order, after checking it is numbered 1..n.
async fn thread(w: &crate::sessions::World, session: &str) -> Vec<String> {
    let recs = w.s.state.store.chat(session).await.unwrap();
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(
            r.seq,
            i as i64 + 1,
            "thread {session} numbered without gaps"
        );
    }
    recs.into_iter().map(|r| r.text).collect()
}

/// One batch (the chat writer's group commit) with messages of two sessions interleaved and one
/// of a session that is over: each thread goes on from its last message, in the batch's order,
/// each message gets its own number back, and nothing is stored for the session that is over.
async fn batches_number_each_thread(db: Db) {
    let w = world(db).await;
    let (a, _) = create(&w.helper).await;
    let (b, _) = create(&w.helper).await;
    let (over, _) = create(&w.helper).await;
    let res = w
        .helper
        .post(&format!("/api/sessions/{over}/end"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let store = &w.s.state.store;
    let first = store
        .add_chats(&[note(&w, &a, Role::Helper, "a0")])
        .await
        .unwrap();
    assert_eq!(first[0].as_ref().unwrap().seq, 1);

    let batch: Vec<NewChat> = [
        (&a, "a1"),
        (&b, "b1"),
        (&over, "x1"),
        (&a, "a2"),
        (&b, "b2"),
        (&a, "a3"),
    ]
    .iter()
    .map(|(s, t)| note(&w, s, Role::Sharer, t))
    .collect();
    let out = store.add_chats(&batch).await.unwrap();
    let seqs: Vec<Option<i64>> = out.iter().map(|r| r.as_ref().map(|r| r.seq)).collect();
    assert_eq!(seqs, [Some(2), Some(1), None, Some(3), Some(2), Some(4)]);
    for (m, r) in batch.iter().zip(&out) {
        if let Some(r) = r {
            assert_eq!((r.text.as_str(), r.from), (m.text.as_str(), Role::Sharer));
        }
    }
    assert_eq!(thread(&w, &a).await, ["a0", "a1", "a2", "a3"]);
    assert_eq!(thread(&w, &b).await, ["b1", "b2"]);
    assert!(thread(&w, &over).await.is_empty());
    // Each stored message has its audit entry (the fact: number and length, not the text), in
    // the same commit; the message that was not stored has none.
    let audit = w
        .admin
        .get_json(&format!(
            "/api/audit?action=session.chat_sent&target={a}&limit=100"
        ))
        .await;
    let mut details: Vec<(i64, i64, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["detail"]["seq"].as_i64().unwrap(),
                e["detail"]["chars"].as_i64().unwrap(),
                e["actor"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    details.sort();
    assert_eq!(
        details,
        [
            (1, 2, "helper".to_owned()),
            (2, 2, "sharer".to_owned()),
            (3, 2, "sharer".to_owned()),
            (4, 2, "sharer".to_owned())
        ]
    );
    let none = w
        .admin
        .get_json(&format!(
            "/api/audit?action=session.chat_sent&target={over}&limit=100"
        ))
        .await;
    assert_eq!(none["items"], json!([]));

    // A batch larger than one statement takes (`CHAT_BATCH_MAX`) keeps its order too.
    let long: Vec<NewChat> = (0..100)
        .map(|i| note(&w, &b, Role::Helper, &format!("long {i:03}")))
        .collect();
    let out = store.add_chats(&long).await.unwrap();
    let seqs: Vec<i64> = out.iter().map(|r| r.as_ref().unwrap().seq).collect();
    assert_eq!(seqs, (3..103).collect::<Vec<i64>>());
    assert_eq!(thread(&w, &b).await.len(), 102);

    // Text and address are stored as they came, whatever characters they hold (on PostgreSQL a
    // batch travels as one JSON parameter).
    let tricky = "quote \" backslash \\ tab\t line\n 😀 مرحبا {\"json\": [1, null]} \\u0041 '; --";
    let mut m = note(&w, &a, Role::Helper, tricky);
    m.address = Some("2001:db8::1".into());
    let out = store.add_chats(&[m]).await.unwrap();
    assert_eq!(out[0].as_ref().unwrap().seq, 5);
    assert_eq!(
        thread(&w, &a).await.last().map(String::as_str),
        Some(tricky)
    );
    let audit = w
        .admin
        .get_json(&format!(
            "/api/audit?action=session.chat_sent&target={a}&limit=100"
        ))
        .await;
    let entry = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["detail"]["seq"] == 5)
        .expect("the audit entry of message 5");
    assert_eq!(entry["address"], "2001:db8::1");
    assert_eq!(
        entry["detail"]["chars"],
        i64::try_from(tricky.chars().count()).unwrap()
    );
    w.s.stop().await;
}

/// Two writers (the helper's node and the sharer's node) append to the same threads at the same
/// moment, again and again, naming the sessions in opposite orders: every batch is stored (none
/// fails on a number the other took, none waits for the other in a cycle), and each thread is
/// numbered without gaps, each writer's messages in their order.
async fn writers_at_once_share_a_thread(db: Db) {
    let w = world(db).await;
    let (a, _) = create(&w.helper).await;
    let (b, _) = create(&w.helper).await;
    let store = &w.s.state.store;
    const ROUNDS: usize = 30;
    let batch = |from: Role, who: &str, round: usize, order: [&String; 3]| -> Vec<NewChat> {
        order
            .iter()
            .enumerate()
            .map(|(k, s)| note(&w, s, from, &format!("{who} {round:02} {k}")))
            .collect()
    };
    for round in 0..ROUNDS {
        let h = batch(Role::Helper, "helper", round, [&a, &b, &a]);
        let s = batch(Role::Sharer, "sharer", round, [&b, &a, &b]);
        let (x, y) = tokio::join!(store.add_chats(&h), store.add_chats(&s));
        let (x, y) = (x.expect("helper's batch"), y.expect("sharer's batch"));
        assert!(x.iter().chain(&y).all(Option::is_some), "round {round}");
    }
    let (in_a, in_b) = (thread(&w, &a).await, thread(&w, &b).await);
    assert_eq!((in_a.len(), in_b.len()), (ROUNDS * 3, ROUNDS * 3));
    let own = |texts: &[String], who: &str| -> Vec<String> {
        texts
            .iter()
            .filter(|t| t.starts_with(who))
            .cloned()
            .collect()
    };
    let expected = |who: &str, ks: &[usize]| -> Vec<String> {
        (0..ROUNDS)
            .flat_map(|r| ks.iter().map(move |k| format!("{who} {r:02} {k}")))
            .collect()
    };
    assert_eq!(own(&in_a, "helper"), expected("helper", &[0, 2]));
    assert_eq!(own(&in_a, "sharer"), expected("sharer", &[1]));
    assert_eq!(own(&in_b, "helper"), expected("helper", &[1]));
    assert_eq!(own(&in_b, "sharer"), expected("sharer", &[0, 2]));
    w.s.stop().await;
}
