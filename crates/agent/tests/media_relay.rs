//! The agent's TURN client against a TURN server, stepped on a simulated clock with datagrams
//! exchanged in memory (no sockets, no sleeping).
//!
//! The server is `turn-server-proto` (a sans-I/O TURN server with the long-term credential
//! mechanism, nonces and lifetimes), not a stand-in written for the test; the real coturn is
//! exercised by `tests/e2e/agent-turn.test.mjs`. Checked: the 401 → realm/nonce → authenticated
//! Allocate exchange, a wrong password, data both ways (ChannelData once the channel is bound),
//! the allocation outliving its lifetime through refreshes and a stale nonce, and a full WebRTC
//! connection (ICE, DTLS, data channel) between the sharer in relay-only mode and a str0m
//! "browser", with every sharer datagram through the relay.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use assist_agent::media::turn::{RelayEvent, RelaySet, RelayState, Routed, TurnRelay};
use assist_agent::media::{PeerConfig, PeerEvent, PeerOutput, SharerPeer};
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::media::{Direction, MediaKind};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, RtcConfig};
use turn_client_proto::stun::agent::Transmit;
use turn_server_proto::api::{TurnServerApi, TurnServerPollRet};
use turn_server_proto::server::TurnServer;
use turn_server_proto::types::{Instant as TurnInstant, TransportType};

const AGENT: &str = "127.0.0.1:1000";
const SERVER: &str = "127.0.0.1:3478";
const RELAYED: &str = "127.0.0.1:40000";
const PEER: &str = "127.0.0.1:2000";
const USER: &str = "1767225600:0f3c";
const PASSWORD: &str = "m+jpAeJSPzQuFGWPSLEEwaGWNuE=";

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// A datagram in flight.
struct Packet {
    from: SocketAddr,
    to: SocketAddr,
    data: Vec<u8>,
}

/// The TURN server and the network around it.
struct Net {
    start: Instant,
    now: Instant,
    server: TurnServer,
    /// Datagrams that reached the peer at `PEER`.
    at_peer: Vec<Packet>,
    /// Datagrams for the agent's socket.
    to_agent: Vec<Packet>,
    /// Datagrams the agent's socket sent to the server, with their first byte.
    agent_sent: Vec<u8>,
}

impl Net {
    fn new() -> Net {
        let now = Instant::now();
        let mut server = TurnServer::new(TransportType::Udp, addr(SERVER), "assist.test".into());
        server.add_user(USER.into(), PASSWORD.into());
        Net {
            start: now,
            now,
            server,
            at_peer: Vec::new(),
            to_agent: Vec::new(),
            agent_sent: Vec::new(),
        }
    }

    fn at(&self) -> TurnInstant {
        TurnInstant::from_nanos(self.now.duration_since(self.start).as_nanos() as i64)
    }

    /// Delivers a datagram to the server (from the agent, or from the peer to the relayed
    /// address) and routes what it answers.
    fn deliver_to_server(&mut self, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        let at = self.at();
        if let Some(out) = self
            .server
            .recv(Transmit::new(data, TransportType::Udp, from, to), at)
        {
            let out = out.build();
            self.route(out.from, out.to, out.data);
        }
        self.poll_server();
    }

    fn poll_server(&mut self) {
        loop {
            let at = self.at();
            match self.server.poll(at) {
                TurnServerPollRet::AllocateSocket {
                    transport,
                    listen_addr,
                    client_addr,
                    allocation_transport,
                    family,
                } => self.server.allocated_socket(
                    transport,
                    listen_addr,
                    client_addr,
                    allocation_transport,
                    family,
                    Ok(addr(RELAYED)),
                    at,
                ),
                _ => break,
            }
        }
        while let Some(out) = self.server.poll_transmit(self.at()) {
            self.route(out.from, out.to, out.data);
        }
    }

    fn route(&mut self, from: SocketAddr, to: SocketAddr, data: Vec<u8>) {
        let packet = Packet { from, to, data };
        if to == addr(AGENT) {
            self.to_agent.push(packet);
        } else {
            self.at_peer.push(packet);
        }
    }

    /// Moves the relay and the server on until nothing is in flight.
    fn pump(&mut self, relays: &mut RelaySet) -> Vec<Routed> {
        let mut routed = Vec::new();
        for _ in 0..100 {
            relays.handle_timeout(self.now);
            let mut quiet = true;
            while let Some(t) = relays.poll_transmit(self.now) {
                quiet = false;
                assert_eq!(t.destination, addr(SERVER));
                self.agent_sent.push(t.contents[0]);
                self.deliver_to_server(addr(AGENT), addr(SERVER), &t.contents);
            }
            self.poll_server();
            for p in std::mem::take(&mut self.to_agent) {
                quiet = false;
                match relays.route_inbound(self.now, p.from, &p.data) {
                    Routed::Handled => {}
                    other => routed.push(other),
                }
            }
            if quiet {
                break;
            }
        }
        routed
    }

    /// Runs for `duration` in `step`s.
    fn run(&mut self, relays: &mut RelaySet, duration: Duration, step: Duration) {
        let end = self.now + duration;
        while self.now < end {
            self.now += step;
            let _ = self.pump(relays);
        }
    }
}

fn allocated(password: &str) -> (Net, RelaySet, Vec<RelayEvent>) {
    let mut net = Net::new();
    let relay = TurnRelay::allocate(addr(AGENT), addr(SERVER), USER, password, net.now);
    let mut relays = RelaySet::new(vec![relay]);
    net.run(
        &mut relays,
        Duration::from_millis(200),
        Duration::from_millis(10),
    );
    let mut events = Vec::new();
    while let Some((server, e)) = relays.poll_event() {
        assert_eq!(server, addr(SERVER));
        events.push(e);
    }
    (net, relays, events)
}

#[test]
fn allocates_with_long_term_credentials() {
    let (net, relays, events) = allocated(PASSWORD);
    assert_eq!(events, vec![RelayEvent::Allocated(addr(RELAYED))]);
    assert_eq!(relays.relayed_addrs(), vec![addr(RELAYED)]);
    // The first Allocate is refused (401 with realm and nonce), the second is authenticated.
    assert_eq!(net.agent_sent.len(), 2, "{:?}", net.agent_sent);
}

#[test]
fn a_wrong_password_gets_no_relay() {
    let (mut net, mut relays, mut events) = allocated("not the password");
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(*relays.relays()[0].state(), RelayState::Allocating);
    // This server does not answer a request whose integrity does not check out; the client
    // gives up after its retransmissions (about 40 s). The session waits far less than that
    // (RELAY_ALLOCATE_WAIT) and answers without this relay.
    net.run(
        &mut relays,
        Duration::from_secs(60),
        Duration::from_millis(100),
    );
    while let Some((_, e)) = relays.poll_event() {
        events.push(e);
    }
    assert!(
        matches!(events.as_slice(), [RelayEvent::Failed(_)]),
        "{events:?}"
    );
    assert!(matches!(relays.relays()[0].state(), RelayState::Failed(_)));
    relays.retain_allocated();
    assert!(relays.is_empty());
}

#[test]
fn data_goes_both_ways_through_a_channel() {
    let (mut net, mut relays, _) = allocated(PASSWORD);
    let relayed = addr(RELAYED);
    let peer = addr(PEER);
    // Before the channel exists the datagram waits; then it goes out.
    assert!(relays.route_outbound(net.now, relayed, peer, b"hello"));
    assert!(!relays.route_outbound(net.now, addr(AGENT), peer, b"direct"));
    net.run(
        &mut relays,
        Duration::from_millis(200),
        Duration::from_millis(10),
    );
    let got: Vec<(SocketAddr, SocketAddr, &[u8])> = net
        .at_peer
        .iter()
        .map(|p| (p.from, p.to, p.data.as_slice()))
        .collect();
    assert_eq!(got, vec![(relayed, peer, &b"hello"[..])]);

    // The peer answers; the agent gets it as from the peer to the relayed address.
    net.deliver_to_server(peer, relayed, b"world");
    let routed = net.pump(&mut relays);
    assert_eq!(
        routed,
        vec![Routed::Relayed {
            peer,
            relayed,
            data: b"world".to_vec()
        }]
    );

    // With the channel bound, data travels as ChannelData (first byte 0x40..=0x7f).
    net.agent_sent.clear();
    assert!(relays.route_outbound(net.now, relayed, peer, b"again"));
    let _ = net.pump(&mut relays);
    assert_eq!(net.agent_sent.len(), 1);
    assert!(
        (0x40..=0x7f).contains(&net.agent_sent[0]),
        "{:x}",
        net.agent_sent[0]
    );
    assert_eq!(net.at_peer.last().unwrap().data, b"again");

    // A peer without a permission cannot reach the agent.
    net.deliver_to_server(addr("127.0.0.9:9"), relayed, b"stranger");
    assert!(net.pump(&mut relays).is_empty());
}

#[test]
fn the_allocation_outlives_its_lifetime_and_stale_nonces() {
    let (mut net, mut relays, _) = allocated(PASSWORD);
    net.server
        .set_nonce_expiry_duration(Duration::from_secs(60));
    let relayed = addr(RELAYED);
    let peer = addr(PEER);
    assert!(relays.route_outbound(net.now, relayed, peer, b"first"));
    // Default lifetimes: allocation 10 min, permission 5 min, channel 10 min; run 25 minutes.
    net.run(
        &mut relays,
        Duration::from_secs(25 * 60),
        Duration::from_millis(500),
    );
    if let Some((_, e)) = relays.poll_event() {
        panic!("unexpected relay event {e:?}");
    }
    assert_eq!(relays.relayed_addrs(), vec![relayed]);
    net.at_peer.clear();
    assert!(relays.route_outbound(net.now, relayed, peer, b"later"));
    let _ = net.pump(&mut relays);
    assert_eq!(net.at_peer.len(), 1);
    assert_eq!(net.at_peer[0].data, b"later");
    net.deliver_to_server(peer, relayed, b"back");
    assert_eq!(net.pump(&mut relays).len(), 1);
}

#[test]
fn webrtc_connects_relay_only_through_the_relay() {
    let (mut net, mut relays, _) = allocated(PASSWORD);
    let relayed = addr(RELAYED);

    // The "browser": offers recvonly video and the input channel from a host candidate.
    let mut browser = RtcConfig::new()
        .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
        .build(net.now);
    browser
        .add_local_candidate(Candidate::host(addr(PEER), "udp").unwrap())
        .unwrap();
    let mut change = browser.sdp_api();
    change.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
    let channel = change.add_channel("input".into());
    let (offer, pending): (_, SdpPendingOffer) = change.apply().unwrap();
    let offer = serde_json::to_string(&offer).unwrap();

    let config = PeerConfig {
        relay_only: true,
        ..PeerConfig::default()
    };
    assert!(
        SharerPeer::accept_offer_with_relays(&config, &offer, addr(AGENT), &[], net.now).is_err()
    );
    let (mut sharer, answer) =
        SharerPeer::accept_offer_with_relays(&config, &offer, addr(AGENT), &[relayed], net.now)
            .unwrap();
    assert!(answer.contains("127.0.0.1 40000 typ relay"), "{answer}");
    assert!(!answer.contains("typ host"), "{answer}");
    let answer: SdpAnswer = serde_json::from_str(&answer).unwrap();
    browser.sdp_api().accept_answer(pending, answer).unwrap();

    let mut sharer_events = Vec::new();
    let mut browser_open = false;
    let end = net.now + Duration::from_secs(3);
    while net.now < end && !(browser_open && sharer_events.contains(&PeerEvent::DataChannelOpen)) {
        net.now += Duration::from_millis(1);
        sharer.handle_timeout(net.now).unwrap();
        browser.handle_input(Input::Timeout(net.now)).unwrap();
        for _ in 0..50 {
            let mut moved = false;
            loop {
                match sharer.poll_output().unwrap() {
                    PeerOutput::Transmit(t) => {
                        moved = true;
                        assert_eq!(t.source, relayed, "relay only: every datagram is relayed");
                        assert!(relays.route_outbound(
                            net.now,
                            t.source,
                            t.destination,
                            &t.contents
                        ));
                    }
                    PeerOutput::Event(e) => sharer_events.push(e),
                    PeerOutput::Timeout(_) => break,
                }
            }
            for routed in net.pump(&mut relays) {
                moved = true;
                let Routed::Relayed {
                    peer,
                    relayed,
                    data,
                } = routed
                else {
                    panic!("{routed:?}");
                };
                sharer
                    .handle_receive(net.now, peer, relayed, &data)
                    .unwrap();
            }
            for p in std::mem::take(&mut net.at_peer) {
                moved = true;
                assert_eq!(p.from, relayed);
                let receive = Receive::new(Protocol::Udp, p.from, p.to, &p.data).unwrap();
                browser
                    .handle_input(Input::Receive(net.now, receive))
                    .unwrap();
            }
            loop {
                match browser.poll_output().unwrap() {
                    Output::Transmit(t) => {
                        moved = true;
                        assert_eq!(t.destination, relayed);
                        net.deliver_to_server(t.source, t.destination, &t.contents);
                    }
                    Output::Event(Event::ChannelOpen(id, _)) if id == channel => {
                        browser_open = true
                    }
                    Output::Event(_) => {}
                    Output::Timeout(_) => break,
                }
            }
            if !moved {
                break;
            }
        }
    }
    assert!(
        sharer_events.contains(&PeerEvent::Connected),
        "{sharer_events:?}"
    );
    assert!(
        sharer_events.contains(&PeerEvent::DataChannelOpen),
        "{sharer_events:?}"
    );
    assert!(browser_open);
    assert!(sharer.send_data("through the relay").unwrap());
}
