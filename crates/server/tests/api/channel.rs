//! The device channel (`GET /ws/device`): opened only with a request signed by an enrolled
//! device (bad signatures, replays and retired devices refused), online/offline state on the
//! device, check-ins over the channel, and pushes from the server (retirement, a newer channel).

use crate::both;
use crate::common::*;
use crate::devices::{b64, enrolled, key, nonce, now_ms, report};
use assist_server::devices::signing::canonical;
use ed25519_dalek::{Signer, SigningKey};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

both!(
    channel_refuses_unsigned_forged_replayed_and_retired,
    channel_online_state_and_check_in,
    channel_pushes_retirement_and_replacement,
    sessions_for_a_device_are_offered_on_its_channel,
    helper_sees_offer_states_decline_and_reoffer
);

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the channel with the given signature inputs; the refusal's status and error code
/// otherwise.
async fn open_raw(
    s: &TestServer,
    device: &str,
    sign_with: Option<(&SigningKey, i64, &str)>,
) -> Result<Ws, (u16, String)> {
    let url = format!("{}/ws/device", s.base.replace("http://", "ws://"));
    let mut req = url.into_client_request().unwrap();
    if let Some((k, ts, nonce)) = sign_with {
        let sig = k.sign(canonical("GET", "/ws/device", ts, nonce, b"").as_bytes());
        let h = req.headers_mut();
        h.insert("x-assist-device", device.parse().unwrap());
        h.insert("x-assist-timestamp", ts.to_string().parse().unwrap());
        h.insert("x-assist-nonce", nonce.parse().unwrap());
        h.insert("x-assist-signature", b64(&sig.to_bytes()).parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            let body: Value = res
                .body()
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or(Value::Null);
            Err((
                res.status().as_u16(),
                body["error"]["code"].as_str().unwrap_or("").to_owned(),
            ))
        }
        Err(e) => panic!("websocket: {e}"),
    }
}

/// Opens the channel of `device` signed with `k`, and reads its hello.
pub(crate) async fn open(s: &TestServer, device: &str, k: &SigningKey) -> Ws {
    let mut ws = open_raw(s, device, Some((k, now_ms(), &nonce())))
        .await
        .expect("the channel opens");
    let hello = next_json(&mut ws, 5.0).await;
    assert_eq!(hello["type"], "hello", "{hello}");
    assert_eq!(hello["device_id"], device);
    assert_eq!(hello["protocol_version"], 1);
    ws
}

/// The next text message as JSON (other frames skipped); `Null` when the channel closed.
pub(crate) async fn next_json(ws: &mut Ws, secs: f64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(secs);
    loop {
        let next = tokio::time::timeout_at(deadline, ws.next())
            .await
            .unwrap_or_else(|_| panic!("nothing on the channel within {secs} s"));
        match next {
            Some(Ok(Message::Text(t))) => return serde_json::from_str(&t).unwrap(),
            Some(Ok(Message::Close(f))) => {
                return json!({"closed": f.map(|f| u16::from(f.code)).unwrap_or(0)});
            }
            Some(Ok(_)) => {}
            None | Some(Err(_)) => return Value::Null,
        }
    }
}

/// Waits until the device's `online` is `want` (the state is written by the channel's task).
async fn online_is(admin: &Api, device: &str, want: bool) -> Value {
    for _ in 0..100 {
        let d = admin.get_json(&format!("/api/devices/{device}")).await;
        if d["online"] == want {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("device {device} never became online={want}");
}

async fn channel_refuses_unsigned_forged_replayed_and_retired(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let k = key(31);
    let device = enrolled(&s, &admin, &k, report("pc-31", None, json!({}))).await;

    assert_eq!(
        open_raw(&s, &device, None).await.err().unwrap(),
        (401, "device_signature_missing".to_owned())
    );
    // Signed by another key.
    let forged = open_raw(&s, &device, Some((&key(32), now_ms(), &nonce()))).await;
    assert_eq!(
        forged.err().unwrap(),
        (401, "device_signature_invalid".to_owned())
    );
    // Signed too long ago.
    let stale = open_raw(&s, &device, Some((&k, now_ms() - 10 * 60_000, &nonce()))).await;
    assert_eq!(
        stale.err().unwrap(),
        (401, "device_timestamp_skew".to_owned())
    );
    // The same signed request twice: the second is a replay.
    let (ts, n) = (now_ms(), nonce());
    let mut first = open_raw(&s, &device, Some((&k, ts, &n))).await.unwrap();
    assert_eq!(next_json(&mut first, 5.0).await["type"], "hello");
    assert_eq!(
        open_raw(&s, &device, Some((&k, ts, &n)))
            .await
            .err()
            .unwrap(),
        (401, "device_replay".to_owned())
    );
    let _ = first.close(None).await;
    // A retired device cannot open it.
    let res = admin
        .post(&format!("/api/devices/{device}/retire"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        open_raw(&s, &device, Some((&k, now_ms(), &nonce())))
            .await
            .err()
            .unwrap(),
        (401, "device_retired".to_owned())
    );
    // An unknown device.
    assert_eq!(
        open_raw(&s, &"ab".repeat(16), Some((&k, now_ms(), &nonce())))
            .await
            .err()
            .unwrap(),
        (401, "device_unknown".to_owned())
    );
    s.stop().await;
}

async fn channel_online_state_and_check_in(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let k = key(33);
    let device = enrolled(&s, &admin, &k, report("pc-33", None, json!({}))).await;
    let before = admin.get_json(&format!("/api/devices/{device}")).await;
    assert_eq!(before["online"], false);
    assert_eq!(before["online_changed_at"], Value::Null, "never connected");

    let t0 = now_ms();
    let mut ws = open(&s, &device, &k).await;
    let up = online_is(&admin, &device, true).await;
    assert!(up["online_changed_at"].as_i64().unwrap() >= t0);

    // A check-in over the channel is recorded and answered as over REST.
    let mut r = report("renamed-33", None, json!({"firewall": true}));
    r["os_version"] = json!("24.04");
    ws.send(Message::text(
        json!({"type": "check_in", "report": r}).to_string(),
    ))
    .await
    .unwrap();
    let answer = next_json(&mut ws, 5.0).await;
    assert_eq!(answer["type"], "checked_in", "{answer}");
    assert_eq!(answer["device_id"], device);
    assert_eq!(answer["next_check_in_secs"], 900);
    let d = admin.get_json(&format!("/api/devices/{device}")).await;
    assert_eq!(d["os_version"], "24.04");
    assert_eq!(d["facts"]["firewall"], true);

    // A report the REST check-in refuses is refused here too, and the channel stays open.
    ws.send(Message::text(
        json!({"type": "check_in", "report": {"name": ""}}).to_string(),
    ))
    .await
    .unwrap();
    let refused = next_json(&mut ws, 5.0).await;
    assert_eq!(refused["type"], "error", "{refused}");
    ws.send(Message::text(r#"{"type":"later_kind"}"#))
        .await
        .unwrap();
    assert_eq!(
        next_json(&mut ws, 5.0).await["error"]["code"],
        "unknown_type"
    );
    ws.send(Message::text("not json")).await.unwrap();
    assert_eq!(
        next_json(&mut ws, 5.0).await["error"]["code"],
        "invalid_message"
    );

    // Closed by the agent: offline since then.
    let t1 = now_ms();
    ws.close(None).await.unwrap();
    let down = online_is(&admin, &device, false).await;
    assert!(down["online_changed_at"].as_i64().unwrap() >= t1);
    // The listing carries the same state.
    let list = admin.get_json("/api/devices").await;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == device.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["online"], false);
    s.stop().await;
}

async fn channel_pushes_retirement_and_replacement(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let k = key(34);
    let device = enrolled(&s, &admin, &k, report("pc-34", None, json!({}))).await;

    // A newer channel of the device replaces the older one, which is closed (4409).
    let mut older = open(&s, &device, &k).await;
    let mut newer = open(&s, &device, &k).await;
    assert_eq!(next_json(&mut older, 5.0).await, json!({"closed": 4409}));
    online_is(&admin, &device, true).await;
    // The older one's end does not mark the device offline.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        admin.get_json(&format!("/api/devices/{device}")).await["online"],
        true
    );

    // Retiring the device reaches its channel at once, which then closes (4401).
    let res = admin
        .post(&format!("/api/devices/{device}/retire"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let closed = next_json(&mut newer, 5.0).await;
    assert_eq!(closed["type"], "closed", "{closed}");
    assert_eq!(closed["code"], "device_retired");
    assert_eq!(next_json(&mut newer, 5.0).await, json!({"closed": 4401}));
    online_is(&admin, &device, false).await;
    s.stop().await;
}

async fn sessions_for_a_device_are_offered_on_its_channel(db: Db) {
    let w = crate::sessions::world(db).await;
    let k = key(35);
    let device = enrolled(&w.s, &w.admin, &k, report("pc-35", Some("sam"), json!({}))).await;

    // Never connected: the helper is told the device is offline, and keeps the code.
    let res = w
        .helper
        .post("/api/sessions", json!({"device_id": device}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(
        created["device_channel"],
        json!({"status": "offline", "offline_since": null})
    );
    assert!(created["code"].is_string());

    // Online: that waiting session is offered now, ...
    let mut ws = open(&w.s, &device, &k).await;
    let again = next_json(&mut ws, 5.0).await;
    assert_eq!(again["type"], "offer", "{again}");
    assert_eq!(again["session_id"], created["id"]);
    // ... and a new one reaches the channel with the helper's trust data and the session's code.
    let res = w
        .helper
        .post("/api/sessions", json!({"device_id": device}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["device_channel"]["status"], "offered", "{created}");
    let offer = next_json(&mut ws, 5.0).await;
    assert_eq!(offer["type"], "offer", "{offer}");
    assert_eq!(offer["session_id"], created["id"]);
    assert_eq!(
        offer["code"].as_str().unwrap(),
        created["code"].as_str().unwrap().replace(' ', "")
    );
    assert_eq!(offer["helper"]["email"], "helen@example.com");
    assert_eq!(offer["helper"]["name"], "Helen Helper");
    assert_eq!(offer["expires_at"], created["expires_at"]);
    // Audited.
    let audit = w.admin.get_json("/api/audit?limit=100").await.to_string();
    assert!(audit.contains("session.offered_to_device"), "{audit}");

    // Closed: offline since then, and the answer says so.
    let t = now_ms();
    ws.close(None).await.unwrap();
    online_is(&w.admin, &device, false).await;
    let created: Value = w
        .helper
        .post("/api/sessions", json!({"device_id": device}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["device_channel"]["status"], "offline");
    assert!(created["device_channel"]["offline_since"].as_i64().unwrap() >= t);

    // A session without a device says nothing about a channel.
    let created: Value = w
        .helper
        .post("/api/sessions", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(created.get("device_channel").is_none());
    w.s.stop().await;
}

/// The helper's view of a session: its `device_offer`.
async fn offer_of(w: &crate::sessions::World, id: &str) -> Value {
    w.helper.get_json(&format!("/api/sessions/{id}")).await["device_offer"].clone()
}

async fn helper_sees_offer_states_decline_and_reoffer(db: Db) {
    let w = crate::sessions::world(db).await;
    let k = key(36);
    let device = enrolled(&w.s, &w.admin, &k, report("pc-36", Some("sam"), json!({}))).await;

    // A session without a device: no offer, and no warning about a device nobody has yet.
    let plain: Value = w
        .helper
        .post("/api/sessions", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let v = w
        .helper
        .get_json(&format!("/api/sessions/{}", plain["id"].as_str().unwrap()))
        .await;
    assert!(v.get("device_offer").is_none(), "{v}");
    assert_eq!(v["warnings"], json!([]), "{v}");

    // Offered while the device is offline: the helper sees "offline" ...
    let created: Value = w
        .helper
        .post("/api/sessions", json!({"device_id": device}))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(offer_of(&w, &id).await["status"], "offline");
    // ... and the device is offered the session when it comes online, the helper sees "offered".
    let mut ws = open(&w.s, &device, &k).await;
    let offer = next_json(&mut ws, 5.0).await;
    assert_eq!(offer["type"], "offer", "{offer}");
    assert_eq!(offer["session_id"], id.as_str());
    assert_eq!(
        offer["code"].as_str().unwrap(),
        created["code"].as_str().unwrap().replace(' ', "")
    );
    online_is(&w.admin, &device, true).await;
    assert_eq!(offer_of(&w, &id).await["status"], "offered");

    // The device goes away: offline since then; back: offered again.
    let t = now_ms();
    ws.close(None).await.unwrap();
    online_is(&w.admin, &device, false).await;
    let off = offer_of(&w, &id).await;
    assert_eq!(off["status"], "offline", "{off}");
    assert!(off["since"].as_i64().unwrap() >= t);
    let mut ws = open(&w.s, &device, &k).await;
    assert_eq!(next_json(&mut ws, 5.0).await["session_id"], id.as_str());

    // The user declines: the helper's view says so, and the decline is not offered again.
    ws.send(Message::text(
        json!({"type": "decline", "session_id": id}).to_string(),
    ))
    .await
    .unwrap();
    let mut declined = Value::Null;
    for _ in 0..100 {
        declined = offer_of(&w, &id).await;
        if declined["status"] == "declined" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(declined["status"], "declined", "{declined}");
    ws.close(None).await.unwrap();
    online_is(&w.admin, &device, false).await;
    let mut ws = open(&w.s, &device, &k).await;
    // A decline of a session not offered to this device changes nothing and is not answered.
    ws.send(Message::text(
        json!({"type": "decline", "session_id": plain["id"]}).to_string(),
    ))
    .await
    .unwrap();
    ws.send(Message::text(r#"{"type":"later_kind"}"#))
        .await
        .unwrap();
    let next = next_json(&mut ws, 5.0).await;
    assert_eq!(
        next["error"]["code"], "unknown_type",
        "nothing was offered again: {next}"
    );
    assert_eq!(offer_of(&w, &id).await["status"], "declined");
    w.s.stop().await;
}
