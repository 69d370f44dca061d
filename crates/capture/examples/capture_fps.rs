//! Capture throughput: captures frames from an X display as fast as it can for a while and prints
//! frames per second and the median, 99th-percentile and worst time per frame.
//!
//! ```text
//! Xvfb :57 -screen 0 1920x1080x24 &
//! cargo run --release -p assist-capture --example capture_fps -- --display :57 --seconds 10 --mode full
//! ```
//!
//! Modes: `full` reads the whole screen every frame through MIT-SHM (the worst case: everything
//! changes), `getimage` does the same without shared memory, `damage` lets XDamage skip what did not
//! change. `--animate` moves a 256×256 square on the screen from a second connection, so `damage`
//! has something to read.

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use assist_capture::{Capturer, X11Capturer, X11Options};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, CreateGCAux, Rectangle};

struct Args {
    display: Option<String>,
    monitor: Option<usize>,
    seconds: f64,
    mode: String,
    animate: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        display: None,
        monitor: None,
        seconds: 5.0,
        mode: "full".into(),
        animate: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--display" => args.display = Some(value()?),
            "--monitor" => args.monitor = Some(value()?.parse().map_err(|e| format!("{e}"))?),
            "--seconds" => args.seconds = value()?.parse().map_err(|e| format!("{e}"))?,
            "--mode" => args.mode = value()?,
            "--animate" => args.animate = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !["full", "getimage", "damage"].contains(&args.mode.as_str()) {
        return Err(format!("unknown mode {}", args.mode));
    }
    if !(args.seconds.is_finite() && args.seconds > 0.0) {
        return Err("--seconds must be positive".into());
    }
    Ok(args)
}

/// Moves a square around the screen until the process ends.
fn animate(display: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    let (conn, screen_num) = x11rb::connect(display.as_deref())?;
    let screen = conn
        .setup()
        .roots
        .get(screen_num)
        .ok_or("the display has no such screen")?
        .clone();
    let gc = conn.generate_id()?;
    conn.create_gc(
        gc,
        screen.root,
        &CreateGCAux::new()
            .subwindow_mode(x11rb::protocol::xproto::SubwindowMode::INCLUDE_INFERIORS),
    )?;
    let (w, h) = (
        i32::from(screen.width_in_pixels),
        i32::from(screen.height_in_pixels),
    );
    for step in 0u32.. {
        let colour = step.wrapping_mul(0x0001_0307) & 0x00ff_ffff;
        conn.change_gc(
            gc,
            &x11rb::protocol::xproto::ChangeGCAux::new().foreground(colour),
        )?;
        let x = (step as i32 * 7) % (w - 256).max(1);
        let y = (step as i32 * 5) % (h - 256).max(1);
        let rect = Rectangle {
            x: x as i16,
            y: y as i16,
            width: 256,
            height: 256,
        };
        conn.poly_fill_rectangle(screen.root, gc, &[rect])?;
        conn.get_input_focus()?.reply()?;
        thread::sleep(Duration::from_millis(16));
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("capture_fps: {e}");
            eprintln!(
                "usage: capture_fps [--display :N] [--monitor I] [--seconds S] [--mode full|getimage|damage] [--animate]"
            );
            return ExitCode::from(2);
        }
    };
    let options = X11Options {
        display: args.display.clone(),
        monitor: args.monitor,
        use_shm: args.mode != "getimage",
        use_damage: args.mode == "damage",
        // As the agent captures: with the pointer drawn in.
        draw_pointer: true,
    };
    let mut capturer = match X11Capturer::connect_with(options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("capture_fps: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.animate {
        let display = args.display.clone();
        thread::spawn(move || {
            if let Err(e) = animate(display) {
                eprintln!("capture_fps: animation stopped: {e}");
            }
        });
    }
    let area = capturer.area().clone();
    let mut times = Vec::with_capacity(100_000);
    let mut changed = 0u64;
    let mut changed_pixels = 0u64;
    let start = Instant::now();
    let budget = Duration::from_secs_f64(args.seconds);
    while start.elapsed() < budget {
        let t = Instant::now();
        match capturer.capture() {
            Ok(frame) => {
                if frame.is_changed() {
                    changed += 1;
                    changed_pixels += frame.damage.iter().map(|r| r.area()).sum::<u64>();
                }
            }
            Err(e) => {
                eprintln!("capture_fps: {e}");
                return ExitCode::FAILURE;
            }
        }
        times.push(t.elapsed());
    }
    let elapsed = start.elapsed();
    times.sort();
    let frames = times.len();
    println!(
        "{}x{} mode={} shm={} damage={} animate={}",
        area.width,
        area.height,
        args.mode,
        capturer.uses_shm(),
        capturer.uses_damage(),
        args.animate
    );
    println!(
        "frames={frames} fps={:.1} median={:.2}ms p99={:.2}ms max={:.2}ms changed_frames={changed} mean_changed_pixels={:.0}",
        frames as f64 / elapsed.as_secs_f64(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        if changed > 0 {
            changed_pixels as f64 / changed as f64
        } else {
            0.0
        },
    );
    ExitCode::SUCCESS
}
