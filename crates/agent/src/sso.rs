//! Single sign-on through the system browser (RFC 8252, OAuth for native apps, loopback redirect).
//!
//! 1. [`Loopback::bind`] listens on `127.0.0.1:0` (a port the system picks);
//! 2. [`Secrets::new`] makes a random state and a PKCE verifier with its S256 challenge;
//! 3. the browser opens `{server}/auth/oidc/login?agent_redirect=…&agent_state=…&agent_challenge=…`
//!    ([`login_url`], [`open_browser`]); the server runs its usual single sign-on and sends the
//!    browser back to `http://127.0.0.1:PORT/callback?code=…&state=…` (or `?error=…`);
//! 4. [`Loopback::wait`] answers that one request with a small plain-text page and returns the
//!    code; requests for other paths or with another state are refused and waiting goes on;
//! 5. `login::with_sso` posts `{code, code_verifier}` to `POST /api/auth/agent/token`.
//!
//! Waiting is bounded by [`SSO_WAIT_SECS`]; each browser request must arrive within
//! [`CALLBACK_READ_SECS`] and fit in [`MAX_CALLBACK_REQUEST_BYTES`].

use assist_proto::api::{LoginQuery, OIDC_LOGIN_PATH};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long the agent waits for the browser to come back (seconds).
pub const SSO_WAIT_SECS: u64 = 5 * 60;
/// How long one browser connection may take to send its request (seconds).
pub const CALLBACK_READ_SECS: u64 = 10;
/// Largest request the loopback listener reads (request line and headers).
pub const MAX_CALLBACK_REQUEST_BYTES: usize = 16 * 1024;
/// The path of the loopback redirect.
pub const CALLBACK_PATH: &str = "/callback";

/// Why the browser part of a single sign-on failed.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("cannot listen on the loopback address for the browser's answer: {0}")]
    Listen(std::io::Error),
    #[error("no answer from the browser within {0} seconds; run the sign-in again")]
    TimedOut(u64),
    #[error("the sign-in was refused ({code}): {description}")]
    Refused { code: String, description: String },
}

/// The agent's own secrets for one sign-in: `state` (echoed back by the server) and the PKCE
/// pair. Never logged.
pub struct Secrets {
    pub state: String,
    pub verifier: String,
    pub challenge: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { <secret> }")
    }
}

fn random_b64(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// base64url(SHA-256(verifier)), the S256 challenge (RFC 7636 §4.2).
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl Secrets {
    /// A fresh state and verifier, 32 random bytes each (43 base64url characters).
    pub fn new() -> Secrets {
        let verifier = random_b64(32);
        Secrets {
            state: random_b64(32),
            challenge: s256(&verifier),
            verifier,
        }
    }
}

impl Default for Secrets {
    fn default() -> Self {
        Secrets::new()
    }
}

/// The address to open in the browser.
pub fn login_url(server: &str, redirect: &str, secrets: &Secrets) -> String {
    let start = format!("{}{OIDC_LOGIN_PATH}", server.trim_end_matches('/'));
    let mut url = match reqwest::Url::parse(&start) {
        Ok(u) => u,
        // The server URL was checked when the client was built; keep the text as it is.
        Err(_) => return start,
    };
    let query = LoginQuery {
        agent_redirect: Some(redirect.to_owned()),
        agent_state: Some(secrets.state.clone()),
        agent_challenge: Some(secrets.challenge.clone()),
    };
    url.query_pairs_mut().extend_pairs(query.pairs());
    url.to_string()
}

/// Opens `url` in the system browser: `$BROWSER` (a `:`-separated list of commands, `%s` standing
/// for the URL) or else `xdg-open`. Returns whether a browser command could be started.
pub fn open_browser(url: &str) -> bool {
    let commands: Vec<String> = match std::env::var("BROWSER") {
        Ok(b) if !b.trim().is_empty() => b.split(':').map(str::to_owned).collect(),
        _ => vec!["xdg-open".to_owned()],
    };
    for cmd in commands {
        let mut words: Vec<String> = cmd.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            continue;
        }
        if words.iter().any(|w| w.contains("%s")) {
            for w in &mut words {
                *w = w.replace("%s", url);
            }
        } else {
            words.push(url.to_owned());
        }
        let spawned = std::process::Command::new(&words[0])
            .args(&words[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = spawned {
            // Reap it whenever it ends; the sign-in does not wait for the browser to close.
            std::thread::spawn(move || {
                let _ = child.wait();
            });
            return true;
        }
    }
    false
}

/// The loopback listener for the browser's answer.
pub struct Loopback {
    listener: TcpListener,
    addr: SocketAddr,
}

/// What one request to the listener was.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// Our state and a code.
    Code(String),
    /// Our state and an error from the server (or the provider).
    Error { code: String, description: String },
    /// Not for us (another path, another state, not a GET): refused, waiting goes on.
    Ignored(&'static str),
}

/// Text the terminal may show: no control characters, bounded.
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(500).collect()
}

/// Reads the request line `GET /callback?… HTTP/1.1` and sorts the request out.
pub fn classify(request_line: &str, state: &str) -> Answer {
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Answer::Ignored("not an HTTP request");
    };
    if method != "GET" {
        return Answer::Ignored("only GET is answered here");
    }
    let Ok(url) = reqwest::Url::parse(&format!("http://127.0.0.1{target}")) else {
        return Answer::Ignored("unreadable address");
    };
    if url.path() != CALLBACK_PATH {
        return Answer::Ignored("nothing here");
    }
    let (mut got_state, mut code, mut error, mut description) = (None, None, None, None);
    for (k, v) in url.query_pairs() {
        let slot = match k.as_ref() {
            "state" => &mut got_state,
            "code" => &mut code,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        if slot.is_some() {
            return Answer::Ignored("a parameter appears twice");
        }
        *slot = Some(v.into_owned());
    }
    // The state is ours only if it matches exactly (compared without early exit).
    let ours = got_state.is_some_and(|s| {
        s.len() == state.len()
            && s.bytes()
                .zip(state.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    if !ours {
        return Answer::Ignored("this answer is not for this sign-in (wrong state)");
    }
    match (code, error) {
        (_, Some(e)) => Answer::Error {
            code: printable(&e),
            description: printable(&description.unwrap_or_default()),
        },
        (Some(c), None) if !c.is_empty() => Answer::Code(c),
        _ => Answer::Error {
            code: "no_code".into(),
            description: "the server's answer has no code".into(),
        },
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) {
    let res = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\
         Connection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.write_all(res.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Reads up to the end of the headers; returns the request line.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
        if buf.len() > MAX_CALLBACK_REQUEST_BYTES {
            return None;
        }
    }
    let text = String::from_utf8_lossy(&buf);
    text.lines().next().map(str::to_owned)
}

impl Loopback {
    /// Listens on `127.0.0.1` on a port the system picks.
    pub async fn bind() -> Result<Loopback, SsoError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(SsoError::Listen)?;
        let addr = listener.local_addr().map_err(SsoError::Listen)?;
        Ok(Loopback { listener, addr })
    }

    /// The redirect URI to give the server: `http://127.0.0.1:PORT/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://{}{CALLBACK_PATH}", self.addr)
    }

    /// Waits (at most `wait`) for the browser's answer carrying `state`, and returns its code.
    pub async fn wait(&self, state: &str, wait: Duration) -> Result<String, SsoError> {
        tokio::time::timeout(wait, self.serve(state))
            .await
            .map_err(|_| SsoError::TimedOut(wait.as_secs()))?
    }

    async fn serve(&self, state: &str) -> Result<String, SsoError> {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                continue;
            };
            let line = tokio::time::timeout(
                Duration::from_secs(CALLBACK_READ_SECS),
                read_request(&mut stream),
            )
            .await
            .ok()
            .flatten();
            let Some(line) = line else {
                respond(&mut stream, "400 Bad Request", "Bad request.\n").await;
                continue;
            };
            match classify(&line, state) {
                Answer::Code(code) => {
                    respond(
                        &mut stream,
                        "200 OK",
                        "Signed in. You can close this tab and return to the terminal.\n",
                    )
                    .await;
                    return Ok(code);
                }
                Answer::Error { code, description } => {
                    respond(
                        &mut stream,
                        "200 OK",
                        &format!(
                            "Sign-in failed ({code}): {description}\nSee the terminal; you can close this tab.\n"
                        ),
                    )
                    .await;
                    return Err(SsoError::Refused { code, description });
                }
                Answer::Ignored(why) => {
                    tracing::debug!(why, "refused a request on the sign-in listener");
                    let status = if why == "nothing here" {
                        "404 Not Found"
                    } else {
                        "400 Bad Request"
                    };
                    respond(&mut stream, status, &format!("Refused: {why}.\n")).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_s256() {
        let a = Secrets::new();
        let b = Secrets::new();
        assert_ne!(a.state, b.state);
        assert_ne!(a.verifier, b.verifier);
        assert_eq!(a.verifier.len(), 43);
        assert_eq!(a.challenge.len(), 43);
        assert_eq!(a.challenge, s256(&a.verifier));
        assert!(!format!("{a:?}").contains(&a.verifier));
        // SHA-256("abc") is the FIPS 180-2 vector ba7816bf…15ad; here in base64url.
        assert_eq!(s256("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    }

    #[test]
    fn login_url_carries_the_agent_parameters() {
        let s = Secrets::new();
        let u = login_url(
            "https://help.example.com/",
            "http://127.0.0.1:5000/callback",
            &s,
        );
        let url = reqwest::Url::parse(&u).unwrap();
        assert_eq!(url.path(), "/auth/oidc/login");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["agent_redirect"], "http://127.0.0.1:5000/callback");
        assert_eq!(q["agent_state"], s.state);
        assert_eq!(q["agent_challenge"], s.challenge);
        assert!(!u.contains(&s.verifier));
    }

    #[test]
    fn requests_are_sorted_out() {
        let st = "abc";
        assert_eq!(
            classify("GET /callback?code=c1&state=abc HTTP/1.1", st),
            Answer::Code("c1".into())
        );
        assert_eq!(
            classify(
                "GET /callback?state=abc&error=access_denied&error_description=No%0A HTTP/1.1",
                st
            ),
            Answer::Error {
                code: "access_denied".into(),
                description: "No".into()
            }
        );
        assert!(matches!(
            classify("GET /callback?code=c1&state=abd HTTP/1.1", st),
            Answer::Ignored(_)
        ));
        assert!(matches!(
            classify("GET /callback?code=c1 HTTP/1.1", st),
            Answer::Ignored(_)
        ));
        assert!(matches!(
            classify("GET /callback?code=c1&state=abc&state=xyz HTTP/1.1", st),
            Answer::Ignored(_)
        ));
        assert_eq!(
            classify("GET /favicon.ico HTTP/1.1", st),
            Answer::Ignored("nothing here")
        );
        assert!(matches!(
            classify("POST /callback?code=c1&state=abc HTTP/1.1", st),
            Answer::Ignored(_)
        ));
        assert!(matches!(
            classify("GET /callback?state=abc HTTP/1.1", st),
            Answer::Error { .. }
        ));
        assert!(matches!(classify("", st), Answer::Ignored(_)));
    }

    #[tokio::test]
    async fn listener_refuses_strangers_and_takes_its_answer() {
        let lb = Loopback::bind().await.unwrap();
        let uri = lb.redirect_uri();
        assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback"));
        let base = uri.trim_end_matches(CALLBACK_PATH).to_owned();
        let client = async move {
            let c = reqwest::Client::new();
            let wrong = c
                .get(format!("{uri}?code=x&state=wrong"))
                .send()
                .await
                .unwrap();
            assert_eq!(wrong.status(), 400);
            let other = c.get(format!("{base}/other")).send().await.unwrap();
            assert_eq!(other.status(), 404);
            let ok = c
                .get(format!("{uri}?code=the-code&state=s1"))
                .send()
                .await
                .unwrap();
            assert_eq!(ok.status(), 200);
            assert!(ok.text().await.unwrap().contains("close this tab"));
        };
        let (code, ()) = tokio::join!(lb.wait("s1", Duration::from_secs(10)), client);
        assert_eq!(code.unwrap(), "the-code");
    }

    #[tokio::test]
    async fn waiting_ends() {
        let lb = Loopback::bind().await.unwrap();
        let e = lb.wait("s", Duration::from_millis(50)).await.unwrap_err();
        assert!(matches!(e, SsoError::TimedOut(_)), "{e}");
    }
}
