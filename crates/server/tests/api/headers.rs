//! Answers that carry secrets are never stored by caches; HSTS where the server is reached over
//! TLS; a browser's cookie works only from the server's own origin, scheme included, for REST
//! changes and for the live socket's upgrade. Every answer carries its request's id, and every
//! error body the same id.

use crate::both;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;

both!(
    secret_answers_are_not_stored,
    cookies_work_only_from_the_own_origin,
    error_bodies_carry_the_request_id_of_the_header
);

/// The sign-in cookie of the administrator, as `name=value`.
async fn admin_cookie(s: &TestServer) -> String {
    let res = reqwest::Client::new()
        .post(s.url("/api/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    set.split(';').next().unwrap().to_owned()
}

async fn secret_answers_are_not_stored(db: Db) {
    let s = TestServer::start(db).await;
    let res = s
        .client()
        .post(
            "/api/auth/login",
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let admin = s.admin().await;
    let token = admin
        .post(
            "/api/tokens",
            json!({"name": "script", "expires_in_days": 7}),
        )
        .await;
    assert_eq!(token.status(), StatusCode::CREATED);
    assert_eq!(token.headers()["cache-control"], "no-store");
    let enrollment = admin.post("/api/enrollment-tokens", json!({})).await;
    assert_eq!(enrollment.headers()["cache-control"], "no-store");
    assert_eq!(
        admin.get("/api/me").await.headers()["cache-control"],
        "no-store"
    );
    // Plain HTTP: no HSTS (it would be ignored, and the server may sit behind a proxy).
    assert!(
        admin
            .get("/api/me")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
    s.stop().await;

    // Reached over TLS (here: a public https address in front): HSTS on every answer.
    let s = TestServer::start_with(db, |c| {
        c.public_url = Some("https://help.example.com".into())
    })
    .await;
    let res = s.client().get("/healthz").await;
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    s.stop().await;
}

async fn cookies_work_only_from_the_own_origin(db: Db) {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let s = TestServer::start(db).await;
    let cookie = admin_cookie(&s).await;
    let own = s.base.clone();
    let http = reqwest::Client::new();
    let change = |origin: &str| {
        http.post(s.url("/api/groups"))
            .header("cookie", &cookie)
            .header("origin", origin)
            .json(&json!({"name": format!("group from {origin}")}))
            .send()
    };
    // The same host with another scheme is another origin.
    let other_scheme = own.replace("http://", "https://");
    expect_error(
        change(&other_scheme).await.unwrap(),
        StatusCode::FORBIDDEN,
        "cross_site_request",
    )
    .await;
    expect_error(
        change("http://evil.example").await.unwrap(),
        StatusCode::FORBIDDEN,
        "cross_site_request",
    )
    .await;
    assert_eq!(change(&own).await.unwrap().status(), StatusCode::CREATED);

    // The live socket: a page of another origin cannot open it with the cookie.
    let upgrade = |origin: String| {
        let url = format!(
            "{}/ws/sessions/{}",
            own.replace("http://", "ws://"),
            "0123456789abcdef0123456789abcdef"
        );
        let mut req = url.into_client_request().unwrap();
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        req.headers_mut().insert("origin", origin.parse().unwrap());
        async move {
            match tokio_tungstenite::connect_async(req).await {
                Ok(_) => 101,
                Err(tokio_tungstenite::tungstenite::Error::Http(res)) => res.status().as_u16(),
                Err(e) => panic!("websocket: {e}"),
            }
        }
    };
    assert_eq!(upgrade("http://evil.example".into()).await, 403);
    assert_eq!(upgrade(other_scheme.clone()).await, 403);
    // From the own origin it gets as far as the session (which does not exist).
    assert_eq!(upgrade(own.clone()).await, 404);
    s.stop().await;
}

/// A live-socket message over `MAX_CLIENT_MESSAGE_BYTES` closes the socket with the
/// `message_too_large` error and a close frame 1009, as `docs/protocol.md` describes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_live_message_is_refused_with_its_reason() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let w = crate::sessions::world(Db::Sqlite).await;
    let (id, _code) = crate::sessions::create(&w.helper).await;
    let token = w.helper.with_token().await;
    let mut live = Live::connect(&token, &id).await;
    live.expect("hello", 3.0).await;
    let big = "x".repeat(assist_proto::wire::MAX_CLIENT_MESSAGE_BYTES + 1);
    live.ws
        .send(Message::text(
            json!({"type": "chat", "text": big}).to_string(),
        ))
        .await
        .unwrap();
    let error = live.expect("error", 5.0).await;
    assert_eq!(error["error"]["code"], "message_too_large");
    let close = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            match live.ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("the socket closes");
    assert_eq!(close, Some(1009));
}

/// The `x-request-id` of an answer.
fn request_id(res: &reqwest::Response) -> String {
    res.headers()
        .get("x-request-id")
        .expect("every answer has an x-request-id")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn error_bodies_carry_the_request_id_of_the_header(db: Db) {
    let s = TestServer::start(db).await;
    let http = reqwest::Client::new();

    // An error of a handler (404 of an unknown path), of the method check (405), and of an
    // extractor (401 without credentials): the body's id is the header's.
    let mut seen = Vec::new();
    for (method, path, status, code) in [
        (
            "GET",
            "/api/no-such-thing",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "DELETE",
            "/healthz",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "GET",
            "/api/me",
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
    ] {
        let res = http
            .request(method.parse().unwrap(), s.url(path))
            .send()
            .await
            .unwrap();
        let id = request_id(&res);
        let body = expect_error(res, status, code).await;
        assert_eq!(body["error"]["request_id"], id.as_str(), "{method} {path}");
        assert!(!id.is_empty() && id.len() <= 64, "{id:?}");
        seen.push(id);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3, "each request has an id of its own");

    // A sane id from the client (or its load balancer) is kept, in the header and the body.
    let res = http
        .get(s.url("/api/no-such-thing"))
        .header("x-request-id", "lb-7f3a.42:1")
        .send()
        .await
        .unwrap();
    assert_eq!(request_id(&res), "lb-7f3a.42:1");
    let body = expect_error(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(body["error"]["request_id"], "lb-7f3a.42:1");

    // One that is too long or carries other characters is replaced by a fresh one.
    for insane in ["x".repeat(65), "a b".to_owned(), "<script>".to_owned()] {
        let res = http
            .get(s.url("/api/no-such-thing"))
            .header("x-request-id", insane.as_str())
            .send()
            .await
            .unwrap();
        let id = request_id(&res);
        assert_ne!(id, insane);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id:?}");
        let body = expect_error(res, StatusCode::NOT_FOUND, "not_found").await;
        assert_eq!(body["error"]["request_id"], id.as_str());
    }

    // A request with a body read by the server before its handler: a malformed one.
    let admin = s.admin().await;
    let res = admin
        .raw(
            "POST",
            "/api/users",
            "application/json",
            b"{not json".to_vec(),
        )
        .await;
    let id = request_id(&res);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], id.as_str(), "{body}");

    // Success carries the header too.
    let res = http.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!request_id(&res).is_empty());
    s.stop().await;
}
