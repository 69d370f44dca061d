//! The device channel (`GET /ws/device`): one long-lived WebSocket per running enrolled agent,
//! so that the server can reach the device at once instead of waiting for its next check-in.
//!
//! The upgrade request is signed by the device exactly as a check-in is ([`crate::signing`]:
//! method `GET`, the path [`CHANNEL_PATH`], an empty body, a fresh nonce), so the server's
//! signature middleware refuses bad signatures, replays and retired devices before the upgrade.
//!
//! The messages are JSON text frames tagged by `type`, read tolerantly on both sides as the live
//! socket's are: fields a reader does not know are ignored, and a `type` it does not know is
//! `Unknown`, to be ignored. Liveness costs no application message: the server sends a WebSocket
//! ping every [`KEEPALIVE_SECS`] (the client's stack answers it), and either side that hears
//! nothing for [`SILENT_AFTER_SECS`] takes the connection for dead. See `docs/protocol.md`,
//! "Device channel".

use crate::device::{CheckedIn, Report};
use crate::wire::ErrorBody;
use serde::{Deserialize, Serialize};

/// The channel's path on the server (the same port as everything else).
pub const CHANNEL_PATH: &str = "/ws/device";

/// The channel's protocol version, sent in [`ChannelServer::Hello`].
pub const CHANNEL_VERSION: u32 = 1;

/// How often the server pings an idle channel, seconds: minute-scale, so that tens of thousands
/// of idle channels cost almost nothing, and under the idle timeouts of common NAT devices and
/// proxies (usually 2 minutes or more for established TCP).
pub const KEEPALIVE_SECS: u64 = 55;

/// Silence after which either side takes the channel for dead, seconds: two pings missed, plus
/// slack for a slow network.
pub const SILENT_AFTER_SECS: u64 = 2 * KEEPALIVE_SECS + 20;

/// A message from the server to the agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChannelServer {
    /// The first message of every connection.
    Hello {
        /// [`CHANNEL_VERSION`].
        protocol_version: u32,
        /// The device the server recognised.
        device_id: String,
        /// How often the server pings, seconds.
        #[serde(default = "default_keepalive")]
        keepalive_secs: u64,
    },
    /// The answer to a [`ChannelClient::CheckIn`].
    CheckedIn {
        /// The same answer as `POST /api/agent/check-in`'s.
        #[serde(flatten)]
        answer: CheckedIn,
    },
    /// A client message was refused; the channel stays open.
    Error {
        /// What went wrong.
        error: ErrorBody,
    },
    /// A helper started a session for this device (`POST /api/sessions {device_id}`): the agent
    /// tells the person at the device who asks, and on their acceptance joins the session with
    /// `code` as `agent join` would (the person types nothing). The code is the same one the
    /// helper can still read out as a fallback.
    Offer {
        /// The session.
        session_id: String,
        /// Its security code (plain, not grouped).
        code: String,
        /// Who asks to help.
        helper: OfferHelper,
        /// When the code expires (Unix ms).
        expires_at: i64,
    },
    /// The server closes the channel for good (the device was retired): the agent stops.
    Closed {
        /// A code (`device_retired`) ...
        code: String,
        /// ... and a sentence for people.
        message: String,
    },
    /// A message of a `type` this version does not know: ignored.
    #[serde(other, skip_serializing)]
    Unknown,
}

/// The helper of an [`ChannelServer::Offer`], as the trust screen shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferHelper {
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Job title, if known.
    #[serde(default)]
    pub title: Option<String>,
    /// Company, if known.
    #[serde(default)]
    pub company: Option<String>,
}

fn default_keepalive() -> u64 {
    KEEPALIVE_SECS
}

/// A message from the agent to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChannelClient {
    /// A check-in, as the body of `POST /api/agent/check-in`; answered with
    /// [`ChannelServer::CheckedIn`] (or [`ChannelServer::Error`]).
    CheckIn {
        /// The inventory and facts (boxed: the largest message by far).
        report: Box<Report>,
    },
    /// The person at the device declined a helper's [`ChannelServer::Offer`]: the helper's page
    /// says so at once. Not answered (an offer that is no longer open is ignored).
    Decline {
        /// The session offered.
        session_id: String,
    },
    /// A message of a `type` this version does not know: answered with an error, ignored.
    #[serde(other, skip_serializing)]
    Unknown,
}

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable channel message: {0}")]
pub struct ChannelError(pub String);

impl ChannelServer {
    /// Reads one text frame from the server (unknown types are [`ChannelServer::Unknown`],
    /// unknown fields ignored).
    pub fn read(text: &str) -> Result<ChannelServer, ChannelError> {
        serde_json::from_str(text).map_err(|e| ChannelError(e.to_string()))
    }

    /// This message as a text frame.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"type":"unknown"}"#.to_owned())
    }
}

impl ChannelClient {
    /// Reads one text frame from the agent (unknown types are [`ChannelClient::Unknown`],
    /// unknown fields of the envelope ignored; the report itself is read strictly, as the REST
    /// check-in's is).
    pub fn read(text: &str) -> Result<ChannelClient, ChannelError> {
        serde_json::from_str(text).map_err(|e| ChannelError(e.to_string()))
    }

    /// This message as a text frame.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"type":"unknown"}"#.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_tolerate_unknown_types_and_fields() {
        assert_eq!(
            ChannelServer::read(r#"{"type":"later","x":1}"#).unwrap(),
            ChannelServer::Unknown
        );
        assert_eq!(
            ChannelServer::read(
                r#"{"type":"hello","protocol_version":1,"device_id":"d","new":true}"#
            )
            .unwrap(),
            ChannelServer::Hello {
                protocol_version: 1,
                device_id: "d".into(),
                keepalive_secs: KEEPALIVE_SECS
            }
        );
        assert_eq!(
            ChannelClient::read(r#"{"type":"shiny"}"#).unwrap(),
            ChannelClient::Unknown
        );
        assert!(ChannelServer::read("[]").is_err());
        assert!(ChannelClient::read(r#"{"type":"check_in"}"#).is_err());
    }

    #[test]
    fn messages_round_trip() {
        let checked = ChannelServer::CheckedIn {
            answer: CheckedIn {
                device_id: "d".into(),
                compliance: "compliant".into(),
                reasons: vec![],
                next_check_in_secs: 900,
            },
        };
        let json = checked.to_json();
        assert!(json.contains(r#""type":"checked_in""#), "{json}");
        assert_eq!(ChannelServer::read(&json).unwrap(), checked);
        let check_in = ChannelClient::CheckIn {
            report: Box::new(Report {
                name: "pc".into(),
                ..Report::default()
            }),
        };
        assert_eq!(ChannelClient::read(&check_in.to_json()).unwrap(), check_in);
        let decline = ChannelClient::Decline {
            session_id: "s".into(),
        };
        assert_eq!(decline.to_json(), r#"{"type":"decline","session_id":"s"}"#);
        assert_eq!(ChannelClient::read(&decline.to_json()).unwrap(), decline);
    }

    #[test]
    fn keepalive_is_minute_scale_and_silence_spans_two_pings() {
        const { assert!(KEEPALIVE_SECS >= 30 && KEEPALIVE_SECS <= 120) };
        const { assert!(SILENT_AFTER_SECS > 2 * KEEPALIVE_SECS) };
    }
}
