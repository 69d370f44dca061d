//! Changes of rights reach open sockets and sessions: disabling a person, removing a helper's
//! role, signing out and changing a password act on live connections within two seconds.

use crate::both;
use crate::common::*;
use crate::sessions::{World, create, world};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

both!(
    disabling_a_sharer_closes_their_socket_and_ends_the_session,
    removing_the_helpers_role_ends_their_session,
    signing_out_closes_the_sockets_of_that_sign_in,
    a_password_change_ends_the_other_sign_ins
);

/// How long a change may take to reach an open socket.
const WITHIN_SECS: f64 = 2.0;

/// The close code of a revoked connection.
const CLOSE_REVOKED: u16 = 4403;

/// Waits for the socket to be closed by the server: the `access_revoked` error it sends first,
/// then the close frame's code.
async fn closed_for_revocation(live: &mut Live, secs: f64) -> (Value, u16) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs_f64(secs);
    let mut error = Value::Null;
    loop {
        let next = tokio::time::timeout_at(deadline, live.ws.next())
            .await
            .unwrap_or_else(|_| panic!("the socket was not closed within {secs} s"));
        match next {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == "error" {
                    error = v;
                }
            }
            Some(Ok(Message::Close(frame))) => {
                let code = frame.map(|f| u16::from(f.code)).unwrap_or(0);
                return (error, code);
            }
            Some(Ok(_)) => {}
            other => panic!("socket ended without a close frame: {other:?}"),
        }
    }
}

/// A session joined by the sharer, both sides on live sockets opened with API tokens.
async fn joined(w: &World) -> (String, Live, Live) {
    let (id, code) = create(&w.helper).await;
    let res = w
        .sharer
        .post("/api/sessions/join", json!({"code": code}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut hl = Live::connect(&w.helper.with_token().await, &id).await;
    hl.expect("hello", 3.0).await;
    let mut sl = Live::connect(&w.sharer.with_token().await, &id).await;
    sl.expect("hello", 3.0).await;
    hl.expect_where("presence", 3.0, |v| {
        v["role"] == "sharer" && v["status"] == "online"
    })
    .await;
    (id, hl, sl)
}

/// Signs in without a cookie jar and returns the sign-in cookie (`assist_session=...`).
async fn sign_in_cookie(s: &TestServer, email: &str, password: &str) -> String {
    let res = reqwest::Client::new()
        .post(s.url("/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let set = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("assist_session="))
        .expect("a sign-in cookie");
    set.split(';').next().unwrap().to_owned()
}

/// A live socket opened with a sign-in cookie, as the web app's.
async fn connect_with_cookie(s: &TestServer, cookie: &str, id: &str) -> Live {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!("{}/ws/sessions/{id}", s.base.replace("http://", "ws://"));
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let mut live = Live::new(ws);
    live.expect("hello", 3.0).await;
    live
}

/// `GET /api/me` with a cookie: the status.
async fn me_with_cookie(s: &TestServer, cookie: &str) -> StatusCode {
    reqwest::Client::new()
        .get(s.url("/api/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
}

/// A socket the server still serves: a ping is answered.
async fn still_open(live: &mut Live) {
    live.send(json!({"type": "ping"})).await;
    live.expect("pong", 3.0).await;
}

/// A disabled sharer can neither chat on the socket they had open nor keep the session: the socket
/// closes with a reason, the helper sees the session end (`access_revoked`), and their API tokens
/// stay dead after the account is enabled again.
async fn disabling_a_sharer_closes_their_socket_and_ends_the_session(db: Db) {
    let w = world(db).await;
    let (id, mut hl, mut sl) = joined(&w).await;
    let token = w.sharer.with_token().await;
    assert_eq!(token.get("/api/me").await.status(), StatusCode::OK);

    let res = w
        .admin
        .patch(
            &format!("/api/users/{}", w.sharer_id),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (error, code) = closed_for_revocation(&mut sl, WITHIN_SECS).await;
    assert_eq!(error["error"]["code"], "access_revoked", "{error}");
    assert_eq!(code, CLOSE_REVOKED);
    let ended = hl
        .expect_where("state", WITHIN_SECS, |v| v["session"]["state"] == "ended")
        .await;
    assert_eq!(ended["session"]["end_reason"], "access_revoked");
    let report = w.helper.get_json(&format!("/api/sessions/{id}")).await;
    assert_eq!(report["end_reason"], "access_revoked");

    // Enabled again: the tokens and sign-ins of before stay dead until new ones are issued.
    let res = w
        .admin
        .patch(
            &format!("/api/users/{}", w.sharer_id),
            json!({"disabled": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        token.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.sharer.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "the sign-in cookie ended too"
    );
    assert_eq!(
        Live::try_connect(&token, &id).await.err(),
        Some(401),
        "no socket with a revoked token"
    );
    let again = w.s.sign_in("sam@other.org", "password-12345").await;
    assert_eq!(
        again.with_token().await.get("/api/me").await.status(),
        StatusCode::OK
    );
    hl.close().await;
}

/// A helper whose only role is removed loses the session they were running.
async fn removing_the_helpers_role_ends_their_session(db: Db) {
    let w = world(db).await;
    let (id, mut hl, mut sl) = joined(&w).await;
    let res = w
        .helper
        .post(
            &format!("/api/sessions/{id}/request"),
            json!({"mode": "view"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = w
        .sharer
        .post(
            &format!("/api/sessions/{id}/consent"),
            json!({"allow": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    sl.expect_where("state", 3.0, |v| v["session"]["state"] == "active")
        .await;

    let assignments = w.admin.get_json("/api/role-assignments").await;
    let aid = assignments
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user_id"] == w.helper_id.as_str())
        .expect("the helper's assignment")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = w
        .admin
        .delete(&format!("/api/role-assignments/{aid}"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let (error, code) = closed_for_revocation(&mut hl, WITHIN_SECS).await;
    assert_eq!(error["error"]["code"], "access_revoked", "{error}");
    assert_eq!(code, CLOSE_REVOKED);
    let ended = sl
        .expect_where("state", WITHIN_SECS, |v| v["session"]["state"] == "ended")
        .await;
    assert_eq!(ended["session"]["end_reason"], "access_revoked");
    sl.close().await;
}

/// Signing out closes the sockets opened with that sign-in, not those of another sign-in or of
/// an API token.
async fn signing_out_closes_the_sockets_of_that_sign_in(db: Db) {
    let w = world(db).await;
    let (id, _hl, _sl) = joined(&w).await;
    let cookie = sign_in_cookie(&w.s, "helen@example.com", "password-12345").await;
    let other = sign_in_cookie(&w.s, "helen@example.com", "password-12345").await;
    // The web app's socket takes over from the helper's token socket.
    let mut web = connect_with_cookie(&w.s, &cookie, &id).await;
    still_open(&mut web).await;

    let logout = |c: String| {
        let url = w.s.url("/api/auth/logout");
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .header("cookie", c)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::NO_CONTENT);
        }
    };
    logout(other.clone()).await;
    assert_eq!(me_with_cookie(&w.s, &other).await, StatusCode::UNAUTHORIZED);
    still_open(&mut web).await;

    logout(cookie.clone()).await;
    let (error, code) = closed_for_revocation(&mut web, WITHIN_SECS).await;
    assert_eq!(error["error"]["code"], "access_revoked", "{error}");
    assert_eq!(code, CLOSE_REVOKED);
    assert_eq!(
        me_with_cookie(&w.s, &cookie).await,
        StatusCode::UNAUTHORIZED
    );
}

/// A password reset by an administrator ends the person's sign-ins, revokes their API tokens
/// (an agent's sign-in is one) and closes every socket opened with them; the administrator who
/// set it keeps their own sign-in, and the session goes on for the person to come back to.
async fn a_password_change_ends_the_other_sign_ins(db: Db) {
    let w = world(db).await;
    let (id, _hl, _sl) = joined(&w).await;
    let token = w.sharer.with_token().await;
    assert_eq!(token.get("/api/me").await.status(), StatusCode::OK);
    let first = sign_in_cookie(&w.s, "sam@other.org", "password-12345").await;
    let second = sign_in_cookie(&w.s, "sam@other.org", "password-12345").await;
    // The web app's socket takes over from the sharer's token socket.
    let mut web = connect_with_cookie(&w.s, &second, &id).await;
    still_open(&mut web).await;

    let res = w
        .admin
        .patch(
            &format!("/api/users/{}", w.sharer_id),
            json!({"password": "another-password-678"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (error, code) = closed_for_revocation(&mut web, WITHIN_SECS).await;
    assert_eq!(error["error"]["code"], "access_revoked", "{error}");
    assert_eq!(code, CLOSE_REVOKED);
    for cookie in [&first, &second] {
        assert_eq!(me_with_cookie(&w.s, cookie).await, StatusCode::UNAUTHORIZED);
    }
    // Every API token is revoked, and a socket opened with one is refused.
    expect_error(
        token.get("/api/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_eq!(Live::try_connect(&token, &id).await.err(), Some(401));
    assert_eq!(w.admin.get("/api/me").await.status(), StatusCode::OK);
    // The session goes on: the sharer signs in with the new password and comes back.
    let fresh =
        w.s.sign_in("sam@other.org", "another-password-678")
            .await
            .with_token()
            .await;
    let mut again = Live::connect(&fresh, &id).await;
    assert_eq!(
        again.expect("hello", 3.0).await["session"]["state"],
        "joined"
    );
    still_open(&mut again).await;
}
