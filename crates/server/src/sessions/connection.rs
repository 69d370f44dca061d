//! The decisions of one participant's live connection, as a pure state machine in str0m's manner.
//!
//! `live.rs` owns the socket, the hub subscription, the store and the timers; it turns what
//! happens into an [`Input`] for [`Connection::handle_input`] (or [`Connection::handle_timeout`]
//! when the time from [`Connection::poll_timeout`] comes) and carries out every [`Action`] that
//! [`Connection::poll_output`] gives, in order. This type does no I/O, holds no task and reads no
//! clock: time is an argument. What is decided here: the greeting, heartbeats and liveness, what a
//! client frame means and what is refused, which hub events go to this client, the chat `seq`
//! (once each, in order, catching up from the store across a gap), when to read the store again
//! after it was out of reach, and how the connection ends (close frame, presence to record).
//!
//! The two-sided tests (`crates/assist/tests/two_sided.rs`) drive this machine against the agent's
//! (`assist_agent::sharer`) on a simulated clock.

use super::bus::{BusEvent, RevokeScope};
use crate::limits::LIVE_CHAT_QUEUE;
use crate::store::chat::ChatRecord;
use assist_proto::presence::{Heartbeat, Liveness, PresenceStatus};
use assist_proto::session::{Millis, Role};
use assist_proto::wire::{ClientMessage, MAX_CLIENT_MESSAGE_BYTES, ServerMessage, SessionView};
use std::collections::VecDeque;

/// The close code of a connection whose person lost the right to it (see `docs/protocol.md`).
pub const CLOSE_REVOKED: u16 = 4403;

/// The close code of a connection the server closes because it is going away (RFC 6455's 1001):
/// the client reconnects, to another node, and resumes within the grace period.
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// The close reason that goes with [`CLOSE_GOING_AWAY`].
pub const SHUTDOWN_REASON: &str = "going_away: the server is shutting down; reconnect";

/// The close code for a message over the limit (RFC 6455's 1009, "message too big").
const CLOSE_TOO_BIG: u16 = 1009;

/// The longest close reason: a close frame's payload is at most 125 bytes, 2 of them the code.
const CLOSE_REASON_MAX_BYTES: usize = 120;

/// What the connection knows of the session after reading it from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The session as this participant may see it.
    pub view: SessionView,
    /// Whether the session is not over yet (chat and signalling are allowed).
    pub live: bool,
    /// Whether a mode is active (signalling is allowed).
    pub media: bool,
    /// The other participant's presence, if it ever connected.
    pub peer: Option<PresenceStatus>,
}

/// A frame read from the client (or the failure to read one).
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// A text message.
    Text(String),
    /// A binary message (refused: the protocol is JSON text).
    Binary,
    /// A WebSocket ping or pong: a sign of life only.
    Control,
    /// The client closed the connection.
    Close,
    /// The client sent a message over `WS_MAX_MESSAGE_BYTES`.
    TooLarge,
    /// The connection ended without a close frame, or reading failed.
    Failed,
}

/// Something that happened to the connection.
#[derive(Debug)]
pub enum Input<'a> {
    /// The credential the connection was opened with was revoked before the hub listened.
    SignInEnded,
    /// The connection is subscribed and marked online: greet the client.
    Greet {
        /// The session as read after marking this side online.
        session: Snapshot,
        /// The last chat `seq` of the thread when the connection opened.
        chat_seq: i64,
    },
    /// A frame from the client.
    Frame(Frame),
    /// An event of the session from the hub.
    Event(&'a BusEvent),
    /// The hub dropped events for this connection (it was slow).
    Lagged,
    /// The hub closed the subscription.
    HubClosed,
    /// The answer to an [`Action::Load`].
    Loaded(Loaded),
    /// An [`Action::Load`] failed: the store is out of reach.
    LoadFailed,
    /// An [`Action::StoreChat`] found the connection's chat queue full.
    ChatBusy,
    /// The chat writer refused a message (flood limit, chat turned off, session over).
    ChatRefused {
        /// The error code.
        code: String,
        /// The sentence for the person.
        message: String,
    },
    /// Writing to the client failed; `closed_cleanly`: its close frame was found after.
    WriteFailed {
        /// Whether the client had sent a close frame (a leave, not a loss).
        closed_cleanly: bool,
    },
    /// The server is shutting down: the client should reconnect (to another node).
    Shutdown,
}

/// What the store said, for an [`Action::Load`].
#[derive(Debug, Clone)]
pub enum Loaded {
    /// For [`Load::State`].
    State(Snapshot),
    /// For [`Load::ChatAfter`]: the messages after the given `seq`, in order.
    Chat(Vec<ChatRecord>),
    /// For [`Load::Resync`].
    Resync {
        /// The session now.
        session: Snapshot,
        /// The messages after the given `seq`, in order.
        chat: Vec<ChatRecord>,
    },
}

/// What to read from the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// The session, for a fresh `state`.
    State,
    /// The chat messages after this `seq`.
    ChatAfter(i64),
    /// The session and the chat messages after this `seq`: everything the client may have missed.
    Resync(i64),
}

/// What the owner of the connection must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send this message to the client.
    Send(ServerMessage),
    /// Send a WebSocket ping frame.
    Ping,
    /// Publish this event of the session on the hub.
    Publish(BusEvent),
    /// Hand this chat text to the connection's chat writer (answer [`Input::ChatBusy`] if its
    /// queue is full).
    StoreChat(String),
    /// Read the store and answer with [`Input::Loaded`] or [`Input::LoadFailed`].
    Load(Load),
    /// The connection is over: close it as said and stop. Nothing follows.
    End(Ending),
}

/// How a connection ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    /// Why, for the log.
    pub how: &'static str,
    /// The close frame to send.
    pub close: Closing,
    /// The presence to record for this side, if any.
    pub presence: Option<PresenceStatus>,
}

/// The close frame a connection sends as it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closing {
    /// None: the client closed it, or is gone.
    Nothing,
    /// A close frame without a code.
    Bare,
    /// A close frame with this code and reason.
    With {
        /// The close code.
        code: u16,
        /// The reason, at most `CLOSE_REASON_MAX_BYTES`.
        reason: String,
    },
}

impl Closing {
    fn with(code: u16, reason: &str) -> Closing {
        let mut reason = reason.to_owned();
        while reason.len() > CLOSE_REASON_MAX_BYTES {
            reason.pop();
        }
        Closing::With { code, reason }
    }
}

/// Who the connection belongs to, as the hub's events name it.
#[derive(Debug, Clone)]
pub struct Owner {
    /// The participant's side.
    pub role: Role,
    /// This connection's id (`Hub::new_conn_id`).
    pub conn: String,
    /// The person.
    pub user_id: String,
    /// The hash of the cookie or bearer token the connection was opened with.
    pub credential: String,
    /// Whether that credential is a sign-in cookie.
    pub cookie: bool,
}

/// The state of one live connection.
#[derive(Debug)]
pub struct Connection {
    owner: Owner,
    liveness: Liveness,
    /// The session is not over: chat and signalling are allowed.
    live: bool,
    /// A mode is active: signalling is allowed.
    media: bool,
    /// The last chat `seq` sent to the client.
    chat_seq: i64,
    /// A store read failed: resync on the next wake-up.
    behind: bool,
    out: VecDeque<Action>,
    ended: bool,
}

impl Connection {
    /// A connection opened at `now`.
    pub fn new(owner: Owner, now: Millis) -> Connection {
        Connection {
            owner,
            liveness: Liveness::for_server(now),
            live: false,
            media: false,
            chat_seq: 0,
            behind: false,
            out: VecDeque::new(),
            ended: false,
        }
    }

    /// The side this connection belongs to.
    pub fn role(&self) -> Role {
        self.owner.role
    }

    /// Whether the connection has ended ([`Action::End`] was given).
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// The last chat `seq` sent to the client.
    pub fn chat_seq(&self) -> i64 {
        self.chat_seq
    }

    /// The next action to carry out, if any.
    pub fn poll_output(&mut self) -> Option<Action> {
        self.out.pop_front()
    }

    /// When to call [`Connection::handle_timeout`] unless an input comes first.
    pub fn poll_timeout(&self, now: Millis) -> Millis {
        self.liveness.next_wakeup(now)
    }

    /// The time has come: a heartbeat, a loss, or a retry of a failed store read.
    pub fn handle_timeout(&mut self, now: Millis) {
        if self.ended {
            return;
        }
        match self.liveness.poll(now) {
            Heartbeat::Lost => return self.end_lost("silent past the heartbeat limit"),
            Heartbeat::Ping => self.out.push_back(Action::Ping),
            Heartbeat::WaitUntil(_) => {}
        }
        if self.behind {
            self.out.push_back(Action::Load(Load::Resync(self.chat_seq)));
        }
    }

    /// Takes in what happened at `now`.
    pub fn handle_input(&mut self, input: Input<'_>, now: Millis) {
        if self.ended {
            return;
        }
        match input {
            Input::SignInEnded => self.end(Ending {
                how: "revoked",
                close: Closing::with(CLOSE_REVOKED, "your sign-in has ended"),
                presence: None,
            }),
            Input::Greet { session, chat_seq } => {
                self.chat_seq = chat_seq;
                self.live = session.live;
                self.media = session.media;
                let role = self.owner.role;
                self.send(ServerMessage::hello(role, session.view));
                if let Some(status) = session.peer {
                    self.send(ServerMessage::Presence {
                        role: role.peer(),
                        status,
                    });
                }
            }
            Input::Frame(frame) => {
                self.liveness.seen(now);
                self.on_frame(frame);
            }
            Input::Event(event) => self.on_event(event),
            // Missed events: the store says everything that matters.
            Input::Lagged => self.load(Load::Resync(self.chat_seq)),
            Input::HubClosed => self.end_lost("the hub closed"),
            Input::Loaded(loaded) => self.on_loaded(loaded),
            // The store out of reach must not end the connection (its heartbeat needs none):
            // catch up from the store once it answers again.
            Input::LoadFailed => self.behind = true,
            Input::ChatBusy => self.send(ServerMessage::error(
                "chat_busy",
                format!(
                    "more than {LIVE_CHAT_QUEUE} messages are waiting to be stored; \
                     send this one again in a moment"
                ),
            )),
            Input::ChatRefused { code, message } => self.send(ServerMessage::error(code, message)),
            Input::WriteFailed { closed_cleanly } => {
                // What was still to be sent is for a client that is gone.
                self.out.clear();
                if closed_cleanly {
                    self.end_left();
                } else {
                    self.end_lost("write failed");
                }
            }
            Input::Shutdown => self.end(Ending {
                how: "shutting down",
                close: Closing::with(CLOSE_GOING_AWAY, SHUTDOWN_REASON),
                // Not a leave and not a loss: the participant is moving to another node.
                presence: None,
            }),
        }
    }

    fn on_frame(&mut self, frame: Frame) {
        match frame {
            Frame::TooLarge => {
                self.send(ServerMessage::error(
                    "message_too_large",
                    format!("a message may have at most {MAX_CLIENT_MESSAGE_BYTES} bytes"),
                ));
                self.end(Ending {
                    how: "message too large",
                    close: Closing::with(CLOSE_TOO_BIG, "message too large"),
                    presence: Some(PresenceStatus::Lost),
                });
            }
            Frame::Failed => self.end_lost("read failed"),
            Frame::Close => self.end_left(),
            Frame::Binary => self.send(ServerMessage::error(
                "binary_not_supported",
                "send JSON text messages",
            )),
            Frame::Control => {}
            Frame::Text(raw) => self.on_message(&raw),
        }
    }

    fn on_message(&mut self, raw: &str) {
        let msg = match ClientMessage::parse(raw) {
            Ok(m) => m,
            Err(e) => return self.send(e.into()),
        };
        match msg {
            ClientMessage::Ping => self.send(ServerMessage::Pong),
            ClientMessage::Signal { data } => {
                if !self.live || !self.media {
                    return self.send(ServerMessage::error(
                        "signal_not_allowed",
                        "screen sharing starts after the sharer allows it",
                    ));
                }
                self.out.push_back(Action::Publish(BusEvent::Signal {
                    from: self.owner.role,
                    data,
                }));
            }
            ClientMessage::Chat { text } => {
                // The store refuses a message for a session that is over in the statement that
                // stores it; `live` only saves the trip when this connection already knows.
                if !self.live {
                    return self.send(ServerMessage::error(
                        "session_over",
                        "the session is over; chat is closed",
                    ));
                }
                self.out.push_back(Action::StoreChat(text));
            }
        }
    }

    fn on_event(&mut self, event: &BusEvent) {
        let role = self.owner.role;
        match event {
            BusEvent::State => self.load(Load::State),
            BusEvent::Presence { role: r, status } if *r != role => {
                self.send(ServerMessage::Presence {
                    role: *r,
                    status: *status,
                })
            }
            BusEvent::Chat {
                id,
                from,
                text,
                sent_at,
            } => {
                let seq = id.parse::<i64>().unwrap_or(0);
                if seq <= self.chat_seq {
                    // Already sent (a catch-up read it first).
                } else if seq == self.chat_seq + 1 {
                    self.chat_seq = seq;
                    self.send(ServerMessage::Chat {
                        id: id.clone(),
                        from: *from,
                        text: text.clone(),
                        sent_at: *sent_at,
                        seq: seq as u64,
                    });
                } else {
                    // Earlier messages did not come (yet): the store has them.
                    self.load(Load::ChatAfter(self.chat_seq));
                }
            }
            BusEvent::Signal { from, data } if *from != role => {
                self.send(ServerMessage::Signal { data: data.clone() })
            }
            BusEvent::Replaced { role: r, conn } if *r == role && *conn != self.owner.conn => {
                self.end(Ending {
                    how: "replaced",
                    close: Closing::Bare,
                    presence: None,
                })
            }
            BusEvent::Revoked {
                user_id,
                scope,
                reason,
            } if *user_id == self.owner.user_id && self.covered_by(scope) => {
                self.send(ServerMessage::error("access_revoked", reason.clone()));
                self.end(Ending {
                    how: "revoked",
                    close: Closing::with(CLOSE_REVOKED, reason),
                    // Not a lost network: the person is gone on purpose.
                    presence: Some(PresenceStatus::Left),
                });
            }
            BusEvent::Resync => self.load(Load::Resync(self.chat_seq)),
            _ => {}
        }
    }

    fn on_loaded(&mut self, loaded: Loaded) {
        match loaded {
            Loaded::State(session) => {
                self.live = session.live;
                self.media = session.media;
                self.send(ServerMessage::State {
                    session: session.view,
                });
            }
            Loaded::Chat(records) => self.send_chat(records),
            Loaded::Resync { session, chat } => {
                self.behind = false;
                self.live = session.live;
                self.media = session.media;
                self.send(ServerMessage::State {
                    session: session.view,
                });
                if let Some(status) = session.peer {
                    self.send(ServerMessage::Presence {
                        role: self.owner.role.peer(),
                        status,
                    });
                }
                self.send_chat(chat);
            }
        }
    }

    /// Sends the stored messages the client has not been sent, in order.
    fn send_chat(&mut self, records: Vec<ChatRecord>) {
        for r in records {
            if r.seq <= self.chat_seq {
                continue;
            }
            self.chat_seq = r.seq;
            self.send(ServerMessage::Chat {
                id: r.seq.to_string(),
                from: r.from,
                text: r.text,
                sent_at: r.sent_at,
                seq: r.seq as u64,
            });
        }
    }

    fn covered_by(&self, scope: &RevokeScope) -> bool {
        scope.covers(&self.owner.credential, self.owner.cookie)
    }

    fn send(&mut self, message: ServerMessage) {
        self.out.push_back(Action::Send(message));
    }

    fn load(&mut self, what: Load) {
        self.out.push_back(Action::Load(what));
    }

    fn end_left(&mut self) {
        self.end(Ending {
            how: "left",
            close: Closing::Nothing,
            presence: Some(PresenceStatus::Left),
        });
    }

    fn end_lost(&mut self, how: &'static str) {
        self.end(Ending {
            how,
            close: Closing::Nothing,
            presence: Some(PresenceStatus::Lost),
        });
    }

    fn end(&mut self, ending: Ending) {
        self.ended = true;
        self.out.push_back(Action::End(ending));
    }
}
