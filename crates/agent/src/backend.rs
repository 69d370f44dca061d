//! Which desktop the agent shares and through what: X11 (XShm + XTEST), GNOME's Mutter
//! interfaces, or the desktop portal.
//!
//! [`choose`] is pure: from the session's environment ([`SessionEnv`]) and `--backend` it picks
//! one, or says what is missing. [`open`] starts the chosen backend's capturer and injector.
//! On Wayland the automatic choice is the portal (the sharer approves a dialog); Mutter's
//! interfaces need no dialog, so they are used only when the administrator asks for them
//! (`--backend mutter`).

use assist_capture::{CaptureWaker, Capturer, Monitor};
use assist_input::{Injector, ScreenRect};

/// A way to capture the screen and inject input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// The X server: MIT-SHM capture with XDamage, XTEST input.
    X11,
    /// The desktop portal (ScreenCast + RemoteDesktop), frames from PipeWire.
    Portal,
    /// GNOME's `org.gnome.Mutter.RemoteDesktop` + `.ScreenCast`, frames from PipeWire; no dialog.
    Mutter,
}

impl BackendKind {
    /// The name `--backend` takes.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::X11 => "x11",
            BackendKind::Portal => "portal",
            BackendKind::Mutter => "mutter",
        }
    }

    /// What the sharer is told.
    pub fn describe(self) -> &'static str {
        match self {
            BackendKind::X11 => "X11 (XShm capture, XTEST input)",
            BackendKind::Portal => "Wayland through the desktop portal (PipeWire)",
            BackendKind::Mutter => "Wayland through GNOME's remote-desktop interface (PipeWire)",
        }
    }
}

impl std::str::FromStr for BackendKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "x11" => Ok(BackendKind::X11),
            "portal" => Ok(BackendKind::Portal),
            "mutter" => Ok(BackendKind::Mutter),
            _ => Err(format!("unknown backend {s:?}: x11, portal or mutter")),
        }
    }
}

/// What the environment says about the graphical session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionEnv {
    /// `XDG_SESSION_TYPE` (`x11`, `wayland`, `tty`...).
    pub session_type: Option<String>,
    /// `WAYLAND_DISPLAY`.
    pub wayland_display: Option<String>,
    /// `DISPLAY` (or `--display`).
    pub display: Option<String>,
}

impl SessionEnv {
    /// This process's environment; `display` (from `--display`) wins over `DISPLAY`.
    pub fn current(display: Option<&str>) -> SessionEnv {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        SessionEnv {
            session_type: var("XDG_SESSION_TYPE"),
            wayland_display: var("WAYLAND_DISPLAY"),
            display: display.map(str::to_owned).or_else(|| var("DISPLAY")),
        }
    }

    /// Whether this is a Wayland session.
    pub fn is_wayland(&self) -> bool {
        self.session_type.as_deref() == Some("wayland") || self.wayland_display.is_some()
    }

    /// The session type to show: what `XDG_SESSION_TYPE` says, else what the variables suggest.
    pub fn kind(&self) -> &str {
        match (&self.session_type, self.is_wayland(), &self.display) {
            (Some(t), _, _) => t,
            (None, true, _) => "wayland",
            (None, false, Some(_)) => "x11",
            (None, false, None) => "none",
        }
    }
}

/// Why no backend could be chosen or started. Each names what is missing.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// Neither a Wayland nor an X11 session is visible.
    #[error(
        "no graphical session: neither WAYLAND_DISPLAY nor DISPLAY is set (run the agent inside the desktop session, or pass --display for X11)"
    )]
    NoSession,
    /// X11 was asked for but there is no X display.
    #[error(
        "the x11 backend needs an X display, and DISPLAY is not set{}",
        if *.wayland { " (this is a Wayland session: use --backend portal or mutter)" } else { "" }
    )]
    NoXDisplay {
        /// Whether a Wayland session is there instead.
        wayland: bool,
    },
    /// A Wayland backend in a build without the `wayland` feature.
    #[error(
        "this agent was built without Wayland support (cargo feature `wayland`); it cannot share a Wayland session{}",
        if *.x_fallback { " (an X display is set: --backend x11 shares only XWayland windows)" } else { "" }
    )]
    NoWaylandSupport {
        /// Whether `DISPLAY` is set too (XWayland).
        x_fallback: bool,
    },
    /// The X display cannot be captured or take input; `display` names it.
    #[error("{what} on display {display}: {source}")]
    Display {
        /// `screen capture` or `input injection`.
        what: &'static str,
        /// `--display`, else `$DISPLAY` ([`display_name`]).
        display: String,
        /// What failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The chosen backend failed to start.
    #[error("{backend}: {source}")]
    Start {
        /// The backend's name.
        backend: &'static str,
        /// What failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The X display's name as the sharer knows it: `--display`, else `$DISPLAY`.
pub fn display_name(display: Option<&str>) -> String {
    display
        .map(str::to_owned)
        .or_else(|| std::env::var("DISPLAY").ok())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "(none: DISPLAY is not set and --display not given)".to_owned())
}

/// Whether this build reads Wayland frames (the `wayland` feature).
pub const WAYLAND_BUILT: bool = cfg!(feature = "wayland");

/// Picks the backend: `forced` if given (and possible), else Wayland → portal, X11 → x11.
pub fn choose(
    env: &SessionEnv,
    forced: Option<BackendKind>,
    wayland_built: bool,
) -> Result<BackendKind, BackendError> {
    let kind = match forced {
        Some(k) => k,
        None if env.is_wayland() => BackendKind::Portal,
        None if env.display.is_some() => BackendKind::X11,
        None => return Err(BackendError::NoSession),
    };
    match kind {
        BackendKind::X11 if env.display.is_none() => Err(BackendError::NoXDisplay {
            wayland: env.is_wayland(),
        }),
        BackendKind::Portal | BackendKind::Mutter if !wayland_built => {
            Err(BackendError::NoWaylandSupport {
                x_fallback: env.display.is_some(),
            })
        }
        k => Ok(k),
    }
}

/// A started backend: its capturer (with the waker of its capture thread) and its injector.
pub struct Desktop {
    /// Which backend.
    pub kind: BackendKind,
    /// The screen source.
    pub capturer: Box<dyn Capturer>,
    /// Wakes the capture thread's waits.
    pub waker: CaptureWaker,
    /// The input sink.
    pub injector: Box<dyn Injector>,
    /// The shared monitor.
    pub area: Monitor,
}

impl std::fmt::Debug for Desktop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desktop")
            .field("kind", &self.kind)
            .field("area", &self.area)
            .finish_non_exhaustive()
    }
}

#[cfg(all(target_os = "linux", feature = "wayland"))]
fn start_error<E: std::error::Error + Send + Sync + 'static>(
    kind: BackendKind,
) -> impl FnOnce(E) -> BackendError {
    move |e| BackendError::Start {
        backend: kind.name(),
        source: Box::new(e),
    }
}

/// Starts `kind` on `display` (X11) and monitor `monitor` (`None`: X11 the whole screen, Wayland
/// the primary monitor).
pub fn open(
    kind: BackendKind,
    display: Option<&str>,
    monitor: Option<usize>,
) -> Result<Desktop, BackendError> {
    match kind {
        BackendKind::X11 => open_x11(display, monitor),
        BackendKind::Mutter => open_mutter(monitor),
        BackendKind::Portal => open_portal(monitor),
    }
}

/// The agent's configuration directory, where the portal's restore token is kept; set once by
/// the program (`--config-dir`), else [`crate::identity::default_config_dir`].
static CONFIG_DIR: std::sync::Mutex<Option<std::path::PathBuf>> = std::sync::Mutex::new(None);

/// Sets the configuration directory the backends keep their grants in (the portal's restore
/// token).
pub fn set_config_dir(dir: &std::path::Path) {
    *CONFIG_DIR.lock().unwrap_or_else(|e| e.into_inner()) = Some(dir.to_owned());
}

/// Where the portal's restore token is kept (`None`: no configuration directory is known).
#[cfg(target_os = "linux")]
pub fn portal_token_file() -> Option<assist_wayland::portal::TokenFile> {
    let dir = CONFIG_DIR
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .or_else(|| crate::identity::default_config_dir().ok())?;
    Some(assist_wayland::portal::TokenFile::in_dir(&dir))
}

/// A capture error's own cause: a backend that cannot start says why, not "cannot connect".
#[cfg(all(target_os = "linux", feature = "wayland"))]
fn cause(e: assist_capture::CaptureError) -> Box<dyn std::error::Error + Send + Sync> {
    match e {
        assist_capture::CaptureError::Connect(inner) => inner,
        other => Box::new(other),
    }
}

#[cfg(all(target_os = "linux", feature = "wayland"))]
fn open_portal(monitor: Option<usize>) -> Result<Desktop, BackendError> {
    use assist_wayland::{PortalInjector, WaylandCapturer};
    let kind = BackendKind::Portal;
    if monitor.is_some() {
        tracing::warn!(
            "--monitor is not used with the portal: the sharer picks the monitor in its dialog"
        );
    }
    let tokens = portal_token_file();
    let kept = tokens.as_ref().and_then(|t| t.load());
    let capturer =
        WaylandCapturer::start_portal(kept.as_deref()).map_err(|e| BackendError::Start {
            backend: kind.name(),
            source: cause(e),
        })?;
    // Each start answers with the token for the next (single-use by the specification): keep it.
    match (&tokens, capturer.restore_token()) {
        (Some(file), Some(token)) => {
            if let Err(e) = file.save(token) {
                tracing::warn!(error = %e, file = %file.path().display(), "cannot keep the portal's restore token");
            }
        }
        (Some(file), None) => {
            // The portal keeps no grant (older portal, or refused persistence).
            let _ = file.remove();
        }
        (None, _) => {}
    }
    let area = capturer.area().clone();
    Ok(Desktop {
        kind,
        waker: capturer.waker(),
        capturer: Box::new(capturer),
        injector: Box::new(PortalInjector::new()),
        area,
    })
}

#[cfg(not(all(target_os = "linux", feature = "wayland")))]
fn open_portal(_: Option<usize>) -> Result<Desktop, BackendError> {
    Err(BackendError::NoWaylandSupport { x_fallback: false })
}

#[cfg(target_os = "linux")]
fn open_x11(display: Option<&str>, monitor: Option<usize>) -> Result<Desktop, BackendError> {
    use assist_capture::X11Capturer;
    use assist_input::X11Injector;
    let kind = BackendKind::X11;
    let named = |what: &'static str| {
        move |e: Box<dyn std::error::Error + Send + Sync>| BackendError::Display {
            what,
            display: display_name(display),
            source: e,
        }
    };
    let capturer =
        X11Capturer::connect(display, monitor).map_err(|e| named("screen capture")(e.into()))?;
    let area = capturer.area().clone();
    let injector = X11Injector::connect(display, Some(rect(&area)))
        .map_err(|e| named("input injection")(e.into()))?;
    Ok(Desktop {
        kind,
        waker: capturer.waker(),
        capturer: Box::new(capturer),
        injector: Box::new(injector),
        area,
    })
}

#[cfg(not(target_os = "linux"))]
fn open_x11(_: Option<&str>, _: Option<usize>) -> Result<Desktop, BackendError> {
    Err(BackendError::NoSession)
}

#[cfg(all(target_os = "linux", feature = "wayland"))]
fn open_mutter(monitor: Option<usize>) -> Result<Desktop, BackendError> {
    use assist_wayland::{MutterInjector, WaylandCapturer};
    let kind = BackendKind::Mutter;
    let capturer = WaylandCapturer::start_mutter(monitor).map_err(|e| BackendError::Start {
        backend: kind.name(),
        source: cause(e),
    })?;
    let area = capturer.area().clone();
    let injector = MutterInjector::new(capturer.session()).map_err(start_error(kind))?;
    Ok(Desktop {
        kind,
        waker: capturer.waker(),
        capturer: Box::new(capturer),
        injector: Box::new(injector),
        area,
    })
}

#[cfg(not(all(target_os = "linux", feature = "wayland")))]
fn open_mutter(_: Option<usize>) -> Result<Desktop, BackendError> {
    Err(BackendError::NoWaylandSupport { x_fallback: false })
}

/// The injector's rectangle for a captured monitor.
pub fn rect(area: &Monitor) -> ScreenRect {
    ScreenRect {
        x: area.x,
        y: area.y,
        width: area.width,
        height: area.height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_dead_display_is_named() {
        // A display number nothing serves (no socket for it).
        let n = (4700..4800)
            .find(|n| !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
            .unwrap();
        let name = format!(":{n}");
        let Err(e) = open(BackendKind::X11, Some(&name), None) else {
            panic!("display {name} opened")
        };
        let e = e.to_string();
        assert!(
            e.contains(&format!("screen capture on display {name}:")),
            "{e}"
        );
        assert_eq!(display_name(Some(":7")), ":7");
    }

    fn env(session_type: Option<&str>, wayland: bool, display: bool) -> SessionEnv {
        SessionEnv {
            session_type: session_type.map(str::to_owned),
            wayland_display: wayland.then(|| "wayland-0".to_owned()),
            display: display.then(|| ":0".to_owned()),
        }
    }

    #[test]
    fn the_session_picks_the_backend() {
        use BackendKind::*;
        // Wayland wins over XWayland's DISPLAY; the portal is the automatic Wayland choice.
        assert_eq!(
            choose(&env(Some("wayland"), true, true), None, true).unwrap(),
            Portal
        );
        assert_eq!(choose(&env(None, true, false), None, true).unwrap(), Portal);
        assert_eq!(
            choose(&env(Some("x11"), false, true), None, true).unwrap(),
            X11
        );
        assert_eq!(choose(&env(None, false, true), None, false).unwrap(), X11);
        // Forced.
        assert_eq!(
            choose(&env(Some("wayland"), true, true), Some(Mutter), true).unwrap(),
            Mutter
        );
        assert_eq!(
            choose(&env(Some("wayland"), true, true), Some(X11), true).unwrap(),
            X11
        );
    }

    #[test]
    fn errors_name_what_is_missing() {
        use BackendKind::*;
        let e = choose(&env(None, false, false), None, true).unwrap_err();
        assert!(
            e.to_string()
                .contains("neither WAYLAND_DISPLAY nor DISPLAY"),
            "{e}"
        );
        let e = choose(&env(Some("wayland"), true, false), Some(X11), true).unwrap_err();
        assert!(e.to_string().contains("DISPLAY is not set"), "{e}");
        assert!(e.to_string().contains("Wayland session"), "{e}");
        assert!(!e.to_string().contains("$DISPLAY variable"), "{e}");
        let e = choose(&env(Some("wayland"), true, true), None, false).unwrap_err();
        assert!(e.to_string().contains("feature `wayland`"), "{e}");
        assert!(e.to_string().contains("XWayland"), "{e}");
        let e = choose(&env(Some("wayland"), true, false), Some(Mutter), false).unwrap_err();
        assert!(matches!(
            e,
            BackendError::NoWaylandSupport { x_fallback: false }
        ));
    }

    #[test]
    fn backend_names_round_trip() {
        for k in [BackendKind::X11, BackendKind::Portal, BackendKind::Mutter] {
            assert_eq!(k.name().parse::<BackendKind>().unwrap(), k);
        }
        assert!("wlroots".parse::<BackendKind>().is_err());
    }
}
