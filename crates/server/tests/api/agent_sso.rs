//! Single sign-on for the native agent (RFC 8252 loopback redirect), on both backends, against the
//! real provider of `tests/oidc` (see `oidc.rs`). The test plays the browser and the agent: it
//! starts `/auth/oidc/login` with the agent's parameters, signs in at the provider, reads where the
//! callback sends the browser (the agent's loopback address is never contacted), and trades the
//! code at `POST /api/auth/agent/token`. The real agent binary and Chromium are exercised by
//! `tests/e2e/agent-sso.test.mjs`.

use crate::both;
use crate::common::*;
use crate::oidc::{browser, configure, location, start_node_provider, through_provider_from};
use assist_server::clock::now_ms;
use assist_server::secrets::hash_token;
use assist_server::store::oidc::AgentCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use reqwest::{StatusCode, Url};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

both!(
    agent_gets_a_one_time_code_bound_to_its_verifier,
    agent_parameters_are_checked
);

/// The agent's loopback address in these tests (nothing listens: the test reads `Location`).
const REDIRECT: &str = "http://127.0.0.1:45999/callback";

struct AgentSecrets {
    state: String,
    verifier: String,
    challenge: String,
}

fn secrets(tag: &str) -> AgentSecrets {
    let verifier = format!("{tag}-{}", "v".repeat(50));
    AgentSecrets {
        state: format!("state-{tag}"),
        challenge: B64.encode(Sha256::digest(verifier.as_bytes())),
        verifier,
    }
}

fn login_url(s: &TestServer, redirect: &str, a: &AgentSecrets) -> String {
    let mut u = Url::parse(&s.url("/auth/oidc/login")).unwrap();
    u.query_pairs_mut()
        .append_pair("agent_redirect", redirect)
        .append_pair("agent_state", &a.state)
        .append_pair("agent_challenge", &a.challenge);
    u.to_string()
}

/// Signs in as `login` through the provider with the agent's parameters; returns the query the
/// browser is sent to at the agent's address, and the callback's Set-Cookie headers.
async fn to_agent(
    s: &TestServer,
    login: &str,
    a: &AgentSecrets,
) -> (HashMap<String, String>, Vec<String>) {
    let b = browser();
    let cb = through_provider_from(s, &b, &login_url(s, REDIRECT, a), login).await;
    let res = b.get(&cb).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "callback for {login}");
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        res.headers().get("cache-control").unwrap(),
        "no-store",
        "the code is not cached"
    );
    let to = Url::parse(&location(&res)).unwrap();
    assert!(
        to.as_str().starts_with(&format!("{REDIRECT}?")),
        "the browser goes back to the agent: {to}"
    );
    (to.query_pairs().into_owned().collect(), cookies)
}

async fn exchange(s: &TestServer, body: Value) -> reqwest::Response {
    s.client().post("/api/auth/agent/token", body).await
}

async fn agent_gets_a_one_time_code_bound_to_its_verifier(db: Db) {
    let s = TestServer::start(db).await;
    let p = start_node_provider(&s.url("/auth/oidc/callback")).await;
    let admin = s.admin().await;
    configure(
        &admin,
        json!({"enabled": true, "issuer": p.issuer, "client_id": "assist",
            "client_secret": "assist-secret", "allowed_domains": ["example.com"]}),
    )
    .await;

    // Alice: a code and the agent's state come back; the browser is not signed in.
    let a = secrets("a");
    let (q, cookies) = to_agent(&s, "alice", &a).await;
    assert_eq!(q["state"], a.state);
    assert!(q["code"].len() >= 43, "{q:?}");
    assert!(!q.contains_key("error"));
    assert!(
        !cookies.iter().any(|c| c.starts_with("assist_session=")),
        "no web session for an agent's sign-in: {cookies:?}"
    );
    // The right verifier: an API token for Alice, named after the device, for the days asked.
    let res = exchange(
        &s,
        json!({"code": q["code"], "code_verifier": a.verifier, "device_name": "pc-7",
            "expires_in_days": 30}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["user"]["email"], "alice@example.com");
    assert_eq!(t["user"]["full_name"], "Alice Example");
    let token = t["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("at_"));
    let days = (t["expires_at"].as_i64().unwrap() - now_ms()) as f64 / 86_400_000.0;
    assert!((days - 30.0).abs() < 0.01, "{days}");
    let alice = Api {
        base: s.base.clone(),
        http: reqwest::Client::new(),
        bearer: Some(token),
    };
    let me = alice.get_json("/api/me").await;
    assert_eq!(me["user"]["email"], "alice@example.com");
    assert_eq!(me["user"]["sso"], true);
    let tokens = alice.get_json("/api/tokens").await;
    assert_eq!(tokens[0]["name"], "assist agent on pc-7");
    // The same code again: refused.
    let res = exchange(&s, json!({"code": q["code"], "code_verifier": a.verifier})).await;
    expect_error(res, StatusCode::UNAUTHORIZED, "agent_code_refused").await;

    // A wrong verifier is refused and burns the code.
    let b = secrets("b");
    let (q, _) = to_agent(&s, "alice", &b).await;
    let res = exchange(&s, json!({"code": q["code"], "code_verifier": a.verifier})).await;
    let e = expect_error(res, StatusCode::UNAUTHORIZED, "agent_code_refused").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("verifier"));
    let res = exchange(&s, json!({"code": q["code"], "code_verifier": b.verifier})).await;
    expect_error(res, StatusCode::UNAUTHORIZED, "agent_code_refused").await;

    // A refused sign-in (domain not allowed) reaches the agent as an error with its state.
    let c = secrets("c");
    let (q, cookies) = to_agent(&s, "carol", &c).await;
    assert_eq!(q["state"], c.state);
    assert_eq!(q["error"], "oidc_domain_not_allowed");
    assert!(q["error_description"].contains("other.test"), "{q:?}");
    assert!(!q.contains_key("code"));
    assert!(!cookies.iter().any(|c| c.starts_with("assist_session=")));

    // An expired code (past AGENT_CODE_TTL_MS) is refused, on every backend.
    let alice_id = me["user"]["id"].as_str().unwrap();
    let d = secrets("d");
    s.state
        .store
        .put_agent_code(
            &s.state.tenant_id,
            &hash_token("expired-code"),
            &AgentCode {
                user_id: alice_id.to_owned(),
                challenge: d.challenge.clone(),
                expires_at: now_ms() - 1,
            },
        )
        .await
        .unwrap();
    let res = exchange(
        &s,
        json!({"code": "expired-code", "code_verifier": d.verifier}),
    )
    .await;
    expect_error(res, StatusCode::UNAUTHORIZED, "agent_code_refused").await;

    // A code of an account disabled since: refused.
    s.state
        .store
        .put_agent_code(
            &s.state.tenant_id,
            &hash_token("disabled-code"),
            &AgentCode {
                user_id: alice_id.to_owned(),
                challenge: d.challenge.clone(),
                expires_at: now_ms() + 60_000,
            },
        )
        .await
        .unwrap();
    let res = admin
        .patch(&format!("/api/users/{alice_id}"), json!({"disabled": true}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = exchange(
        &s,
        json!({"code": "disabled-code", "code_verifier": d.verifier}),
    )
    .await;
    expect_error(res, StatusCode::FORBIDDEN, "account_disabled").await;

    // Audited: the agent's sign-in, the token, the refusals.
    let audit = admin.get_json("/api/audit?limit=200").await;
    let items = audit["items"].as_array().unwrap();
    let has = |action: &str, f: &dyn Fn(&Value) -> bool| {
        items
            .iter()
            .any(|e| e["action"] == action && f(&e["detail"]))
    };
    assert!(has("auth.sign_in", &|d| d["client"] == "agent"));
    assert!(has("token.created", &|d| d["via"] == "agent_sso"));
    assert!(has("auth.agent_code_refused", &|_| true));
    // The disabled account's refusal names who was refused.
    let disabled = items
        .iter()
        .find(|e| {
            e["action"] == "auth.agent_code_refused" && e["detail"]["reason"] == "account_disabled"
        })
        .expect("the disabled account's refusal");
    assert_eq!(disabled["actor_id"], alice_id, "{disabled}");
    assert_eq!(disabled["target"], alice_id, "{disabled}");
    assert_ne!(disabled["actor"], "single sign-on", "{disabled}");
    assert!(has("auth.sign_in_failed", &|d| d["client"] == "agent"
        && d["reason"] == "oidc_domain_not_allowed"));
    s.stop().await;
}

async fn agent_parameters_are_checked(db: Db) {
    let s = TestServer::start(db).await;
    let p = start_node_provider(&s.url("/auth/oidc/callback")).await;
    let admin = s.admin().await;
    let a = secrets("a");
    let b = browser();

    // Not configured: the error goes to the agent, which can say why.
    let res = b.get(login_url(&s, REDIRECT, &a)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = Url::parse(&location(&res)).unwrap();
    let q: HashMap<_, _> = to.query_pairs().into_owned().collect();
    assert!(to.as_str().starts_with(REDIRECT));
    assert_eq!(q["error"], "sso_not_configured");
    assert_eq!(q["state"], a.state);

    configure(
        &admin,
        json!({"enabled": true, "issuer": p.issuer, "client_id": "assist",
            "client_secret": "assist-secret"}),
    )
    .await;
    for bad in [
        "http://evil.example:45999/callback",
        "http://localhost:45999/callback",
        "https://127.0.0.1:45999/callback",
        "http://127.0.0.1/callback",
        "http://127.0.0.2:45999/callback",
        "http://u:p@127.0.0.1:45999/callback",
        "http://127.0.0.1:45999/callback?next=x",
        "http://127.0.0.1:45999/callback#x",
        "not a url",
    ] {
        let res = b.get(login_url(&s, bad, &a)).send().await.unwrap();
        assert!(res.headers().get("location").is_none(), "{bad}");
        expect_error(res, StatusCode::BAD_REQUEST, "invalid_agent_redirect").await;
    }
    for query in [
        vec![("agent_redirect", REDIRECT)],
        vec![
            ("agent_state", "s"),
            ("agent_challenge", a.challenge.as_str()),
        ],
        vec![
            ("agent_redirect", REDIRECT),
            ("agent_state", "s p"),
            ("agent_challenge", a.challenge.as_str()),
        ],
        vec![
            ("agent_redirect", REDIRECT),
            ("agent_state", "s"),
            ("agent_challenge", "plain-challenge"),
        ],
    ] {
        let mut u = Url::parse(&s.url("/auth/oidc/login")).unwrap();
        u.query_pairs_mut().extend_pairs(&query);
        let res = b.get(u).send().await.unwrap();
        expect_error(res, StatusCode::BAD_REQUEST, "invalid_agent_redirect").await;
    }
    // [::1] is accepted: on to the provider.
    let res = b
        .get(login_url(&s, "http://[::1]:45999/cb", &a))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with(&p.issuer));

    // Malformed exchanges: 400, never 500; unknown codes: 401.
    for body in [
        json!({}),
        json!({"code": "x", "code_verifier": "short"}),
        json!({"code": "", "code_verifier": a.verifier}),
        json!({"code": "x".repeat(200), "code_verifier": a.verifier}),
        json!({"code": "x", "code_verifier": a.verifier, "expires_in_days": 0}),
        json!({"code": "x", "code_verifier": a.verifier, "expires_in_days": 367}),
        json!({"code": "x", "code_verifier": a.verifier, "device_name": "a\u{7}b"}),
        json!({"code": "x", "code_verifier": a.verifier, "other": 1}),
    ] {
        let res = exchange(&s, body.clone()).await;
        assert!(
            matches!(res.status().as_u16(), 400 | 422),
            "{body} → {}",
            res.status()
        );
    }
    let res = exchange(&s, json!({"code": "unknown", "code_verifier": a.verifier})).await;
    expect_error(res, StatusCode::UNAUTHORIZED, "agent_code_refused").await;

    // Wrong guesses are rate-limited per address.
    let mut limited = false;
    for _ in 0..25 {
        let res = exchange(&s, json!({"code": "guess", "code_verifier": a.verifier})).await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(res.headers().get("retry-after").is_some());
            limited = true;
            break;
        }
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(limited, "the exchange is rate-limited");
    s.stop().await;
}
