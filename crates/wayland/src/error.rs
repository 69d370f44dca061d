//! Errors of the Wayland backends, each naming what is missing.

/// Why a Wayland capture or input session could not be set up or used.
#[derive(Debug, thiserror::Error)]
pub enum WaylandError {
    /// No D-Bus session bus (`DBUS_SESSION_BUS_ADDRESS` unset or nobody listening).
    #[error("no D-Bus session bus ({0}): is this a desktop session?")]
    NoSessionBus(#[source] Box<zbus::Error>),
    /// Mutter's remote-desktop interfaces are not on the bus (not GNOME, or GNOME without them).
    #[error(
        "GNOME's remote-desktop interface (org.gnome.Mutter.RemoteDesktop) is not available: this is not a GNOME Wayland session"
    )]
    NoMutter,
    /// A D-Bus call failed.
    #[error("{what}: {source}")]
    Call {
        /// What was being done.
        what: &'static str,
        /// The D-Bus error.
        #[source]
        source: Box<zbus::Error>,
    },
    /// The compositor did not hand over the PipeWire stream in time.
    #[error("the compositor did not start the screen stream within {0} s")]
    NoStream(u64),
    /// PipeWire could not be reached or refused the stream.
    #[error("PipeWire: {0} (is the pipewire service running in this session?)")]
    PipeWire(String),
    /// A monitor index the session does not have.
    #[error("no monitor {index}: the session has {count}")]
    NoSuchMonitor {
        /// The index asked for.
        index: usize,
        /// How many monitors there are.
        count: usize,
    },
}

impl WaylandError {
    pub(crate) fn call(what: &'static str) -> impl FnOnce(zbus::Error) -> WaylandError {
        move |source| WaylandError::Call {
            what,
            source: Box::new(source),
        }
    }
}
