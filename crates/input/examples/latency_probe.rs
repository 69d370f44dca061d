//! An X client for the end-to-end latency benchmark (`bench/glass`): it paints a patch of the
//! screen on command and timestamps the pointer motion it receives, both on the machine's
//! wall clock (`CLOCK_REALTIME`), so that a browser on the same machine can compare its own
//! times (`performance.timeOrigin + performance.now()`) with them.
//!
//! `latency_probe PATCH_X PATCH_Y PATCH_W PATCH_H` on `$DISPLAY` covers the whole screen with a
//! grey window and paints the patch (a rectangle in screen pixels) black. Commands on stdin, one
//! a line:
//!
//! ```text
//! PAINT id rrggbb     fill the patch with the colour; answers PAINTED when the server has done it
//! ```
//!
//! Lines on stdout (times in milliseconds since the Unix epoch, with fractions):
//!
//! ```text
//! READY screen_width screen_height
//! PAINTED id t_sent t_done     the fill request was sent at t_sent; at t_done the server had
//!                              answered a round trip queued after it (so the pixels were there)
//! MOTION root_x root_y t       a MotionNotify read from the server at t
//! ```
//!
//! Ends when stdin closes.

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    ChangeGCAux, ConnectionExt, CreateGCAux, CreateWindowAux, EventMask, Rectangle, WindowClass,
};

/// Wall-clock time in milliseconds since the Unix epoch.
fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // A closed stdout means the benchmark is gone; the stdin thread ends the process then.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<i16> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let [px, py, pw, ph] = match args.as_slice() {
        [a, b, c, d] if *c > 0 && *d > 0 => [*a, *b, *c, *d],
        _ => return Err("usage: latency_probe PATCH_X PATCH_Y PATCH_W PATCH_H".into()),
    };
    let patch = Rectangle {
        x: px,
        y: py,
        width: u16::try_from(pw)?,
        height: u16::try_from(ph)?,
    };
    let (conn, screen_num) = x11rb::connect(None)?;
    let conn = Arc::new(conn);
    let screen = conn.setup().roots[screen_num].clone();
    let (w, h) = (screen.width_in_pixels, screen.height_in_pixels);
    let win = conn.generate_id()?;
    conn.create_window(
        screen.root_depth,
        win,
        screen.root,
        0,
        0,
        w,
        h,
        0,
        WindowClass::INPUT_OUTPUT,
        screen.root_visual,
        &CreateWindowAux::new()
            .background_pixel(0x808080)
            .override_redirect(1)
            .event_mask(EventMask::POINTER_MOTION | EventMask::EXPOSURE),
    )?;
    let gc = conn.generate_id()?;
    conn.create_gc(gc, win, &CreateGCAux::new().foreground(0x000000))?;
    conn.map_window(win)?;
    conn.flush()?;

    // Painting happens on the stdin thread; the colour is also kept for exposures.
    let colour = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let painter = {
        let (conn, colour) = (conn.clone(), colour.clone());
        move || -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                let mut words = line.split_whitespace();
                match (words.next(), words.next(), words.next()) {
                    (Some("PAINT"), Some(id), Some(rgb)) => {
                        let rgb = u32::from_str_radix(rgb, 16)?;
                        colour.store(rgb, std::sync::atomic::Ordering::Relaxed);
                        let sent = now_ms();
                        conn.change_gc(gc, &ChangeGCAux::new().foreground(rgb))?;
                        conn.poly_fill_rectangle(win, gc, &[patch])?;
                        // A round trip queued after the fill: its reply means the fill is done.
                        conn.get_input_focus()?.reply()?;
                        let done = now_ms();
                        say(&format!("PAINTED {id} {sent:.3} {done:.3}"));
                    }
                    _ => say(&format!("ERROR unknown command: {line}")),
                }
            }
            Ok(())
        }
    };
    std::thread::spawn(move || {
        if let Err(e) = painter() {
            eprintln!("latency_probe: {e}");
        }
        std::process::exit(0);
    });

    let mut ready = false;
    loop {
        match conn.wait_for_event()? {
            Event::MotionNotify(e) => {
                let t = now_ms();
                say(&format!("MOTION {} {} {t:.3}", e.root_x, e.root_y));
            }
            Event::Expose(e) => {
                if e.count == 0 {
                    let rgb = colour.load(std::sync::atomic::Ordering::Relaxed);
                    conn.change_gc(gc, &ChangeGCAux::new().foreground(rgb))?;
                    conn.poly_fill_rectangle(win, gc, &[patch])?;
                    conn.flush()?;
                }
                if !ready {
                    ready = true;
                    say(&format!("READY {w} {h}"));
                }
            }
            _ => {}
        }
    }
}
