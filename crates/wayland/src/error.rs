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
    /// No desktop portal on the session bus.
    #[error(
        "the desktop portal (org.freedesktop.portal.Desktop) is not available: install xdg-desktop-portal and the portal of this desktop (xdg-desktop-portal-gnome, -kde, ...), or on GNOME let an administrator choose --backend mutter"
    )]
    NoPortal,
    /// The portal is there but lacks an interface (its desktop's backend does not offer it).
    #[error(
        "the desktop portal has no {0} interface: the portal backend of this desktop does not offer it"
    )]
    NoPortalInterface(&'static str),
    /// The sharer answered the portal's dialog with Cancel.
    #[error("{0}: refused in the desktop's dialog")]
    PortalRefused(&'static str),
    /// The sharer shared the screen but did not allow remote interaction.
    #[error(
        "remote input was not allowed in the desktop's dialog (its \"Allow remote interaction\" switch was off)"
    )]
    PortalNoInput,
    /// Nobody answered the portal's dialog in time.
    #[error("{0}: nobody answered the desktop's dialog within {1} s")]
    PortalTimeout(&'static str, u64),
    /// The portal answered something unexpected.
    #[error("the desktop portal: {0}")]
    Portal(String),
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
