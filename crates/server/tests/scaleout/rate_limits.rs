//! Rate limits hold across nodes: failures counted on one node block on the other, and
//! attempts sent to both nodes at once are reserved one by one in the shared table.

use crate::lifecycle::world;
use crate::nodes::{Database, Node};
use reqwest::StatusCode;
use serde_json::json;

/// `limits::CODE_GUESSES_PER_ACCOUNT`.
const CODE_GUESSES: usize = 5;
/// `limits::LOGIN_FAILURES_PER_ACCOUNT`.
const LOGIN_FAILURES: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_spread_over_two_nodes_hit_one_limit() {
    assert_eq!(
        CODE_GUESSES,
        assist_server::limits::CODE_GUESSES_PER_ACCOUNT as usize
    );
    assert_eq!(
        LOGIN_FAILURES,
        assist_server::limits::LOGIN_FAILURES_PER_ACCOUNT as usize
    );
    let db = Database::create().await;
    let a = Node::start(&db, &[]).await;
    let b = Node::start(&db, &[]).await;
    world(&a).await;
    let helper = a.sign_in("helen@example.com", "password-12345").await;
    let res = helper.post("/api/sessions", json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let code = res.json::<serde_json::Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();

    // Wrong codes, alternating between the nodes: the limit counts them all.
    let on = [
        a.sign_in("sam@other.org", "password-12345").await,
        b.sign_in("sam@other.org", "password-12345").await,
    ];
    for n in 0..CODE_GUESSES {
        let res = on[n % 2]
            .post("/api/sessions/join", json!({"code": "zzzz zzzz"}))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "guess {n}");
    }
    for api in &on {
        // Even the right code is refused now, on either node.
        let res = api.post("/api/sessions/join", json!({"code": code})).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(res.headers().contains_key("retry-after"));
    }

    // Failed sign-ins of one account, alternating between the nodes.
    for n in 0..LOGIN_FAILURES {
        let node = if n % 2 == 0 { &a } else { &b };
        let res = node
            .client()
            .post(
                "/api/auth/login",
                json!({"email": "helen@example.com", "password": "wrong-password-1"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    for node in [&a, &b] {
        let res = node
            .client()
            .post(
                "/api/auth/login",
                json!({"email": "helen@example.com", "password": "password-12345"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    drop((a, b));
    db.drop_db().await;
}

/// Sends `n` requests at once, alternating between the two nodes' clients, and counts the
/// answers by status.
async fn all_at_once(
    on: &[crate::common::Api; 2],
    n: usize,
    path: &'static str,
    body: impl Fn(usize) -> serde_json::Value,
) -> std::collections::BTreeMap<u16, usize> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (api, body) = (on[i % 2].clone(), body(i));
            tokio::spawn(async move { api.post(path, body).await.status().as_u16() })
        })
        .collect();
    let mut counts = std::collections::BTreeMap::new();
    for t in tasks {
        *counts.entry(t.await.unwrap()).or_default() += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_guesses_on_two_nodes_stop_at_the_limit() {
    let db = Database::create().await;
    let a = Node::start(&db, &[]).await;
    let b = Node::start(&db, &[]).await;
    world(&a).await;

    // 100 wrong passwords for one account at once, half on each node: exactly the limit is
    // checked, the rest are refused before their password is.
    let on = [a.client(), b.client()];
    let counts = all_at_once(
        &on,
        100,
        "/api/auth/login",
        |i| json!({"email": "helen@example.com", "password": format!("wrong-password-{i}")}),
    )
    .await;
    assert_eq!(counts.get(&401), Some(&LOGIN_FAILURES), "{counts:?}");
    assert_eq!(
        counts.get(&429),
        Some(&(100 - LOGIN_FAILURES)),
        "{counts:?}"
    );

    // 100 wrong security codes from one account at once, half on each node.
    let on = [
        a.sign_in("sam@other.org", "password-12345").await,
        b.sign_in("sam@other.org", "password-12345").await,
    ];
    let counts = all_at_once(
        &on,
        100,
        "/api/sessions/join",
        |i| json!({"code": format!("zzzz z{}", ["aaa", "bbb", "ccc", "ddd"][i % 4])}),
    )
    .await;
    assert_eq!(counts.get(&404), Some(&CODE_GUESSES), "{counts:?}");
    assert_eq!(counts.get(&429), Some(&(100 - CODE_GUESSES)), "{counts:?}");
    drop((a, b));
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_bus_stops_start_up_with_a_clear_error() {
    let db = Database::create().await;
    let out = tokio::process::Command::new(crate::nodes::assist_bin())
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--tls", "off"])
        .arg("--data")
        .arg(tempfile::tempdir().unwrap().path())
        .args(["--database", &db.url])
        // Port 9 (discard) on loopback: nothing listens there.
        .args(["--bus", "nats://127.0.0.1:9"])
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(30), out)
        .await
        .expect("start-up gives up in time")
        .expect("assist runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach the NATS bus"), "{err}");
    db.drop_db().await;
}
