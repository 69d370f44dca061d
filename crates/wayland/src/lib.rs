//! Wayland screen capture and input for the Assist agent.
//!
//! On Wayland a client cannot read the screen or fake input by itself: the compositor does it
//! for a program it trusts. Two ways in, both GNOME-checked:
//! - **Mutter's own D-Bus interfaces** ([`mutter`], `org.gnome.Mutter.RemoteDesktop` +
//!   `org.gnome.Mutter.ScreenCast`, what gnome-remote-desktop uses): no dialog; any program of the
//!   user's session may call them, so the agent uses them only when the administrator chooses
//!   (`--backend mutter`).
//! - **The desktop portal** ([`portal`], `org.freedesktop.portal.ScreenCast` + `.RemoteDesktop`):
//!   the sharer approves the screen in a dialog once (the restore token keeps the grant), and
//!   remote input in a dialog when the helper first takes control.
//!
//! Frames come from PipeWire ([`frames`], behind the `pipewire` feature: it links libpipewire);
//! the compositor draws the cursor into them and sends a frame only when the screen changed.
//! [`WaylandCapturer`] is the [`assist_capture::Capturer`] of either; [`MutterInjector`] and
//! [`PortalInjector`] are the [`assist_input::Injector`]s.
//!
//! Threads: the PipeWire loop runs on its own thread ([`frames`]); D-Bus calls are blocking
//! (zbus's blocking API, whose connection has its own executor thread).

#[cfg(all(target_os = "linux", feature = "pipewire"))]
mod capture;
#[cfg(target_os = "linux")]
mod error;
#[cfg(all(target_os = "linux", feature = "pipewire"))]
pub mod frames;
#[cfg(target_os = "linux")]
mod inject;
#[cfg(target_os = "linux")]
mod input;
#[cfg(target_os = "linux")]
pub mod mutter;
#[cfg(target_os = "linux")]
pub mod portal;

#[cfg(all(target_os = "linux", feature = "pipewire"))]
pub use capture::WaylandCapturer;
#[cfg(target_os = "linux")]
pub use error::WaylandError;
#[cfg(target_os = "linux")]
pub use inject::{MutterInjector, PortalInjector, RemoteInjector};
#[cfg(target_os = "linux")]
pub use input::RemoteInput;

/// Whether this build can read frames (the `pipewire` feature).
pub const CAN_CAPTURE: bool = cfg!(feature = "pipewire");
