//! The sharer's side of a live session (`assist agent join`), as a pure state machine in str0m's
//! manner.
//!
//! `share.rs` owns the live socket, the terminal, the REST client, the media session and the
//! control gate; it turns what happens into an [`Input`] for [`Sharer::handle_input`] (or
//! [`Sharer::handle_timeout`] when the time from [`Sharer::poll_timeout`] comes) and carries out
//! every [`Action`] from [`Sharer::poll_output`], in order. This type does no I/O and reads no
//! clock: time is an argument ([`Millis`] on any monotonic scale). What is decided here: the
//! heartbeat and the loss of a silent server, reconnection (at once, then once a second, for
//! [`RECONNECT_FOR_MS`]), the consent prompt and unattended consent, what the sharer is told, the
//! chat `seq` and its catch-up, when media starts and stops, and when the share is over.
//!
//! The two-sided tests (`crates/assist/tests/two_sided.rs`) drive this machine against the
//! server's (`assist_server::sessions::connection`) on a simulated clock.

use std::collections::VecDeque;

use assist_proto::presence::{HEARTBEAT_INTERVAL_MS, Heartbeat, Liveness};
use assist_proto::wire::{ClientMessage, ErrorBody, ServerMessage, SessionView};
use assist_proto::{Millis, Mode, Role, StateName};
use serde_json::Value;

use crate::live::{ChatSeq, ChatStep};
use crate::share::{
    Finish, OnRequest, consent_question, on_request, parse_answer, unattended_note,
};

/// How long the agent keeps trying to bring a dropped live socket back: the server's resume grace
/// period ([`assist_proto::RESUME_GRACE_MS`]), past which the session is over anyway.
pub const RECONNECT_FOR_MS: Millis = assist_proto::RESUME_GRACE_MS;

/// Why the agent answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// The sharer typed the answer.
    Typed,
    /// Unattended consent (`--yes`, allowed by the server) for this mode.
    Unattended(Mode),
    /// Nobody can answer the prompt (standard input is closed): a denial.
    NobodyToAsk,
}

/// One message of the chat thread as `GET /api/sessions/{id}/chat` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadMessage {
    /// Its place in the thread.
    pub seq: u64,
    /// `helper` or `sharer`.
    pub from: String,
    /// The text.
    pub text: String,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A line the sharer typed (trimmed), or `None`: standard input is at its end.
    Line(Option<String>),
    /// The sharer's answer to the open request, from a window's Allow or Deny (ignored when no
    /// request is open).
    Consent(bool),
    /// A chat message the sharer wrote in a window.
    Chat(String),
    /// Ctrl-C.
    Interrupted,
    /// A message from the server (boxed: it is the largest input by far).
    Message(Box<ServerMessage>),
    /// The live socket closed or failed (reading or writing).
    SocketLost,
    /// The server closed the live socket with `CLOSE_MOVING` (1012): its node stops and another
    /// takes over, so the agent reconnects at once, with a fresh reconnection window.
    Moving,
    /// The live socket is open (at the start, or after an [`Action::Connect`]).
    Connected,
    /// An [`Action::Connect`] failed.
    ConnectFailed,
    /// The outcome of an [`Action::Answer`] (`Err`: why it was not accepted).
    Answered {
        /// Allowed or denied.
        allow: bool,
        /// Why the agent answered.
        why: Answering,
        /// Whether the server took it.
        result: Result<(), String>,
    },
    /// The thread, fetched for an [`Action::FetchThread`] (a failed fetch gives no input).
    Thread {
        /// The `after` of the action.
        after: u64,
        /// The whole thread.
        messages: Vec<ThreadMessage>,
    },
    /// The media session started for an offer: its answer, for the helper.
    MediaAnswer(Value),
    /// The media session could not start for an offer.
    MediaFailed(String),
}

/// What the owner of the machine must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Tell the sharer (a line in the terminal).
    Say(String),
    /// Show the sharer a chat message from the other side (once per message, in order).
    ShowChat {
        /// Who wrote it (`helper`).
        from: String,
        /// The text.
        text: String,
    },
    /// Send this on the live socket (a failure is [`Input::SocketLost`]).
    Send(ClientMessage),
    /// Open the live socket again (answer [`Input::Connected`] or [`Input::ConnectFailed`]).
    Connect,
    /// Drop the live socket: the server has been silent too long.
    Disconnect,
    /// Send the sharer's answer to the request (`POST /consent`), then [`Input::Answered`].
    Answer {
        /// Allow or deny.
        allow: bool,
        /// Why (unattended consent says so to the server).
        why: Answering,
    },
    /// Tell the control gate the active mode (it releases keys when control ends).
    Gate(Option<Mode>),
    /// Start a media session for this offer (closing any other), then [`Input::MediaAnswer`] or
    /// [`Input::MediaFailed`].
    StartMedia(Value),
    /// Close the media session, if any.
    StopMedia,
    /// Fetch the chat thread (messages after `after` were missed), then [`Input::Thread`].
    FetchThread {
        /// The highest `seq` shown before the gap.
        after: u64,
    },
    /// The share is over. Nothing follows.
    Finish(Finish),
}

/// The live socket, as the machine sees it.
#[derive(Debug)]
enum Link {
    /// Open, with its heartbeat timers.
    Up(Liveness),
    /// An [`Action::Connect`] is under way; the socket went at `since`.
    Connecting { since: Millis },
    /// Gone since `since`; the next attempt at `next`.
    Down { since: Millis, next: Millis },
}

/// The sharer's side of one session.
#[derive(Debug)]
pub struct Sharer {
    view: SessionView,
    assume_yes: bool,
    /// Whether someone can still type (standard input is not at its end).
    lines_open: bool,
    chat: ChatSeq,
    /// The mode the open prompt is about.
    asked: Option<Mode>,
    link: Link,
    out: VecDeque<Action>,
    finished: bool,
}

impl Sharer {
    /// The sharer of the session `view` (as joined), before the live socket opens (give
    /// [`Input::Connected`] when it does). `assume_yes`: `--yes`; `lines_open`: whether someone
    /// can type.
    pub fn new(view: SessionView, assume_yes: bool, lines_open: bool, now: Millis) -> Sharer {
        Sharer {
            view,
            assume_yes,
            lines_open,
            chat: ChatSeq::default(),
            asked: None,
            link: Link::Connecting { since: now },
            out: VecDeque::new(),
            finished: false,
        }
    }

    /// The session as last seen.
    pub fn view(&self) -> &SessionView {
        &self.view
    }

    /// The mode of the request waiting for the sharer's answer, if any (while it is open, the
    /// helper's input is held).
    pub fn asking(&self) -> Option<Mode> {
        self.asked
    }

    /// Whether the live socket is open.
    pub fn is_connected(&self) -> bool {
        matches!(self.link, Link::Up(_))
    }

    /// Whether the share is over ([`Action::Finish`] was given).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The next action to carry out, if any.
    pub fn poll_output(&mut self) -> Option<Action> {
        self.out.pop_front()
    }

    /// When to call [`Sharer::handle_timeout`] unless an input comes first (`None`: only
    /// inputs).
    pub fn poll_timeout(&self, now: Millis) -> Option<Millis> {
        if self.finished {
            return None;
        }
        match &self.link {
            Link::Up(l) => Some(l.next_wakeup(now)),
            Link::Connecting { .. } => None,
            Link::Down { next, .. } => Some(*next),
        }
    }

    /// The time has come: a heartbeat, a silent server, or a reconnection attempt.
    pub fn handle_timeout(&mut self, now: Millis) {
        if self.finished {
            return;
        }
        if let Link::Up(l) = &mut self.link {
            match l.poll(now) {
                Heartbeat::Ping => self.out.push_back(Action::Send(ClientMessage::Ping)),
                Heartbeat::Lost => {
                    tracing::warn!("the server has been silent too long; reconnecting");
                    self.out.push_back(Action::Disconnect);
                    self.link = Link::Down {
                        since: now,
                        next: now,
                    };
                }
                Heartbeat::WaitUntil(_) => {}
            }
        }
        if let Link::Down { since, next } = self.link
            && now >= next
        {
            if now - since > RECONNECT_FOR_MS {
                self.finish(Finish::Lost);
            } else {
                self.link = Link::Connecting { since };
                self.out.push_back(Action::Connect);
            }
        }
    }

    /// Takes in what happened at `now`.
    pub fn handle_input(&mut self, input: Input, now: Millis) {
        if self.finished {
            return;
        }
        match input {
            Input::Interrupted => self.finish(Finish::Stopped),
            Input::Line(None) => {
                // Only Ctrl-C or the session can stop the share now; an open prompt can no
                // longer be answered.
                self.lines_open = false;
                if self.asked.take().is_some() {
                    self.deny_unanswerable();
                }
            }
            Input::Line(Some(line)) => self.on_line(line),
            Input::Consent(allow) => {
                if self.asked.take().is_some() {
                    self.out.push_back(Action::Answer {
                        allow,
                        why: Answering::Typed,
                    });
                }
            }
            Input::Chat(text) => {
                let text = text.trim();
                if !text.is_empty() && self.is_connected() {
                    self.send(ClientMessage::Chat {
                        text: text.to_owned(),
                    });
                }
            }
            Input::Message(message) => {
                if let Link::Up(l) = &mut self.link {
                    l.seen(now);
                }
                self.on_message(*message);
            }
            Input::SocketLost => {
                if !matches!(self.link, Link::Down { .. }) {
                    self.link = Link::Down {
                        since: now,
                        next: now,
                    };
                }
            }
            Input::Moving => {
                tracing::info!("the server is restarting; reconnecting");
                // Not a failure of this link: the window of retries starts now, whatever came
                // before.
                self.link = Link::Down {
                    since: now,
                    next: now,
                };
            }
            Input::Connected => self.link = Link::Up(Liveness::new(now)),
            Input::ConnectFailed => {
                let since = match self.link {
                    Link::Connecting { since } | Link::Down { since, .. } => since,
                    Link::Up(_) => now,
                };
                self.link = Link::Down {
                    since,
                    next: now + HEARTBEAT_INTERVAL_MS,
                };
            }
            Input::Answered { allow, why, result } => self.on_answered(allow, why, result),
            Input::Thread { after, messages } => {
                for m in messages {
                    if m.seq <= after {
                        continue;
                    }
                    self.chat.shown(m.seq);
                    if m.from != Role::Sharer.as_str() {
                        self.out.push_back(Action::ShowChat {
                            from: m.from,
                            text: m.text,
                        });
                    }
                }
            }
            Input::MediaAnswer(data) => {
                if self.is_connected() {
                    self.send(ClientMessage::Signal { data });
                }
            }
            Input::MediaFailed(why) => {
                self.say(format!("Could not answer the helper's video offer: {why}"))
            }
        }
    }

    fn on_line(&mut self, line: String) {
        if let Some(mode) = self.asked {
            match parse_answer(&line) {
                Some(allow) => {
                    self.asked = None;
                    self.out.push_back(Action::Answer {
                        allow,
                        why: Answering::Typed,
                    });
                }
                None => self.say(consent_question(&self.helper_name(), mode)),
            }
        } else if line.is_empty() || line.eq_ignore_ascii_case("q") {
            self.finish(Finish::Stopped);
        } else if self.is_connected() {
            self.send(ClientMessage::Chat { text: line });
        }
    }

    fn on_message(&mut self, message: ServerMessage) {
        match message {
            ServerMessage::Hello { session, .. } | ServerMessage::State { session } => {
                self.on_view(session)
            }
            ServerMessage::Signal { data } => {
                if data["type"] == "offer" {
                    self.out.push_back(Action::StartMedia(data));
                } else {
                    tracing::debug!(
                        "ignored signalling other than an offer (candidates come inside the offer)"
                    );
                }
            }
            ServerMessage::Presence { role, status } => {
                self.say(format!("The {role} is {status}."))
            }
            ServerMessage::Chat {
                from, text, seq, ..
            } => match self.chat.on_chat(seq) {
                ChatStep::Show => {
                    if from != Role::Sharer {
                        self.out.push_back(Action::ShowChat {
                            from: from.to_string(),
                            text,
                        });
                    }
                }
                ChatStep::Repeat => {}
                ChatStep::Gap { after } => self.out.push_back(Action::FetchThread { after }),
            },
            ServerMessage::Error {
                error: ErrorBody { code, message },
            } => tracing::warn!(%code, %message, "the server refused a message"),
            ServerMessage::Pong | ServerMessage::Unknown => {}
        }
    }

    fn on_view(&mut self, session: SessionView) {
        let before = std::mem::replace(&mut self.view, session);
        let active = self.view.active_mode;
        self.out.push_back(Action::Gate(active));
        if before.active_mode != active {
            match active {
                Some(Mode::Control) => self.say(
                    "The helper now CONTROLS your mouse and keyboard. Press q then Enter to stop.",
                ),
                Some(Mode::View) => self.say("The helper now SEES your screen."),
                None => {}
            }
        }
        if self.view.is_over() {
            let why = self
                .view
                .end_reason
                .map_or_else(|| self.view.state.to_string(), |r| r.to_string());
            self.say(format!("The session is over ({why})."));
            return self.finish(Finish::Over(why));
        }
        if self.view.state == StateName::Requested {
            let mode = self.view.mode.unwrap_or(Mode::View);
            if self.asked != Some(mode) {
                self.asked = Some(mode);
                match on_request(
                    self.assume_yes,
                    self.view.unattended_allowed,
                    self.lines_open,
                ) {
                    OnRequest::AllowUnattended => self.out.push_back(Action::Answer {
                        allow: true,
                        why: Answering::Unattended(mode),
                    }),
                    other => {
                        if self.assume_yes {
                            self.say(unattended_note(&self.view));
                        }
                        self.ask_or_deny(other, mode);
                    }
                }
            }
        } else {
            self.asked = None;
        }
        if active.is_none() {
            self.out.push_back(Action::StopMedia);
        }
    }

    fn on_answered(&mut self, allow: bool, why: Answering, result: Result<(), String>) {
        match (why, result) {
            (Answering::Typed, Ok(())) => self.say(if allow { "Allowed." } else { "Denied." }),
            (Answering::Typed, Err(e)) => self.say(format!("Could not send your answer: {e}")),
            (Answering::Unattended(mode), Ok(())) => self.say(format!(
                "Allowed without asking you (unattended, {mode}): your organisation allows it \
                 for this helper."
            )),
            (Answering::Unattended(mode), Err(e)) => {
                self.say(format!("The server refused unattended consent: {e}"));
                let fallback = on_request(false, false, self.lines_open);
                self.ask_or_deny(fallback, mode);
            }
            (Answering::NobodyToAsk, Ok(())) => {}
            (Answering::NobodyToAsk, Err(e)) => self.say(format!("Could not send the denial: {e}")),
        }
    }

    fn ask_or_deny(&mut self, action: OnRequest, mode: Mode) {
        match action {
            OnRequest::AllowUnattended => {}
            OnRequest::Ask => self.say(consent_question(&self.helper_name(), mode)),
            OnRequest::DenyNobodyToAsk => {
                self.asked = None;
                self.deny_unanswerable();
            }
        }
    }

    fn deny_unanswerable(&mut self) {
        self.say("Denied: nobody can answer the prompt here (standard input is closed).");
        self.out.push_back(Action::Answer {
            allow: false,
            why: Answering::NobodyToAsk,
        });
    }

    fn helper_name(&self) -> String {
        self.view
            .helper
            .as_ref()
            .map(|h| h.full_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "The helper".into())
    }

    fn say(&mut self, text: impl Into<String>) {
        self.out.push_back(Action::Say(text.into()));
    }

    fn send(&mut self, message: ClientMessage) {
        self.out.push_back(Action::Send(message));
    }

    fn finish(&mut self, finish: Finish) {
        self.finished = true;
        self.out.push_back(Action::Finish(finish));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assist_proto::presence::LOST_AFTER_MS;
    use assist_proto::{Event, Session};

    fn view(session: &Session) -> SessionView {
        SessionView::new("s1", session).for_role(Role::Sharer)
    }

    fn connected(lines_open: bool, assume_yes: bool) -> (Sharer, Session) {
        let mut session = Session::new(0, 600_000, None);
        session.apply(Event::Join, 0).unwrap();
        let mut s = Sharer::new(view(&session), assume_yes, lines_open, 0);
        s.handle_input(Input::Connected, 0);
        (s, session)
    }

    fn drain(s: &mut Sharer) -> Vec<Action> {
        std::iter::from_fn(|| s.poll_output()).collect()
    }

    fn said(actions: &[Action]) -> Vec<String> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Say(t) => Some(t.clone()),
                Action::ShowChat { from, text } => Some(format!("[{from}] {text}")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_silent_server_is_dropped_and_reconnected_at_once_then_every_second_until_it_gives_up() {
        let (mut s, _) = connected(true, false);
        let mut now = 0;
        let mut pings = 0;
        let mut last = Vec::new();
        while s.is_connected() {
            now = s.poll_timeout(now).unwrap();
            s.handle_timeout(now);
            last = drain(&mut s);
            pings += last
                .iter()
                .filter(|a| **a == Action::Send(ClientMessage::Ping))
                .count();
        }
        assert_eq!(
            now, LOST_AFTER_MS,
            "lost exactly LOST_AFTER_MS after the last message"
        );
        assert_eq!(pings, 3);
        assert_eq!(
            last,
            [Action::Disconnect, Action::Connect],
            "reconnects at once"
        );
        assert_eq!(s.poll_timeout(now), None, "waiting for the attempt");
        s.handle_input(Input::ConnectFailed, now);
        // ...then once a second, until the grace period is over.
        let lost = now;
        let mut attempts = 1;
        loop {
            now = s.poll_timeout(now).unwrap();
            s.handle_timeout(now);
            match drain(&mut s)[..] {
                [Action::Connect] => {
                    attempts += 1;
                    s.handle_input(Input::ConnectFailed, now);
                }
                [Action::Finish(Finish::Lost)] => break,
                ref other => panic!("{other:?}"),
            }
        }
        assert_eq!(now - lost, RECONNECT_FOR_MS + HEARTBEAT_INTERVAL_MS);
        assert_eq!(attempts, RECONNECT_FOR_MS / HEARTBEAT_INTERVAL_MS + 1);
        assert!(s.is_finished());
    }

    #[test]
    fn messages_keep_the_socket_alive_and_a_reconnection_resets_the_count() {
        let (mut s, session) = connected(true, false);
        for t in (1..100).map(|k| k * (LOST_AFTER_MS - 1)) {
            s.handle_timeout(t);
            s.handle_input(Input::Message(Box::new(ServerMessage::Pong)), t);
        }
        assert!(s.is_connected());
        s.handle_input(Input::SocketLost, 500_000);
        s.handle_timeout(500_000);
        assert_eq!(drain(&mut s).last(), Some(&Action::Connect));
        s.handle_input(Input::Connected, 500_010);
        s.handle_input(
            Input::Message(Box::new(ServerMessage::hello(Role::Sharer, view(&session)))),
            500_020,
        );
        assert!(s.is_connected());
        assert_eq!(
            s.poll_timeout(500_020),
            Some(500_010 + HEARTBEAT_INTERVAL_MS)
        );
    }

    #[test]
    fn a_server_moving_is_reconnected_at_once_and_retried_within_a_fresh_window() {
        let (mut s, _) = connected(true, false);
        s.handle_input(Input::Moving, 10_000);
        assert!(!s.is_connected());
        assert_eq!(s.poll_timeout(10_000), Some(10_000), "at once");
        s.handle_timeout(10_000);
        assert_eq!(drain(&mut s), [Action::Connect]);
        // The new node is not up yet: the usual retries, counted from the move.
        s.handle_input(Input::ConnectFailed, 10_005);
        assert_eq!(s.poll_timeout(10_005), Some(10_005 + HEARTBEAT_INTERVAL_MS));
        s.handle_timeout(10_005 + HEARTBEAT_INTERVAL_MS);
        assert_eq!(drain(&mut s), [Action::Connect]);
        s.handle_input(Input::Connected, 10_010 + HEARTBEAT_INTERVAL_MS);
        assert!(s.is_connected());
        assert!(!s.is_finished());
    }

    #[test]
    fn a_chat_gap_is_fetched_and_shown_once() {
        let (mut s, _) = connected(true, false);
        let chat = |seq: u64, from| {
            Input::Message(Box::new(ServerMessage::Chat {
                id: seq.to_string(),
                from,
                text: format!("m{seq}"),
                sent_at: 0,
                seq,
            }))
        };
        s.handle_input(chat(1, Role::Helper), 1);
        s.handle_input(chat(2, Role::Sharer), 1);
        s.handle_input(chat(5, Role::Helper), 1);
        let out = drain(&mut s);
        assert_eq!(said(&out), ["[helper] m1"]);
        assert_eq!(out.last(), Some(&Action::FetchThread { after: 2 }));
        let thread = (1..=5)
            .map(|seq| ThreadMessage {
                seq,
                from: "helper".into(),
                text: format!("m{seq}"),
            })
            .collect();
        s.handle_input(
            Input::Thread {
                after: 2,
                messages: thread,
            },
            2,
        );
        assert_eq!(
            said(&drain(&mut s)),
            ["[helper] m3", "[helper] m4", "[helper] m5"]
        );
        s.handle_input(chat(4, Role::Helper), 3);
        assert!(drain(&mut s).is_empty(), "a repeat");
    }

    #[test]
    fn refused_unattended_consent_falls_back_to_asking_or_denying() {
        for (lines_open, fallback) in [(true, "asks to SEE"), (false, "nobody can answer")] {
            let (mut s, mut session) = connected(lines_open, true);
            session
                .apply(Event::Request { mode: Mode::View }, 1)
                .unwrap();
            let mut v = view(&session);
            v.unattended_allowed = true;
            s.handle_input(
                Input::Message(Box::new(ServerMessage::State { session: v })),
                1,
            );
            let out = drain(&mut s);
            let why = Answering::Unattended(Mode::View);
            assert!(
                out.contains(&Action::Answer { allow: true, why }),
                "{out:?}"
            );
            s.handle_input(
                Input::Answered {
                    allow: true,
                    why,
                    result: Err("not permitted".into()),
                },
                2,
            );
            let out = drain(&mut s);
            let text = said(&out).join("\n");
            assert!(text.contains("refused unattended consent: not permitted"));
            assert!(text.contains(fallback), "{text}");
            assert_eq!(
                out.contains(&Action::Answer {
                    allow: false,
                    why: Answering::NobodyToAsk
                }),
                !lines_open
            );
        }
    }

    #[test]
    fn a_window_answers_only_an_open_request_and_sends_chat() {
        let (mut s, mut session) = connected(true, false);
        s.handle_input(Input::Consent(true), 1);
        assert!(drain(&mut s).is_empty(), "nothing was asked");
        session
            .apply(
                Event::Request {
                    mode: Mode::Control,
                },
                2,
            )
            .unwrap();
        s.handle_input(
            Input::Message(Box::new(ServerMessage::State {
                session: view(&session),
            })),
            2,
        );
        assert_eq!(s.asking(), Some(Mode::Control));
        drain(&mut s);
        s.handle_input(Input::Consent(false), 3);
        assert_eq!(
            drain(&mut s),
            [Action::Answer {
                allow: false,
                why: Answering::Typed
            }]
        );
        assert_eq!(s.asking(), None);
        s.handle_input(Input::Consent(true), 4);
        assert!(drain(&mut s).is_empty(), "answered once");
        s.handle_input(Input::Chat("  مرحبا hello  ".into()), 5);
        assert_eq!(
            drain(&mut s),
            [Action::Send(ClientMessage::Chat {
                text: "مرحبا hello".into()
            })]
        );
        s.handle_input(Input::Chat("   ".into()), 6);
        assert!(drain(&mut s).is_empty(), "a blank message is not sent");
    }
}
