//! A test window for end-to-end tests of remote control: it shows a known picture and prints the
//! input it receives, one line each, on stdout.
//!
//! `probe_window [X Y WIDTH HEIGHT]` (default 0 0 640 720) on `$DISPLAY` opens a window whose four
//! quarters are red (top left), green (top right), blue (bottom left) and white (bottom right),
//! takes the keyboard focus, and prints:
//!
//! ```text
//! READY x y width height
//! MOTION root_x root_y
//! BUTTON n down|up root_x root_y
//! KEY keysym_name text      (text is the character typed, or empty)
//! ```
//!
//! Ends when stdin closes.

use std::io::Write;

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    ConnectionExt, CreateWindowAux, EventMask, InputFocus, KeyButMask, WindowClass,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<i32> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let [x, y, w, h] = match args.as_slice() {
        [] => [0, 0, 640, 720],
        [a, b, c, d] => [*a, *b, *c, *d],
        _ => return Err("usage: probe_window [X Y WIDTH HEIGHT]".into()),
    };
    let (conn, screen_num) = x11rb::connect(None)?;
    let screen = conn.setup().roots[screen_num].clone();
    let (w16, h16) = (u16::try_from(w)?, u16::try_from(h)?);
    let win = conn.generate_id()?;
    let mask = EventMask::POINTER_MOTION
        | EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::KEY_PRESS
        | EventMask::EXPOSURE;
    conn.create_window(
        screen.root_depth,
        win,
        screen.root,
        i16::try_from(x)?,
        i16::try_from(y)?,
        w16,
        h16,
        0,
        WindowClass::INPUT_OUTPUT,
        screen.root_visual,
        &CreateWindowAux::new()
            .background_pixel(0xff0000)
            .override_redirect(1)
            .event_mask(mask),
    )?;
    let quarters = [
        (w16 / 2, 0, 0x00ff00),
        (0, h16 / 2, 0x0000ff),
        (w16 / 2, h16 / 2, 0xffffff),
    ];
    for (qx, qy, colour) in quarters {
        let child = conn.generate_id()?;
        conn.create_window(
            screen.root_depth,
            child,
            win,
            i16::try_from(qx)?,
            i16::try_from(qy)?,
            w16 - w16 / 2,
            h16 - h16 / 2,
            0,
            WindowClass::INPUT_OUTPUT,
            screen.root_visual,
            &CreateWindowAux::new().background_pixel(colour),
        )?;
        conn.map_window(child)?;
    }
    conn.map_window(win)?;
    conn.flush()?;

    let min = conn.setup().min_keycode;
    let max = conn.setup().max_keycode;
    let mut map = conn.get_keyboard_mapping(min, max - min + 1)?.reply()?;
    let mut per = usize::from(map.keysyms_per_keycode);

    std::thread::spawn(|| {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
        std::process::exit(0);
    });

    let mut out = std::io::stdout().lock();
    let mut ready = false;
    loop {
        let event = conn.wait_for_event()?;
        match event {
            Event::Expose(_) if !ready => {
                ready = true;
                conn.set_input_focus(InputFocus::POINTER_ROOT, win, x11rb::CURRENT_TIME)?;
                conn.flush()?;
                writeln!(out, "READY {x} {y} {w} {h}")?;
            }
            // The injector maps characters the keymap lacks onto spare keycodes: read the
            // mapping again, as real clients do.
            Event::MappingNotify(_) => {
                map = conn.get_keyboard_mapping(min, max - min + 1)?.reply()?;
                per = usize::from(map.keysyms_per_keycode);
            }
            Event::MotionNotify(e) => writeln!(out, "MOTION {} {}", e.root_x, e.root_y)?,
            Event::ButtonPress(e) => {
                conn.set_input_focus(InputFocus::POINTER_ROOT, win, x11rb::CURRENT_TIME)?;
                conn.flush()?;
                writeln!(out, "BUTTON {} down {} {}", e.detail, e.root_x, e.root_y)?
            }
            Event::ButtonRelease(e) => {
                writeln!(out, "BUTTON {} up {} {}", e.detail, e.root_x, e.root_y)?
            }
            Event::KeyPress(e) => {
                let shift = e.state.contains(KeyButMask::SHIFT);
                let base = usize::from(e.detail.saturating_sub(min)) * per;
                let pick = if shift && per > 1 { 1 } else { 0 };
                let sym = map
                    .keysyms
                    .get(base + pick)
                    .copied()
                    .filter(|s| *s != 0)
                    .or_else(|| map.keysyms.get(base).copied())
                    .unwrap_or(0);
                let keysym = xkeysym::Keysym::from(sym);
                let text = keysym.key_char().map(String::from).unwrap_or_default();
                let name = keysym.name().unwrap_or("?");
                writeln!(out, "KEY {name} {text}")?;
            }
            _ => {}
        }
        out.flush()?;
    }
}
