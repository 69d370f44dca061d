//! The async driver of one media session: a UDP socket, a [`SharerPeer`] and an encoder thread.
//!
//! ```text
//!  capture ─CapturedFrame─► inbox (latest frame wins) ─► encoder thread
//!                                                          │ EncodedFrame (bounded, 4)
//!  caller ◄─SessionEvent── network task (tokio) ◄──────────┘
//!          ──send_data───►   owns the socket, drives the peer, applies bandwidth estimates
//! ```
//!
//! - The network task never encodes: it only moves datagrams, timeouts and finished frames.
//! - The encoder thread takes the newest frame; frames the caller marks unchanged are skipped
//!   unless a keyframe is wanted (the browser asked, the connection just came up, or an encoded
//!   frame had to be dropped because the network task fell behind, which would otherwise break
//!   the reference chain).
//! - Nothing is encoded before the video path is ready ([`SessionEvent::VideoReady`]).
//! - TURN: before answering, the session allocates a relayed address on each UDP TURN server of
//!   its ICE servers (at most [`RELAY_ALLOCATE_WAIT`]), from the same socket; the answer carries
//!   them as `relay` candidates. The network task sends str0m's datagrams whose source is a
//!   relayed address through that relay and unwraps what the TURN servers send
//!   ([`super::turn::RelaySet`]); refreshes run on the same timer.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use super::MediaError;
use super::convert::BgraFrame;
use super::encode::{EncoderConfig, VideoEncoder};
use super::peer::{IceServer, PeerConfig, PeerEvent, PeerOutput, SharerPeer};
use super::rate::BitratePolicy;
use super::turn::{RelayEvent, RelaySet, RelayState, Routed, TurnRelay, relay_servers};

/// How long the answer waits for TURN allocations; a relay not allocated by then is not used.
pub const RELAY_ALLOCATE_WAIT: Duration = Duration::from_secs(2);

/// How a session is set up.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionConfig {
    /// Address to bind the UDP socket to; a specific address (such as 127.0.0.1), port 0 for any.
    pub bind: SocketAddr,
    /// WebRTC settings.
    pub peer: PeerConfig,
    /// Encoder settings; `max_width`/`max_height` are the full size.
    pub encoder: EncoderConfig,
    /// Largest size on a slow link (see `media::rate`).
    pub reduced_size: (u32, u32),
    /// Lowest bitrate the encoder is set to.
    pub min_bitrate_bps: u32,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            peer: PeerConfig::default(),
            encoder: EncoderConfig::default(),
            reduced_size: (1280, 720),
            min_bitrate_bps: 150_000,
        }
    }
}

/// One captured screen picture, owned, in BGRA.
#[derive(Debug, Clone)]
pub struct CapturedFrame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes per row.
    pub stride: usize,
    /// The pixels (get a recycled buffer from [`FrameSender::buffer`]).
    pub data: Vec<u8>,
    /// Whether the picture differs from the previous one; unchanged frames are not encoded.
    pub changed: bool,
    /// When it was captured.
    pub captured_at: Instant,
}

/// Something the owner of a session should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    /// ICE and DTLS are up.
    Connected,
    /// Video frames are being sent from now on.
    VideoReady,
    /// The `"input"` data channel is open.
    DataChannelOpen,
    /// A text message from the helper on the `"input"` channel.
    Data(String),
    /// The encoder was retuned after a bandwidth estimate.
    BitrateChanged {
        /// New target bitrate.
        bitrate_bps: u32,
        /// New largest size, if it changed.
        max_size: Option<(u32, u32)>,
    },
    /// The path to the browser was lost; it may come back.
    Disconnected,
    /// The session is over.
    Closed,
}

#[derive(Debug, Default)]
struct InboxState {
    frame: Option<CapturedFrame>,
    keyframe: bool,
    bitrate: Option<u32>,
    max_size: Option<(u32, u32)>,
    active: bool,
    stop: bool,
    spare: Vec<Vec<u8>>,
}

/// The encoder thread's mailbox: the newest frame and pending settings.
#[derive(Debug, Default)]
struct Inbox {
    state: Mutex<InboxState>,
    wake: Condvar,
}

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, InboxState> {
        // A poisoned lock only means the encoder thread panicked; the state is still plain data.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update(&self, f: impl FnOnce(&mut InboxState)) {
        f(&mut self.lock());
        self.wake.notify_one();
    }
}

/// Hands captured frames to the session's encoder thread. Cheap to clone; never blocks.
#[derive(Debug, Clone)]
pub struct FrameSender {
    inbox: Arc<Inbox>,
}

impl FrameSender {
    /// Offers a frame; a frame not yet taken by the encoder is replaced (latest frame wins).
    ///
    /// Fails with [`MediaError::Closed`] when the session is over.
    pub fn send(&self, frame: CapturedFrame) -> Result<(), MediaError> {
        let mut state = self.inbox.lock();
        if state.stop {
            return Err(MediaError::Closed);
        }
        if let Some(old) = state.frame.take() {
            // Keep "changed" if the replaced frame had changes the encoder never saw.
            let changed = frame.changed || old.changed;
            state.spare.push(old.data);
            state.frame = Some(CapturedFrame { changed, ..frame });
        } else {
            state.frame = Some(frame);
        }
        drop(state);
        self.inbox.wake.notify_one();
        Ok(())
    }

    /// A buffer of `len` bytes for the next frame, reusing one the encoder is done with.
    pub fn buffer(&self, len: usize) -> Vec<u8> {
        let mut buffer = self.inbox.lock().spare.pop().unwrap_or_default();
        buffer.resize(len, 0);
        buffer
    }
}

enum Command {
    SendData(String),
    Close,
}

struct Encoded {
    data: Vec<u8>,
    captured_at: Instant,
}

/// A running media session. Dropping it closes the connection.
#[derive(Debug)]
pub struct MediaSession {
    local_addr: SocketAddr,
    frames: FrameSender,
    events: mpsc::Receiver<SessionEvent>,
    commands: mpsc::UnboundedSender<Command>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Command::SendData(_) => f.write_str("SendData"),
            Command::Close => f.write_str("Close"),
        }
    }
}

impl MediaSession {
    /// Binds the socket, answers `offer_json` and starts the network task and encoder thread.
    /// Returns the session and the answer JSON for the browser.
    ///
    /// Must be called inside a tokio runtime.
    pub async fn start(
        config: SessionConfig,
        offer_json: &str,
    ) -> Result<(MediaSession, String), MediaError> {
        let socket = UdpSocket::bind(config.bind).await?;
        let local_addr = socket.local_addr()?;
        let mut relays = allocate_relays(&socket, local_addr, &config.peer.ice_servers).await;
        let relayed = relays.relayed_addrs();
        let (peer, answer) = SharerPeer::accept_offer_with_relays(
            &config.peer,
            offer_json,
            local_addr,
            &relayed,
            Instant::now(),
        )?;
        relays.permit(Instant::now(), peer.remote_candidate_addrs());
        info!(
            zero_playout_delay = peer.zero_playout_delay(),
            "answered the helper's offer"
        );

        let inbox = Arc::new(Inbox::default());
        let (encoded_tx, encoded_rx) = mpsc::channel(4);
        let encoder = VideoEncoder::new(config.encoder.clone())?;
        let thread_inbox = inbox.clone();
        std::thread::Builder::new()
            .name("assist-encoder".into())
            .spawn(move || encoder_thread(encoder, &thread_inbox, &encoded_tx))?;

        let (events_tx, events) = mpsc::channel(256);
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let policy = BitratePolicy::new(
            config.encoder.bitrate_bps,
            config.min_bitrate_bps,
            u32::try_from(config.peer.max_bitrate_bps).unwrap_or(u32::MAX),
            (config.encoder.max_width, config.encoder.max_height),
            config.reduced_size,
        );
        let task = NetworkTask {
            socket,
            local_addr,
            peer,
            relays,
            inbox: inbox.clone(),
            events: events_tx,
            policy,
            last_keyframe_request: None,
            first_frame_sent: false,
            unsent: VecDeque::new(),
            unsent_bytes: 0,
        };
        tokio::spawn(task.run(encoded_rx, commands_rx));
        let session = MediaSession {
            local_addr,
            frames: FrameSender { inbox },
            events,
            commands,
        };
        Ok((session, answer))
    }

    /// The bound UDP address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Where captured frames go.
    pub fn frame_sender(&self) -> FrameSender {
        self.frames.clone()
    }

    /// The next event; `None` after the session is over.
    pub async fn next_event(&mut self) -> Option<SessionEvent> {
        self.events.recv().await
    }

    /// Sends a text message to the helper on the `"input"` channel (dropped if not open).
    pub fn send_data(&self, text: impl Into<String>) -> Result<(), MediaError> {
        self.commands
            .send(Command::SendData(text.into()))
            .map_err(|_| MediaError::Closed)
    }

    /// Closes the connection; [`SessionEvent::Closed`] follows.
    pub fn close(&self) {
        let _ = self.commands.send(Command::Close);
    }
}

impl Drop for MediaSession {
    fn drop(&mut self) {
        self.close();
        self.frames.inbox.update(|s| s.stop = true);
    }
}

fn encoder_thread(mut encoder: VideoEncoder, inbox: &Inbox, out: &mpsc::Sender<Encoded>) {
    let start = Instant::now();
    let mut last: Option<CapturedFrame> = None;
    loop {
        let (frame, keyframe) = {
            let mut state = inbox.lock();
            loop {
                if state.stop {
                    return;
                }
                if let Some(bps) = state.bitrate.take() {
                    encoder.set_bitrate(bps);
                }
                if let Some((w, h)) = state.max_size.take() {
                    encoder.set_max_size(w, h);
                }
                let has_work = state.frame.is_some() || (state.keyframe && last.is_some());
                if state.active && has_work {
                    break;
                }
                state = inbox.wake.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            let keyframe = std::mem::take(&mut state.keyframe);
            (state.frame.take(), keyframe)
        };
        let frame = match frame {
            Some(frame) if frame.changed || keyframe || last.is_none() => {
                if let Some(old) = last.replace(frame) {
                    inbox.lock().spare.push(old.data);
                }
                last.as_ref()
            }
            Some(unchanged) => {
                inbox.lock().spare.push(unchanged.data);
                None
            }
            None if keyframe => last.as_mut().map(|f| {
                // The same picture again, as a keyframe, stamped now.
                f.captured_at = Instant::now();
                &*f
            }),
            None => None,
        };
        let Some(frame) = frame else { continue };
        if keyframe {
            encoder.force_keyframe();
        }
        let bgra = BgraFrame {
            width: frame.width,
            height: frame.height,
            stride: frame.stride,
            data: &frame.data,
        };
        let at = frame.captured_at.saturating_duration_since(start);
        match encoder.encode(&bgra, at) {
            Ok(Some(encoded)) => {
                let item = Encoded {
                    data: encoded.data,
                    captured_at: frame.captured_at,
                };
                match out.try_send(item) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        debug!("network task behind, dropping a frame");
                        inbox.update(|s| s.keyframe = true);
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => return,
                }
            }
            Ok(None) => {}
            Err(e) => warn!("encoding failed: {e}"),
        }
    }
}

/// Allocates a relay on each UDP TURN server of `ice_servers` (at most
/// [`super::turn::MAX_RELAY_SERVERS`]) from `socket`, waiting at most [`RELAY_ALLOCATE_WAIT`];
/// returns the relays that were allocated.
async fn allocate_relays(
    socket: &UdpSocket,
    local: SocketAddr,
    ice_servers: &[IceServer],
) -> RelaySet {
    let servers = relay_servers(ice_servers);
    if servers.is_empty() {
        return RelaySet::default();
    }
    let started = Instant::now();
    let deadline = started + RELAY_ALLOCATE_WAIT;
    let mut relays = Vec::new();
    for server in servers {
        let lookup = tokio::net::lookup_host((server.host.as_str(), server.port));
        let address = match tokio::time::timeout_at(deadline.into(), lookup).await {
            Ok(Ok(mut addrs)) => addrs.find(|a| a.is_ipv4() == local.is_ipv4()),
            Ok(Err(e)) => {
                warn!(host = %server.host, "TURN server not found: {e}");
                None
            }
            Err(_) => None,
        };
        match address {
            Some(address) => relays.push(TurnRelay::allocate(
                local,
                address,
                &server.username,
                &server.password,
                Instant::now(),
            )),
            None => warn!(host = %server.host, "TURN server has no address for {local}"),
        }
    }
    let mut set = RelaySet::new(relays);
    let mut buf = vec![0u8; 2048];
    loop {
        let now = Instant::now();
        let next = set.handle_timeout(now);
        while let Some(t) = set.poll_transmit(now) {
            if let Err(e) = socket.send_to(&t.contents, t.destination).await {
                debug!(destination = %t.destination, "send to TURN server failed: {e}");
            }
        }
        while let Some((server, event)) = set.poll_event() {
            match event {
                RelayEvent::Allocated(relayed) => {
                    info!(%server, %relayed, ms = started.elapsed().as_millis() as u64, "TURN relay allocated");
                }
                RelayEvent::Failed(why) => warn!(%server, "TURN relay failed: {why}"),
            }
        }
        if set
            .relays()
            .iter()
            .all(|r| *r.state() != RelayState::Allocating)
        {
            break;
        }
        if now >= deadline {
            warn!("TURN allocation unfinished after {RELAY_ALLOCATE_WAIT:?}, answering without it");
            break;
        }
        let wake = next.map_or(deadline, |n| n.min(deadline));
        tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok((n, source)) => {
                    let _ = set.route_inbound(Instant::now(), source, &buf[..n]);
                }
                Err(e) => debug!("receive failed: {e}"),
            },
            () = tokio::time::sleep_until(wake.into()) => {}
        }
    }
    set.retain_allocated();
    set
}

struct NetworkTask {
    socket: UdpSocket,
    local_addr: SocketAddr,
    peer: SharerPeer,
    relays: RelaySet,
    inbox: Arc<Inbox>,
    events: mpsc::Sender<SessionEvent>,
    policy: BitratePolicy,
    last_keyframe_request: Option<Instant>,
    first_frame_sent: bool,
    /// Data-channel messages waiting for room in the channel's send buffer, oldest first.
    unsent: VecDeque<String>,
    unsent_bytes: usize,
}

/// Most bytes of data-channel messages held waiting for room in the channel's send buffer (a
/// clipboard text in pieces is larger than that buffer); messages beyond it are dropped.
pub const MAX_UNSENT_DATA_BYTES: usize = 4 << 20;

/// Keyframe requests closer together than this are answered once.
const KEYFRAME_REQUEST_GAP: Duration = Duration::from_millis(300);

impl NetworkTask {
    /// Sends the waiting data-channel messages, in order, while the channel's buffer has room.
    fn send_unsent(&mut self) {
        if !self.peer.data_channel_open() {
            self.unsent.clear();
            self.unsent_bytes = 0;
            return;
        }
        while let Some(text) = self.unsent.front() {
            match self.peer.send_data(text) {
                Ok(false) => return,
                Ok(true) => {}
                Err(e) => warn!("sending data failed: {e}"),
            }
            self.unsent_bytes -= text.len();
            self.unsent.pop_front();
        }
    }

    async fn run(
        mut self,
        mut encoded: mpsc::Receiver<Encoded>,
        mut commands: mpsc::UnboundedReceiver<Command>,
    ) {
        let mut buf = vec![0u8; 2048];
        loop {
            self.send_unsent();
            let Some(deadline) = self.drain().await else {
                break;
            };
            tokio::select! {
                received = self.socket.recv_from(&mut buf) => match received {
                    Ok((n, source)) => {
                        let now = Instant::now();
                        let result = match self.relays.route_inbound(now, source, &buf[..n]) {
                            Routed::Direct => self.peer.handle_receive(
                                now, source, self.local_addr, &buf[..n]),
                            Routed::Handled => Ok(()),
                            Routed::Relayed { peer, relayed, data } => {
                                self.peer.handle_receive(now, peer, relayed, &data)
                            }
                        };
                        if let Err(e) = result {
                            debug!(%source, "datagram rejected: {e}");
                        }
                    }
                    Err(e) => debug!("receive failed: {e}"),
                },
                Some(frame) = encoded.recv() => {
                    match self.peer.write_frame(&frame.data, frame.captured_at) {
                        Ok(true) if !self.first_frame_sent => {
                            self.first_frame_sent = true;
                            info!(bytes = frame.data.len(), "first frame sent");
                        }
                        Ok(_) => {}
                        Err(e) => warn!("writing a frame failed: {e}"),
                    }
                }
                command = commands.recv() => match command {
                    Some(Command::SendData(text)) => {
                        if !self.peer.data_channel_open() {
                            debug!("data channel not open, message dropped");
                        } else if self.unsent_bytes + text.len() > MAX_UNSENT_DATA_BYTES {
                            warn!("data channel send queue full, message dropped");
                        } else {
                            self.unsent_bytes += text.len();
                            self.unsent.push_back(text);
                        }
                    }
                    Some(Command::Close) | None => self.peer.close(),
                },
                () = tokio::time::sleep_until(deadline.into()) => {
                    if let Err(e) = self.peer.handle_timeout(Instant::now()) {
                        debug!("timeout handling failed: {e}");
                    }
                }
            }
        }
        self.relays.close(Instant::now());
        self.flush_relays(Instant::now()).await;
        self.inbox.update(|s| s.stop = true);
        let _ = self.events.send(SessionEvent::Closed).await;
    }

    /// Sends what the relays want sent to their servers and logs their events.
    async fn flush_relays(&mut self, now: Instant) {
        while let Some(t) = self.relays.poll_transmit(now) {
            if let Err(e) = self.socket.send_to(&t.contents, t.destination).await {
                debug!(destination = %t.destination, "send to TURN server failed: {e}");
            }
        }
        while let Some((server, event)) = self.relays.poll_event() {
            match event {
                RelayEvent::Allocated(relayed) => debug!(%server, %relayed, "TURN relay allocated"),
                RelayEvent::Failed(why) => warn!(%server, "TURN relay failed: {why}"),
            }
        }
    }

    /// Sends what the peer wants sent and handles its events; returns the next deadline, or
    /// `None` when the peer is finished.
    async fn drain(&mut self) -> Option<Instant> {
        loop {
            match self.peer.poll_output() {
                Ok(PeerOutput::Transmit(t)) => {
                    let relayed = t.source != self.local_addr
                        && self.relays.route_outbound(
                            Instant::now(),
                            t.source,
                            t.destination,
                            &t.contents,
                        );
                    if !relayed
                        && let Err(e) = self.socket.send_to(&t.contents, t.destination).await
                    {
                        debug!(destination = %t.destination, "send failed: {e}");
                    }
                }
                Ok(PeerOutput::Timeout(at)) => {
                    if self.relays.is_empty() {
                        return Some(at);
                    }
                    let now = Instant::now();
                    self.flush_relays(now).await;
                    let relay_next = self.relays.handle_timeout(now);
                    self.flush_relays(now).await;
                    return Some(relay_next.map_or(at, |r| r.min(at)));
                }
                Ok(PeerOutput::Event(PeerEvent::Closed)) => return None,
                Ok(PeerOutput::Event(event)) => self.on_event(event),
                Err(e) => {
                    warn!("webrtc failed: {e}");
                    return None;
                }
            }
        }
    }

    fn on_event(&mut self, event: PeerEvent) {
        let forward = match event {
            PeerEvent::Connected => Some(SessionEvent::Connected),
            PeerEvent::VideoReady => {
                self.inbox.update(|s| {
                    s.active = true;
                    s.keyframe = true;
                });
                Some(SessionEvent::VideoReady)
            }
            PeerEvent::DataChannelOpen => Some(SessionEvent::DataChannelOpen),
            PeerEvent::KeyframeRequested => {
                let now = Instant::now();
                let recent = self
                    .last_keyframe_request
                    .is_some_and(|t| now.saturating_duration_since(t) < KEYFRAME_REQUEST_GAP);
                if !recent {
                    self.last_keyframe_request = Some(now);
                    self.inbox.update(|s| s.keyframe = true);
                }
                None
            }
            PeerEvent::Data(text) => Some(SessionEvent::Data(text)),
            PeerEvent::BitrateEstimate(bps) => {
                let decision = self.policy.on_estimate(bps, Instant::now());
                decision.bitrate_bps.map(|bitrate_bps| {
                    self.inbox.update(|s| {
                        s.bitrate = Some(bitrate_bps);
                        if decision.max_size.is_some() {
                            s.max_size = decision.max_size;
                        }
                    });
                    SessionEvent::BitrateChanged {
                        bitrate_bps,
                        max_size: decision.max_size,
                    }
                })
            }
            PeerEvent::Disconnected => Some(SessionEvent::Disconnected),
            PeerEvent::Closed => None,
        };
        if let Some(event) = forward
            && let Err(e) = self.events.try_send(event)
        {
            warn!("session owner is not reading events, dropped: {e}");
        }
    }
}
