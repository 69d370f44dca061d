//! The sharer's X11 clipboard: CLIPBOARD and PRIMARY, text only.
//!
//! - **Set** ([`X11Clipboard::set`]): the agent owns the selection (`SetSelectionOwner` on a
//!   window of its own) and answers the `SelectionRequest`s of the applications that paste, with
//!   `UTF8_STRING`, `STRING`, `TEXT` or the list of `TARGETS`.
//! - **Watch** ([`X11Clipboard::open`] gives a receiver): XFixes tells the agent when another
//!   client takes a selection (`XFixesSelectionNotify`); the agent then asks the new owner for
//!   `UTF8_STRING` and hands the text on. Its own copies are not reported back.
//!
//! Text longer than [`MAX_CLIPBOARD_BYTES`] is neither set nor reported. Text longer than
//! [`INCR_CHUNK_BYTES`] goes by the ICCCM's `INCR` protocol both ways: the agent hands it to a
//! pasting application in pieces of that size (each after the application deleted the last), and
//! reads an application's `INCR` answer piece by piece. One thread reads the connection's events;
//! the caller's thread sends the requests that set.
//!
//! Whether clipboard text may flow at all (control, or the sharer's "share clipboard" for this
//! session, and the organisation's `remote_help.clipboard`) is decided by the caller.

use assist_proto::transfer::{MAX_CLIPBOARD_BYTES, Selection};
use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use x11rb::connection::{Connection, RequestConnection as _};
use x11rb::protocol::Event;
use x11rb::protocol::xfixes::{self, ConnectionExt as _, SelectionEventMask};
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ChangeWindowAttributesAux, ConnectionExt as _, CreateWindowAux, EventMask,
    PropMode, Property, PropertyNotifyEvent, SELECTION_NOTIFY_EVENT, SelectionNotifyEvent,
    SelectionRequestEvent, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;
use x11rb::{CURRENT_TIME, NONE};

/// Largest piece of text put on a property at once; longer text goes by `INCR` in pieces of this
/// size (64 KiB, well under the smallest X request limit of 256 KiB).
pub const INCR_CHUNK_BYTES: usize = 64 * 1024;
/// How long an `INCR` transfer may go without progress before it is given up (either way).
pub const INCR_TIMEOUT: Duration = Duration::from_secs(5);

/// What went wrong with the X11 clipboard.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    /// No X display could be reached.
    #[error("cannot connect to the X display: {0}")]
    Connect(#[from] x11rb::errors::ConnectError),
    /// The X server refused or the connection broke.
    #[error("X11 clipboard: {0}")]
    X11(String),
    /// The X server has no XFixes, so copies cannot be watched.
    #[error("the X server has no XFixes extension")]
    NoXfixes,
    /// The text is longer than `MAX_CLIPBOARD_BYTES`.
    #[error("clipboard text is longer than {MAX_CLIPBOARD_BYTES} bytes")]
    TooLong,
}

fn x11(e: impl std::fmt::Display) -> ClipboardError {
    ClipboardError::X11(e.to_string())
}

/// The atoms used.
#[derive(Debug, Clone, Copy)]
struct Atoms {
    clipboard: Atom,
    utf8: Atom,
    text: Atom,
    targets: Atom,
    incr: Atom,
    property: Atom,
}

impl Atoms {
    fn selection(&self, s: Selection) -> Atom {
        match s {
            Selection::Clipboard => self.clipboard,
            Selection::Primary => AtomEnum::PRIMARY.into(),
        }
    }

    fn which(&self, atom: Atom) -> Option<Selection> {
        if atom == self.clipboard {
            Some(Selection::Clipboard)
        } else if atom == Atom::from(AtomEnum::PRIMARY) {
            Some(Selection::Primary)
        } else {
            None
        }
    }
}

/// The texts the agent currently offers, per selection atom.
type Owned = Arc<Mutex<HashMap<Atom, String>>>;

/// A connection to the sharer's X display that sets and watches CLIPBOARD and PRIMARY.
pub struct X11Clipboard {
    conn: Arc<RustConnection>,
    window: Window,
    atoms: Atoms,
    owned: Owned,
}

impl std::fmt::Debug for X11Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("X11Clipboard")
            .field("window", &self.window)
            .finish()
    }
}

impl X11Clipboard {
    /// Connects to `display` (`None`: `$DISPLAY`), starts watching both selections, and answers
    /// the receiver of the texts other clients copy (the thread ends when the connection does).
    pub fn open(
        display: Option<&str>,
    ) -> Result<(X11Clipboard, mpsc::Receiver<(Selection, String)>), ClipboardError> {
        let (conn, screen_num) = x11rb::connect(display)?;
        let screen = conn.setup().roots[screen_num].clone();
        let window = conn.generate_id().map_err(x11)?;
        conn.create_window(
            x11rb::COPY_DEPTH_FROM_PARENT,
            window,
            screen.root,
            0,
            0,
            1,
            1,
            0,
            WindowClass::INPUT_ONLY,
            x11rb::COPY_FROM_PARENT,
            // Structure: the reader sees the window destroyed when the clipboard is dropped.
            &CreateWindowAux::new()
                .event_mask(EventMask::PROPERTY_CHANGE | EventMask::STRUCTURE_NOTIFY),
        )
        .map_err(x11)?
        .check()
        .map_err(x11)?;
        let intern = |name: &[u8]| -> Result<Atom, ClipboardError> {
            Ok(conn
                .intern_atom(false, name)
                .map_err(x11)?
                .reply()
                .map_err(x11)?
                .atom)
        };
        let atoms = Atoms {
            clipboard: intern(b"CLIPBOARD")?,
            utf8: intern(b"UTF8_STRING")?,
            text: intern(b"TEXT")?,
            targets: intern(b"TARGETS")?,
            incr: intern(b"INCR")?,
            property: intern(b"ASSIST_CLIPBOARD")?,
        };
        if conn
            .extension_information(xfixes::X11_EXTENSION_NAME)
            .map_err(x11)?
            .is_none()
        {
            return Err(ClipboardError::NoXfixes);
        }
        conn.xfixes_query_version(5, 0)
            .map_err(x11)?
            .reply()
            .map_err(x11)?;
        for sel in [atoms.clipboard, AtomEnum::PRIMARY.into()] {
            conn.xfixes_select_selection_input(
                window,
                sel,
                SelectionEventMask::SET_SELECTION_OWNER,
            )
            .map_err(x11)?
            .check()
            .map_err(x11)?;
        }
        let conn = Arc::new(conn);
        let owned: Owned = Arc::default();
        let (tx, rx) = mpsc::channel();
        let reader = Reader {
            conn: conn.clone(),
            window,
            atoms,
            owned: owned.clone(),
            out: tx,
            incoming: None,
            outgoing: HashMap::new(),
        };
        std::thread::Builder::new()
            .name("x11-clipboard".into())
            .spawn(move || reader.run())
            .map_err(x11)?;
        Ok((
            X11Clipboard {
                conn,
                window,
                atoms,
                owned,
            },
            rx,
        ))
    }

    /// Makes `text` the content of `selection`: applications that paste get it.
    pub fn set(&self, selection: Selection, text: &str) -> Result<(), ClipboardError> {
        if text.len() > MAX_CLIPBOARD_BYTES {
            return Err(ClipboardError::TooLong);
        }
        let atom = self.atoms.selection(selection);
        self.owned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(atom, text.to_owned());
        self.conn
            .set_selection_owner(self.window, atom, CURRENT_TIME)
            .map_err(x11)?;
        let owner = self
            .conn
            .get_selection_owner(atom)
            .map_err(x11)?
            .reply()
            .map_err(x11)?
            .owner;
        if owner != self.window {
            return Err(ClipboardError::X11(
                "the X server did not give us the selection".into(),
            ));
        }
        Ok(())
    }
}

impl Drop for X11Clipboard {
    fn drop(&mut self) {
        // Destroying the window gives up the selections and ends the reader's wait.
        let _ = self.conn.destroy_window(self.window);
        let _ = self.conn.flush();
    }
}

/// The thread that reads the connection's events.
struct Reader {
    conn: Arc<RustConnection>,
    window: Window,
    atoms: Atoms,
    owned: Owned,
    out: mpsc::Sender<(Selection, String)>,
    /// An `INCR` answer being read: the selection, the bytes so far, when the last piece came.
    incoming: Option<Incoming>,
    /// `INCR` answers being given, by (requestor, property).
    outgoing: HashMap<(Window, Atom), Outgoing>,
}

/// An application's text arriving in pieces.
struct Incoming {
    selection: Atom,
    data: Vec<u8>,
    /// Longer than we carry: read to the end (so the owner finishes) but not reported.
    too_long: bool,
    last: Instant,
}

/// Our text going to an application in pieces.
struct Outgoing {
    data: Vec<u8>,
    kind: Atom,
    offset: usize,
    /// The empty piece that ends the transfer was written.
    ended: bool,
    last: Instant,
}

impl Reader {
    fn run(mut self) {
        loop {
            let event = match self.conn.wait_for_event() {
                Ok(e) => e,
                Err(e) => {
                    tracing::debug!(error = %e, "X11 clipboard connection ended");
                    return;
                }
            };
            let result = match event {
                Event::SelectionRequest(req) => self.answer(&req),
                Event::SelectionClear(clear) => {
                    self.owned
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&clear.selection);
                    Ok(())
                }
                Event::XfixesSelectionNotify(n) if n.owner != self.window && n.owner != NONE => {
                    // Another client copied: ask it for the text.
                    self.conn
                        .convert_selection(
                            self.window,
                            n.selection,
                            self.atoms.utf8,
                            self.atoms.property,
                            n.selection_timestamp,
                        )
                        .and_then(|_| self.conn.flush())
                        .map_err(x11)
                }
                Event::SelectionNotify(n) if n.property != NONE => self.read(n.selection),
                Event::PropertyNotify(p) => self.property(&p),
                Event::DestroyNotify(d) if d.window == self.window => return,
                _ => Ok(()),
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "X11 clipboard event");
            }
        }
    }

    /// Reads (and deletes) our property: its type and bytes, or `None` when it holds more than
    /// `MAX_CLIPBOARD_BYTES`.
    fn take_property(&self) -> Result<Option<(Atom, Vec<u8>)>, ClipboardError> {
        let reply = self
            .conn
            .get_property(
                true,
                self.window,
                self.atoms.property,
                AtomEnum::ANY,
                0,
                (MAX_CLIPBOARD_BYTES / 4 + 1) as u32,
            )
            .map_err(x11)?
            .reply()
            .map_err(x11)?;
        if reply.bytes_after > 0 || reply.value.len() > MAX_CLIPBOARD_BYTES {
            // Not all of it was read: delete it ourselves so an INCR owner goes on.
            self.conn
                .delete_property(self.window, self.atoms.property)
                .map_err(x11)?;
            self.conn.flush().map_err(x11)?;
            return Ok(None);
        }
        Ok(Some((reply.type_, reply.value)))
    }

    /// Hands a text on, if it is text.
    fn report(&self, selection: Atom, bytes: &[u8]) {
        let Some(which) = self.atoms.which(selection) else {
            return;
        };
        let text = String::from_utf8_lossy(bytes).into_owned();
        if self.out.send((which, text)).is_err() {
            tracing::debug!("nobody listens to clipboard copies any more");
        }
    }

    /// Reads the text the owner put on our property, and hands it on; an `INCR` answer starts
    /// a transfer in pieces (deleting the property asks for the first).
    fn read(&mut self, selection: Atom) -> Result<(), ClipboardError> {
        if self.atoms.which(selection).is_none() {
            return Ok(());
        }
        let Some((kind, value)) = self.take_property()? else {
            return Ok(()); // longer than we carry: not reported
        };
        if kind == self.atoms.incr {
            self.incoming = Some(Incoming {
                selection,
                data: Vec::new(),
                too_long: false,
                last: Instant::now(),
            });
            return Ok(());
        }
        if kind == self.atoms.utf8 || kind == Atom::from(AtomEnum::STRING) {
            self.report(selection, &value);
        }
        Ok(())
    }

    /// A property changed: the next piece of an `INCR` answer we read (new value on our window),
    /// or an application took the last piece we gave (deleted on its window).
    fn property(&mut self, p: &PropertyNotifyEvent) -> Result<(), ClipboardError> {
        let now = Instant::now();
        self.incoming
            .take_if(|i| now.saturating_duration_since(i.last) > INCR_TIMEOUT);
        self.outgoing
            .retain(|_, o| now.saturating_duration_since(o.last) <= INCR_TIMEOUT);
        if p.window == self.window {
            if p.atom != self.atoms.property || p.state != Property::NEW_VALUE {
                return Ok(());
            }
            let Some(mut incoming) = self.incoming.take() else {
                return Ok(());
            };
            match self.take_property()? {
                Some((_, piece)) if piece.is_empty() => {
                    if !incoming.too_long {
                        self.report(incoming.selection, &incoming.data);
                    }
                    return Ok(());
                }
                Some((_, piece)) if incoming.data.len() + piece.len() <= MAX_CLIPBOARD_BYTES => {
                    incoming.data.extend_from_slice(&piece);
                }
                _ => {
                    incoming.too_long = true;
                    incoming.data = Vec::new();
                }
            }
            incoming.last = now;
            self.incoming = Some(incoming);
            return Ok(());
        }
        if p.state != Property::DELETE {
            return Ok(());
        }
        let key = (p.window, p.atom);
        let Some(out) = self.outgoing.get_mut(&key) else {
            return Ok(());
        };
        if out.ended {
            self.outgoing.remove(&key);
            return Ok(());
        }
        let end = (out.offset + INCR_CHUNK_BYTES).min(out.data.len());
        let piece = &out.data[out.offset..end];
        out.ended = piece.is_empty();
        out.offset = end;
        out.last = now;
        self.conn
            .change_property8(PropMode::REPLACE, p.window, p.atom, out.kind, piece)
            .map_err(x11)?;
        self.conn.flush().map_err(x11)
    }

    /// Gives `data` of type `kind` to a requestor: at once, or by `INCR` when it is long.
    fn give(
        &mut self,
        requestor: Window,
        property: Atom,
        kind: Atom,
        data: Vec<u8>,
    ) -> Result<(), ClipboardError> {
        if data.len() <= INCR_CHUNK_BYTES {
            self.conn
                .change_property8(PropMode::REPLACE, requestor, property, kind, &data)
                .map_err(x11)?;
            return Ok(());
        }
        // Told when the requestor deletes the property (it took a piece).
        self.conn
            .change_window_attributes(
                requestor,
                &ChangeWindowAttributesAux::new().event_mask(EventMask::PROPERTY_CHANGE),
            )
            .map_err(x11)?;
        let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
        self.conn
            .change_property32(
                PropMode::REPLACE,
                requestor,
                property,
                self.atoms.incr,
                &[size],
            )
            .map_err(x11)?;
        self.outgoing.insert(
            (requestor, property),
            Outgoing {
                data,
                kind,
                offset: 0,
                ended: false,
                last: Instant::now(),
            },
        );
        Ok(())
    }

    /// Answers an application that pastes a selection the agent owns.
    fn answer(&mut self, req: &SelectionRequestEvent) -> Result<(), ClipboardError> {
        let text = self
            .owned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&req.selection)
            .cloned();
        // Old clients leave the property out: use the target's name.
        let property = if req.property == NONE {
            req.target
        } else {
            req.property
        };
        let string: Atom = AtomEnum::STRING.into();
        let stored = match text {
            Some(_) if req.target == self.atoms.targets => {
                let targets = [self.atoms.targets, self.atoms.utf8, self.atoms.text, string];
                self.conn
                    .change_property32(
                        PropMode::REPLACE,
                        req.requestor,
                        property,
                        AtomEnum::ATOM,
                        &targets,
                    )
                    .map_err(x11)?;
                true
            }
            Some(t) if req.target == self.atoms.utf8 || req.target == self.atoms.text => {
                self.give(req.requestor, property, self.atoms.utf8, t.into_bytes())?;
                true
            }
            Some(t) if req.target == string => {
                // STRING is Latin-1: characters outside it become '?'.
                let latin1: Vec<u8> = t
                    .chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                    .collect();
                self.give(req.requestor, property, string, latin1)?;
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
            property: if stored { property } else { NONE },
        };
        self.conn
            .send_event(false, req.requestor, EventMask::NO_EVENT, notify)
            .map_err(x11)?;
        self.conn.flush().map_err(x11)
    }
}
