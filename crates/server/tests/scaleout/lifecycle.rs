//! A session across two nodes, then the death of one.

use crate::common::{Api, Live};
use crate::nodes::{Database, NATS_URL, Node};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Messages timed across nodes for the latency figure.
const TIMED_SIGNALS: usize = 200;

/// A tenant with Remote Help on, a helper (Help Desk Operator) and a sharer, set up through `a`.
pub async fn world(a: &Node) -> (Api, String, String) {
    let admin = a
        .sign_in(crate::common::ADMIN_EMAIL, crate::common::ADMIN_PASSWORD)
        .await;
    let res = admin
        .put(
            "/api/settings",
            json!({"remote_help_enabled": true, "allow_unenrolled_devices": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut ids = Vec::new();
    for (email, name) in [
        ("helen@example.com", "Helen Helper"),
        ("sam@other.org", "Sam Sharer"),
    ] {
        let res = admin
            .post(
                "/api/users",
                json!({"email": email, "password": "password-12345", "full_name": name}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create {email}");
        ids.push(
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let roles = admin.get_json("/api/roles").await;
    let rid = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Help Desk Operator")
        .unwrap()["id"]
        .clone();
    let res = admin
        .post(
            "/api/role-assignments",
            json!({"role_id": rid, "user_id": ids[0], "scope_all": true, "scope_groups": []}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let sharer_id = ids.pop().unwrap();
    let helper_id = ids.pop().unwrap();
    (admin, helper_id, sharer_id)
}

/// The shared secret the nodes are started with.
const TURN_SECRET: &str = "turn-test-secret";

/// `username` is `<expiry>:<user id>` about an hour ahead; `credential` its HMAC-SHA1.
fn check_turn_credentials(ice: &Value, user_id: &str) {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let server = &ice["ice_servers"][0];
    assert_eq!(
        server["urls"],
        json!(["turn:127.0.0.1:3478?transport=udp", "stun:127.0.0.1:3478"])
    );
    let username = server["username"].as_str().unwrap();
    let (expiry, user) = username.split_once(':').unwrap();
    assert_eq!(user, user_id);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expiry: u64 = expiry.parse().unwrap();
    assert!(
        (now + 3_500..=now + 3_700).contains(&expiry),
        "{expiry} vs {now}"
    );
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(TURN_SECRET.as_bytes()).unwrap();
    mac.update(username.as_bytes());
    let want = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(server["credential"], want.as_str());
    assert_eq!(ice["ttl_secs"], 3600);
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helper_and_sharer_on_two_nodes_and_a_node_dies() {
    let db = Database::create().await;
    let turn = [
        "--turn-url",
        "turn:127.0.0.1:3478?transport=udp",
        "--turn-url",
        "stun:127.0.0.1:3478",
        "--turn-secret",
        TURN_SECRET,
    ];
    let a = Node::start(&db, &turn).await;
    // Node B is given a list of NATS servers whose first one is down (port 9 on loopback:
    // nothing listens there), as a node of a NATS cluster would be: it connects to the other.
    let b = Node::start_on_bus(&db, &format!("nats://127.0.0.1:9,{NATS_URL}"), &turn).await;
    let (admin, helper_id, _) = world(&a).await;
    let helper = a.sign_in("helen@example.com", "password-12345").await;
    let sharer = b.sign_in("sam@other.org", "password-12345").await;

    // Created on A, joined on B.
    let res = helper.post("/api/sessions", json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let code = created["code"].as_str().unwrap().to_owned();
    let res = sharer
        .post("/api/sessions/join", json!({"code": code}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["state"], "joined");

    // TURN credentials for participants only, in the TURN REST scheme.
    let ice = helper
        .get_json(&format!("/api/sessions/{id}/ice-servers"))
        .await;
    check_turn_credentials(&ice, &helper_id);
    let res = admin.get(&format!("/api/sessions/{id}/ice-servers")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not a participant");

    // Live sockets: the helper on A, the sharer on B; presence crosses nodes.
    let ht = helper.with_token().await;
    let st = sharer.with_token().await;
    let mut hl = Live::connect(&ht, &id).await;
    hl.expect("hello", 5.0).await;
    let mut sl = Live::connect(&st, &id).await;
    assert_eq!(
        sl.expect("hello", 5.0).await["session"]["helper"]["full_name"],
        "Helen Helper"
    );
    hl.expect_where("presence", 3.0, |v| {
        v["role"] == "sharer" && v["status"] == "online"
    })
    .await;

    // Request on A, consent on B: each side sees the other's change.
    let res = helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "view"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    sl.expect_where("state", 3.0, |v| v["session"]["state"] == "requested")
        .await;
    let res = sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    hl.expect_where("state", 3.0, |v| v["session"]["state"] == "active")
        .await;

    // Signalling both ways.
    sl.send(json!({"type": "signal", "data": {"type": "offer", "sdp": "v=0 B"}}))
        .await;
    assert_eq!(hl.expect("signal", 3.0).await["data"]["sdp"], "v=0 B");
    hl.send(json!({"type": "signal", "data": {"type": "answer", "sdp": "v=0 A"}}))
        .await;
    assert_eq!(sl.expect("signal", 3.0).await["data"]["sdp"], "v=0 A");

    // Chat in order: bursts from each side arrive in sending order on the other node.
    for n in 0..20 {
        hl.send(json!({"type": "chat", "text": format!("helper {n}")}))
            .await;
    }
    for n in 0..20 {
        let m = sl
            .expect_where("chat", 3.0, |v| v["from"] == "helper")
            .await;
        assert_eq!(m["text"], format!("helper {n}"));
    }
    for n in 0..20 {
        sl.send(json!({"type": "chat", "text": format!("sharer {n} — مرحبا 你好")}))
            .await;
    }
    for n in 0..20 {
        let m = hl
            .expect_where("chat", 3.0, |v| v["from"] == "sharer")
            .await;
        assert_eq!(m["text"], format!("sharer {n} — مرحبا 你好"));
    }
    let history = helper.get_json(&format!("/api/sessions/{id}/chat")).await;
    assert_eq!(history.as_array().unwrap().len(), 40);

    // Relay latency across nodes (signalling, which has no rate limit): helper on A → sharer on B.
    let mut times = Vec::with_capacity(TIMED_SIGNALS);
    for n in 0..TIMED_SIGNALS {
        let t = Instant::now();
        hl.send(json!({"type": "signal", "data": {"n": n}})).await;
        sl.expect_where("signal", 3.0, |v| v["data"]["n"] == n)
            .await;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "cross-node relay (A → NATS → B), {} messages: p50 {:?}, p99 {:?}",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );

    // Node B dies. The helper learns the sharer is lost from a surviving node.
    let t0 = Instant::now();
    b.kill().await;
    drop(sl);
    hl.expect_where("presence", 8.0, |v| {
        v["role"] == "sharer" && v["status"] == "lost"
    })
    .await;
    let told = t0.elapsed();
    println!("helper told the sharer was lost after node B was killed: {told:?}");
    assert!(told <= Duration::from_secs(6), "lost notice took {told:?}");

    // The sharer reconnects (through the load balancer, to A) and resumes the same session.
    let st_a = a.same_token(&st);
    let mut sl = Live::connect(&st_a, &id).await;
    let hello = sl.expect("hello", 5.0).await;
    assert_eq!(hello["session"]["state"], "active");
    hl.expect_where("presence", 3.0, |v| {
        v["role"] == "sharer" && v["status"] == "online"
    })
    .await;
    sl.send(json!({"type": "chat", "text": "back again"})).await;
    hl.expect_where("chat", 3.0, |v| v["text"] == "back again")
        .await;
    let history = st_a.get_json(&format!("/api/sessions/{id}/chat")).await;
    assert_eq!(
        history.as_array().unwrap().last().unwrap()["text"],
        "back again",
        "the thread survived the node"
    );

    // The helper ends; the sharer is told.
    let res = helper
        .post(&format!("/api/sessions/{id}/end"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    sl.expect_where("state", 3.0, |v| v["session"]["state"] == "ended")
        .await;
    hl.close().await;
    sl.close().await;
    drop(a);
    db.drop_db().await;
}
