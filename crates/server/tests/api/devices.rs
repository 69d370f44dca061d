//! Devices: enrollment tokens, enrollment, signed check-ins (forgeries and replays refused),
//! inventory, compliance policies and their evaluation, retirement.

use crate::both;
use crate::common::*;
use assist_server::devices::signing::canonical;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use reqwest::StatusCode;
use serde_json::{Value, json};

both!(
    enrollment_tokens_and_refusals,
    signed_requests,
    compliance_policies,
    inventory_and_retirement,
    a_given_name_survives_check_ins
);

pub(crate) fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub(crate) fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

pub(crate) fn nonce() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// A report as an agent sends it.
pub(crate) fn report(name: &str, user: Option<&str>, facts: Value) -> Value {
    json!({
        "name": name, "os_id": "ubuntu", "os_name": "Ubuntu", "os_version": "22.04",
        "kernel": "6.8.0-45-generic", "agent_version": "0.1.0", "primary_user": user,
        "last_boot": 1_700_000_000_000i64, "facts": facts,
    })
}

pub(crate) async fn new_token(admin: &Api, max_uses: i64) -> (String, String) {
    let res = admin
        .post(
            "/api/enrollment-tokens",
            json!({"name": "Laptops", "max_uses": max_uses, "expires_in_hours": 2}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    (
        v["id"].as_str().unwrap().to_owned(),
        v["token"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn enroll(
    s: &TestServer,
    token: &str,
    k: &SigningKey,
    body: Value,
) -> reqwest::Response {
    let mut body = body;
    body["token"] = json!(token);
    body["public_key"] = json!(b64(k.verifying_key().as_bytes()));
    s.client().post("/api/agent/enroll", body).await
}

/// Enrolls a device and returns its id.
pub(crate) async fn enrolled(s: &TestServer, admin: &Api, k: &SigningKey, body: Value) -> String {
    let (_, token) = new_token(admin, 1).await;
    let res = enroll(s, &token, k, body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["device_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A signed request with explicit timestamp and nonce.
async fn signed_raw(
    s: &TestServer,
    k: &SigningKey,
    device: &str,
    path: &str,
    body: &[u8],
    ts: i64,
    nonce: &str,
) -> reqwest::Response {
    let sig = k.sign(canonical("POST", path, ts, nonce, body).as_bytes());
    reqwest::Client::new()
        .post(s.url(path))
        .header("content-type", "application/json")
        .header("X-Assist-Device", device)
        .header("X-Assist-Timestamp", ts.to_string())
        .header("X-Assist-Nonce", nonce)
        .header("X-Assist-Signature", b64(&sig.to_bytes()))
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
}

async fn check_in(s: &TestServer, k: &SigningKey, device: &str, body: &Value) -> Value {
    let bytes = serde_json::to_vec(body).unwrap();
    let res = signed_raw(
        s,
        k,
        device,
        "/api/agent/check-in",
        &bytes,
        now_ms(),
        &nonce(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn enrollment_tokens_and_refusals(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let (tid, token) = new_token(&admin, 2).await;
    assert!(token.starts_with("ae_"));
    let list = admin.get_json("/api/enrollment-tokens").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], tid.as_str());
    assert_eq!(list["items"][0]["max_uses"], 2);
    assert!(
        !list.to_string().contains(&token),
        "the secret is never listed"
    );
    for bad in [
        json!({"name": ""}),
        json!({"name": "x", "max_uses": 0}),
        json!({"name": "x", "max_uses": 10001}),
        json!({"name": "x", "expires_in_hours": 0}),
        json!({"name": "x", "expires_in_hours": 100000}),
    ] {
        let res = admin.post("/api/enrollment-tokens", bad.clone()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    // A user who does not exist is a conflict with the current state, not a malformed body.
    let res = admin
        .post(
            "/api/enrollment-tokens",
            json!({"name": "x", "user_id": "0".repeat(32)}),
        )
        .await;
    expect_error(res, StatusCode::CONFLICT, "unknown_user").await;
    // Two uses, then used up.
    let body = report("pc-1", None, json!({}));
    let first = enroll(&s, &token, &key(1), body.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["compliance"], "not_evaluated");
    assert_eq!(first["next_check_in_secs"], 900);
    // The same key cannot enroll twice.
    expect_error(
        enroll(&s, &token, &key(1), body.clone()).await,
        StatusCode::CONFLICT,
        "device_key_in_use",
    )
    .await;
    assert_eq!(
        enroll(&s, &token, &key(2), body.clone()).await.status(),
        StatusCode::CREATED
    );
    expect_error(
        enroll(&s, &token, &key(3), body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "enrollment_token_used_up",
    )
    .await;
    assert_eq!(
        admin.get_json("/api/enrollment-tokens").await["items"][0]["uses"],
        2
    );
    // Unknown, revoked and expired tokens.
    expect_error(
        enroll(&s, "ae_nonsense", &key(3), body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "enrollment_token_invalid",
    )
    .await;
    let (rid, revoked) = new_token(&admin, 5).await;
    assert_eq!(
        admin
            .delete(&format!("/api/enrollment-tokens/{rid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        admin.delete(&format!("/api/enrollment-tokens/{rid}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        enroll(&s, &revoked, &key(3), body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "enrollment_token_revoked",
    )
    .await;
    let (eid, expired) = new_token(&admin, 5).await;
    sqlx::query("UPDATE enrollment_tokens SET expires_at = $1 WHERE id = $2")
        .bind(now_ms() - 1)
        .bind(&eid)
        .execute(s.state.store.pool())
        .await
        .unwrap();
    expect_error(
        enroll(&s, &expired, &key(3), body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "enrollment_token_expired",
    )
    .await;
    // Bad keys and reports are 400s.
    let (_, fresh) = new_token(&admin, 5).await;
    let mut bad_key = body.clone();
    bad_key["token"] = json!(fresh);
    bad_key["public_key"] = json!("AAAA");
    expect_error(
        s.client().post("/api/agent/enroll", bad_key).await,
        StatusCode::BAD_REQUEST,
        "invalid_public_key",
    )
    .await;
    let mut bad_name = report("", None, json!({}));
    bad_name["token"] = json!(fresh);
    bad_name["public_key"] = json!(b64(key(4).verifying_key().as_bytes()));
    assert_eq!(
        s.client()
            .post("/api/agent/enroll", bad_name)
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    // Enrollments and token changes are audited.
    let audit = admin.get_json("/api/audit?limit=500").await.to_string();
    for action in [
        "enrollment_token.created",
        "enrollment_token.revoked",
        "device.enrolled",
        "device.enrollment_refused",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
    // A helper without the permission cannot manage tokens.
    let (_, helper) = s.user(&admin, "hal@example.com", "Hal").await;
    expect_error(
        helper.get("/api/enrollment-tokens").await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    s.stop().await;
}

async fn signed_requests(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let k = key(9);
    let id = enrolled(&s, &admin, &k, report("pc-9", None, json!({}))).await;
    let body = report("pc-9", None, json!({"firewall": true}));
    let answer = check_in(&s, &k, &id, &body).await;
    assert_eq!(answer["device_id"], id.as_str());
    assert_eq!(answer["compliance"], "not_evaluated");
    let bytes = serde_json::to_vec(&body).unwrap();
    let path = "/api/agent/check-in";
    // A replay of the very same request is refused.
    let (ts, n) = (now_ms(), nonce());
    assert_eq!(
        signed_raw(&s, &k, &id, path, &bytes, ts, &n).await.status(),
        StatusCode::OK
    );
    expect_error(
        signed_raw(&s, &k, &id, path, &bytes, ts, &n).await,
        StatusCode::UNAUTHORIZED,
        "device_replay",
    )
    .await;
    // Another key, a changed body, path or method: forged.
    expect_error(
        signed_raw(&s, &key(10), &id, path, &bytes, now_ms(), &nonce()).await,
        StatusCode::UNAUTHORIZED,
        "device_signature_invalid",
    )
    .await;
    let (ts, n) = (now_ms(), nonce());
    let sig = k.sign(canonical("POST", path, ts, &n, &bytes).as_bytes());
    let tampered = reqwest::Client::new()
        .post(s.url(path))
        .header("content-type", "application/json")
        .header("X-Assist-Device", &id)
        .header("X-Assist-Timestamp", ts.to_string())
        .header("X-Assist-Nonce", &n)
        .header("X-Assist-Signature", b64(&sig.to_bytes()))
        .body(serde_json::to_vec(&report("evil", None, json!({}))).unwrap())
        .send()
        .await
        .unwrap();
    expect_error(
        tampered,
        StatusCode::UNAUTHORIZED,
        "device_signature_invalid",
    )
    .await;
    // Old or future timestamps.
    for skew in [-10 * 60_000, 10 * 60_000] {
        expect_error(
            signed_raw(&s, &k, &id, path, &bytes, now_ms() + skew, &nonce()).await,
            StatusCode::UNAUTHORIZED,
            "device_timestamp_skew",
        )
        .await;
    }
    // Malformed headers, unknown device, unsigned check-in.
    expect_error(
        signed_raw(&s, &k, &id, path, &bytes, now_ms(), "short").await,
        StatusCode::UNAUTHORIZED,
        "device_signature_invalid",
    )
    .await;
    expect_error(
        signed_raw(&s, &k, &"f".repeat(32), path, &bytes, now_ms(), &nonce()).await,
        StatusCode::UNAUTHORIZED,
        "device_unknown",
    )
    .await;
    expect_error(
        s.client().post(path, body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "device_signature_missing",
    )
    .await;
    let half = reqwest::Client::new()
        .post(s.url(path))
        .header("X-Assist-Device", &id)
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(half, StatusCode::UNAUTHORIZED, "device_signature_missing").await;
    // A signed request to any endpoint is verified too (and a bad one refused before it).
    expect_error(
        signed_raw(&s, &key(10), &id, "/api/me", b"", now_ms(), &nonce()).await,
        StatusCode::UNAUTHORIZED,
        "device_signature_invalid",
    )
    .await;
    // Retired: refused, even correctly signed.
    let res = admin
        .post(&format!("/api/devices/{id}/retire"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    expect_error(
        signed_raw(&s, &k, &id, path, &bytes, now_ms(), &nonce()).await,
        StatusCode::UNAUTHORIZED,
        "device_retired",
    )
    .await;
    s.stop().await;
}

async fn compliance_policies(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let (ana, _) = s.user(&admin, "ana@example.com", "Ana Alves").await;
    let gid = admin
        .post("/api/groups", json!({"name": "Sales"}))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let add = admin
        .http
        .put(s.url(&format!("/api/groups/{gid}/members/{ana}")))
        .send()
        .await
        .unwrap();
    assert_eq!(add.status(), StatusCode::NO_CONTENT);
    let facts = json!({"disk_encryption": true, "firewall": false, "screen_lock": true,
                       "notes": {"firewall": "no firewall configured"}});
    let (k1, k2) = (key(21), key(22));
    let d1 = enrolled(
        &s,
        &admin,
        &k1,
        report("ana-laptop", Some("ana"), facts.clone()),
    )
    .await;
    let d2 = enrolled(
        &s,
        &admin,
        &k2,
        report("kiosk", Some("kiosk"), facts.clone()),
    )
    .await;
    let detail = admin.get_json(&format!("/api/devices/{d1}")).await;
    assert_eq!(
        detail["primary_user_id"],
        ana.as_str(),
        "login ana → ana@example.com"
    );
    assert_eq!(detail["primary_user"]["full_name"], "Ana Alves");
    assert_eq!(
        detail["facts"]["notes"]["firewall"],
        "no firewall configured"
    );
    assert_eq!(
        admin.get_json(&format!("/api/devices/{d2}")).await["primary_user_id"],
        Value::Null
    );

    // A policy for Sales that requires a firewall and Ubuntu 24.04.
    let body = json!({"name": "Sales baseline", "group_ids": [gid],
        "rules": {"firewall": true, "min_os_versions": [{"os": "ubuntu", "version": "24.04"}]}});
    let res = admin.post("/api/compliance-policies", body.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let pid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    expect_error(
        admin.post("/api/compliance-policies", body.clone()).await,
        StatusCode::CONFLICT,
        "name_taken",
    )
    .await;
    let d = admin.get_json(&format!("/api/devices/{d1}")).await;
    assert_eq!(d["compliance"], "not_compliant");
    assert_eq!(
        d["compliance_reasons"],
        json!([
            "Sales baseline: OS version 22.04 is older than the minimum ubuntu 24.04",
            "Sales baseline: a firewall is required: no active firewall"
        ])
    );
    assert_eq!(
        admin.get_json(&format!("/api/devices/{d2}")).await["compliance"],
        "not_evaluated",
        "not in Sales: no policy applies"
    );
    let summary = assist_server::devices::device_summary(&s.state.store, &s.state.tenant_id, &d1)
        .await
        .unwrap()
        .unwrap();
    assert!(summary.enrolled);
    assert_eq!(summary.compliance, "not_compliant");
    assert_eq!(summary.reasons.len(), 2);
    assert_eq!(summary.primary_user_id.as_deref(), Some(ana.as_str()));
    assert!(
        assist_server::devices::device_summary(&s.state.store, &s.state.tenant_id, &"0".repeat(32))
            .await
            .unwrap()
            .is_none()
    );
    let listed = admin
        .get_json("/api/devices?compliance=not_compliant")
        .await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], d1.as_str());

    // Check-in with a firewall: one reason left.
    let mut better = report(
        "ana-laptop",
        Some("ana"),
        json!({"disk_encryption": true, "firewall": true}),
    );
    let a = check_in(&s, &k1, &d1, &better).await;
    assert_eq!(a["compliance"], "not_compliant");
    assert_eq!(a["reasons"].as_array().unwrap().len(), 1);
    better["os_version"] = json!("24.04");
    let a = check_in(&s, &k1, &d1, &better).await;
    assert_eq!(a["compliance"], "compliant");
    assert_eq!(a["reasons"], json!([]));

    // The policy changes: screen lock required, for all devices.
    let res = admin
        .put(
            &format!("/api/compliance-policies/{pid}"),
            json!({"name": "Baseline", "all_devices": true, "rules": {"screen_lock": true}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        admin.get_json(&format!("/api/devices/{d1}")).await["compliance_reasons"],
        json!(["Baseline: a screen lock is required: the device could not tell"])
    );
    assert_eq!(
        admin.get_json(&format!("/api/devices/{d2}")).await["compliance"],
        "compliant"
    );
    // Checked in within 7 days: a silent device turns non-compliant on read.
    let res = admin
        .put(
            &format!("/api/compliance-policies/{pid}"),
            json!({"name": "Baseline", "all_devices": true, "rules": {"checked_in_within_days": 7}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        admin.get_json(&format!("/api/devices/{d2}")).await["compliance"],
        "compliant"
    );
    sqlx::query("UPDATE devices SET last_check_in = $1 WHERE id = $2")
        .bind(now_ms() - 10 * 86_400_000)
        .bind(&d2)
        .execute(s.state.store.pool())
        .await
        .unwrap();
    let d = admin.get_json(&format!("/api/devices/{d2}")).await;
    assert_eq!(d["compliance"], "not_compliant");
    assert_eq!(
        d["compliance_reasons"],
        json!(["Baseline: last check-in 10 days ago; must be within 7 days"])
    );
    // Disabled, then deleted: nothing applies.
    let res = admin
        .put(
            &format!("/api/compliance-policies/{pid}"),
            json!({"name": "Baseline", "enabled": false, "all_devices": true,
                   "rules": {"checked_in_within_days": 7}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        admin.get_json(&format!("/api/devices/{d2}")).await["compliance"],
        "not_evaluated"
    );
    let got = admin
        .get_json(&format!("/api/compliance-policies/{pid}"))
        .await;
    assert_eq!(got["enabled"], false);
    assert_eq!(
        admin.get_json("/api/compliance-policies").await[0]["id"],
        pid.as_str()
    );
    assert_eq!(
        admin
            .delete(&format!("/api/compliance-policies/{pid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        admin.get(&format!("/api/compliance-policies/{pid}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Invalid policies.
    for bad in [
        json!({"name": "x", "rules": {}}),
        json!({"name": "x", "rules": {"checked_in_within_days": 0}}),
        json!({"name": "x", "rules": {"min_os_versions": [{"os": "", "version": "1"}]}}),
        json!({"name": "x", "rules": {"firewall": true}, "all_devices": true, "group_ids": [gid]}),
        json!({"name": "x", "rules": {"antivirus": true}}),
    ] {
        let res = admin.post("/api/compliance-policies", bad.clone()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let res = admin
        .post(
            "/api/compliance-policies",
            json!({"name": "x", "rules": {"firewall": true}, "group_ids": ["0".repeat(32)]}),
        )
        .await;
    expect_error(res, StatusCode::CONFLICT, "unknown_group").await;
    let audit = admin.get_json("/api/audit?limit=500").await.to_string();
    for action in [
        "compliance_policy.created",
        "compliance_policy.updated",
        "compliance_policy.deleted",
        "device.compliance_changed",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
    s.stop().await;
}

async fn a_given_name_survives_check_ins(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    // A name given at enrollment, beside the host name; a check-in keeps it.
    let mut named = report("gamma-host", None, json!({}));
    named["name"] = json!("Front desk");
    named["hostname"] = json!("gamma-host");
    let k3 = key(33);
    let d3 = enrolled(&s, &admin, &k3, named).await;
    check_in(&s, &k3, &d3, &report("gamma-host-2", None, json!({}))).await;
    let v = admin.get_json(&format!("/api/devices/{d3}")).await;
    assert_eq!(
        v["name"], "Front desk",
        "the name given at enrollment stays"
    );
    assert_eq!(v["hostname"], "gamma-host-2");
    s.stop().await;
}

async fn inventory_and_retirement(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let (bo, helper) = s.user(&admin, "bo@example.com", "Bo Berg").await;
    let k = key(31);
    let d1 = enrolled(&s, &admin, &k, report("Alpha-PC", Some("bo"), json!({}))).await;
    let mut deb = report("beta_server", None, json!({}));
    deb["os_id"] = json!("debian");
    deb["os_name"] = json!("Debian GNU/Linux");
    deb["os_version"] = json!("12");
    let d2 = enrolled(&s, &admin, &key(32), deb).await;
    let ids = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = admin.get_json("/api/devices").await;
    assert_eq!(all["total"], 2);
    assert_eq!(ids(&all), vec![d1.clone(), d2.clone()], "by name");
    assert_eq!(
        ids(&admin.get_json("/api/devices?os=Debian%20GNU/Linux").await),
        vec![d2.clone()]
    );
    assert_eq!(
        ids(&admin.get_json("/api/devices?os=UBUNTU").await),
        vec![d1.clone()]
    );
    assert_eq!(
        ids(&admin.get_json("/api/devices?q=alpha").await),
        vec![d1.clone()]
    );
    assert_eq!(
        ids(&admin.get_json("/api/devices?q=bo").await),
        vec![d1.clone()],
        "login"
    );
    assert_eq!(
        ids(&admin.get_json("/api/devices?q=_").await),
        vec![d2.clone()],
        "LIKE escaped"
    );
    assert_eq!(
        ids(&admin.get_json("/api/devices?q=%25").await),
        Vec::<String>::new()
    );
    let later = now_ms() + 60_000;
    assert_eq!(
        admin
            .get_json(&format!("/api/devices?checked_in_before={later}"))
            .await["total"],
        2
    );
    assert_eq!(
        admin
            .get_json(&format!("/api/devices?checked_in_after={later}"))
            .await["total"],
        0
    );
    let page = admin.get_json("/api/devices?limit=1&offset=1").await;
    assert_eq!(ids(&page), vec![d2.clone()]);
    assert_eq!(page["total"], 2);
    for bad in [
        "?compliance=maybe",
        "?status=gone",
        "?limit=0",
        "?checked_in_before=x",
        "?checked_in_after=-5",
    ] {
        let res = admin.get(&format!("/api/devices{bad}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    // Detail.
    let d = admin.get_json(&format!("/api/devices/{d1}")).await;
    assert_eq!(d["name"], "Alpha-PC");
    assert_eq!(
        d["hostname"], "Alpha-PC",
        "enrolled without a name: the host name"
    );
    assert_eq!(d["os_version"], "22.04");
    assert_eq!(d["kernel"], "6.8.0-45-generic");
    assert_eq!(d["last_boot"], 1_700_000_000_000i64);
    assert_eq!(d["enrolled"], true);
    assert_eq!(d["primary_user_id"], bo.as_str());
    assert_eq!(d["recent_sessions"], json!([]));
    expect_error(
        admin.get(&format!("/api/devices/{}", "0".repeat(32))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // A helper without admin.devices or remote_help.offer sees nothing.
    expect_error(
        helper.get("/api/devices").await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    // Rename and pin the primary user; a check-in does not move a pinned user.
    let res = admin
        .patch(
            &format!("/api/devices/{d2}"),
            json!({"name": "Beta", "primary_user_id": bo}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["name"], "Beta");
    assert_eq!(v["primary_user_pinned"], true);
    // A check-in reports the host name: it is kept as a fact and does not undo the rename.
    check_in(&s, &key(32), &d2, &report("beta-host", None, json!({}))).await;
    let v = admin.get_json(&format!("/api/devices/{d2}")).await;
    assert_eq!(v["name"], "Beta", "the name an administrator set stays");
    assert_eq!(v["hostname"], "beta-host");
    let res = admin
        .patch(
            &format!("/api/devices/{d2}"),
            json!({"primary_user_id": null}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["primary_user_id"],
        Value::Null
    );
    expect_error(
        admin
            .patch(
                &format!("/api/devices/{d2}"),
                json!({"primary_user_id": "0".repeat(32)}),
            )
            .await,
        StatusCode::CONFLICT,
        "unknown_user",
    )
    .await;
    // Retire: out of the default list, in status=retired, refused a second time.
    let res = admin
        .post(&format!("/api/devices/{d1}/retire"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["enrolled"], false);
    assert!(v["retired_at"].is_i64());
    expect_error(
        admin
            .post(&format!("/api/devices/{d1}/retire"), json!({}))
            .await,
        StatusCode::CONFLICT,
        "device_retired",
    )
    .await;
    assert_eq!(ids(&admin.get_json("/api/devices").await), vec![d2.clone()]);
    assert_eq!(
        ids(&admin.get_json("/api/devices?status=retired").await),
        vec![d1.clone()]
    );
    assert_eq!(admin.get_json("/api/devices?status=all").await["total"], 2);
    let summary = assist_server::devices::device_summary(&s.state.store, &s.state.tenant_id, &d1)
        .await
        .unwrap()
        .unwrap();
    assert!(!summary.enrolled);
    let audit = admin.get_json("/api/audit?limit=500").await.to_string();
    assert!(audit.contains("device.retired") && audit.contains("device.updated"));
    let _ = k;
    s.stop().await;
}
