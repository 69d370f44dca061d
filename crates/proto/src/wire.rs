//! Live WebSocket messages, protocol version [`PROTOCOL_VERSION`], and the session view types
//! the server and its clients share.
//!
//! Every message is one JSON text frame: an object with a `type` tag, e.g. `{"type":"chat","text":"hi"}`.
//! Client messages are parsed strictly ([`ClientMessage::parse`]: size limits, no unknown fields);
//! clients should ignore server messages of a `type` they do not know, since later versions may add
//! some. See `docs/protocol.md` for the whole protocol.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::presence::PresenceStatus;
use crate::session::{EndReason, Millis, Mode, Role, Session, StateName};

/// The version of the live protocol described here. The server announces it in
/// [`ServerMessage::Hello`].
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest `data` of a signal message, serialised as compact JSON: 64 KiB.
pub const MAX_SIGNAL_BYTES: usize = 64 * 1024;

/// The largest client message (one WebSocket text frame): 80 KiB.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 80 * 1024;

/// The close code of a live socket whose server is shutting down (WebSocket 1012, "service
/// restart"): the client reconnects at once, through the load balancer to another node, and
/// resumes the session; meanwhile its peer is told it is [`PresenceStatus::Moving`].
pub const CLOSE_MOVING: u16 = 1012;

/// The close reason sent with [`CLOSE_MOVING`].
pub const CLOSE_MOVING_REASON: &str = "server restarting: reconnect";

/// The message types a client may send.
pub const CLIENT_MESSAGE_TYPES: [&str; 3] = ["chat", "signal", "ping"];

/// The message types the server may send in this version.
pub const SERVER_MESSAGE_TYPES: [&str; 7] = [
    "hello", "state", "presence", "chat", "signal", "pong", "error",
];

/// A message from a client (helper or sharer) to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ClientMessage {
    /// A chat message for the other side. The server sanitises it (see the chat rules), stores it
    /// and sends it to both sides as `Chat`.
    Chat {
        /// The message as typed.
        text: String,
    },
    /// WebRTC signalling (an SDP offer or answer, an ICE candidate...), relayed unchanged to the
    /// other side as `Signal`. Must be a JSON object of at most
    /// `MAX_SIGNAL_BYTES`.
    Signal {
        /// The signalling payload, opaque to the server.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        data: Value,
    },
    /// A heartbeat; the server answers `Pong`.
    Ping,
}

/// A message from the server to a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ServerMessage {
    /// The first message on every connection (and every reconnection).
    Hello {
        /// The server's protocol version, `PROTOCOL_VERSION`.
        protocol_version: u32,
        /// The role of the receiving client in this session.
        role: Role,
        /// The session as this client may see it.
        session: SessionView,
    },
    /// The session changed (state, mode, profiles, warnings...).
    State {
        /// The session as this client may see it.
        session: SessionView,
    },
    /// The other side came online, left or was lost.
    Presence {
        /// Whose presence changed.
        role: Role,
        /// The new status.
        status: PresenceStatus,
    },
    /// A chat message, sent to both sides (the sender gets its own message back with its id).
    Chat {
        /// The message's id, unique in the session; use it to drop duplicates after a reconnection.
        id: String,
        /// Who wrote it.
        from: Role,
        /// The sanitised text. Render as text, never as HTML.
        text: String,
        /// When the server accepted it.
        sent_at: Millis,
        /// The message's place in the session's chat thread: 1, 2, 3... without gaps. A client
        /// that receives `seq` more than one past the last it has missed messages: it fetches
        /// `GET /api/sessions/{id}/chat` and shows what it lacks. One not above the last it has
        /// is a repeat: it drops it. (0 from a server that predates the field.)
        #[serde(default)]
        seq: u64,
    },
    /// Signalling from the other side, as it sent it.
    Signal {
        /// The signalling payload.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        data: Value,
    },
    /// The answer to a `Ping`.
    Pong,
    /// A client message was refused. The connection stays open.
    Error {
        /// What went wrong.
        error: ErrorBody,
    },
    /// A message of a `type` this version does not know (a later server's), as
    /// [`ServerMessage::read`] gives it: clients ignore it. The server never sends it (it is not
    /// serialised, and has no schema).
    #[serde(other, skip_serializing)]
    Unknown,
}

/// A machine-readable error code and a sentence for people. The same shape as the HTTP API's
/// `{"error": {...}}` bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable code, e.g. `chat_too_long`.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
}

/// The HTTP API's error body: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorResponse {
    /// The error.
    pub error: ErrorBody,
}

impl ErrorBody {
    /// An error body from a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// A session as one participant sees it: in `hello` and `state` messages and from
/// `GET /api/sessions/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// The session's id.
    pub id: String,
    /// The state: `waiting`, `joined`, `requested`, `active`, `denied`, `expired` or `ended`.
    pub state: StateName,
    /// The mode asked for or active; once over, the highest mode that was allowed.
    pub mode: Option<Mode>,
    /// The mode media (and, for control, input) flows in right now.
    pub active_mode: Option<Mode>,
    /// The security code, grouped (`4k7m r9gx`): only for the helper, only while waiting.
    pub code: Option<String>,
    /// The join link (`/rh?passcode=...`): only for the helper, only while waiting.
    pub link: Option<String>,
    /// When the security code expires.
    pub expires_at: Millis,
    /// When the helper created the session.
    pub created_at: Millis,
    /// When the session first became active.
    pub started_at: Option<Millis>,
    /// When the session ended, expired or was denied.
    pub ended_at: Option<Millis>,
    /// Why the session ended (state `ended` only).
    pub end_reason: Option<EndReason>,
    /// The role of the participant this view is for.
    pub your_role: Option<Role>,
    /// The helper's trust-screen profile.
    pub helper: Option<Profile>,
    /// The sharer's trust-screen profile, once joined.
    pub sharer: Option<Profile>,
    /// The sharer's device, if known.
    pub device: Option<DeviceSummary>,
    /// Warnings for the helper (never blocking).
    pub warnings: Vec<Warning>,
    /// Whether chat is on for this session (off when the tenant disables chat).
    pub chat_enabled: bool,
    /// Whether the sharer's agent may allow the helper's requests without asking the sharer
    /// (unattended consent), as the server decides now: the helper holds
    /// `remote_help.unattended` for this sharer, the sharer is on an enrolled device that proved
    /// itself, and conditional access does not refuse it. The server checks again when the agent
    /// allows.
    #[serde(default)]
    pub unattended_allowed: bool,
    /// Why unattended consent is not allowed (once a sharer has joined and while the session is
    /// not over): e.g. `unattended_not_permitted`, `unattended_web_sharer`.
    #[serde(default)]
    pub unattended_refusal: Option<ErrorBody>,
    /// For a session started for an enrolled device, while it waits (helper only): whether its
    /// user was asked, declined, or cannot be asked because the device is offline. Absent
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_offer: Option<DeviceOffer>,
    /// When the sharer last took control back (the session went on as view only); absent once
    /// control is allowed again, or if it never was taken back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_stopped_at: Option<Millis>,
}

/// Where the offer of a session to its device stands (see [`SessionView::device_offer`]).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceOffer {
    /// `offered` (the device's user is asked), `declined`, or `offline` (the device's agent is
    /// not connected; it is asked when it connects again while the session waits).
    pub status: String,
    /// Since when: the offer or decline, or the device's going offline (`null`: never online).
    pub since: Option<Millis>,
}

impl SessionView {
    /// Ended, expired or denied: nothing more will happen.
    pub fn is_over(&self) -> bool {
        self.state.is_terminal()
    }

    /// A view of `session` with the fields the state machine knows filled in: `state`, `mode`,
    /// `active_mode`, `expires_at`, `created_at`, `started_at`, `ended_at`, `end_reason`,
    /// `control_stopped_at`.
    /// Everything else is empty, and `chat_enabled` is true; the server fills in the rest.
    pub fn new(id: impl Into<String>, session: &Session) -> SessionView {
        SessionView {
            id: id.into(),
            state: session.state.name(),
            mode: session.mode(),
            active_mode: session.active_mode(),
            code: None,
            link: None,
            expires_at: session.code_expires_at,
            created_at: session.created_at,
            started_at: session.started_at,
            ended_at: session.ended_at,
            end_reason: session.end_reason(),
            your_role: None,
            helper: None,
            sharer: None,
            device: None,
            warnings: Vec::new(),
            chat_enabled: true,
            unattended_allowed: false,
            unattended_refusal: None,
            device_offer: None,
            control_stopped_at: session.control_stopped_at,
        }
    }

    /// This view as the participant in `role` may see it: sets `your_role`, and drops `code` and
    /// `link` unless `role` is the helper and the session is still waiting.
    pub fn for_role(mut self, role: Role) -> SessionView {
        self.your_role = Some(role);
        if role != Role::Helper || self.state != StateName::Waiting {
            self.code = None;
            self.link = None;
            self.device_offer = None;
        }
        self
    }
}

/// One side's trust-screen profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    /// The user's id.
    pub id: String,
    /// Full name.
    pub full_name: String,
    /// Job title, if known.
    pub job_title: Option<String>,
    /// Company, if known.
    pub company: Option<String>,
    /// Profile picture URL, if any.
    pub picture_url: Option<String>,
    /// The domain of the user's email address.
    pub email_domain: String,
    /// Whether `email_domain` is one of the tenant's verified domains.
    pub domain_verified: bool,
}

/// `DeviceSummary::compliance` when every compliance policy passes.
pub const COMPLIANCE_COMPLIANT: &str = "compliant";
/// `DeviceSummary::compliance` when a compliance policy fails.
pub const COMPLIANCE_NOT_COMPLIANT: &str = "not_compliant";
/// `DeviceSummary::compliance` when the device has not been evaluated (yet).
pub const COMPLIANCE_NOT_EVALUATED: &str = "not_evaluated";

/// The sharer's device as the helper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceSummary {
    /// The device's id.
    pub id: String,
    /// The device's name.
    pub name: String,
    /// Whether the device is enrolled.
    pub enrolled: bool,
    /// Whether the device proved itself with its own key in this session.
    pub verified: bool,
    /// `compliant`, `not_compliant` or `not_evaluated`.
    pub compliance: String,
}

/// `code` for a device that fails a compliance policy.
pub const WARNING_DEVICE_NOT_COMPLIANT: &str = "device_not_compliant";
/// `code` for a device that is not enrolled.
pub const WARNING_DEVICE_NOT_ENROLLED: &str = "device_not_enrolled";
/// `code` for a sharer whose device could not be verified (e.g. the web app).
pub const WARNING_SHARER_UNVERIFIED: &str = "sharer_unverified";

/// A warning shown to the helper before and during the session. Never blocking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    /// `device_not_compliant`, `device_not_enrolled` or `sharer_unverified`.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
    /// Details, e.g. the compliance rules that failed.
    pub reasons: Vec<String>,
}

impl Warning {
    /// The device fails compliance; `reasons` are the failing rules.
    pub fn device_not_compliant(reasons: Vec<String>) -> Warning {
        Warning {
            code: WARNING_DEVICE_NOT_COMPLIANT.to_owned(),
            message: "The sharer's device is not compliant.".to_owned(),
            reasons,
        }
    }

    /// The device is not enrolled.
    pub fn device_not_enrolled() -> Warning {
        Warning {
            code: WARNING_DEVICE_NOT_ENROLLED.to_owned(),
            message: "The sharer's device is not enrolled.".to_owned(),
            reasons: Vec::new(),
        }
    }

    /// The sharer's device could not be verified (the web app cannot prove which device it runs on).
    pub fn sharer_unverified() -> Warning {
        Warning {
            code: WARNING_SHARER_UNVERIFIED.to_owned(),
            message: "The sharer's device could not be verified.".to_owned(),
            reasons: Vec::new(),
        }
    }
}

/// A WebSocket message that could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The frame is larger than [`MAX_CLIENT_MESSAGE_BYTES`].
    #[error("the message has {bytes} bytes; the limit is {MAX_CLIENT_MESSAGE_BYTES}")]
    TooLarge {
        /// The frame's size.
        bytes: usize,
    },
    /// The frame is not JSON.
    #[error("the message is not valid JSON: {0}")]
    InvalidJson(String),
    /// The frame is JSON but not an object with a string `type`.
    #[error("a message is a JSON object with a string \"type\"")]
    MissingType,
    /// The `type` is not one this side accepts.
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    /// The `type` is known but the fields are wrong (missing, extra or of the wrong kind).
    #[error("invalid {kind} message: {detail}")]
    InvalidMessage {
        /// The message type.
        kind: String,
        /// What serde found wrong.
        detail: String,
    },
    /// A signal's `data` is not a JSON object.
    #[error("signal data must be a JSON object")]
    SignalNotObject,
    /// A signal's `data` is larger than [`MAX_SIGNAL_BYTES`].
    #[error("signal data has {bytes} bytes; the limit is {MAX_SIGNAL_BYTES}")]
    SignalTooLarge {
        /// The size of `data` as compact JSON.
        bytes: usize,
    },
}

impl WireError {
    /// A stable, machine-readable code: `message_too_large`, `invalid_json`, `missing_type`,
    /// `unknown_type`, `invalid_message`, `signal_not_object` or `signal_too_large`.
    pub fn code(&self) -> &'static str {
        match self {
            WireError::TooLarge { .. } => "message_too_large",
            WireError::InvalidJson(_) => "invalid_json",
            WireError::MissingType => "missing_type",
            WireError::UnknownType(_) => "unknown_type",
            WireError::InvalidMessage { .. } => "invalid_message",
            WireError::SignalNotObject => "signal_not_object",
            WireError::SignalTooLarge { .. } => "signal_too_large",
        }
    }

    /// This error as an [`ErrorBody`].
    pub fn to_error_body(&self) -> ErrorBody {
        ErrorBody::new(self.code(), self.to_string())
    }
}

/// Cuts a string from the peer to a length fit for an error message.
fn excerpt(s: &str) -> String {
    const MAX: usize = 64;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut cut: String = s.chars().take(MAX).collect();
        cut.push('…');
        cut
    }
}

/// Parses a JSON object with a string `type` among `known`, returning the object and its type.
fn parse_tagged(text: &str, known: &[&str]) -> Result<(Value, String), WireError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| WireError::InvalidJson(e.to_string()))?;
    let kind = value
        .as_object()
        .and_then(|o| o.get("type"))
        .and_then(Value::as_str)
        .ok_or(WireError::MissingType)?
        .to_owned();
    if !known.contains(&kind.as_str()) {
        return Err(WireError::UnknownType(excerpt(&kind)));
    }
    Ok((value, kind))
}

/// Deserialises a tagged value whose `type` is known to be `kind`.
fn from_tagged<T: serde::de::DeserializeOwned>(value: Value, kind: String) -> Result<T, WireError> {
    serde_json::from_value(value).map_err(|e| WireError::InvalidMessage {
        kind,
        detail: e.to_string(),
    })
}

/// Serialises a message. These types hold only strings, numbers, booleans and JSON values, which
/// always serialise; a failure would be a bug in serde_json, not bad input.
fn to_json_string<T: Serialize>(message: &T) -> String {
    serde_json::to_string(message).expect("wire messages always serialise to JSON")
}

impl ClientMessage {
    /// Parses one WebSocket text frame from a client, enforcing [`MAX_CLIENT_MESSAGE_BYTES`], the
    /// known types, the fields of each type, and for signals that `data` is a JSON object of at
    /// most [`MAX_SIGNAL_BYTES`].
    pub fn parse(text: &str) -> Result<ClientMessage, WireError> {
        if text.len() > MAX_CLIENT_MESSAGE_BYTES {
            return Err(WireError::TooLarge { bytes: text.len() });
        }
        let (value, kind) = parse_tagged(text, &CLIENT_MESSAGE_TYPES)?;
        if kind == "signal"
            && let Some(data) = value.get("data")
        {
            if !data.is_object() {
                return Err(WireError::SignalNotObject);
            }
            let bytes = serde_json::to_vec(data).map_or(usize::MAX, |v| v.len());
            if bytes > MAX_SIGNAL_BYTES {
                return Err(WireError::SignalTooLarge { bytes });
            }
        }
        from_tagged(value, kind)
    }

    /// This message as a JSON text frame.
    pub fn to_json(&self) -> String {
        to_json_string(self)
    }
}

impl ServerMessage {
    /// Parses one WebSocket text frame from the server (for Rust clients such as the agent).
    /// A `type` this version does not know gives [`WireError::UnknownType`], which a client should
    /// ignore. Unknown fields are ignored.
    pub fn parse(text: &str) -> Result<ServerMessage, WireError> {
        let (value, kind) = parse_tagged(text, &SERVER_MESSAGE_TYPES)?;
        from_tagged(value, kind)
    }

    /// Reads one WebSocket text frame from the server the way a client must (protocol version
    /// 1): fields it does not know are ignored, and a `type` it does not know is
    /// [`ServerMessage::Unknown`], to be ignored. Errors are left for frames that are not a JSON
    /// object with a string `type`, and for known types with missing or mistyped fields.
    pub fn read(text: &str) -> Result<ServerMessage, WireError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| WireError::InvalidJson(e.to_string()))?;
        let kind = value
            .as_object()
            .and_then(|o| o.get("type"))
            .and_then(Value::as_str)
            .ok_or(WireError::MissingType)?
            .to_owned();
        from_tagged(value, excerpt(&kind))
    }

    /// This message as a JSON text frame; [`ServerMessage::Unknown`], which is never sent, as
    /// `{"type":"unknown"}`.
    pub fn to_json(&self) -> String {
        match self {
            ServerMessage::Unknown => r#"{"type":"unknown"}"#.to_owned(),
            known => to_json_string(known),
        }
    }

    /// An error message with `code` and `message`.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> ServerMessage {
        ServerMessage::Error {
            error: ErrorBody::new(code, message),
        }
    }

    /// The `hello` message for the participant in `role`, at [`PROTOCOL_VERSION`].
    pub fn hello(role: Role, session: SessionView) -> ServerMessage {
        ServerMessage::Hello {
            protocol_version: PROTOCOL_VERSION,
            role,
            session,
        }
    }
}

impl From<WireError> for ServerMessage {
    fn from(err: WireError) -> ServerMessage {
        ServerMessage::Error {
            error: err.to_error_body(),
        }
    }
}
