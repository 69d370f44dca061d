//! Device channels across two nodes: a push made on one node (retirement, a newer channel)
//! reaches the channel held by the other through NATS, and the channels of a node that dies are
//! marked offline by the survivor.

use crate::common::Api;
use crate::nodes::{Database, Node};
use assist_server::devices::signing::canonical;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn nonce() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Enrolls a device with key `k` through `admin` (on any node); its id.
async fn enroll(node: &Node, admin: &Api, k: &SigningKey, name: &str) -> String {
    let res = admin
        .post("/api/enrollment-tokens", json!({"name": name}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = node
        .client()
        .post(
            "/api/agent/enroll",
            json!({
                "token": token, "name": name,
                "public_key": base64::engine::general_purpose::STANDARD.encode(k.verifying_key().as_bytes()),
                "facts": {},
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["device_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Opens `device`'s channel on `node` and reads the hello.
async fn open(node: &Node, device: &str, k: &SigningKey) -> Ws {
    let url = format!("{}/ws/device", node.base.replace("http://", "ws://"));
    let mut req = url.into_client_request().unwrap();
    let (ts, n) = (now_ms(), nonce());
    let sig = k.sign(canonical("GET", "/ws/device", ts, &n, b"").as_bytes());
    let h = req.headers_mut();
    h.insert("x-assist-device", device.parse().unwrap());
    h.insert("x-assist-timestamp", ts.to_string().parse().unwrap());
    h.insert("x-assist-nonce", n.parse().unwrap());
    h.insert(
        "x-assist-signature",
        base64::engine::general_purpose::STANDARD
            .encode(sig.to_bytes())
            .parse()
            .unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("the channel opens");
    assert_eq!(next(&mut ws).await["type"], "hello");
    ws
}

/// The next text message as JSON, or `{"closed": code}` for a close frame.
async fn next(ws: &mut Ws) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("something on the channel within 5 s");
        match frame {
            Some(Ok(Message::Text(t))) => return serde_json::from_str(&t).unwrap(),
            Some(Ok(Message::Close(f))) => {
                return json!({"closed": f.map(|f| u16::from(f.code)).unwrap_or(0)});
            }
            Some(Ok(_)) => {}
            other => panic!("the channel ended: {other:?}"),
        }
    }
}

async fn online(admin: &Api, device: &str) -> bool {
    admin.get_json(&format!("/api/devices/{device}")).await["online"] == true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_cross_nodes_and_a_dead_nodes_channels_go_offline() {
    let db = Database::create().await;
    let a = Node::start(&db, &[]).await;
    let b = Node::start(&db, &[]).await;
    let admin = a
        .sign_in(crate::common::ADMIN_EMAIL, crate::common::ADMIN_PASSWORD)
        .await;
    let (k1, k2) = (
        SigningKey::from_bytes(&[41; 32]),
        SigningKey::from_bytes(&[42; 32]),
    );
    let d1 = enroll(&a, &admin, &k1, "pc-41").await;
    let d2 = enroll(&a, &admin, &k2, "pc-42").await;

    // A channel on B; the device is online as A reads it.
    let mut on_b = open(&b, &d1, &k1).await;
    assert!(online(&admin, &d1).await);
    // Retired on A: the push reaches B's channel through NATS.
    let res = admin
        .post(&format!("/api/devices/{d1}/retire"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let pushed = next(&mut on_b).await;
    assert_eq!(pushed["type"], "closed", "{pushed}");
    assert_eq!(pushed["code"], "device_retired");
    assert_eq!(next(&mut on_b).await, json!({"closed": 4401}));

    // A newer channel of a device on A closes its older one on B.
    let mut older = open(&b, &d2, &k2).await;
    let _newer = open(&a, &d2, &k2).await;
    assert_eq!(next(&mut older).await, json!({"closed": 4409}));
    assert!(online(&admin, &d2).await);

    // A channel held by B, then B dies: A marks it offline once B is silent.
    drop(older);
    let c = Node::start(&db, &[]).await;
    let k3 = SigningKey::from_bytes(&[43; 32]);
    let d3 = enroll(&a, &admin, &k3, "pc-43").await;
    let _on_c = open(&c, &d3, &k3).await;
    assert!(online(&admin, &d3).await);
    let killed_at = now_ms();
    c.kill().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while online(&admin, &d3).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the dead node's channel is still online"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let d = admin.get_json(&format!("/api/devices/{d3}")).await;
    assert!(d["online_changed_at"].as_i64().unwrap() >= killed_at);
    // The channel on A is untouched.
    assert!(online(&admin, &d2).await);
    drop(b);
    drop(a);
    db.drop_db().await;
}
