//! The platform-neutral capture interface.

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

    /// Makes the next [`Capturer::capture`] read the whole area again, whatever the change
    /// tracking says (a periodic safety net, or after the encoder lost its reference).
    fn invalidate(&mut self);
}
