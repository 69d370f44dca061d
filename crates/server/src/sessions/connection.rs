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
//! A connection whose node stops (`crate::shutdown`, [`Input::Shutdown`]) is not gone: its
//! participant is moving to another node. The machine records `moving` (not `lost`, not `left`)
//! for its side, sends the close frame `CLOSE_MOVING` with `CLOSE_MOVING_REASON`, on which the
//! clients reconnect at once, and then waits for the client's own close frame for at most
//! `MOVING_CLOSE_WAIT_MS`: what the client sent before it (a chat message typed a moment earlier,
//! up to `LIVE_CHAT_QUEUE` messages) is still handled, so that a restart loses no message. Nothing
//! more is sent to a client that has been told to go.
//!
//! The two-sided tests (`crates/assist/tests/two_sided.rs`) drive this machine against the agent's
//! (`assist_agent::sharer`) on a simulated clock.

use super::bus::{BusEvent, RevokeScope, Saved};
use crate::limits::{LIVE_CHAT_QUEUE, MOVING_CLOSE_WAIT_MS};
use crate::store::chat::ChatRecord;
use assist_proto::presence::{Heartbeat, Liveness, PresenceStatus};
use assist_proto::session::{Millis, Role};
use assist_proto::wire::{
    CLOSE_MOVING, CLOSE_MOVING_REASON, ClientMessage, MAX_CLIENT_MESSAGE_BYTES, ServerMessage,
    SessionView,
};
use std::collections::VecDeque;

/// The close code of a connection whose person lost the right to it (see `docs/protocol.md`).
pub const CLOSE_REVOKED: u16 = 4403;

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
    /// The session's version this was read at.
    pub version: i64,
}

impl Snapshot {
    /// The session a change saved ([`BusEvent::Changed`]), as the connection of `role` sees it.
    pub fn of_saved(saved: &Saved, role: Role) -> Snapshot {
        Snapshot {
            view: saved.view.clone().for_role(role),
            live: saved.live,
            media: saved.media,
            peer: match role.peer() {
                Role::Helper => saved.helper,
                Role::Sharer => saved.sharer,
            },
            version: saved.version,
        }
    }
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
    /// The node is stopping: the participant moves to another node (see the module's doc).
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
    /// Send this message to the client (boxed: it is the largest action by far).
    Send(Box<ServerMessage>),
    /// Send a WebSocket ping frame.
    Ping,
    /// Publish this event of the session on the hub.
    Publish(BusEvent),
    /// Hand this chat text to the connection's chat writer (answer [`Input::ChatBusy`] if its
    /// queue is full).
    StoreChat(String),
    /// Read the store and answer with [`Input::Loaded`] or [`Input::LoadFailed`].
    Load(Load),
    /// Record this presence for this side (unless a newer connection of the side has taken
    /// over) and publish it; the connection goes on whether or not the store took it.
    Record(PresenceStatus),
    /// Send this close frame; the connection still reads until the client's close frame.
    Close(Closing),
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
    /// The newest session version the client was sent (a [`BusEvent::Changed`] that is not
    /// newer is not sent: the client has it, or something newer).
    version: i64,
    /// A store read failed: resync on the next wake-up.
    behind: bool,
    /// The node stops and the client was told to move: its last frames are still handled.
    moving: Option<Moving>,
    out: VecDeque<Action>,
    ended: bool,
}

/// A connection told to move, waiting for the client's close frame.
#[derive(Debug, Clone, Copy)]
struct Moving {
    /// When to stop waiting: `MOVING_CLOSE_WAIT_MS` after the close frame.
    until: Millis,
    /// The text messages handled since the close frame (at most `LIVE_CHAT_QUEUE`).
    late: usize,
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
            version: i64::MIN,
            behind: false,
            moving: None,
            out: VecDeque::new(),
            ended: false,
        }
    }

    /// The side this connection belongs to.
    pub fn role(&self) -> Role {
        self.owner.role
    }

    /// Whether the client was told to move ([`Input::Shutdown`]) and the connection is waiting
    /// for its close frame.
    pub fn is_moving(&self) -> bool {
        self.moving.is_some()
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
        match self.moving {
            Some(m) => m.until,
            None => self.liveness.next_wakeup(now),
        }
    }

    /// The time has come: a heartbeat, a loss, or a retry of a failed store read.
    pub fn handle_timeout(&mut self, now: Millis) {
        if self.ended {
            return;
        }
        if let Some(m) = self.moving {
            if now >= m.until {
                // Past the wait, what came so far was handled.
                self.end_moved("moved: no close frame in time");
            }
            return;
        }
        match self.liveness.poll(now) {
            Heartbeat::Lost => return self.end_lost("silent past the heartbeat limit"),
            Heartbeat::Ping => self.out.push_back(Action::Ping),
            Heartbeat::WaitUntil(_) => {}
        }
        if self.behind {
            self.out
                .push_back(Action::Load(Load::Resync(self.chat_seq)));
        }
    }

    /// Takes in what happened at `now`.
    pub fn handle_input(&mut self, input: Input<'_>, now: Millis) {
        if self.ended {
            return;
        }
        if self.moving.is_some() {
            return self.on_input_moving(input);
        }
        match input {
            Input::SignInEnded => self.end(Ending {
                how: "revoked",
                close: Closing::with(CLOSE_REVOKED, "your sign-in has ended"),
                presence: None,
            }),
            Input::Greet { session, chat_seq } => {
                self.chat_seq = chat_seq;
                self.version = self.version.max(session.version);
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
                // Liveness comes from the client's own messages: a browser answers WebSocket
                // pings by itself, even while the page's script is stuck or paused.
                if !matches!(frame, Frame::Control) {
                    self.liveness.seen(now);
                }
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
            Input::Shutdown => {
                // Not a leave and not a loss: the participant is moving to another node. What
                // was still to be sent is for the client's next connection to read.
                self.out.clear();
                self.out.push_back(Action::Record(PresenceStatus::Moving));
                self.out.push_back(Action::Close(Closing::with(
                    CLOSE_MOVING,
                    CLOSE_MOVING_REASON,
                )));
                self.moving = Some(Moving {
                    until: now.saturating_add(MOVING_CLOSE_WAIT_MS as Millis),
                    late: 0,
                });
            }
        }
    }

    /// An input after the client was told to move: its messages up to its close frame are
    /// handled (nothing is sent to it any more); the hub and the store no longer matter.
    fn on_input_moving(&mut self, input: Input<'_>) {
        let Input::Frame(frame) = input else {
            return;
        };
        match frame {
            Frame::Text(raw) => {
                if let Some(m) = &mut self.moving
                    && m.late < LIVE_CHAT_QUEUE
                {
                    m.late += 1;
                    self.on_message(&raw);
                }
            }
            Frame::Close => self.end_moved("moved"),
            Frame::Failed | Frame::TooLarge => self.end_moved("moved: read failed"),
            Frame::Binary | Frame::Control => {}
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
            BusEvent::Changed(saved) if saved.version > self.version => {
                self.on_loaded(Loaded::State(Snapshot::of_saved(saved, role)))
            }
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
            BusEvent::Replaced { role: r, conn } if *r == role && *conn != self.owner.conn => self
                .end(Ending {
                    how: "replaced",
                    close: Closing::Bare,
                    presence: None,
                }),
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
                self.version = self.version.max(session.version);
                self.live = session.live;
                self.media = session.media;
                self.send(ServerMessage::State {
                    session: session.view,
                });
            }
            Loaded::Chat(records) => self.send_chat(records),
            Loaded::Resync { session, chat } => {
                self.behind = false;
                self.version = self.version.max(session.version);
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
        // A client told to move gets nothing more on this connection.
        if self.moving.is_none() {
            self.out.push_back(Action::Send(Box::new(message)));
        }
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

    /// The end of a connection told to move: its close frame was sent and `moving` recorded.
    fn end_moved(&mut self, how: &'static str) {
        self.end(Ending {
            how,
            close: Closing::Nothing,
            presence: None,
        });
    }

    fn end(&mut self, ending: Ending) {
        self.ended = true;
        self.out.push_back(Action::End(ending));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assist_proto::presence::{HEARTBEAT_INTERVAL_MS, LOST_AFTER_MS};
    use assist_proto::session::{Mode, Session};

    const T0: Millis = 1_700_000_000_000;

    fn snapshot(live: bool, media: bool, peer: Option<PresenceStatus>) -> Snapshot {
        let mut session = Session::new(T0, 60_000, None);
        if media {
            session
                .apply(assist_proto::session::Event::Join, T0)
                .unwrap();
            session
                .apply(
                    assist_proto::session::Event::Request { mode: Mode::View },
                    T0,
                )
                .unwrap();
            session
                .apply(assist_proto::session::Event::Consent { allow: true }, T0)
                .unwrap();
        }
        Snapshot {
            view: SessionView::new("s1", &session).for_role(Role::Helper),
            live,
            media,
            peer,
            version: 0,
        }
    }

    fn owner() -> Owner {
        Owner {
            role: Role::Helper,
            conn: "n1.c1".into(),
            user_id: "u1".into(),
            credential: "cookie-hash".into(),
            cookie: true,
        }
    }

    /// A greeted connection of a live session with active media, chat at `seq` 3.
    fn greeted() -> Connection {
        let mut c = Connection::new(owner(), T0);
        c.handle_input(
            Input::Greet {
                session: snapshot(true, true, Some(PresenceStatus::Online)),
                chat_seq: 3,
            },
            T0,
        );
        drain(&mut c);
        c
    }

    fn drain(c: &mut Connection) -> Vec<Action> {
        std::iter::from_fn(|| c.poll_output()).collect()
    }

    fn sent(actions: &[Action]) -> Vec<&ServerMessage> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Send(m) => Some(&**m),
                _ => None,
            })
            .collect()
    }

    fn error_code(actions: &[Action]) -> Option<&str> {
        sent(actions).into_iter().find_map(|m| match m {
            ServerMessage::Error { error } => Some(error.code.as_str()),
            _ => None,
        })
    }

    fn chat_event(seq: i64) -> BusEvent {
        BusEvent::Chat {
            id: seq.to_string(),
            from: Role::Sharer,
            text: format!("m{seq}"),
            sent_at: T0,
        }
    }

    fn record(seq: i64) -> ChatRecord {
        ChatRecord {
            seq,
            from: Role::Sharer,
            sender_id: "u2".into(),
            text: format!("m{seq}"),
            sent_at: T0,
        }
    }

    #[test]
    fn greets_with_hello_then_the_peers_presence() {
        let mut c = Connection::new(owner(), T0);
        c.handle_input(
            Input::Greet {
                session: snapshot(true, false, Some(PresenceStatus::Lost)),
                chat_seq: 0,
            },
            T0,
        );
        let out = drain(&mut c);
        assert!(matches!(
            sent(&out)[..],
            [
                ServerMessage::Hello {
                    role: Role::Helper,
                    ..
                },
                ServerMessage::Presence {
                    role: Role::Sharer,
                    status: PresenceStatus::Lost
                }
            ]
        ));
    }

    #[test]
    fn a_heartbeat_just_in_time_keeps_the_connection_and_a_late_one_does_not_save_it() {
        let mut c = greeted();
        // Frames LOST_AFTER_MS - 1 apart, for an hour: never lost.
        let mut now = T0;
        while now < T0 + 3_600_000 {
            let next = now + LOST_AFTER_MS - 1;
            while c.poll_timeout(now) < next {
                now = c.poll_timeout(now);
                c.handle_timeout(now);
            }
            now = next;
            c.handle_input(Input::Frame(Frame::Text(r#"{"type":"ping"}"#.into())), now);
            assert!(!drain(&mut c).iter().any(|a| matches!(a, Action::End(_))));
        }
        // Silence: pinged one interval after the last frame, lost exactly LOST_AFTER_MS after it.
        let last = now;
        assert_eq!(c.poll_timeout(now), last + HEARTBEAT_INTERVAL_MS);
        c.handle_timeout(last + HEARTBEAT_INTERVAL_MS);
        assert_eq!(drain(&mut c), [Action::Ping]);
        let mut now = last + HEARTBEAT_INTERVAL_MS;
        while c.poll_timeout(now) < last + LOST_AFTER_MS {
            now = c.poll_timeout(now);
            c.handle_timeout(now);
            assert_eq!(
                drain(&mut c),
                [Action::Ping],
                "a ping each interval of silence"
            );
        }
        assert_eq!(c.poll_timeout(now), last + LOST_AFTER_MS);
        c.handle_timeout(last + LOST_AFTER_MS);
        let out = drain(&mut c);
        assert_eq!(
            out,
            [Action::End(Ending {
                how: "silent past the heartbeat limit",
                close: Closing::Nothing,
                presence: Some(PresenceStatus::Lost),
            })]
        );
        // A frame after the end changes nothing.
        c.handle_input(Input::Frame(Frame::Close), last + LOST_AFTER_MS + 1);
        assert!(drain(&mut c).is_empty());
    }

    #[test]
    fn pongs_alone_do_not_keep_a_silent_client_alive() {
        let mut c = greeted();
        c.handle_input(Input::Frame(Frame::Text(r#"{"type":"ping"}"#.into())), T0);
        drain(&mut c);
        // The browser's automatic pongs answer every ping, but the page says nothing.
        let mut now = T0;
        let mut ended = None;
        while now < T0 + 10 * LOST_AFTER_MS && ended.is_none() {
            now = c.poll_timeout(now);
            c.handle_timeout(now);
            for a in drain(&mut c) {
                match a {
                    Action::Ping => c.handle_input(Input::Frame(Frame::Control), now),
                    Action::End(e) => ended = Some((now, e)),
                    _ => {}
                }
            }
        }
        let (at, ending) = ended.expect("the client is declared lost");
        assert_eq!(at, T0 + LOST_AFTER_MS);
        assert_eq!(ending.presence, Some(PresenceStatus::Lost));
    }

    #[test]
    fn a_store_out_of_reach_is_caught_up_on_the_next_wake_up() {
        let mut c = greeted();
        c.handle_input(Input::Event(&BusEvent::State), T0 + 10);
        assert_eq!(drain(&mut c), [Action::Load(Load::State)]);
        c.handle_input(Input::LoadFailed, T0 + 20);
        assert!(
            drain(&mut c).is_empty(),
            "nothing sent, the connection lives"
        );
        let wake = c.poll_timeout(T0 + 20);
        c.handle_timeout(wake);
        let out = drain(&mut c);
        assert!(out.contains(&Action::Load(Load::Resync(3))), "{out:?}");
        c.handle_input(
            Input::Loaded(Loaded::Resync {
                session: snapshot(false, false, Some(PresenceStatus::Left)),
                chat: vec![record(3), record(4), record(5)],
            }),
            wake,
        );
        let out = drain(&mut c);
        let out = sent(&out);
        assert!(matches!(out[0], ServerMessage::State { .. }));
        assert_eq!(
            out[1],
            &ServerMessage::Presence {
                role: Role::Sharer,
                status: PresenceStatus::Left
            }
        );
        let seqs: Vec<u64> = out[2..]
            .iter()
            .map(|m| match m {
                ServerMessage::Chat { seq, .. } => *seq,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(seqs, [4, 5], "3 was sent already");
        assert_eq!(c.chat_seq(), 5);
        // Caught up: the next wake-up reads nothing; the session is over, so chat is refused.
        c.handle_timeout(c.poll_timeout(wake));
        assert!(!drain(&mut c).iter().any(|a| matches!(a, Action::Load(_))));
        c.handle_input(
            Input::Frame(Frame::Text(r#"{"type":"chat","text":"hi"}"#.into())),
            wake,
        );
        assert_eq!(error_code(&drain(&mut c)), Some("session_over"));
    }

    #[test]
    fn chat_goes_out_once_in_order_and_a_gap_is_read_from_the_store() {
        let mut c = greeted();
        c.handle_input(Input::Event(&chat_event(3)), T0);
        assert!(drain(&mut c).is_empty(), "a repeat");
        c.handle_input(Input::Event(&chat_event(4)), T0);
        assert_eq!(sent(&drain(&mut c)).len(), 1);
        c.handle_input(Input::Event(&chat_event(7)), T0);
        assert_eq!(drain(&mut c), [Action::Load(Load::ChatAfter(4))]);
        c.handle_input(
            Input::Loaded(Loaded::Chat(vec![record(5), record(6), record(7)])),
            T0,
        );
        assert_eq!(sent(&drain(&mut c)).len(), 3);
        c.handle_input(Input::Event(&chat_event(6)), T0);
        assert!(drain(&mut c).is_empty(), "read with the gap");
        assert_eq!(c.chat_seq(), 7);
    }

    #[test]
    fn client_messages_are_answered_relayed_or_refused() {
        let text = |s: &str| Input::Frame(Frame::Text(s.into()));
        let mut c = greeted();
        c.handle_input(text(r#"{"type":"ping"}"#), T0);
        assert_eq!(drain(&mut c), [Action::Send(Box::new(ServerMessage::Pong))]);
        c.handle_input(text(r#"{"type":"signal","data":{"type":"offer"}}"#), T0);
        assert!(matches!(
            drain(&mut c)[..],
            [Action::Publish(BusEvent::Signal {
                from: Role::Helper,
                ..
            })]
        ));
        c.handle_input(text(r#"{"type":"chat","text":"hi"}"#), T0);
        assert_eq!(drain(&mut c), [Action::StoreChat("hi".into())]);
        c.handle_input(Input::ChatBusy, T0);
        assert_eq!(error_code(&drain(&mut c)), Some("chat_busy"));
        c.handle_input(Input::Frame(Frame::Binary), T0);
        assert_eq!(error_code(&drain(&mut c)), Some("binary_not_supported"));
        c.handle_input(Input::Frame(Frame::Control), T0);
        assert!(drain(&mut c).is_empty());
        // Before the sharer allows a mode, no signalling.
        let mut c = Connection::new(owner(), T0);
        c.handle_input(
            Input::Greet {
                session: snapshot(true, false, None),
                chat_seq: 0,
            },
            T0,
        );
        drain(&mut c);
        c.handle_input(text(r#"{"type":"signal","data":{}}"#), T0);
        assert_eq!(error_code(&drain(&mut c)), Some("signal_not_allowed"));
        // Too large: told why, closed with 1009, reported lost.
        c.handle_input(Input::Frame(Frame::TooLarge), T0);
        let out = drain(&mut c);
        assert_eq!(error_code(&out), Some("message_too_large"));
        assert!(matches!(
            out.last(),
            Some(Action::End(Ending {
                close: Closing::With { code: 1009, .. },
                presence: Some(PresenceStatus::Lost),
                ..
            }))
        ));
    }

    #[test]
    fn replaced_and_revoked_connections_end_as_they_should() {
        // Its own announcement is not a replacement; a newer connection's is.
        let mut c = greeted();
        let own = BusEvent::Replaced {
            role: Role::Helper,
            conn: "n1.c1".into(),
        };
        c.handle_input(Input::Event(&own), T0);
        let other_side = BusEvent::Replaced {
            role: Role::Sharer,
            conn: "n1.c2".into(),
        };
        c.handle_input(Input::Event(&other_side), T0);
        assert!(drain(&mut c).is_empty());
        let newer = BusEvent::Replaced {
            role: Role::Helper,
            conn: "n2.c9".into(),
        };
        c.handle_input(Input::Event(&newer), T0);
        assert_eq!(
            drain(&mut c),
            [Action::End(Ending {
                how: "replaced",
                close: Closing::Bare,
                presence: None
            })]
        );

        // A revocation of someone else, or of another credential, leaves it open.
        let revoked = |user: &str, scope| BusEvent::Revoked {
            user_id: user.into(),
            scope,
            reason: "your role was removed".into(),
        };
        let mut c = greeted();
        c.handle_input(Input::Event(&revoked("u2", RevokeScope::All)), T0);
        c.handle_input(
            Input::Event(&revoked(
                "u1",
                RevokeScope::CookiesExcept(Some("cookie-hash".into())),
            )),
            T0,
        );
        assert!(drain(&mut c).is_empty());
        c.handle_input(Input::Event(&revoked("u1", RevokeScope::All)), T0);
        let out = drain(&mut c);
        assert_eq!(error_code(&out), Some("access_revoked"));
        assert_eq!(
            out.last(),
            Some(&Action::End(Ending {
                how: "revoked",
                close: Closing::With {
                    code: CLOSE_REVOKED,
                    reason: "your role was removed".into()
                },
                presence: Some(PresenceStatus::Left),
            }))
        );
    }

    #[test]
    fn a_stopping_node_records_moving_closes_with_1012_and_still_handles_the_last_frames() {
        let text = |s: &str| Input::Frame(Frame::Text(s.into()));
        let mut c = greeted();
        c.handle_input(Input::Event(&chat_event(4)), T0);
        c.handle_input(Input::Shutdown, T0 + 5);
        assert_eq!(
            drain(&mut c),
            [
                Action::Record(PresenceStatus::Moving),
                Action::Close(Closing::With {
                    code: 1012,
                    reason: CLOSE_MOVING_REASON.into()
                }),
            ],
            "moving before the close; the unsent chat is for the next connection"
        );
        assert!(c.is_moving());
        assert!(CLOSE_MOVING_REASON.len() <= CLOSE_REASON_MAX_BYTES);
        assert_eq!(
            c.poll_timeout(T0 + 5),
            T0 + 5 + MOVING_CLOSE_WAIT_MS as Millis
        );
        // What the client sent before its close frame is handled; nothing is sent back, the hub
        // and the heartbeat no longer matter.
        c.handle_input(text(r#"{"type":"chat","text":"one"}"#), T0 + 6);
        c.handle_input(Input::Frame(Frame::Control), T0 + 6);
        c.handle_input(text(r#"{"type":"ping"}"#), T0 + 6);
        c.handle_input(Input::Event(&chat_event(5)), T0 + 6);
        c.handle_input(Input::Lagged, T0 + 6);
        c.handle_input(text(r#"{"type":"chat","text":"two"}"#), T0 + 7);
        assert_eq!(
            drain(&mut c),
            [
                Action::StoreChat("one".into()),
                Action::StoreChat("two".into())
            ]
        );
        c.handle_input(Input::Frame(Frame::Close), T0 + 8);
        assert_eq!(
            drain(&mut c),
            [Action::End(Ending {
                how: "moved",
                close: Closing::Nothing,
                presence: None,
            })],
            "the presence stays moving"
        );
        c.handle_input(text(r#"{"type":"chat","text":"after the close"}"#), T0 + 9);
        assert!(drain(&mut c).is_empty());
    }

    #[test]
    fn a_moving_client_is_waited_for_at_most_the_wait_and_heard_at_most_the_chat_queue() {
        let mut c = greeted();
        c.handle_input(Input::Shutdown, T0);
        drain(&mut c);
        for n in 0..LIVE_CHAT_QUEUE + 5 {
            let raw = format!(r#"{{"type":"chat","text":"{n}"}}"#);
            c.handle_input(Input::Frame(Frame::Text(raw)), T0 + 1);
        }
        assert_eq!(drain(&mut c).len(), LIVE_CHAT_QUEUE);
        let until = T0 + MOVING_CLOSE_WAIT_MS as Millis;
        // The heartbeat would have pinged and given up long before: it no longer counts.
        c.handle_timeout(until - 1);
        assert!(drain(&mut c).is_empty());
        assert_eq!(c.poll_timeout(until - 1), until);
        c.handle_timeout(until);
        assert!(matches!(
            drain(&mut c)[..],
            [Action::End(Ending {
                close: Closing::Nothing,
                presence: None,
                ..
            })]
        ));
        assert!(c.is_ended());
    }

    #[test]
    fn a_failed_write_drops_what_was_left_and_tells_a_leave_from_a_loss() {
        for (clean, presence) in [(true, PresenceStatus::Left), (false, PresenceStatus::Lost)] {
            let mut c = greeted();
            c.handle_input(Input::Event(&chat_event(4)), T0);
            c.handle_input(Input::Event(&chat_event(5)), T0);
            assert!(matches!(c.poll_output(), Some(Action::Send(_))));
            c.handle_input(
                Input::WriteFailed {
                    closed_cleanly: clean,
                },
                T0,
            );
            let out = drain(&mut c);
            assert!(
                matches!(&out[..], [Action::End(Ending { presence: Some(p), .. })] if *p == presence),
                "{out:?}"
            );
        }
    }

    #[test]
    fn a_long_revocation_reason_fits_a_close_frame() {
        let Closing::With { reason, .. } = Closing::with(CLOSE_REVOKED, &"é".repeat(100)) else {
            panic!()
        };
        assert!(reason.len() <= CLOSE_REASON_MAX_BYTES);
    }
}
