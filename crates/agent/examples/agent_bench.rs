//! The agent's benchmark on a real X screen (run by `bench/agent/run.sh`, results in
//! `docs/benchmarks.md`, section "Agent"). On `$DISPLAY`:
//!
//! - `agent_bench animate SECONDS`: moves a 640×360 square over a still background at 60 Hz,
//!   so that every capture has damage (the load both the agent and ffmpeg are measured on).
//! - `agent_bench capture-encode SECONDS [FPS]`: X11 capture (MIT-SHM, damage) → BGRA → I420 →
//!   H.264 (OpenH264) on one thread, as fast as it goes (or paced at FPS); prints frames per
//!   second and the process's CPU use (100 % = one core).
//! - `agent_bench input-latency COUNT`: data-channel text → [`ControlGate`] (JSON parse,
//!   validation) → XTEST injection → the MotionNotify an X client receives; prints p50/p99.

use std::time::{Duration, Instant};

use assist_agent::control::{ControlGate, Outcome, percentiles};
use assist_agent::media::{BgraFrame, EncoderConfig, VideoEncoder};
use assist_capture::{Capturer, X11Capturer};
use assist_input::X11Injector;
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    ChangeGCAux, ConnectionExt, CreateGCAux, CreateWindowAux, EventMask, Rectangle, WindowClass,
};
use x11rb::wrapper::ConnectionExt as _;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// CPU seconds (user + system) used by this process so far, from `/proc/self/stat` (Linux;
/// clock ticks of 1/100 s, the kernel's USER_HZ on every common build).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields after the command: state is index 0, utime is 11, stime 12.
    (ticks(11) + ticks(12)) / 100.0
}

fn animate(seconds: f64) -> Res<()> {
    let (conn, n) = x11rb::connect(None)?;
    let screen = conn.setup().roots[n].clone();
    let gc = conn.generate_id()?;
    conn.create_gc(gc, screen.root, &CreateGCAux::new().foreground(0x202020))?;
    let (w, h) = (screen.width_in_pixels, screen.height_in_pixels);
    conn.poly_fill_rectangle(
        screen.root,
        gc,
        &[Rectangle {
            x: 0,
            y: 0,
            width: w,
            height: h,
        }],
    )?;
    let start = Instant::now();
    let mut i: u32 = 0;
    let (sw, sh) = (640i32, 360i32);
    let (mut x, mut y) = (0i32, 0i32);
    while start.elapsed().as_secs_f64() < seconds {
        conn.change_gc(gc, &ChangeGCAux::new().foreground(0x202020))?;
        conn.poly_fill_rectangle(
            screen.root,
            gc,
            &[Rectangle {
                x: x as i16,
                y: y as i16,
                width: sw as u16,
                height: sh as u16,
            }],
        )?;
        x = (x + 13) % (i32::from(w) - sw);
        y = (y + 7) % (i32::from(h) - sh);
        let colour = (i.wrapping_mul(2_654_435_761)) & 0xffffff;
        conn.change_gc(gc, &ChangeGCAux::new().foreground(colour))?;
        conn.poly_fill_rectangle(
            screen.root,
            gc,
            &[Rectangle {
                x: x as i16,
                y: y as i16,
                width: sw as u16,
                height: sh as u16,
            }],
        )?;
        conn.flush()?;
        i = i.wrapping_add(1);
        std::thread::sleep(Duration::from_millis(16));
    }
    Ok(())
}

fn capture_encode(seconds: f64, fps: Option<f64>) -> Res<()> {
    let mut capturer = X11Capturer::connect(None, None)?;
    let area = capturer.area().clone();
    let mut encoder = VideoEncoder::new(EncoderConfig {
        max_width: area.width,
        max_height: area.height,
        max_fps: fps.unwrap_or(60.0) as f32,
        ..EncoderConfig::default()
    })?;
    let (cpu0, start) = (cpu_seconds(), Instant::now());
    let (mut frames, mut encoded, mut bytes) = (0u64, 0u64, 0u64);
    let interval = fps.map(|f| Duration::from_secs_f64(1.0 / f));
    let mut next = start;
    while start.elapsed().as_secs_f64() < seconds {
        let frame = capturer.capture()?;
        frames += 1;
        let picture = BgraFrame {
            width: frame.width,
            height: frame.height,
            stride: frame.stride,
            data: &frame.data,
        };
        if let Some(out) = encoder.encode(&picture, start.elapsed())? {
            encoded += 1;
            bytes += out.data.len() as u64;
        }
        if let Some(iv) = interval {
            next += iv;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!(
        "agent {}x{} shm={} damage={}: {:.1} fps captured, {:.1} fps encoded, CPU {:.0} % of one core, {:.0} kbit/s",
        area.width,
        area.height,
        capturer.uses_shm(),
        capturer.uses_damage(),
        frames as f64 / wall,
        encoded as f64 / wall,
        100.0 * cpu / wall,
        bytes as f64 * 8.0 / wall / 1000.0
    );
    Ok(())
}

fn input_latency(count: usize) -> Res<()> {
    let (conn, n) = x11rb::connect(None)?;
    let screen = conn.setup().roots[n].clone();
    let win = conn.generate_id()?;
    conn.create_window(
        0,
        win,
        screen.root,
        0,
        0,
        screen.width_in_pixels,
        screen.height_in_pixels,
        0,
        WindowClass::INPUT_ONLY,
        0,
        &CreateWindowAux::new()
            .override_redirect(1)
            .event_mask(EventMask::POINTER_MOTION),
    )?;
    conn.map_window(win)?;
    conn.sync()?;
    let mut gate = ControlGate::new(X11Injector::connect(None, None)?);
    gate.on_active_mode(Some(assist_proto::Mode::Control))?;
    let mut samples = Vec::with_capacity(count);
    let mut injected = Vec::with_capacity(count);
    for i in 0..count {
        // Alternate between two far-apart points so every event moves the pointer.
        let (x, y) = if i % 2 == 0 { (0.2, 0.3) } else { (0.7, 0.8) };
        let text = format!(r#"{{"t":"mouse_move","x":{x},"y":{y}}}"#);
        let received = Instant::now();
        match gate.on_message(&text, received) {
            Outcome::Injected(d) => injected.push(d),
            other => return Err(format!("not injected: {other:?}").into()),
        }
        // Only the motion that lands where this event sent the pointer counts.
        let want = (
            (x * f64::from(screen.width_in_pixels - 1)).round() as i16,
            (y * f64::from(screen.height_in_pixels - 1)).round() as i16,
        );
        loop {
            if let Event::MotionNotify(e) = conn.wait_for_event()?
                && (e.root_x, e.root_y) == want
            {
                break;
            }
        }
        samples.push(received.elapsed());
    }
    let (p50, p99) = percentiles(&samples).ok_or("no samples")?;
    let (i50, i99) = percentiles(&injected).ok_or("no samples")?;
    println!(
        "input {count} events: received → X client sees the motion p50 {:.3} ms, p99 {:.3} ms; received → injected (request sent) p50 {:.3} ms, p99 {:.3} ms",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        i50.as_secs_f64() * 1e3,
        i99.as_secs_f64() * 1e3
    );
    Ok(())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: f64| args.get(i).and_then(|v| v.parse().ok()).unwrap_or(d);
    match args.first().map(String::as_str) {
        Some("animate") => animate(num(1, 10.0)),
        Some("capture-encode") => capture_encode(num(1, 10.0), args.get(2).and_then(|v| v.parse().ok())),
        Some("input-latency") => input_latency(num(1, 1000.0) as usize),
        _ => Err("usage: agent_bench animate SECONDS | capture-encode SECONDS [FPS] | input-latency COUNT".into()),
    }
}
