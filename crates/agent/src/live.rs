//! The agent's side of the live socket (`GET /ws/sessions/{id}`, see `docs/protocol.md`): the
//! session's state, the helper's presence and chat, and WebRTC signalling.
//!
//! [`ServerMessage::parse`] reads what the server sends (unknown types and fields are ignored,
//! as protocol version 1 asks); [`LiveSocket`] is the connection, with `Authorization: Bearer`.

use crate::identity::TlsTrust;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

/// The protocol version this agent speaks.
pub const PROTOCOL_VERSION: u64 = 1;

/// Why the live socket failed.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot open the live socket: {0}")]
    Connect(String),
    #[error("the live socket failed: {0}")]
    Socket(String),
    #[error("the server speaks live protocol {0}; update the agent")]
    Version(u64),
}

/// A participant's trust-screen profile.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Profile {
    pub id: String,
    pub full_name: String,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub email_domain: Option<String>,
    pub domain_verified: bool,
}

/// The parts of the session view the agent uses.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct SessionView {
    pub id: String,
    pub state: String,
    pub mode: Option<String>,
    pub active_mode: Option<String>,
    pub end_reason: Option<String>,
    pub helper: Option<Profile>,
    pub sharer: Option<Profile>,
    /// The server allows this session's requests to be allowed without asking the sharer
    /// (`--yes`); the server checks again when the agent does so.
    pub unattended_allowed: bool,
    /// Why unattended consent is not allowed, when the server says.
    pub unattended_refusal: Option<Refusal>,
}

/// The server's reason for refusing unattended consent.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

impl SessionView {
    /// Ended, expired or denied: nothing more will happen.
    pub fn is_over(&self) -> bool {
        matches!(self.state.as_str(), "ended" | "expired" | "denied")
    }
}

/// What to do with a chat message from the socket, by its `seq` (docs/protocol.md, "Sequence and
/// catch-up").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatStep {
    /// The next one: show it.
    Show,
    /// Already shown: drop it.
    Repeat,
    /// Messages before it were missed: fetch the thread and show what is after `after`.
    Gap { after: u64 },
}

/// The highest chat `seq` shown so far.
#[derive(Debug, Default)]
pub struct ChatSeq {
    highest: u64,
}

impl ChatSeq {
    /// Starts at the end of the thread as already known (e.g. when the session was joined).
    pub fn starting_at(highest: u64) -> ChatSeq {
        ChatSeq { highest }
    }

    /// Looks at a message with `seq` (0: a server that sends none, always shown).
    pub fn on_chat(&mut self, seq: u64) -> ChatStep {
        if seq == 0 {
            return ChatStep::Show;
        }
        if seq <= self.highest {
            return ChatStep::Repeat;
        }
        let after = self.highest;
        self.highest = seq;
        if seq == after + 1 || after == 0 {
            ChatStep::Show
        } else {
            ChatStep::Gap { after }
        }
    }

    /// Records a message shown from the fetched thread.
    pub fn shown(&mut self, seq: u64) {
        self.highest = self.highest.max(seq);
    }
}

/// One message from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    Hello {
        protocol_version: u64,
        session: SessionView,
    },
    State(SessionView),
    Presence {
        role: String,
        status: String,
    },
    Chat {
        from: String,
        text: String,
        /// The message's place in the thread (0 from a server without it).
        seq: u64,
    },
    Signal(Value),
    Error {
        code: String,
        message: String,
    },
    /// `pong`, or a type this agent does not know.
    Other,
}

impl ServerMessage {
    /// Parses one text frame; `None` for something that is not a JSON object with a known shape.
    pub fn parse(text: &str) -> Option<ServerMessage> {
        let v: Value = serde_json::from_str(text).ok()?;
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        let view = |v: &Value| serde_json::from_value::<SessionView>(v.clone()).ok();
        Some(match v["type"].as_str()? {
            "hello" => ServerMessage::Hello {
                protocol_version: v["protocol_version"].as_u64()?,
                session: view(&v["session"])?,
            },
            "state" => ServerMessage::State(view(&v["session"])?),
            "presence" => ServerMessage::Presence {
                role: s("role"),
                status: s("status"),
            },
            "chat" => ServerMessage::Chat {
                from: s("from"),
                text: s("text"),
                seq: v["seq"].as_u64().unwrap_or(0),
            },
            "signal" => {
                if !v["data"].is_object() {
                    return None;
                }
                ServerMessage::Signal(v["data"].clone())
            }
            "error" => ServerMessage::Error {
                code: v["error"]["code"].as_str().unwrap_or_default().to_owned(),
                message: v["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            },
            _ => ServerMessage::Other,
        })
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An open live socket.
pub struct LiveSocket {
    ws: Ws,
}

impl std::fmt::Debug for LiveSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveSocket")
    }
}

/// The TLS client settings for `wss://`: only the pinned certificate when there is one, no check
/// at all with `--insecure-tls` (tests), else the public roots (`None`: tungstenite's default).
fn tls_connector(tls: &TlsTrust) -> Result<Option<tokio_tungstenite::Connector>, LiveError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let bad = |e: String| LiveError::Connect(format!("TLS settings: {e}"));
    let builder = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| bad(e.to_string()))?;
    let config = if tls.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(AnyCertificate))
            .with_no_client_auth()
    } else if let Some(pem) = &tls.ca_pem {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots
                .add(cert.map_err(|e| bad(e.to_string()))?)
                .map_err(|e| bad(e.to_string()))?;
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        return Ok(None);
    };
    Ok(Some(tokio_tungstenite::Connector::Rustls(
        std::sync::Arc::new(config),
    )))
}

/// Accepts any server certificate: only for `--insecure-tls` (tests).
#[derive(Debug)]
struct AnyCertificate;

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        rustls::crypto::aws_lc_rs::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `ws://` or `wss://` URL of a session's live socket on `base` (`http(s)://host:port`).
pub fn socket_url(base: &str, session_id: &str) -> Result<String, LiveError> {
    let rest = if let Some(r) = base.strip_prefix("http://") {
        format!("ws://{r}")
    } else if let Some(r) = base.strip_prefix("https://") {
        format!("wss://{r}")
    } else {
        return Err(LiveError::Connect(format!("not an http(s) URL: {base}")));
    };
    if session_id.is_empty()
        || !session_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(LiveError::Connect("bad session id".into()));
    }
    Ok(format!("{rest}/ws/sessions/{session_id}"))
}

impl LiveSocket {
    /// Connects to the session's live socket with the user's API token, trusting the server's
    /// certificate as the device's identity says (a pinned certificate, or the public roots).
    pub async fn connect(
        base: &str,
        session_id: &str,
        token: &str,
        tls: &TlsTrust,
    ) -> Result<Self, LiveError> {
        let url = socket_url(base, session_id)?;
        let mut req = url
            .into_client_request()
            .map_err(|e| LiveError::Connect(e.to_string()))?;
        let auth = format!("Bearer {token}")
            .parse()
            .map_err(|_| LiveError::Connect("the token is not a valid header value".into()))?;
        req.headers_mut().insert("authorization", auth);
        let connector = tls_connector(tls)?;
        // Nagle off (`true`): small frames (signals, chat) leave at once.
        let (ws, _) = tokio_tungstenite::connect_async_tls_with_config(req, None, true, connector)
            .await
            .map_err(|e| LiveError::Connect(e.to_string()))?;
        Ok(LiveSocket { ws })
    }

    /// The next message (skipping pings, binary frames and text that does not parse); `None`
    /// when the socket closed.
    pub async fn recv(&mut self) -> Option<Result<ServerMessage, LiveError>> {
        loop {
            match self.ws.next().await? {
                Ok(Message::Text(t)) => {
                    if let Some(m) = ServerMessage::parse(t.as_str()) {
                        if let ServerMessage::Hello {
                            protocol_version, ..
                        } = &m
                            && *protocol_version != PROTOCOL_VERSION
                        {
                            return Some(Err(LiveError::Version(*protocol_version)));
                        }
                        return Some(Ok(m));
                    }
                    tracing::debug!("ignored a live message that does not parse");
                }
                Ok(Message::Close(_)) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(LiveError::Socket(e.to_string()))),
            }
        }
    }

    async fn send_json(&mut self, v: &Value) -> Result<(), LiveError> {
        self.ws
            .send(Message::text(v.to_string()))
            .await
            .map_err(|e: tungstenite::Error| LiveError::Socket(e.to_string()))
    }

    /// Sends a heartbeat.
    pub async fn ping(&mut self) -> Result<(), LiveError> {
        self.send_json(&json!({"type": "ping"})).await
    }

    /// Sends WebRTC signalling to the helper.
    pub async fn signal(&mut self, data: Value) -> Result<(), LiveError> {
        self.send_json(&json!({"type": "signal", "data": data}))
            .await
    }

    /// Sends a chat message.
    pub async fn chat(&mut self, text: &str) -> Result<(), LiveError> {
        self.send_json(&json!({"type": "chat", "text": text})).await
    }

    /// Closes the socket cleanly (the helper is told at once that the sharer left).
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_state_and_ignores_unknown() {
        let m = ServerMessage::parse(
            r#"{"type":"state","session":{"id":"s1","state":"active","mode":"control",
                "active_mode":"control","new_field":1,"helper":{"id":"u","full_name":"Hana",
                "job_title":null,"company":"Ex","email_domain":"example.com","domain_verified":true}}}"#,
        )
        .unwrap();
        let ServerMessage::State(v) = m else {
            panic!("{m:?}")
        };
        assert_eq!(v.active_mode.as_deref(), Some("control"));
        assert_eq!(v.helper.unwrap().full_name, "Hana");
        assert_eq!(
            ServerMessage::parse(r#"{"type":"future","x":1}"#),
            Some(ServerMessage::Other)
        );
        assert_eq!(ServerMessage::parse("[1]"), None);
        assert_eq!(ServerMessage::parse(r#"{"type":"signal","data":3}"#), None);
        assert_eq!(
            ServerMessage::parse(r#"{"type":"state","session":{"state":5}}"#),
            None
        );
    }

    #[test]
    fn socket_urls() {
        assert_eq!(
            socket_url("http://127.0.0.1:8080", "ab-12").unwrap(),
            "ws://127.0.0.1:8080/ws/sessions/ab-12"
        );
        assert_eq!(
            socket_url("https://h", "x").unwrap(),
            "wss://h/ws/sessions/x"
        );
        assert!(socket_url("http://h", "../x").is_err());
    }

    #[test]
    fn chat_seq_shows_once_in_order_and_spots_gaps() {
        let mut c = ChatSeq::starting_at(2);
        assert_eq!(c.on_chat(3), ChatStep::Show);
        assert_eq!(c.on_chat(3), ChatStep::Repeat);
        assert_eq!(c.on_chat(1), ChatStep::Repeat);
        assert_eq!(c.on_chat(6), ChatStep::Gap { after: 3 });
        assert_eq!(c.on_chat(5), ChatStep::Repeat, "fetched with the gap");
        assert_eq!(c.on_chat(7), ChatStep::Show);
        assert_eq!(c.on_chat(0), ChatStep::Show, "a server without seq");
        let mut fresh = ChatSeq::default();
        assert_eq!(
            fresh.on_chat(4),
            ChatStep::Show,
            "nothing known yet: no gap"
        );
    }
}
