//! Accounts, tokens, groups, roles, domains, settings, audit, health: the foundation endpoints.

use crate::both;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

both!(
    health_and_metrics,
    sign_in_and_out,
    users_and_pictures,
    groups_and_members,
    api_tokens,
    roles_and_assignments,
    domains_and_settings,
    audit_is_append_only,
    database_gone_is_a_503
);

/// With the database out of reach, requests are answered 503 `database_unavailable` with a
/// `Retry-After` (not a 500), and `/healthz` says so: a load balancer can route around the node
/// and a client can try again.
async fn database_gone_is_a_503(db: Db) {
    use assist_server::limits::UNAVAILABLE_RETRY_AFTER_SECS;
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    admin.get_json("/api/users").await;
    s.state.store.close().await;
    let res = admin.get("/api/users").await;
    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some(UNAVAILABLE_RETRY_AFTER_SECS.to_string().as_str())
    );
    expect_error(res, StatusCode::SERVICE_UNAVAILABLE, "database_unavailable").await;
    let res = s
        .client()
        .post(
            "/api/auth/login",
            json!({"email": "nobody@example.com", "password": "a long password 42"}),
        )
        .await;
    expect_error(res, StatusCode::SERVICE_UNAVAILABLE, "database_unavailable").await;
    let health = s.client().get("/healthz").await;
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    s.stop().await;
}

async fn health_and_metrics(db: Db) {
    let s = TestServer::start(db).await;
    let c = s.client();
    assert_eq!(c.get_json("/healthz").await["status"], "ok");
    let m = c.get("/metrics").await.text().await.unwrap();
    assert!(m.contains("assist_http_requests_total"), "{m}");
    assert!(m.contains("assist_websockets_open 0"));
    expect_error(
        c.get("/no/such/path").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        c.delete("/healthz").await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    s.stop().await;
}

async fn sign_in_and_out(db: Db) {
    let s = TestServer::start(db).await;
    let c = s.client();
    expect_error(
        c.get("/api/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let bad = c
        .post(
            "/api/auth/login",
            json!({"email": ADMIN_EMAIL, "password": "wrong-password"}),
        )
        .await;
    expect_error(bad, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    let nobody = c
        .post(
            "/api/auth/login",
            json!({"email": "nobody@example.com", "password": "whatever-123"}),
        )
        .await;
    expect_error(nobody, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    let res = c
        .post(
            "/api/auth/login",
            json!({"email": "ADMIN@example.com", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let me = c.get_json("/api/me").await;
    assert_eq!(me["user"]["email"], ADMIN_EMAIL);
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "remote_help.offer")
    );
    // A cross-site form post with the cookie is refused.
    let csrf = c
        .http
        .post(s.url("/api/auth/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    expect_error(csrf, StatusCode::FORBIDDEN, "cross_site_request").await;
    assert_eq!(
        c.post("/api/auth/logout", json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        c.get("/api/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    s.stop().await;
}

async fn sign_in_is_rate_limited() {
    let s = TestServer::start(Db::Sqlite).await;
    let c = s.client();
    let mut limited = None;
    for _ in 0..12 {
        let r = c
            .post(
                "/api/auth/login",
                json!({"email": ADMIN_EMAIL, "password": "wrong-password"}),
            )
            .await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("the account is paused after repeated failures");
    assert!(r.headers().get("retry-after").is_some());
    // Even the right password waits until the window ends.
    let r = c
        .post(
            "/api/auth/login",
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    s.stop().await;
}

#[tokio::test]
async fn sign_in_rate_limit() {
    sign_in_is_rate_limited().await;
}

const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 13, b'I', b'D', b'A', b'T',
    0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0, 5, 0, 1, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0, 0,
    0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82,
];

async fn users_and_pictures(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let (id, ana) = s.user(&admin, "ana@example.com", "Ana Lima").await;
    let dup = admin
        .post(
            "/api/users",
            json!({"email": "ANA@example.com", "full_name": "Other", "password": "password-12345"}),
        )
        .await;
    expect_error(dup, StatusCode::CONFLICT, "email_taken").await;
    let weak = admin
        .post(
            "/api/users",
            json!({"email": "b@example.com", "full_name": "B", "password": "short"}),
        )
        .await;
    expect_error(weak, StatusCode::BAD_REQUEST, "weak_password").await;
    let bad_email = admin
        .post(
            "/api/users",
            json!({"email": "not-an-email", "full_name": "B"}),
        )
        .await;
    expect_error(bad_email, StatusCode::BAD_REQUEST, "invalid_email").await;

    let list = admin.get_json("/api/users?q=ana").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["full_name"], "Ana Lima");
    let changed = admin
        .patch(
            &format!("/api/users/{id}"),
            json!({"job_title": "Accountant", "company": null}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let u: Value = changed.json().await.unwrap();
    assert_eq!(u["job_title"], "Accountant");
    assert_eq!(u["company"], Value::Null);
    assert_eq!(u["full_name"], "Ana Lima");
    // A plain user may not manage users, but may read themselves.
    expect_error(
        ana.get("/api/users").await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    assert_eq!(
        ana.get_json(&format!("/api/users/{id}")).await["email"],
        "ana@example.com"
    );

    // Pictures: type from the bytes, size limited, served back.
    let path = format!("/api/users/{id}/picture");
    assert_eq!(
        ana.raw("PUT", &path, "image/png", PNG_1X1.to_vec())
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let got = admin.get(&path).await;
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG_1X1);
    assert_eq!(
        admin.get_json(&format!("/api/users/{id}")).await["picture_url"],
        path
    );
    let html = ana
        .raw(
            "PUT",
            &path,
            "image/png",
            b"<script>alert(1)</script>".to_vec(),
        )
        .await;
    expect_error(
        html,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let huge = ana
        .raw("PUT", &path, "image/png", vec![0u8; 600 * 1024])
        .await;
    expect_error(huge, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").await;

    // Disabling signs the user out everywhere.
    assert_eq!(
        admin
            .patch(&format!("/api/users/{id}"), json!({"disabled": true}))
            .await
            .status(),
        StatusCode::OK
    );
    expect_error(
        ana.get("/api/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_eq!(
        admin.delete(&format!("/api/users/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        admin.get(&format!("/api/users/{id}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    s.stop().await;
}

async fn groups_and_members(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let (uid, _) = s.user(&admin, "bo@example.com", "Bo Berg").await;
    let res = admin
        .post(
            "/api/groups",
            json!({"name": "Sales", "description": "Sales team"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let gid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    expect_error(
        admin.post("/api/groups", json!({"name": "Sales"})).await,
        StatusCode::CONFLICT,
        "name_taken",
    )
    .await;
    let add = admin
        .http
        .put(s.url(&format!("/api/groups/{gid}/members/{uid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(add.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        admin.get_json(&format!("/api/groups/{gid}/members")).await,
        json!([uid])
    );
    assert_eq!(
        admin.get_json(&format!("/api/groups/{gid}")).await["member_count"],
        1
    );
    let renamed = admin
        .put(
            &format!("/api/groups/{gid}"),
            json!({"name": "Field Sales"}),
        )
        .await;
    assert_eq!(
        renamed.json::<Value>().await.unwrap()["name"],
        "Field Sales"
    );
    assert_eq!(
        admin
            .delete(&format!("/api/groups/{gid}/members/{uid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        admin
            .delete(&format!("/api/groups/{gid}/members/{uid}"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        admin.delete(&format!("/api/groups/{gid}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(admin.get_json("/api/groups").await, json!([]));
    s.stop().await;
}

async fn api_tokens(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let res = admin
        .post(
            "/api/tokens",
            json!({"name": "script", "expires_in_days": 7}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let t: Value = res.json().await.unwrap();
    let token = t["token"].as_str().unwrap().to_owned();
    let script = Api {
        bearer: Some(token.clone()),
        ..s.client()
    };
    assert_eq!(
        script.get_json("/api/me").await["user"]["email"],
        ADMIN_EMAIL
    );
    // A token acts with its user's permissions, without CSRF checks, but cannot mint tokens.
    assert_eq!(
        script
            .post("/api/groups", json!({"name": "Ops"}))
            .await
            .status(),
        StatusCode::CREATED
    );
    expect_error(
        script.post("/api/tokens", json!({"name": "x"})).await,
        StatusCode::FORBIDDEN,
        "token_cannot_mint",
    )
    .await;
    let listed = admin.get_json("/api/tokens").await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("token").is_none() && t.get("token_hash").is_none())
    );
    let id = t["id"].as_str().unwrap();
    assert_eq!(
        admin.delete(&format!("/api/tokens/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        script.get("/api/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let junk = Api {
        bearer: Some("at_forged".into()),
        ..s.client()
    };
    expect_error(
        junk.get("/api/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    s.stop().await;
}

async fn roles_and_assignments(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let roles = admin.get_json("/api/roles").await;
    let names: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for n in ["Administrator", "Help Desk Operator", "Read Only Operator"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let builtin = roles[0]["id"].as_str().unwrap();
    let edit = admin
        .put(
            &format!("/api/roles/{builtin}"),
            json!({"name": "X", "permissions": []}),
        )
        .await;
    expect_error(edit, StatusCode::CONFLICT, "builtin_role").await;
    let res = admin
        .post(
            "/api/roles",
            json!({"name": "Group admin", "permissions": ["admin.groups", "admin.groups"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let role: Value = res.json().await.unwrap();
    assert_eq!(role["permissions"], json!(["admin.groups"]));
    let unknown = admin
        .post(
            "/api/roles",
            json!({"name": "Bad", "permissions": ["remote_help.everything"]}),
        )
        .await;
    expect_error(unknown, StatusCode::BAD_REQUEST, "invalid_body").await;

    let (uid, carl) = s.user(&admin, "carl@example.com", "Carl Dahl").await;
    expect_error(
        carl.get("/api/groups").await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    let no_scope = admin
        .post(
            "/api/role-assignments",
            json!({"role_id": role["id"], "user_id": uid}),
        )
        .await;
    expect_error(no_scope, StatusCode::BAD_REQUEST, "invalid_scope").await;
    let a = admin
        .post(
            "/api/role-assignments",
            json!({"role_id": role["id"], "user_id": uid, "scope_all": true}),
        )
        .await;
    assert_eq!(a.status(), StatusCode::CREATED);
    assert_eq!(carl.get("/api/groups").await.status(), StatusCode::OK);
    let aid = a.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        admin
            .delete(&format!("/api/role-assignments/{aid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        carl.get("/api/groups").await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    s.stop().await;
}

async fn domains_and_settings(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let res = admin
        .post("/api/domains", json!({"domain": "Example.COM"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap()["domain"], "example.com");
    expect_error(
        admin
            .post("/api/domains", json!({"domain": "example.com"}))
            .await,
        StatusCode::CONFLICT,
        "domain_exists",
    )
    .await;
    expect_error(
        admin
            .post("/api/domains", json!({"domain": "not a domain"}))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_domain",
    )
    .await;

    let settings = admin.get_json("/api/settings").await;
    assert_eq!(
        settings,
        json!({"remote_help_enabled": false, "allow_unenrolled_devices": false, "chat_disabled": false,
        "max_session_minutes": 480, "file_transfer_disabled": false, "max_transfer_bytes": 2_i64 << 30})
    );
    let changed: Value = admin
        .put("/api/settings", json!({"remote_help_enabled": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["remote_help_enabled"], true);
    assert_eq!(changed["chat_disabled"], false);
    let bad = admin
        .put("/api/settings", json!({"max_session_minutes": 0}))
        .await;
    expect_error(bad, StatusCode::BAD_REQUEST, "invalid_field").await;
    let unknown = admin
        .put("/api/settings", json!({"remote_help": true}))
        .await;
    expect_error(unknown, StatusCode::BAD_REQUEST, "invalid_body").await;
    let (_, dana) = s.user(&admin, "dana@example.com", "Dana").await;
    expect_error(
        dana.put("/api/settings", json!({"chat_disabled": true}))
            .await,
        StatusCode::FORBIDDEN,
        "permission_denied",
    )
    .await;
    s.stop().await;
}

async fn audit_is_append_only(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let _ = admin.post("/api/groups", json!({"name": "Audited"})).await;
    let log = admin.get_json("/api/audit?action=group.").await;
    assert_eq!(log["items"][0]["action"], "group.created");
    assert_eq!(log["items"][0]["actor"], ADMIN_EMAIL);
    let signins = admin.get_json("/api/audit?action=auth.sign_in").await;
    assert!(signins["total"].as_i64().unwrap() >= 1);
    let before = admin.get_json("/api/audit").await["total"]
        .as_i64()
        .unwrap();
    let pool = s.state.store.pool();
    assert!(
        sqlx::query("UPDATE audit SET action = 'x'")
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit")
            .execute(pool)
            .await
            .is_err()
    );
    let after = admin.get_json("/api/audit").await["total"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before, "nothing was changed or removed");
    s.stop().await;
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
    let store = assist_server::store::Store::open(&url).await.unwrap();
    sqlx::query("INSERT INTO schema_version (version, applied_at) VALUES (9999, 0)")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let err = assist_server::store::Store::open(&url)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("newer than this binary knows"), "{err}");
}

#[tokio::test]
async fn expired_sign_in_sessions_are_purged() {
    let s = TestServer::start(Db::Sqlite).await;
    let store = &s.state.store;
    let admin = store
        .user_by_email(&s.state.tenant_id, ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap();
    store
        .create_web_session("expired", &admin.id, false, None, -1)
        .await
        .unwrap();
    store
        .create_web_session("live", &admin.id, false, None, 60_000)
        .await
        .unwrap();
    // The server's own sweeper may already have purged it; either way it must be gone.
    assert!(store.purge_web_sessions().await.unwrap() <= 1);
    assert!(store.web_session("live").await.unwrap().is_some());
    assert!(store.web_session("expired").await.unwrap().is_none());
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM web_sessions WHERE token_hash = 'expired'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(left, 0, "the expired row is deleted, not only refused");
    s.stop().await;
}
