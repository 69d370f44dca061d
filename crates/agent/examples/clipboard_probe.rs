//! An application on the sharer's X desktop that copies and pastes CLIPBOARD the way an editor
//! does, driven over standard input, for the end-to-end tests (tests/e2e/clipboard.test.mjs).
//!
//! Commands (one a line): `copy "JSON string"` takes CLIPBOARD with that text and serves it
//! (`UTF8_STRING`, `STRING`, `TARGETS`) until another client takes it; `paste` asks the CLIPBOARD
//! owner for `UTF8_STRING`. Output: `READY`, `COPIED`, `PASTED "JSON string"` or `PASTED none`,
//! `LOST` (another client took CLIPBOARD from us).
//!
//! Run: `clipboard_probe` with `DISPLAY` set.

use std::io::{BufRead, Write};
use std::sync::mpsc;
use std::time::Duration;
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ConnectionExt as _, CreateWindowAux, EventMask, PropMode,
    SELECTION_NOTIFY_EVENT, SelectionNotifyEvent, WindowClass,
};
use x11rb::wrapper::ConnectionExt as _;
use x11rb::{CURRENT_TIME, NONE};

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (conn, screen_num) = x11rb::connect(None)?;
    let root = conn.setup().roots[screen_num].root;
    let window = conn.generate_id()?;
    conn.create_window(
        x11rb::COPY_DEPTH_FROM_PARENT,
        window,
        root,
        0,
        0,
        1,
        1,
        0,
        WindowClass::INPUT_ONLY,
        x11rb::COPY_FROM_PARENT,
        &CreateWindowAux::new().event_mask(EventMask::PROPERTY_CHANGE),
    )?
    .check()?;
    let atom = |name: &str| -> Result<Atom, Box<dyn std::error::Error>> {
        Ok(conn.intern_atom(false, name.as_bytes())?.reply()?.atom)
    };
    let clipboard = atom("CLIPBOARD")?;
    let utf8 = atom("UTF8_STRING")?;
    let targets = atom("TARGETS")?;
    let paste_prop = atom("PROBE_PASTE")?;
    let string: Atom = AtomEnum::STRING.into();

    let (tx, commands) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    say("READY");
    let mut owned: Option<String> = None;
    loop {
        match commands.try_recv() {
            Ok(line) => {
                if let Some(json) = line.strip_prefix("copy ") {
                    let text: String = serde_json::from_str(json)?;
                    owned = Some(text);
                    conn.set_selection_owner(window, clipboard, CURRENT_TIME)?;
                    let owner = conn.get_selection_owner(clipboard)?.reply()?.owner;
                    say(if owner == window {
                        "COPIED"
                    } else {
                        "COPY FAILED"
                    });
                } else if line == "paste" {
                    conn.convert_selection(window, clipboard, utf8, paste_prop, CURRENT_TIME)?;
                    conn.flush()?;
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => return Ok(()),
            Err(mpsc::TryRecvError::Empty) => {}
        }
        let Some(event) = conn.poll_for_event()? else {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        match event {
            Event::SelectionRequest(req) => {
                let stored = match owned.as_deref() {
                    Some(_) if req.target == targets => {
                        conn.change_property32(
                            PropMode::REPLACE,
                            req.requestor,
                            req.property,
                            AtomEnum::ATOM,
                            &[targets, utf8, string],
                        )?;
                        true
                    }
                    Some(t) if req.target == utf8 || req.target == string => {
                        conn.change_property8(
                            PropMode::REPLACE,
                            req.requestor,
                            req.property,
                            req.target,
                            t.as_bytes(),
                        )?;
                        true
                    }
                    _ => false,
                };
                let notify = SelectionNotifyEvent {
                    response_type: SELECTION_NOTIFY_EVENT,
                    sequence: 0,
                    time: req.time,
                    requestor: req.requestor,
                    selection: req.selection,
                    target: req.target,
                    property: if stored { req.property } else { NONE },
                };
                conn.send_event(false, req.requestor, EventMask::NO_EVENT, notify)?;
                conn.flush()?;
            }
            Event::SelectionClear(_) => {
                owned = None;
                say("LOST");
            }
            Event::SelectionNotify(n) if n.property == NONE => say("PASTED none"),
            Event::SelectionNotify(_) => {
                let r = conn
                    .get_property(true, window, paste_prop, AtomEnum::ANY, 0, 1 << 20)?
                    .reply()?;
                let text = String::from_utf8_lossy(&r.value);
                say(&format!("PASTED {}", serde_json::to_string(&text)?));
            }
            _ => {}
        }
    }
}
