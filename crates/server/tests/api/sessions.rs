//! Remote help sessions end to end over HTTP and the live socket, with two real clients.

use crate::both;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

both!(
    device_sessions,
    full_lifecycle,
    deny_and_reuse,
    expiry,
    third_parties_see_nothing,
    chat_disabled_and_rules,
    presence_and_resume
);

/// A server with Remote Help on, a helper (Help Desk Operator for everyone), a sharer, and the
/// verified domain example.com.
pub struct World {
    pub s: TestServer,
    pub admin: Api,
    pub helper: Api,
    pub sharer: Api,
    pub helper_id: String,
    pub sharer_id: String,
}

pub async fn world(db: Db) -> World {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let res = admin
        .put(
            "/api/settings",
            json!({"remote_help_enabled": true, "allow_unenrolled_devices": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        admin
            .post("/api/domains", json!({"domain": "example.com"}))
            .await
            .status(),
        StatusCode::CREATED
    );
    let (helper_id, helper) = s.user(&admin, "helen@example.com", "Helen Helper").await;
    let (sharer_id, sharer) = s.user(&admin, "sam@other.org", "Sam Sharer").await;
    assign(&admin, &helper_id, "Help Desk Operator", true, &[]).await;
    World {
        s,
        admin,
        helper,
        sharer,
        helper_id,
        sharer_id,
    }
}

/// Gives `user_id` the built-in role `role` for the whole tenant or for `groups`.
pub async fn assign(admin: &Api, user_id: &str, role: &str, all: bool, groups: &[&str]) {
    let roles = admin.get_json("/api/roles").await;
    let rid = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == role)
        .unwrap()["id"]
        .clone();
    let res = admin
        .post(
            "/api/role-assignments",
            json!({"role_id": rid, "user_id": user_id, "scope_all": all, "scope_groups": groups}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

/// Creates a session as the helper: (id, code).
pub async fn create(helper: &Api) -> (String, String) {
    let res = helper.post("/api/sessions", json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    (
        v["id"].as_str().unwrap().to_owned(),
        v["code"].as_str().unwrap().to_owned(),
    )
}

async fn full_lifecycle(db: Db) {
    let w = world(db).await;
    let res = w.helper.post("/api/sessions", json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let code = created["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 9, "grouped as 4 + space + 4: {code}");
    assert!(
        created["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/rh?passcode={}", code.replace(' ', "")))
    );
    assert_eq!(created["session"]["state"], "waiting");
    let warnings: Vec<&str> = created["session"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(
        warnings.is_empty(),
        "no warning before anyone joined: {warnings:?}"
    );

    // The sharer types the code in upper case with a dash.
    let typed = format!(
        "  {}-{} ",
        code[..4].to_uppercase(),
        code[5..].to_uppercase()
    );
    let res = w
        .sharer
        .post("/api/sessions/join", json!({"code": typed}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let joined: Value = res.json().await.unwrap();
    assert_eq!(joined["state"], "joined");
    assert_eq!(joined["your_role"], "sharer");
    assert_eq!(joined["helper"]["full_name"], "Helen Helper");
    assert_eq!(joined["helper"]["job_title"], "Engineer");
    assert_eq!(joined["helper"]["company"], "Example Ltd");
    assert_eq!(joined["helper"]["domain_verified"], true);
    assert_eq!(joined["code"], Value::Null);

    let hv = w.helper.get_json(&format!("/api/sessions/{id}")).await;
    assert_eq!(hv["sharer"]["full_name"], "Sam Sharer");
    assert_eq!(
        hv["sharer"]["domain_verified"], false,
        "other.org is not verified"
    );
    let codes: Vec<&str> = hv["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"sharer_unverified") && codes.contains(&"device_not_enrolled"),
        "{codes:?}"
    );

    // Both sides go live.
    let ht = w.helper.with_token().await;
    let st = w.sharer.with_token().await;
    let mut hl = Live::connect(&ht, &id).await;
    let hello = hl.expect("hello", 5.0).await;
    assert_eq!(hello["role"], "helper");
    assert_eq!(hello["protocol_version"], 1);
    let mut sl = Live::connect(&st, &id).await;
    assert_eq!(
        sl.expect("hello", 5.0).await["session"]["helper"]["full_name"],
        "Helen Helper"
    );
    hl.expect_where("presence", 3.0, |v| {
        v["role"] == "sharer" && v["status"] == "online"
    })
    .await;

    // Signalling before consent is refused; the helper requests view only.
    sl.send(json!({"type": "signal", "data": {"sdp": "early"}}))
        .await;
    assert_eq!(
        sl.expect("error", 3.0).await["error"]["code"],
        "signal_not_allowed"
    );
    let res = w
        .helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "view"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    sl.expect_where("state", 3.0, |v| {
        v["session"]["state"] == "requested" && v["session"]["mode"] == "view"
    })
    .await;
    expect_error(
        w.helper
            .post(
                &format!("/api/sessions/{id}/consent"),
                json!({"allow": true}),
            )
            .await,
        StatusCode::FORBIDDEN,
        "sharer_only",
    )
    .await;
    let res = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["state"], "active");
    hl.expect_where("state", 3.0, |v| {
        v["session"]["state"] == "active" && v["session"]["active_mode"] == "view"
    })
    .await;

    // WebRTC signalling is relayed to the other side only.
    sl.send(json!({"type": "signal", "data": {"type": "offer", "sdp": "v=0"}}))
        .await;
    let sig = hl.expect("signal", 3.0).await;
    assert_eq!(sig["data"], json!({"type": "offer", "sdp": "v=0"}));
    hl.send(json!({"type": "signal", "data": {"type": "answer", "sdp": "v=0"}}))
        .await;
    assert_eq!(sl.expect("signal", 3.0).await["data"]["type"], "answer");

    // Chat both ways in several scripts; text is normalised and bidi overrides are removed.
    let lines = [
        ("helper", "你好，我来帮你看看屏幕。"),
        ("sharer", "مرحبا، الشاشة سوداء"),
        ("helper", "שלום! 👋🏽 👨‍👩‍👧 🇯🇵"),
        ("sharer", "Cafe\u{301} <script>alert(1)</script>"),
        ("helper", "invoice\u{202e}fdp.exe"),
    ];
    for (who, text) in lines {
        let live = if who == "helper" { &mut hl } else { &mut sl };
        live.send(json!({"type": "chat", "text": text})).await;
        for l in [&mut hl, &mut sl] {
            let m = l.expect("chat", 3.0).await;
            assert_eq!(m["from"], who);
        }
    }
    let history = w.sharer.get_json(&format!("/api/sessions/{id}/chat")).await;
    let texts: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts[0], "你好，我来帮你看看屏幕。");
    assert_eq!(texts[1], "مرحبا، الشاشة سوداء");
    assert_eq!(texts[2], "שלום! 👋🏽 👨‍👩‍👧 🇯🇵");
    assert_eq!(
        texts[3], "Café <script>alert(1)</script>",
        "NFC, and stored as text"
    );
    assert_eq!(texts[4], "invoicefdp.exe", "the override is gone");
    let seqs: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);

    // Control needs the agent: a web sharer stays view only.
    let res = w
        .helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "control"}),
        )
        .await;
    expect_error(res, StatusCode::CONFLICT, "control_needs_agent").await;

    // The helper ends; both sides are told.
    let res = w
        .helper
        .post(&format!("/api/sessions/{id}/end"), json!({}))
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["end_reason"],
        "helper_ended"
    );
    sl.expect_where("state", 3.0, |v| v["session"]["state"] == "ended")
        .await;
    expect_error(
        w.helper
            .post(&format!("/api/sessions/{id}/end"), json!({}))
            .await,
        StatusCode::CONFLICT,
        "already_ended",
    )
    .await;

    // Report and audit.
    let report = w.admin.get_json("/api/reports/sessions").await;
    let r = &report.as_array().unwrap()[0];
    assert_eq!(r["helper_email"], "helen@example.com");
    assert_eq!(r["sharer_email"], "sam@other.org");
    assert_eq!(r["mode"], "view");
    assert_eq!(r["outcome"], "ended:helper_ended");
    assert!(r["duration_secs"].as_i64().is_some());
    let csv = w.admin.get("/api/reports/sessions?format=csv").await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("id,helper_email"), "{csv}");
    assert!(csv.contains("sam@other.org") && csv.contains("ended:helper_ended"));
    let empty = w
        .admin
        .get_json(&format!("/api/reports/sessions?from={}", i64::MAX - 1))
        .await;
    assert_eq!(empty, json!([]));
    let audit = w
        .admin
        .get_json(&format!("/api/audit?target={id}&limit=100"))
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    for a in [
        "session.created",
        "session.joined",
        "session.requested",
        "session.allowed",
        "session.chat_sent",
        "session.ended",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert!(
        !audit.to_string().contains("你好"),
        "the audit log records the fact of a chat, not its text"
    );
    hl.close().await;
    sl.close().await;
    w.s.stop().await;
}

async fn deny_and_reuse(db: Db) {
    let w = world(db).await;
    let (id, code) = create(&w.helper).await;
    assert_eq!(
        w.sharer
            .post("/api/sessions/join", json!({"code": code}))
            .await
            .status(),
        StatusCode::OK
    );
    // The code is single use, and says so (not "no session has this code").
    let (_, other) = w.s.user(&w.admin, "olga@example.com", "Olga").await;
    expect_error(
        other
            .post("/api/sessions/join", json!({"code": code}))
            .await,
        StatusCode::CONFLICT,
        "code_used",
    )
    .await;
    expect_error(
        w.sharer
            .post(
                &format!("/api/sessions/{id}/request"),
                json!({"mode": "view"}),
            )
            .await,
        StatusCode::FORBIDDEN,
        "helper_only",
    )
    .await;
    assert_eq!(
        w.helper
            .post(
                &format!("/api/sessions/{id}/request"),
                json!({"mode": "view"})
            )
            .await
            .status(),
        StatusCode::OK
    );
    let res = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": false}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["state"], "denied");
    let again = w
        .helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "view"}),
        )
        .await;
    expect_error(again, StatusCode::CONFLICT, "already_ended").await;
    let audit = w.admin.get_json(&format!("/api/audit?target={id}")).await;
    assert!(audit.to_string().contains("session.denied"));
    // The helper cannot join their own session.
    let (_, code2) = create(&w.helper).await;
    expect_error(
        w.helper
            .post("/api/sessions/join", json!({"code": code2}))
            .await,
        StatusCode::CONFLICT,
        "own_session",
    )
    .await;
    w.s.stop().await;
}

async fn expiry(db: Db) {
    let w = world(db).await;
    let (id, code) = create(&w.helper).await;
    // Wind the code's clock back: it expired a moment ago.
    let store = &w.s.state.store;
    let mut row = store
        .session(&w.s.state.tenant_id, &id)
        .await
        .unwrap()
        .unwrap();
    let past = assist_server::clock::now_ms() - 1;
    row.machine.state = assist_proto::session::State::Waiting { expires_at: past };
    row.machine.code_expires_at = past;
    assert!(store.save_session(&row, Some(past)).await.unwrap());
    // The sweeper moves it to expired within its interval; the code then says "expired".
    let ht = w.helper.with_token().await;
    let mut hl = Live::connect(&ht, &id).await;
    hl.expect_where("state", 3.0, |v| v["session"]["state"] == "expired")
        .await;
    expect_error(
        w.sharer
            .post("/api/sessions/join", json!({"code": code}))
            .await,
        StatusCode::GONE,
        "code_expired",
    )
    .await;
    let audit = w.admin.get_json(&format!("/api/audit?target={id}")).await;
    assert!(audit.to_string().contains("session.expired"));
    w.s.stop().await;
}

async fn third_parties_see_nothing(db: Db) {
    let w = world(db).await;
    let (id, code) = create(&w.helper).await;
    assert_eq!(
        w.sharer
            .post("/api/sessions/join", json!({"code": code}))
            .await
            .status(),
        StatusCode::OK
    );
    let (_, eve) = w.s.user(&w.admin, "eve@example.com", "Eve").await;
    for path in [
        format!("/api/sessions/{id}"),
        format!("/api/sessions/{id}/chat"),
    ] {
        expect_error(eve.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
        // Even the administrator is not a participant.
        expect_error(w.admin.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    for (path, body) in [
        ("request", json!({"mode": "view"})),
        ("consent", json!({"allow": true})),
        ("end", json!({})),
        ("chat", json!({"text": "hi"})),
    ] {
        expect_error(
            eve.post(&format!("/api/sessions/{id}/{path}"), body).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let et = eve.with_token().await;
    assert_eq!(Live::try_connect(&et, &id).await.err(), Some(404));
    assert_eq!(eve.get_json("/api/sessions").await, json!([]));
    assert_eq!(
        w.helper
            .get_json("/api/sessions")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    w.s.stop().await;
}

async fn chat_disabled_and_rules(db: Db) {
    let w = world(db).await;
    let (id, code) = create(&w.helper).await;
    assert_eq!(
        w.sharer
            .post("/api/sessions/join", json!({"code": code}))
            .await
            .status(),
        StatusCode::OK
    );
    let chat = format!("/api/sessions/{id}/chat");
    expect_error(
        w.helper.post(&chat, json!({"text": "   "})).await,
        StatusCode::BAD_REQUEST,
        "chat_empty",
    )
    .await;
    expect_error(
        w.helper
            .post(&chat, json!({"text": "x".repeat(2001)}))
            .await,
        StatusCode::BAD_REQUEST,
        "chat_too_long",
    )
    .await;
    assert_eq!(
        w.helper
            .post(&chat, json!({"text": "x".repeat(2000)}))
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        w.admin
            .put("/api/settings", json!({"chat_disabled": true}))
            .await
            .status(),
        StatusCode::OK
    );
    expect_error(
        w.helper.post(&chat, json!({"text": "hello"})).await,
        StatusCode::FORBIDDEN,
        "chat_disabled",
    )
    .await;
    let st = w.sharer.with_token().await;
    let mut sl = Live::connect(&st, &id).await;
    assert_eq!(
        sl.expect("hello", 3.0).await["session"]["chat_enabled"],
        false
    );
    sl.send(json!({"type": "chat", "text": "hello"})).await;
    assert_eq!(
        sl.expect("error", 3.0).await["error"]["code"],
        "chat_disabled"
    );
    // Malformed live messages get an error and the connection stays usable.
    sl.send(json!({"type": "nonsense"})).await;
    assert!(sl.expect("error", 3.0).await["error"]["code"].is_string());
    sl.send(json!({"type": "ping"})).await;
    sl.expect("pong", 3.0).await;
    sl.close().await;
    w.s.stop().await;
}

async fn presence_and_resume(db: Db) {
    let w = world(db).await;
    let (id, code) = create(&w.helper).await;
    assert_eq!(
        w.sharer
            .post("/api/sessions/join", json!({"code": code}))
            .await
            .status(),
        StatusCode::OK
    );
    let ht = w.helper.with_token().await;
    let st = w.sharer.with_token().await;
    let mut hl = Live::connect(&ht, &id).await;
    hl.expect("hello", 3.0).await;

    // Clean leave: the helper is told within 2 s.
    let sl = Live::connect(&st, &id).await;
    hl.expect_where("presence", 3.0, |v| {
        v["role"] == "sharer" && v["status"] == "online"
    })
    .await;
    let t0 = Instant::now();
    sl.close().await;
    hl.expect_where("presence", 2.0, |v| {
        v["role"] == "sharer" && v["status"] == "left"
    })
    .await;
    assert!(
        t0.elapsed() <= Duration::from_secs(2),
        "left notice took {:?}",
        t0.elapsed()
    );

    // Resume within the grace period: same session, the helper sees the sharer back.
    let mut sl = Live::connect(&st, &id).await;
    let hello = sl.expect("hello", 3.0).await;
    assert_eq!(hello["session"]["state"], "joined");
    hl.expect_where("presence", 3.0, |v| {
        v["role"] == "sharer" && v["status"] == "online"
    })
    .await;

    // Silent loss: the sharer stops reading and answering (no close, no traffic).
    let t0 = Instant::now();
    let frozen = sl; // held, never polled again
    hl.expect_where("presence", 6.0, |v| {
        v["role"] == "sharer" && v["status"] == "lost"
    })
    .await;
    assert!(
        t0.elapsed() <= Duration::from_secs(6),
        "lost notice took {:?}",
        t0.elapsed()
    );
    drop(frozen);
    let v = w.helper.get_json(&format!("/api/sessions/{id}")).await;
    assert_eq!(v["state"], "joined", "still within the grace period");
    hl.close().await;
    w.s.stop().await;
}

/// A request from the agent: signed by the device's key, with the sharer's bearer token.
pub async fn agent_post(
    s: &TestServer,
    sharer: &Api,
    k: &ed25519_dalek::SigningKey,
    device: &str,
    path: &str,
    body: Value,
) -> reqwest::Response {
    use crate::devices::{b64, nonce, now_ms};
    use ed25519_dalek::Signer;
    let bytes = serde_json::to_vec(&body).unwrap();
    let (ts, n) = (now_ms(), nonce());
    let sig =
        k.sign(assist_server::devices::signing::canonical("POST", path, ts, &n, &bytes).as_bytes());
    reqwest::Client::new()
        .post(s.url(path))
        .bearer_auth(sharer.bearer.as_deref().unwrap())
        .header("content-type", "application/json")
        .header("X-Assist-Device", device)
        .header("X-Assist-Timestamp", ts.to_string())
        .header("X-Assist-Nonce", n)
        .header("X-Assist-Signature", b64(&sig.to_bytes()))
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn device_sessions(db: Db) {
    use crate::devices::{enrolled, key, report};
    let w = world(db).await;
    // Sam's laptop: enrolled for Sam, failing a policy that requires disk encryption.
    let policy =
        json!({"name": "Baseline", "all_devices": true, "rules": {"disk_encryption": true}});
    assert_eq!(
        w.admin
            .post("/api/compliance-policies", policy)
            .await
            .status(),
        StatusCode::CREATED
    );
    let k = key(7);
    let device = enrolled(
        &w.s,
        &w.admin,
        &k,
        report("sam-laptop", Some("sam"), json!({"disk_encryption": false})),
    )
    .await;
    let res = w
        .admin
        .patch(
            &format!("/api/devices/{device}"),
            json!({"primary_user_id": w.sharer_id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "pin the primary user");

    // The helper starts from the device: the compliance warning carries its reasons.
    let res = w
        .helper
        .post("/api/sessions", json!({"device_id": device}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let code = created["code"].as_str().unwrap().to_owned();
    let warning = created["session"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "device_not_compliant")
        .cloned();
    let warning = warning.unwrap_or_else(|| panic!("no compliance warning in {created}"));
    assert!(
        warning["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("encrypt")),
        "{warning}"
    );
    assert_eq!(created["session"]["device"]["name"], "sam-laptop");
    assert_eq!(created["session"]["device"]["compliance"], "not_compliant");

    // The web app cannot take a device's session; the agent on that device can.
    expect_error(
        w.sharer
            .post("/api/sessions/join", json!({"code": code}))
            .await,
        StatusCode::FORBIDDEN,
        "device_mismatch",
    )
    .await;
    let st = w.sharer.with_token().await;
    let res = agent_post(
        &w.s,
        &st,
        &k,
        &device,
        "/api/sessions/join",
        json!({"code": code}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let joined: Value = res.json().await.unwrap();
    assert_eq!(joined["device"]["verified"], true);
    let hv = w.helper.get_json(&format!("/api/sessions/{id}")).await;
    let codes: Vec<&str> = hv["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["device_not_compliant"],
        "enrolled and verified: only the compliance warning remains"
    );
    assert_eq!(hv["sharer"]["id"], w.sharer_id.as_str());
    assert_eq!(hv["helper"]["id"], w.helper_id.as_str());

    // View, then the upgrade to full control, which the sharer allows.
    assert_eq!(
        w.helper
            .post(
                &format!("/api/sessions/{id}/request"),
                json!({"mode": "view"})
            )
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        w.sharer
            .post(
                &format!("/api/sessions/{id}/consent"),
                json!({"allow": true})
            )
            .await
            .status(),
        StatusCode::OK
    );
    let up: Value = w
        .helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "control"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(up["state"], "requested");
    assert_eq!(
        up["active_mode"], "view",
        "view goes on while control is asked for"
    );
    let v: Value = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["state"], "active");
    assert_eq!(v["active_mode"], "control");
    assert_eq!(v["control_stopped_at"], Value::Null);

    // The sharer takes control back without ending: the helper is told at once, view goes on.
    let ht = w.helper.with_token().await;
    let mut hl = Live::connect(&ht, &id).await;
    hl.expect("hello", 5.0).await;
    let stop = format!("/api/sessions/{id}/stop-control");
    expect_error(
        w.helper.post(&stop, json!({})).await,
        StatusCode::FORBIDDEN,
        "sharer_only",
    )
    .await;
    let res = w.sharer.post(&stop, json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["state"], "active");
    assert_eq!(v["active_mode"], "view");
    assert!(v["control_stopped_at"].is_i64(), "{v}");
    let told = hl
        .expect_where("state", 3.0, |m| m["session"]["active_mode"] == "view")
        .await;
    assert_eq!(told["session"]["state"], "active");
    assert_eq!(
        told["session"]["control_stopped_at"],
        v["control_stopped_at"]
    );
    // Pressed twice: the same answer, nothing more recorded.
    let again: Value = w.sharer.post(&stop, json!({})).await.json().await.unwrap();
    assert_eq!(again["active_mode"], "view");
    assert_eq!(again["control_stopped_at"], v["control_stopped_at"]);
    let audit = w
        .admin
        .get_json("/api/audit?action=session.control_stopped&limit=10")
        .await;
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["actor_id"], w.sharer_id.as_str());
    assert_eq!(entries[0]["target"], id.as_str());
    // The helper may ask again; allowing clears the mark.
    let res = w
        .helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "control"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["active_mode"], "control");
    assert_eq!(v["control_stopped_at"], Value::Null);
    hl.close().await;

    let report = w.admin.get_json("/api/reports/sessions").await;
    assert_eq!(report[0]["mode"], "control");
    assert_eq!(report[0]["sharer_kind"], "agent");
    // Once over, there is no control to take back.
    let res = w
        .sharer
        .post(&format!("/api/sessions/{id}/end"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    expect_error(
        w.sharer.post(&stop, json!({})).await,
        StatusCode::CONFLICT,
        "already_ended",
    )
    .await;
    w.s.stop().await;
}
