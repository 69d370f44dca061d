//! Conversions from x11rb's errors into [`CaptureError`].

use x11rb::errors::{ConnectError, ConnectionError, ReplyError, ReplyOrIdError};
use x11rb::protocol::ErrorKind;

use crate::CaptureError;

impl From<ConnectError> for CaptureError {
    fn from(e: ConnectError) -> Self {
        CaptureError::Connect(Box::new(e))
    }
}

impl From<ConnectionError> for CaptureError {
    fn from(e: ConnectionError) -> Self {
        CaptureError::Protocol(Box::new(e))
    }
}

impl From<ReplyError> for CaptureError {
    fn from(e: ReplyError) -> Self {
        match e {
            // A read outside the screen: the screen shrank under us.
            ReplyError::X11Error(ref x) if x.error_kind == ErrorKind::Match => {
                CaptureError::GeometryChanged
            }
            e => CaptureError::Protocol(Box::new(e)),
        }
    }
}

impl From<ReplyOrIdError> for CaptureError {
    fn from(e: ReplyOrIdError) -> Self {
        CaptureError::Protocol(Box::new(e))
    }
}
