//! The authorization matrix: every endpoint of `ENDPOINTS`, called as an Administrator, a Help
//! Desk Operator, a Read Only Operator, a signed-in user with no role, and an anonymous client,
//! checked against the table in `matrix.tsv` next to this file.
//!
//! - `deny` means 401 for the anonymous client and 403 for a signed-in one;
//! - `allow` means anything but 401 and 403 (the call may still fail for other reasons: the
//!   placeholder ids do not exist, the body `{}` is incomplete);
//! - `own` means the endpoint takes its own credentials, not a person's (a device signature, a
//!   single sign-on state): without them it answers 401 to everyone, whoever is signed in.
//!
//! An endpoint in `ENDPOINTS` without a row fails the test: a new endpoint needs a deliberate
//! decision here. To see what the
//! server does today, run with `ASSIST_MATRIX_PRINT=1`: the observed table is printed.

use crate::common::*;
use crate::openapi::ENDPOINTS;
use reqwest::StatusCode;
use serde_json::json;

const TABLE: &str = include_str!("matrix.tsv");

/// Who calls, in the column order of the table.
const CALLERS: [&str; 5] = ["admin", "helpdesk", "readonly", "user", "anonymous"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow,
    Deny,
    Own,
}

fn parse_table() -> Vec<((String, String), [Expect; 5])> {
    let mut rows = Vec::new();
    for (n, line) in TABLE.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            cols.len(),
            7,
            "matrix.tsv line {}: want method, path and 5 columns: {line}",
            n + 1
        );
        let mut e = [Expect::Deny; 5];
        for (i, c) in cols[2..].iter().enumerate() {
            e[i] = match *c {
                "allow" => Expect::Allow,
                "deny" => Expect::Deny,
                "own" => Expect::Own,
                other => panic!(
                    "matrix.tsv line {}: `{other}` is not allow, deny or own",
                    n + 1
                ),
            };
        }
        let key = (cols[0].to_lowercase(), cols[1].to_owned());
        assert!(
            !rows.iter().any(|(k, _)| *k == key),
            "matrix.tsv line {}: {} {} appears twice",
            n + 1,
            key.0,
            key.1
        );
        rows.push((key, e));
    }
    rows
}

async fn role_id(admin: &Api, name: &str) -> String {
    let roles = admin.get_json("/api/roles").await;
    roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("built-in role {name}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn with_role(s: &TestServer, admin: &Api, email: &str, role: &str) -> Api {
    let (id, api) = s.user(admin, email, role).await;
    let role = role_id(admin, role).await;
    let res = admin
        .post(
            "/api/role-assignments",
            json!({"role_id": role, "user_id": id, "scope_all": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "assign {email}");
    api
}

fn placeholder(path: &str) -> String {
    let zero = "0".repeat(32);
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e + 1)
            .unwrap_or(rest.len());
        out.push_str(&zero);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

async fn call(api: &Api, method: &str, path: &str) -> StatusCode {
    let url = format!("{}{}", api.base, placeholder(path));
    let mut r = api
        .http
        .request(method.to_uppercase().parse().unwrap(), url);
    if let Some(t) = &api.bearer {
        r = r.bearer_auth(t);
    }
    if method != "get" {
        r = r.json(&json!({}));
    }
    r.send().await.unwrap().status()
}

fn verdict(status: StatusCode) -> Expect {
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        Expect::Deny
    } else {
        Expect::Allow
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_allows_and_denies_as_the_table_says() {
    let rows = parse_table();
    let print = std::env::var_os("ASSIST_MATRIX_PRINT").is_some();
    // The table covers exactly ENDPOINTS (when printing, rows may be missing).
    let missing: Vec<String> = ENDPOINTS
        .iter()
        .filter(|(m, p)| !rows.iter().any(|((rm, rp), _)| rm == m && rp == p))
        .map(|(m, p)| format!("{m}\t{p}"))
        .collect();
    assert!(
        print || missing.is_empty(),
        "endpoints without a row in tests/api/matrix.tsv (decide who may call them):\n{}",
        missing.join("\n")
    );
    // Rows for endpoints that are gone (or not merged yet) do no harm: they are only reported.
    for ((m, p), _) in &rows {
        if !ENDPOINTS.iter().any(|(em, ep)| em == m && ep == p) {
            eprintln!(
                "note: tests/api/matrix.tsv has a row for {m} {p}, which is not in ENDPOINTS"
            );
        }
    }

    let s = TestServer::start(Db::Sqlite).await;
    let admin = s.admin().await;
    // Session endpoints answer by permission, not by the tenant switch.
    let res = admin
        .put(
            "/api/settings",
            json!({"remote_help_enabled": true, "allow_unenrolled_devices": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let helpdesk = with_role(&s, &admin, "helpdesk@example.com", "Help Desk Operator").await;
    let readonly = with_role(&s, &admin, "readonly@example.com", "Read Only Operator").await;
    let (_, user) = s.user(&admin, "user@example.com", "Plain User").await;
    let anonymous = s.client();
    let emails = [
        Some(ADMIN_EMAIL),
        Some("helpdesk@example.com"),
        Some("readonly@example.com"),
        Some("user@example.com"),
        None,
    ];
    let mut clients = [admin, helpdesk, readonly, user, anonymous];

    let mut failures = Vec::new();
    let mut observed = Vec::new();
    for (method, path) in ENDPOINTS {
        let expected = rows
            .iter()
            .find(|((m, p), _)| m == method && p == path)
            .map(|(_, e)| *e)
            .unwrap_or([Expect::Allow; 5]);
        let mut line = vec![method.to_string(), path.to_string()];
        for (i, who) in CALLERS.iter().enumerate() {
            let status = call(&clients[i], method, path).await;
            let got = verdict(status);
            line.push(
                if got == Expect::Allow {
                    "allow"
                } else {
                    "deny"
                }
                .into(),
            );
            let ok = match expected[i] {
                Expect::Allow => got == Expect::Allow,
                Expect::Deny if *who == "anonymous" => status == StatusCode::UNAUTHORIZED,
                Expect::Deny => status == StatusCode::FORBIDDEN,
                Expect::Own => status == StatusCode::UNAUTHORIZED,
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} as {who}: expected {:?}, got {status}",
                    expected[i]
                ));
            }
            // Some calls end the caller's sign-in (logout): sign in again.
            if let Some(email) = emails[i]
                && clients[i].get("/api/me").await.status() == StatusCode::UNAUTHORIZED
            {
                let password = if email == ADMIN_EMAIL {
                    ADMIN_PASSWORD
                } else {
                    "password-12345"
                };
                clients[i] = s.sign_in(email, password).await;
            }
        }
        observed.push(line.join("\t"));
    }
    if print {
        println!("# method\tpath\t{}", CALLERS.join("\t"));
        for l in &observed {
            println!("{l}");
        }
        s.stop().await;
        return;
    }
    assert!(
        failures.is_empty(),
        "{} calls disagree with tests/api/matrix.tsv:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // What the table says about the built-in roles, in words.
    // An endpoint with its own credentials is not gated by role: it counts for everyone.
    let count = |col: usize| rows.iter().filter(|(_, e)| e[col] != Expect::Deny).count();
    assert_eq!(
        count(0),
        rows.len(),
        "the Administrator may call everything"
    );
    assert!(
        count(1) >= count(2),
        "Help Desk Operators may do what Read Only Operators may"
    );
    assert!(
        count(2) >= count(3),
        "Read Only Operators may do what users may"
    );
    assert!(
        count(3) > count(4),
        "signed-in users may do more than anonymous clients"
    );
    s.stop().await;
}
