//! The agent's side of the live socket (`GET /ws/sessions/{id}`, see `docs/protocol.md`): the
//! session's state, the helper's presence and chat, and WebRTC signalling.
//!
//! The messages are `assist_proto::wire`'s, the server's own types: [`ServerMessage::read`] reads
//! what the server sends (unknown types are [`ServerMessage::Unknown`] and unknown fields are
//! ignored, as protocol version 1 asks); [`LiveSocket`] is the connection, with
//! `Authorization: Bearer`.

use crate::identity::TlsTrust;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

pub use assist_proto::wire::{
    ClientMessage, ErrorBody, PROTOCOL_VERSION, Profile, ServerMessage, SessionView,
};

/// Why the live socket failed.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot open the live socket: {0}")]
    Connect(String),
    #[error("the live socket failed: {0}")]
    Socket(String),
    #[error("the server speaks live protocol {0}; update the agent")]
    Version(u32),
    /// The server node is stopping (close code `CLOSE_MOVING`): reconnect at once, without
    /// waiting; another node takes the session over.
    #[error("the server is restarting; reconnecting")]
    Moving,
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
pub(crate) fn tls_connector(
    tls: &TlsTrust,
) -> Result<Option<tokio_tungstenite::Connector>, LiveError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let bad = |e: String| LiveError::Connect(format!("TLS settings: {e}"));
    // tungstenite's own settings (the public roots, `None` below) take rustls's process-wide
    // provider, which no crate feature picks here: without this, the first `wss://` connection
    // to a server with a public certificate panicked. Installing a second time changes nothing.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
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
            .map_err(|e| {
                LiveError::Connect(crate::http::unreachable(base, &e.to_string()).to_string())
            })?;
        Ok(LiveSocket { ws })
    }

    /// The next message (skipping pings, binary frames and text that does not parse); `None`
    /// when the socket closed.
    pub async fn recv(&mut self) -> Option<Result<ServerMessage, LiveError>> {
        loop {
            match self.ws.next().await? {
                Ok(Message::Text(t)) => match ServerMessage::read(t.as_str()) {
                    Ok(ServerMessage::Hello {
                        protocol_version, ..
                    }) if protocol_version != PROTOCOL_VERSION => {
                        return Some(Err(LiveError::Version(protocol_version)));
                    }
                    Ok(m) => return Some(Ok(m)),
                    Err(e) => {
                        tracing::debug!(error = %e, "ignored a live message that does not parse")
                    }
                },
                Ok(Message::Close(frame)) => return closed(frame.as_ref()),
                Ok(_) => {}
                Err(e) => return Some(Err(LiveError::Socket(e.to_string()))),
            }
        }
    }

    /// Sends a message.
    pub async fn send(&mut self, message: &ClientMessage) -> Result<(), LiveError> {
        self.ws
            .send(Message::text(message.to_json()))
            .await
            .map_err(|e: tungstenite::Error| LiveError::Socket(e.to_string()))
    }

    /// Sends a heartbeat.
    pub async fn ping(&mut self) -> Result<(), LiveError> {
        self.send(&ClientMessage::Ping).await
    }

    /// Sends WebRTC signalling to the helper.
    pub async fn signal(&mut self, data: Value) -> Result<(), LiveError> {
        self.send(&ClientMessage::Signal { data }).await
    }

    /// Sends a chat message.
    pub async fn chat(&mut self, text: &str) -> Result<(), LiveError> {
        self.send(&ClientMessage::Chat {
            text: text.to_owned(),
        })
        .await
    }

    /// Closes the socket cleanly (the helper is told at once that the sharer left).
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// What a close frame means: `Moving` for a server that stops (reconnect at once), else the end
/// of the socket (`None`).
fn closed(
    frame: Option<&tungstenite::protocol::CloseFrame>,
) -> Option<Result<ServerMessage, LiveError>> {
    match frame {
        Some(f) if u16::from(f.code) == assist_proto::wire::CLOSE_MOVING => {
            Some(Err(LiveError::Moving))
        }
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_state_and_ignores_unknown() {
        let m = ServerMessage::read(
            r#"{"type":"state","new_field":1,"session":{"id":"s1","state":"active","mode":"control",
                "active_mode":"control","code":null,"link":null,"expires_at":1,"created_at":0,
                "started_at":1,"ended_at":null,"end_reason":null,"your_role":"sharer",
                "helper":{"id":"u","full_name":"Hana","job_title":null,"company":"Ex",
                "picture_url":null,"email_domain":"example.com","domain_verified":true,"pronouns":"she"},
                "sharer":null,"device":null,"warnings":[],"chat_enabled":true,"new_field":2}}"#,
        )
        .unwrap();
        let ServerMessage::State { session: v } = m else {
            panic!("{m:?}")
        };
        assert_eq!(v.active_mode, Some(assist_proto::Mode::Control));
        assert_eq!(v.helper.unwrap().full_name, "Hana");
        assert_eq!(
            ServerMessage::read(r#"{"type":"future","x":1}"#).unwrap(),
            ServerMessage::Unknown
        );
        assert!(ServerMessage::read("[1]").is_err());
        assert!(ServerMessage::read(r#"{"type":"state","session":{"state":5}}"#).is_err());
    }

    #[test]
    fn a_close_for_a_restart_means_reconnect_now() {
        use tungstenite::protocol::CloseFrame;
        use tungstenite::protocol::frame::coding::CloseCode;
        let moving = CloseFrame {
            code: CloseCode::from(assist_proto::wire::CLOSE_MOVING),
            reason: assist_proto::wire::CLOSE_MOVING_REASON.into(),
        };
        assert!(matches!(
            closed(Some(&moving)),
            Some(Err(LiveError::Moving))
        ));
        let normal = CloseFrame {
            code: CloseCode::Normal,
            reason: "bye".into(),
        };
        assert!(closed(Some(&normal)).is_none());
        assert!(closed(None).is_none());
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
