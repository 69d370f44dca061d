//! The agent's HTTP client: JSON over HTTPS (or HTTP for tests behind `--tls off`), every request
//! after enrollment signed with the device key.
//!
//! The signing scheme (canonical string, headers, signature) is `assist_proto::signing`, the
//! same code the server checks with. See `docs/devices.md`.

use crate::identity::TlsTrust;
use assist_proto::ErrorResponse;
use base64::Engine;
use ed25519_dalek::SigningKey;
use rand::RngCore;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

pub use assist_proto::signing::{SCHEME, canonical};

/// How long one request may take, connection included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Random bytes in a nonce (sent as URL-safe base64: 32 characters).
pub const NONCE_BYTES: usize = 24;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("invalid server URL {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("invalid CA certificate: {0}")]
    BadCa(String),
    /// The server could not be reached; a sentence naming the server and why
    /// (see [`unreachable`]).
    #[error("{0}")]
    Transport(String),
    #[error("the server refused ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error("unexpected answer from the server: {0}")]
    Decode(String),
}

impl HttpError {
    /// Worth retrying later: the server was unreachable, overloaded or failing.
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Transport(_) => true,
            HttpError::Refused { status, code, .. } => {
                *status >= 500 || *status == 429 || code == "device_timestamp_skew"
            }
            _ => false,
        }
    }

    /// The server's error code, if it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            HttpError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// The device key and id that sign requests.
#[derive(Clone)]
pub struct Signer {
    pub device_id: String,
    pub key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// A new random nonce.
pub fn new_nonce() -> String {
    let mut b = [0u8; NONCE_BYTES];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Signer {
    /// The four signature headers for a request (`assist_proto::signing::sign`).
    pub fn headers(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        timestamp: i64,
        nonce: &str,
    ) -> [(&'static str, String); 4] {
        assist_proto::signing::sign(
            &self.device_id,
            &self.key,
            method,
            path_and_query,
            body,
            timestamp,
            nonce,
        )
    }
}

/// Checks a server URL: `http` or `https`, a host, no path, query or credentials (the signed
/// path is the path the server receives).
pub fn parse_server(url: &str) -> Result<reqwest::Url, HttpError> {
    let bad = |reason: &str| HttpError::BadUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let u = reqwest::Url::parse(url.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(bad("use https:// (or http:// behind a TLS proxy)"));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if u.path() != "/" || u.query().is_some() || u.fragment().is_some() {
        return Err(bad("give only scheme, host and port, without a path"));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(bad("no credentials in the URL"));
    }
    Ok(u)
}

/// A JSON client for one server.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    tls: TlsTrust,
}

impl Client {
    /// A client for `server` trusting certificates as `tls` says.
    pub fn new(server: &str, tls: &TlsTrust) -> Result<Client, HttpError> {
        Client::build(server, tls, false)
    }

    /// A client that keeps the cookies the server sets (for signing in with a password).
    pub fn with_cookies(server: &str, tls: &TlsTrust) -> Result<Client, HttpError> {
        Client::build(server, tls, true)
    }

    fn build(server: &str, tls: &TlsTrust, cookies: bool) -> Result<Client, HttpError> {
        let url = parse_server(server)?;
        let mut b = reqwest::Client::builder()
            .cookie_store(cookies)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("assist-agent/", env!("CARGO_PKG_VERSION")));
        if tls.insecure {
            tracing::warn!("TLS certificate checks are OFF (--insecure-tls): for tests only");
            b = b.danger_accept_invalid_certs(true);
        } else if let Some(pem) = &tls.ca_pem {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes())
                .map_err(|e| HttpError::BadCa(e.to_string()))?;
            b = b.tls_built_in_root_certs(false).add_root_certificate(cert);
        }
        let http = b
            .build()
            .map_err(|e| unreachable(server, &error_chain(&e)))?;
        Ok(Client {
            base: url.as_str().trim_end_matches('/').to_owned(),
            http,
            tls: tls.clone(),
        })
    }

    /// How this client trusts the server's certificate (the live socket trusts it the same way).
    pub fn tls(&self) -> &TlsTrust {
        &self.tls
    }

    /// The server's base URL (scheme, host and port, no trailing slash).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// POSTs `body` as JSON to `path` (signed when `signer` is given) and reads the JSON answer.
    pub async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        signer: Option<&Signer>,
    ) -> Result<R, HttpError> {
        self.send("POST", path, Some(body), signer, None).await
    }

    /// Sends a request with an optional JSON body, signed when `signer` is given and with
    /// `Authorization: Bearer` when `bearer` is, and reads the JSON answer (`null` for an empty
    /// one, such as 204).
    pub async fn send<B: Serialize, R: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
        signer: Option<&Signer>,
        bearer: Option<&str>,
    ) -> Result<R, HttpError> {
        let bytes = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| HttpError::Decode(e.to_string()))?,
            None => Vec::new(),
        };
        let m = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| HttpError::Decode(e.to_string()))?;
        let mut req = self.http.request(m, format!("{}{path}", self.base));
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        if let Some(s) = signer {
            for (name, value) in s.headers(method, path, &bytes, now_ms(), &new_nonce()) {
                req = req.header(name, value);
            }
        }
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        let res = req
            .body(bytes)
            .send()
            .await
            .map_err(|e| unreachable(&self.base, &error_chain(&e)))?;
        let status = res.status();
        let text = res
            .text()
            .await
            .map_err(|e| unreachable(&self.base, &error_chain(&e)))?;
        if !status.is_success() {
            return Err(refused(status.as_u16(), &text));
        }
        let text = if text.trim().is_empty() {
            "null"
        } else {
            &text
        };
        serde_json::from_str(text).map_err(|e| HttpError::Decode(e.to_string()))
    }
}

/// A refusal from the server's `{"error": {"code", "message"}}` body; a body of another shape
/// (a proxy's page) gives the code `unknown` and the start of the text.
pub(crate) fn refused(status: u16, text: &str) -> HttpError {
    match serde_json::from_str::<ErrorResponse>(text) {
        Ok(ErrorResponse { error }) => HttpError::Refused {
            status,
            code: error.code,
            message: error.message,
        },
        Err(_) => HttpError::Refused {
            status,
            code: "unknown".to_owned(),
            message: text.chars().take(200).collect(),
        },
    }
}

/// An error with its causes, for people ("error sending request: ...: certificate unknown").
/// The server `server` could not be reached: one sentence naming it and the reason in words a
/// person at the device understands, from the transport's `raw` error text (kept in the debug
/// log; it is shown as it is only when no reason below matches).
pub fn unreachable(server: &str, raw: &str) -> HttpError {
    tracing::debug!(server, error = raw, "the server could not be reached");
    HttpError::Transport(format!(
        "Cannot reach the server {server}: {}.",
        unreachable_reason(raw)
    ))
}

/// The reason of [`unreachable`], from the transport's error text (reqwest, hyper, rustls,
/// tungstenite and the system all word it their own way).
pub fn unreachable_reason(raw: &str) -> String {
    let has = |needles: &[&str]| needles.iter().any(|n| raw.contains(n));
    let reason = if has(&["Connection refused"]) {
        "nothing answers at that address (connection refused); is the server running, and are the host and port right?"
    } else if has(&[
        "dns error",
        "failed to lookup address",
        "Name or service not known",
        "No address associated",
    ]) {
        "its name cannot be found (DNS); check the address"
    } else if has(&[
        "UnknownIssuer",
        "invalid peer certificate",
        "certificate verify failed",
        "BadSignature",
        "NotValidForName",
        "CertExpired",
        "Expired",
    ]) {
        "its TLS certificate is not trusted (unknown issuer, wrong name or expired); enroll again with --ca-cert and the server's certificate if it is self-signed"
    } else if has(&[
        "InvalidContentType",
        "corrupt message",
        "wrong version number",
        "HandshakeFailure",
    ]) {
        "it does not speak TLS on that port (is the address http:// rather than https://, or the port wrong?)"
    } else if has(&["timed out", "Timeout", "deadline has elapsed"]) {
        "it did not answer in time (a firewall, or the server is down)"
    } else if has(&[
        "Network is unreachable",
        "No route to host",
        "Host is unreachable",
    ]) {
        "the network cannot reach it (no route; is this device online?)"
    } else if has(&[
        "Connection reset",
        "connection closed before",
        "unexpected EOF",
        "UnexpectedEof",
        "broken pipe",
        "Broken pipe",
    ]) {
        "the connection was cut (a proxy or firewall in between, or the server restarted)"
    } else {
        return raw.to_owned();
    };
    reason.to_owned()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier};

    #[test]
    fn headers_carry_a_verifiable_signature() {
        let s = Signer {
            device_id: "d".repeat(32),
            key: SigningKey::from_bytes(&[3u8; 32]),
        };
        let h = s.headers(
            "POST",
            "/api/agent/check-in",
            b"{}",
            42,
            "nonce-nonce-nonce",
        );
        assert_eq!(h[0].1, "d".repeat(32));
        assert_eq!(h[1].1, "42");
        let sig = base64::engine::general_purpose::STANDARD
            .decode(&h[3].1)
            .unwrap();
        let sig = Signature::from_slice(&sig).unwrap();
        let msg = canonical(
            "POST",
            "/api/agent/check-in",
            42,
            "nonce-nonce-nonce",
            b"{}",
        );
        assert!(s.key.verifying_key().verify(msg.as_bytes(), &sig).is_ok());
    }

    #[test]
    fn refusals_read_the_error_body() {
        let e = refused(
            401,
            r#"{"error":{"code":"device_retired","message":"retired","hint":1}}"#,
        );
        assert_eq!(e.code(), Some("device_retired"));
        assert!(e.to_string().contains("retired"));
        let e = refused(502, "<html>Bad gateway</html>");
        assert_eq!(e.code(), Some("unknown"));
        assert!(e.to_string().contains("Bad gateway"));
    }

    #[test]
    fn nonces_pass_the_servers_check() {
        let headers = Signer {
            device_id: "0123456789abcdef0123456789abcdef".into(),
            key: SigningKey::from_bytes(&[5u8; 32]),
        }
        .headers("GET", "/api/x", b"", now_ms(), &new_nonce());
        let parsed = assist_proto::signing::SignedHeaders::parse(
            Some(&headers[0].1),
            Some(&headers[1].1),
            Some(&headers[2].1),
            Some(&headers[3].1),
        );
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    #[test]
    fn nonces_are_unique_and_url_safe() {
        let a = new_nonce();
        assert_ne!(a, new_nonce());
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn server_urls_are_checked() {
        assert!(parse_server("https://help.example.com").is_ok());
        assert!(parse_server("http://127.0.0.1:8443/").is_ok());
        for bad in [
            "help.example.com",
            "ftp://x",
            "https://x/assist",
            "https://u:p@x",
            "https://x/?a=b",
        ] {
            assert!(parse_server(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn transient_errors() {
        assert!(HttpError::Transport("x".into()).is_transient());
        assert!(unreachable("https://a.example", "x").is_transient());
        let refused = |status, code: &str| HttpError::Refused {
            status,
            code: code.into(),
            message: String::new(),
        };
        assert!(refused(503, "x").is_transient());
        assert!(refused(429, "rate_limited").is_transient());
        assert!(!refused(401, "device_retired").is_transient());
        assert!(!refused(400, "invalid_body").is_transient());
    }
}
