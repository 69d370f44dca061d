//! The async media session over real UDP on 127.0.0.1, against a str0m instance playing the
//! helper's browser in its own task.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use assist_agent::media::{CapturedFrame, MediaSession, SessionConfig, SessionEvent, TestPattern};
use openh264::decoder::Decoder;
use openh264::formats::YUVSource;
use str0m::change::SdpAnswer;
use str0m::media::{Direction, MediaKind};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, RtcConfig};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::time::timeout;

#[derive(Debug)]
enum Seen {
    ChannelOpen,
    Text(String),
    Frame { keyframe: bool, data: Vec<u8> },
}

/// Starts a browser-like str0m peer on a UDP socket; returns its offer JSON, a way to give it
/// the answer, a sender for text messages and what it sees.
async fn browser() -> (
    String,
    tokio::sync::oneshot::Sender<String>,
    mpsc::UnboundedSender<String>,
    mpsc::UnboundedReceiver<Seen>,
) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let local: SocketAddr = socket.local_addr().unwrap();
    let mut rtc = RtcConfig::new()
        .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
        .build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp").unwrap())
        .unwrap();
    let mut change = rtc.sdp_api();
    change.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
    change.add_channel("input".into());
    let (offer, pending) = change.apply().unwrap();
    let offer = serde_json::to_string(&offer).unwrap();

    let (answer_tx, answer_rx) = tokio::sync::oneshot::channel::<String>();
    let (text_tx, mut text_rx) = mpsc::unbounded_channel::<String>();
    let (seen_tx, seen_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let Ok(answer) = answer_rx.await else { return };
        let answer: SdpAnswer = serde_json::from_str(&answer).unwrap();
        rtc.sdp_api().accept_answer(pending, answer).unwrap();
        let mut channel = None;
        let mut buf = vec![0u8; 2048];
        loop {
            let deadline = loop {
                match rtc.poll_output().unwrap() {
                    Output::Transmit(t) => {
                        let _ = socket.send_to(&t.contents, t.destination).await;
                    }
                    Output::Timeout(at) => break at,
                    Output::Event(Event::ChannelOpen(id, _)) => {
                        channel = Some(id);
                        let _ = seen_tx.send(Seen::ChannelOpen);
                    }
                    Output::Event(Event::ChannelData(d)) => {
                        let text = String::from_utf8_lossy(&d.data).into_owned();
                        let _ = seen_tx.send(Seen::Text(text));
                    }
                    Output::Event(Event::MediaData(m)) => {
                        let keyframe = m.is_keyframe();
                        let data = m.data.to_vec();
                        let _ = seen_tx.send(Seen::Frame { keyframe, data });
                    }
                    Output::Event(_) => {}
                }
            };
            tokio::select! {
                Ok((n, source)) = socket.recv_from(&mut buf) => {
                    let r = Receive::new(Protocol::Udp, source, local, &buf[..n]).unwrap();
                    rtc.handle_input(Input::Receive(Instant::now(), r)).unwrap();
                }
                text = text_rx.recv() => match (text, channel) {
                    (Some(text), Some(id)) => {
                        rtc.channel(id).unwrap().write(false, text.as_bytes()).unwrap();
                    }
                    (Some(_), None) => panic!("channel not open"),
                    (None, _) => return,
                },
                () = tokio::time::sleep_until(deadline.into()) => {
                    rtc.handle_input(Input::Timeout(Instant::now())).unwrap();
                }
            }
        }
    });
    (offer, answer_tx, text_tx, seen_rx)
}

async fn next_session_event(session: &mut MediaSession) -> SessionEvent {
    timeout(Duration::from_secs(5), session.next_event())
        .await
        .expect("no session event within 5 s")
        .expect("session events ended")
}

async fn wait_event(session: &mut MediaSession, wanted: SessionEvent) {
    loop {
        if next_session_event(session).await == wanted {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_skips_unchanged_frames_and_carries_data() {
    let (offer, answer_tx, text_tx, mut seen) = browser().await;
    let (mut session, answer) = MediaSession::start(SessionConfig::default(), &offer)
        .await
        .unwrap();
    assert!(session.local_addr().ip().is_loopback());
    answer_tx.send(answer).unwrap();

    // A capture thread: 320x240 at 30 fps, "changed" while the flag says so.
    let changing = Arc::new(AtomicBool::new(true));
    let frames = session.frame_sender();
    let flag = changing.clone();
    std::thread::spawn(move || {
        let mut pattern = TestPattern::new(320, 240);
        loop {
            let changed = flag.load(Ordering::Relaxed);
            let picture = pattern.next_frame();
            let mut data = frames.buffer(picture.data.len());
            data.copy_from_slice(picture.data);
            let frame = CapturedFrame {
                width: 320,
                height: 240,
                stride: 320 * 4,
                data,
                changed,
                captured_at: Instant::now(),
            };
            if frames.send(frame).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(33));
        }
    });

    wait_event(&mut session, SessionEvent::VideoReady).await;

    // Data both ways. Frames may arrive before the channel opens: they are kept, the stream's
    // first frame (with its parameter sets) among them, so that what arrived can be decoded.
    let mut early = Vec::new();
    loop {
        let event = timeout(Duration::from_secs(5), seen.recv())
            .await
            .unwrap()
            .unwrap();
        match event {
            Seen::ChannelOpen => break,
            Seen::Frame { data, .. } => early.push(data),
            Seen::Text(_) => {}
        }
    }
    text_tx.send("hello agent".into()).unwrap();
    wait_event(&mut session, SessionEvent::Data("hello agent".into())).await;
    session.send_data("hello helper").unwrap();

    // Frames for one second of changes.
    let mut received = Vec::new();
    let mut got_text = false;
    let until = tokio::time::Instant::now() + Duration::from_secs(1);
    while let Ok(Some(event)) = tokio::time::timeout_at(until, seen.recv()).await {
        match event {
            Seen::Frame { keyframe, data } => received.push((keyframe, data)),
            Seen::Text(t) => got_text |= t == "hello helper",
            Seen::ChannelOpen => {}
        }
    }
    assert!(got_text, "the browser did not get the agent's message");
    assert!(
        received.len() >= 15,
        "only {} frames in 1 s",
        received.len()
    );

    // Unchanged frames are not encoded.
    changing.store(false, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    while seen.try_recv().is_ok() {}
    let until = tokio::time::Instant::now() + Duration::from_secs(1);
    let mut while_still = 0;
    while let Ok(Some(event)) = tokio::time::timeout_at(until, seen.recv()).await {
        if matches!(event, Seen::Frame { .. }) {
            while_still += 1;
        }
    }
    assert_eq!(while_still, 0, "frames sent for a still screen");

    // What arrived decodes, from the stream's first frame on.
    let mut decoder = Decoder::new().unwrap();
    let mut decoded = 0;
    for data in early.iter().chain(received.iter().map(|(_, data)| data)) {
        if let Some(picture) = decoder.decode(data).unwrap() {
            assert_eq!(picture.dimensions(), (320, 240));
            decoded += 1;
        }
    }
    assert!(decoded >= 15, "decoded {decoded}");

    session.close();
    wait_event(&mut session, SessionEvent::Closed).await;
    // The capture side learns that the session is over.
    let frames = session.frame_sender();
    let frame = CapturedFrame {
        width: 2,
        height: 2,
        stride: 8,
        data: vec![0; 16],
        changed: true,
        captured_at: Instant::now(),
    };
    assert!(frames.send(frame).is_err());
}

#[tokio::test]
async fn a_bad_offer_fails_to_start() {
    let err = MediaSession::start(
        SessionConfig::default(),
        "{\"type\":\"offer\",\"sdp\":\"x\"}",
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("offer"), "{err}");
}
