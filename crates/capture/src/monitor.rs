//! Monitors: the parts of the desktop that a capture can be limited to.

/// One monitor (or the whole desktop) in desktop coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monitor {
    /// The display server's name for it (for RandR the output name, such as `HDMI-1`).
    pub name: String,
    /// Left edge, in desktop pixels.
    pub x: i32,
    /// Top edge, in desktop pixels.
    pub y: i32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether this is the primary monitor.
    pub primary: bool,
}
