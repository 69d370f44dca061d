//! The platform-neutral capture interface.

use std::time::Duration;

use crate::{CaptureError, Frame, Monitor};

/// A source of frames of one screen (one monitor, or the whole desktop).
///
/// Implementations keep one frame buffer and update it in place; the returned borrow ends at the
/// next call, which is what lets a 1080p capture loop run without allocating.
pub trait Capturer: Send {
    /// The monitors of the display, in the display server's order. Indices into this list are
    /// what the platform constructors take to choose a monitor.
    fn monitors(&self) -> Result<Vec<Monitor>, CaptureError>;

    /// The area being captured, in desktop coordinates (what input injection maps the helper's
    /// normalised pointer coordinates onto).
    fn area(&self) -> &Monitor;

    /// Captures the screen now. [`Frame::damage`] lists what changed since the previous capture
    /// (all of it on the first call and after [`Capturer::invalidate`]); an empty list means the
    /// pixels are those of the previous frame.
    fn capture(&mut self) -> Result<&Frame, CaptureError>;

    /// Waits at most `timeout` for the screen to change, without reading any pixels. Returns
    /// `true` when the next [`Capturer::capture`] has something to read: a change reported since
    /// the previous capture (at once if one already was), or [`Capturer::invalidate`] was called.
    /// Returns `false` when the time ran out, or earlier when the capturer's waker (if it has
    /// one, see [`crate::X11Capturer::waker`]) was woken.
    ///
    /// A capturer that cannot tell when the screen changes returns `true` at once: every capture
    /// may have changed. A `true` can be a false alarm (a change outside the captured monitor);
    /// the capture then reports no damage.
    fn wait_for_change(&mut self, timeout: Duration) -> Result<bool, CaptureError>;

    /// Makes the next [`Capturer::capture`] read the whole area again, whatever the change
    /// tracking says (a periodic safety net, or after the encoder lost its reference).
    fn invalidate(&mut self);
}
