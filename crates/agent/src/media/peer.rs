//! The sharer's WebRTC peer, without I/O (str0m underneath).
//!
//! The helper's browser makes the offer: a `recvonly` video section and a data channel named
//! `"input"`, with all its candidates gathered (no trickle). [`SharerPeer::accept_offer`] answers
//! with host candidates for the caller's UDP socket. From then on the caller runs the loop:
//!
//! ```text
//! loop {
//!     match peer.poll_output()? {
//!         PeerOutput::Transmit(t) => socket.send_to(&t.contents, t.destination),
//!         PeerOutput::Event(e)    => handle(e),   // Connected, VideoReady, Data, ...
//!         PeerOutput::Timeout(t)  => wait for a datagram or until t, then
//!                                    peer.handle_receive(..) or peer.handle_timeout(now)
//!     }
//! }
//! ```
//!
//! Video goes in with [`SharerPeer::write_frame`] once [`PeerEvent::VideoReady`] was seen (str0m
//! drops media written earlier). The payload type is the one the browser offered for constrained
//! baseline H.264 with packetization mode 1.
//!
//! Zero playout delay: when the browser offers the RTP header extension
//! `http://www.webrtc.org/experiments/rtp-hdrext/playout-delay` (Chromium does), the answer
//! accepts it and every frame carries min = max = 0 ([`PeerConfig::zero_playout_delay`]). The
//! browser then renders each frame as soon as it is decoded instead of scheduling it from its RTP
//! timestamp, which for a screen share (frames only when something changes, so sparse and
//! irregular) held some frames back by 100 to 400 ms (`docs/benchmarks.md`, glass to glass).
//!
//! TURN: str0m does no STUN or TURN allocation itself. The session allocates relayed addresses
//! with [`super::turn`] on the ICE servers of [`PeerConfig`] and passes them to
//! [`SharerPeer::accept_offer_with_relays`], which announces them as `relay` candidates; str0m's
//! datagrams from a relayed address go through that relay, and what the relay receives comes in
//! with the relayed address as destination. [`PeerConfig::relay_only`] drops the host candidate
//! (the browser's `iceTransportPolicy: 'relay'`).

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use str0m::bwe::{Bitrate, BweKind};
use str0m::change::SdpOffer;
use str0m::channel::ChannelId;
use str0m::format::{Codec, PayloadParams};
use str0m::media::{MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::rtp::Extension;
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc, RtcConfig};
use tracing::debug;

use super::MediaError;

/// Label of the data channel that carries the helper's input events.
pub const INPUT_CHANNEL: &str = "input";

/// A STUN or TURN server, in the shape of the browser's `RTCIceServer`, as the server hands it
/// out (`assist_proto::ice`).
pub use assist_proto::ice::IceServer;

/// How the peer is set up.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerConfig {
    /// STUN/TURN servers; the session allocates relays on the TURN servers among them.
    pub ice_servers: Vec<IceServer>,
    /// Offer only relayed candidates, no host candidate (the browser's
    /// `iceTransportPolicy: 'relay'`): all media goes through a TURN relay.
    pub relay_only: bool,
    /// First bandwidth estimate; `None` (the default) turns send-side bandwidth estimation off.
    ///
    /// With estimation on, str0m paces every packet at 1.1 times the estimate, so a large frame
    /// (a keyframe, a window opening) is spread out: against Chromium on loopback the first
    /// 110 KB keyframe took about 1 s to arrive with estimation on and 0.2 to 0.5 s with it off.
    /// For a screen share, latency matters more than smoothness, hence off by default.
    pub initial_bitrate_bps: Option<u64>,
    /// The bitrate estimation probes towards (and the most the encoder is set to).
    pub max_bitrate_bps: u64,
    /// With no datagram from the browser for this long, the path counts as lost
    /// ([`PeerEvent::Disconnected`]). str0m alone takes about 15 s; the browser and our own
    /// connectivity checks keep a live path busy at least every second.
    pub silence_timeout: Duration,
    /// Ask the browser to show every frame as soon as it is decoded (the RTP `playout-delay`
    /// header extension at min = max = 0), when its offer has the extension. Default `true`: for
    /// remote help a frame shown late is worse than an uneven frame rate.
    pub zero_playout_delay: bool,
}

impl Default for PeerConfig {
    fn default() -> Self {
        PeerConfig {
            ice_servers: Vec::new(),
            relay_only: false,
            initial_bitrate_bps: None,
            max_bitrate_bps: 6_000_000,
            silence_timeout: Duration::from_secs(4),
            zero_playout_delay: true,
        }
    }
}

/// A datagram to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// Local address to send from (the socket's address for host candidates).
    pub source: SocketAddr,
    /// Where to send it.
    pub destination: SocketAddr,
    /// The datagram.
    pub contents: Vec<u8>,
}

/// Something the caller should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerEvent {
    /// ICE and DTLS are up (again, after a [`PeerEvent::Disconnected`]).
    Connected,
    /// The video section is known and connected: frames written from now on are sent. The
    /// first frame should be a keyframe.
    VideoReady,
    /// The `"input"` data channel is open; [`SharerPeer::send_data`] works from now on.
    DataChannelOpen,
    /// The receiver lost the picture (PLI or FIR): encode a keyframe.
    KeyframeRequested,
    /// A text message on the `"input"` channel.
    Data(String),
    /// New send-side bandwidth estimate, in bits per second.
    BitrateEstimate(u64),
    /// ICE lost the path to the browser; it may come back ([`PeerEvent::Connected`]).
    Disconnected,
    /// The browser closed the connection, or it failed: the peer is finished.
    Closed,
}

/// What [`SharerPeer::poll_output`] hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerOutput {
    /// Send this datagram.
    Transmit(Transmit),
    /// Handle this event.
    Event(PeerEvent),
    /// Nothing more to do until this time (or a datagram arrives).
    Timeout(Instant),
}

/// The sharer's side of one WebRTC connection.
pub struct SharerPeer {
    rtc: Rtc,
    local: SocketAddr,
    ice_servers: Vec<IceServer>,
    remote_candidates: Vec<SocketAddr>,
    video: Option<(Mid, Pt)>,
    input: Option<ChannelId>,
    connected: bool,
    ice_lost: bool,
    closed: bool,
    video_announced: bool,
    first_capture: Option<Instant>,
    events: std::collections::VecDeque<PeerEvent>,
    last_now: Instant,
    last_received: Instant,
    silence_timeout: Duration,
    silent: bool,
    /// The answer accepted the playout-delay extension and frames ask for zero delay.
    zero_playout_delay: bool,
}

impl std::fmt::Debug for SharerPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharerPeer")
            .field("local", &self.local)
            .field("video", &self.video)
            .field("connected", &self.connected)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct SdpJson {
    #[serde(rename = "type")]
    kind: String,
    sdp: String,
}

#[derive(Serialize)]
struct AnswerJson<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    sdp: &'a str,
}

impl SharerPeer {
    /// Answers the browser's offer (`{"type":"offer","sdp":"..."}`), with a host candidate for
    /// `local` (the address of the caller's UDP socket; not a wildcard address).
    ///
    /// Returns the peer and the answer as JSON (`{"type":"answer","sdp":"..."}`), which the
    /// browser passes to `setRemoteDescription`. Remote candidates the socket cannot reach (TCP,
    /// mDNS names, another address family, non-loopback when bound to loopback) are ignored.
    pub fn accept_offer(
        config: &PeerConfig,
        offer_json: &str,
        local: SocketAddr,
        now: Instant,
    ) -> Result<(SharerPeer, String), MediaError> {
        SharerPeer::accept_offer_with_relays(config, offer_json, local, &[], now)
    }

    /// As [`SharerPeer::accept_offer`], with a `relay` candidate for each of `relays` (TURN
    /// allocations reached from the socket at `local`, see [`super::turn`]); without the host
    /// candidate when [`PeerConfig::relay_only`] is set, in which case `relays` must not be empty.
    ///
    /// With relays, remote candidates of any address of the socket's family are kept: the relay
    /// may reach them where the socket cannot.
    pub fn accept_offer_with_relays(
        config: &PeerConfig,
        offer_json: &str,
        local: SocketAddr,
        relays: &[SocketAddr],
        now: Instant,
    ) -> Result<(SharerPeer, String), MediaError> {
        if config.relay_only && relays.is_empty() {
            return Err(MediaError::NoRelay);
        }
        let offer: SdpJson = serde_json::from_str(offer_json)
            .map_err(|e| MediaError::InvalidOffer(format!("not SDP JSON: {e}")))?;
        if offer.kind != "offer" {
            return Err(MediaError::InvalidOffer(format!(
                "type is {:?}, not \"offer\"",
                offer.kind
            )));
        }
        let sdp = reachable_candidates_only(&offer.sdp, local.ip(), !relays.is_empty());
        let offer =
            SdpOffer::from_sdp_string(&sdp).map_err(|e| MediaError::InvalidOffer(e.to_string()))?;

        let mut rtc_config = RtcConfig::new()
            .set_crypto_provider(std::sync::Arc::new(str0m::crypto::from_feature_flags()))
            .clear_codecs()
            .enable_h264(true);
        if config.zero_playout_delay {
            // Not in str0m's standard map. The id is the one Chromium offers; str0m takes the
            // offer's id in any case, and leaves the extension out of the answer when the offer
            // lacks it.
            rtc_config = rtc_config.set_extension(PLAYOUT_DELAY_ID, Extension::PlayoutDelay);
        }
        // Check the path at least every second (so a live path is never silent for long, see
        // `silence_timeout`) and give up on a candidate pair after 5 unanswered checks.
        rtc_config.set_max_stun_rto(Duration::from_secs(1));
        rtc_config.set_max_stun_retransmits(5);
        if let Some(initial) = config.initial_bitrate_bps {
            rtc_config = rtc_config.enable_bwe(Some(Bitrate::bps(initial)));
        }
        let mut rtc = rtc_config.build(now);
        if config.initial_bitrate_bps.is_some() {
            let max = Bitrate::bps(config.max_bitrate_bps);
            rtc.bwe().set_bitrate(Bitrate::kbps(100).min(max), max);
        }
        if !config.relay_only {
            let candidate = Candidate::host(local, Protocol::Udp)
                .map_err(|e| MediaError::BadAddress(format!("{local}: {e}")))?;
            rtc.add_local_candidate(candidate)
                .ok_or_else(|| MediaError::BadAddress(format!("{local} was refused")))?;
        }
        for &relayed in relays {
            let candidate = Candidate::relayed(relayed, local, Protocol::Udp)
                .map_err(|e| MediaError::BadAddress(format!("{relayed}: {e}")))?;
            rtc.add_local_candidate(candidate)
                .ok_or_else(|| MediaError::BadAddress(format!("{relayed} was refused")))?;
        }
        let answer = rtc.sdp_api().accept_offer(offer)?;
        let answer_sdp = answer.to_sdp_string();
        let zero_playout_delay = config.zero_playout_delay && has_playout_delay(&answer_sdp);
        debug!(zero_playout_delay, "answered the offer");
        let answer_json = serde_json::to_string(&AnswerJson {
            kind: "answer",
            sdp: &answer_sdp,
        })
        .map_err(|e| MediaError::InvalidOffer(e.to_string()))?;

        let peer = SharerPeer {
            rtc,
            local,
            ice_servers: config.ice_servers.clone(),
            remote_candidates: candidate_addrs(&sdp),
            video: None,
            input: None,
            connected: false,
            ice_lost: false,
            closed: false,
            video_announced: false,
            first_capture: None,
            events: Default::default(),
            last_now: now,
            last_received: now,
            silence_timeout: config.silence_timeout,
            silent: false,
            zero_playout_delay,
        };
        Ok((peer, answer_json))
    }

    /// The local address given to [`SharerPeer::accept_offer`].
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The addresses of the offer's remote candidates that were kept (a relay installs
    /// permissions for them before the first check, so the browser's checks are let through).
    pub fn remote_candidate_addrs(&self) -> &[SocketAddr] {
        &self.remote_candidates
    }

    /// The ICE servers from the config.
    pub fn ice_servers(&self) -> &[IceServer] {
        &self.ice_servers
    }

    /// Announces a relayed candidate (a TURN allocation at `relayed`, reached from the socket at
    /// `local`). Returns the candidate's SDP attribute for trickling to the browser.
    ///
    /// For a relay allocated after the answer (trickle); datagrams to and from it go through
    /// [`super::turn::RelaySet`] as for the relays given to
    /// [`SharerPeer::accept_offer_with_relays`].
    pub fn add_relay_candidate(
        &mut self,
        relayed: SocketAddr,
        local: SocketAddr,
    ) -> Result<String, MediaError> {
        let candidate = Candidate::relayed(relayed, local, Protocol::Udp)
            .map_err(|e| MediaError::BadAddress(format!("{relayed}: {e}")))?;
        let added = self
            .rtc
            .add_local_candidate(candidate)
            .ok_or_else(|| MediaError::BadAddress(format!("{relayed} was refused")))?;
        Ok(added.to_sdp_string())
    }

    /// Whether frames ask the browser for zero playout delay (configured, and the browser's offer
    /// had the extension).
    pub fn zero_playout_delay(&self) -> bool {
        self.zero_playout_delay
    }

    /// Whether ICE and DTLS are up and the path is not lost.
    pub fn is_connected(&self) -> bool {
        self.connected && !self.ice_lost && !self.silent && !self.closed
    }

    /// Whether [`SharerPeer::write_frame`] would send.
    pub fn video_ready(&self) -> bool {
        self.is_connected() && self.video.is_some()
    }

    /// Whether the peer is finished ([`PeerEvent::Closed`] was or will be emitted).
    pub fn is_closed(&self) -> bool {
        self.closed || !self.rtc.is_alive()
    }

    /// Feeds a datagram that arrived on the socket at `destination` from `source`.
    ///
    /// Datagrams that are not STUN, DTLS, RTP or RTCP are dropped silently.
    pub fn handle_receive(
        &mut self,
        now: Instant,
        source: SocketAddr,
        destination: SocketAddr,
        datagram: &[u8],
    ) -> Result<(), MediaError> {
        self.last_now = now;
        let receive = match Receive::new(Protocol::Udp, source, destination, datagram) {
            Ok(r) => r,
            Err(e) => {
                debug!(%source, len = datagram.len(), "dropping unknown datagram: {e}");
                return Ok(());
            }
        };
        self.last_received = now;
        if self.silent {
            self.silent = false;
            self.path_back();
        }
        self.rtc.handle_input(Input::Receive(now, receive))?;
        Ok(())
    }

    /// Tells the peer that time has passed (call at or after the last [`PeerOutput::Timeout`]).
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), MediaError> {
        self.last_now = now;
        let silence = now.saturating_duration_since(self.last_received);
        if self.connected && !self.silent && silence >= self.silence_timeout {
            self.silent = true;
            self.path_lost();
        }
        self.rtc.handle_input(Input::Timeout(now))?;
        Ok(())
    }

    /// The next thing to do. Call until it returns [`PeerOutput::Timeout`].
    pub fn poll_output(&mut self) -> Result<PeerOutput, MediaError> {
        loop {
            if let Some(event) = self.events.pop_front() {
                return Ok(PeerOutput::Event(event));
            }
            if !self.rtc.is_alive() {
                if !self.closed {
                    self.closed = true;
                    return Ok(PeerOutput::Event(PeerEvent::Closed));
                }
                return Ok(PeerOutput::Timeout(
                    self.last_now + Duration::from_secs(3600),
                ));
            }
            match self.rtc.poll_output() {
                Ok(Output::Transmit(t)) => {
                    return Ok(PeerOutput::Transmit(Transmit {
                        source: t.source,
                        destination: t.destination,
                        contents: t.contents.into(),
                    }));
                }
                Ok(Output::Timeout(at)) => {
                    let silence_check = self.last_received + self.silence_timeout;
                    let at = if self.connected && !self.silent {
                        at.min(silence_check)
                    } else {
                        at
                    };
                    return Ok(PeerOutput::Timeout(at));
                }
                Ok(Output::Event(event)) => self.on_event(event),
                Err(e) => {
                    self.rtc.disconnect();
                    return Err(e.into());
                }
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Connected => {
                self.connected = true;
                self.events.push_back(PeerEvent::Connected);
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) if !self.ice_lost => {
                self.ice_lost = true;
                if !self.silent {
                    self.path_lost();
                }
            }
            Event::IceConnectionStateChange(
                IceConnectionState::Connected | IceConnectionState::Completed,
            ) if self.ice_lost => {
                self.ice_lost = false;
                self.path_back();
            }
            Event::MediaAdded(added)
                if added.kind == MediaKind::Video
                    && added.direction.is_sending()
                    && self.video.is_none() =>
            {
                let pt = self
                    .rtc
                    .writer(added.mid)
                    .and_then(|w| pick_h264(w.payload_params()));
                match pt {
                    Some(pt) => self.video = Some((added.mid, pt)),
                    None => debug!(mid = %added.mid, "video section without usable H.264"),
                }
            }
            Event::ChannelOpen(id, label) if label == INPUT_CHANNEL && self.input.is_none() => {
                self.input = Some(id);
                self.events.push_back(PeerEvent::DataChannelOpen);
            }
            Event::ChannelData(data) if Some(data.id) == self.input && !data.binary => {
                match String::from_utf8(data.data) {
                    Ok(text) => self.events.push_back(PeerEvent::Data(text)),
                    Err(_) => debug!("ignoring data channel message that is not UTF-8"),
                }
            }
            Event::ChannelData(data) => {
                debug!(binary = data.binary, "ignoring data channel message");
            }
            Event::ChannelClose(id) if Some(id) == self.input => self.input = None,
            Event::KeyframeRequest(_) => self.events.push_back(PeerEvent::KeyframeRequested),
            Event::EgressBitrateEstimate(
                BweKind::Twcc { estimate, .. } | BweKind::Remb { estimate, .. },
            ) => self
                .events
                .push_back(PeerEvent::BitrateEstimate(estimate.as_u64())),
            Event::Closed => {
                self.closed = true;
                self.events.push_back(PeerEvent::Closed);
            }
            _ => {}
        }
        if !self.video_announced && self.video.is_some() && self.is_connected() {
            self.video_announced = true;
            self.events.push_back(PeerEvent::VideoReady);
        }
    }

    fn path_lost(&mut self) {
        self.events.push_back(PeerEvent::Disconnected);
    }

    fn path_back(&mut self) {
        if self.connected && !self.ice_lost && !self.silent {
            self.events.push_back(PeerEvent::Connected);
            if self.video.is_some() {
                // The browser may have lost frames meanwhile.
                self.events.push_back(PeerEvent::KeyframeRequested);
            }
        }
    }

    /// Sends one H.264 access unit (Annex-B) captured at `capture_time`.
    ///
    /// Returns `Ok(false)` (and drops the frame) when video is not ready yet.
    pub fn write_frame(
        &mut self,
        annex_b: &[u8],
        capture_time: Instant,
    ) -> Result<bool, MediaError> {
        let Some((mid, pt)) = self.video else {
            return Ok(false);
        };
        if !self.is_connected() {
            return Ok(false);
        }
        let first = *self.first_capture.get_or_insert(capture_time);
        let micros = capture_time.saturating_duration_since(first).as_micros();
        let ticks = u64::try_from(micros * 9 / 100).unwrap_or(u64::MAX);
        let Some(mut writer) = self.rtc.writer(mid) else {
            return Ok(false);
        };
        if self.zero_playout_delay {
            writer = writer.playout_delay(MediaTime::ZERO, MediaTime::ZERO);
        }
        writer.write(pt, capture_time, MediaTime::from_90khz(ticks), annex_b)?;
        Ok(true)
    }

    /// Whether the `"input"` channel is open.
    pub fn data_channel_open(&self) -> bool {
        self.input.is_some()
    }

    /// Sends a text message on the `"input"` channel. Returns `Ok(false)` when it is not open,
    /// or when its send buffer has no room for the message now.
    pub fn send_data(&mut self, text: &str) -> Result<bool, MediaError> {
        let Some(id) = self.input else {
            return Ok(false);
        };
        let Some(mut channel) = self.rtc.channel(id) else {
            return Ok(false);
        };
        Ok(channel.write(false, text.as_bytes())?)
    }

    /// Closes the connection; [`PeerEvent::Closed`] follows.
    pub fn close(&mut self) {
        self.rtc.disconnect();
    }
}

/// The payload type to send H.264 with: constrained baseline with packetization mode 1 if the
/// browser offered it, else baseline, else any H.264 with mode 1 (our stream is constrained
/// baseline, which every H.264 decoder handles).
fn pick_h264<'a>(params: impl Iterator<Item = &'a PayloadParams>) -> Option<Pt> {
    params
        .filter(|p| p.spec().codec == Codec::H264)
        .filter(|p| p.spec().format.packetization_mode == Some(1))
        .min_by_key(
            |p| match p.spec().format.profile_level_id.map(|id| id >> 8) {
                Some(0x42e0) => 0,
                Some(0x4200) => 1,
                _ => 2,
            },
        )
        .map(|p| p.pt())
}

/// The extension id the playout-delay extension gets before the offer remaps it.
const PLAYOUT_DELAY_ID: u8 = 5;

/// Whether an SDP maps the playout-delay header extension.
fn has_playout_delay(sdp: &str) -> bool {
    sdp.lines().any(|line| {
        line.starts_with("a=extmap:")
            && line
                .trim_end()
                .ends_with("http://www.webrtc.org/experiments/rtp-hdrext/playout-delay")
    })
}

/// The UDP addresses of the SDP's candidates.
fn candidate_addrs(sdp: &str) -> Vec<SocketAddr> {
    sdp.lines()
        .filter_map(|line| line.trim_end().strip_prefix("a=candidate:"))
        .filter_map(|rest| {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ip: IpAddr = fields.get(4)?.parse().ok()?;
            let port: u16 = fields.get(5)?.parse().ok()?;
            fields
                .get(2)?
                .eq_ignore_ascii_case("udp")
                .then_some(SocketAddr::new(ip, port))
        })
        .collect()
}

/// The offer's SDP without the remote candidates a socket bound to `local` cannot use (with
/// `via_relay`, a relay may reach any address of the socket's family).
fn reachable_candidates_only(sdp: &str, local: IpAddr, via_relay: bool) -> String {
    sdp.split_inclusive('\n')
        .filter(|line| {
            let Some(rest) = line.trim_end().strip_prefix("a=candidate:") else {
                return true;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let (Some(transport), Some(address)) = (fields.get(2), fields.get(4)) else {
                return false;
            };
            let Ok(ip) = address.parse::<IpAddr>() else {
                return false; // an mDNS name
            };
            transport.eq_ignore_ascii_case("udp")
                && ip.is_ipv4() == local.is_ipv4()
                && (via_relay || !local.is_loopback() || ip.is_loopback())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_candidates_are_dropped() {
        let sdp = "v=0\r\n\
            a=candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host\r\n\
            a=candidate:2 1 udp 2122260223 10.1.2.3 5000 typ host\r\n\
            a=candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active\r\n\
            a=candidate:4 1 udp 2122260223 abcd.local 5000 typ host\r\n\
            a=candidate:5 1 udp 2122260223 ::1 5000 typ host\r\n\
            a=candidate:broken\r\n\
            a=end-of-candidates\r\n";
        let loopback = reachable_candidates_only(sdp, "127.0.0.1".parse().unwrap(), false);
        assert!(loopback.contains("127.0.0.1 5000"));
        assert_eq!(loopback.matches("a=candidate").count(), 1);
        assert!(loopback.ends_with("a=end-of-candidates\r\n"));
        assert_eq!(
            candidate_addrs(sdp),
            vec![
                "127.0.0.1:5000".parse().unwrap(),
                "10.1.2.3:5000".parse().unwrap(),
                "[::1]:5000".parse().unwrap()
            ]
        );
        let lan = reachable_candidates_only(sdp, "10.1.2.4".parse().unwrap(), false);
        assert_eq!(lan.matches("a=candidate").count(), 2);
        let relayed = reachable_candidates_only(sdp, "127.0.0.1".parse().unwrap(), true);
        assert_eq!(relayed.matches("a=candidate").count(), 2);
    }

    #[test]
    fn garbage_offers_are_errors() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let config = PeerConfig::default();
        let now = Instant::now();
        for offer in [
            "",
            "{}",
            "not json",
            r#"{"type":"answer","sdp":"v=0"}"#,
            r#"{"type":"offer","sdp":"nonsense"}"#,
            r#"{"type":"offer","sdp":""}"#,
        ] {
            assert!(
                SharerPeer::accept_offer(&config, offer, local, now).is_err(),
                "{offer}"
            );
        }
    }
}
