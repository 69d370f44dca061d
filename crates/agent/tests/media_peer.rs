//! The sharer peer against a second str0m instance playing the helper's browser, stepped
//! together on a simulated clock with packets exchanged in memory (no sockets, no sleeping).
//!
//! The "browser" makes the offer the real page makes (recvonly video + data channel "input"),
//! receives H.264 through RTP, and decodes it with OpenH264 to check the picture.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use assist_agent::media::{
    EncoderConfig, PeerConfig, PeerEvent, PeerOutput, SharerPeer, TestPattern, VideoEncoder,
};
use openh264::decoder::Decoder;
use openh264::formats::YUVSource;
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::channel::ChannelId;
use str0m::media::{Direction, KeyframeRequestKind, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::rtp::Extension;
use str0m::{Candidate, Event, Input, Output, Rtc, RtcConfig};

const SHARER: &str = "127.0.0.1:1000";
const BROWSER: &str = "127.0.0.1:2000";

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

struct Browser {
    rtc: Rtc,
    pending: Option<SdpPendingOffer>,
    mid: Mid,
    channel: ChannelId,
    events: Vec<Event>,
    alive: bool,
}

impl Browser {
    /// Offer JSON as `RTCPeerConnection.localDescription.toJSON()` has it; with the header
    /// extension for playout delay at id 5, as Chromium offers it, if `playout_delay`.
    fn offering(now: Instant, playout_delay: bool) -> (Browser, String) {
        let mut config =
            RtcConfig::new().set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()));
        if playout_delay {
            config = config.set_extension(5, Extension::PlayoutDelay);
        }
        let mut rtc = config.build(now);
        rtc.add_local_candidate(Candidate::host(addr(BROWSER), "udp").unwrap())
            .unwrap();
        let mut change = rtc.sdp_api();
        let mid = change.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
        let channel = change.add_channel("input".into());
        let (offer, pending) = change.apply().unwrap();
        let json = serde_json::to_string(&offer).unwrap();
        let browser = Browser {
            rtc,
            pending: Some(pending),
            mid,
            channel,
            events: Vec::new(),
            alive: true,
        };
        (browser, json)
    }

    fn accept_answer(&mut self, json: &str) {
        let answer: SdpAnswer = serde_json::from_str(json).unwrap();
        let pending = self.pending.take().unwrap();
        self.rtc.sdp_api().accept_answer(pending, answer).unwrap();
    }
}

struct Net {
    now: Instant,
    sharer: SharerPeer,
    browser: Browser,
    sharer_events: Vec<PeerEvent>,
}

impl Net {
    /// Runs both sides for `duration` in 1 ms steps, delivering packets with no delay.
    fn run(&mut self, duration: Duration, mut each_ms: impl FnMut(&mut Net)) {
        let end = self.now + duration;
        while self.now < end {
            each_ms(self);
            self.exchange();
            self.now += Duration::from_millis(1);
            self.sharer.handle_timeout(self.now).unwrap();
            if self.browser.alive {
                self.browser
                    .rtc
                    .handle_input(Input::Timeout(self.now))
                    .unwrap();
            }
        }
    }

    fn exchange(&mut self) {
        for _ in 0..100 {
            let mut to_browser = Vec::new();
            loop {
                match self.sharer.poll_output().unwrap() {
                    PeerOutput::Transmit(t) => to_browser.push(t),
                    PeerOutput::Event(e) => self.sharer_events.push(e),
                    PeerOutput::Timeout(_) => break,
                }
            }
            let mut to_sharer = Vec::new();
            while self.browser.alive {
                match self.browser.rtc.poll_output().unwrap() {
                    Output::Transmit(t) => to_sharer.push(t),
                    Output::Event(e) => self.browser.events.push(e),
                    Output::Timeout(_) => break,
                }
            }
            if to_browser.is_empty() && to_sharer.is_empty() {
                return;
            }
            if self.browser.alive {
                for t in to_browser {
                    assert_eq!(t.destination, addr(BROWSER));
                    let contents: Vec<u8> = t.contents;
                    let receive =
                        Receive::new(Protocol::Udp, t.source, t.destination, &contents).unwrap();
                    self.browser
                        .rtc
                        .handle_input(Input::Receive(self.now, receive))
                        .unwrap();
                }
            }
            for t in to_sharer {
                let contents: Vec<u8> = t.contents.into();
                self.sharer
                    .handle_receive(self.now, t.source, t.destination, &contents)
                    .unwrap();
            }
        }
    }

    fn sharer_saw(&self, wanted: &PeerEvent) -> bool {
        self.sharer_events.iter().any(|e| e == wanted)
    }
}

fn connect() -> Net {
    connect_with(&PeerConfig::default())
}

fn connect_with(config: &PeerConfig) -> Net {
    connect_offering(config, true).0
}

/// Connects; the browser offers the playout-delay extension if `playout_delay`. Also returns
/// the answer JSON.
fn connect_offering(config: &PeerConfig, playout_delay: bool) -> (Net, String) {
    let now = Instant::now();
    let (mut browser, offer) = Browser::offering(now, playout_delay);
    assert_eq!(offer.contains("rtp-hdrext/playout-delay"), playout_delay);
    let (sharer, answer) = SharerPeer::accept_offer(config, &offer, addr(SHARER), now).unwrap();
    assert!(
        answer.starts_with(r#"{"type":"answer","sdp":"v=0"#),
        "{answer}"
    );
    assert!(answer.contains("127.0.0.1 1000 typ host"), "{answer}");
    browser.accept_answer(&answer);
    let mut net = Net {
        now,
        sharer,
        browser,
        sharer_events: Vec::new(),
    };
    net.run(Duration::from_millis(500), |_| {});
    (net, answer)
}

#[test]
fn connects_and_opens_video_and_input_channel() {
    let net = connect();
    assert!(
        net.sharer_saw(&PeerEvent::Connected),
        "{:?}",
        net.sharer_events
    );
    assert!(
        net.sharer_saw(&PeerEvent::VideoReady),
        "{:?}",
        net.sharer_events
    );
    assert!(
        net.sharer_saw(&PeerEvent::DataChannelOpen),
        "{:?}",
        net.sharer_events
    );
    assert!(net.sharer.video_ready());
}

#[test]
fn data_channel_carries_text_both_ways() {
    let mut net = connect();
    let channel = net.browser.channel;
    net.browser
        .rtc
        .channel(channel)
        .unwrap()
        .write(false, br#"{"type":"mouse_move","x":0.5,"y":0.25}"#)
        .unwrap();
    // Binary messages are not input events and are ignored.
    net.browser
        .rtc
        .channel(channel)
        .unwrap()
        .write(true, b"\x00\x01")
        .unwrap();
    assert!(net.sharer.send_data("ack").unwrap());
    net.run(Duration::from_millis(100), |_| {});
    let texts: Vec<&PeerEvent> = net
        .sharer_events
        .iter()
        .filter(|e| matches!(e, PeerEvent::Data(_)))
        .collect();
    assert_eq!(
        texts,
        vec![&PeerEvent::Data(
            r#"{"type":"mouse_move","x":0.5,"y":0.25}"#.into()
        )]
    );
    let got_ack = net.browser.events.iter().any(|e| match e {
        Event::ChannelData(d) => d.data == b"ack" && !d.binary,
        _ => false,
    });
    assert!(got_ack);
}

#[test]
fn video_flows_decodes_and_answers_keyframe_requests() {
    // With bandwidth estimation on, to see its estimates.
    let mut net = connect_with(&PeerConfig {
        initial_bitrate_bps: Some(2_500_000),
        ..PeerConfig::default()
    });
    let mut encoder = VideoEncoder::new(EncoderConfig::default()).unwrap();
    let mut pattern = TestPattern::new(320, 240);
    let mut keyframes_sent = 0;
    let mut requested = false;
    let start = net.now;
    let mut send_frames = |net: &mut Net| {
        let t = net.now;
        let elapsed = t.duration_since(start);
        if !elapsed.as_millis().is_multiple_of(33) {
            return;
        }
        let wanted = net
            .sharer_events
            .iter()
            .filter(|e| **e == PeerEvent::KeyframeRequested)
            .count();
        if wanted > keyframes_sent {
            encoder.force_keyframe();
        }
        if let Some(frame) = encoder.encode(&pattern.next_frame(), elapsed).unwrap() {
            if frame.keyframe {
                keyframes_sent = wanted.max(keyframes_sent);
            }
            assert!(net.sharer.write_frame(&frame.data, t).unwrap());
        }
        if !requested && elapsed > Duration::from_millis(500) {
            requested = true;
            let mid = net.browser.mid;
            net.browser
                .rtc
                .writer(mid)
                .unwrap()
                .request_keyframe(None, KeyframeRequestKind::Pli)
                .unwrap();
        }
    };
    net.run(Duration::from_secs(2), &mut send_frames);

    assert!(net.sharer_saw(&PeerEvent::KeyframeRequested));
    let media: Vec<&str0m::media::MediaData> = net
        .browser
        .events
        .iter()
        .filter_map(|e| match e {
            Event::MediaData(m) => Some(m),
            _ => None,
        })
        .collect();
    assert!(media.len() > 40, "only {} frames arrived", media.len());
    let keyframes = media.iter().filter(|m| m.is_keyframe()).count();
    assert!(
        keyframes >= 2,
        "first frame and the requested one, got {keyframes}"
    );

    let mut decoder = Decoder::new().unwrap();
    let mut decoded = 0;
    let mut last_y = Vec::new();
    for m in &media {
        if let Some(picture) = decoder.decode(&m.data).unwrap() {
            assert_eq!(picture.dimensions(), (320, 240));
            last_y = picture.y()[..320].to_vec();
            decoded += 1;
        }
    }
    assert!(decoded > 40, "decoded {decoded}");
    // The top row of the pattern starts with a white bar and ends with a near-black one.
    assert!(last_y[5] > 200, "{:?}", &last_y[..10]);
    assert!(last_y[315] < 60, "{:?}", &last_y[310..]);

    let estimate = net
        .sharer_events
        .iter()
        .any(|e| matches!(e, PeerEvent::BitrateEstimate(bps) if *bps > 0));
    assert!(estimate, "no bandwidth estimate: {:?}", net.sharer_events);
}

#[test]
fn a_silent_browser_is_reported_disconnected_and_can_come_back() {
    let mut net = connect();
    net.browser.alive = false;
    let lost_at = net.now;
    let mut seen = None;
    net.run(Duration::from_secs(10), |net| {
        if seen.is_none() && net.sharer_saw(&PeerEvent::Disconnected) {
            seen = Some(net.now - lost_at);
        }
    });
    let after = seen.expect("no Disconnected after 10 s");
    assert!(after <= Duration::from_secs(5), "took {after:?}");
    assert!(!net.sharer.is_connected());
    assert!(
        !net.sharer
            .write_frame(&[0, 0, 0, 1, 0x65], net.now)
            .unwrap()
    );

    // The browser answers again: the path comes back and a keyframe is wanted.
    net.sharer_events.clear();
    net.browser.alive = true;
    net.run(Duration::from_secs(3), |_| {});
    assert!(
        net.sharer_saw(&PeerEvent::Connected),
        "{:?}",
        net.sharer_events
    );
    assert!(net.sharer_saw(&PeerEvent::KeyframeRequested));
    assert!(net.sharer.video_ready());
}

#[test]
fn garbage_datagrams_are_ignored() {
    let mut net = connect();
    let now = net.now;
    for junk in [
        &b""[..],
        b"\xff",
        b"hello world",
        &[0x80; 40][..],
        &[0x16; 30][..],
    ] {
        // Must not panic; errors are allowed, the connection must survive.
        let _ = net
            .sharer
            .handle_receive(now, addr(BROWSER), addr(SHARER), junk);
    }
    net.run(Duration::from_millis(100), |_| {});
    assert!(net.sharer.is_connected());
}

/// Sends ten frames of a test pattern and returns the playout delays (min, max) the browser read
/// from each frame's RTP header extension (`None` where the frame had none).
fn playout_delays(net: &mut Net) -> Vec<(Option<MediaTime>, Option<MediaTime>)> {
    let mut encoder = VideoEncoder::new(EncoderConfig::default()).unwrap();
    let mut pattern = TestPattern::new(320, 240);
    let start = net.now;
    for _ in 0..10 {
        let t = net.now;
        if let Some(frame) = encoder
            .encode(&pattern.next_frame(), t.duration_since(start))
            .unwrap()
        {
            assert!(net.sharer.write_frame(&frame.data, t).unwrap());
        }
        net.run(Duration::from_millis(33), |_| {});
    }
    let delays: Vec<_> = net
        .browser
        .events
        .iter()
        .filter_map(|e| match e {
            Event::MediaData(m) => Some((m.ext_vals.play_delay_min, m.ext_vals.play_delay_max)),
            _ => None,
        })
        .collect();
    assert!(delays.len() >= 9, "only {} frames arrived", delays.len());
    delays
}

#[test]
fn frames_ask_for_zero_playout_delay_when_the_browser_offers_the_extension() {
    let (mut net, answer) = connect_offering(&PeerConfig::default(), true);
    assert!(
        answer.contains("a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"),
        "{answer}"
    );
    assert!(net.sharer.zero_playout_delay());
    let zero = Some(MediaTime::from_hundredths(0));
    for delay in playout_delays(&mut net) {
        assert_eq!(delay, (zero, zero));
    }
}

#[test]
fn no_playout_delay_without_the_extension_in_the_offer_or_when_turned_off() {
    let (mut net, answer) = connect_offering(&PeerConfig::default(), false);
    assert!(!answer.contains("playout-delay"), "{answer}");
    assert!(!net.sharer.zero_playout_delay());
    for delay in playout_delays(&mut net) {
        assert_eq!(delay, (None, None));
    }

    let off = PeerConfig {
        zero_playout_delay: false,
        ..PeerConfig::default()
    };
    let (mut net, answer) = connect_offering(&off, true);
    assert!(!answer.contains("playout-delay"), "{answer}");
    assert!(!net.sharer.zero_playout_delay());
    for delay in playout_delays(&mut net) {
        assert_eq!(delay, (None, None));
    }
}
