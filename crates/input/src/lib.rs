//! The helper's mouse and keyboard, replayed on the sharer's desktop.
//!
//! The helper's page sends [`InputEvent`]s as JSON on a WebRTC data channel; the agent parses them
//! with [`InputEvent::from_json`] (size limit, then validation: finite numbers, coordinates clamped
//! to the shared screen, bounded strings) and hands them to an [`Injector`] while, and only while,
//! the session is `Active(control)`. When consent is withdrawn or the session ends the agent calls
//! [`Injector::release_all`], which lets go of every key and button the helper still holds.
//!
//! Keys are replayed by meaning, not by position: a helper on an AZERTY keyboard who types "a"
//! produces "a" on a US sharer. The event's DOM `key` (the character the helper's layout produced)
//! is looked up in the sharer's keyboard map; keys that produce no character (Enter, arrows,
//! F-keys, modifiers) go by the DOM `code`; a character the sharer's map lacks is typed through a
//! spare keycode that is remapped for the purpose and restored afterwards.
//!
//! Systems: X11 through the XTEST extension ([`X11Injector`], Linux). Wayland (the RemoteDesktop
//! portal or a virtual keyboard) is meant to be another [`Injector`]; [`InputEvent`] knows nothing
//! of X11.
//!
//! Threads: none of its own. `inject` sends its requests and returns without waiting for the X
//! server (one round trip only when a character needs the current modifier state), so it can run
//! on the agent's network loop.

#![warn(
    missing_docs,
    unreachable_pub,
    let_underscore_drop,
    clippy::let_underscore_must_use
)]

mod error;
mod event;
mod injector;
#[cfg(target_os = "linux")]
pub mod keysyms;
#[cfg(target_os = "linux")]
mod x11;

pub use error::InputError;
pub use event::{
    Button, InputEvent, MAX_CODE_LEN, MAX_EVENT_JSON_BYTES, MAX_KEY_LEN, MAX_TEXT_CHARS,
    MAX_WHEEL_DELTA,
};
pub use injector::{Injector, MAX_PRESSED_KEYS, ScreenRect, WHEEL_STEP_PIXELS};
#[cfg(target_os = "linux")]
pub use x11::X11Injector;
