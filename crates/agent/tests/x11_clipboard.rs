//! The agent's X11 clipboard against a private Xvfb and another X client that copies and pastes
//! the way an application does: what the agent sets is pasted there (CLIPBOARD and PRIMARY,
//! UTF-8 and Latin-1), and what that client copies reaches the agent (and the agent's own copies
//! do not come back).

#![cfg(target_os = "linux")]

use assist_agent::clipboard::X11Clipboard;
use assist_capture::testing::{Xvfb, XvfbError};
use assist_proto::transfer::Selection;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ChangeWindowAttributesAux, ConnectionExt as _, CreateWindowAux, EventMask,
    PropMode, Property, SELECTION_NOTIFY_EVENT, SelectionNotifyEvent, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;
use x11rb::{CURRENT_TIME, NONE};

/// Generous: only reached when something is broken.
const PATIENCE: Duration = Duration::from_secs(60);

fn xvfb() -> Option<Xvfb> {
    match Xvfb::start(640, 480) {
        Ok(x) => Some(x),
        Err(XvfbError::NotInstalled) => {
            eprintln!("skipping: Xvfb is not installed (apt-get install xvfb)");
            None
        }
        Err(e) => panic!("cannot start Xvfb: {e}"),
    }
}

/// Another application on the sharer's desktop.
struct App {
    conn: RustConnection,
    window: Window,
}

impl App {
    fn new(display: &str) -> App {
        let (conn, screen_num) = x11rb::connect(Some(display)).expect("connect app");
        let root = conn.setup().roots[screen_num].root;
        let window = conn.generate_id().unwrap();
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
        )
        .unwrap()
        .check()
        .unwrap();
        App { conn, window }
    }

    fn atom(&self, name: &str) -> Atom {
        self.conn
            .intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    }

    fn selection(&self, s: Selection) -> Atom {
        match s {
            Selection::Clipboard => self.atom("CLIPBOARD"),
            Selection::Primary => AtomEnum::PRIMARY.into(),
        }
    }

    /// Pastes `selection` as `target`, as an application does: the bytes and their type.
    fn paste(&self, selection: Selection, target: &str) -> Option<(Atom, Vec<u8>)> {
        let prop = self.atom("APP_PASTE");
        let target = self.atom(target);
        self.conn
            .convert_selection(
                self.window,
                self.selection(selection),
                target,
                prop,
                CURRENT_TIME,
            )
            .unwrap();
        self.conn.flush().unwrap();
        let deadline = Instant::now() + PATIENCE;
        loop {
            assert!(Instant::now() < deadline, "no SelectionNotify");
            match self.conn.poll_for_event().unwrap() {
                Some(Event::SelectionNotify(n)) => {
                    if n.property == NONE {
                        return None;
                    }
                    let r = self
                        .conn
                        .get_property(true, self.window, prop, AtomEnum::ANY, 0, 1 << 20)
                        .unwrap()
                        .reply()
                        .unwrap();
                    if r.type_ == self.atom("INCR") {
                        return Some(self.read_incr(prop, deadline));
                    }
                    return Some((r.type_, r.value));
                }
                Some(_) => {}
                None => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }

    /// Reads an `INCR` answer: each new value of `prop` is a piece (deleting it asks for the
    /// next), an empty one ends it.
    fn read_incr(&self, prop: Atom, deadline: Instant) -> (Atom, Vec<u8>) {
        let mut data = Vec::new();
        let mut kind = NONE;
        loop {
            assert!(Instant::now() < deadline, "INCR transfer stalled");
            match self.conn.poll_for_event().unwrap() {
                Some(Event::PropertyNotify(p))
                    if p.atom == prop && p.state == Property::NEW_VALUE =>
                {
                    let r = self
                        .conn
                        .get_property(true, self.window, prop, AtomEnum::ANY, 0, 1 << 20)
                        .unwrap()
                        .reply()
                        .unwrap();
                    self.conn.flush().unwrap();
                    if r.value.is_empty() {
                        return (kind, data);
                    }
                    kind = r.type_;
                    data.extend_from_slice(&r.value);
                }
                Some(_) => {}
                None => std::thread::sleep(Duration::from_millis(2)),
            }
        }
    }

    /// Copies `text` to `selection` and serves the agent's request for it until the agent
    /// reports a copy on `copies`; answers what it reported.
    fn copy_until_reported(
        &self,
        selection: Selection,
        text: &str,
        copies: &mpsc::Receiver<(Selection, String)>,
    ) -> (Selection, String) {
        self.serve_copy(selection, text, copies, true)
            .expect("reported")
    }

    /// Copies `text` (longer than the agent carries) and serves the agent's INCR transfer to its
    /// end: the agent reports nothing.
    fn offer_without_report(
        &self,
        selection: Selection,
        text: &str,
        copies: &mpsc::Receiver<(Selection, String)>,
    ) {
        assert_eq!(self.serve_copy(selection, text, copies, false), None);
        std::thread::sleep(Duration::from_millis(300));
        assert!(copies.try_recv().is_err(), "an over-long copy was reported");
    }

    /// Copies `text` and serves the agent: until it reports (`wait_report`), or until the INCR
    /// transfer of `text` ended.
    fn serve_copy(
        &self,
        selection: Selection,
        text: &str,
        copies: &mpsc::Receiver<(Selection, String)>,
        wait_report: bool,
    ) -> Option<(Selection, String)> {
        // Longer text goes by INCR, in pieces of this size, as GTK and Qt do.
        const PIECE: usize = 100_000;
        let mut incr: Option<((Window, Atom), usize)> = None;
        let mut ended = false;
        let sel = self.selection(selection);
        let utf8 = self.atom("UTF8_STRING");
        self.conn
            .set_selection_owner(self.window, sel, CURRENT_TIME)
            .unwrap();
        self.conn.flush().unwrap();
        let deadline = Instant::now() + PATIENCE;
        loop {
            assert!(
                Instant::now() < deadline,
                "the agent did not report the copy"
            );
            if let Ok(got) = copies.try_recv() {
                return Some(got);
            }
            if !wait_report && ended {
                return None;
            }
            match self.conn.poll_for_event().unwrap() {
                Some(Event::PropertyNotify(p))
                    if p.state == Property::DELETE
                        && incr.as_ref().is_some_and(|i| i.0 == (p.window, p.atom)) =>
                {
                    // The agent took a piece: the next one (an empty one ends it).
                    let (key, offset) = incr.as_mut().unwrap();
                    let end = (*offset + PIECE).min(text.len());
                    self.conn
                        .change_property8(
                            PropMode::REPLACE,
                            key.0,
                            key.1,
                            utf8,
                            &text.as_bytes()[*offset..end],
                        )
                        .unwrap();
                    self.conn.flush().unwrap();
                    let done = *offset == end;
                    *offset = end;
                    if done {
                        incr = None;
                        ended = true;
                    }
                }
                Some(Event::SelectionRequest(req)) => {
                    let ok = req.target == utf8 && req.selection == sel;
                    if ok && text.len() > PIECE {
                        self.conn
                            .change_window_attributes(
                                req.requestor,
                                &ChangeWindowAttributesAux::new()
                                    .event_mask(EventMask::PROPERTY_CHANGE),
                            )
                            .unwrap();
                        self.conn
                            .change_property32(
                                PropMode::REPLACE,
                                req.requestor,
                                req.property,
                                self.atom("INCR"),
                                &[text.len() as u32],
                            )
                            .unwrap();
                        incr = Some(((req.requestor, req.property), 0));
                    } else if ok {
                        self.conn
                            .change_property8(
                                PropMode::REPLACE,
                                req.requestor,
                                req.property,
                                utf8,
                                text.as_bytes(),
                            )
                            .unwrap();
                    }
                    let notify = SelectionNotifyEvent {
                        response_type: SELECTION_NOTIFY_EVENT,
                        sequence: 0,
                        time: req.time,
                        requestor: req.requestor,
                        selection: req.selection,
                        target: req.target,
                        property: if ok { req.property } else { NONE },
                    };
                    self.conn
                        .send_event(false, req.requestor, EventMask::NO_EVENT, notify)
                        .unwrap();
                    self.conn.flush().unwrap();
                }
                Some(_) => {}
                None => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }
}

#[test]
fn text_set_by_the_agent_is_pasted_and_copies_reach_it() {
    let Some(x) = xvfb() else { return };
    let (clip, copies) = X11Clipboard::open(Some(x.display())).expect("open clipboard");
    let app = App::new(x.display());

    // Helper → sharer: what the agent sets, the application pastes.
    let text = "ls -la ~/Dokumente && echo 'grüß dich' ✓ 日本";
    clip.set(Selection::Clipboard, text).unwrap();
    let (ty, bytes) = app
        .paste(Selection::Clipboard, "UTF8_STRING")
        .expect("pasted");
    assert_eq!(ty, app.atom("UTF8_STRING"));
    assert_eq!(String::from_utf8(bytes).unwrap(), text);
    let (ty, bytes) = app
        .paste(Selection::Clipboard, "STRING")
        .expect("pasted as STRING");
    assert_eq!(ty, Atom::from(AtomEnum::STRING));
    assert_eq!(bytes, b"ls -la ~/Dokumente && echo 'gr\xfc\xdf dich' ? ??");
    let (_, targets) = app.paste(Selection::Clipboard, "TARGETS").expect("targets");
    assert_eq!(targets.len(), 4 * 4, "four atoms");
    assert!(
        app.paste(Selection::Clipboard, "image/png").is_none(),
        "text only"
    );
    // PRIMARY is separate.
    assert!(app.paste(Selection::Primary, "UTF8_STRING").is_none());
    clip.set(Selection::Primary, "selected words").unwrap();
    let (_, bytes) = app.paste(Selection::Primary, "UTF8_STRING").unwrap();
    assert_eq!(bytes, b"selected words");
    let (_, bytes) = app.paste(Selection::Clipboard, "UTF8_STRING").unwrap();
    assert_eq!(String::from_utf8(bytes).unwrap(), text, "CLIPBOARD kept");

    // Sharer → helper: what the application copies reaches the agent, and the agent's own
    // copies above were not reported (the first report is the application's).
    let got = app.copy_until_reported(Selection::Clipboard, "from the sharer ✓", &copies);
    assert_eq!(got, (Selection::Clipboard, "from the sharer ✓".to_owned()));
    let got = app.copy_until_reported(Selection::Primary, "primary words", &copies);
    assert_eq!(got, (Selection::Primary, "primary words".to_owned()));

    // The agent sets again after the application owned it.
    clip.set(Selection::Clipboard, "back to you").unwrap();
    let (_, bytes) = app.paste(Selection::Clipboard, "UTF8_STRING").unwrap();
    assert_eq!(bytes, b"back to you");

    // Long text goes by INCR both ways, up to MAX_CLIPBOARD_BYTES.
    let max = assist_proto::transfer::MAX_CLIPBOARD_BYTES;
    let long: String = "Zeile ✓ 123\n".chars().cycle().take(max / 2).collect();
    let long = &long[..long.floor_char_boundary(max)];
    assert!(long.len() > assist_agent::clipboard::INCR_CHUNK_BYTES);
    clip.set(Selection::Clipboard, long).unwrap();
    let (ty, bytes) = app
        .paste(Selection::Clipboard, "UTF8_STRING")
        .expect("INCR paste");
    assert_eq!(ty, app.atom("UTF8_STRING"));
    assert_eq!(bytes.len(), long.len());
    assert_eq!(String::from_utf8(bytes).unwrap(), long);
    let exactly: String = "ab".repeat(max / 2);
    let got = app.copy_until_reported(Selection::Clipboard, &exactly, &copies);
    assert_eq!(got.1.len(), max, "the largest text arrives whole by INCR");
    assert_eq!(got.1, exactly);
    // Longer than we carry: read to its end, not reported; the next copy is.
    let over = "c".repeat(max + 1);
    app.offer_without_report(Selection::Clipboard, &over, &copies);
    let got = app.copy_until_reported(Selection::Clipboard, "after the long one", &copies);
    assert_eq!(got.1, "after the long one");
    clip.set(Selection::Clipboard, "back to you").unwrap();

    // Too long: refused, the clipboard unchanged.
    let long = "x".repeat(assist_proto::transfer::MAX_CLIPBOARD_BYTES + 1);
    assert!(clip.set(Selection::Clipboard, &long).is_err());
    let (_, bytes) = app.paste(Selection::Clipboard, "UTF8_STRING").unwrap();
    assert_eq!(bytes, b"back to you");

    // Dropped: the agent's reader ends (no thread or connection left behind between sessions).
    drop(clip);
    assert_eq!(
        copies.recv_timeout(PATIENCE),
        Err(mpsc::RecvTimeoutError::Disconnected)
    );
}
