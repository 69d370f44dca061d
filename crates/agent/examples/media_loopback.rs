//! Streams a synthetic screen to a browser, for end-to-end tests (`tests/e2e/media.test.mjs`).
//!
//! Reads one SDP offer JSON line on stdin (`pc.localDescription.toJSON()`, gathering complete),
//! prints the answer JSON line on stdout, then sends a 1280×720 test pattern with a moving square
//! at 30 fps. Each text message on the "input" data channel is printed as `DATA <text>`; when the
//! channel opens the example sends `READY` on it. Other events go to stderr, with the time since
//! the answer was printed. Ends when stdin closes or the browser closes the connection.
//!
//! `RUST_LOG=debug` shows str0m's and the session's logs on stderr.

use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

use assist_agent::media::{
    CapturedFrame, FrameSender, MediaSession, SessionConfig, SessionEvent, TestPattern,
};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
const FPS: u32 = 30;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();

    let mut offer = String::new();
    std::io::stdin().lock().read_line(&mut offer)?;
    let (mut session, answer) = MediaSession::start(SessionConfig::default(), offer.trim()).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{answer}")?;
    stdout.flush()?;
    drop(stdout);
    let answered = Instant::now();
    let ms = || answered.elapsed().as_millis();
    eprintln!("EVENT listening on {}", session.local_addr());

    let frames = session.frame_sender();
    std::thread::spawn(move || produce(&frames));

    // End when stdin closes (the test process went away).
    let (eof_tx, mut eof_rx) = tokio::sync::mpsc::channel::<()>(1);
    std::thread::spawn(move || {
        let mut sink = String::new();
        while std::io::stdin()
            .lock()
            .read_line(&mut sink)
            .is_ok_and(|n| n > 0)
        {
            sink.clear();
        }
        let _ = eof_tx.blocking_send(());
    });

    loop {
        tokio::select! {
            event = session.next_event() => match event {
                Some(SessionEvent::Data(text)) => {
                    let mut stdout = std::io::stdout().lock();
                    writeln!(stdout, "DATA {text}")?;
                    stdout.flush()?;
                }
                Some(SessionEvent::DataChannelOpen) => {
                    eprintln!("EVENT +{}ms DataChannelOpen", ms());
                    session.send_data("READY")?;
                }
                Some(SessionEvent::Closed) | None => {
                    eprintln!("EVENT +{}ms Closed", ms());
                    break;
                }
                Some(other) => eprintln!("EVENT +{}ms {other:?}", ms()),
            },
            _ = eof_rx.recv() => {
                eprintln!("EVENT stdin closed");
                session.close();
                break;
            }
        }
    }
    Ok(())
}

/// Generates frames at `FPS` until the session is over.
fn produce(frames: &FrameSender) {
    let mut pattern = TestPattern::new(WIDTH, HEIGHT);
    let interval = Duration::from_secs(1) / FPS;
    let mut next = Instant::now();
    loop {
        let picture = pattern.next_frame();
        let mut data = frames.buffer(picture.data.len());
        data.copy_from_slice(picture.data);
        let frame = CapturedFrame {
            width: picture.width,
            height: picture.height,
            stride: picture.stride,
            data,
            changed: true,
            captured_at: Instant::now(),
        };
        if frames.send(frame).is_err() {
            return;
        }
        next += interval;
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
}
