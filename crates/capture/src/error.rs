//! Errors of screen capture.

/// Why a capture could not be set up or taken.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The display server could not be reached (no `DISPLAY`, not running, refused).
    #[error("cannot connect to the display: {0}")]
    Connect(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The connection to the display server failed or it rejected a request.
    #[error("display server error: {0}")]
    Protocol(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A monitor index that the display does not have.
    #[error("no monitor {index}: the display has {count}")]
    NoSuchMonitor {
        /// The index asked for.
        index: usize,
        /// How many monitors there are.
        count: usize,
    },
    /// The screen's pixels are in a layout this crate does not convert (for example 16-bit
    /// colour).
    #[error("unsupported pixel format: {0}")]
    UnsupportedPixelFormat(String),
    /// The captured area no longer fits the screen (the resolution changed): connect again.
    #[error("the screen geometry changed; reconnect to capture it")]
    GeometryChanged,
    /// Setting up or reading the shared-memory segment failed.
    #[error("shared memory: {0}")]
    SharedMemory(#[source] std::io::Error),
}
