//! assist-proto: the pure protocol of Assist, shared by the server, the agent and the tests.
//!
//! What is here:
//!
//! - [`code`]: the 8-character security codes a helper gives a sharer (CSPRNG, no look-alikes).
//! - [`session`]: the session state machine (Waiting, Joined, Requested, Active, Denied, Expired,
//!   Ended) of `docs/architecture.md`, "The flow of a session", and the times reports need.
//! - [`presence`]: heartbeat and liveness timers, and each participant's presence with its
//!   resume grace period.
//! - [`chat`]: chat text sanitising (NFC, no bidi overrides, no control characters, a length limit).
//! - [`wire`]: the JSON messages of the live WebSocket, version [`wire::PROTOCOL_VERSION`], and the
//!   session view types the server and its clients share.
//! - [`signing`]: the signed requests of enrolled devices (canonical string, headers, Ed25519).
//! - [`device`]: enrollment, check-in, inventory and compliance facts.
//! - [`channel`]: the messages of the device channel, the long-lived socket of a running agent.
//! - [`ice`]: a session's STUN/TURN servers.
//! - [`api`]: the sign-in and session REST bodies the native agent sends and reads.
//! - [`transfer`]: clipboard text and files between helper and sharer: REST bodies, data-channel
//!   messages, safe file names, the sending window and the receiving check.
//!
//! Everything that crosses the wire between the agent, the server and the web app is defined
//! here once, so that a change to the contract is a compile error on the other side. See
//! `docs/protocol.md`, "One contract".
//!
//! How it runs: it does not. There is no I/O, no async runtime, no thread and no clock in this
//! crate. Time is always an input ([`Millis`], Unix milliseconds): callers pass `now` in and ask
//! when to come back ([`Session::next_deadline`], [`Liveness::next_wakeup`]), in the manner of
//! str0m's `handle_input` / `poll_output`. That makes every timing rule testable on a simulated
//! clock, without sleeping.
//!
//! Panic policy: nothing a client or the network sends can make this crate panic. The one
//! deliberate panic is [`SecurityCode::generate`] when the operating system has no randomness to
//! give, because a guessable code would be worse than no code.
//!
//! With the `openapi` feature, every view and wire type derives `utoipa::ToSchema`.

#![warn(
    missing_docs,
    unreachable_pub,
    let_underscore_drop,
    clippy::let_underscore_must_use
)]

pub mod api;
pub mod channel;
pub mod chat;
pub mod code;
pub mod device;
pub mod ice;
pub mod presence;
pub mod session;
pub mod signing;
pub mod transfer;
pub mod wire;

pub use chat::{CHAT_MAX_CHARS, ChatError, sanitize_chat};
pub use code::{CODE_ALPHABET, CODE_LEN, CodeError, SecurityCode};
pub use presence::{
    HEARTBEAT_INTERVAL_MS, Heartbeat, LOST_AFTER_MS, Liveness, PeerPresence, PresenceStatus,
    RESUME_GRACE_MS,
};
pub use session::{
    CODE_TTL_MS, EndReason, Event, Millis, Mode, Role, Session, State, StateName, TransitionError,
    UnknownName,
};
pub use wire::{
    CLOSE_MOVING, CLOSE_MOVING_REASON, ClientMessage, DeviceSummary, ErrorBody, ErrorResponse,
    MAX_CLIENT_MESSAGE_BYTES, MAX_SIGNAL_BYTES, PROTOCOL_VERSION, Profile, ServerMessage,
    SessionView, Warning, WireError,
};
