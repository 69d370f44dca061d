//! The OpenAPI document is generated from the code and covers every endpoint.

use crate::common::*;
use serde_json::Value;

/// Every JSON endpoint the server has: (method, path). Adding an endpoint means adding it here;
/// the test fails when one is missing from the document (or listed here but not served).
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("get", "/api/me"),
    ("get", "/api/tokens"),
    ("post", "/api/tokens"),
    ("delete", "/api/tokens/{id}"),
    ("get", "/api/users"),
    ("post", "/api/users"),
    ("get", "/api/users/{id}"),
    ("patch", "/api/users/{id}"),
    ("delete", "/api/users/{id}"),
    ("get", "/api/users/{id}/picture"),
    ("put", "/api/users/{id}/picture"),
    ("get", "/api/groups"),
    ("post", "/api/groups"),
    ("get", "/api/groups/{id}"),
    ("put", "/api/groups/{id}"),
    ("delete", "/api/groups/{id}"),
    ("get", "/api/groups/{id}/members"),
    ("put", "/api/groups/{id}/members/{user_id}"),
    ("delete", "/api/groups/{id}/members/{user_id}"),
    ("get", "/api/domains"),
    ("post", "/api/domains"),
    ("delete", "/api/domains/{id}"),
    ("get", "/api/roles"),
    ("post", "/api/roles"),
    ("get", "/api/roles/{id}"),
    ("put", "/api/roles/{id}"),
    ("delete", "/api/roles/{id}"),
    ("get", "/api/role-assignments"),
    ("post", "/api/role-assignments"),
    ("delete", "/api/role-assignments/{id}"),
    ("get", "/api/settings"),
    ("put", "/api/settings"),
    ("get", "/api/audit"),
    ("get", "/api/audit/verify"),
    ("get", "/api/conditional-access/policies"),
    ("post", "/api/conditional-access/policies"),
    ("get", "/api/conditional-access/policies/{id}"),
    ("put", "/api/conditional-access/policies/{id}"),
    ("delete", "/api/conditional-access/policies/{id}"),
    ("post", "/api/conditional-access/what-if"),
    ("get", "/api/me/totp"),
    ("post", "/api/me/totp"),
    ("delete", "/api/me/totp"),
    ("post", "/api/me/totp/confirm"),
    ("post", "/api/me/totp/recovery-codes"),
    ("delete", "/api/users/{id}/totp"),
    ("get", "/api/settings/oidc"),
    ("put", "/api/settings/oidc"),
    ("get", "/api/auth/providers"),
    ("get", "/auth/oidc/login"),
    ("get", "/auth/oidc/callback"),
    ("post", "/api/auth/agent/token"),
    ("get", "/api/enrollment-tokens"),
    ("post", "/api/enrollment-tokens"),
    ("delete", "/api/enrollment-tokens/{id}"),
    ("post", "/api/agent/enroll"),
    ("post", "/api/agent/check-in"),
    ("get", "/api/devices"),
    ("get", "/api/devices/{id}"),
    ("patch", "/api/devices/{id}"),
    ("post", "/api/devices/{id}/retire"),
    ("get", "/api/compliance-policies"),
    ("post", "/api/compliance-policies"),
    ("get", "/api/compliance-policies/{id}"),
    ("put", "/api/compliance-policies/{id}"),
    ("delete", "/api/compliance-policies/{id}"),
    ("get", "/api/sessions"),
    ("post", "/api/sessions"),
    ("post", "/api/sessions/join"),
    ("get", "/api/sessions/{id}"),
    ("post", "/api/sessions/{id}/request"),
    ("post", "/api/sessions/{id}/consent"),
    ("post", "/api/sessions/{id}/stop-control"),
    ("post", "/api/sessions/{id}/end"),
    ("get", "/api/sessions/{id}/chat"),
    ("post", "/api/sessions/{id}/chat"),
    ("get", "/api/sessions/{id}/transfers"),
    ("post", "/api/sessions/{id}/transfers"),
    ("post", "/api/sessions/{id}/transfers/{transfer_id}/finish"),
    ("get", "/api/sessions/{id}/ice-servers"),
    ("get", "/api/reports/sessions"),
];

/// (method, path) pairs of the document.
pub fn documented(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.push((method.to_owned(), path.clone()));
            }
        }
    }
    out
}

#[tokio::test]
async fn document_lists_every_endpoint_and_nothing_else() {
    let s = TestServer::start(Db::Sqlite).await;
    let doc = s.client().get_json("/api/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented = documented(&doc);
    for (m, p) in ENDPOINTS {
        assert!(
            documented.iter().any(|(dm, dp)| dm == m && dp == p),
            "{m} {p} is not in the OpenAPI document"
        );
    }
    for (m, p) in &documented {
        assert!(
            ENDPOINTS.iter().any(|(em, ep)| em == m && ep == p),
            "{m} {p} is documented but not in ENDPOINTS"
        );
    }
    // Every documented endpoint is served (an unknown path answers the JSON 404 "path not found").
    let c = s.client();
    for (m, p) in &documented {
        let path = p
            .replace("{id}", &"0".repeat(32))
            .replace("{user_id}", &"0".repeat(32));
        let res = c.raw(m, &path, "application/json", b"{}".to_vec()).await;
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(
            !body.contains("path not found"),
            "{m} {p} is documented but not routed ({status})"
        );
    }
    s.stop().await;
}
