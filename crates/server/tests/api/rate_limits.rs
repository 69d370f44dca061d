//! Rate limits under concurrency, lockouts that are not a free denial of service, and the client
//! address behind a proxy (`docs/access.md`, "Attempt limits and lockouts").

use crate::both;
use crate::common::*;
use assist_server::limits::{
    CODE_GUESSES_PER_ACCOUNT, LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS,
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::net::IpAddr;

both!(
    concurrent_wrong_passwords_stop_at_the_limit,
    concurrent_wrong_codes_stop_at_the_limit,
    a_right_password_gives_its_attempt_back,
    strangers_cannot_lock_out_a_known_address,
    the_proxy_added_address_is_the_client
);

/// A client whose connections come from `ip` (any 127.x.y.z works on loopback).
fn client_from(s: &TestServer, ip: &str) -> Api {
    let ip: IpAddr = ip.parse().unwrap();
    Api {
        base: s.base.clone(),
        http: Client::builder()
            .cookie_store(true)
            .local_address(ip)
            .build()
            .unwrap(),
        bearer: None,
    }
}

async fn login(api: &Api, email: &str, password: &str) -> reqwest::Response {
    api.post(
        "/api/auth/login",
        json!({"email": email, "password": password}),
    )
    .await
}

/// Sends all `requests` at once over `clients` (each its own connection pool), and counts the
/// answers by status.
async fn all_at_once<F, Fut>(n: usize, send: F) -> std::collections::BTreeMap<u16, usize>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(send(i))).collect();
    let mut counts = std::collections::BTreeMap::new();
    for t in tasks {
        *counts.entry(t.await.unwrap().as_u16()).or_default() += 1;
    }
    counts
}

/// 100 wrong passwords for one account, all at once over ten connections: exactly the limit is
/// evaluated (401), every other attempt is refused before its password is checked (429).
async fn concurrent_wrong_passwords_stop_at_the_limit(db: Db) {
    let s = TestServer::start(db).await;
    let clients: Vec<Api> = (0..10).map(|_| s.client()).collect();
    let counts = all_at_once(100, |i| {
        let c = clients[i % clients.len()].clone();
        async move {
            login(&c, ADMIN_EMAIL, &format!("wrong-password-{i}"))
                .await
                .status()
        }
    })
    .await;
    let limit = LOGIN_FAILURES_PER_ACCOUNT as usize;
    assert_eq!(counts.get(&401), Some(&limit), "evaluated: {counts:?}");
    assert_eq!(counts.get(&429), Some(&(100 - limit)), "{counts:?}");
    s.stop().await;
}

/// 100 wrong security codes from one account, all at once: exactly the limit is looked up.
async fn concurrent_wrong_codes_stop_at_the_limit(db: Db) {
    let w = crate::sessions::world(db).await;
    let (_, code) = crate::sessions::create(&w.helper).await;
    let counts = all_at_once(100, |i| {
        let c = w.sharer.clone();
        // Distinct wrong codes of the right shape (the alphabet has no 0, 1, i, l, o).
        let guess = format!("zzzz z{}", ["aaa", "bbb", "ccc", "ddd"][i % 4]);
        async move {
            c.post("/api/sessions/join", json!({"code": guess}))
                .await
                .status()
        }
    })
    .await;
    let limit = CODE_GUESSES_PER_ACCOUNT as usize;
    assert_eq!(counts.get(&404), Some(&limit), "looked up: {counts:?}");
    assert_eq!(counts.get(&429), Some(&(100 - limit)), "{counts:?}");
    // Even the right code waits now (the account has used its guesses).
    let res = w
        .sharer
        .post("/api/sessions/join", json!({"code": code}))
        .await;
    assert!(res.headers().contains_key("retry-after"));
    expect_error(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    w.s.stop().await;
}

/// A correct sign-in does not count against the limit; the failures stay counted.
async fn a_right_password_gives_its_attempt_back(db: Db) {
    let s = TestServer::start(db).await;
    let limit = LOGIN_FAILURES_PER_ACCOUNT as usize;
    // Each attempt from a different address, none of them known for the account.
    let mut host = 2;
    let mut from = || {
        host += 1;
        client_from(&s, &format!("127.0.1.{host}"))
    };
    for n in 0..limit - 1 {
        let res = login(&from(), ADMIN_EMAIL, "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    // The last free attempt is used by a right password, twice: it is given back each time.
    for _ in 0..2 {
        let res = login(&from(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = login(&from(), ADMIN_EMAIL, "wrong-password").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A success does not wipe the failures either: the account is now paused for new addresses.
    let res = login(&from(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    s.stop().await;
}

/// Ten wrong passwords from ten addresses pause the account for addresses it never signed in
/// from, not for the address its owner signed in from before. There, guessing has its own limit.
/// Refusals are audited.
async fn strangers_cannot_lock_out_a_known_address(db: Db) {
    let s = TestServer::start(db).await;
    let owner = client_from(&s, "127.0.0.1");
    assert_eq!(
        login(&owner, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );
    let limit = LOGIN_FAILURES_PER_ACCOUNT as usize;
    for n in 0..limit {
        let stranger = client_from(&s, &format!("127.0.2.{}", n + 1));
        let res = login(&stranger, ADMIN_EMAIL, "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    // A stranger is refused even with the right password, and told how long to wait.
    let stranger = client_from(&s, "127.0.2.200");
    let res = login(&stranger, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= assist_server::limits::LOGIN_WINDOW_SECS);
    let body = expect_error(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{wait} s")),
        "{body}"
    );
    // The owner, from the address they signed in from before, is not.
    let again = client_from(&s, "127.0.0.1");
    assert_eq!(
        login(&again, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );
    // Guessing from the known address is limited too, on its own counter.
    for n in 0..limit {
        let res = login(&again, ADMIN_EMAIL, "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let res = login(&again, ADMIN_EMAIL, "wrong-password").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // The refusals are in the audit log, with the account and the address.
    let refused = owner
        .get_json("/api/audit?action=rate_limit.refused&limit=50")
        .await;
    let items = refused["items"].as_array().unwrap();
    let stranger_entry = items
        .iter()
        .find(|e| e["address"] == "127.0.2.200")
        .unwrap_or_else(|| panic!("the stranger's refusal is audited: {refused}"));
    assert_eq!(stranger_entry["actor"], ADMIN_EMAIL);
    assert_eq!(stranger_entry["detail"]["limit"], "sign_in_account");
    assert!(
        stranger_entry["detail"]["retry_after_secs"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        items.iter().any(|e| e["address"] == "127.0.0.1"
            && e["detail"]["limit"] == "sign_in_account_known_address"),
        "{refused}"
    );
    s.stop().await;
}

/// Behind a proxy that appends to `X-Forwarded-For` (in a line of its own, as HAProxy does, or
/// at the end of the client's line), the client address is the one the proxy added: the limits
/// and the audit log use it, whatever the client wrote in front of it.
async fn the_proxy_added_address_is_the_client(db: Db) {
    let s = TestServer::start_with(db, |c| c.trust_forwarded_for = true).await;
    let admin = s.admin().await;
    let http = Client::new();
    let attempt = |forged: String, email: String| {
        http.post(s.url("/api/auth/login"))
            .header("x-forwarded-for", forged)
            .header("x-forwarded-for", "198.51.100.7")
            .json(&json!({"email": email, "password": "wrong-password"}))
            .send()
    };
    // Every attempt forges another address in front and names another account: the limit of
    // the real address still holds.
    let per_address = LOGIN_FAILURES_PER_ADDRESS as usize;
    for n in 0..per_address {
        let res = attempt(format!("203.0.113.{n}"), format!("nobody{n}@example.com"))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let res = attempt("192.0.2.1".into(), "someone@example.com".into())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let last_failed = |admin: Api| async move {
        let v: Value = admin
            .get_json("/api/audit?action=auth.sign_in_failed&limit=1")
            .await;
        v["items"][0]["address"].clone()
    };
    assert_eq!(last_failed(admin.clone()).await, "198.51.100.7");

    // One line: the rightmost entry. A malformed one falls back to the peer address.
    for (header, seen) in [
        ("203.0.113.5, 198.51.100.8", "198.51.100.8"),
        ("203.0.113.5, [2001:db8::7]:4711", "2001:db8::7"),
        ("198.51.100.9, not-an-address", "127.0.0.1"),
    ] {
        let res = http
            .post(s.url("/api/auth/login"))
            .header("x-forwarded-for", header)
            .json(&json!({"email": "x@example.com", "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{header}");
        assert_eq!(last_failed(admin.clone()).await, seen, "{header}");
    }
    s.stop().await;
}
