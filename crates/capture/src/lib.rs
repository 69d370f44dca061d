//! Screen capture for the Assist agent: the sharer's screen as BGRX pixels, frame after frame.
//!
//! The agent's capture thread owns one [`Capturer`]. It sleeps in [`Capturer::wait_for_change`]
//! until the display reports a change (X11: an XDamage `DamageNotify`), then calls
//! [`Capturer::capture`], at most as often as its frame rate allows (30 fps for a help session).
//! Each call returns a borrow of the capturer's single
//! [`Frame`]: its pixel buffer is allocated once, at connect time, and updated in place, so a
//! steady capture loop allocates nothing. The frame also says what changed since the previous
//! call ([`Frame::damage`]); when nothing changed the encoder can skip the frame, and when little
//! changed only that part of the screen was read from the display server.
//!
//! Systems:
//! - X11 ([`X11Capturer`], Linux): MIT-SHM into a memfd shared with the X server, falling back to
//!   plain `GetImage` when shared memory is not available (a remote display); RandR monitors to
//!   pick one screen of several; XDamage to read only what changed and to sleep until something
//!   does (`poll(2)` on the X socket and on an eventfd that [`CaptureWaker`] writes to).
//! - Wayland (GNOME's Mutter ScreenCast or the desktop portal, frames from PipeWire) lives in the
//!   `assist-wayland` crate, another implementation of [`Capturer`]; nothing in the trait or the
//!   frame is X11-specific. [`wake`] is the sleeping and waking both share.
//!
//! Threads: none of its own. A capturer is `Send`, so it can be moved to the capture thread; the
//! caller copies a frame it must keep (see [`Frame::copy_into`]) before the next capture. Another
//! thread interrupts a wait with the capturer's [`CaptureWaker`].
//!
//! [`testing`] starts a private Xvfb for tests of this crate and of crates that build on it.

#![warn(
    missing_docs,
    unreachable_pub,
    let_underscore_drop,
    clippy::let_underscore_must_use
)]

mod capturer;
pub mod cursor;
mod error;
mod frame;
mod monitor;
pub mod testing;
#[cfg(target_os = "linux")]
pub mod wake;
#[cfg(target_os = "linux")]
mod x11;

pub use capturer::Capturer;
pub use error::CaptureError;
pub use frame::{Frame, PixelFormat, Rect};
pub use monitor::Monitor;
#[cfg(target_os = "linux")]
pub use wake::CaptureWaker;
#[cfg(target_os = "linux")]
pub use x11::{X11Capturer, X11Options};
