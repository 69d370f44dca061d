//! The desktop portal: `org.freedesktop.portal.ScreenCast` (frames) and
//! `org.freedesktop.portal.RemoteDesktop` (input), the way in on every portal desktop (GNOME,
//! KDE...). The portal asks the sharer in a dialog; each request is answered by a `Response`
//! signal on a request object, once the sharer chose (or at once when nothing is asked).
//!
//! Two portal sessions, because xdg-desktop-portal keeps a grant (persist mode 2 and its restore
//! token) only for a screen cast, not for a remote-desktop session ("Remote desktop sessions
//! cannot persist" up to version 1 of the RemoteDesktop interface):
//! - [`ScreenCast`]: the picture, asked for with `persist_mode: 2`. The portal answers with a
//!   restore token; given back the next time, the session starts without a dialog. Each start
//!   answers with a token (single-use by the specification; GNOME 43's portal hands back the same
//!   one), which the caller keeps ([`TokenFile`]).
//! - [`RemoteDesktop`]: the input, asked for when the helper first sends input under control (the
//!   dialog's "Allow remote interaction"); it has a screen stream of its own, which only names
//!   the monitor that absolute pointer positions refer to (its frames are not read).
//!
//! The frames come from the PipeWire remote the portal opens for the screen cast
//! (`OpenPipeWireRemote`, a descriptor), not from the session's PipeWire daemon.

use std::collections::HashMap;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assist_capture::Monitor;
use zbus::blocking::{Connection, MessageIterator};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use crate::WaylandError;
use crate::input::RemoteInput;

const DESKTOP: &str = "org.freedesktop.portal.Desktop";
const DESKTOP_PATH: &str = "/org/freedesktop/portal/desktop";
const SCREEN_CAST: &str = "org.freedesktop.portal.ScreenCast";
const REMOTE_DESKTOP: &str = "org.freedesktop.portal.RemoteDesktop";
const REQUEST: &str = "org.freedesktop.portal.Request";
const SESSION: &str = "org.freedesktop.portal.Session";

/// How long the sharer has to answer the portal's dialog before the agent gives up (and closes
/// the dialog).
pub const PORTAL_DIALOG_TIMEOUT: Duration = Duration::from_secs(120);

/// How many times the portal's version is read before it counts as absent: right after the
/// desktop started, the first call may fail while D-Bus starts the portal.
pub const PORTAL_PROBE_TRIES: u32 = 5;

/// The pause between those reads.
const PORTAL_PROBE_PAUSE: Duration = Duration::from_millis(300);

/// Largest restore token kept or read, in bytes (the portal's are UUIDs, 36 bytes).
pub const MAX_RESTORE_TOKEN_BYTES: usize = 1024;

/// `types` of SelectSources: a monitor.
const SOURCE_MONITOR: u32 = 1;
/// `cursor_mode`: the cursor drawn into the frames.
const CURSOR_EMBEDDED: u32 = 2;
/// `persist_mode`: until the grant is revoked.
const PERSIST_UNTIL_REVOKED: u32 = 2;
/// Device types of SelectDevices: keyboard and pointer.
const DEVICE_KEYBOARD: u32 = 1;
const DEVICE_POINTER: u32 = 2;

/// A request's answer: 0 granted, 1 refused by the sharer, other: ended otherwise.
const RESPONSE_OK: u32 = 0;
const RESPONSE_CANCELLED: u32 = 1;

/// Signals queued while waiting for a request's answer (one is expected).
const SIGNAL_QUEUE: usize = 16;

type Results = HashMap<String, OwnedValue>;

/// The portal on the session bus.
struct Portal {
    conn: Connection,
    /// The caller's unique bus name as request paths spell it (`:1.42` → `1_42`).
    sender: String,
    serial: u32,
}

impl Portal {
    /// Connects and checks that the portal and interface `iface` are there.
    fn connect(iface: &'static str) -> Result<Portal, WaylandError> {
        let conn = crate::mutter::session_bus()?;
        let sender = conn
            .unique_name()
            .map(|n| n.as_str().trim_start_matches(':').replace('.', "_"))
            .unwrap_or_default();
        let mut last = None;
        for attempt in 0..PORTAL_PROBE_TRIES {
            if attempt > 0 {
                std::thread::sleep(PORTAL_PROBE_PAUSE);
            }
            match property(&conn, iface, "version") {
                Ok(_) => {
                    return Ok(Portal {
                        conn,
                        sender,
                        serial: 0,
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        let name = last.as_ref().and_then(|e| match e {
            zbus::Error::MethodError(name, _, _) => Some(name.as_str().to_owned()),
            _ => None,
        });
        Err(absent(iface, name.as_deref()))
    }

    /// A fresh handle token (request and session paths end with it).
    fn token(&mut self, what: &str) -> String {
        self.serial += 1;
        format!("assist_{what}_{}_{}", std::process::id(), self.serial)
    }

    /// Calls `method` of `iface`, whose options (the last argument, built by `body` from the
    /// handle token) get `handle_token`, and waits for the request's answer.
    fn request<B>(
        &mut self,
        iface: &'static str,
        method: &'static str,
        what: &'static str,
        body: impl FnOnce(Value<'static>) -> B,
    ) -> Result<Results, WaylandError>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        let token = self.token("req");
        let path = format!("{DESKTOP_PATH}/request/{}/{token}", self.sender);
        // Listen before calling: a request that asks nothing is answered at once.
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(REQUEST)
            .and_then(|b| b.member("Response"))
            .and_then(|b| b.path(path.clone()))
            .map_err(WaylandError::call(what))?
            .build();
        let signals = MessageIterator::for_match_rule(rule, &self.conn, Some(SIGNAL_QUEUE))
            .map_err(WaylandError::call(what))?;
        let (tx, rx) = std::sync::mpsc::channel();
        // The iterator blocks without a timeout: it waits on a thread of its own. After a timeout
        // the request is closed and that thread stays parked until this process's bus connection
        // ends.
        std::thread::Builder::new()
            .name("assist-portal-answer".into())
            .spawn(move || {
                let mut signals = signals;
                if let Some(Ok(msg)) = signals.next() {
                    let _ = tx.send(msg.body().deserialize::<(u32, Results)>());
                }
            })
            .map_err(|e| WaylandError::Portal(e.to_string()))?;
        self.conn
            .call_method(
                Some(DESKTOP),
                DESKTOP_PATH,
                Some(iface),
                method,
                &body(Value::from(token)),
            )
            .map_err(WaylandError::call(what))?;
        match rx.recv_timeout(PORTAL_DIALOG_TIMEOUT) {
            Ok(Ok((RESPONSE_OK, results))) => Ok(results),
            Ok(Ok((RESPONSE_CANCELLED, _))) => Err(WaylandError::PortalRefused(what)),
            Ok(Ok((code, _))) => Err(WaylandError::Portal(format!(
                "{what}: the portal ended the request (response {code})"
            ))),
            Ok(Err(e)) => Err(WaylandError::call(what)(e)),
            Err(_) => {
                let _ = self.conn.call_method(
                    Some(DESKTOP),
                    path.as_str(),
                    Some(REQUEST),
                    "Close",
                    &(),
                );
                Err(WaylandError::PortalTimeout(
                    what,
                    PORTAL_DIALOG_TIMEOUT.as_secs(),
                ))
            }
        }
    }

    /// `CreateSession` of `iface`: the session's object path.
    fn create_session(&mut self, iface: &'static str) -> Result<OwnedObjectPath, WaylandError> {
        let session_token = self.token("session");
        let results = self.request(iface, "CreateSession", "creating a portal session", |t| {
            let mut o: HashMap<&str, Value<'static>> = HashMap::new();
            o.insert("handle_token", t);
            o.insert("session_handle_token", Value::from(session_token));
            (o,)
        })?;
        let handle = results
            .get("session_handle")
            .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
            .ok_or_else(|| WaylandError::Portal("the portal named no session".into()))?;
        OwnedObjectPath::try_from(handle)
            .map_err(|e| WaylandError::Portal(format!("the portal's session handle: {e}")))
    }
}

/// Closes a portal session (the compositor stops its streams and input).
fn close(conn: &Connection, session: &OwnedObjectPath) {
    let _ = conn.call_method(Some(DESKTOP), session, Some(SESSION), "Close", &());
}

fn property(conn: &Connection, iface: &str, name: &str) -> Result<OwnedValue, zbus::Error> {
    conn.call_method(
        Some(DESKTOP),
        DESKTOP_PATH,
        Some("org.freedesktop.DBus.Properties"),
        "Get",
        &(iface, name),
    )?
    .body()
    .deserialize::<OwnedValue>()
}

/// The error for a portal that did not answer its version (with the D-Bus error `name`, if it
/// was one): absent, or without `iface`.
fn absent(iface: &'static str, name: Option<&str>) -> WaylandError {
    match name {
        Some(
            "org.freedesktop.DBus.Error.UnknownInterface"
            | "org.freedesktop.DBus.Error.UnknownProperty"
            | "org.freedesktop.DBus.Error.InvalidArgs",
        ) => WaylandError::NoPortalInterface(iface),
        _ => WaylandError::NoPortal,
    }
}

/// The stream of a started session: its PipeWire node and where it is on the desktop.
fn first_stream(results: &Results) -> Result<(u32, Monitor), WaylandError> {
    let streams = results
        .get("streams")
        .and_then(|v| v.try_clone().ok())
        .and_then(|v| Vec::<(u32, HashMap<String, OwnedValue>)>::try_from(v).ok())
        .unwrap_or_default();
    let (node, props) = streams
        .into_iter()
        .next()
        .ok_or_else(|| WaylandError::Portal("the portal started no screen stream".into()))?;
    let pair = |key: &str| {
        props
            .get(key)
            .and_then(|v| v.try_clone().ok())
            .and_then(|v| <(i32, i32)>::try_from(v).ok())
    };
    let (x, y) = pair("position").unwrap_or((0, 0));
    let (w, h) = pair("size").unwrap_or((0, 0));
    Ok((
        node,
        Monitor {
            name: format!("portal-stream-{node}"),
            x,
            y,
            width: u32::try_from(w).unwrap_or(0),
            height: u32::try_from(h).unwrap_or(0),
            primary: true,
        },
    ))
}

/// A started screen cast: one monitor the sharer chose (or the one the restore token names).
pub struct ScreenCast {
    conn: Connection,
    session: OwnedObjectPath,
    node: u32,
    monitor: Monitor,
    remote: Option<OwnedFd>,
    restore_token: Option<String>,
}

impl std::fmt::Debug for ScreenCast {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("portal::ScreenCast")
            .field("session", &self.session.as_str())
            .field("node", &self.node)
            .field("monitor", &self.monitor)
            .finish_non_exhaustive()
    }
}

impl ScreenCast {
    /// Starts a screen cast of one monitor, the cursor drawn in, asking to keep the grant
    /// (persist mode 2). With `restore` (a token of an earlier start) the portal may start it
    /// without a dialog; an unknown or used token only means the dialog is shown.
    pub fn start(restore: Option<&str>) -> Result<ScreenCast, WaylandError> {
        let mut portal = Portal::connect(SCREEN_CAST)?;
        let cursors = property(&portal.conn, SCREEN_CAST, "AvailableCursorModes")
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
        let session = portal.create_session(SCREEN_CAST)?;
        let restore = restore.map(str::to_owned);
        let restoring = restore.is_some();
        let started = (|| {
            portal.request(
                SCREEN_CAST,
                "SelectSources",
                "choosing the screen to share",
                |t| {
                    let mut o: HashMap<&str, Value<'static>> = HashMap::new();
                    o.insert("handle_token", t);
                    o.insert("types", Value::from(SOURCE_MONITOR));
                    o.insert("multiple", Value::from(false));
                    o.insert("persist_mode", Value::from(PERSIST_UNTIL_REVOKED));
                    if cursors & CURSOR_EMBEDDED != 0 {
                        o.insert("cursor_mode", Value::from(CURSOR_EMBEDDED));
                    }
                    if let Some(r) = restore {
                        o.insert("restore_token", Value::from(r));
                    }
                    (session.clone(), o)
                },
            )?;
            let t0 = std::time::Instant::now();
            let results = portal.request(SCREEN_CAST, "Start", "sharing the screen", |t| {
                let mut o: HashMap<&str, Value<'static>> = HashMap::new();
                o.insert("handle_token", t);
                (session.clone(), "", o)
            })?;
            let (node, monitor) = first_stream(&results)?;
            let restore_token = results
                .get("restore_token")
                .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
                .filter(|t| !t.is_empty() && t.len() <= MAX_RESTORE_TOKEN_BYTES);
            tracing::info!(
                node,
                restoring,
                took_ms = t0.elapsed().as_millis() as u64,
                "portal screen cast started"
            );
            let fd: zbus::zvariant::OwnedFd = portal
                .conn
                .call_method(
                    Some(DESKTOP),
                    DESKTOP_PATH,
                    Some(SCREEN_CAST),
                    "OpenPipeWireRemote",
                    &(session.clone(), HashMap::<&str, Value<'_>>::new()),
                )
                .and_then(|m| m.body().deserialize())
                .map_err(|e| {
                    WaylandError::PipeWire(format!("the portal could not open PipeWire: {e}"))
                })?;
            Ok((node, monitor, OwnedFd::from(fd), restore_token))
        })();
        match started {
            Ok((node, monitor, fd, restore_token)) => Ok(ScreenCast {
                conn: portal.conn.clone(),
                session,
                node,
                monitor,
                remote: Some(fd),
                restore_token,
            }),
            Err(e) => {
                close(&portal.conn, &session);
                Err(e)
            }
        }
    }

    /// The PipeWire node of the screen stream, on [`ScreenCast::take_remote`]'s remote.
    pub fn node(&self) -> u32 {
        self.node
    }

    /// The shared monitor, as the portal placed it.
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// The PipeWire remote the portal opened for this screen cast (once).
    pub fn take_remote(&mut self) -> Option<OwnedFd> {
        self.remote.take()
    }

    /// The token that starts the next screen cast without a dialog, if the portal gave one.
    pub fn restore_token(&self) -> Option<&str> {
        self.restore_token.as_deref()
    }
}

impl Drop for ScreenCast {
    fn drop(&mut self) {
        close(&self.conn, &self.session);
    }
}

/// A started remote-desktop session: keyboard and pointer the sharer allowed.
pub struct RemoteDesktop {
    conn: Connection,
    session: OwnedObjectPath,
    stream: u32,
    monitor: Monitor,
}

impl std::fmt::Debug for RemoteDesktop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("portal::RemoteDesktop")
            .field("session", &self.session.as_str())
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

impl RemoteDesktop {
    /// Asks for keyboard and pointer on one monitor (the portal's dialog: a monitor and "Allow
    /// remote interaction"); fails, naming it, when the sharer refuses or allows no input.
    pub fn start() -> Result<RemoteDesktop, WaylandError> {
        let mut portal = Portal::connect(REMOTE_DESKTOP)?;
        let session = portal.create_session(REMOTE_DESKTOP)?;
        let started = (|| {
            portal.request(
                REMOTE_DESKTOP,
                "SelectDevices",
                "asking for keyboard and pointer",
                |t| {
                    let mut o: HashMap<&str, Value<'static>> = HashMap::new();
                    o.insert("handle_token", t);
                    o.insert("types", Value::from(DEVICE_KEYBOARD | DEVICE_POINTER));
                    (session.clone(), o)
                },
            )?;
            portal.request(
                SCREEN_CAST,
                "SelectSources",
                "choosing the screen for input",
                |t| {
                    let mut o: HashMap<&str, Value<'static>> = HashMap::new();
                    o.insert("handle_token", t);
                    o.insert("types", Value::from(SOURCE_MONITOR));
                    o.insert("multiple", Value::from(false));
                    (session.clone(), o)
                },
            )?;
            let results =
                portal.request(REMOTE_DESKTOP, "Start", "allowing remote input", |t| {
                    let mut o: HashMap<&str, Value<'static>> = HashMap::new();
                    o.insert("handle_token", t);
                    (session.clone(), "", o)
                })?;
            let devices = results
                .get("devices")
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0);
            if devices & (DEVICE_KEYBOARD | DEVICE_POINTER) != DEVICE_KEYBOARD | DEVICE_POINTER {
                return Err(WaylandError::PortalNoInput);
            }
            first_stream(&results)
        })();
        match started {
            Ok((stream, monitor)) => Ok(RemoteDesktop {
                conn: portal.conn.clone(),
                session,
                stream,
                monitor,
            }),
            Err(e) => {
                close(&portal.conn, &session);
                Err(e)
            }
        }
    }

    /// The monitor pointer positions refer to.
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    fn notify<B>(&self, method: &'static str, body: &B) -> Result<(), zbus::Error>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        self.conn
            .call_method(
                Some(DESKTOP),
                DESKTOP_PATH,
                Some(REMOTE_DESKTOP),
                method,
                body,
            )
            .map(drop)
    }

    fn options() -> HashMap<&'static str, Value<'static>> {
        HashMap::new()
    }
}

impl RemoteInput for RemoteDesktop {
    fn pointer_to(&self, x: f64, y: f64) -> Result<(), zbus::Error> {
        self.notify(
            "NotifyPointerMotionAbsolute",
            &(&self.session, Self::options(), self.stream, x, y),
        )
    }

    fn pointer_button(&self, button: i32, pressed: bool) -> Result<(), zbus::Error> {
        self.notify(
            "NotifyPointerButton",
            &(&self.session, Self::options(), button, u32::from(pressed)),
        )
    }

    fn pointer_axis_steps(&self, axis: u32, steps: i32) -> Result<(), zbus::Error> {
        self.notify(
            "NotifyPointerAxisDiscrete",
            &(&self.session, Self::options(), axis, steps),
        )
    }

    fn keycode(&self, code: u32, pressed: bool) -> Result<(), zbus::Error> {
        self.notify(
            "NotifyKeyboardKeycode",
            &(
                &self.session,
                Self::options(),
                code as i32,
                u32::from(pressed),
            ),
        )
    }

    fn keysym(&self, keysym: u32, pressed: bool) -> Result<(), zbus::Error> {
        self.notify(
            "NotifyKeyboardKeysym",
            &(
                &self.session,
                Self::options(),
                keysym as i32,
                u32::from(pressed),
            ),
        )
    }
}

impl Drop for RemoteDesktop {
    fn drop(&mut self) {
        close(&self.conn, &self.session);
    }
}

/// Where the screen cast's restore token is kept: a file only its owner may read (0600), since
/// whoever holds it shares the screen without a dialog.
#[derive(Debug, Clone)]
pub struct TokenFile {
    path: PathBuf,
}

/// The token file's name in the agent's configuration directory.
pub const TOKEN_FILE: &str = "portal-screencast.token";

impl TokenFile {
    /// The token file in directory `dir`.
    pub fn in_dir(dir: &Path) -> TokenFile {
        TokenFile {
            path: dir.join(TOKEN_FILE),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The kept token, if there is a well-formed one.
    pub fn load(&self) -> Option<String> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        let token = text.trim();
        (!token.is_empty()
            && token.len() <= MAX_RESTORE_TOKEN_BYTES
            && token.chars().all(|c| c.is_ascii_graphic()))
        .then(|| token.to_owned())
    }

    /// Keeps `token` (replacing the used one), readable by its owner only.
    pub fn save(&self, token: &str) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("token.new");
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(token.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, &self.path)
    }

    /// Forgets the token (the next start shows the dialog).
    pub fn remove(&self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_token_file_is_private_and_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let f = TokenFile::in_dir(&dir.path().join("sub"));
        assert_eq!(f.load(), None);
        f.save("4d5e0608-6f6a-453f-9217-c5120942287d").unwrap();
        assert_eq!(
            f.load().as_deref(),
            Some("4d5e0608-6f6a-453f-9217-c5120942287d")
        );
        let mode = std::fs::metadata(f.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        f.save("second").unwrap();
        assert_eq!(f.load().as_deref(), Some("second"));
        // Garbage is not a token.
        std::fs::write(f.path(), "two words\n").unwrap();
        assert_eq!(f.load(), None);
        std::fs::write(f.path(), "x".repeat(MAX_RESTORE_TOKEN_BYTES + 1)).unwrap();
        assert_eq!(f.load(), None);
        f.remove().unwrap();
        f.remove().unwrap();
        assert_eq!(f.load(), None);
    }

    #[test]
    fn a_missing_portal_is_told_from_a_missing_interface() {
        for name in [Some("org.freedesktop.DBus.Error.ServiceUnknown"), None] {
            let e = absent(SCREEN_CAST, name);
            assert!(matches!(e, WaylandError::NoPortal), "{e}");
            assert!(e.to_string().contains("xdg-desktop-portal"), "{e}");
        }
        let e = absent(
            REMOTE_DESKTOP,
            Some("org.freedesktop.DBus.Error.UnknownInterface"),
        );
        assert!(e.to_string().contains(REMOTE_DESKTOP), "{e}");
    }
}
