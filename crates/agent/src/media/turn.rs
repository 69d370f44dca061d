//! TURN relays for the sharer (RFC 8656, UDP), without I/O.
//!
//! str0m does no STUN or TURN allocation itself. A [`TurnRelay`] allocates a relayed address on
//! one TURN server with the long-term credential mechanism (the server's 401 gives realm and
//! nonce, the request is repeated with MESSAGE-INTEGRITY; a 438 stale nonce is retried with the
//! new one), refreshes the allocation before its lifetime ends, installs permissions and binds
//! channels for the peers str0m talks to, and wraps and unwraps the datagrams (ChannelData, or
//! Send/Data indications until a channel is bound). The protocol itself is the `turn-client-proto`
//! crate (sans-I/O, MIT/Apache-2.0); this module adapts it to the agent's clock and to str0m.
//!
//! ```text
//!  str0m Transmit{source: relayed} ──send()──► TurnRelay ──poll_transmit()──► socket → server
//!  socket datagram from the server ──handle_receive()──► FromPeer{peer, data}
//!                                                        └► str0m Receive{peer → relayed}
//! ```
//!
//! The relay shares the session's UDP socket with the host candidate: datagrams from the TURN
//! server's address go to the relay, all others to str0m directly.
//!
//! Only `turn:` URLs over UDP are used (`?transport=udp` or no transport); `turn:` over TCP and
//! `turns:` are skipped.

use std::collections::{HashSet, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use tracing::debug;
use turn_client_proto::api::{
    BindChannelError, TurnClientApi, TurnConfig, TurnEvent, TurnPollRet, TurnRecvRet,
};
use turn_client_proto::stun::agent::Transmit as StunTransmit;
use turn_client_proto::types::{AddressFamily, TransportType, TurnCredentials};
use turn_client_proto::udp::TurnClientUdp;

use super::peer::IceServer;

/// Port of a `turn:` URL that names none (RFC 7065).
pub const DEFAULT_TURN_PORT: u16 = 3478;
/// TURN servers a session allocates on at most (the first ones listed).
pub const MAX_RELAY_SERVERS: usize = 4;
/// Datagrams held per relay while waiting for a permission; older ones are dropped (str0m
/// retransmits its connectivity checks).
pub const RELAY_QUEUE_MAX: usize = 64;
/// Peers a relay binds channels for at most; others are reached with Send indications.
pub const MAX_RELAY_CHANNELS: usize = 16;

/// A TURN server to allocate on, from the session's ICE servers.
#[derive(Clone, PartialEq, Eq)]
pub struct RelayServer {
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// UDP port.
    pub port: u16,
    /// TURN user name.
    pub username: String,
    /// TURN password.
    pub password: String,
}

impl std::fmt::Debug for RelayServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A `turn:` URL's host and port, if it is one this client uses (UDP); `None` for `stun:`,
/// `turns:`, `?transport=tcp` and anything that does not parse.
pub fn parse_turn_udp_url(url: &str) -> Option<(String, u16)> {
    let rest = url.trim().strip_prefix("turn:")?;
    let (authority, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    if let Some(query) = query {
        for pair in query.split('&') {
            if let Some(transport) = pair.strip_prefix("transport=")
                && !transport.eq_ignore_ascii_case("udp")
            {
                return None;
            }
        }
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        host.parse::<std::net::Ipv6Addr>().ok()?;
        match after.strip_prefix(':') {
            Some(port) => (host, port.parse().ok()?),
            None if after.is_empty() => (host, DEFAULT_TURN_PORT),
            None => return None,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().ok()?),
            None => (authority, DEFAULT_TURN_PORT),
        }
    };
    let valid = !host.is_empty()
        && port != 0
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    valid.then(|| (host.to_owned(), port))
}

/// The UDP TURN servers among `ice_servers` that come with credentials, without duplicates,
/// at most [`MAX_RELAY_SERVERS`].
pub fn relay_servers(ice_servers: &[IceServer]) -> Vec<RelayServer> {
    let mut out: Vec<RelayServer> = Vec::new();
    for server in ice_servers {
        let (Some(username), Some(password)) = (&server.username, &server.credential) else {
            continue;
        };
        for url in &server.urls {
            let Some((host, port)) = parse_turn_udp_url(url) else {
                continue;
            };
            if out.len() < MAX_RELAY_SERVERS
                && !out.iter().any(|s| s.host == host && s.port == port)
            {
                out.push(RelayServer {
                    host,
                    port,
                    username: username.clone(),
                    password: password.clone(),
                });
            }
        }
    }
    out
}

/// A datagram for the TURN server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayTransmit {
    /// The TURN server.
    pub destination: SocketAddr,
    /// The TURN message or ChannelData.
    pub contents: Vec<u8>,
}

/// What a datagram from the socket was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// Not from this relay's server: hand it to str0m as it is.
    NotRelayed,
    /// A TURN response or indication the relay dealt with.
    Handled,
    /// Data a peer sent to the relayed address: hand it to str0m as coming from `peer` to the
    /// relayed address.
    FromPeer {
        /// The peer's address as the TURN server sees it.
        peer: SocketAddr,
        /// The peer's datagram.
        data: Vec<u8>,
    },
}

/// Where a relay stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayState {
    /// The Allocate request is under way.
    Allocating,
    /// The server relays for us at this address.
    Allocated(SocketAddr),
    /// The allocation was refused, timed out, or expired.
    Failed(String),
}

/// Something the owner of a relay should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayEvent {
    /// The relayed address: announce it as a `relay` candidate.
    Allocated(SocketAddr),
    /// The relay is unusable from now on.
    Failed(String),
}

/// One allocation on one TURN server, reached from the session's UDP socket.
pub struct TurnRelay {
    client: TurnClientUdp,
    base: Instant,
    local: SocketAddr,
    server: SocketAddr,
    state: RelayState,
    /// Peers a channel was asked for.
    channels: HashSet<SocketAddr>,
    /// Addresses a permission was asked for (without a channel).
    permissions: HashSet<IpAddr>,
    /// Datagrams waiting for their peer's permission.
    queue: VecDeque<(SocketAddr, Vec<u8>)>,
    out: VecDeque<RelayTransmit>,
    events: VecDeque<RelayEvent>,
}

impl std::fmt::Debug for TurnRelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnRelay")
            .field("local", &self.local)
            .field("server", &self.server)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl TurnRelay {
    /// Starts allocating on `server` from the socket at `local`; the Allocate request comes out
    /// of [`TurnRelay::poll_transmit`].
    pub fn allocate(
        local: SocketAddr,
        server: SocketAddr,
        username: &str,
        password: &str,
        now: Instant,
    ) -> TurnRelay {
        let mut config = TurnConfig::new(TurnCredentials::new(username, password));
        if server.is_ipv6() {
            config.set_address_family(AddressFamily::IPV6);
        }
        TurnRelay {
            client: TurnClientUdp::allocate(local, server, config),
            base: now,
            local,
            server,
            state: RelayState::Allocating,
            channels: HashSet::new(),
            permissions: HashSet::new(),
            queue: VecDeque::new(),
            out: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// The TURN server's address.
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// Where the relay stands.
    pub fn state(&self) -> &RelayState {
        &self.state
    }

    /// The relayed address, once allocated.
    pub fn relayed_addr(&self) -> Option<SocketAddr> {
        match self.state {
            RelayState::Allocated(addr) => Some(addr),
            _ => None,
        }
    }

    fn at(&self, now: Instant) -> turn_client_proto::types::Instant {
        let nanos = now.saturating_duration_since(self.base).as_nanos();
        turn_client_proto::types::Instant::from_nanos(i64::try_from(nanos).unwrap_or(i64::MAX))
    }

    fn to_std(&self, at: turn_client_proto::types::Instant) -> Instant {
        let nanos = u64::try_from(at.as_nanos()).unwrap_or(0);
        self.base + Duration::from_nanos(nanos)
    }

    /// Feeds a datagram that arrived on the socket from `source`.
    pub fn handle_receive(&mut self, now: Instant, source: SocketAddr, datagram: &[u8]) -> Inbound {
        if source != self.server {
            return Inbound::NotRelayed;
        }
        let at = self.at(now);
        let transmit = StunTransmit::new(datagram, TransportType::Udp, source, self.local);
        let inbound = match self.client.recv(transmit, at) {
            TurnRecvRet::Handled | TurnRecvRet::PeerIcmp { .. } => Inbound::Handled,
            TurnRecvRet::Ignored(_) => Inbound::NotRelayed,
            TurnRecvRet::PeerData(data) => Inbound::FromPeer {
                peer: data.peer,
                data: data.data().to_vec(),
            },
        };
        self.after_input(now);
        inbound
    }

    /// Sends `data` to `peer` through the relay. Before the first datagram to a peer can go, the
    /// relay binds a channel for it (which installs the permission); meanwhile the datagram waits.
    pub fn send(&mut self, now: Instant, peer: SocketAddr, data: &[u8]) {
        if self.relayed_addr().is_none() {
            return;
        }
        self.permit(now, peer);
        let at = self.at(now);
        if self.client.have_permission(TransportType::Udp, peer.ip()) {
            self.send_now(at, peer, data);
        } else {
            if self.queue.len() >= RELAY_QUEUE_MAX {
                self.queue.pop_front();
            }
            self.queue.push_back((peer, data.to_vec()));
        }
        self.after_input(now);
    }

    /// Asks for a channel to `peer` (and so a permission for its address) if there is none.
    pub fn permit(&mut self, now: Instant, peer: SocketAddr) {
        if self.relayed_addr().is_none() {
            return;
        }
        let at = self.at(now);
        if !self.channels.contains(&peer) && self.channels.len() < MAX_RELAY_CHANNELS {
            match self.client.bind_channel(TransportType::Udp, peer, at) {
                Ok(()) | Err(BindChannelError::AlreadyExists) => {
                    self.channels.insert(peer);
                }
                Err(e) => debug!(%peer, "no channel: {e}"),
            }
        }
        if !self.client.have_permission(TransportType::Udp, peer.ip())
            && !self.channels.contains(&peer)
            && self.permissions.insert(peer.ip())
            && let Err(e) = self
                .client
                .create_permission(TransportType::Udp, peer.ip(), at)
        {
            debug!(%peer, "no permission: {e}");
        }
        self.after_input(now);
    }

    fn send_now(&mut self, at: turn_client_proto::types::Instant, peer: SocketAddr, data: &[u8]) {
        match self.client.send_to(TransportType::Udp, peer, data, at) {
            Ok(Some(transmit)) => {
                let transmit = transmit.build();
                self.out.push_back(RelayTransmit {
                    destination: transmit.to,
                    contents: transmit.data,
                });
            }
            Ok(None) => {}
            Err(e) => debug!(%peer, "not relayed: {e}"),
        }
    }

    /// Tells the relay that time has passed: retransmissions, refreshes of the allocation,
    /// permissions and channels. Returns when to call again.
    pub fn handle_timeout(&mut self, now: Instant) -> Option<Instant> {
        let at = self.at(now);
        let next = match self.client.poll(at) {
            TurnPollRet::WaitUntil(when) => Some(self.to_std(when).max(now)),
            TurnPollRet::Closed => {
                if self.state == RelayState::Allocating {
                    self.fail(
                        "no allocation: the server refused the credentials or did not answer",
                    );
                } else {
                    self.fail("the allocation ended");
                }
                None
            }
            TurnPollRet::AllocateTcpSocket { .. } | TurnPollRet::TcpClose { .. } => Some(now),
        };
        self.sync_events(now);
        next
    }

    /// The next datagram for the TURN server, if any.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<RelayTransmit> {
        if let Some(t) = self.out.pop_front() {
            return Some(t);
        }
        let at = self.at(now);
        let t = self.client.poll_transmit(at)?;
        Some(RelayTransmit {
            destination: t.to,
            contents: t.data.as_ref().to_vec(),
        })
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<RelayEvent> {
        self.events.pop_front()
    }

    /// Gives the allocation back (a Refresh with lifetime 0 comes out of
    /// [`TurnRelay::poll_transmit`]).
    pub fn close(&mut self, now: Instant) {
        if self.relayed_addr().is_some() {
            let at = self.at(now);
            if let Err(e) = self.client.delete(at) {
                debug!("deleting the allocation: {e}");
            }
        }
        self.queue.clear();
    }

    fn after_input(&mut self, now: Instant) {
        // poll() moves the client on (it may have events or a response to send).
        let _ = self.handle_timeout(now);
    }

    fn fail(&mut self, why: &str) {
        if !matches!(self.state, RelayState::Failed(_)) {
            self.state = RelayState::Failed(why.to_owned());
            self.events.push_back(RelayEvent::Failed(why.to_owned()));
            self.queue.clear();
        }
    }

    fn sync_events(&mut self, now: Instant) {
        while let Some(event) = self.client.poll_event() {
            match event {
                TurnEvent::AllocationCreated(TransportType::Udp, relayed) => {
                    if self.state == RelayState::Allocating {
                        self.state = RelayState::Allocated(relayed);
                        self.events.push_back(RelayEvent::Allocated(relayed));
                    }
                }
                TurnEvent::AllocationCreateFailed(family) => {
                    self.fail(&format!(
                        "the server refused the allocation ({family}): wrong or expired \
                         credentials, a quota, or no answer"
                    ));
                }
                TurnEvent::PermissionCreated(_, ip) => self.flush(now, ip),
                TurnEvent::PermissionCreateFailed(_, ip) => {
                    debug!(%ip, "the server refused a permission");
                    self.permissions.remove(&ip);
                    self.channels.retain(|peer| peer.ip() != ip);
                    self.queue.retain(|(peer, _)| peer.ip() != ip);
                }
                TurnEvent::ChannelCreateFailed(_, peer) => {
                    debug!(%peer, "the server refused a channel");
                }
                other => debug!(?other, "turn"),
            }
        }
    }

    fn flush(&mut self, now: Instant, ip: IpAddr) {
        let at = self.at(now);
        let (ready, waiting): (VecDeque<_>, VecDeque<_>) = std::mem::take(&mut self.queue)
            .into_iter()
            .partition(|(peer, _)| peer.ip() == ip);
        self.queue = waiting;
        for (peer, data) in ready {
            self.send_now(at, peer, &data);
        }
    }
}

/// What [`RelaySet::route_inbound`] made of a datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    /// Not from a TURN server: str0m gets it as it arrived, on the host candidate.
    Direct,
    /// TURN signalling, dealt with.
    Handled,
    /// A peer's datagram through a relay: str0m gets it from `peer` to `relayed`.
    Relayed {
        /// The peer.
        peer: SocketAddr,
        /// The relayed address (the local candidate it arrived on).
        relayed: SocketAddr,
        /// The datagram.
        data: Vec<u8>,
    },
}

/// The relays of one session, sharing its socket: routes str0m's datagrams whose source is a
/// relayed address through that relay, and unwraps what the TURN servers send.
#[derive(Debug, Default)]
pub struct RelaySet {
    relays: Vec<TurnRelay>,
}

impl RelaySet {
    /// The set of `relays` (allocated or not).
    pub fn new(relays: Vec<TurnRelay>) -> RelaySet {
        RelaySet { relays }
    }

    /// Whether there is no relay.
    pub fn is_empty(&self) -> bool {
        self.relays.is_empty()
    }

    /// The relays.
    pub fn relays(&self) -> &[TurnRelay] {
        &self.relays
    }

    /// The relayed addresses allocated so far.
    pub fn relayed_addrs(&self) -> Vec<SocketAddr> {
        self.relays
            .iter()
            .filter_map(TurnRelay::relayed_addr)
            .collect()
    }

    /// Keeps only the allocated relays (the others are given up).
    pub fn retain_allocated(&mut self) {
        self.relays.retain(|r| r.relayed_addr().is_some());
    }

    /// Sends str0m's datagram through the relay whose relayed address is `source`; `false` when
    /// no relay has that address (the datagram goes out directly).
    pub fn route_outbound(
        &mut self,
        now: Instant,
        source: SocketAddr,
        destination: SocketAddr,
        contents: &[u8],
    ) -> bool {
        match self
            .relays
            .iter_mut()
            .find(|r| r.relayed_addr() == Some(source))
        {
            Some(relay) => {
                relay.send(now, destination, contents);
                true
            }
            None => false,
        }
    }

    /// Sorts a datagram that arrived on the socket from `source`.
    pub fn route_inbound(&mut self, now: Instant, source: SocketAddr, datagram: &[u8]) -> Routed {
        for relay in self.relays.iter_mut().filter(|r| r.server() == source) {
            match relay.handle_receive(now, source, datagram) {
                Inbound::NotRelayed => continue,
                Inbound::Handled => return Routed::Handled,
                Inbound::FromPeer { peer, data } => {
                    return match relay.relayed_addr() {
                        Some(relayed) => Routed::Relayed {
                            peer,
                            relayed,
                            data,
                        },
                        None => Routed::Handled,
                    };
                }
            }
        }
        Routed::Direct
    }

    /// Moves every relay on in time; returns the earliest time to call again.
    pub fn handle_timeout(&mut self, now: Instant) -> Option<Instant> {
        self.relays
            .iter_mut()
            .filter_map(|r| r.handle_timeout(now))
            .min()
    }

    /// The next datagram for a TURN server.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<RelayTransmit> {
        self.relays.iter_mut().find_map(|r| r.poll_transmit(now))
    }

    /// The next event of any relay, with that relay's server.
    pub fn poll_event(&mut self) -> Option<(SocketAddr, RelayEvent)> {
        self.relays
            .iter_mut()
            .find_map(|r| r.poll_event().map(|e| (r.server(), e)))
    }

    /// Installs permissions (with channels) for `peers` on every relay of their address family,
    /// before anything is sent to them: a TURN server drops what a peer sends until then, so the
    /// browser's first connectivity checks would otherwise be lost.
    pub fn permit(&mut self, now: Instant, peers: &[SocketAddr]) {
        for relay in &mut self.relays {
            for &peer in peers {
                if relay.server().is_ipv4() == peer.is_ipv4() {
                    relay.permit(now, peer);
                }
            }
        }
    }

    /// Gives every allocation back.
    pub fn close(&mut self, now: Instant) {
        for relay in &mut self.relays {
            relay.close(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_urls_over_udp_are_used() {
        let p = parse_turn_udp_url;
        assert_eq!(
            p("turn:turn.example.com"),
            Some(("turn.example.com".into(), 3478))
        );
        assert_eq!(
            p("turn:127.0.0.1:40000?transport=udp"),
            Some(("127.0.0.1".into(), 40000))
        );
        assert_eq!(
            p("turn:[2001:db8::1]:3479?transport=UDP"),
            Some(("2001:db8::1".into(), 3479))
        );
        assert_eq!(p("turn:[::1]"), Some(("::1".into(), 3478)));
        for skipped in [
            "turn:turn.example.com:3478?transport=tcp",
            "turns:turn.example.com:443?transport=tcp",
            "stun:stun.example.com:3478",
            "turn:",
            "turn::3478",
            "turn:host:0",
            "turn:host:99999",
            "turn:host:x",
            "turn:[not-v6]:3478",
            "turn:[::1]x",
            "turn:user@host:3478",
            "turn:ho st",
            "http://host",
        ] {
            assert_eq!(p(skipped), None, "{skipped}");
        }
    }

    #[test]
    fn relay_servers_need_credentials_and_are_deduplicated() {
        let with = |urls: &[&str], user: Option<&str>| IceServer {
            urls: urls.iter().map(|u| u.to_string()).collect(),
            username: user.map(str::to_owned),
            credential: user.map(|_| "secret".to_owned()),
        };
        let servers = relay_servers(&[
            with(&["stun:a.example:3478"], None),
            with(&["turn:a.example:3478"], None),
            with(
                &[
                    "turn:a.example:3478?transport=udp",
                    "turn:a.example:3478?transport=tcp",
                    "turns:a.example:443?transport=tcp",
                    "turn:a.example",
                ],
                Some("1767225600:u1"),
            ),
            with(
                &[
                    "turn:b.example:1",
                    "turn:c.example:2",
                    "turn:d.example:3",
                    "turn:e.example:4",
                ],
                Some("u2"),
            ),
        ]);
        let hosts: Vec<(&str, u16)> = servers.iter().map(|s| (s.host.as_str(), s.port)).collect();
        assert_eq!(
            hosts,
            [
                ("a.example", 3478),
                ("b.example", 1),
                ("c.example", 2),
                ("d.example", 3)
            ]
        );
        assert_eq!(servers[0].username, "1767225600:u1");
        assert_eq!(servers[0].password, "secret");
        assert!(!format!("{:?}", servers[0]).contains("secret"));
    }
}
