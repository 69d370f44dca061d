//! The helper's input through a remote-desktop session (Mutter's or the portal's): pointer in the
//! recorded monitor's pixels, buttons and keys by evdev code, characters by keysym (the
//! compositor finds the key and level, so any Unicode character its keymap can reach is typed).
//!
//! [`PortalInjector`] asks the portal for input only when the helper first sends some under
//! control (the dialog's "Allow remote interaction"), on a thread of its own so the session goes
//! on while the sharer answers; events until then are refused, with the reason.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use assist_input::keysyms::{self, KeyMeaning};
use assist_input::{
    Button, Injector, InputError, InputEvent, MAX_PRESSED_KEYS, ScreenRect, WHEEL_STEP_PIXELS,
};

use crate::input::RemoteInput;
use crate::mutter::Session;
use crate::portal::RemoteDesktop;

/// How long the seat needs after its first key before keys are delivered: Mutter creates the
/// virtual keyboard on the first key event and drops that event, so a throwaway Shift goes first.
pub const FIRST_KEY_SETTLE: Duration = Duration::from_millis(300);

/// evdev `KEY_LEFTSHIFT`.
const KEY_LEFTSHIFT: u32 = 42;
/// evdev `KEY_ENTER` and `KEY_TAB`, for line breaks and tabs in typed text.
const KEY_ENTER: u32 = 28;
const KEY_TAB: u32 = 15;

/// How a key goes to the compositor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Press {
    /// By evdev code: the physical key (keys that produce no character).
    Keycode(u32),
    /// By keysym: whatever key of the sharer's layout gives it.
    Keysym(u32),
}

/// Replays [`InputEvent`]s into a remote-desktop session.
pub struct RemoteInjector<S: RemoteInput> {
    session: S,
    screen: ScreenRect,
    /// Keys held down, by the helper's DOM `code`, with how they were pressed.
    pressed: HashMap<String, Press>,
    buttons: Vec<i32>,
    wheel: (f64, f64),
}

/// The injector of a Mutter session (shared with its capturer).
pub type MutterInjector = RemoteInjector<Arc<Session>>;

impl<S: RemoteInput> std::fmt::Debug for RemoteInjector<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteInjector")
            .field("screen", &self.screen)
            .field("pressed", &self.pressed.len())
            .finish()
    }
}

fn failed(e: zbus::Error) -> InputError {
    InputError::Protocol(Box::new(e))
}

impl MutterInjector {
    /// An injector for `session`'s monitor; sends the throwaway first key (see
    /// [`FIRST_KEY_SETTLE`]).
    pub fn new(session: Arc<Session>) -> Result<MutterInjector, InputError> {
        let (w, h) = (session.monitor().width, session.monitor().height);
        RemoteInjector::with(session, w, h)
    }
}

impl<S: RemoteInput> RemoteInjector<S> {
    /// An injector for `session`, whose monitor is `width` x `height`; sends the throwaway first
    /// key (see [`FIRST_KEY_SETTLE`]).
    pub fn with(session: S, width: u32, height: u32) -> Result<RemoteInjector<S>, InputError> {
        let screen = ScreenRect {
            x: 0,
            y: 0,
            width: width.max(1),
            height: height.max(1),
        };
        session.keycode(KEY_LEFTSHIFT, true).map_err(failed)?;
        session.keycode(KEY_LEFTSHIFT, false).map_err(failed)?;
        std::thread::sleep(FIRST_KEY_SETTLE);
        Ok(RemoteInjector {
            session,
            screen,
            pressed: HashMap::new(),
            buttons: Vec::new(),
            wheel: (0.0, 0.0),
        })
    }

    fn send(&self, press: Press, down: bool) -> Result<(), InputError> {
        match press {
            Press::Keycode(c) => self.session.keycode(c, down),
            Press::Keysym(s) => self.session.keysym(s, down),
        }
        .map_err(failed)
    }

    fn key_down(&mut self, code: &str, key: &str) -> Result<(), InputError> {
        if let Some(&held) = self.pressed.get(code) {
            // A repeat: Mutter repeats by itself only for real keyboards.
            return self.send(held, true);
        }
        let Some(press) = plan(code, key)? else {
            return Ok(());
        };
        if self.pressed.len() >= MAX_PRESSED_KEYS {
            return Err(InputError::TooManyPressed {
                max: MAX_PRESSED_KEYS,
            });
        }
        self.send(press, true)?;
        self.pressed.insert(code.to_owned(), press);
        Ok(())
    }

    fn key_up(&mut self, code: &str) -> Result<(), InputError> {
        match self.pressed.remove(code) {
            Some(press) => self.send(press, false),
            None => Ok(()),
        }
    }

    fn type_text(&mut self, text: &str) -> Result<(), InputError> {
        for c in text.chars() {
            let press = match c {
                '\n' | '\r' => Press::Keycode(KEY_ENTER),
                '\t' => Press::Keycode(KEY_TAB),
                c => match char_keysym(c) {
                    Some(sym) => Press::Keysym(sym),
                    None => continue,
                },
            };
            self.send(press, true)?;
            self.send(press, false)?;
        }
        Ok(())
    }

    fn wheel(&mut self, dx: f64, dy: f64) -> Result<(), InputError> {
        fn clicks(acc: &mut f64, delta: f64) -> i32 {
            *acc += delta / WHEEL_STEP_PIXELS;
            let n = acc.trunc();
            *acc -= n;
            n as i32
        }
        let (mut ax, mut ay) = self.wheel;
        let (sx, sy) = (clicks(&mut ax, dx), clicks(&mut ay, dy));
        self.wheel = (ax, ay);
        if sy != 0 {
            self.session.pointer_axis_steps(0, sy).map_err(failed)?;
        }
        if sx != 0 {
            self.session.pointer_axis_steps(1, sx).map_err(failed)?;
        }
        Ok(())
    }
}

impl<S: RemoteInput> Injector for RemoteInjector<S> {
    fn inject(&mut self, ev: &InputEvent) -> Result<(), InputError> {
        match ev.sanitized()? {
            InputEvent::MouseMove { x, y } => {
                let (px, py) = self.screen.to_desktop(x, y);
                self.session
                    .pointer_to(f64::from(px), f64::from(py))
                    .map_err(failed)
            }
            InputEvent::MouseButton { button, down } => {
                let code = evdev_button(button);
                self.session.pointer_button(code, down).map_err(failed)?;
                self.buttons.retain(|b| *b != code);
                if down {
                    self.buttons.push(code);
                }
                Ok(())
            }
            InputEvent::Wheel { dx, dy } => self.wheel(dx, dy),
            InputEvent::Key { code, key, down } => {
                if down {
                    self.key_down(&code, &key)
                } else {
                    self.key_up(&code)
                }
            }
            InputEvent::Text { text } => self.type_text(&text),
        }
    }

    fn release_all(&mut self) -> Result<(), InputError> {
        let mut first_error = None;
        for (_, press) in std::mem::take(&mut self.pressed) {
            if let Err(e) = self.send(press, false) {
                first_error.get_or_insert(e);
            }
        }
        for code in std::mem::take(&mut self.buttons) {
            if let Err(e) = self.session.pointer_button(code, false) {
                first_error.get_or_insert(failed(e));
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl<S: RemoteInput> Drop for RemoteInjector<S> {
    fn drop(&mut self) {
        let _ = self.release_all();
    }
}

/// Where the portal's input stands.
enum PortalInput {
    /// Not asked yet (or asked again after a refusal).
    Idle,
    /// The dialog is up; the answer comes on the receiver.
    Asking(Receiver<Result<RemoteInjector<RemoteDesktop>, String>>),
    /// Allowed.
    Ready(Box<RemoteInjector<RemoteDesktop>>),
    /// Refused or failed: why (asked again when control next ends and starts).
    Failed(String),
}

/// Replays [`InputEvent`]s through the desktop portal's remote-desktop session, which it asks for
/// when the first event comes (so a session the helper only watches never asks for input).
pub struct PortalInjector {
    state: PortalInput,
}

impl std::fmt::Debug for PortalInjector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            PortalInput::Idle => "idle",
            PortalInput::Asking(_) => "asking",
            PortalInput::Ready(_) => "ready",
            PortalInput::Failed(_) => "failed",
        };
        f.debug_struct("PortalInjector")
            .field("state", &state)
            .finish()
    }
}

impl Default for PortalInjector {
    fn default() -> Self {
        PortalInjector::new()
    }
}

fn waiting(why: String) -> InputError {
    InputError::Connect(why.into())
}

impl PortalInjector {
    /// An injector that has asked nothing yet.
    pub fn new() -> PortalInjector {
        PortalInjector {
            state: PortalInput::Idle,
        }
    }

    /// Asks the portal on a thread of its own.
    fn ask(&mut self) -> Result<(), InputError> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("assist-portal-input".into())
            .spawn(move || {
                let answer = RemoteDesktop::start()
                    .map_err(|e| e.to_string())
                    .and_then(|rd| {
                        let (w, h) = (rd.monitor().width, rd.monitor().height);
                        RemoteInjector::with(rd, w, h).map_err(|e| e.to_string())
                    });
                let _ = tx.send(answer);
            })
            .map_err(|e| waiting(e.to_string()))?;
        tracing::info!("asking the desktop portal for remote input: the sharer answers its dialog");
        self.state = PortalInput::Asking(rx);
        Ok(())
    }

    /// The ready injector, or why there is none yet.
    fn ready(&mut self) -> Result<&mut RemoteInjector<RemoteDesktop>, InputError> {
        if let PortalInput::Idle = self.state {
            self.ask()?;
        }
        if let PortalInput::Asking(rx) = &self.state {
            self.state = match rx.try_recv() {
                Ok(Ok(inj)) => {
                    tracing::info!("the sharer allowed remote input in the portal's dialog");
                    PortalInput::Ready(Box::new(inj))
                }
                Ok(Err(why)) => {
                    tracing::warn!(%why, "no remote input through the portal");
                    PortalInput::Failed(why)
                }
                Err(TryRecvError::Empty) => {
                    return Err(waiting(
                        "waiting for the sharer to allow remote input in the desktop's dialog"
                            .into(),
                    ));
                }
                Err(TryRecvError::Disconnected) => {
                    PortalInput::Failed("the portal request ended".into())
                }
            };
        }
        match &mut self.state {
            PortalInput::Ready(inj) => Ok(&mut **inj),
            PortalInput::Failed(why) => Err(waiting(why.clone())),
            PortalInput::Idle | PortalInput::Asking(_) => Err(waiting("not asked yet".into())),
        }
    }
}

impl Injector for PortalInjector {
    fn inject(&mut self, ev: &InputEvent) -> Result<(), InputError> {
        self.ready()?.inject(ev)
    }

    fn release_all(&mut self) -> Result<(), InputError> {
        match &mut self.state {
            PortalInput::Ready(inj) => inj.release_all(),
            // Control ended after a refusal: the next control asks again.
            PortalInput::Failed(_) => {
                self.state = PortalInput::Idle;
                Ok(())
            }
            PortalInput::Idle | PortalInput::Asking(_) => Ok(()),
        }
    }
}

/// The evdev button code of a DOM button.
fn evdev_button(button: Button) -> i32 {
    match button {
        Button::Left => 0x110,
        Button::Right => 0x111,
        Button::Middle => 0x112,
        Button::Back => 0x113,
        Button::Forward => 0x114,
    }
}

/// The keysym of a character (Latin-1 keysyms are the code point; others are 0x0100_0000 + it).
fn char_keysym(c: char) -> Option<u32> {
    let sym = xkeysym::Keysym::from_char(c);
    (sym != xkeysym::Keysym::NoSymbol).then(|| sym.raw())
}

/// How to press the helper's key: characters by keysym, other keys by evdev code where the
/// physical key is known, else by keysym. `Ok(None)`: nothing to press (a dead key).
fn plan(code: &str, key: &str) -> Result<Option<Press>, InputError> {
    match keysyms::meaning(code, key) {
        Some(KeyMeaning::Char(_, sym)) => Ok(Some(Press::Keysym(sym.raw()))),
        Some(KeyMeaning::Named(sym)) => Ok(Some(
            evdev_key(code).map_or(Press::Keysym(sym.raw()), Press::Keycode),
        )),
        Some(KeyMeaning::Ignore) => Ok(None),
        None => Err(InputError::UnknownKey {
            code: code.to_owned(),
            key: key.to_owned(),
        }),
    }
}

/// The evdev code (`KEY_*`) of a DOM `code` for keys that produce no character.
fn evdev_key(code: &str) -> Option<u32> {
    if let Some(n) = code.strip_prefix('F').and_then(|n| n.parse::<u32>().ok()) {
        return match n {
            1..=10 => Some(58 + n),
            11 | 12 => Some(76 + n),
            13..=24 => Some(170 + n),
            _ => None,
        };
    }
    Some(match code {
        "Escape" => 1,
        "Backspace" => 14,
        "Tab" => 15,
        "Enter" => 28,
        "ControlLeft" => 29,
        "ShiftLeft" => 42,
        "ShiftRight" => 54,
        "AltLeft" => 56,
        "Space" => 57,
        "CapsLock" => 58,
        "NumLock" => 69,
        "ScrollLock" => 70,
        "NumpadEnter" => 96,
        "ControlRight" => 97,
        "PrintScreen" => 99,
        "AltRight" => 100,
        "Home" => 102,
        "ArrowUp" => 103,
        "PageUp" => 104,
        "ArrowLeft" => 105,
        "ArrowRight" => 106,
        "End" => 107,
        "ArrowDown" => 108,
        "PageDown" => 109,
        "Insert" => 110,
        "Delete" => 111,
        "Pause" => 119,
        "MetaLeft" => 125,
        "MetaRight" => 126,
        "ContextMenu" => 127,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_go_by_keysym_and_other_keys_by_evdev_code() {
        // An AZERTY helper's "a" on the Q key is the character a, wherever it is on the sharer.
        assert_eq!(plan("KeyQ", "a").unwrap(), Some(Press::Keysym(0x61)));
        assert_eq!(plan("KeyE", "é").unwrap(), Some(Press::Keysym(0xe9)));
        assert_eq!(plan("KeyZ", "Ж").unwrap(), Some(Press::Keysym(0x06f6)));
        assert_eq!(plan("KeyZ", "☃").unwrap(), Some(Press::Keysym(0x0100_2603)));
        assert_eq!(plan("Enter", "Enter").unwrap(), Some(Press::Keycode(28)));
        assert_eq!(
            plan("ShiftLeft", "Shift").unwrap(),
            Some(Press::Keycode(42))
        );
        assert_eq!(
            plan("ArrowLeft", "ArrowLeft").unwrap(),
            Some(Press::Keycode(105))
        );
        assert_eq!(plan("F1", "F1").unwrap(), Some(Press::Keycode(59)));
        assert_eq!(plan("F12", "F12").unwrap(), Some(Press::Keycode(88)));
        assert_eq!(plan("F13", "F13").unwrap(), Some(Press::Keycode(183)));
        assert_eq!(plan("Quote", "Dead").unwrap(), None);
        // A named key whose position is unknown goes by keysym.
        assert!(matches!(
            plan("", "Home").unwrap(),
            Some(Press::Keysym(0xff50))
        ));
        assert!(plan("Nonsense", "Nonsense").is_err());
    }

    #[test]
    fn buttons_are_evdev_codes() {
        assert_eq!(evdev_button(Button::Left), 0x110);
        assert_eq!(evdev_button(Button::Forward), 0x114);
    }
}
