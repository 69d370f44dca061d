//! Clipboard and file transfer, the server's part: the role permissions, the tenant's switch and
//! size limit, conditional access at `file_transfer`, and the audit and the session report of
//! every transfer.

use crate::both;
use crate::common::*;
use crate::sessions::{assign, create, world};
use reqwest::StatusCode;
use serde_json::{Value, json};

both!(
    transfers_open_finish_audit_and_report,
    setting_limit_and_bad_input,
    permissions_and_conditional_access
);

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A session the sharer joined and allowed view in: its id.
async fn active(helper: &Api, sharer: &Api) -> String {
    let (id, code) = create(helper).await;
    let res = sharer
        .post("/api/sessions/join", json!({"code": code}))
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
    assert_eq!(res.json::<Value>().await.unwrap()["state"], "active");
    id
}

async fn open(api: &Api, id: &str, body: Value) -> reqwest::Response {
    api.post(&format!("/api/sessions/{id}/transfers"), body)
        .await
}

fn file(name: &str, size: i64, direction: &str) -> Value {
    json!({"name": name, "size": size, "direction": direction})
}

async fn transfers_open_finish_audit_and_report(db: Db) {
    let w = world(db).await;
    // Before the sharer allowed anything, nothing moves.
    let (waiting, code) = create(&w.helper).await;
    let res = w
        .sharer
        .post("/api/sessions/join", json!({"code": code}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    expect_error(
        open(&w.helper, &waiting, file("a.txt", 1, "to_sharer")).await,
        StatusCode::CONFLICT,
        "session_not_active",
    )
    .await;
    let v = w
        .helper
        .get_json(&format!("/api/sessions/{waiting}/transfers"))
        .await;
    assert_eq!(
        (v["files_allowed"].clone(), v["clipboard_allowed"].clone()),
        (json!(false), json!(false))
    );

    let id = active(&w.helper, &w.sharer).await;
    let v = w
        .helper
        .get_json(&format!("/api/sessions/{id}/transfers"))
        .await;
    assert_eq!(v["files_allowed"], true, "{v}");
    assert_eq!(v["clipboard_allowed"], true, "{v}");
    assert_eq!(v["max_bytes"], 2_i64 << 30);
    assert_eq!(v["transfers"], json!([]));

    // Only the helper's page opens transfers; either side may close one.
    expect_error(
        open(&w.sharer, &id, file("a.txt", 1, "to_helper")).await,
        StatusCode::FORBIDDEN,
        "helper_only",
    )
    .await;
    let res = open(&w.helper, &id, file("../../etc/passwd", 4, "to_sharer")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let sent: Value = res.json().await.unwrap();
    let tid = sent["id"].as_str().unwrap().to_owned();
    assert_eq!(sent["outcome"], Value::Null);
    let finish = |api: &Api, tid: &str, body: Value| {
        let path = format!("/api/sessions/{id}/transfers/{tid}/finish");
        let api = api.clone();
        async move { api.post(&path, body).await }
    };
    expect_error(
        finish(
            &w.helper,
            &tid,
            json!({"outcome": "completed", "bytes_done": 4}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
    )
    .await;
    expect_error(
        finish(
            &w.helper,
            &tid,
            json!({"outcome": "completed", "sha256": "abc", "bytes_done": 4}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
    )
    .await;
    let res = finish(
        &w.helper,
        &tid,
        json!({"outcome": "completed", "sha256": SHA.to_uppercase(), "bytes_done": 4}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["outcome"], "completed");
    assert_eq!(done["sha256"], SHA);
    expect_error(
        finish(&w.sharer, &tid, json!({"outcome": "cancelled"})).await,
        StatusCode::CONFLICT,
        "transfer_finished",
    )
    .await;
    expect_error(
        finish(&w.helper, &"0".repeat(32), json!({"outcome": "cancelled"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Sharer to helper, refused by the helper... and closed by the sharer's side.
    let res = open(&w.helper, &id, file("log.txt", 10, "to_helper")).await;
    let back: Value = res.json().await.unwrap();
    let tid2 = back["id"].as_str().unwrap().to_owned();
    let res = finish(&w.sharer, &tid2, json!({"outcome": "refused"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    // A third party sees nothing.
    let (_, other) = w.s.user(&w.admin, "olga@example.com", "Olga").await;
    expect_error(
        other.get(&format!("/api/sessions/{id}/transfers")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        finish(&other, &tid2, json!({"outcome": "failed"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let listed = w
        .sharer
        .get_json(&format!("/api/sessions/{id}/transfers"))
        .await;
    let listed = listed["transfers"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["name"], "../../etc/passwd");
    assert_eq!(listed[1]["outcome"], "refused");

    // Every transfer is in the audit log: who, session, name, size, hash, direction, outcome.
    let audit = w
        .admin
        .get_json(&format!("/api/audit?action=transfer.finished&target={id}"))
        .await;
    assert_eq!(audit["total"], 2, "{audit}");
    let items = audit["items"].as_array().unwrap();
    let completed = items
        .iter()
        .find(|e| e["detail"]["outcome"] == "completed")
        .unwrap();
    assert_eq!(completed["actor_id"], w.helper_id.as_str());
    assert_eq!(completed["detail"]["sha256"], SHA);
    assert_eq!(completed["detail"]["size"], 4);
    assert_eq!(completed["detail"]["name"], "../../etc/passwd");
    assert_eq!(completed["detail"]["direction"], "to_sharer");
    let refused = items
        .iter()
        .find(|e| e["detail"]["outcome"] == "refused")
        .unwrap();
    assert_eq!(refused["actor_id"], w.sharer_id.as_str());
    assert_eq!(refused["detail"]["direction"], "to_helper");
    let opened = w
        .admin
        .get_json(&format!("/api/audit?action=transfer.opened&target={id}"))
        .await;
    assert_eq!(opened["total"], 2, "{opened}");
    let verified = w.admin.get_json("/api/audit/verify").await;
    assert_eq!(verified["intact"], true, "{verified}");

    // The session report lists them.
    let report = w.admin.get_json("/api/reports/sessions").await;
    let row = report
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    let t = row["transfers"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0]["sha256"], SHA);
    let csv = w
        .admin
        .get("/api/reports/sessions?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",files_to_sharer,files_to_helper,transfer_bytes")
    );
    let line = lines.find(|l| l.starts_with(&id)).unwrap();
    assert!(line.ends_with(",1,0,4"), "{line}");
    w.s.stop().await;
}

async fn setting_limit_and_bad_input(db: Db) {
    let w = world(db).await;
    let id = active(&w.helper, &w.sharer).await;
    for (body, code) in [
        (file("", 1, "to_sharer"), "invalid_field"),
        (file(&"é".repeat(256), 1, "to_sharer"), "invalid_field"),
        (file("a", -1, "to_sharer"), "invalid_field"),
        (
            json!({"name": "a", "size": 1, "direction": "sideways"}),
            "invalid_body",
        ),
        (json!({"name": "a", "size": 1}), "invalid_body"),
    ] {
        expect_error(
            open(&w.helper, &id, body).await,
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }
    // A name of 255 characters (more bytes) and an empty file are fine.
    let res = open(&w.helper, &id, file(&"é".repeat(255), 0, "to_sharer")).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // The size limit.
    for bad in [0_i64, (64_i64 << 30) + 1] {
        expect_error(
            w.admin
                .put("/api/settings", json!({"max_transfer_bytes": bad}))
                .await,
            StatusCode::BAD_REQUEST,
            "invalid_field",
        )
        .await;
    }
    let s: Value = w
        .admin
        .put("/api/settings", json!({"max_transfer_bytes": 1000}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["max_transfer_bytes"], 1000);
    assert_eq!(s["file_transfer_disabled"], false);
    expect_error(
        open(&w.helper, &id, file("big.iso", 1001, "to_sharer")).await,
        StatusCode::BAD_REQUEST,
        "transfer_too_large",
    )
    .await;
    let refused = w
        .admin
        .get_json(&format!("/api/audit?action=transfer.refused&target={id}"))
        .await;
    assert_eq!(refused["total"], 1, "{refused}");
    assert_eq!(refused["items"][0]["detail"]["reason"], "too_large");
    let res = open(&w.helper, &id, file("ok.bin", 1000, "to_helper")).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // At most MAX_OPEN_TRANSFERS_PER_SESSION (8) run at once: two are open, six more fit.
    for i in 0..6 {
        let res = open(&w.helper, &id, file(&format!("f{i}"), 1, "to_sharer")).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    expect_error(
        open(&w.helper, &id, file("one-too-many", 1, "to_sharer")).await,
        StatusCode::CONFLICT,
        "too_many_transfers",
    )
    .await;

    // File transfer off: refused, and the page is told; the clipboard is not affected.
    let s: Value = w
        .admin
        .put("/api/settings", json!({"file_transfer_disabled": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["file_transfer_disabled"], true);
    assert_eq!(s["max_transfer_bytes"], 1000, "kept");
    expect_error(
        open(&w.helper, &id, file("a.txt", 1, "to_sharer")).await,
        StatusCode::FORBIDDEN,
        "file_transfer_disabled",
    )
    .await;
    let v = w
        .helper
        .get_json(&format!("/api/sessions/{id}/transfers"))
        .await;
    assert_eq!(v["files_allowed"], false);
    assert_eq!(v["clipboard_allowed"], true);
    let audit = w
        .admin
        .get_json("/api/audit?action=settings.changed&limit=1")
        .await;
    assert_eq!(audit["items"][0]["detail"]["file_transfer_disabled"], true);
    w.s.stop().await;
}

async fn permissions_and_conditional_access(db: Db) {
    let w = world(db).await;
    // The built-in roles: full control comes with clipboard and files; view only does not.
    let roles = w.admin.get_json("/api/roles").await;
    let perms = |name: &str| -> Vec<String> {
        roles
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect()
    };
    for p in ["remote_help.clipboard", "remote_help.files"] {
        assert!(perms("Administrator").iter().any(|x| x == p));
        assert!(perms("Help Desk Operator").iter().any(|x| x == p));
        assert!(!perms("Read Only Operator").iter().any(|x| x == p));
    }

    // A Read Only Operator may view, but neither share the clipboard nor move files.
    let (viewer_id, viewer) = w.s.user(&w.admin, "vera@example.com", "Vera Viewer").await;
    assign(&w.admin, &viewer_id, "Read Only Operator", true, &[]).await;
    let id = active(&viewer, &w.sharer).await;
    let v = viewer
        .get_json(&format!("/api/sessions/{id}/transfers"))
        .await;
    assert_eq!(v["files_allowed"], false, "{v}");
    assert_eq!(v["clipboard_allowed"], false, "{v}");
    let err = expect_error(
        open(&viewer, &id, file("a.txt", 1, "to_sharer")).await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    assert!(err.to_string().contains("remote_help.files"), "{err}");
    // The sharer sees the same answer for that session.
    let v = w
        .sharer
        .get_json(&format!("/api/sessions/{id}/transfers"))
        .await;
    assert_eq!(v["files_allowed"], false, "{v}");

    // A custom role with files only, scoped to a group the sharer is not in: refused.
    let res = w
        .admin
        .post(
            "/api/roles",
            json!({"name": "Files elsewhere", "permissions": ["remote_help.offer",
                   "remote_help.view_screen", "remote_help.files", "remote_help.clipboard"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = w
        .admin
        .post("/api/groups", json!({"name": "Elsewhere"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let gid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assign(
        &w.admin,
        &viewer_id,
        "Files elsewhere",
        false,
        &[gid.as_str()],
    )
    .await;
    expect_error(
        open(&viewer, &id, file("a.txt", 1, "to_sharer")).await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;

    // Conditional access can forbid file transfer for a helper, at its own evaluation point:
    // the clipboard and the session itself go on.
    let id = active(&w.helper, &w.sharer).await;
    let res = w
        .admin
        .post(
            "/api/conditional-access/policies",
            json!({"name": "No files for Helen", "state": "enabled",
                   "targets": {"include_users": [w.helper_id]},
                   "conditions": {"evaluation_points": ["file_transfer"]},
                   "grant": "block"}),
        )
        .await;
    let status = res.status();
    let policy: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{policy}");
    expect_error(
        open(&w.helper, &id, file("a.txt", 1, "to_sharer")).await,
        StatusCode::FORBIDDEN,
        "conditional_access_blocked",
    )
    .await;
    let v = w
        .helper
        .get_json(&format!("/api/sessions/{id}/transfers"))
        .await;
    assert_eq!(v["files_allowed"], false, "{v}");
    assert_eq!(v["clipboard_allowed"], true, "{v}");
    let ca = w
        .admin
        .get_json(&format!(
            "/api/audit?action=access.evaluated&actor_id={}&limit=1",
            w.helper_id
        ))
        .await;
    assert_eq!(ca["items"][0]["detail"]["point"], "file_transfer");
    assert_eq!(ca["items"][0]["detail"]["decision"], "block");
    // Report-only: logged, not enforced.
    let pid = policy["id"].as_str().unwrap();
    let res = w
        .admin
        .put(
            &format!("/api/conditional-access/policies/{pid}"),
            json!({"name": "No files for Helen", "state": "report_only",
                   "targets": {"include_users": [w.helper_id]},
                   "conditions": {"evaluation_points": ["file_transfer"]},
                   "grant": "block"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = open(&w.helper, &id, file("a.txt", 1, "to_sharer")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // A policy blocking clipboard sharing.
    let res = w
        .admin
        .post(
            "/api/conditional-access/policies",
            json!({"name": "No clipboard", "state": "enabled",
                   "targets": {"all_users": true},
                   "conditions": {"evaluation_points": ["clipboard"]},
                   "grant": "block"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v = w
        .helper
        .get_json(&format!("/api/sessions/{id}/transfers"))
        .await;
    assert_eq!(v["clipboard_allowed"], false, "{v}");
    assert_eq!(v["files_allowed"], true, "{v}");
    w.s.stop().await;
}
