//! The one error type of the media module.

use thiserror::Error;

/// Everything that can go wrong while encoding or sending video.
///
/// Errors caused by what the network sends (a malformed datagram, a broken offer) are reported
/// here and never panic; the caller decides whether the session goes on.
#[derive(Debug, Error)]
pub enum MediaError {
    /// A frame's size, stride or buffer length do not agree.
    #[error("invalid frame: {0}")]
    InvalidFrame(String),
    /// The H.264 encoder refused to start or to encode.
    #[error("encoder: {0}")]
    Encoder(String),
    /// The remote SDP offer could not be parsed or accepted.
    #[error("invalid offer: {0}")]
    InvalidOffer(String),
    /// The offer has no video section we can send on, or no H.264 we can use.
    #[error("offer has no usable video: {0}")]
    NoVideo(String),
    /// A local address could not be used as an ICE candidate.
    #[error("bad local address: {0}")]
    BadAddress(String),
    /// Relay-only was asked for, but no TURN relay could be allocated.
    #[error("relay only, but no TURN relay could be allocated (no TURN server, or it refused)")]
    NoRelay,
    /// The WebRTC stack reported an error.
    #[error("webrtc: {0}")]
    Rtc(#[from] str0m::RtcError),
    /// A socket or thread operation failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The session's background task or encoder thread is gone.
    #[error("session closed")]
    Closed,
}

impl From<openh264::Error> for MediaError {
    fn from(e: openh264::Error) -> Self {
        MediaError::Encoder(e.to_string())
    }
}
