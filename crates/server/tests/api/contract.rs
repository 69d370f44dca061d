//! What the contract tests (tests/schemathesis, docs/testing.md) found, kept as plain tests: the
//! OpenAPI document says what the server does, and the server does what the document says.

use crate::both;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

both!(
    integral_numbers_are_integers,
    bodies_and_nested_structs_must_be_objects,
    check_in_without_signature_is_401_before_the_body,
    an_empty_report_range_is_empty,
    unknown_references_are_conflicts
);

/// Follows a local `$ref`.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling {r}")),
        None => v,
    }
}

#[tokio::test]
async fn one_name_one_schema() {
    let s = TestServer::start(Db::Sqlite).await;
    let doc = s.client().get_json("/api/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    // The session view's roles are the participant's side, not the access-control role.
    let view = &schemas["SessionView"]["properties"];
    let role = &view["your_role"];
    let role = role["oneOf"]
        .as_array()
        .and_then(|alts| alts.iter().find(|a| a.get("$ref").is_some()))
        .map_or(role, |r| resolve(&doc, r));
    assert_eq!(role["enum"], json!(["helper", "sharer"]), "{role}");
    assert_eq!(schemas["Role"]["type"], "object");
    assert!(schemas["Role"]["properties"].get("permissions").is_some());
    // The compliance policy body and the conditional-access policy body are two schemas.
    assert!(schemas["CompliancePolicyBody"]["properties"]["rules"].is_object());
    assert!(schemas["PolicyBody"]["properties"]["conditions"].is_object());
    s.stop().await;
}

#[tokio::test]
async fn operations_document_auth_errors_and_id_shapes() {
    let s = TestServer::start(Db::Sqlite).await;
    let doc = s.client().get_json("/api/openapi.json").await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let security = op["security"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} has no security"));
            let responses = op["responses"].as_object().unwrap();
            if !security.is_empty() {
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
            }
            for status in ["429", "503"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path}: no {status}"
                );
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path}: no {status}"
                    );
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    assert_eq!(
                        p["schema"]["pattern"], "^[0-9a-fA-F]{32}$",
                        "{method} {path}"
                    );
                    assert!(responses.contains_key("404"), "{method} {path}: no 404");
                }
            }
        }
    }
    // What anyone may call.
    assert_eq!(
        doc["paths"]["/api/auth/login"]["post"]["security"],
        json!([])
    );
    s.stop().await;
}

/// `5.0` is an integer in JSON Schema, so an integer field takes it.
async fn integral_numbers_are_integers(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let res = admin
        .put("/api/settings", json!({"max_session_minutes": 60.0}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["max_session_minutes"],
        60
    );
    // A fraction is still not an integer.
    let res = admin
        .put("/api/settings", json!({"max_session_minutes": 60.5}))
        .await;
    expect_error(res, StatusCode::BAD_REQUEST, "invalid_body").await;
    s.stop().await;
}

/// serde reads a struct from an array of its fields' values; the API takes only objects.
async fn bodies_and_nested_structs_must_be_objects(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let res = admin
        .raw(
            "POST",
            "/api/groups",
            "application/json",
            br#"["Berlin", ""]"#.to_vec(),
        )
        .await;
    expect_error(res, StatusCode::BAD_REQUEST, "invalid_body").await;
    let policy = |conditions: Value| {
        json!({"name": "p", "state": "enabled", "grant": "allow",
               "targets": {"all_users": true}, "conditions": conditions})
    };
    let res = admin
        .post(
            "/api/conditional-access/policies",
            policy(json!([null, null])),
        )
        .await;
    expect_error(res, StatusCode::BAD_REQUEST, "invalid_body").await;
    let res = admin
        .post(
            "/api/compliance-policies",
            json!({"name": "c", "all_devices": true, "rules": [[], true]}),
        )
        .await;
    expect_error(res, StatusCode::BAD_REQUEST, "invalid_body").await;
    // The object forms are taken.
    let res = admin
        .post("/api/conditional-access/policies", policy(json!({})))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    s.stop().await;
}

/// Credentials are checked before input: an unsigned check-in is a 401 whatever its body.
async fn check_in_without_signature_is_401_before_the_body(db: Db) {
    let s = TestServer::start(db).await;
    let res = s
        .client()
        .post("/api/agent/check-in", json!({"name": 5}))
        .await;
    expect_error(res, StatusCode::UNAUTHORIZED, "device_signature_missing").await;
    s.stop().await;
}

/// A report from a time after its end covers no session.
async fn an_empty_report_range_is_empty(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let rows = admin
        .get_json("/api/reports/sessions?from=2000&to=1000")
        .await;
    assert_eq!(rows, json!([]));
    s.stop().await;
}

/// A body naming a user or group that does not exist conflicts with the current state (409),
/// like a duplicate name; it is not malformed.
async fn unknown_references_are_conflicts(db: Db) {
    let s = TestServer::start(db).await;
    let admin = s.admin().await;
    let nobody = "0".repeat(32);
    let res = admin
        .post(
            "/api/conditional-access/policies",
            json!({"name": "p", "state": "enabled", "grant": "allow",
                   "targets": {"include_users": [nobody]}}),
        )
        .await;
    expect_error(res, StatusCode::CONFLICT, "unknown_user").await;
    let res = admin
        .post(
            "/api/enrollment-tokens",
            json!({"name": "t", "user_id": nobody}),
        )
        .await;
    expect_error(res, StatusCode::CONFLICT, "unknown_user").await;
    s.stop().await;
}
