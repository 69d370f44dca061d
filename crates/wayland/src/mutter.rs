//! GNOME's own remote-desktop interfaces: `org.gnome.Mutter.RemoteDesktop` (input) linked with
//! `org.gnome.Mutter.ScreenCast` (a PipeWire stream of one monitor, the cursor drawn in).
//!
//! `RemoteDesktop.CreateSession` → `ScreenCast.CreateSession({remote-desktop-session-id})` →
//! `RecordMonitor(connector, {cursor-mode: embedded})` → `RemoteDesktop.Session.Start`; the
//! stream's `PipeWireStreamAdded` signal then names the PipeWire node. No dialog: Mutter serves
//! any program of the user's session, which is why the agent uses this only when told to.
//! The session ends with [`Session`]'s drop (or when this process's bus connection closes).

use std::collections::HashMap;
use std::time::Duration;

use assist_capture::Monitor;
use zbus::blocking::{Connection, MessageIterator};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use crate::WaylandError;
use crate::input::RemoteInput;

const RD: &str = "org.gnome.Mutter.RemoteDesktop";
const RD_PATH: &str = "/org/gnome/Mutter/RemoteDesktop";
const RD_SESSION: &str = "org.gnome.Mutter.RemoteDesktop.Session";
const SC: &str = "org.gnome.Mutter.ScreenCast";
const SC_PATH: &str = "/org/gnome/Mutter/ScreenCast";
const SC_SESSION: &str = "org.gnome.Mutter.ScreenCast.Session";
const SC_STREAM: &str = "org.gnome.Mutter.ScreenCast.Stream";
const DISPLAY_CONFIG: &str = "org.gnome.Mutter.DisplayConfig";
const DISPLAY_CONFIG_PATH: &str = "/org/gnome/Mutter/DisplayConfig";

/// How long Mutter may take to announce the stream's PipeWire node after the session started
/// (about 10 ms on an idle machine; generous for a loaded one).
pub const STREAM_START_TIMEOUT: Duration = Duration::from_secs(20);

/// ScreenCast `cursor-mode`: 1 draws the cursor into the frames.
const CURSOR_EMBEDDED: u32 = 1;

/// Signals queued while waiting for the stream's node (only one is expected).
const SIGNAL_QUEUE: usize = 16;

/// A started remote-desktop session with one monitor's screen stream.
pub struct Session {
    conn: Connection,
    rd_path: OwnedObjectPath,
    stream_path: OwnedObjectPath,
    node: u32,
    monitor: Monitor,
    monitors: Vec<Monitor>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("mutter::Session")
            .field("rd_path", &self.rd_path.as_str())
            .field("stream_path", &self.stream_path.as_str())
            .field("node", &self.node)
            .field("monitor", &self.monitor)
            .finish()
    }
}

/// The session bus, or an error that says there is none.
pub fn session_bus() -> Result<Connection, WaylandError> {
    Connection::session().map_err(|e| WaylandError::NoSessionBus(Box::new(e)))
}

/// Whether Mutter's remote-desktop interfaces are on `conn`'s bus.
pub fn available(conn: &Connection) -> bool {
    has_owner(conn, RD) && has_owner(conn, SC)
}

fn has_owner(conn: &Connection, name: &str) -> bool {
    conn.call_method(
        Some("org.freedesktop.DBus"),
        "/org/freedesktop/DBus",
        Some("org.freedesktop.DBus"),
        "NameHasOwner",
        &(name,),
    )
    .and_then(|m| m.body().deserialize::<bool>())
    .unwrap_or(false)
}

/// One mode of a physical monitor, as `DisplayConfig.GetCurrentState` lists it.
type Mode = (
    String,
    i32,
    i32,
    f64,
    f64,
    Vec<f64>,
    HashMap<String, OwnedValue>,
);
type MonitorSpec = (String, String, String, String);
type PhysicalMonitor = (MonitorSpec, Vec<Mode>, HashMap<String, OwnedValue>);
type LogicalMonitor = (
    i32,
    i32,
    f64,
    u32,
    bool,
    Vec<MonitorSpec>,
    HashMap<String, OwnedValue>,
);
type CurrentState = (
    u32,
    Vec<PhysicalMonitor>,
    Vec<LogicalMonitor>,
    HashMap<String, OwnedValue>,
);

/// The monitors of the session, in Mutter's order of logical monitors, named by connector.
pub fn monitors(conn: &Connection) -> Result<Vec<Monitor>, WaylandError> {
    let reply = conn
        .call_method(
            Some(DISPLAY_CONFIG),
            DISPLAY_CONFIG_PATH,
            Some(DISPLAY_CONFIG),
            "GetCurrentState",
            &(),
        )
        .map_err(WaylandError::call("listing the monitors"))?;
    let (_, physical, logical, props): CurrentState = reply
        .body()
        .deserialize()
        .map_err(WaylandError::call("reading the monitor list"))?;
    // Layout mode 2 ("logical"): logical monitors are in scaled pixels.
    let logical_layout = props.get("layout-mode").and_then(|v| u32::try_from(v).ok()) == Some(2);
    Ok(logical
        .iter()
        .filter_map(|(x, y, scale, _transform, primary, specs, _)| {
            let spec = specs.first()?;
            let (_, modes, _) = physical.iter().find(|(s, _, _)| s.0 == spec.0)?;
            let (_, w, h, ..) = modes.iter().find(|m| {
                m.6.get("is-current")
                    .and_then(|v| bool::try_from(v).ok())
                    .unwrap_or(false)
            })?;
            let scale = if logical_layout && *scale > 0.0 {
                *scale
            } else {
                1.0
            };
            Some(Monitor {
                name: spec.0.clone(),
                x: *x,
                y: *y,
                width: (f64::from(*w) / scale).round() as u32,
                height: (f64::from(*h) / scale).round() as u32,
                primary: *primary,
            })
        })
        .collect())
}

impl Session {
    /// Starts a remote-desktop session recording monitor `index` of [`monitors`] (`None`: the
    /// primary one), the cursor drawn into the frames.
    pub fn start(index: Option<usize>) -> Result<Session, WaylandError> {
        let conn = session_bus()?;
        if !available(&conn) {
            return Err(WaylandError::NoMutter);
        }
        let monitors = monitors(&conn)?;
        let chosen = match index {
            Some(i) => monitors
                .get(i)
                .cloned()
                .ok_or(WaylandError::NoSuchMonitor {
                    index: i,
                    count: monitors.len(),
                })?,
            None => monitors
                .iter()
                .find(|m| m.primary)
                .or(monitors.first())
                .cloned()
                .ok_or(WaylandError::NoSuchMonitor { index: 0, count: 0 })?,
        };
        let rd_path: OwnedObjectPath = conn
            .call_method(Some(RD), RD_PATH, Some(RD), "CreateSession", &())
            .and_then(|m| m.body().deserialize())
            .map_err(WaylandError::call("creating a remote-desktop session"))?;
        let session_id: String = property(&conn, RD, &rd_path, RD_SESSION, "SessionId")
            .and_then(|v| String::try_from(v).map_err(zbus::Error::from))
            .map_err(WaylandError::call("reading the remote-desktop session id"))?;
        let mut options: HashMap<&str, Value<'_>> = HashMap::new();
        options.insert(
            "remote-desktop-session-id",
            Value::from(session_id.as_str()),
        );
        let sc_path: OwnedObjectPath = conn
            .call_method(Some(SC), SC_PATH, Some(SC), "CreateSession", &(options,))
            .and_then(|m| m.body().deserialize())
            .map_err(WaylandError::call("creating a screen-cast session"))?;
        let mut options: HashMap<&str, Value<'_>> = HashMap::new();
        options.insert("cursor-mode", Value::from(CURSOR_EMBEDDED));
        let stream_path: OwnedObjectPath = conn
            .call_method(
                Some(SC),
                &sc_path,
                Some(SC_SESSION),
                "RecordMonitor",
                &(chosen.name.as_str(), options),
            )
            .and_then(|m| m.body().deserialize())
            .map_err(WaylandError::call("recording the monitor"))?;

        // Listen before starting: the node is announced about 10 ms after Start.
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(SC_STREAM)
            .and_then(|b| b.member("PipeWireStreamAdded"))
            .and_then(|b| b.path(stream_path.as_str().to_owned()))
            .map_err(WaylandError::call("listening for the screen stream"))?
            .build();
        let signals = MessageIterator::for_match_rule(rule, &conn, Some(SIGNAL_QUEUE))
            .map_err(WaylandError::call("listening for the screen stream"))?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("assist-mutter-node".into())
            .spawn(move || {
                let mut signals = signals;
                if let Some(Ok(msg)) = signals.next() {
                    let _ = tx.send(msg.body().deserialize::<u32>());
                }
            })
            .map_err(|e| WaylandError::PipeWire(e.to_string()))?;
        let mut session = Session {
            conn,
            rd_path,
            stream_path,
            node: 0,
            monitor: chosen,
            monitors,
        };
        session
            .conn
            .call_method(Some(RD), &session.rd_path, Some(RD_SESSION), "Start", &())
            .map_err(WaylandError::call("starting the remote-desktop session"))?;
        session.node = match rx.recv_timeout(STREAM_START_TIMEOUT) {
            Ok(Ok(node)) => node,
            Ok(Err(e)) => return Err(WaylandError::call("reading the stream's node")(e)),
            Err(_) => return Err(WaylandError::NoStream(STREAM_START_TIMEOUT.as_secs())),
        };
        Ok(session)
    }

    /// The PipeWire node of the screen stream.
    pub fn node(&self) -> u32 {
        self.node
    }

    /// The recorded monitor.
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }

    /// Every monitor of the session at start.
    pub fn monitors(&self) -> &[Monitor] {
        &self.monitors
    }

    fn notify<B>(&self, method: &'static str, body: &B) -> Result<(), zbus::Error>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        self.conn
            .call_method(Some(RD), &self.rd_path, Some(RD_SESSION), method, body)
            .map(drop)
    }
}

impl RemoteInput for Session {
    /// Moves the pointer to (`x`, `y`) in the recorded monitor's pixels.
    fn pointer_to(&self, x: f64, y: f64) -> Result<(), zbus::Error> {
        self.notify(
            "NotifyPointerMotionAbsolute",
            &(self.stream_path.as_str(), x, y),
        )
    }

    /// Presses or releases a pointer button (an evdev `BTN_*` code).
    fn pointer_button(&self, button: i32, pressed: bool) -> Result<(), zbus::Error> {
        self.notify("NotifyPointerButton", &(button, pressed))
    }

    /// Turns the wheel `steps` clicks (positive: down or right) on `axis` (0 vertical, 1
    /// horizontal).
    fn pointer_axis_steps(&self, axis: u32, steps: i32) -> Result<(), zbus::Error> {
        self.notify("NotifyPointerAxisDiscrete", &(axis, steps))
    }

    /// Presses or releases a key by its evdev code (`KEY_*`).
    fn keycode(&self, code: u32, pressed: bool) -> Result<(), zbus::Error> {
        self.notify("NotifyKeyboardKeycode", &(code, pressed))
    }

    /// Presses or releases whatever key gives `keysym` (Mutter picks the key and the level).
    fn keysym(&self, keysym: u32, pressed: bool) -> Result<(), zbus::Error> {
        self.notify("NotifyKeyboardKeysym", &(keysym, pressed))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self
            .conn
            .call_method(Some(RD), &self.rd_path, Some(RD_SESSION), "Stop", &());
    }
}

fn property(
    conn: &Connection,
    dest: &str,
    path: &OwnedObjectPath,
    iface: &str,
    name: &str,
) -> Result<OwnedValue, zbus::Error> {
    conn.call_method(
        Some(dest),
        path,
        Some("org.freedesktop.DBus.Properties"),
        "Get",
        &(iface, name),
    )?
    .body()
    .deserialize::<OwnedValue>()
}
