//! A helper, a sharer and a server stepped together on a simulated clock, in the style of str0m's
//! `tests/common.rs` (`progress(l, r)`).
//!
//! The server here is a model of the real hub built only from this crate's parts: it parses client
//! frames with [`ClientMessage::parse`], sanitises chat, relays signals, keeps a [`Liveness`] and a
//! [`PeerPresence`] per participant and drives the [`Session`] with the time. Frames travel as JSON
//! text over links with a fixed latency that a test can cut and restore. Nothing sleeps: each step
//! jumps the clock to the next thing that happens.

use assist_proto::*;

const T0: Millis = 1_700_000_000_000;
const LATENCY_MS: Millis = 20;

fn idx(role: Role) -> usize {
    match role {
        Role::Helper => 0,
        Role::Sharer => 1,
    }
}

#[derive(Debug, Clone)]
enum Frame {
    /// WebSocket handshake.
    Open,
    /// A JSON text frame.
    Text(String),
    /// A clean close.
    Close,
}

#[derive(Debug)]
struct InFlight {
    at: Millis,
    seq: u64,
    to_server: bool,
    role: Role,
    frame: Frame,
}

struct Server {
    session: Session,
    conns: [Option<Liveness>; 2],
    presence: [Option<PeerPresence>; 2],
    chat_seq: u64,
}

struct Client {
    conn: Option<Liveness>,
    /// Reconnect on loss (a page or agent that wants to stay in the session).
    stay: bool,
    next_attempt: Option<Millis>,
    received: Vec<(Millis, ServerMessage)>,
    server_lost_at: Vec<Millis>,
}

struct World {
    now: Millis,
    server: Server,
    clients: [Client; 2],
    link_up: [bool; 2],
    in_flight: Vec<InFlight>,
    seq: u64,
    /// Steps taken without the clock moving, to catch a timer that never fires.
    stuck: u32,
}

impl World {
    fn new(max_length_ms: Option<i64>) -> World {
        let client = || Client {
            conn: None,
            stay: true,
            next_attempt: None,
            received: Vec::new(),
            server_lost_at: Vec::new(),
        };
        World {
            now: T0,
            server: Server {
                session: Session::new(T0, CODE_TTL_MS, max_length_ms),
                conns: [None, None],
                presence: [None, None],
                chat_seq: 0,
            },
            clients: [client(), client()],
            link_up: [true, true],
            in_flight: Vec::new(),
            seq: 0,
            stuck: 0,
        }
    }

    /// A world where both sides are connected and the sharer allowed `mode`.
    fn active(mode: Mode, max_length_ms: Option<i64>) -> World {
        let mut w = World::new(max_length_ms);
        w.connect(Role::Helper);
        w.progress_for(100);
        w.rest(Event::Join).unwrap();
        w.connect(Role::Sharer);
        w.progress_for(100);
        w.rest(Event::Request { mode }).unwrap();
        w.progress_for(100);
        w.rest(Event::Consent { allow: true }).unwrap();
        w.progress_for(100);
        assert_eq!(w.server.session.state, State::Active { mode });
        w
    }

    fn push(&mut self, to_server: bool, role: Role, frame: Frame) {
        if !self.link_up[idx(role)] {
            return;
        }
        self.seq += 1;
        self.in_flight.push(InFlight {
            at: self.now + LATENCY_MS,
            seq: self.seq,
            to_server,
            role,
            frame,
        });
    }

    // ---- clients ----

    fn connect(&mut self, role: Role) {
        let now = self.now;
        let c = &mut self.clients[idx(role)];
        c.stay = true;
        if self.link_up[idx(role)] {
            c.conn = Some(Liveness::new(now));
            c.next_attempt = None;
            self.push(true, role, Frame::Open);
        } else {
            // The handshake fails at once; try again in a second.
            c.next_attempt = Some(now + HEARTBEAT_INTERVAL_MS);
        }
    }

    fn client_send(&mut self, role: Role, message: ClientMessage) {
        if self.clients[idx(role)].conn.is_some() {
            self.push(true, role, Frame::Text(message.to_json()));
        }
    }

    fn client_send_raw(&mut self, role: Role, text: &str) {
        self.push(true, role, Frame::Text(text.to_owned()));
    }

    fn leave(&mut self, role: Role) {
        let c = &mut self.clients[idx(role)];
        c.stay = false;
        c.next_attempt = None;
        if c.conn.take().is_some() {
            self.push(true, role, Frame::Close);
        }
    }

    fn client_receive(&mut self, role: Role, frame: Frame) {
        let now = self.now;
        let c = &mut self.clients[idx(role)];
        let Some(conn) = c.conn.as_mut() else { return };
        conn.seen(now);
        if let Frame::Text(text) = frame {
            let message = ServerMessage::parse(&text).expect("the server sends valid messages");
            c.received.push((now, message));
        }
    }

    fn client_poll(&mut self, role: Role) {
        let now = self.now;
        let i = idx(role);
        if let Some(conn) = self.clients[i].conn.as_mut() {
            match conn.poll(now) {
                Heartbeat::Ping => self.client_send(role, ClientMessage::Ping),
                Heartbeat::Lost => {
                    let c = &mut self.clients[i];
                    c.conn = None;
                    c.server_lost_at.push(now);
                    if c.stay {
                        c.next_attempt = Some(now);
                    }
                }
                Heartbeat::WaitUntil(_) => {}
            }
        }
        let c = &self.clients[i];
        if c.conn.is_none() && c.stay && c.next_attempt.is_some_and(|t| t <= now) {
            self.connect(role);
        }
    }

    fn client_wakeup(&self, role: Role) -> Option<Millis> {
        let c = &self.clients[idx(role)];
        match &c.conn {
            Some(conn) => Some(conn.next_wakeup(self.now)),
            None => c.next_attempt,
        }
    }

    // ---- server ----

    fn view_for(&self, role: Role) -> SessionView {
        let mut view = SessionView::new("s1", &self.server.session);
        view.code = Some("4k7m r9gx".to_owned());
        view.for_role(role)
    }

    fn server_send(&mut self, role: Role, message: ServerMessage) {
        if self.server.conns[idx(role)].is_some() {
            self.push(false, role, Frame::Text(message.to_json()));
        }
    }

    fn broadcast_state(&mut self) {
        for role in Role::ALL {
            let session = self.view_for(role);
            self.server_send(role, ServerMessage::State { session });
        }
    }

    fn set_presence(&mut self, role: Role, status: PresenceStatus) {
        let now = self.now;
        let changed = match &mut self.server.presence[idx(role)] {
            Some(p) => p.set(status, now),
            slot @ None => {
                *slot = Some(PeerPresence { status, since: now });
                true
            }
        };
        if changed {
            self.server_send(role.peer(), ServerMessage::Presence { role, status });
        }
    }

    /// A REST call (request, consent, end...), applied by the server at once.
    fn rest(&mut self, event: Event) -> Result<State, TransitionError> {
        let result = self.server.session.apply(event, self.now);
        if result.is_ok() {
            self.broadcast_state();
        }
        result
    }

    fn server_receive(&mut self, role: Role, frame: Frame) {
        let now = self.now;
        let i = idx(role);
        match frame {
            Frame::Open => {
                self.server.conns[i] = Some(Liveness::for_server(now));
                let session = self.view_for(role);
                self.server_send(role, ServerMessage::hello(role, session));
                if let Some(peer) = self.server.presence[idx(role.peer())] {
                    self.server_send(
                        role,
                        ServerMessage::Presence {
                            role: role.peer(),
                            status: peer.status,
                        },
                    );
                }
                self.set_presence(role, PresenceStatus::Online);
            }
            Frame::Close => {
                self.server.conns[i] = None;
                self.set_presence(role, PresenceStatus::Left);
            }
            Frame::Text(text) => {
                let Some(conn) = self.server.conns[i].as_mut() else {
                    return;
                };
                conn.seen(now);
                match ClientMessage::parse(&text) {
                    Ok(ClientMessage::Ping) => self.server_send(role, ServerMessage::Pong),
                    Ok(ClientMessage::Chat { text }) => match sanitize_chat(&text) {
                        Ok(text) => {
                            self.server.chat_seq += 1;
                            let message = ServerMessage::Chat {
                                id: format!("m{}", self.server.chat_seq),
                                from: role,
                                text,
                                sent_at: now,
                                seq: self.server.chat_seq,
                            };
                            self.server_send(Role::Helper, message.clone());
                            self.server_send(Role::Sharer, message);
                        }
                        Err(e) => {
                            self.server_send(role, ServerMessage::error(e.code(), e.to_string()))
                        }
                    },
                    Ok(ClientMessage::Signal { data }) => {
                        if self.server.session.is_terminal() {
                            self.server_send(
                                role,
                                ServerMessage::error("session_over", "the session is over"),
                            );
                        } else {
                            self.server_send(role.peer(), ServerMessage::Signal { data });
                        }
                    }
                    Err(e) => self.server_send(role, e.into()),
                }
            }
        }
    }

    fn server_poll(&mut self) {
        let now = self.now;
        for role in Role::ALL {
            if self.server.conns[idx(role)].is_some_and(|c| c.is_lost(now)) {
                self.server.conns[idx(role)] = None;
                self.set_presence(role, PresenceStatus::Lost);
            }
        }
        if !self.server.session.is_terminal() {
            for role in Role::ALL {
                if let Some(reason) =
                    self.server.presence[idx(role)].and_then(|p| p.end_reason(role, now))
                {
                    self.rest(Event::End { reason }).unwrap();
                    break;
                }
            }
        }
        if self
            .server
            .session
            .next_deadline()
            .is_some_and(|d| d <= now)
        {
            self.rest(Event::Tick).unwrap();
        }
    }

    fn server_wakeup(&self) -> Option<Millis> {
        let conns = self.server.conns.iter().flatten().map(Liveness::deadline);
        let grace = if self.server.session.is_terminal() {
            None
        } else {
            self.server
                .presence
                .iter()
                .flatten()
                .filter_map(PeerPresence::grace_deadline)
                .min()
        };
        conns
            .chain(grace)
            .chain(self.server.session.next_deadline())
            .min()
    }

    // ---- the clock ----

    /// Advances to the next thing that happens, if it is no later than `until`. Returns whether
    /// something happened.
    fn step(&mut self, until: Millis) -> bool {
        let next = [
            self.in_flight.iter().map(|f| f.at).min(),
            self.server_wakeup(),
            self.client_wakeup(Role::Helper),
            self.client_wakeup(Role::Sharer),
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
        let mut due: Vec<InFlight> = Vec::new();
        let mut later = Vec::new();
        for f in self.in_flight.drain(..) {
            if f.at <= now {
                due.push(f)
            } else {
                later.push(f)
            }
        }
        self.in_flight = later;
        due.sort_by_key(|f| (f.at, f.seq));
        for f in due {
            if !self.link_up[idx(f.role)] {
                continue; // dropped on a cut link
            }
            if f.to_server {
                self.server_receive(f.role, f.frame);
            } else {
                self.client_receive(f.role, f.frame);
            }
        }
        self.server_poll();
        self.client_poll(Role::Helper);
        self.client_poll(Role::Sharer);
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
        &self.clients[idx(role)].received
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

    fn clear_received(&mut self) {
        for c in &mut self.clients {
            c.received.clear();
        }
    }
}

#[test]
fn both_sides_see_the_session_come_alive() {
    let w = World::active(Mode::View, None);
    let (_, hello) = &w.received(Role::Helper)[0];
    match hello {
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
    let sharer_hello = &w.received(Role::Sharer)[0].1;
    assert!(
        matches!(sharer_hello, ServerMessage::Hello { role: Role::Sharer, session, .. } if session.code.is_none())
    );
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
}

#[test]
fn chatty_connections_stay_online_for_an_hour() {
    let mut w = World::active(Mode::Control, None);
    w.clear_received();
    w.progress_for(3_600_000);
    for role in Role::ALL {
        assert!(w.clients[idx(role)].server_lost_at.is_empty());
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
        assert!((expected - 2..=expected).contains(&pongs), "{pongs} pongs");
    }
    assert_eq!(
        w.server.session.state,
        State::Active {
            mode: Mode::Control
        }
    );
}

#[test]
fn clean_leave_is_told_within_two_seconds() {
    for leaver in Role::ALL {
        let mut w = World::active(Mode::View, None);
        w.progress_for(12_345);
        let left_at = w.now;
        w.leave(leaver);
        let told = w
            .progress_until(10_000, |w| {
                w.presence_seen(leaver.peer(), leaver, PresenceStatus::Left)
                    .is_some()
            })
            .expect("the peer is told");
        assert!(
            told - left_at <= 2_000,
            "{leaver}: told after {} ms",
            told - left_at
        );
        assert_eq!(
            told - left_at,
            2 * LATENCY_MS,
            "one trip to the server, one to the peer"
        );
        // The session goes on during the grace period...
        assert_eq!(w.server.session.state, State::Active { mode: Mode::View });
        // ...and ends with `*_left` when it is over.
        let ended = w
            .progress_until(RESUME_GRACE_MS + 1_000, |w| w.server.session.is_terminal())
            .unwrap();
        assert_eq!(ended, left_at + LATENCY_MS + RESUME_GRACE_MS);
        assert_eq!(w.server.session.end_reason(), Some(EndReason::left(leaver)));
        w.progress_for(100);
        let view = w.last_view(leaver.peer()).unwrap();
        assert_eq!(view.state, StateName::Ended);
        assert_eq!(view.end_reason, Some(EndReason::left(leaver)));
    }
}

#[test]
fn network_cut_is_told_within_six_seconds() {
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
            let noticed = w.clients[idx(cut)].server_lost_at.first().copied();
            let noticed = noticed.or_else(|| {
                w.progress_until(6_000, |w| !w.clients[idx(cut)].server_lost_at.is_empty())?;
                w.clients[idx(cut)].server_lost_at.first().copied()
            });
            assert!(noticed.unwrap() - cut_at <= LOST_AFTER_MS + HEARTBEAT_INTERVAL_MS);
            // Control is still allowed by the state machine: loss alone does not end the session.
            assert!(w.server.session.control_allowed());
        }
    }
}

#[test]
fn reconnecting_within_the_grace_period_resumes_the_session() {
    let mut w = World::active(Mode::View, None);
    w.client_send(
        Role::Sharer,
        ClientMessage::Chat {
            text: "before".to_owned(),
        },
    );
    w.progress_for(1_000);
    w.link_up[idx(Role::Sharer)] = false;
    w.progress_for(30_000);
    assert!(
        w.presence_seen(Role::Helper, Role::Sharer, PresenceStatus::Lost)
            .is_some()
    );
    w.clear_received();

    // The network comes back; the sharer's client is retrying every second.
    let back_at = w.now;
    w.link_up[idx(Role::Sharer)] = true;
    let online = w
        .progress_until(5_000, |w| {
            w.presence_seen(Role::Helper, Role::Sharer, PresenceStatus::Online)
                .is_some()
        })
        .expect("the helper sees the sharer back");
    assert!(online - back_at <= HEARTBEAT_INTERVAL_MS + 2 * LATENCY_MS);

    // The sharer got hello with the same, still active session, and the helper's presence.
    let hello = w.received(Role::Sharer).iter().find_map(|(_, m)| match m {
        ServerMessage::Hello { session, role, .. } => Some((session.clone(), *role)),
        _ => None,
    });
    let (view, role) = hello.expect("hello on reconnection");
    assert_eq!(role, Role::Sharer);
    assert_eq!(view.id, "s1");
    assert_eq!(view.state, StateName::Active);
    assert_eq!(view.active_mode, Some(Mode::View));
    assert_eq!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Online)
            .map(|_| ()),
        Some(())
    );

    // The session outlives the original grace deadline.
    w.progress_for(2 * RESUME_GRACE_MS);
    assert_eq!(w.server.session.state, State::Active { mode: Mode::View });

    // Chat works after the resumption; ids keep counting so clients can drop duplicates.
    w.client_send(
        Role::Sharer,
        ClientMessage::Chat {
            text: "after".to_owned(),
        },
    );
    w.progress_for(100);
    let ids: Vec<&str> = w
        .received(Role::Helper)
        .iter()
        .filter_map(|(_, m)| match m {
            ServerMessage::Chat { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, ["m2"]);
}

#[test]
fn not_coming_back_ends_the_session_as_lost() {
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
    assert_eq!(w.server.session.ended_at, Some(ended));
    assert!(!w.server.session.control_allowed());
    w.progress_for(100);
    assert_eq!(
        w.last_view(Role::Helper).unwrap().end_reason,
        Some(EndReason::SharerLost)
    );
}

#[test]
fn chat_is_sanitised_and_reaches_both_sides() {
    let mut w = World::active(Mode::View, None);
    w.clear_received();
    w.client_send(
        Role::Helper,
        ClientMessage::Chat {
            text: " Cafe\u{301}? \u{202E}txt.exe ".to_owned(),
        },
    );
    w.client_send(
        Role::Sharer,
        ClientMessage::Chat {
            text: "שלום 👨‍👩‍👧".to_owned(),
        },
    );
    w.client_send(
        Role::Sharer,
        ClientMessage::Chat {
            text: "\u{202E}\u{202C}  ".to_owned(),
        },
    );
    w.progress_for(100);
    let chats = |role| -> Vec<(String, Role, String)> {
        w.received(role)
            .iter()
            .filter_map(|(_, m)| match m {
                ServerMessage::Chat { id, from, text, .. } => {
                    Some((id.clone(), *from, text.clone()))
                }
                _ => None,
            })
            .collect()
    };
    let expected = vec![
        ("m1".to_owned(), Role::Helper, "Café? txt.exe".to_owned()),
        ("m2".to_owned(), Role::Sharer, "שלום 👨‍👩‍👧".to_owned()),
    ];
    assert_eq!(chats(Role::Helper), expected);
    assert_eq!(chats(Role::Sharer), expected);
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
}

#[test]
fn bad_frames_get_errors_and_the_connection_lives() {
    let mut w = World::active(Mode::View, None);
    w.clear_received();
    w.client_send_raw(Role::Helper, "not json");
    w.client_send_raw(Role::Helper, r#"{"type":"signal","data":[1]}"#);
    w.client_send_raw(Role::Helper, r#"{"type":"teleport"}"#);
    w.client_send_raw(Role::Helper, &"x".repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
    w.progress_for(10_000);
    let codes: Vec<&str> = w
        .received(Role::Helper)
        .iter()
        .filter_map(|(_, m)| match m {
            ServerMessage::Error { error } => Some(error.code.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        codes,
        [
            "invalid_json",
            "signal_not_object",
            "unknown_type",
            "message_too_large"
        ]
    );
    assert!(
        w.presence_seen(Role::Sharer, Role::Helper, PresenceStatus::Lost)
            .is_none()
    );
    assert!(w.server.conns[idx(Role::Helper)].is_some());
}

#[test]
fn signals_are_relayed_to_the_other_side_only() {
    let mut w = World::active(Mode::View, None);
    w.clear_received();
    let offer = serde_json::json!({"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"});
    w.client_send(
        Role::Sharer,
        ClientMessage::Signal {
            data: offer.clone(),
        },
    );
    w.progress_for(100);
    let signals = |role| {
        w.received(role)
            .iter()
            .filter(|(_, m)| matches!(m, ServerMessage::Signal { .. }))
            .count()
    };
    assert_eq!(signals(Role::Sharer), 0);
    assert_eq!(signals(Role::Helper), 1);
    let relayed = ServerMessage::Signal { data: offer };
    assert!(w.received(Role::Helper).iter().any(|(_, m)| *m == relayed));
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
    assert!(!w.server.session.control_allowed());
    // A second request while the sharer decides is refused and changes nothing.
    let err = w
        .rest(Event::Request {
            mode: Mode::Control,
        })
        .unwrap_err();
    assert_eq!(err.code(), "request_pending");
    // Deny: back to view for both.
    w.rest(Event::Consent { allow: false }).unwrap();
    w.progress_for(100);
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
    w.rest(Event::Consent { allow: true }).unwrap();
    w.progress_for(100);
    assert!(w.server.session.control_allowed());
    assert_eq!(
        w.last_view(Role::Sharer).unwrap().active_mode,
        Some(Mode::Control)
    );
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
    for role in Role::ALL {
        let view = w.last_view(role).unwrap();
        assert_eq!(view.end_reason, Some(EndReason::MaxLength));
        assert_eq!(view.ended_at, Some(joined_at + max));
        assert_eq!(view.active_mode, None);
    }
    // Signalling after the end is refused.
    w.client_send(
        Role::Helper,
        ClientMessage::Signal {
            data: serde_json::json!({}),
        },
    );
    w.progress_for(100);
    assert!(
        w.received(Role::Helper).iter().any(
            |(_, m)| matches!(m, ServerMessage::Error { error } if error.code == "session_over")
        )
    );
}

#[test]
fn code_expires_if_nobody_joins() {
    let mut w = World::new(None);
    w.connect(Role::Helper);
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
