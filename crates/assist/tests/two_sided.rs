//! A helper, a sharing agent and a server stepped together on a simulated clock, in the style of
//! str0m's `tests/common.rs` (`progress(l, r)`).
//!
//! Both ends of every connection run the real decisions: each server connection is the live
//! socket's own machine (`assist_server::sessions::connection::Connection`), the sharer is the
//! agent's own machine (`assist_agent::sharer::Sharer`), and presence and the sweeper are the
//! server's `service::record_presence`, `service::next_deadline` and `service::sweep_at`. Only the
//! I/O around them is simulated, carried out as `live.rs` and `share.rs` carry it out: the store
//! and the hub (a session state machine, a presence row, a chat thread, events delivered to every
//! connection), the REST calls (applied at once), the media session (an answer for every offer),
//! and the helper's page (a model of `web/static/js/live/socket.mjs`: a ping every interval,
//! reconnect once a second). Frames travel as JSON text over links with a fixed latency that a
//! test can cut and restore. Nothing sleeps: each step jumps the clock to the next thing that
//! happens.

use std::collections::VecDeque;

use assist_agent::share::Finish;
use assist_agent::sharer::{self, RECONNECT_FOR_MS, Sharer, ThreadMessage};
use assist_proto::*;
use assist_server::sessions::bus::BusEvent;
use assist_server::sessions::connection::{
    self as conn, CLOSE_REVOKED, Closing, Connection, Frame, Load, Loaded, Owner, Snapshot,
};
use assist_server::sessions::service;
use assist_server::store::chat::ChatRecord;
use assist_server::store::sessions::Presence;

const T0: Millis = 1_700_000_000_000;
const LATENCY_MS: Millis = 20;

fn idx(role: Role) -> usize {
    match role {
        Role::Helper => 0,
        Role::Sharer => 1,
    }
}

#[derive(Debug, Clone)]
enum Wire {
    /// WebSocket handshake.
    Open,
    /// A JSON text frame.
    Text(String),
    /// A close frame, with its code.
    Close(Option<u16>),
    /// A WebSocket ping frame (the client's library answers it by itself).
    Ping,
    /// The answer to one.
    Pong,
}

#[derive(Debug)]
struct InFlight {
    at: Millis,
    seq: u64,
    to_server: bool,
    role: Role,
    /// Which of the role's connections the frame belongs to.
    sock: u64,
    frame: Wire,
}

/// One server connection: the real machine, and which client connection it serves.
struct ServerConn {
    role: Role,
    sock: u64,
    machine: Connection,
}

/// The store and the hub, and the connections' machines.
struct Server {
    session: Session,
    presence: Presence,
    chat: Vec<ChatRecord>,
    conns: Vec<ServerConn>,
    hub: VecDeque<BusEvent>,
    /// The hub loses the next chat event for this side (a bus outage).
    lose_chat_for: Option<Role>,
}

/// The helper's page: a model of the web app's socket.
struct Web {
    sock: u64,
    conn: Option<Liveness>,
    stay: bool,
    next_attempt: Option<Millis>,
    received: Vec<(Millis, ServerMessage)>,
    server_lost_at: Vec<Millis>,
    closes: Vec<(Millis, Option<u16>)>,
}

/// The sharing agent: the real machine, and what `share.rs` would have done with its actions.
struct Agent {
    machine: Sharer,
    sock: u64,
    socket: Option<u64>,
    said: Vec<(Millis, String)>,
    received: Vec<(Millis, ServerMessage)>,
    gate: Vec<Option<Mode>>,
    media: bool,
    disconnected_at: Vec<Millis>,
    finish: Option<(Millis, Finish)>,
}

struct World {
    now: Millis,
    server: Server,
    helper: Web,
    agent: Option<Agent>,
    link_up: [bool; 2],
    in_flight: Vec<InFlight>,
    seq: u64,
    socks: u64,
    /// Steps taken without the clock moving, to catch a timer that never fires.
    stuck: u32,
}

impl World {
    fn new(max_length_ms: Option<i64>) -> World {
        World {
            now: T0,
            server: Server {
                session: Session::new(T0, CODE_TTL_MS, max_length_ms),
                presence: Presence::default(),
                chat: Vec::new(),
                conns: Vec::new(),
                hub: VecDeque::new(),
                lose_chat_for: None,
            },
            helper: Web {
                sock: 0,
                conn: None,
                stay: true,
                next_attempt: None,
                received: Vec::new(),
                server_lost_at: Vec::new(),
                closes: Vec::new(),
            },
            agent: None,
            link_up: [true, true],
            in_flight: Vec::new(),
            seq: 0,
            socks: 0,
            stuck: 0,
        }
    }

    /// A world where the helper is connected, the agent joined and the sharer allowed `mode` at
    /// the prompt.
    fn active(mode: Mode, max_length_ms: Option<i64>) -> World {
        let mut w = World::new(max_length_ms);
        w.helper_connect();
        w.progress_for(100);
        w.agent_join();
        w.progress_for(100);
        w.rest(Event::Request { mode }).unwrap();
        w.progress_for(100);
        assert!(w.said_since(0, "Allow?"), "the sharer is asked");
        w.type_line("a");
        w.progress_for(100);
        assert_eq!(w.server.session.state, State::Active { mode });
        w
    }

    fn push(&mut self, to_server: bool, role: Role, sock: u64, frame: Wire) {
        if !self.link_up[idx(role)] {
            return;
        }
        self.seq += 1;
        self.in_flight.push(InFlight {
            at: self.now + LATENCY_MS,
            seq: self.seq,
            to_server,
            role,
            sock,
            frame,
        });
    }

    fn new_sock(&mut self) -> u64 {
        self.socks += 1;
        self.socks
    }

    // ---- the helper's page ----

    fn helper_connect(&mut self) {
        let now = self.now;
        self.helper.stay = true;
        if self.link_up[idx(Role::Helper)] {
            let sock = self.new_sock();
            self.helper.sock = sock;
            self.helper.conn = Some(Liveness::new(now));
            self.helper.next_attempt = None;
            self.push(true, Role::Helper, sock, Wire::Open);
        } else {
            self.helper.next_attempt = Some(now + HEARTBEAT_INTERVAL_MS);
        }
    }

    fn helper_send(&mut self, message: ClientMessage) {
        self.helper_send_raw(&message.to_json());
    }

    fn helper_send_raw(&mut self, text: &str) {
        if self.helper.conn.is_some() {
            let sock = self.helper.sock;
            self.push(true, Role::Helper, sock, Wire::Text(text.to_owned()));
        }
    }

    fn helper_leave(&mut self) {
        self.helper.stay = false;
        self.helper.next_attempt = None;
        if self.helper.conn.take().is_some() {
            let sock = self.helper.sock;
            self.push(true, Role::Helper, sock, Wire::Close(None));
        }
    }

    fn helper_receive(&mut self, sock: u64, frame: Wire) {
        let now = self.now;
        if sock != self.helper.sock {
            return;
        }
        let Some(conn) = self.helper.conn.as_mut() else {
            return;
        };
        conn.seen(now);
        match frame {
            Wire::Text(text) => {
                let message = ServerMessage::parse(&text).expect("the server sends valid messages");
                self.helper.received.push((now, message));
            }
            Wire::Ping => self.push(true, Role::Helper, sock, Wire::Pong),
            Wire::Close(code) => {
                self.helper.conn = None;
                self.helper.closes.push((now, code));
                // The browser answers a close frame with its own.
                self.push(true, Role::Helper, sock, Wire::Close(None));
                if code == Some(CLOSE_REVOKED) {
                    self.helper.stay = false;
                } else if self.helper.stay {
                    self.helper.next_attempt = Some(now);
                }
            }
            Wire::Open | Wire::Pong => {}
        }
    }

    fn helper_poll(&mut self) {
        let now = self.now;
        if let Some(conn) = self.helper.conn.as_mut() {
            match conn.poll(now) {
                Heartbeat::Ping => self.helper_send(ClientMessage::Ping),
                Heartbeat::Lost => {
                    self.helper.conn = None;
                    self.helper.server_lost_at.push(now);
                    if self.helper.stay {
                        self.helper.next_attempt = Some(now);
                    }
                }
                Heartbeat::WaitUntil(_) => {}
            }
        }
        let h = &self.helper;
        if h.conn.is_none() && h.stay && h.next_attempt.is_some_and(|t| t <= now) {
            self.helper_connect();
        }
    }

    fn helper_wakeup(&self) -> Option<Millis> {
        match &self.helper.conn {
            Some(conn) => Some(conn.next_wakeup(self.now)),
            None => self.helper.next_attempt.filter(|_| self.helper.stay),
        }
    }

    // ---- the agent, carried out as `share.rs` does ----

    /// `assist agent join CODE`: the join (REST), then the live socket.
    fn agent_join(&mut self) {
        self.rest(Event::Join).unwrap();
        let view = self.view_for(Role::Sharer);
        let mut machine = Sharer::new(view, false, true, self.now);
        let sock = self.new_sock();
        self.push(true, Role::Sharer, sock, Wire::Open);
        machine.handle_input(sharer::Input::Connected, self.now);
        self.agent = Some(Agent {
            machine,
            sock,
            socket: Some(sock),
            said: Vec::new(),
            received: Vec::new(),
            gate: Vec::new(),
            media: false,
            disconnected_at: Vec::new(),
            finish: None,
        });
        self.agent_drain();
    }

    fn agent(&mut self) -> &mut Agent {
        self.agent.as_mut().expect("the agent joined")
    }

    fn agent_input(&mut self, input: sharer::Input) {
        let now = self.now;
        self.agent().machine.handle_input(input, now);
        self.agent_drain();
    }

    /// The sharer types a line.
    fn type_line(&mut self, line: &str) {
        self.agent_input(sharer::Input::Line(Some(line.to_owned())));
    }

    fn agent_drain(&mut self) {
        use sharer::{Action, Input};
        let now = self.now;
        while let Some(action) = self.agent().machine.poll_output() {
            match action {
                Action::Say(text) => self.agent().said.push((now, text)),
                Action::ShowChat { from, text } => {
                    self.agent().said.push((now, format!("[{from}] {text}")))
                }
                Action::Send(message) => {
                    if let Some(sock) = self.agent().socket {
                        self.push(true, Role::Sharer, sock, Wire::Text(message.to_json()));
                    }
                }
                Action::Connect => {
                    if self.link_up[idx(Role::Sharer)] {
                        let sock = self.new_sock();
                        let a = self.agent();
                        a.sock = sock;
                        a.socket = Some(sock);
                        self.push(true, Role::Sharer, sock, Wire::Open);
                        self.agent().machine.handle_input(Input::Connected, now);
                    } else {
                        self.agent().machine.handle_input(Input::ConnectFailed, now);
                    }
                }
                Action::Disconnect => {
                    let a = self.agent();
                    a.socket = None;
                    a.disconnected_at.push(now);
                }
                Action::Answer { allow, why } => {
                    let result = self
                        .rest(Event::Consent { allow })
                        .map(drop)
                        .map_err(|e| e.message().to_owned());
                    self.agent()
                        .machine
                        .handle_input(Input::Answered { allow, why, result }, now);
                }
                Action::Gate(mode) => self.agent().gate.push(mode),
                Action::StartMedia(_offer) => {
                    self.agent().media = true;
                    let answer = serde_json::json!({"type": "answer", "sdp": "v=0\r\n"});
                    self.agent()
                        .machine
                        .handle_input(Input::MediaAnswer(answer), now);
                }
                Action::StopMedia => self.agent().media = false,
                Action::FetchThread { after } => {
                    let messages = self
                        .server
                        .chat
                        .iter()
                        .map(|r| ThreadMessage {
                            seq: r.seq as u64,
                            from: r.from.as_str().to_owned(),
                            text: r.text.clone(),
                        })
                        .collect();
                    self.agent()
                        .machine
                        .handle_input(Input::Thread { after, messages }, now);
                }
                Action::Finish(finish) => {
                    let over = matches!(finish, Finish::Over(_));
                    // `share.rs` closes the media session and the socket after its loop.
                    self.agent().media = false;
                    self.agent().finish = Some((now, finish));
                    if let Some(sock) = self.agent().socket.take() {
                        self.push(true, Role::Sharer, sock, Wire::Close(None));
                    }
                    if !over {
                        let _ = self.rest(Event::End {
                            reason: EndReason::ended_by(Role::Sharer),
                        });
                    }
                }
            }
        }
    }

    fn agent_receive(&mut self, sock: u64, frame: Wire) {
        let Some(a) = self.agent.as_mut() else { return };
        if a.socket != Some(sock) || a.finish.is_some() {
            return;
        }
        match frame {
            Wire::Text(text) => {
                // `LiveSocket::recv`.
                let message = ServerMessage::read(&text).expect("the server sends valid messages");
                a.received.push((self.now, message.clone()));
                self.agent_input(sharer::Input::Message(Box::new(message)));
            }
            Wire::Close(code) => {
                // tungstenite answers a close frame with its own; `LiveSocket::recv` turns
                // `CLOSE_MOVING` into `LiveError::Moving`.
                a.socket = None;
                self.push(true, Role::Sharer, sock, Wire::Close(None));
                self.agent_input(if code == Some(CLOSE_MOVING) {
                    sharer::Input::Moving
                } else {
                    sharer::Input::SocketLost
                });
            }
            // tungstenite answers pings by itself; `recv` skips them.
            Wire::Ping => self.push(true, Role::Sharer, sock, Wire::Pong),
            Wire::Open | Wire::Pong => {}
        }
    }

    fn agent_poll(&mut self) {
        let now = self.now;
        let Some(a) = self.agent.as_mut() else { return };
        if a.machine.poll_timeout(now).is_some_and(|t| t <= now) {
            a.machine.handle_timeout(now);
            self.agent_drain();
        }
    }

    fn agent_wakeup(&self) -> Option<Millis> {
        self.agent
            .as_ref()
            .and_then(|a| a.machine.poll_timeout(self.now))
    }

    // ---- the server, carried out as `live.rs` does ----

    fn view_for(&self, role: Role) -> SessionView {
        let mut view = SessionView::new("s1", &self.server.session);
        view.code = Some("4k7m r9gx".to_owned());
        view.for_role(role)
    }

    fn snapshot(&self, role: Role) -> Snapshot {
        Snapshot {
            view: self.view_for(role),
            live: !self.server.session.is_terminal(),
            media: self.server.session.active_mode().is_some(),
            peer: self.server.presence.of(role.peer()).map(|p| p.status),
            version: 0,
        }
    }

    /// A REST call (request, consent, end...), applied by the server at once.
    fn rest(&mut self, event: Event) -> Result<State, TransitionError> {
        let result = self.server.session.apply(event, self.now);
        if result.is_ok() {
            self.publish(BusEvent::State);
        }
        result
    }

    fn publish(&mut self, event: BusEvent) {
        self.server.hub.push_back(event);
        self.pump();
    }

    /// Delivers the hub's events to every connection.
    fn pump(&mut self) {
        while let Some(event) = self.server.hub.pop_front() {
            let keys: Vec<(Role, u64)> =
                self.server.conns.iter().map(|c| (c.role, c.sock)).collect();
            for (role, sock) in keys {
                if matches!(event, BusEvent::Chat { .. }) && self.server.lose_chat_for == Some(role)
                {
                    self.server.lose_chat_for = None;
                    continue;
                }
                self.conn_input(role, sock, conn::Input::Event(&event));
            }
        }
    }

    fn conn_index(&self, role: Role, sock: u64) -> Option<usize> {
        self.server
            .conns
            .iter()
            .position(|c| c.role == role && c.sock == sock)
    }

    fn conn_input(&mut self, role: Role, sock: u64, input: conn::Input<'_>) {
        let now = self.now;
        let Some(i) = self.conn_index(role, sock) else {
            return;
        };
        self.server.conns[i].machine.handle_input(input, now);
        self.conn_drain(role, sock);
    }

    fn conn_drain(&mut self, role: Role, sock: u64) {
        use conn::Action;
        let now = self.now;
        let conn_id = format!("c{sock}");
        loop {
            let Some(i) = self.conn_index(role, sock) else {
                return;
            };
            let Some(action) = self.server.conns[i].machine.poll_output() else {
                return;
            };
            match action {
                Action::Send(message) => {
                    self.push(false, role, sock, Wire::Text(message.to_json()))
                }
                Action::Ping => self.push(false, role, sock, Wire::Ping),
                Action::Publish(event) => self.server.hub.push_back(event),
                Action::StoreChat(text) => {
                    // `chat::post`: sanitised, refused once the session is over, stored, then
                    // published.
                    let refused = match sanitize_chat(&text) {
                        Err(e) => Some((e.code().to_owned(), e.to_string())),
                        Ok(_) if self.server.session.is_terminal() => Some((
                            "session_over".to_owned(),
                            "the session is over; chat is closed".to_owned(),
                        )),
                        Ok(text) => {
                            let seq = self.server.chat.len() as i64 + 1;
                            self.server.chat.push(ChatRecord {
                                seq,
                                from: role,
                                sender_id: role.as_str().to_owned(),
                                text: text.clone(),
                                sent_at: now,
                            });
                            self.server.hub.push_back(BusEvent::Chat {
                                id: seq.to_string(),
                                from: role,
                                text,
                                sent_at: now,
                            });
                            None
                        }
                    };
                    if let Some((code, message)) = refused {
                        self.server.conns[i]
                            .machine
                            .handle_input(conn::Input::ChatRefused { code, message }, now);
                    }
                }
                Action::Load(what) => {
                    let after = |after: i64| -> Vec<ChatRecord> {
                        self.server
                            .chat
                            .iter()
                            .filter(|r| r.seq > after)
                            .cloned()
                            .collect()
                    };
                    let loaded = match what {
                        Load::State => Loaded::State(self.snapshot(role)),
                        Load::ChatAfter(seq) => Loaded::Chat(after(seq)),
                        Load::Resync(seq) => Loaded::Resync {
                            session: self.snapshot(role),
                            chat: after(seq),
                        },
                    };
                    self.server.conns[i]
                        .machine
                        .handle_input(conn::Input::Loaded(loaded), now);
                }
                Action::Record(status) => self.set_presence(role, status, &conn_id),
                Action::Close(closing) => match closing {
                    Closing::Nothing => {}
                    Closing::Bare => self.push(false, role, sock, Wire::Close(None)),
                    Closing::With { code, .. } => {
                        self.push(false, role, sock, Wire::Close(Some(code)))
                    }
                },
                Action::End(ending) => {
                    self.server.conns.remove(i);
                    match ending.close {
                        Closing::Nothing => {}
                        Closing::Bare => self.push(false, role, sock, Wire::Close(None)),
                        Closing::With { code, .. } => {
                            self.push(false, role, sock, Wire::Close(Some(code)))
                        }
                    }
                    if let Some(status) = ending.presence {
                        self.set_presence(role, status, &conn_id);
                    }
                    return;
                }
            }
        }
    }

    /// `service::set_presence`.
    fn set_presence(&mut self, role: Role, status: PresenceStatus, conn_id: &str) {
        let now = self.now;
        if service::record_presence(&mut self.server.presence, role, status, conn_id, now) {
            self.server
                .hub
                .push_back(BusEvent::Presence { role, status });
        }
    }

    fn server_receive(&mut self, role: Role, sock: u64, frame: Wire) {
        let frame = match frame {
            Wire::Open => return self.server_open(role, sock),
            Wire::Text(text) if text.len() > MAX_CLIENT_MESSAGE_BYTES => Frame::TooLarge,
            Wire::Text(text) => Frame::Text(text),
            Wire::Close(_) => Frame::Close,
            Wire::Ping | Wire::Pong => Frame::Control,
        };
        self.conn_input(role, sock, conn::Input::Frame(frame));
        self.pump();
    }

    /// `live::run` up to the greeting.
    fn server_open(&mut self, role: Role, sock: u64) {
        let now = self.now;
        let conn_id = format!("c{sock}");
        let machine = Connection::new(
            Owner {
                role,
                conn: conn_id.clone(),
                user_id: role.as_str().to_owned(),
                credential: format!("token-{}", role.as_str()),
                cookie: false,
            },
            now,
        );
        self.server.conns.push(ServerConn {
            role,
            sock,
            machine,
        });
        let chat_seq = self.server.chat.len() as i64;
        self.set_presence(role, PresenceStatus::Online, &conn_id);
        self.server.hub.push_back(BusEvent::Replaced {
            role,
            conn: conn_id,
        });
        let session = self.snapshot(role);
        self.conn_input(role, sock, conn::Input::Greet { session, chat_seq });
        self.pump();
    }

    /// Every connection of the server is told it shuts down.
    fn server_shutdown(&mut self) {
        let keys: Vec<(Role, u64)> = self.server.conns.iter().map(|c| (c.role, c.sock)).collect();
        for (role, sock) in keys {
            self.conn_input(role, sock, conn::Input::Shutdown);
        }
        self.pump();
    }

    fn server_poll(&mut self) {
        let now = self.now;
        let keys: Vec<(Role, u64)> = self
            .server
            .conns
            .iter()
            .filter(|c| c.machine.poll_timeout(now) <= now)
            .map(|c| (c.role, c.sock))
            .collect();
        for (role, sock) in keys {
            if let Some(i) = self.conn_index(role, sock) {
                self.server.conns[i].machine.handle_timeout(now);
                self.conn_drain(role, sock);
            }
        }
        // The sweeper.
        if service::next_deadline(&self.server.session, &self.server.presence)
            .is_some_and(|d| d <= now)
        {
            let before = self.server.session.clone();
            service::sweep_at(&mut self.server.session, &self.server.presence, now);
            if self.server.session != before {
                self.server.hub.push_back(BusEvent::State);
            }
        }
        self.pump();
    }

    fn server_wakeup(&self) -> Option<Millis> {
        let now = self.now;
        self.server
            .conns
            .iter()
            .map(|c| c.machine.poll_timeout(now))
            .chain(service::next_deadline(
                &self.server.session,
                &self.server.presence,
            ))
            .min()
    }

    // ---- the clock ----

    /// Advances to the next thing that happens, if it is no later than `until`. Returns whether
    /// something happened.
    fn step(&mut self, until: Millis) -> bool {
        let next = [
            self.in_flight.iter().map(|f| f.at).min(),
            self.server_wakeup(),
            self.helper_wakeup(),
            self.agent_wakeup(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next.filter(|&t| t <= until) else {
            self.now = until;
            return false;
        };
        if next <= self.now {
            self.stuck += 1;
            assert!(
                self.stuck < 100,
                "a timer at {next} keeps firing without effect"
            );
        } else {
            self.stuck = 0;
        }
        self.now = self.now.max(next);
        let now = self.now;
        let (mut due, later): (Vec<InFlight>, Vec<InFlight>) =
            self.in_flight.drain(..).partition(|f| f.at <= now);
        self.in_flight = later;
        due.sort_by_key(|f| (f.at, f.seq));
        for f in due {
            if !self.link_up[idx(f.role)] {
                continue; // dropped on a cut link
            }
            match (f.to_server, f.role) {
                (true, role) => self.server_receive(role, f.sock, f.frame),
                (false, Role::Helper) => self.helper_receive(f.sock, f.frame),
                (false, Role::Sharer) => self.agent_receive(f.sock, f.frame),
            }
        }
        self.server_poll();
        self.helper_poll();
        self.agent_poll();
        true
    }

    fn progress_for(&mut self, ms: Millis) {
        let until = self.now + ms;
        let mut steps = 0;
        while self.step(until) {
            steps += 1;
            assert!(steps < 1_000_000, "the simulation does not converge");
        }
    }

    /// Steps until `done` holds, at most `ms`; returns the time it first held.
    fn progress_until(
        &mut self,
        ms: Millis,
        mut done: impl FnMut(&World) -> bool,
    ) -> Option<Millis> {
        let until = self.now + ms;
        loop {
            if done(self) {
                return Some(self.now);
            }
            if !self.step(until) {
                return done(self).then_some(self.now);
            }
        }
    }

    fn received(&self, role: Role) -> &[(Millis, ServerMessage)] {
        match role {
            Role::Helper => &self.helper.received,
            Role::Sharer => &self.agent.as_ref().expect("the agent joined").received,
        }
    }

    fn presence_seen(&self, by: Role, of: Role, status: PresenceStatus) -> Option<Millis> {
        self.received(by).iter().find_map(|(t, m)| match m {
            ServerMessage::Presence { role, status: s } if *role == of && *s == status => Some(*t),
            _ => None,
        })
    }

    fn last_view(&self, role: Role) -> Option<&SessionView> {
        self.received(role).iter().rev().find_map(|(_, m)| match m {
            ServerMessage::State { session } | ServerMessage::Hello { session, .. } => {
                Some(session)
            }
            _ => None,
        })
    }

    fn chats(&self, role: Role) -> Vec<(String, Role, String)> {
        self.received(role)
            .iter()
            .filter_map(|(_, m)| match m {
                ServerMessage::Chat { id, from, text, .. } => {
                    Some((id.clone(), *from, text.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// Whether the agent told the sharer something containing `text` at or after `since`.
    fn said_since(&self, since: Millis, text: &str) -> bool {
        self.agent
            .as_ref()
            .is_some_and(|a| a.said.iter().any(|(t, s)| *t >= since && s.contains(text)))
    }

    fn finish(&self) -> Option<&(Millis, Finish)> {
        self.agent.as_ref().and_then(|a| a.finish.as_ref())
    }

    fn clear_received(&mut self) {
        self.helper.received.clear();
        if let Some(a) = self.agent.as_mut() {
            a.received.clear();
        }
    }
}

#[test]
fn both_sides_see_the_session_come_alive() {
    let w = World::active(Mode::View, None);
    match &w.received(Role::Helper)[0].1 {
        ServerMessage::Hello {
            protocol_version,
            role,
            session,
        } => {
            assert_eq!(*protocol_version, PROTOCOL_VERSION);
            assert_eq!(*role, Role::Helper);
            assert_eq!(session.state, StateName::Waiting);
            assert_eq!(
                session.code.as_deref(),
                Some("4k7m r9gx"),
                "the helper sees the code while waiting"
            );
        }
        other => panic!("first message must be hello, got {other:?}"),
    }
    assert!(matches!(
        &w.received(Role::Sharer)[0].1,
        ServerMessage::Hello { role: Role::Sharer, session, .. } if session.code.is_none()
    ));
    assert!(
        w.presence_seen(Role::Helper, Role::Sharer, PresenceStatus::Online)
            .is_some()
    );
    assert!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Online)
            .is_some()
    );
    for role in Role::ALL {
        let view = w.last_view(role).unwrap();
        assert_eq!(view.state, StateName::Active);
        assert_eq!(view.active_mode, Some(Mode::View));
        assert_eq!(view.your_role, Some(role));
        assert_eq!(view.code, None);
    }
    // The agent said what happened, and its control gate knows the mode.
    assert!(w.said_since(0, "The helper is online."));
    assert!(w.said_since(0, "Allowed."));
    assert!(w.said_since(0, "The helper now SEES your screen."));
    assert_eq!(
        w.agent.as_ref().unwrap().gate.last(),
        Some(&Some(Mode::View))
    );
}

#[test]
fn chatty_connections_stay_online_for_an_hour() {
    let mut w = World::active(Mode::Control, None);
    w.clear_received();
    w.progress_for(3_600_000);
    assert!(w.helper.server_lost_at.is_empty());
    assert!(w.agent.as_ref().unwrap().disconnected_at.is_empty());
    for role in Role::ALL {
        assert!(
            !w.received(role)
                .iter()
                .any(|(_, m)| matches!(m, ServerMessage::Presence { .. })),
            "no presence change in an hour of heartbeats"
        );
        let pongs = w
            .received(role)
            .iter()
            .filter(|(_, m)| *m == ServerMessage::Pong)
            .count() as i64;
        let expected = 3_600_000 / HEARTBEAT_INTERVAL_MS;
        assert!(
            (expected - 2..=expected).contains(&pongs),
            "{role}: {pongs} pongs"
        );
    }
    assert_eq!(
        w.server.session.state,
        State::Active {
            mode: Mode::Control
        }
    );
    assert!(w.finish().is_none());
}

#[test]
fn the_helper_leaving_is_told_at_once_and_ends_the_session_after_the_grace_period() {
    let mut w = World::active(Mode::View, None);
    w.progress_for(12_345);
    let left_at = w.now;
    w.helper_leave();
    let told = w
        .progress_until(10_000, |w| {
            w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Left)
                .is_some()
        })
        .expect("the sharer is told");
    assert_eq!(
        told - left_at,
        2 * LATENCY_MS,
        "one trip to the server, one to the agent"
    );
    assert!(w.said_since(left_at, "The helper is left."));
    // The session goes on during the grace period...
    assert_eq!(w.server.session.state, State::Active { mode: Mode::View });
    // ...and ends with `helper_left` when it is over; the agent stops.
    let ended = w
        .progress_until(RESUME_GRACE_MS + 1_000, |w| w.server.session.is_terminal())
        .unwrap();
    assert_eq!(ended, left_at + LATENCY_MS + RESUME_GRACE_MS);
    assert_eq!(w.server.session.end_reason(), Some(EndReason::HelperLeft));
    w.progress_for(100);
    let (_, finish) = w.finish().expect("the agent stopped");
    assert_eq!(*finish, Finish::Over("helper_left".to_owned()));
}

#[test]
fn the_sharer_stopping_ends_the_session_at_once() {
    let mut w = World::active(Mode::Control, None);
    w.progress_for(5_000);
    let stopped_at = w.now;
    w.type_line("q");
    assert_eq!(w.finish().unwrap().1, Finish::Stopped);
    assert_eq!(w.server.session.end_reason(), Some(EndReason::SharerEnded));
    w.progress_for(100);
    let told = w
        .presence_seen(Role::Helper, Role::Sharer, PresenceStatus::Left)
        .expect("the helper is told");
    assert_eq!(told - stopped_at, 2 * LATENCY_MS);
    assert_eq!(
        w.last_view(Role::Helper).unwrap().end_reason,
        Some(EndReason::SharerEnded)
    );
}

#[test]
fn network_cut_is_told_within_six_seconds_and_the_cut_side_notices() {
    // Cut at many offsets within a heartbeat interval.
    for offset in (0..HEARTBEAT_INTERVAL_MS).step_by(97) {
        for cut in Role::ALL {
            let mut w = World::active(Mode::Control, None);
            w.progress_for(5_000 + offset);
            let cut_at = w.now;
            w.link_up[idx(cut)] = false;
            let told = w
                .progress_until(10_000, |w| {
                    w.presence_seen(cut.peer(), cut, PresenceStatus::Lost)
                        .is_some()
                })
                .expect("the peer is told");
            let delay = told - cut_at;
            assert!(
                delay <= 6_000,
                "{cut} cut at +{offset}: told after {delay} ms"
            );
            assert!(
                delay >= LOST_AFTER_MS - HEARTBEAT_INTERVAL_MS,
                "{cut} cut at +{offset}: told too early, after {delay} ms"
            );
            // The cut side notices too, on its own, within the same bound.
            w.progress_for(6_000);
            let noticed = match cut {
                Role::Helper => w.helper.server_lost_at.first().copied(),
                Role::Sharer => w.agent.as_ref().unwrap().disconnected_at.first().copied(),
            };
            let noticed = noticed.expect("the cut side notices");
            assert!(
                noticed - cut_at <= LOST_AFTER_MS + HEARTBEAT_INTERVAL_MS,
                "{cut} cut at +{offset}: noticed after {} ms",
                noticed - cut_at
            );
            // Loss alone does not end the session.
            assert!(w.server.session.control_allowed());
        }
    }
}

#[test]
fn the_agent_reconnecting_within_the_grace_period_resumes_the_session() {
    let mut w = World::active(Mode::View, None);
    w.type_line("before");
    w.progress_for(1_000);
    w.link_up[idx(Role::Sharer)] = false;
    w.progress_for(30_000);
    assert!(
        w.presence_seen(Role::Helper, Role::Sharer, PresenceStatus::Lost)
            .is_some()
    );
    w.clear_received();

    // The network comes back; the agent is retrying every second.
    let back_at = w.now;
    w.link_up[idx(Role::Sharer)] = true;
    let online = w
        .progress_until(5_000, |w| {
            w.presence_seen(Role::Helper, Role::Sharer, PresenceStatus::Online)
                .is_some()
        })
        .expect("the helper sees the sharer back");
    assert!(online - back_at <= HEARTBEAT_INTERVAL_MS + 2 * LATENCY_MS);
    let (view, role) = w
        .received(Role::Sharer)
        .iter()
        .find_map(|(_, m)| match m {
            ServerMessage::Hello { session, role, .. } => Some((session.clone(), *role)),
            _ => None,
        })
        .expect("hello on reconnection");
    assert_eq!(role, Role::Sharer);
    assert_eq!((view.id.as_str(), view.state), ("s1", StateName::Active));
    assert_eq!(view.active_mode, Some(Mode::View));
    assert!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Online)
            .is_some()
    );
    // The session outlives the original grace deadline; the agent did not give up.
    w.progress_for(2 * RESUME_GRACE_MS);
    assert_eq!(w.server.session.state, State::Active { mode: Mode::View });
    assert!(w.finish().is_none());

    // Chat works after the resumption; seq keeps counting so clients can drop duplicates.
    w.type_line("after");
    w.progress_for(100);
    assert_eq!(
        w.chats(Role::Helper),
        [("2".to_owned(), Role::Sharer, "after".to_owned())]
    );
}

#[test]
fn the_agent_not_coming_back_ends_the_session_as_lost_and_the_agent_gives_up() {
    let mut w = World::active(Mode::Control, None);
    w.progress_for(2_500);
    w.link_up[idx(Role::Sharer)] = false;
    let lost_at = w
        .progress_until(10_000, |w| {
            w.presence_seen(Role::Helper, Role::Sharer, PresenceStatus::Lost)
                .is_some()
        })
        .unwrap()
        - LATENCY_MS;
    let ended = w
        .progress_until(RESUME_GRACE_MS + 1_000, |w| w.server.session.is_terminal())
        .unwrap();
    assert_eq!(ended, lost_at + RESUME_GRACE_MS);
    assert_eq!(
        w.server.session.state,
        State::Ended {
            reason: EndReason::SharerLost
        }
    );
    assert!(!w.server.session.control_allowed());
    w.progress_for(100);
    assert_eq!(
        w.last_view(Role::Helper).unwrap().end_reason,
        Some(EndReason::SharerLost)
    );
    // The agent, still cut off, stops trying once the grace period is over.
    let noticed = w.agent.as_ref().unwrap().disconnected_at[0];
    let gave_up = w
        .progress_until(10_000, |w| w.finish().is_some())
        .expect("the agent gives up");
    assert_eq!(w.finish().unwrap().1, Finish::Lost);
    assert!(gave_up - noticed > RECONNECT_FOR_MS);
    assert!(gave_up - noticed <= RECONNECT_FOR_MS + HEARTBEAT_INTERVAL_MS);
}

#[test]
fn the_agent_coming_back_after_the_grace_period_finds_the_session_over() {
    let mut w = World::active(Mode::View, None);
    w.link_up[idx(Role::Sharer)] = false;
    w.progress_until(RESUME_GRACE_MS + 10_000, |w| w.server.session.is_terminal())
        .unwrap();
    // Back just before the agent gives up: the hello says the session is over.
    w.link_up[idx(Role::Sharer)] = true;
    w.progress_until(5_000, |w| w.finish().is_some())
        .expect("the agent stops");
    assert_eq!(
        w.finish().unwrap().1,
        Finish::Over("sharer_lost".to_owned())
    );
    assert!(w.said_since(0, "The session is over (sharer_lost)."));
}

#[test]
fn the_helper_leaving_while_the_agent_is_away_is_told_on_its_return() {
    let mut w = World::active(Mode::View, None);
    w.link_up[idx(Role::Sharer)] = false;
    w.progress_for(10_000);
    let left_at = w.now;
    w.helper_leave();
    w.progress_for(10_000);
    w.clear_received();
    w.link_up[idx(Role::Sharer)] = true;
    w.progress_for(2_000);
    // The greeting carries the helper's presence: left.
    let greeting: Vec<&ServerMessage> = w
        .received(Role::Sharer)
        .iter()
        .map(|(_, m)| m)
        .take(2)
        .collect();
    assert!(matches!(greeting[0], ServerMessage::Hello { .. }));
    assert_eq!(
        greeting[1],
        &ServerMessage::Presence {
            role: Role::Helper,
            status: PresenceStatus::Left
        }
    );
    // The helper's grace runs from its leave, not from the sharer's return.
    let ended = w
        .progress_until(RESUME_GRACE_MS, |w| w.server.session.is_terminal())
        .unwrap();
    assert_eq!(ended, left_at + LATENCY_MS + RESUME_GRACE_MS);
    assert_eq!(w.server.session.end_reason(), Some(EndReason::HelperLeft));
    w.progress_for(100);
    assert_eq!(
        w.finish().unwrap().1,
        Finish::Over("helper_left".to_owned())
    );
}

#[test]
fn a_shutting_down_server_moves_both_sides_without_a_leave_or_a_loss() {
    let mut w = World::active(Mode::Control, None);
    w.progress_for(3_000);
    w.clear_received();
    let at = w.now;
    w.server_shutdown();
    for role in Role::ALL {
        let status = w.server.presence.of(role).map(|p| p.status);
        assert_eq!(status, Some(PresenceStatus::Moving), "{role} is moving");
    }
    // Typed just before the close frame came: it reaches the stopping node, which still stores it.
    w.helper_send(ClientMessage::Chat {
        text: "one last thing".into(),
    });
    w.progress_for(10_000);
    assert_eq!(w.helper.closes, [(at + LATENCY_MS, Some(CLOSE_MOVING))]);
    assert!(
        w.server.chat.iter().any(|r| r.text == "one last thing"),
        "the last message was stored"
    );
    // The agent reconnected at once on 1012, not after a heartbeat.
    let back = w
        .agent
        .as_ref()
        .unwrap()
        .received
        .iter()
        .find(|(t, m)| *t > at && matches!(m, ServerMessage::Hello { .. }))
        .map(|(t, _)| *t);
    assert_eq!(back, Some(at + 3 * LATENCY_MS));
    for role in Role::ALL {
        // Both came back (hello again) and neither was ever told the other left or was lost.
        assert!(
            w.received(role)
                .iter()
                .any(|(_, m)| matches!(m, ServerMessage::Hello { .. })),
            "{role} reconnected"
        );
        for status in [PresenceStatus::Left, PresenceStatus::Lost] {
            assert_eq!(w.presence_seen(role, role.peer(), status), None, "{role}");
        }
    }
    assert!(w.finish().is_none());
    assert_eq!(
        w.server.session.state,
        State::Active {
            mode: Mode::Control
        }
    );
    assert_eq!(w.server.conns.len(), 2);
}

#[test]
fn a_newer_connection_of_the_same_side_replaces_the_older() {
    let mut w = World::active(Mode::View, None);
    // The helper opens a second tab: the first connection is closed without a code, and the
    // sharer is never told the helper left.
    let first = w.helper.sock;
    w.helper_connect();
    w.progress_for(5_000);
    assert_ne!(w.helper.sock, first);
    assert_eq!(
        w.server
            .conns
            .iter()
            .filter(|c| c.role == Role::Helper)
            .count(),
        1
    );
    assert_eq!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Left),
        None
    );
    assert_eq!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Lost),
        None
    );
}

#[test]
fn chat_is_sanitised_reaches_both_sides_and_the_agent_shows_the_helpers() {
    let mut w = World::active(Mode::View, None);
    w.clear_received();
    let at = w.now;
    w.helper_send(ClientMessage::Chat {
        text: " Cafe\u{301}? \u{202E}txt.exe ".to_owned(),
    });
    w.progress_for(10);
    w.type_line("שלום 👨‍👩‍👧");
    w.type_line("\u{202E}\u{202C}  ");
    w.progress_for(100);
    let expected = vec![
        ("1".to_owned(), Role::Helper, "Café? txt.exe".to_owned()),
        ("2".to_owned(), Role::Sharer, "שלום 👨‍👩‍👧".to_owned()),
    ];
    assert_eq!(w.chats(Role::Helper), expected);
    assert_eq!(w.chats(Role::Sharer), expected);
    let errors: Vec<&ServerMessage> = w
        .received(Role::Sharer)
        .iter()
        .map(|(_, m)| m)
        .filter(|m| matches!(m, ServerMessage::Error { .. }))
        .collect();
    assert_eq!(
        errors,
        [&ServerMessage::error("chat_empty", "the message is empty")]
    );
    // The agent shows the helper's message, not its own.
    assert!(w.said_since(at, "[helper] Café? txt.exe"));
    assert!(!w.said_since(at, "[sharer]"));
}

#[test]
fn a_chat_message_the_hub_lost_is_caught_up_from_the_store_in_order() {
    let mut w = World::active(Mode::View, None);
    w.clear_received();
    w.server.lose_chat_for = Some(Role::Sharer);
    w.helper_send(ClientMessage::Chat {
        text: "one".to_owned(),
    });
    w.progress_for(100);
    assert!(w.chats(Role::Sharer).is_empty(), "the event was lost");
    w.helper_send(ClientMessage::Chat {
        text: "two".to_owned(),
    });
    w.progress_for(100);
    let ids: Vec<String> = w.chats(Role::Sharer).into_iter().map(|c| c.0).collect();
    assert_eq!(ids, ["1", "2"], "the gap is read from the store first");
    let a = w.agent.as_ref().unwrap();
    let shown: Vec<&str> = a
        .said
        .iter()
        .map(|(_, s)| s.as_str())
        .filter(|s| s.starts_with("[helper]"))
        .collect();
    assert_eq!(shown, ["[helper] one", "[helper] two"]);
}

#[test]
fn bad_frames_get_errors_and_a_too_large_one_closes_the_connection() {
    let mut w = World::active(Mode::View, None);
    w.clear_received();
    w.helper_send_raw("not json");
    w.helper_send_raw(r#"{"type":"signal","data":[1]}"#);
    w.helper_send_raw(r#"{"type":"teleport"}"#);
    w.progress_for(10_000);
    let codes = |w: &World| -> Vec<String> {
        w.received(Role::Helper)
            .iter()
            .filter_map(|(_, m)| match m {
                ServerMessage::Error { error } => Some(error.code.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        codes(&w),
        ["invalid_json", "signal_not_object", "unknown_type"]
    );
    assert_eq!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Lost),
        None
    );
    assert!(w.helper.closes.is_empty(), "the connection lives");

    // Over the WebSocket limit: told why, closed with 1009, reported lost; the page comes back.
    let at = w.now;
    w.helper_send_raw(&"x".repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
    w.progress_for(1_000);
    assert_eq!(
        codes(&w).last().map(String::as_str),
        Some("message_too_large")
    );
    assert_eq!(w.helper.closes, [(at + 2 * LATENCY_MS, Some(1009))]);
    assert!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Lost)
            .is_some()
    );
    assert!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Online)
            .is_some()
    );
}

#[test]
fn an_offer_is_answered_by_the_agent_and_signals_reach_only_the_other_side() {
    let mut w = World::active(Mode::View, None);
    w.clear_received();
    let offer = serde_json::json!({"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"});
    w.helper_send(ClientMessage::Signal { data: offer });
    w.progress_for(100);
    assert!(w.agent.as_ref().unwrap().media, "the agent started media");
    let signals = |w: &World, role| {
        w.received(role)
            .iter()
            .filter_map(|(_, m)| match m {
                ServerMessage::Signal { data } => Some(data["type"].clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(signals(&w, Role::Sharer), ["offer"]);
    assert_eq!(signals(&w, Role::Helper), ["answer"]);
    // Ending the mode stops the media.
    w.rest(Event::End {
        reason: EndReason::HelperEnded,
    })
    .unwrap();
    w.progress_for(100);
    assert!(!w.agent.as_ref().unwrap().media);
    assert_eq!(w.agent.as_ref().unwrap().gate.last(), Some(&None));
}

#[test]
fn signalling_before_consent_is_refused() {
    let mut w = World::new(None);
    w.helper_connect();
    w.progress_for(100);
    w.agent_join();
    w.progress_for(100);
    w.helper_send(ClientMessage::Signal {
        data: serde_json::json!({"type": "offer", "sdp": "v=0"}),
    });
    w.progress_for(100);
    assert!(w.received(Role::Helper).iter().any(
        |(_, m)| matches!(m, ServerMessage::Error { error } if error.code == "signal_not_allowed")
    ));
    assert!(!w.agent.as_ref().unwrap().media);
}

#[test]
fn upgrade_to_control_keeps_view_going_until_the_sharer_answers() {
    let mut w = World::active(Mode::View, None);
    w.rest(Event::Request {
        mode: Mode::Control,
    })
    .unwrap();
    w.progress_for(100);
    for role in Role::ALL {
        let view = w.last_view(role).unwrap();
        assert_eq!(view.state, StateName::Requested);
        assert_eq!(view.mode, Some(Mode::Control));
        assert_eq!(view.active_mode, Some(Mode::View), "{role}: view goes on");
    }
    assert!(w.said_since(0, "asks to CONTROL"));
    // An unclear answer asks again; deny: back to view for both.
    let at = w.now;
    w.type_line("maybe");
    assert!(w.said_since(at, "asks to CONTROL"));
    w.type_line("d");
    w.progress_for(100);
    assert!(w.said_since(at, "Denied."));
    for role in Role::ALL {
        let view = w.last_view(role).unwrap();
        assert_eq!(
            (view.state, view.active_mode),
            (StateName::Active, Some(Mode::View))
        );
    }
    // Ask again, allow: control.
    w.rest(Event::Request {
        mode: Mode::Control,
    })
    .unwrap();
    w.progress_for(100);
    w.type_line("allow");
    w.progress_for(100);
    assert!(w.server.session.control_allowed());
    assert_eq!(
        w.agent.as_ref().unwrap().gate.last(),
        Some(&Some(Mode::Control))
    );
    assert!(w.said_since(at, "The helper now CONTROLS your mouse and keyboard."));
}

#[test]
fn a_request_nobody_can_answer_is_denied() {
    let mut w = World::new(None);
    w.helper_connect();
    w.progress_for(100);
    w.agent_join();
    w.progress_for(100);
    // Standard input ends, then the helper asks.
    w.agent_input(sharer::Input::Line(None));
    w.rest(Event::Request { mode: Mode::View }).unwrap();
    w.progress_for(100);
    assert!(w.said_since(0, "Denied: nobody can answer the prompt here"));
    assert_eq!(w.server.session.state.name(), StateName::Denied);
}

#[test]
fn max_length_ends_the_session_on_time_for_both() {
    let max = 30 * 60 * 1000;
    let mut w = World::active(Mode::Control, Some(max));
    let joined_at = w.server.session.joined_at.unwrap();
    let ended = w
        .progress_until(max + 1_000, |w| w.server.session.is_terminal())
        .unwrap();
    assert_eq!(ended, joined_at + max);
    assert_eq!(w.server.session.end_reason(), Some(EndReason::MaxLength));
    w.progress_for(100);
    let view = w.last_view(Role::Helper).unwrap();
    assert_eq!(view.end_reason, Some(EndReason::MaxLength));
    assert_eq!(view.ended_at, Some(joined_at + max));
    assert_eq!(view.active_mode, None);
    assert_eq!(
        w.finish().unwrap(),
        &(ended + LATENCY_MS, Finish::Over("max_length".to_owned()))
    );
    // Signalling and chat after the end are refused.
    w.helper_send(ClientMessage::Signal {
        data: serde_json::json!({}),
    });
    w.helper_send(ClientMessage::Chat {
        text: "still there?".to_owned(),
    });
    w.progress_for(100);
    let codes: Vec<&str> = w
        .received(Role::Helper)
        .iter()
        .filter_map(|(_, m)| match m {
            ServerMessage::Error { error } => Some(error.code.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(codes, ["signal_not_allowed", "session_over"]);
}

#[test]
fn code_expires_if_nobody_joins() {
    let mut w = World::new(None);
    w.helper_connect();
    let expired = w
        .progress_until(CODE_TTL_MS + 1_000, |w| w.server.session.is_terminal())
        .unwrap();
    assert_eq!(expired, T0 + CODE_TTL_MS);
    assert_eq!(w.server.session.state, State::Expired);
    w.progress_for(100);
    assert_eq!(w.last_view(Role::Helper).unwrap().state, StateName::Expired);
    assert_eq!(
        w.last_view(Role::Helper).unwrap().code,
        None,
        "an expired code is not shown"
    );
    assert_eq!(w.rest(Event::Join).unwrap_err().code(), "expired");
}
