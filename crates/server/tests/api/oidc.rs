//! Single sign-on with OpenID Connect.
//!
//! - Against a REAL provider: the npm package `oidc-provider` (a certified implementation), which
//!   this test starts on a loopback port (`tests/oidc/provider.mjs`; install it with
//!   `tests/oidc/install.sh`). The test plays the browser through the real HTTP redirects: our
//!   `/auth/oidc/login` → the provider's `/auth` → its sign-in and consent screens → our
//!   `/auth/oidc/callback`, which exchanges the code at the provider's token endpoint.
//! - The ID-token faults a correct provider never produces (wrong nonce, expired, wrong audience,
//!   wrong issuer, unknown key, bad signature, HMAC or `none` algorithms, missing ID token, wrong
//!   `at_hash`) come from a small provider served by this test: discovery, a JWKS endpoint and a
//!   token endpoint that returns tokens it builds and signs with keys it controls (RSA and P-256
//!   from aws-lc-rs), after checking the PKCE verifier and the client's credentials.

use crate::both;
use crate::common::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use reqwest::{Client, StatusCode, Url, redirect};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

both!(
    real_provider_full_flow_and_profile_mapping,
    real_provider_es256_and_public_client,
    real_provider_state_code_and_issuer_faults,
    crafted_token_faults_are_refused,
    refusals_are_pages_for_people_and_the_label_is_kept
);

// ---------------------------------------------------------------------------------------------
// The real provider (node + oidc-provider).

/// A running `tests/oidc/provider.mjs`; killed when dropped.
pub(crate) struct NodeProvider {
    pub(crate) issuer: String,
    port: u16,
    _child: tokio::process::Child,
}

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc")
}

pub(crate) async fn start_node_provider(redirect_uri: &str) -> NodeProvider {
    let dir = provider_dir();
    assert!(
        dir.join("node_modules/oidc-provider/package.json").exists(),
        "the OpenID provider for the single sign-on tests is not installed: run tests/oidc/install.sh \
         (needs Node.js 20+ and npm; it runs `npm ci` in tests/oidc)"
    );
    let mut child = tokio::process::Command::new("node")
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("REDIRECT_URI", redirect_uri)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start `node` ({e}): install Node.js 20+ and run tests/oidc/install.sh")
        });
    let stderr = child.stderr.take().unwrap();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(l)) = lines.next_line().await {
            if !l.contains("WARNING") {
                eprintln!("[oidc-provider] {l}");
            }
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(l)) = lines.next_line().await {
            if let Some(rest) = l.strip_prefix("READY ") {
                return Some(serde_json::from_str::<Value>(rest).unwrap());
            }
        }
        None
    })
    .await
    .expect("the OpenID provider did not become ready within 30 s")
    .expect("the OpenID provider exited before it was ready (see its output above)");
    // Keep draining stdout so the provider never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    NodeProvider {
        issuer: ready["issuer"].as_str().unwrap().to_owned(),
        port: u16::try_from(ready["port"].as_u64().unwrap()).unwrap(),
        _child: child,
    }
}

/// A browser: a cookie jar, no automatic redirects (the test follows them, step by step).
pub(crate) fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) fn location(res: &reqwest::Response) -> String {
    let base = res.url().clone();
    let loc = res
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("{} {} has no Location", res.status(), res.url()))
        .to_str()
        .unwrap();
    base.join(loc).unwrap().to_string()
}

fn form_action(html: &str) -> String {
    let start = html.find("action=\"").expect("a form") + "action=\"".len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].replace("&amp;", "&")
}

/// Starts a sign-in at our server and plays the user at the provider (signing in as `login`,
/// consenting), up to the redirect back to our callback. Returns the callback URL, not yet
/// visited.
async fn through_provider(s: &TestServer, b: &Client, login: &str) -> String {
    through_provider_from(s, b, &s.url("/auth/oidc/login"), login).await
}

/// As [`through_provider`], starting at `start` (the login URL with its query).
pub(crate) async fn through_provider_from(
    s: &TestServer,
    b: &Client,
    start: &str,
    login: &str,
) -> String {
    let res = b.get(start).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "login redirects to the provider"
    );
    let mut url = location(&res);
    let callback = s.url("/auth/oidc/callback");
    for _ in 0..12 {
        if url.starts_with(&callback) {
            return url;
        }
        let res = b.get(&url).send().await.unwrap();
        if res.status().is_redirection() {
            url = location(&res);
            continue;
        }
        assert_eq!(res.status(), StatusCode::OK, "provider page {url}");
        let page = res.url().clone();
        let html = res.text().await.unwrap();
        let action = page.join(&form_action(&html)).unwrap();
        let form: Vec<(&str, &str)> = if html.contains("value=\"login\"") {
            vec![("prompt", "login"), ("login", login), ("password", "any")]
        } else {
            vec![("prompt", "consent")]
        };
        let res = b.post(action).form(&form).send().await.unwrap();
        assert!(
            res.status().is_redirection(),
            "provider form answered {}",
            res.status()
        );
        url = location(&res);
    }
    panic!("the provider never redirected back to the callback (last: {url})");
}

/// Visits the callback; on success (303 to `/`) returns the signed-in client.
async fn callback(s: &TestServer, b: &Client, url: &str) -> reqwest::Response {
    let _ = s;
    b.get(url).send().await.unwrap()
}

fn signed_in(s: &TestServer, b: &Client) -> Api {
    Api {
        base: s.base.clone(),
        http: b.clone(),
        bearer: None,
    }
}

pub(crate) async fn configure(admin: &Api, body: Value) -> Value {
    let res = admin.put("/api/settings/oidc", body).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

async fn sso_user(s: &TestServer, login: &str) -> (Api, Value) {
    let b = browser();
    let cb = through_provider(s, &b, login).await;
    let res = callback(s, &b, &cb).await;
    let status = res.status();
    let loc = res.headers().get("location").cloned();
    let body = res.text().await.unwrap();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "callback for {login}: {body}"
    );
    assert_eq!(loc.unwrap(), "/");
    let api = signed_in(s, &b);
    let me = api.get_json("/api/me").await;
    (api, me)
}

async fn real_provider_full_flow_and_profile_mapping(db: Db) {
    let s = TestServer::start(db).await;
    let p = start_node_provider(&s.url("/auth/oidc/callback")).await;
    let admin = s.admin().await;
    let anon = s.client();

    // Not configured: the sign-in page offers no button and the login says why.
    let offered = anon.get_json("/api/auth/providers").await;
    assert_eq!(offered["oidc"]["enabled"], false);
    expect_error(
        browser()
            .get(s.url("/auth/oidc/login"))
            .send()
            .await
            .unwrap(),
        StatusCode::CONFLICT,
        "sso_not_configured",
    )
    .await;

    // An existing local account, matched by email on its first single sign-on.
    let (erin_id, _) = s.user(&admin, "erin@example.com", "Erin Local").await;

    let v = configure(
        &admin,
        json!({"enabled": true, "issuer": p.issuer, "client_id": "assist",
            "client_secret": "assist-secret", "allowed_domains": ["Example.com"],
            "button_label": "Sign in with Example"}),
    )
    .await;
    assert_eq!(v["client_secret_set"], true);
    assert!(
        v.get("client_secret").is_none(),
        "the secret never leaves: {v}"
    );
    assert_eq!(v["allowed_domains"], json!(["example.com"]));
    assert_eq!(v["redirect_uri"], s.url("/auth/oidc/callback"));
    let offered = anon.get_json("/api/auth/providers").await;
    assert_eq!(offered["oidc"]["enabled"], true);
    assert_eq!(offered["oidc"]["label"], "Sign in with Example");

    // The login redirect: code flow, PKCE S256, state and nonce, our callback.
    let b = browser();
    let res = b.get(s.url("/auth/oidc/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("assist_oidc="))
        .expect("state cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Path=/auth/oidc"),
        "{cookie}"
    );
    let to = Url::parse(&location(&res)).unwrap();
    assert!(to.as_str().starts_with(&p.issuer), "{to}");
    let q: std::collections::HashMap<_, _> = to.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "assist");
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(q["code_challenge"].len() >= 43);
    assert!(q["state"].len() >= 32 && q["nonce"].len() >= 32);
    assert_eq!(q["redirect_uri"], s.url("/auth/oidc/callback"));
    let scopes: Vec<&str> = q["scope"].split(' ').collect();
    for want in ["openid", "email", "profile"] {
        assert!(scopes.contains(&want), "{scopes:?}");
    }

    // Alice: created with the mapped profile, signed in.
    let (alice, me) = sso_user(&s, "alice").await;
    let user = &me["user"];
    assert_eq!(user["email"], "alice@example.com");
    assert_eq!(user["full_name"], "Alice Example");
    assert_eq!(user["job_title"], "Support Engineer");
    assert_eq!(user["company"], "Example Ltd");
    assert_eq!(
        user["picture_url"],
        "https://pictures.example.com/alice.png"
    );
    assert_eq!(user["sso"], true);
    assert_eq!(me["second_factor"], false);
    assert_eq!(me["permissions"], json!([]));
    let alice_id = user["id"].as_str().unwrap().to_owned();
    // Signed in for real: the session works for the API, and signing out ends it.
    alice.get_json("/api/me/totp").await;
    let res = alice.post("/api/auth/logout", json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        alice.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Again, in another browser: the same account (matched by subject).
    let (_, again) = sso_user(&s, "alice").await;
    assert_eq!(again["user"]["id"], alice_id.as_str());

    // Bob: name from given/family names, jobTitle and companyName.
    let (_, bob) = sso_user(&s, "bob").await;
    assert_eq!(bob["user"]["full_name"], "Bob Builder");
    assert_eq!(bob["user"]["job_title"], "Site Lead");
    assert_eq!(bob["user"]["company"], "Builders Inc");
    assert_eq!(bob["user"]["picture_url"], Value::Null);

    // Erin: the local account is linked, not duplicated; her password still works.
    let (_, erin) = sso_user(&s, "erin").await;
    assert_eq!(erin["user"]["id"], erin_id.as_str());
    assert_eq!(erin["user"]["sso"], true);
    s.sign_in("erin@example.com", "password-12345").await;

    // Carol's domain is not allowed; Dave's email is not verified.
    for (login, status, code) in [
        ("carol", StatusCode::FORBIDDEN, "oidc_domain_not_allowed"),
        ("dave", StatusCode::FORBIDDEN, "oidc_email_unverified"),
    ] {
        let b = browser();
        let cb = through_provider(&s, &b, login).await;
        expect_error(callback(&s, &b, &cb).await, status, code).await;
        let not_in = signed_in(&s, &b);
        assert_eq!(
            not_in.get("/api/me").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // With no domain restriction Carol gets in, organization as company.
    configure(
        &admin,
        json!({"enabled": true, "issuer": p.issuer, "client_id": "assist", "allowed_domains": []}),
    )
    .await;
    let (_, carol) = sso_user(&s, "carol").await;
    assert_eq!(carol["user"]["company"], "Other Org");

    // A disabled account cannot sign in with single sign-on either.
    let res = admin
        .patch(&format!("/api/users/{alice_id}"), json!({"disabled": true}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let b = browser();
    let cb = through_provider(&s, &b, "alice").await;
    expect_error(
        callback(&s, &b, &cb).await,
        StatusCode::FORBIDDEN,
        "account_disabled",
    )
    .await;

    // The audit log: each sign-in, how the account was found, each refusal, each evaluation.
    let audit = admin.get_json("/api/audit?limit=500").await;
    let items = audit["items"].as_array().unwrap();
    let sign_ins: Vec<&Value> = items
        .iter()
        .filter(|e| e["action"] == "auth.sign_in" && e["detail"]["method"] == "oidc")
        .collect();
    let accounts: Vec<&str> = sign_ins
        .iter()
        .map(|e| e["detail"]["account"].as_str().unwrap())
        .collect();
    assert!(
        accounts.contains(&"created")
            && accounts.contains(&"matched")
            && accounts.contains(&"linked"),
        "{accounts:?}"
    );
    let refusals: Vec<&str> = items
        .iter()
        .filter(|e| e["action"] == "auth.sign_in_failed" && e["detail"]["method"] == "oidc")
        .map(|e| e["detail"]["reason"].as_str().unwrap())
        .collect();
    for want in [
        "oidc_domain_not_allowed",
        "oidc_email_unverified",
        "account_disabled",
    ] {
        assert!(refusals.contains(&want), "{refusals:?}");
    }
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "access.evaluated" && e["actor_id"] == alice_id.as_str()),
        "conditional access is evaluated at single sign-on"
    );
    // The disabled account's refusal names who was refused.
    let disabled = items
        .iter()
        .find(|e| {
            e["action"] == "auth.sign_in_failed" && e["detail"]["reason"] == "account_disabled"
        })
        .unwrap();
    assert_eq!(disabled["actor_id"], alice_id.as_str(), "{disabled}");
    assert_eq!(disabled["target"], alice_id.as_str(), "{disabled}");
    assert_ne!(disabled["actor"], "single sign-on", "{disabled}");
    assert!(items.iter().any(|e| e["action"] == "settings.oidc_updated"));
    assert!(
        !audit.to_string().contains("assist-secret"),
        "no secret in the audit log"
    );
    drop(p);
    s.stop().await;
}

async fn real_provider_es256_and_public_client(db: Db) {
    let s = TestServer::start(db).await;
    let p = start_node_provider(&s.url("/auth/oidc/callback")).await;
    let admin = s.admin().await;
    // ID tokens signed with ES256 (P-256) by the provider's EC key.
    configure(
        &admin,
        json!({"enabled": true, "issuer": p.issuer, "client_id": "assist-es256",
            "client_secret": "assist-es256-secret"}),
    )
    .await;
    let (_, me) = sso_user(&s, "alice").await;
    assert_eq!(me["user"]["email"], "alice@example.com");
    // A public client: no secret, PKCE only. `null` removes the stored secret.
    let v = configure(
        &admin,
        json!({"enabled": true, "issuer": p.issuer, "client_id": "assist-public",
            "client_secret": null}),
    )
    .await;
    assert_eq!(v["client_secret_set"], false);
    let (_, me) = sso_user(&s, "bob").await;
    assert_eq!(me["user"]["email"], "bob@example.com");
    drop(p);
    s.stop().await;
}

fn with_param(url: &str, key: &str, value: &str) -> String {
    let mut u = Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == key {
                (k, value.to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
}

async fn real_provider_state_code_and_issuer_faults(db: Db) {
    let s = TestServer::start(db).await;
    let p = start_node_provider(&s.url("/auth/oidc/callback")).await;
    let admin = s.admin().await;
    configure(
        &admin,
        json!({"enabled": true, "issuer": p.issuer, "client_id": "assist",
            "client_secret": "assist-secret"}),
    )
    .await;

    // Tampered state: refused, and the real one still works once, and only once.
    let b = browser();
    let cb = through_provider(&s, &b, "alice").await;
    let state = Url::parse(&cb)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let mut tampered = state.clone();
    tampered.replace_range(0..1, if state.starts_with('A') { "B" } else { "A" });
    let body = expect_error(
        callback(&s, &b, &with_param(&cb, "state", &tampered)).await,
        StatusCode::UNAUTHORIZED,
        "oidc_invalid_state",
    )
    .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("state"));
    // Another browser (no state cookie) cannot use this browser's response.
    expect_error(
        callback(&s, &browser(), &cb).await,
        StatusCode::UNAUTHORIZED,
        "oidc_invalid_state",
    )
    .await;
    // The response without a state.
    let mut no_state = Url::parse(&cb).unwrap();
    let pairs: Vec<(String, String)> = no_state
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "state")
        .collect();
    no_state.query_pairs_mut().clear().extend_pairs(pairs);
    expect_error(
        callback(&s, &b, no_state.as_str()).await,
        StatusCode::UNAUTHORIZED,
        "oidc_invalid_state",
    )
    .await;
    let ok = callback(&s, &b, &cb).await;
    assert_eq!(
        ok.status(),
        StatusCode::SEE_OTHER,
        "{}",
        ok.text().await.unwrap()
    );
    // Replayed: the login was used up.
    let b2 = browser();
    let replay = b2
        .get(&cb)
        .header("cookie", format!("assist_oidc={state}"))
        .send()
        .await
        .unwrap();
    expect_error(replay, StatusCode::UNAUTHORIZED, "oidc_invalid_state").await;

    // A tampered code: the provider refuses it at the token endpoint.
    let b = browser();
    let cb = through_provider(&s, &b, "alice").await;
    expect_error(
        callback(&s, &b, &with_param(&cb, "code", "not-the-code")).await,
        StatusCode::UNAUTHORIZED,
        "oidc_code_rejected",
    )
    .await;

    // A response naming another issuer (RFC 9207 `iss`): a mix-up, refused.
    let b = browser();
    let cb = through_provider(&s, &b, "alice").await;
    expect_error(
        callback(&s, &b, &with_param(&cb, "iss", "https://evil.example")).await,
        StatusCode::UNAUTHORIZED,
        "oidc_wrong_issuer",
    )
    .await;

    // The user cancels at the provider: its error comes back and is shown.
    let b = browser();
    let res = b.get(s.url("/auth/oidc/login")).send().await.unwrap();
    let res = b.get(location(&res)).send().await.unwrap();
    let interaction = location(&res);
    let res = b.get(format!("{interaction}/abort")).send().await.unwrap();
    let mut url = location(&res);
    while !url.starts_with(&s.url("/auth/oidc/callback")) {
        let res = b.get(&url).send().await.unwrap();
        url = location(&res);
    }
    let body = expect_error(
        callback(&s, &b, &url).await,
        StatusCode::UNAUTHORIZED,
        "oidc_provider_error",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("access_denied"),
        "{body}"
    );

    // A wrong client secret: the provider refuses our client at the token endpoint.
    configure(
        &admin,
        json!({"enabled": true, "issuer": p.issuer, "client_id": "assist",
            "client_secret": "not-the-secret"}),
    )
    .await;
    let b = browser();
    let cb = through_provider(&s, &b, "alice").await;
    expect_error(
        callback(&s, &b, &cb).await,
        StatusCode::UNAUTHORIZED,
        "oidc_code_rejected",
    )
    .await;

    // Wrong issuer: configured as `localhost`, the provider's discovery document says
    // `127.0.0.1`. Discovery refuses the mismatch (OpenID Connect Discovery 1.0, 4.3).
    configure(
        &admin,
        json!({"enabled": true, "issuer": format!("http://localhost:{}", p.port),
            "client_id": "assist", "client_secret": "assist-secret"}),
    )
    .await;
    let body = expect_error(
        browser()
            .get(s.url("/auth/oidc/login"))
            .send()
            .await
            .unwrap(),
        StatusCode::BAD_GATEWAY,
        "oidc_discovery_failed",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("issuer"),
        "{body}"
    );

    // Nobody got signed in by any of this, and each refusal is in the audit log.
    let audit = admin
        .get_json("/api/audit?action=auth.sign_in_failed&limit=100")
        .await;
    let reasons: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"]["reason"].as_str().unwrap())
        .collect();
    for want in [
        "oidc_invalid_state",
        "oidc_code_rejected",
        "oidc_wrong_issuer",
        "oidc_provider_error",
    ] {
        assert!(reasons.contains(&want), "{reasons:?}");
    }
    drop(p);
    s.stop().await;
}

// ---------------------------------------------------------------------------------------------
// A provider served by this test, for tokens a correct provider never issues.

const FAKE_CLIENT: &str = "assist-test";
const FAKE_SECRET: &str = "assist-test-secret";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Signer {
    /// The published RSA key, RS256, kid `rsa-1`.
    Rsa,
    /// The published P-256 key, ES256, kid `ec-1`.
    Ec,
    /// An RSA key that is not published, kid `rogue`.
    UnknownKey,
    /// An RSA key that is not published, under the published kid `rsa-1`.
    ForgedUnderKnownKid,
    /// HS256 keyed with the client secret.
    HmacWithClientSecret,
    /// `alg: none`, no signature.
    NoSignature,
}

#[derive(Clone, Debug)]
struct Scenario {
    claims: Value,
    signer: Signer,
    /// Change the payload after signing.
    tamper: bool,
    /// Leave the ID token out of the token response.
    no_id_token: bool,
    userinfo: Option<Value>,
}

struct Keys {
    rsa: aws_lc_rs::rsa::KeyPair,
    rogue: aws_lc_rs::rsa::KeyPair,
    ec: aws_lc_rs::signature::EcdsaKeyPair,
}

#[derive(Clone)]
struct Fake {
    base: String,
    keys: Arc<Keys>,
    scenario: Arc<Mutex<Option<Scenario>>>,
    /// The PKCE challenge of the login in progress.
    challenge: Arc<Mutex<Option<String>>>,
}

fn b64(v: &[u8]) -> String {
    B64.encode(v)
}

impl Fake {
    fn jwks(&self) -> Value {
        use aws_lc_rs::signature::KeyPair;
        let rsa = aws_lc_rs::rsa::PublicKeyComponents::<Vec<u8>>::from(self.keys.rsa.public_key());
        let ec = self.keys.ec.public_key().as_ref();
        json!({"keys": [
            {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": b64(&rsa.n), "e": b64(&rsa.e)},
            {"kty": "EC", "kid": "ec-1", "use": "sig", "alg": "ES256", "crv": "P-256",
             "x": b64(&ec[1..33]), "y": b64(&ec[33..65])},
        ]})
    }

    fn token(&self, sc: &Scenario) -> String {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let (alg, kid) = match sc.signer {
            Signer::Rsa => ("RS256", Some("rsa-1")),
            Signer::Ec => ("ES256", Some("ec-1")),
            Signer::UnknownKey => ("RS256", Some("rogue")),
            Signer::ForgedUnderKnownKid => ("RS256", Some("rsa-1")),
            Signer::HmacWithClientSecret => ("HS256", None),
            Signer::NoSignature => ("none", None),
        };
        let mut header = json!({"alg": alg, "typ": "JWT"});
        if let Some(k) = kid {
            header["kid"] = json!(k);
        }
        let signing_input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(sc.claims.to_string().as_bytes())
        );
        let rsa_sign = |key: &aws_lc_rs::rsa::KeyPair| {
            let mut sig = vec![0u8; key.public_modulus_len()];
            key.sign(
                &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                &rng,
                signing_input.as_bytes(),
                &mut sig,
            )
            .unwrap();
            sig
        };
        let sig = match sc.signer {
            Signer::Rsa => rsa_sign(&self.keys.rsa),
            Signer::UnknownKey | Signer::ForgedUnderKnownKid => rsa_sign(&self.keys.rogue),
            Signer::Ec => self
                .keys
                .ec
                .sign(&rng, signing_input.as_bytes())
                .unwrap()
                .as_ref()
                .to_vec(),
            Signer::HmacWithClientSecret => {
                use hmac::Mac;
                let mut mac =
                    hmac::Hmac::<sha2::Sha256>::new_from_slice(FAKE_SECRET.as_bytes()).unwrap();
                mac.update(signing_input.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Signer::NoSignature => Vec::new(),
        };
        let mut token = format!("{signing_input}.{}", b64(&sig));
        if sc.tamper {
            let mut claims = sc.claims.clone();
            claims["email"] = json!("mallory@example.com");
            let parts: Vec<&str> = token.split('.').collect();
            token = format!(
                "{}.{}.{}",
                parts[0],
                b64(claims.to_string().as_bytes()),
                parts[2]
            );
        }
        token
    }
}

async fn fake_discovery(axum::extract::State(f): axum::extract::State<Fake>) -> axum::Json<Value> {
    axum::Json(json!({
        "issuer": f.base,
        "authorization_endpoint": format!("{}/authorize", f.base),
        "token_endpoint": format!("{}/token", f.base),
        "userinfo_endpoint": format!("{}/userinfo", f.base),
        "jwks_uri": format!("{}/jwks", f.base),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256", "HS256", "none"],
    }))
}

async fn fake_jwks(axum::extract::State(f): axum::extract::State<Fake>) -> axum::Json<Value> {
    axum::Json(f.jwks())
}

async fn fake_token(
    axum::extract::State(f): axum::extract::State<Fake>,
    headers: axum::http::HeaderMap,
    axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let bad = |e: &str| {
        (
            axum::http::StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": e})),
        )
            .into_response()
    };
    // The client authenticates (client_secret_basic).
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{FAKE_CLIENT}:{FAKE_SECRET}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return (
            axum::http::StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code")
        || form.get("code").map(String::as_str) != Some("the-code")
    {
        return bad("invalid_grant");
    }
    // PKCE: the verifier must hash to the challenge of the authorization request.
    let challenge = f.challenge.lock().unwrap().clone();
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let hashed =
        b64(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()).as_ref());
    if challenge.as_deref() != Some(hashed.as_str()) {
        return bad("invalid_grant");
    }
    let Some(sc) = f.scenario.lock().unwrap().clone() else {
        return bad("no scenario");
    };
    let mut body =
        json!({"access_token": "the-access-token", "token_type": "Bearer", "expires_in": 300});
    if !sc.no_id_token {
        body["id_token"] = json!(f.token(&sc));
    }
    axum::Json(body).into_response()
}

async fn fake_userinfo(
    axum::extract::State(f): axum::extract::State<Fake>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match f
        .scenario
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|s| s.userinfo.clone())
    {
        Some(v) => axum::Json(v).into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

async fn start_fake() -> Fake {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let keys = Keys {
        rsa: aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap(),
        rogue: aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap(),
        ec: aws_lc_rs::signature::EcdsaKeyPair::generate(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        )
        .unwrap(),
    };
    let fake = Fake {
        base,
        keys: Arc::new(keys),
        scenario: Arc::new(Mutex::new(None)),
        challenge: Arc::new(Mutex::new(None)),
    };
    let app = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            axum::routing::get(fake_discovery),
        )
        .route("/jwks", axum::routing::get(fake_jwks))
        .route("/token", axum::routing::post(fake_token))
        .route("/userinfo", axum::routing::get(fake_userinfo))
        .with_state(fake.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    fake
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Starts a login at our server and answers it with the scenario that `make` builds from the
/// nonce of the authorization request: the callback's response and the browser.
async fn fake_login(
    s: &TestServer,
    f: &Fake,
    make: impl FnOnce(&str, Value) -> Scenario,
) -> (reqwest::Response, Client) {
    let b = browser();
    let res = b.get(s.url("/auth/oidc/login")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let to = Url::parse(&location(&res)).unwrap();
    assert!(
        to.as_str().starts_with(&format!("{}/authorize?", f.base)),
        "{to}"
    );
    let q: std::collections::HashMap<_, _> = to.query_pairs().into_owned().collect();
    *f.challenge.lock().unwrap() = Some(q["code_challenge"].clone());
    let now = now_secs();
    let claims = json!({
        "iss": f.base, "sub": "fake-user-1", "aud": FAKE_CLIENT, "exp": now + 300, "iat": now,
        "nonce": q["nonce"], "email": "frank@example.com", "email_verified": true,
        "name": "Frank Fake",
    });
    *f.scenario.lock().unwrap() = Some(make(&q["nonce"], claims));
    let cb = format!(
        "{}?code=the-code&state={}",
        s.url("/auth/oidc/callback"),
        q["state"]
    );
    (b.get(cb).send().await.unwrap(), b)
}

fn scenario(claims: Value, signer: Signer) -> Scenario {
    Scenario {
        claims,
        signer,
        tamper: false,
        no_id_token: false,
        userinfo: None,
    }
}

async fn crafted_token_faults_are_refused(db: Db) {
    let s = TestServer::start(db).await;
    let f = start_fake().await;
    let admin = s.admin().await;
    configure(
        &admin,
        json!({"enabled": true, "issuer": f.base, "client_id": FAKE_CLIENT,
            "client_secret": FAKE_SECRET}),
    )
    .await;

    // The control: a correct RS256 token is accepted, and `amr: mfa` counts as a second factor.
    let (res, b) = fake_login(&s, &f, |_, mut c| {
        c["amr"] = json!(["pwd", "mfa"]);
        c["job_title"] = json!("Tester");
        scenario(c, Signer::Rsa)
    })
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let me = signed_in(&s, &b).get_json("/api/me").await;
    assert_eq!(me["user"]["email"], "frank@example.com");
    assert_eq!(me["user"]["job_title"], "Tester");
    assert_eq!(me["second_factor"], true);
    // ES256 is accepted as well; user info, where given, supplies the profile.
    let (res, b) = fake_login(&s, &f, |_, c| Scenario {
        userinfo: Some(json!({"sub": "fake-user-1", "email": "frank@example.com",
            "name": "Frank From Userinfo", "companyName": "Fake Co"})),
        ..scenario(c, Signer::Ec)
    })
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let me = signed_in(&s, &b).get_json("/api/me").await;
    assert_eq!(me["user"]["full_name"], "Frank From Userinfo");
    assert_eq!(me["user"]["company"], "Fake Co");
    assert_eq!(me["second_factor"], false);

    type Make = Box<dyn FnOnce(&str, Value) -> Scenario>;
    let now = now_secs();
    let cases: Vec<(&str, Make, StatusCode, &[&str])> = vec![
        (
            "wrong nonce",
            Box::new(|_, mut c| {
                c["nonce"] = json!("another-login's-nonce");
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_wrong_nonce"],
        ),
        (
            "no nonce",
            Box::new(|_, mut c| {
                c.as_object_mut().unwrap().remove("nonce");
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_wrong_nonce"],
        ),
        (
            "expired token",
            Box::new(move |_, mut c| {
                c["exp"] = json!(now - 60);
                c["iat"] = json!(now - 400);
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_token_expired"],
        ),
        (
            "issued in the future",
            Box::new(move |_, mut c| {
                c["iat"] = json!(now + 3600);
                c["exp"] = json!(now + 7200);
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_token_expired"],
        ),
        (
            "wrong audience",
            Box::new(|_, mut c| {
                c["aud"] = json!("another-client");
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_wrong_audience"],
        ),
        (
            "an untrusted second audience",
            Box::new(|_, mut c| {
                c["aud"] = json!([FAKE_CLIENT, "another-client"]);
                c["azp"] = json!(FAKE_CLIENT);
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_wrong_audience"],
        ),
        (
            "authorized party is another client",
            Box::new(|_, mut c| {
                c["azp"] = json!("another-client");
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_wrong_audience"],
        ),
        (
            "wrong issuer",
            Box::new(|_, mut c| {
                c["iss"] = json!("https://evil.example");
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_wrong_issuer"],
        ),
        (
            "unknown key",
            Box::new(|_, c| scenario(c, Signer::UnknownKey)),
            StatusCode::UNAUTHORIZED,
            &["oidc_unknown_key"],
        ),
        (
            "forged under a published key id",
            Box::new(|_, c| scenario(c, Signer::ForgedUnderKnownKid)),
            StatusCode::UNAUTHORIZED,
            &["oidc_invalid_signature"],
        ),
        (
            "payload changed after signing",
            Box::new(|_, c| Scenario {
                tamper: true,
                ..scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_invalid_signature"],
        ),
        (
            "HS256 keyed with the client secret",
            Box::new(|_, c| scenario(c, Signer::HmacWithClientSecret)),
            StatusCode::UNAUTHORIZED,
            &["oidc_invalid_signature"],
        ),
        (
            "alg none",
            Box::new(|_, c| scenario(c, Signer::NoSignature)),
            StatusCode::UNAUTHORIZED,
            &["oidc_invalid_signature", "oidc_invalid_token"],
        ),
        (
            "no ID token",
            Box::new(|_, c| Scenario {
                no_id_token: true,
                ..scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_no_id_token"],
        ),
        (
            "at_hash of another access token",
            Box::new(|_, mut c| {
                c["at_hash"] = json!("AAAAAAAAAAAAAAAAAAAAAA");
                scenario(c, Signer::Rsa)
            }),
            StatusCode::UNAUTHORIZED,
            &["oidc_invalid_token"],
        ),
        (
            "user info for another subject",
            Box::new(|_, c| Scenario {
                userinfo: Some(json!({"sub": "someone-else", "email": "mallory@example.com"})),
                ..scenario(c, Signer::Rsa)
            }),
            // User info that names another subject is ignored: the ID token's email is used.
            StatusCode::SEE_OTHER,
            &[],
        ),
    ];
    for (name, make, status, codes) in cases {
        let (res, b) = fake_login(&s, &f, make).await;
        let got = res.status();
        let body = res.text().await.unwrap();
        assert_eq!(got, status, "{name}: {body}");
        let api = signed_in(&s, &b);
        if status == StatusCode::SEE_OTHER {
            let me = api.get_json("/api/me").await;
            assert_eq!(me["user"]["email"], "frank@example.com", "{name}");
            continue;
        }
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{name}: {body}"));
        let code = v["error"]["code"].as_str().unwrap();
        assert!(codes.contains(&code), "{name}: {code} ({body})");
        assert!(
            !v["error"]["message"].as_str().unwrap().is_empty(),
            "{name}: a clear message"
        );
        assert_eq!(
            api.get("/api/me").await.status(),
            StatusCode::UNAUTHORIZED,
            "{name}: not signed in"
        );
    }
    s.stop().await;
}

/// A person's browser (it asks for HTML) gets a refused single sign-on as a page in its language
/// with a way back, not the JSON body; API clients still get JSON. The button's text is never
/// "Sign in with Sign in with ...", and a settings update that leaves the label out keeps it.
async fn refusals_are_pages_for_people_and_the_label_is_kept(db: Db) {
    let s = TestServer::start(db).await;
    let p = start_node_provider(&s.url("/auth/oidc/callback")).await;
    let admin = s.admin().await;
    let base = json!({"enabled": true, "issuer": p.issuer, "client_id": "assist",
        "client_secret": "assist-secret"});
    let page = |lang: &'static str| {
        let s = &s;
        async move {
            browser()
                .get(s.url("/signin"))
                .header("accept-language", lang)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    // No label: each page says it in its own words, once.
    configure(&admin, base.clone()).await;
    let en = page("en").await;
    assert!(en.contains(">Sign in with single sign-on<"), "{en}");
    assert!(!en.contains("Sign in with Sign in with"));
    assert!(!page("de").await.contains("single sign-on<"));
    // A label is the button's text as the administrator wrote it.
    let mut labelled = base.clone();
    labelled["button_label"] = json!("Sign in with Contoso");
    assert_eq!(
        configure(&admin, labelled).await["button_label"],
        "Sign in with Contoso"
    );
    assert!(page("en").await.contains(">Sign in with Contoso<"));
    // Left out: kept. Null: back to the default.
    assert_eq!(
        configure(&admin, base.clone()).await["button_label"],
        "Sign in with Contoso"
    );
    let mut reset = base.clone();
    reset["button_label"] = Value::Null;
    configure(&admin, reset).await;
    assert!(page("en").await.contains(">Sign in with single sign-on<"));

    // A response whose state this browser did not start: a page in German for a browser...
    let b = browser();
    let cb = through_provider(&s, &b, "alice").await;
    let res = browser()
        .get(&cb)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("lang=\"de\""), "{html}");
    assert!(html.contains("href=\"/\""), "a way back: {html}");
    assert!(!html.contains("oidc_invalid_state"), "{html}");
    // ...and the JSON error for an API client.
    expect_error(
        callback(&s, &browser(), &cb).await,
        StatusCode::UNAUTHORIZED,
        "oidc_invalid_state",
    )
    .await;
    // Cancelled at the provider: the page says so.
    let res = b
        .get(format!("{cb}&error=access_denied"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("cancelled or refused at your identity provider"),
        "{html}"
    );
    // Signing in from a page (the sharer's link) comes back to it, code and all; a `next` off
    // this site is refused for `/`.
    for (next, back) in [
        ("/rh?passcode=abcd2345", "/rh?passcode=abcd2345"),
        ("//evil.example/x", "/"),
    ] {
        let html = browser()
            .get(s.url(&format!(
                "/signin?next={}",
                assist_server::web::url_encode(next)
            )))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let at = html.find("href=\"/auth/oidc/login").expect("the button") + "href=\"".len();
        let href = html[at..at + html[at..].find('"').unwrap()].replace("&amp;", "&");
        let b = browser();
        let cb = through_provider_from(&s, &b, &s.url(&href), "alice").await;
        let res = callback(&s, &b, &cb).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], back, "{href}");
    }
    let alice = {
        let b = browser();
        let cb = through_provider(&s, &b, "alice").await;
        assert_eq!(callback(&s, &b, &cb).await.status(), StatusCode::SEE_OTHER);
        signed_in(&s, &b).get_json("/api/me").await["user"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // Each refusal a person can meet is a sentence in a page with a way back: a domain that
    // is not allowed, a disabled account.
    let mut only_example = base.clone();
    only_example["allowed_domains"] = json!(["example.com"]);
    configure(&admin, only_example).await;
    let res = admin
        .patch(&format!("/api/users/{alice}"), json!({"disabled": true}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    for (login, status, says) in [
        ("carol", StatusCode::FORBIDDEN, "may not sign in here"),
        ("alice", StatusCode::FORBIDDEN, "Your account is turned off"),
    ] {
        let b = browser();
        let cb = through_provider(&s, &b, login).await;
        let res = b
            .get(&cb)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{login}");
        let html = res.text().await.unwrap();
        assert!(html.contains(says), "{login}: {html}");
        assert!(html.contains("href=\"/\""), "a way back: {html}");
        assert!(!html.contains("\"error\""), "no JSON: {html}");
    }

    // Single sign-on turned off: starting it is a page too.
    let mut off = base.clone();
    off["enabled"] = json!(false);
    configure(&admin, off).await;
    let res = browser()
        .get(s.url("/auth/oidc/login"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("Single sign-on did not work"), "{html}");
    // Not "try again": it cannot work until an administrator sets it up.
    assert!(
        html.contains("Single sign-on is not set up for this organisation"),
        "{html}"
    );
    assert!(!html.contains("Try again"), "{html}");
}
