//! Unattended consent (`assist agent join --yes`): the server decides per session whether the
//! sharer's agent may allow without asking, shows it in the view, checks it again when the agent
//! allows, and records it. Helper with and without `remote_help.unattended`, in and out of scope,
//! a web sharer, conditional access blocking or asking for a second factor.

use crate::both;
use crate::common::*;
use crate::devices::{enrolled, key, report};
use crate::sessions::{World, agent_post, assign, world};
use ed25519_dalek::SigningKey;
use reqwest::StatusCode;
use serde_json::{Value, json};

both!(
    permission_and_scope,
    web_sharer_never,
    conditional_access,
    only_the_device_may_claim_it
);

/// Sam's enrolled laptop, with Sam as its primary user.
struct Laptop {
    key: SigningKey,
    id: String,
    /// Sam's API token (the agent's credentials).
    sam: Api,
}

async fn laptop(w: &World) -> Laptop {
    let k = key(11);
    let id = enrolled(
        &w.s,
        &w.admin,
        &k,
        report("sam-laptop", Some("sam"), json!({})),
    )
    .await;
    let res = w
        .admin
        .patch(
            &format!("/api/devices/{id}"),
            json!({"primary_user_id": w.sharer_id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    Laptop {
        key: k,
        id,
        sam: w.sharer.with_token().await,
    }
}

/// The helper starts a session for the laptop, the agent joins, the helper asks for `mode`.
/// Returns (session id, the sharer's view at join).
async fn agent_session(w: &World, l: &Laptop, mode: &str) -> (String, Value) {
    let res = w
        .helper
        .post("/api/sessions", json!({"device_id": l.id}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let res = agent_post(
        &w.s,
        &l.sam,
        &l.key,
        &l.id,
        "/api/sessions/join",
        json!({"code": created["code"]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let joined: Value = res.json().await.unwrap();
    let res = w
        .helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": mode}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "request {mode}");
    (id, joined)
}

async fn unattended_allow(w: &World, l: &Laptop, id: &str) -> reqwest::Response {
    agent_post(
        &w.s,
        &l.sam,
        &l.key,
        &l.id,
        &format!("/api/sessions/{id}/consent"),
        json!({"allow": true, "unattended": true}),
    )
    .await
}

/// The refusal code in a view, or "allowed".
fn verdict(view: &Value) -> String {
    if view["unattended_allowed"] == true {
        assert_eq!(view["unattended_refusal"], Value::Null, "{view}");
        "allowed".into()
    } else {
        view["unattended_refusal"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no refusal in {view}"))
            .to_owned()
    }
}

async fn state_of(api: &Api, id: &str) -> Value {
    api.get_json(&format!("/api/sessions/{id}")).await
}

/// A custom role with every remote help permission but elevation: (role id).
async fn unattended_role(admin: &Api) -> String {
    let res = admin
        .post(
            "/api/roles",
            json!({"name": "Unattended operator", "permissions": [
                "remote_help.offer", "remote_help.view_screen", "remote_help.full_control",
                "remote_help.unattended"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn group(admin: &Api, name: &str) -> String {
    let res = admin.post("/api/groups", json!({"name": name})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn permission_and_scope(db: Db) {
    let w = world(db).await;
    let l = laptop(&w).await;

    // A Help Desk Operator (offer, view, control) cannot have sessions allowed unattended.
    let (id, joined) = agent_session(&w, &l, "view").await;
    assert_eq!(verdict(&joined), "unattended_not_permitted");
    let res = unattended_allow(&w, &l, &id).await;
    expect_error(res, StatusCode::FORBIDDEN, "unattended_not_permitted").await;
    let v = state_of(&w.sharer, &id).await;
    assert_eq!(v["state"], "requested", "nothing was allowed");
    let refused = w
        .admin
        .get_json(&format!(
            "/api/audit?action=session.unattended_refused&target={id}"
        ))
        .await;
    assert_eq!(refused["total"], 1, "{refused}");
    assert_eq!(
        refused["items"][0]["detail"]["reason"],
        "unattended_not_permitted"
    );
    // The sharer can still answer the prompt: an interactive allow.
    let res = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        w.helper
            .post(&format!("/api/sessions/{id}/end"), json!({}))
            .await
            .status(),
        StatusCode::OK
    );

    // The role with remote_help.unattended, scoped to a group Sam is not in: still refused.
    let role = unattended_role(&w.admin).await;
    let remote = group(&w.admin, "Remote staff").await;
    let res = w
        .admin
        .post(
            "/api/role-assignments",
            json!({"role_id": role, "user_id": w.helper_id, "scope_all": false, "scope_groups": [remote]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (id, joined) = agent_session(&w, &l, "control").await;
    assert_eq!(verdict(&joined), "unattended_not_permitted", "out of scope");
    expect_error(
        unattended_allow(&w, &l, &id).await,
        StatusCode::FORBIDDEN,
        "unattended_not_permitted",
    )
    .await;

    // Sam joins the group: the very same session is now allowed unattended, as the view says at
    // once, and the agent's allow goes through.
    let res = w
        .admin
        .put(
            &format!("/api/groups/{remote}/members/{}", w.sharer_id),
            json!({}),
        )
        .await;
    assert!(res.status().is_success());
    assert_eq!(verdict(&state_of(&w.sharer, &id).await), "allowed");
    assert_eq!(
        verdict(&state_of(&w.helper, &id).await),
        "allowed",
        "the helper sees it too"
    );
    let res = unattended_allow(&w, &l, &id).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["state"], "active");
    assert_eq!(v["active_mode"], "control");

    // The audit log and the report say it was allowed without the sharer's answer.
    let allowed = w
        .admin
        .get_json(&format!("/api/audit?action=session.allowed&target={id}"))
        .await;
    assert_eq!(
        allowed["items"][0]["detail"]["unattended"], true,
        "{allowed}"
    );
    let ca = w
        .admin
        .get_json(&format!(
            "/api/audit?action=access.evaluated&actor_id={}&limit=1",
            w.helper_id
        ))
        .await;
    assert_eq!(ca["items"][0]["detail"]["point"], "unattended_consent");
    assert_eq!(ca["items"][0]["detail"]["decision"], "allow");
    assert_eq!(ca["items"][0]["detail"]["session_id"], id.as_str());
    w.helper
        .post(&format!("/api/sessions/{id}/end"), json!({}))
        .await;
    let report = w.admin.get_json("/api/reports/sessions").await;
    let consent: Vec<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["consent"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(consent, ["interactive", "unattended"]);
    let csv = w
        .admin
        .get("/api/reports/sessions?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.lines().next().unwrap().contains(",consent,"), "{csv}");
    assert!(
        csv.lines().nth(2).unwrap().ends_with(",unattended,0,0,0"),
        "{csv}"
    );

    // Once over, there is nothing to allow.
    let v = state_of(&w.sharer, &id).await;
    assert_eq!(v["unattended_allowed"], false);
    assert_eq!(v["unattended_refusal"], Value::Null);
    w.s.stop().await;
}

async fn web_sharer_never(db: Db) {
    let w = world(db).await;
    // The helper holds every permission for everyone (the built-in Administrator role).
    assign(&w.admin, &w.helper_id, "Administrator", true, &[]).await;
    let (id, code) = crate::sessions::create(&w.helper).await;
    let res = w
        .sharer
        .post("/api/sessions/join", json!({"code": code}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let joined: Value = res.json().await.unwrap();
    assert_eq!(verdict(&joined), "unattended_web_sharer");
    let waiting = {
        let (other, _) = crate::sessions::create(&w.helper).await;
        state_of(&w.helper, &other).await
    };
    assert_eq!(waiting["unattended_allowed"], false);
    assert_eq!(
        waiting["unattended_refusal"],
        Value::Null,
        "nobody joined yet: no verdict"
    );
    let res = w
        .helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "view"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true, "unattended": true}),
        )
        .await;
    expect_error(res, StatusCode::FORBIDDEN, "unattended_web_sharer").await;
    // Unattended is about allowing; a denial with the flag is a malformed request.
    let res = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": false, "unattended": true}),
        )
        .await;
    expect_error(res, StatusCode::BAD_REQUEST, "invalid_consent").await;
    let res = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true, "unattended": "yes"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a typed field");
    assert_eq!(state_of(&w.sharer, &id).await["state"], "requested");
    w.s.stop().await;
}

async fn conditional_access(db: Db) {
    let w = world(db).await;
    let l = laptop(&w).await;
    assign(&w.admin, &w.helper_id, "Administrator", true, &[]).await;
    let (id, joined) = agent_session(&w, &l, "view").await;
    assert_eq!(verdict(&joined), "allowed");

    // A policy blocking unattended consent for this helper: the view changes, the allow fails;
    // joining and creating sessions are not affected (the policy is for that point only).
    let body = |state: &str, grant: &str| {
        json!({"name": "No unattended for Helen", "state": state,
               "targets": {"include_users": [w.helper_id]},
               "conditions": {"evaluation_points": ["unattended_consent"]},
               "grant": grant})
    };
    let res = w
        .admin
        .post("/api/conditional-access/policies", body("enabled", "block"))
        .await;
    let status = res.status();
    let policy: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{policy}");
    let pid = policy["id"].as_str().unwrap();
    assert_eq!(
        verdict(&state_of(&w.sharer, &id).await),
        "unattended_blocked_by_policy"
    );
    expect_error(
        unattended_allow(&w, &l, &id).await,
        StatusCode::FORBIDDEN,
        "unattended_blocked_by_policy",
    )
    .await;
    let ca = w
        .admin
        .get_json(&format!(
            "/api/audit?action=access.evaluated&actor_id={}&limit=1",
            w.helper_id
        ))
        .await;
    assert_eq!(ca["items"][0]["detail"]["point"], "unattended_consent");
    assert_eq!(ca["items"][0]["detail"]["decision"], "block");
    assert_eq!(ca["items"][0]["detail"]["policies"][0]["id"], pid);
    let (id2, joined2) = agent_session(&w, &l, "view").await;
    assert_eq!(verdict(&joined2), "unattended_blocked_by_policy");

    // Report-only: logged, not enforced.
    let res = w
        .admin
        .put(
            &format!("/api/conditional-access/policies/{pid}"),
            body("report_only", "block"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(verdict(&state_of(&w.sharer, &id).await), "allowed");

    // A second factor required: Helen signed in with a password only.
    let res = w
        .admin
        .put(
            &format!("/api/conditional-access/policies/{pid}"),
            body("enabled", "require_second_factor"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        verdict(&state_of(&w.sharer, &id2).await),
        "unattended_second_factor_required"
    );
    expect_error(
        unattended_allow(&w, &l, &id2).await,
        StatusCode::FORBIDDEN,
        "unattended_second_factor_required",
    )
    .await;

    // Policy gone: allowed again.
    assert_eq!(
        w.admin
            .delete(&format!("/api/conditional-access/policies/{pid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        unattended_allow(&w, &l, &id2).await.status(),
        StatusCode::OK
    );
    w.s.stop().await;
}

async fn only_the_device_may_claim_it(db: Db) {
    let w = world(db).await;
    let l = laptop(&w).await;
    assign(&w.admin, &w.helper_id, "Administrator", true, &[]).await;
    let (id, _) = agent_session(&w, &l, "control").await;
    // Sam's web session (cookie) and Sam's token without the device's signature cannot claim
    // unattended consent, though the session allows it.
    for api in [&w.sharer, &l.sam] {
        let res = api
            .post(
                &format!("/api/sessions/{id}/consent"),
                json!({"allow": true, "unattended": true}),
            )
            .await;
        expect_error(res, StatusCode::FORBIDDEN, "unattended_needs_device").await;
    }
    // Another enrolled device, signing correctly, is not this session's device.
    let other_key = key(12);
    let other = enrolled(
        &w.s,
        &w.admin,
        &other_key,
        report("sam-desktop", Some("sam"), json!({})),
    )
    .await;
    let res = agent_post(
        &w.s,
        &l.sam,
        &other_key,
        &other,
        &format!("/api/sessions/{id}/consent"),
        json!({"allow": true, "unattended": true}),
    )
    .await;
    expect_error(res, StatusCode::FORBIDDEN, "unattended_needs_device").await;

    // The device retired mid-session: its signature no longer counts.
    assert_eq!(unattended_allow(&w, &l, &id).await.status(), StatusCode::OK);
    let res = w
        .helper
        .post(&format!("/api/sessions/{id}/end"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (id, _) = agent_session(&w, &l, "view").await;
    let res = w
        .admin
        .post(&format!("/api/devices/{}/retire", l.id), json!({}))
        .await;
    assert!(res.status().is_success(), "retire: {}", res.status());
    assert_eq!(
        verdict(&state_of(&w.sharer, &id).await),
        "unattended_device_not_enrolled"
    );
    let res = unattended_allow(&w, &l, &id).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "a retired device is refused at the door"
    );
    w.s.stop().await;
}
