//! Every change and its audit entry commit together. With the audit log made to refuse inserts,
//! each kind of change fails and leaves nothing behind; once it takes them again, each change
//! has exactly one entry naming who acted and on what; changes made at once all chain.

use crate::both;
use crate::common::*;
use crate::devices::{enroll, enrolled, key, new_token, report};
use assist_server::auth::totp;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

both!(
    roles,
    domains,
    compliance_policies,
    conditional_access_policies,
    api_tokens,
    enrollment,
    devices,
    sessions,
    sign_out,
    second_factor,
    concurrent_changes_chain
);

/// Makes the audit log refuse new entries of `action` (`None`: take every entry again). Only
/// the change's own entry is refused, so that whatever the request audits before it still works.
async fn refuse_entries(s: &TestServer, action: Option<&str>) {
    let stmts: Vec<String> = match (s.db, action) {
        (Db::Sqlite, Some(action)) => vec![format!(
            "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit WHEN NEW.action = '{action}' \
             BEGIN SELECT RAISE(ABORT, 'no'); END"
        )],
        (Db::Sqlite, None) => vec!["DROP TRIGGER audit_refuse".into()],
        (Db::Postgres, Some(action)) => vec![
            "CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$".into(),
            format!(
                "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit FOR EACH ROW \
                 WHEN (NEW.action = '{action}') EXECUTE FUNCTION audit_refuse()"
            ),
        ],
        (Db::Postgres, None) => vec!["DROP TRIGGER audit_refuse ON audit".into()],
    };
    for stmt in stmts {
        sqlx::query(sqlx::AssertSqlSafe(stmt))
            .execute(s.state.store.pool())
            .await
            .unwrap();
    }
}

/// A number the database answers (`SELECT COUNT(*) AS n ...`, or any one integer as `n`).
async fn count(s: &TestServer, sql: &str, bind: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(bind.to_owned())
        .fetch_one(s.state.store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

/// The entries whose action is exactly `action`, newest first.
async fn entries(api: &Api, action: &str) -> Vec<Value> {
    let log = api
        .get_json(&format!("/api/audit?action={action}&limit=200"))
        .await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .cloned()
        .collect()
}

/// The change failed (the audit log refused its entry), and no entry of it was written.
async fn refused(api: &Api, res: Response, action: &str) {
    assert!(
        res.status().is_server_error(),
        "{action}: {} with the audit log refusing entries",
        res.status()
    );
    assert!(entries(api, action).await.is_empty(), "{action}");
}

/// Exactly one entry of `action`, by `actor_id`, on `target`.
async fn one_entry(api: &Api, action: &str, actor_id: Option<&str>, target: Option<&str>) {
    let found = entries(api, action).await;
    assert_eq!(found.len(), 1, "{action}: {found:?}");
    assert_eq!(
        found[0]["actor_id"].as_str(),
        actor_id,
        "{action}: {found:?}"
    );
    assert_eq!(found[0]["target"].as_str(), target, "{action}: {found:?}");
}

/// The id in a created object's answer.
async fn created(res: Response, what: &str) -> String {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{what}: {body}");
    body["id"].as_str().unwrap().to_owned()
}

/// Turns remote help on, so that sessions may be created.
async fn remote_help(admin: &Api) {
    let res = admin
        .put("/api/settings", json!({"remote_help_enabled": true}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

fn ok(res: &Response, what: &str) {
    assert!(res.status().is_success(), "{what}: {}", res.status());
}

/// A test server with remote help on, its administrator, and the administrator's id.
struct Fixture {
    s: TestServer,
    admin: Api,
    me: String,
}

impl Fixture {
    async fn start(db: Db) -> Fixture {
        let s = TestServer::start(db).await;
        let admin = s.admin().await;
        remote_help(&admin).await;
        let me = admin.get_json("/api/me").await["user"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        Fixture { s, admin, me }
    }

    /// Checks that the chain holds, and stops the server.
    async fn finish(self) {
        let v = self.admin.get_json("/api/audit/verify").await;
        assert_eq!(v["intact"], true, "{v}");
        self.s.stop().await;
    }
}

/// Roles.
async fn roles(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let body = json!({"name": "Auditors", "permissions": ["admin.audit"]});
    refuse_entries(s, Some("role.created")).await;
    refused(
        admin,
        admin.post("/api/roles", body.clone()).await,
        "role.created",
    )
    .await;
    let sql = "SELECT COUNT(*) AS n FROM roles WHERE name = $1";
    assert_eq!(
        count(s, sql, "Auditors").await,
        0,
        "a role without its entry"
    );
    refuse_entries(s, None).await;
    let role = created(admin.post("/api/roles", body).await, "role").await;
    one_entry(admin, "role.created", me, Some(&role)).await;

    let path = format!("/api/roles/{role}");
    let body = json!({"name": "Readers", "permissions": ["admin.audit"]});
    refuse_entries(s, Some("role.updated")).await;
    refused(admin, admin.put(&path, body.clone()).await, "role.updated").await;
    assert_eq!(
        count(s, sql, "Readers").await,
        0,
        "a role change without its entry"
    );
    refuse_entries(s, None).await;
    ok(&admin.put(&path, body).await, "role update");
    one_entry(admin, "role.updated", me, Some(&role)).await;

    refuse_entries(s, Some("role.deleted")).await;
    refused(admin, admin.delete(&path).await, "role.deleted").await;
    assert_eq!(
        count(s, sql, "Readers").await,
        1,
        "a role deleted without its entry"
    );
    refuse_entries(s, None).await;
    ok(&admin.delete(&path).await, "role delete");
    one_entry(admin, "role.deleted", me, Some(&role)).await;
    f.finish().await;
}

/// Verified domains.
async fn domains(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let body = json!({"domain": "example.org"});
    let sql = "SELECT COUNT(*) AS n FROM domains WHERE domain = $1";
    refuse_entries(s, Some("domain.added")).await;
    refused(
        admin,
        admin.post("/api/domains", body.clone()).await,
        "domain.added",
    )
    .await;
    assert_eq!(count(s, sql, "example.org").await, 0);
    refuse_entries(s, None).await;
    let domain = created(admin.post("/api/domains", body).await, "domain").await;
    one_entry(admin, "domain.added", me, Some(&domain)).await;
    let path = format!("/api/domains/{domain}");
    refuse_entries(s, Some("domain.removed")).await;
    refused(admin, admin.delete(&path).await, "domain.removed").await;
    assert_eq!(count(s, sql, "example.org").await, 1);
    refuse_entries(s, None).await;
    ok(&admin.delete(&path).await, "domain delete");
    one_entry(admin, "domain.removed", me, Some(&domain)).await;
    f.finish().await;
}

/// Compliance policies.
async fn compliance_policies(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let body = json!({"name": "Baseline", "all_devices": true, "rules": {"firewall": true}});
    let sql = "SELECT COUNT(*) AS n FROM compliance_policies WHERE name = $1";
    refuse_entries(s, Some("compliance_policy.created")).await;
    let res = admin.post("/api/compliance-policies", body.clone()).await;
    refused(admin, res, "compliance_policy.created").await;
    assert_eq!(count(s, sql, "Baseline").await, 0);
    refuse_entries(s, None).await;
    let res = admin.post("/api/compliance-policies", body).await;
    let policy = created(res, "compliance policy").await;
    one_entry(admin, "compliance_policy.created", me, Some(&policy)).await;
    let path = format!("/api/compliance-policies/{policy}");
    let body = json!({"name": "Strict", "all_devices": true, "rules": {"firewall": true}});
    refuse_entries(s, Some("compliance_policy.updated")).await;
    let res = admin.put(&path, body.clone()).await;
    refused(admin, res, "compliance_policy.updated").await;
    assert_eq!(count(s, sql, "Strict").await, 0);
    refuse_entries(s, None).await;
    ok(&admin.put(&path, body).await, "compliance policy update");
    one_entry(admin, "compliance_policy.updated", me, Some(&policy)).await;
    refuse_entries(s, Some("compliance_policy.deleted")).await;
    let res = admin.delete(&path).await;
    refused(admin, res, "compliance_policy.deleted").await;
    assert_eq!(count(s, sql, "Strict").await, 1);
    refuse_entries(s, None).await;
    ok(&admin.delete(&path).await, "compliance policy delete");
    one_entry(admin, "compliance_policy.deleted", me, Some(&policy)).await;
    f.finish().await;
}

/// Conditional-access policies.
async fn conditional_access_policies(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let body = json!({"name": "Watch", "state": "report_only", "targets": {"all_users": true},
        "grant": "require_second_factor"});
    let sql = "SELECT COUNT(*) AS n FROM ca_policies WHERE name = $1";
    let (created_action, updated_action, deleted_action) = (
        "conditional_access.policy_created",
        "conditional_access.policy_updated",
        "conditional_access.policy_deleted",
    );
    refuse_entries(s, Some(created_action)).await;
    let res = admin
        .post("/api/conditional-access/policies", body.clone())
        .await;
    refused(admin, res, created_action).await;
    assert_eq!(count(s, sql, "Watch").await, 0);
    refuse_entries(s, None).await;
    let res = admin.post("/api/conditional-access/policies", body).await;
    let policy = created(res, "conditional-access policy").await;
    one_entry(admin, created_action, me, Some(&policy)).await;
    let path = format!("/api/conditional-access/policies/{policy}");
    let body = json!({"name": "Observe", "state": "report_only", "targets": {"all_users": true},
        "grant": "require_second_factor"});
    refuse_entries(s, Some(updated_action)).await;
    refused(admin, admin.put(&path, body.clone()).await, updated_action).await;
    assert_eq!(count(s, sql, "Observe").await, 0);
    refuse_entries(s, None).await;
    ok(
        &admin.put(&path, body).await,
        "conditional-access policy update",
    );
    one_entry(admin, updated_action, me, Some(&policy)).await;
    refuse_entries(s, Some(deleted_action)).await;
    refused(admin, admin.delete(&path).await, deleted_action).await;
    assert_eq!(count(s, sql, "Observe").await, 1);
    refuse_entries(s, None).await;
    ok(
        &admin.delete(&path).await,
        "conditional-access policy delete",
    );
    one_entry(admin, deleted_action, me, Some(&policy)).await;
    f.finish().await;
}

/// API tokens.
async fn api_tokens(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let body = json!({"name": "nightly"});
    let sql = "SELECT COUNT(*) AS n FROM api_tokens WHERE name = $1";
    refuse_entries(s, Some("token.created")).await;
    refused(
        admin,
        admin.post("/api/tokens", body.clone()).await,
        "token.created",
    )
    .await;
    assert_eq!(count(s, sql, "nightly").await, 0);
    refuse_entries(s, None).await;
    let token = created(admin.post("/api/tokens", body).await, "token").await;
    one_entry(admin, "token.created", me, Some(&token)).await;
    let path = format!("/api/tokens/{token}");
    let live = "SELECT COUNT(*) AS n FROM api_tokens WHERE id = $1 AND revoked_at IS NULL";
    refuse_entries(s, Some("token.revoked")).await;
    refused(admin, admin.delete(&path).await, "token.revoked").await;
    assert_eq!(count(s, live, &token).await, 1);
    refuse_entries(s, None).await;
    ok(&admin.delete(&path).await, "token revoke");
    one_entry(admin, "token.revoked", me, Some(&token)).await;
    f.finish().await;
}

/// Enrollment tokens, and the enrollment of a device.
async fn enrollment(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let body = json!({"name": "Kiosks", "max_uses": 5, "expires_in_hours": 2});
    let sql = "SELECT COUNT(*) AS n FROM enrollment_tokens WHERE name = $1";
    let action = "enrollment_token.created";
    refuse_entries(s, Some(action)).await;
    refused(
        admin,
        admin.post("/api/enrollment-tokens", body.clone()).await,
        action,
    )
    .await;
    assert_eq!(count(s, sql, "Kiosks").await, 0);
    refuse_entries(s, None).await;
    let enrollment = created(admin.post("/api/enrollment-tokens", body).await, action).await;
    one_entry(admin, action, me, Some(&enrollment)).await;
    let path = format!("/api/enrollment-tokens/{enrollment}");
    let live = "SELECT COUNT(*) AS n FROM enrollment_tokens WHERE id = $1 AND revoked_at IS NULL";
    refuse_entries(s, Some("enrollment_token.revoked")).await;
    refused(admin, admin.delete(&path).await, "enrollment_token.revoked").await;
    assert_eq!(count(s, live, &enrollment).await, 1);
    refuse_entries(s, None).await;
    ok(&admin.delete(&path).await, "enrollment token revoke");
    one_entry(admin, "enrollment_token.revoked", me, Some(&enrollment)).await;

    let (token_id, token) = new_token(admin, 1).await;
    let k = key(7);
    let uses = "SELECT uses AS n FROM enrollment_tokens WHERE id = $1";
    refuse_entries(s, Some("device.enrolled")).await;
    let res = enroll(s, &token, &k, report("kiosk-1", None, json!({}))).await;
    refused(admin, res, "device.enrolled").await;
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) AS n FROM devices WHERE name = $1",
            "kiosk-1"
        )
        .await,
        0
    );
    assert_eq!(
        count(s, uses, &token_id).await,
        0,
        "a use without its device"
    );
    refuse_entries(s, None).await;
    let res = enroll(s, &token, &k, report("kiosk-1", None, json!({}))).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let device = res.json::<Value>().await.unwrap()["device_id"]
        .as_str()
        .unwrap()
        .to_owned();
    one_entry(admin, "device.enrolled", None, Some(&device)).await;
    f.finish().await;
}

/// Devices.
async fn devices(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let body = report("kiosk-2", None, json!({}));
    let device = enrolled(s, admin, &key(9), body).await;
    let path = format!("/api/devices/{device}");
    let sql = "SELECT COUNT(*) AS n FROM devices WHERE name = $1";
    refuse_entries(s, Some("device.updated")).await;
    let res = admin.patch(&path, json!({"name": "kiosk-lobby"})).await;
    refused(admin, res, "device.updated").await;
    assert_eq!(count(s, sql, "kiosk-lobby").await, 0);
    refuse_entries(s, None).await;
    ok(
        &admin.patch(&path, json!({"name": "kiosk-lobby"})).await,
        "device update",
    );
    one_entry(admin, "device.updated", me, Some(&device)).await;
    let retire = format!("{path}/retire");
    let retired = "SELECT COUNT(*) AS n FROM devices WHERE id = $1 AND retired_at IS NOT NULL";
    refuse_entries(s, Some("device.retired")).await;
    refused(
        admin,
        admin.post(&retire, json!({})).await,
        "device.retired",
    )
    .await;
    assert_eq!(count(s, retired, &device).await, 0);
    refuse_entries(s, None).await;
    ok(&admin.post(&retire, json!({})).await, "device retire");
    one_entry(admin, "device.retired", me, Some(&device)).await;
    f.finish().await;
}

/// Sessions: created, and ended (the end's entry is written by the change that ends it).
async fn sessions(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let sql = "SELECT COUNT(*) AS n FROM sessions WHERE helper_id = $1";
    refuse_entries(s, Some("session.created")).await;
    refused(
        admin,
        admin.post("/api/sessions", json!({})).await,
        "session.created",
    )
    .await;
    assert_eq!(count(s, sql, me.unwrap()).await, 0);
    refuse_entries(s, None).await;
    let session = created(admin.post("/api/sessions", json!({})).await, "session").await;
    one_entry(admin, "session.created", me, Some(&session)).await;
    let end = format!("/api/sessions/{session}/end");
    let ended = "SELECT COUNT(*) AS n FROM sessions WHERE id = $1 AND ended_at IS NOT NULL";
    refuse_entries(s, Some("session.ended")).await;
    refused(admin, admin.post(&end, json!({})).await, "session.ended").await;
    assert_eq!(
        count(s, ended, &session).await,
        0,
        "an end without its entry"
    );
    refuse_entries(s, None).await;
    ok(&admin.post(&end, json!({})).await, "session end");
    one_entry(admin, "session.ended", None, Some(&session)).await;
    f.finish().await;
}

/// Signing out ends the sign-in session with its entry.
async fn sign_out(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let other = s.admin().await;
    refuse_entries(s, Some("auth.sign_out")).await;
    refused(
        admin,
        other.post("/api/auth/logout", json!({})).await,
        "auth.sign_out",
    )
    .await;
    assert_eq!(other.get("/api/me").await.status(), StatusCode::OK);
    refuse_entries(s, None).await;
    ok(&other.post("/api/auth/logout", json!({})).await, "sign-out");
    assert_eq!(
        other.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    one_entry(admin, "auth.sign_out", me, None).await;
    f.finish().await;
}

/// The second factor: enrolment started, enabled, reset.
async fn second_factor(db: Db) {
    let f = Fixture::start(db).await;
    let (s, admin, me) = (&f.s, &f.admin, Some(f.me.as_str()));
    let started = "auth.second_factor_enrolment_started";
    refuse_entries(s, Some(started)).await;
    refused(admin, admin.post("/api/me/totp", json!({})).await, started).await;
    assert_eq!(admin.get_json("/api/me/totp").await["pending"], false);
    refuse_entries(s, None).await;
    let res = admin.post("/api/me/totp", json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let secret = res.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    one_entry(admin, started, me, me).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = json!({"code": totp::generate(&secret, now).unwrap()});
    refuse_entries(s, Some("auth.second_factor_enabled")).await;
    let res = admin.post("/api/me/totp/confirm", code.clone()).await;
    refused(admin, res, "auth.second_factor_enabled").await;
    let status = admin.get_json("/api/me/totp").await;
    assert_eq!(status["enabled"], false, "{status}");
    assert_eq!(status["recovery_codes_left"], 0, "{status}");
    refuse_entries(s, None).await;
    ok(
        &admin.post("/api/me/totp/confirm", code).await,
        "second factor confirm",
    );
    one_entry(admin, "auth.second_factor_enabled", me, me).await;
    let reset = format!("/api/users/{}/totp", me.unwrap());
    refuse_entries(s, Some("auth.second_factor_reset")).await;
    refused(
        admin,
        admin.delete(&reset).await,
        "auth.second_factor_reset",
    )
    .await;
    assert_eq!(admin.get_json("/api/me/totp").await["enabled"], true);
    refuse_entries(s, None).await;
    ok(&admin.delete(&reset).await, "second factor reset");
    one_entry(admin, "auth.second_factor_reset", me, me).await;
    f.finish().await;
}

/// Changes of several kinds at once: each has its entry, and the chain holds.
async fn concurrent_changes_chain(db: Db) {
    const N: usize = 8;
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    remote_help(&admin).await;
    let mut tasks = Vec::new();
    for i in 0..N {
        let requests = [
            (
                "/api/roles",
                json!({"name": format!("Role {i}"), "permissions": ["admin.audit"]}),
            ),
            (
                "/api/domains",
                json!({"domain": format!("d{i}.example.org")}),
            ),
            ("/api/tokens", json!({"name": format!("token {i}")})),
            (
                "/api/enrollment-tokens",
                json!({"name": format!("batch {i}"), "max_uses": 1, "expires_in_hours": 1}),
            ),
            (
                "/api/conditional-access/policies",
                json!({"name": format!("policy {i}"), "state": "disabled",
                    "targets": {"all_users": true}, "grant": "block"}),
            ),
            ("/api/sessions", json!({})),
        ];
        for (path, body) in requests {
            let admin = admin.clone();
            tasks.push(tokio::spawn(async move {
                let res = admin.post(path, body).await;
                assert_eq!(res.status(), StatusCode::CREATED, "{path}");
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    for action in [
        "role.created",
        "domain.added",
        "token.created",
        "enrollment_token.created",
        "conditional_access.policy_created",
        "session.created",
    ] {
        assert_eq!(entries(&admin, action).await.len(), N, "{action}");
    }
    let total = admin.get_json("/api/audit").await["total"]
        .as_i64()
        .unwrap();
    let v = admin.get_json("/api/audit/verify").await;
    assert_eq!(v["intact"], true, "{v}");
    assert_eq!(v["verified"], total, "{v}");
    s.stop().await;
}
