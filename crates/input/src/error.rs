//! Errors of input parsing and injection.

/// Why an input event was refused or could not be injected.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The JSON message is larger than [`crate::MAX_EVENT_JSON_BYTES`].
    #[error("input message of {len} bytes is over the limit of {max}")]
    TooLarge {
        /// Size of the message.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The message is not a well-formed event.
    #[error("malformed input event: {0}")]
    Json(#[from] serde_json::Error),
    /// A field of the event is out of bounds.
    #[error("invalid input event: {field} {problem}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Neither the key's value nor its code means anything known.
    #[error("unknown key (code {code:?}, key {key:?})")]
    UnknownKey {
        /// The DOM code.
        code: String,
        /// The DOM key.
        key: String,
    },
    /// The helper holds [`crate::MAX_PRESSED_KEYS`] keys already.
    #[error("too many keys held at once (at most {max})")]
    TooManyPressed {
        /// The limit.
        max: usize,
    },
    /// A character the keyboard map lacks, and no spare keycode to map it to.
    #[error("no spare keycode to type {0:?}")]
    NoSpareKeycode(char),
    /// The display server lacks an extension injection needs.
    #[error("the display server lacks the {0} extension")]
    MissingExtension(&'static str),
    /// The display server could not be reached.
    #[error("cannot connect to the display: {0}")]
    Connect(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The connection failed or the server rejected a request.
    #[error("display server error: {0}")]
    Protocol(#[source] Box<dyn std::error::Error + Send + Sync>),
}
