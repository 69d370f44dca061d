//! Malformed and hostile requests to every documented endpoint, signed in and not: never a 500,
//! always a JSON error with a code.

use crate::common::*;
use crate::openapi::documented;
use reqwest::StatusCode;

fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    let long = "x".repeat(100_000);
    vec![
        ("application/json", b"{".to_vec()),
        ("application/json", b"[]".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", b"\"string\"".to_vec()),
        (
            "application/json",
            b"{\"email\": 5, \"name\": [], \"permissions\": {}, \"role_id\": null}".to_vec(),
        ),
        (
            "application/json",
            br#"{"unexpected_field": true}"#.to_vec(),
        ),
        (
            "application/json",
            format!("{{\"name\": \"{long}\", \"email\": \"{long}@x.y\"}}").into_bytes(),
        ),
        (
            "application/json",
            br#"{"name": "a\u0000b", "email": "a@b.c", "full_name": "\u202e"}"#.to_vec(),
        ),
        (
            "application/json",
            br#"{"name": "<script>alert(1)</script>", "domain": "../../etc", "limit": -1}"#
                .to_vec(),
        ),
        ("application/json", vec![0xff, 0xfe, 0x00, 0x01]),
        ("application/json", vec![b' '; 200 * 1024]),
        ("text/plain", b"hello".to_vec()),
        (
            "application/x-www-form-urlencoded",
            b"email=a&password=b".to_vec(),
        ),
    ]
}

fn hostile_ids() -> Vec<String> {
    vec![
        "0".repeat(32),
        "..%2F..%2Fetc%2Fpasswd".into(),
        "%00".into(),
        "x".repeat(5000),
        "' OR 1=1 --".replace(' ', "%20"),
    ]
}

async fn check(s: &TestServer, api: &Api, label: &str) {
    // No connection reuse: a connection the server closed after refusing a body is not retried.
    let api = &Api {
        http: reqwest::Client::builder()
            .cookie_store(true)
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        ..api.clone()
    };
    let doc = api.get_json("/api/openapi.json").await;
    for (method, path) in documented(&doc) {
        for id in hostile_ids() {
            let p = path.replace("{id}", &id).replace("{user_id}", &id);
            for (ct, body) in bodies() {
                let sent = api
                    .http
                    .request(method.parse().unwrap(), format!("{}{p}", api.base))
                    .header("content-type", ct)
                    .body(body.clone())
                    .send()
                    .await;
                let res = match sent {
                    Ok(res) => res,
                    // The server may answer 413 and close before an oversized body is all sent.
                    Err(_) if body.len() > 64 * 1024 => continue,
                    Err(e) => panic!("{label}: {method} {p} ({ct}, {} bytes): {e:?}", body.len()),
                };
                let status = res.status();
                assert_ne!(
                    status,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "{label}: {method} {p} with {ct} answered 500"
                );
                if !status.is_success() {
                    let text = res.text().await.unwrap();
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|_| {
                        panic!("{label}: {method} {p} ({status}) answered non-JSON: {text:.200}")
                    });
                    assert!(v["error"]["code"].is_string(), "{label}: {method} {p}: {v}");
                }
            }
        }
    }
    // Query strings with wrong types.
    for q in [
        "?limit=abc",
        "?limit=-5",
        "?offset=99999999999999999999",
        "?from=x&to=y",
        "?limit=100000",
    ] {
        for p in ["/api/users", "/api/audit"] {
            let res = api.get(&format!("{p}{q}")).await;
            assert_ne!(
                res.status(),
                StatusCode::INTERNAL_SERVER_ERROR,
                "{label}: GET {p}{q}"
            );
        }
    }
    let _ = s;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_makes_a_500() {
    let s = TestServer::start(Db::Sqlite).await;
    check(&s, &s.client(), "anonymous").await;
    let admin = s.admin().await;
    let token: serde_json::Value = admin
        .post("/api/tokens", serde_json::json!({"name": "hostile"}))
        .await
        .json()
        .await
        .unwrap();
    let as_admin = Api {
        bearer: token["token"].as_str().map(str::to_owned),
        ..s.client()
    };
    check(&s, &as_admin, "administrator").await;
    // Still healthy, and the administrator still signs in.
    assert_eq!(s.client().get_json("/healthz").await["status"], "ok");
    assert_eq!(
        s.admin().await.get_json("/api/me").await["user"]["email"],
        ADMIN_EMAIL
    );
    s.stop().await;
}

/// A client that sends a request's head slowly (never finishing it) is closed once
/// `HTTP_HEADER_READ_TIMEOUT_SECS` have passed, not held open for ever; a client that finishes
/// its head is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_request_heads_are_cut_off() {
    use assist_server::limits::HTTP_HEADER_READ_TIMEOUT_SECS;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start(Db::Sqlite).await;
    let addr = s.base.trim_start_matches("http://").to_owned();

    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // One more header line now and then, never the blank line that ends the head.
    let trickle = async {
        for i in 0.. {
            tokio::time::sleep(Duration::from_secs(2)).await;
            if slow
                .write_all(format!("X-Slow-{i}: y\r\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
    };
    let limit = Duration::from_secs(HTTP_HEADER_READ_TIMEOUT_SECS + 10);
    let _ = tokio::time::timeout(limit, trickle).await;
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    let took = started.elapsed();
    assert!(
        closed.is_ok() && took < limit,
        "the slow client was still connected after {took:?}"
    );
    assert!(
        took >= Duration::from_secs(HTTP_HEADER_READ_TIMEOUT_SECS - 1),
        "closed after {took:?}, before the limit"
    );

    let mut quick = tokio::net::TcpStream::connect(&addr).await.unwrap();
    quick
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    quick.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    s.stop().await;
}
