//! Conversions from x11rb's errors into [`InputError`].

use x11rb::errors::{ConnectError, ConnectionError, ReplyError};

use crate::InputError;

impl From<ConnectError> for InputError {
    fn from(e: ConnectError) -> Self {
        InputError::Connect(Box::new(e))
    }
}

impl From<ConnectionError> for InputError {
    fn from(e: ConnectionError) -> Self {
        InputError::Protocol(Box::new(e))
    }
}

impl From<ReplyError> for InputError {
    fn from(e: ReplyError) -> Self {
        InputError::Protocol(Box::new(e))
    }
}
