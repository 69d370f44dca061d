//! The agent's side of the device channel (`GET /ws/device`, `assist_proto::channel`): one
//! long-lived WebSocket to the server while `agent run` runs, opened with a request signed by
//! the device key as check-ins are, so that the server can reach the device at once.
//!
//! Check-ins travel on the channel while it is up (every `next_check_in_secs` the server asks
//! for), and over `POST /api/agent/check-in` while it is down. A lost channel is opened again
//! after an exponential backoff with "full jitter" (a uniformly random delay between zero and the
//! current bound: [`backoff`]), so that ten thousand agents cut off by a server restart come back
//! spread over the bound rather than all at once. The server pings an idle channel once a
//! minute; a channel silent for `SILENT_AFTER_SECS` is taken for dead and opened again.

use crate::checkin::{self, CheckIn};
use crate::enroll::DeviceError;
use crate::facts::System;
use crate::http::{HttpError, new_nonce, now_ms, refused, unreachable};
use crate::identity::Identity;
use crate::live::tls_connector;
use assist_proto::channel::{CHANNEL_PATH, CHANNEL_VERSION, ChannelServer, SILENT_AFTER_SECS};
pub use assist_proto::channel::{ChannelClient, OfferHelper};
use assist_proto::device::CheckedIn;
use futures_util::{SinkExt, StreamExt};
use rand::Rng;
use std::time::Duration;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

/// Bound of the first reconnection delay after a channel is lost; doubled per failed attempt up
/// to [`CHANNEL_BACKOFF_MAX`].
pub const CHANNEL_BACKOFF_INITIAL: Duration = Duration::from_secs(2);
/// Largest bound of the reconnection delay.
pub const CHANNEL_BACKOFF_MAX: Duration = Duration::from_secs(60);
/// How long opening the channel (TCP, TLS, upgrade) may take.
pub const CHANNEL_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The delay before reconnection attempt `attempt` (1 = the first after a loss): a uniformly
/// random point (`jitter` in 0..1) between zero and `CHANNEL_BACKOFF_INITIAL · 2^(attempt-1)`,
/// at most [`CHANNEL_BACKOFF_MAX`] ("full jitter").
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let exp = attempt.saturating_sub(1).min(20);
    let bound = CHANNEL_BACKOFF_INITIAL
        .saturating_mul(1u32 << exp)
        .min(CHANNEL_BACKOFF_MAX);
    bound.mul_f64(jitter.clamp(0.0, 1.0))
}

/// What the channel loop tells its caller (for the log and for tests).
#[derive(Debug)]
pub enum Note {
    /// The channel is open (the server's `hello` arrived).
    Up,
    /// The channel closed or could not be opened; the next attempt is in `retry_in`.
    Down { why: String, retry_in: Duration },
    /// A check-in was answered (over the channel or over REST).
    CheckedIn { answer: CheckedIn, channel: bool },
    /// A check-in failed (it is retried).
    CheckInFailed(String),
    /// A helper started a session for this device (see `ChannelServer::Offer`).
    Offer {
        session_id: String,
        code: String,
        helper: OfferHelper,
    },
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The channel's `ws://` or `wss://` URL on `base` (`http(s)://host:port`).
pub fn channel_url(base: &str) -> Result<String, HttpError> {
    let bad = |reason: &str| HttpError::BadUrl {
        url: base.to_owned(),
        reason: reason.to_owned(),
    };
    let rest = if let Some(r) = base.strip_prefix("http://") {
        format!("ws://{r}")
    } else if let Some(r) = base.strip_prefix("https://") {
        format!("wss://{r}")
    } else {
        return Err(bad("not an http(s) URL"));
    };
    Ok(format!("{}{CHANNEL_PATH}", rest.trim_end_matches('/')))
}

/// Opens the channel: a signed `GET /ws/device` upgraded to a WebSocket. A refusal keeps the
/// server's status and error code, so that [`checkin::is_fatal`] tells a retired device from an
/// outage.
pub async fn connect(identity: &Identity) -> Result<Ws, DeviceError> {
    let server = identity.server.as_str();
    let url = channel_url(server)?;
    let mut req = url
        .into_client_request()
        .map_err(|e| unreachable(server, &e.to_string()))?;
    let signed = assist_proto::signing::sign(
        &identity.device_id,
        &identity.key,
        "GET",
        CHANNEL_PATH,
        b"",
        now_ms(),
        &new_nonce(),
    );
    for (name, value) in signed {
        let value = value
            .parse()
            .map_err(|_| unreachable(server, "a signature header is not a header value"))?;
        req.headers_mut().insert(name, value);
    }
    let connector =
        tls_connector(&identity.tls).map_err(|e| unreachable(server, &e.to_string()))?;
    let open = tokio_tungstenite::connect_async_tls_with_config(req, None, false, connector);
    match tokio::time::timeout(CHANNEL_CONNECT_TIMEOUT, open).await {
        Err(_) => Err(unreachable(server, "opening the device channel timed out").into()),
        Ok(Ok((ws, _))) => Ok(ws),
        Ok(Err(tungstenite::Error::Http(resp))) => {
            let body = resp
                .body()
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            Err(refused(resp.status().as_u16(), &body).into())
        }
        Ok(Err(e)) => Err(unreachable(server, &e.to_string()).into()),
    }
}

/// How a connected channel ended.
enum Ended {
    /// Lost or closed by the server: open it again.
    Lost(String),
    /// The device was retired (or the channel is otherwise refused for good): stop.
    Fatal(DeviceError),
}

/// Keeps the channel open (and check-ins going) until a fatal error, which it returns: the
/// device was retired or is unknown. `note` hears what happens.
pub async fn run(identity: &Identity, system: &System, note: impl FnMut(Note)) -> DeviceError {
    let (_none, mut outbox) = tokio::sync::mpsc::channel(1);
    run_with(identity, system, &mut outbox, note).await
}

/// [`run`], also sending what arrives on `outbox` (a [`ChannelClient::Decline`] of an offer) while
/// the channel is open; what arrives while it is down waits for the next connection.
pub async fn run_with(
    identity: &Identity,
    system: &System,
    outbox: &mut tokio::sync::mpsc::Receiver<ChannelClient>,
    mut note: impl FnMut(Note),
) -> DeviceError {
    let rest = match CheckIn::new(identity) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let mut next_check_in = Instant::now();
    let mut check_in_failures = 0u32;
    let mut attempt = 0u32;
    loop {
        let why = match connect(identity).await {
            Ok(ws) => {
                attempt = 0;
                match connected(ws, system, &mut next_check_in, outbox, &mut note).await {
                    Ended::Lost(why) => why,
                    Ended::Fatal(e) => return e,
                }
            }
            Err(e) if checkin::is_fatal(&e) => return e,
            Err(e) => e.to_string(),
        };
        attempt = attempt.saturating_add(1);
        let retry_in = backoff(attempt, rand::rng().random::<f64>());
        note(Note::Down { why, retry_in });
        // While the channel is down, check-ins go over REST.
        let deadline = Instant::now() + retry_in;
        loop {
            let now = Instant::now();
            if next_check_in <= now {
                match rest.once(system).await {
                    Ok(answer) => {
                        check_in_failures = 0;
                        next_check_in =
                            Instant::now() + checkin::interval(answer.next_check_in_secs);
                        note(Note::CheckedIn {
                            answer,
                            channel: false,
                        });
                    }
                    Err(e) if checkin::is_fatal(&e) => return e,
                    Err(e) => {
                        check_in_failures = check_in_failures.saturating_add(1);
                        next_check_in = Instant::now()
                            + checkin::backoff(check_in_failures, rand::rng().random::<f64>());
                        note(Note::CheckInFailed(e.to_string()));
                    }
                }
                continue;
            }
            if now >= deadline {
                break;
            }
            tokio::time::sleep_until(deadline.min(next_check_in)).await;
        }
    }
}

async fn send(ws: &mut Ws, msg: &ChannelClient) -> Result<(), String> {
    ws.send(Message::text(msg.to_json()))
        .await
        .map_err(|e| e.to_string())
}

/// Runs an open channel until it ends.
async fn connected(
    mut ws: Ws,
    system: &System,
    next_check_in: &mut Instant,
    outbox: &mut tokio::sync::mpsc::Receiver<ChannelClient>,
    note: &mut impl FnMut(Note),
) -> Ended {
    let silent_after = Duration::from_secs(SILENT_AFTER_SECS);
    let mut last_heard = Instant::now();
    let mut greeted = false;
    loop {
        // Check-ins wait for the server's hello (a server that refuses the channel after the
        // upgrade must not get one).
        let check_in_at = if greeted {
            *next_check_in
        } else {
            last_heard + silent_after
        };
        tokio::select! {
            frame = ws.next() => {
                last_heard = Instant::now();
                let text = match frame {
                    None => return Ended::Lost("the server closed the channel".into()),
                    Some(Err(e)) => return Ended::Lost(format!("the channel failed: {e}")),
                    Some(Ok(Message::Close(frame))) => {
                        return Ended::Lost(format!(
                            "the server closed the channel ({})",
                            frame.map(|f| f.reason.to_string()).unwrap_or_default()
                        ))
                    }
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(_)) => continue,
                };
                match ChannelServer::read(text.as_str()) {
                    Ok(ChannelServer::Hello { protocol_version, .. }) => {
                        if protocol_version != CHANNEL_VERSION {
                            tracing::warn!(protocol_version, "the server speaks another channel version");
                        }
                        greeted = true;
                        note(Note::Up);
                    }
                    Ok(ChannelServer::CheckedIn { answer }) => {
                        *next_check_in = Instant::now() + checkin::interval(answer.next_check_in_secs);
                        note(Note::CheckedIn { answer, channel: true });
                    }
                    Ok(ChannelServer::Error { error }) => {
                        tracing::warn!(code = %error.code, message = %error.message, "the server refused a channel message");
                        if error.code == "device_retired" {
                            return Ended::Fatal(refused_device(401, &error.code, &error.message));
                        }
                        note(Note::CheckInFailed(error.message));
                    }
                    Ok(ChannelServer::Offer { session_id, code, helper, .. }) => {
                        note(Note::Offer { session_id, code, helper });
                    }
                    Ok(ChannelServer::Closed { code, message }) => {
                        return Ended::Fatal(refused_device(401, &code, &message));
                    }
                    Ok(ChannelServer::Unknown) => {}
                    Err(e) => tracing::debug!(error = %e, "ignored a channel message that does not parse"),
                }
            }
            _ = tokio::time::sleep_until(check_in_at) => {
                if !greeted {
                    return Ended::Lost("no hello from the server".into());
                }
                // Until the answer comes: if it never does, the next try is a full interval on.
                *next_check_in = Instant::now() + checkin::DEFAULT_INTERVAL;
                if let Err(e) = send(&mut ws, &ChannelClient::CheckIn { report: Box::new(system.report()) }).await {
                    return Ended::Lost(format!("the channel failed: {e}"));
                }
            }
            Some(msg) = outbox.recv(), if greeted => {
                if let Err(e) = send(&mut ws, &msg).await {
                    return Ended::Lost(format!("the channel failed: {e}"));
                }
            }
            _ = tokio::time::sleep_until(last_heard + silent_after) => {
                return Ended::Lost("the server went silent".into());
            }
        }
    }
}

fn refused_device(status: u16, code: &str, message: &str) -> DeviceError {
    DeviceError::Http(HttpError::Refused {
        status,
        code: code.to_owned(),
        message: message.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_bound() {
        assert_eq!(backoff(1, 0.0), Duration::ZERO);
        assert_eq!(backoff(1, 1.0), CHANNEL_BACKOFF_INITIAL);
        assert_eq!(backoff(2, 1.0), CHANNEL_BACKOFF_INITIAL * 2);
        assert_eq!(backoff(3, 0.5), CHANNEL_BACKOFF_INITIAL * 2);
        assert_eq!(backoff(100, 1.0), CHANNEL_BACKOFF_MAX);
        assert_eq!(backoff(100, 9.0), CHANNEL_BACKOFF_MAX);
        assert_eq!(backoff(0, 1.0), CHANNEL_BACKOFF_INITIAL);
        let mut last = Duration::ZERO;
        for n in 1..30 {
            let d = backoff(n, 1.0);
            assert!(d >= last && d <= CHANNEL_BACKOFF_MAX);
            last = d;
        }
    }

    #[test]
    fn channel_urls() {
        assert_eq!(
            channel_url("https://h.example:8443").unwrap(),
            "wss://h.example:8443/ws/device"
        );
        assert_eq!(
            channel_url("http://127.0.0.1:1").unwrap(),
            "ws://127.0.0.1:1/ws/device"
        );
        assert!(channel_url("ftp://h").is_err());
    }

    /// A server to reach at `port`, trusting the public roots (no pinned certificate).
    fn identity_at(server: String) -> Identity {
        Identity {
            server,
            device_id: "d".repeat(32),
            key: crate::identity::new_key(),
            tls: crate::identity::TlsTrust::default(),
        }
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_sentence_naming_it() {
        // Nothing listens: refused.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let server = format!("https://127.0.0.1:{port}");
        let e = connect(&identity_at(server.clone()))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("Cannot reach the server {server}: ")),
            "{e}"
        );
        assert!(e.contains("connection refused"), "{e}");
        assert!(!e.contains("os error"), "no raw error: {e}");

        // Something listens but does not speak TLS: the TLS client starts (it panicked here
        // for want of a process-wide rustls provider) and fails with a sentence.
        let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = format!("https://{}", plain.local_addr().unwrap());
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            while let Ok((mut s, _)) = plain.accept().await {
                let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
            }
        });
        let e = connect(&identity_at(server.clone()))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("Cannot reach the server {server}: ")),
            "{e}"
        );
        assert!(e.contains("does not speak TLS"), "{e}");
    }
}
