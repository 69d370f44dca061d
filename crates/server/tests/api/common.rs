//! A real server on a loopback port, on SQLite (a temporary directory) or PostgreSQL (a fresh
//! database per test, dropped afterwards), and HTTP clients for it.

use assist_server::config::{Config, TlsMode};
use assist_server::state::AppState;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The administrator every test server starts with.
pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin-password-123";

/// PostgreSQL server for tests (trust auth on loopback).
pub fn pg_admin_url() -> String {
    std::env::var("ASSIST_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A running server.
pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub db: Db,
    _dir: tempfile::TempDir,
    pg_db: Option<String>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server on `db`.
    pub async fn start(db: Db) -> TestServer {
        Self::start_with(db, |_| {}).await
    }

    /// Starts a server on `db`, with its configuration changed by `edit` first.
    pub async fn start_with(db: Db, edit: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut pg_db = None;
        let database = match db {
            Db::Sqlite => None,
            Db::Postgres => {
                let name = format!("assist_t_{}", uuid_like());
                pg_exec(&format!("CREATE DATABASE {name}")).await;
                let url = pg_admin_url();
                let base = url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(url);
                pg_db = Some(name.clone());
                Some(format!("{base}/{name}"))
            }
        };
        let mut config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data: dir.path().to_path_buf(),
            database,
            tls: TlsMode::Off,
            admin_email: Some(ADMIN_EMAIL.into()),
            admin_password: Some(ADMIN_PASSWORD.into()),
            ..Config::default()
        };
        edit(&mut config);
        let prepared = assist_server::prepare(config)
            .await
            .expect("server prepares");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = prepared.state.clone();
        let task = tokio::spawn(async move {
            // Stopped by `stop` (the task is aborted), not by the test process's signals.
            let _ =
                assist_server::serve_until(prepared.state, listener, std::future::pending()).await;
        });
        TestServer {
            base: format!("http://{addr}"),
            state,
            db,
            _dir: dir,
            pg_db,
            task,
        }
    }

    /// The URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with a cookie jar, not signed in.
    pub fn client(&self) -> Api {
        Api {
            base: self.base.clone(),
            http: Client::builder().cookie_store(true).build().unwrap(),
            bearer: None,
        }
    }

    /// A client signed in as the first administrator.
    pub async fn admin(&self) -> Api {
        self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// A client signed in with those credentials (panics if sign-in fails).
    pub async fn sign_in(&self, email: &str, password: &str) -> Api {
        let api = self.client();
        let res = api
            .post(
                "/api/auth/login",
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "sign-in of {email}");
        api
    }

    /// Creates a user (as the administrator) and returns (id, signed-in client).
    pub async fn user(&self, admin: &Api, email: &str, full_name: &str) -> (String, Api) {
        let res = admin
            .post(
                "/api/users",
                json!({"email": email, "password": "password-12345", "full_name": full_name,
                "job_title": "Engineer", "company": "Example Ltd"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create {email}");
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        (id, self.sign_in(email, "password-12345").await)
    }

    /// Stops the server and removes its database.
    pub async fn stop(self) {
        self.task.abort();
        self.state.store.close().await;
        if let Some(name) = &self.pg_db {
            pg_exec(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

async fn pg_exec(sql: &str) {
    let sql = sql.to_owned();
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&pg_admin_url()).await.expect(
        "PostgreSQL must run on 127.0.0.1:5432 with trust auth for the storage suite (or set ASSIST_TEST_POSTGRES)",
    );
    pool.execute(sqlx::AssertSqlSafe(sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    pool.close().await;
}

fn uuid_like() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// A JSON HTTP client with cookies or a bearer token.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: Client,
    pub bearer: Option<String>,
}

impl Api {
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.base));
        match &self.bearer {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }
    pub async fn get(&self, path: &str) -> Response {
        self.req(reqwest::Method::GET, path).send().await.unwrap()
    }
    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.req(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.req(reqwest::Method::PUT, path)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.req(reqwest::Method::PATCH, path)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
    pub async fn delete(&self, path: &str) -> Response {
        self.req(reqwest::Method::DELETE, path)
            .send()
            .await
            .unwrap()
    }
    /// Any method with a raw body and content type.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Response {
        self.req(method.parse().unwrap(), path)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }
    /// GET that must succeed, as JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert!(res.status().is_success(), "GET {path}: {}", res.status());
        res.json().await.unwrap()
    }
}

/// Asserts the status and the error code of an error answer.
pub async fn expect_error(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status, "status");
    let body: Value = res.json().await.expect("error answers are JSON");
    assert_eq!(body["error"]["code"], code, "error code in {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    body
}

/// Runs an async test body on both backends: `both!(name);` for `async fn name(db: Db)`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Db::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Db::Postgres).await })*
        }
    };
}

impl Api {
    /// A copy of this client that authenticates with a fresh API token of the same user
    /// (for WebSocket clients, which carry no cookie jar).
    pub async fn with_token(&self) -> Api {
        let res = self.post("/api/tokens", json!({"name": "test"})).await;
        assert_eq!(res.status(), StatusCode::CREATED, "token");
        let token = res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        Api {
            base: self.base.clone(),
            http: Client::new(),
            bearer: Some(token),
        }
    }
}

/// A live session socket of a test participant.
pub struct Live {
    pub ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    /// When [`Live::next_alive`] sends its next `ping`.
    next_ping: tokio::time::Instant,
}

impl Live {
    /// A live socket around `ws`.
    pub fn new(
        ws: tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    ) -> Live {
        Live {
            ws,
            next_ping: tokio::time::Instant::now(),
        }
    }

    /// Connects `api` (which must carry a bearer token) to the session's live socket.
    pub async fn connect(api: &Api, session_id: &str) -> Live {
        Self::try_connect(api, session_id)
            .await
            .expect("live socket connects")
    }

    /// Connects, or the HTTP status of the refusal.
    pub async fn try_connect(api: &Api, session_id: &str) -> Result<Live, u16> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!(
            "{}/ws/sessions/{session_id}",
            api.base.replace("http://", "ws://")
        );
        let mut req = url.into_client_request().unwrap();
        let token = api.bearer.as_ref().expect("a bearer token");
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(Live::new(ws)),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
            Err(e) => panic!("websocket: {e}"),
        }
    }

    /// Sends a JSON message.
    pub async fn send(&mut self, v: Value) {
        use futures_util::SinkExt;
        self.ws
            .send(tokio_tungstenite::tungstenite::Message::text(v.to_string()))
            .await
            .unwrap();
    }

    /// The next JSON message of the given type (others are skipped), within `secs` seconds.
    pub async fn expect(&mut self, kind: &str, secs: f64) -> Value {
        self.expect_where(kind, secs, |_| true).await
    }

    /// The next JSON message of the type that satisfies `pred`, within `secs` seconds. While it
    /// waits it sends `ping` every heartbeat interval, as the pages and the agent do (the server
    /// counts only a client's own messages as signs of life).
    pub async fn expect_where(
        &mut self,
        kind: &str,
        secs: f64,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs_f64(secs);
        loop {
            let next = self
                .next_alive(deadline)
                .await
                .unwrap_or_else(|| panic!("no {kind} message within {secs} s"));
            match next {
                Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t))) => {
                    let v: Value = serde_json::from_str(&t).unwrap();
                    if v["type"] == kind && pred(&v) {
                        return v;
                    }
                }
                Some(Ok(_)) => {}
                other => panic!("socket ended while waiting for {kind}: {other:?}"),
            }
        }
    }

    /// The next frame before `deadline` (`None`: none came), sending `ping` each heartbeat
    /// interval meanwhile (whatever the server sends).
    pub async fn next_alive(
        &mut self,
        deadline: tokio::time::Instant,
    ) -> Option<
        Option<
            Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        >,
    > {
        use futures_util::{SinkExt, StreamExt};
        let every =
            std::time::Duration::from_millis(assist_proto::presence::HEARTBEAT_INTERVAL_MS as u64);
        loop {
            if tokio::time::Instant::now() >= self.next_ping {
                self.next_ping = tokio::time::Instant::now() + every;
                let ping = tokio_tungstenite::tungstenite::Message::text(
                    serde_json::json!({"type": "ping"}).to_string(),
                );
                if self.ws.send(ping).await.is_err() {
                    return Some(None);
                }
            }
            let until = self.next_ping.min(deadline);
            match tokio::time::timeout_at(until, self.ws.next()).await {
                Ok(frame) => return Some(frame),
                Err(_) if until >= deadline => return None,
                Err(_) => {}
            }
        }
    }

    /// Closes the socket cleanly (close handshake, as browsers do).
    pub async fn close(mut self) {
        use futures_util::StreamExt;
        let _ = self.ws.close(None).await;
        let drain = async { while let Some(Ok(_)) = self.ws.next().await {} };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), drain).await;
    }
}
