//! X11 injection through XTEST: the pointer moves in the shared monitor's rectangle, keys are
//! typed by meaning through the sharer's keyboard map.

mod errors;
mod keymap;

use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    BUTTON_PRESS_EVENT, BUTTON_RELEASE_EVENT, ConnectionExt as _, KEY_PRESS_EVENT,
    KEY_RELEASE_EVENT, KeyButMask, MOTION_NOTIFY_EVENT, Mapping, Window,
};
use x11rb::protocol::xtest::{self, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;
use xkeysym::{Keysym, key};

use crate::keysyms::{self, KeyMeaning};
use crate::{
    Button, Injector, InputError, InputEvent, MAX_PRESSED_KEYS, ScreenRect, WHEEL_STEP_PIXELS,
};
use keymap::{Keymap, Level};

/// A key the helper holds down: its DOM code and the keycode pressed for it.
#[derive(Debug)]
struct PressedKey {
    code: String,
    keycode: u8,
}

/// Replays the helper's input on an X11 display with XTEST.
pub struct X11Injector {
    conn: RustConnection,
    root: Window,
    screen: ScreenRect,
    keymap: Keymap,
    pressed_keys: Vec<PressedKey>,
    pressed_buttons: Vec<u8>,
    /// Wheel deltas not yet turned into clicks, in DOM pixels (x, y).
    wheel: (f64, f64),
}

impl std::fmt::Debug for X11Injector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("X11Injector")
            .field("screen", &self.screen)
            .field("pressed_keys", &self.pressed_keys)
            .field("pressed_buttons", &self.pressed_buttons)
            .finish_non_exhaustive()
    }
}

impl X11Injector {
    /// Connects to `display` (`None`: `DISPLAY`). Pointer coordinates are mapped onto `screen`,
    /// the captured monitor's rectangle in desktop pixels (`None`: the whole root window).
    pub fn connect(display: Option<&str>, screen: Option<ScreenRect>) -> Result<Self, InputError> {
        if let Ok(parsed) = x11rb::reexports::x11rb_protocol::parse_display::parse_display(display)
        {
            // x11rb 0.14 computes the TCP port 6000 + n unchecked (a panic in debug builds).
            if parsed.display > u16::MAX - 6000 {
                return Err(InputError::Connect(
                    format!("display number {} is out of range", parsed.display).into(),
                ));
            }
        }
        let (conn, screen_num) = x11rb::connect(display)?;
        let root_screen = conn
            .setup()
            .roots
            .get(screen_num)
            .ok_or_else(|| InputError::Connect("the display has no such screen".into()))?;
        let root = root_screen.root;
        let whole = ScreenRect {
            x: 0,
            y: 0,
            width: u32::from(root_screen.width_in_pixels),
            height: u32::from(root_screen.height_in_pixels),
        };
        if conn
            .extension_information(xtest::X11_EXTENSION_NAME)?
            .is_none()
        {
            return Err(InputError::MissingExtension("XTEST"));
        }
        conn.xtest_get_version(2, 2)?.reply()?;
        let keymap = Keymap::load(&conn)?;
        Ok(X11Injector {
            conn,
            root,
            screen: screen.unwrap_or(whole),
            keymap,
            pressed_keys: Vec::new(),
            pressed_buttons: Vec::new(),
            wheel: (0.0, 0.0),
        })
    }

    /// The rectangle pointer coordinates are mapped onto.
    pub fn screen(&self) -> ScreenRect {
        self.screen
    }

    /// Maps pointer coordinates onto another rectangle (the shared monitor changed).
    pub fn set_screen(&mut self, screen: ScreenRect) {
        self.screen = screen;
    }

    /// Waits until the X server has carried out everything injected so far.
    pub fn sync(&self) -> Result<(), InputError> {
        self.conn.get_input_focus()?.reply()?;
        Ok(())
    }

    fn fake(&self, kind: u8, detail: u8, x: i16, y: i16) -> Result<(), InputError> {
        self.conn
            .xtest_fake_input(kind, detail, x11rb::CURRENT_TIME, self.root, x, y, 0)?;
        Ok(())
    }

    fn key(&mut self, keycode: u8, down: bool) -> Result<(), InputError> {
        self.keymap.touch(keycode);
        let kind = if down {
            KEY_PRESS_EVENT
        } else {
            KEY_RELEASE_EVENT
        };
        self.fake(kind, keycode, 0, 0)
    }

    /// Handles what the server sent us: keyboard mapping changes (a layout switch on the sharer's
    /// side) reload the keymap; errors of earlier requests are logged.
    fn handle_events(&mut self) -> Result<(), InputError> {
        let mut reload = false;
        while let Some(event) = self.conn.poll_for_event()? {
            match event {
                Event::MappingNotify(m) if m.request != Mapping::POINTER => {
                    // A change of one spare keycode is our own remapping, already applied locally.
                    let ours = m.request == Mapping::KEYBOARD
                        && m.count == 1
                        && self.keymap.is_spare(m.first_keycode);
                    reload |= !ours;
                }
                Event::Error(e) => tracing::warn!(error = ?e, "X11 input request failed"),
                _ => {}
            }
        }
        if reload {
            self.keymap.refresh(&self.conn)?;
        }
        Ok(())
    }

    fn modifier_state(&self) -> Result<KeyButMask, InputError> {
        Ok(self.conn.query_pointer(self.root)?.reply()?.mask)
    }

    /// Presses whatever types `c` (keysym `sym`) with the Shift state it needs, and returns the
    /// keycode now down. `code`, for a key event, is the physical key to fall back on when the
    /// character is missing from the sharer's map while Control, Alt or Super is held (a shortcut
    /// typed on a non-Latin layout: Ctrl + Cyrillic "с" means Ctrl+C).
    fn press_char(&mut self, c: char, sym: Keysym, code: Option<&str>) -> Result<u8, InputError> {
        let state = self.modifier_state()?;
        if let Some((keycode, level)) = self.keymap.find(sym) {
            self.press_at_level(keycode, level, state)?;
            return Ok(keycode);
        }
        let shortcut = state.intersects(KeyButMask::CONTROL | KeyButMask::MOD1 | KeyButMask::MOD4);
        if shortcut
            && let Some(physical) = code.and_then(keysyms::code_keysym)
            && let Some((keycode, _)) = self.keymap.find(physical)
        {
            self.key(keycode, true)?;
            return Ok(keycode);
        }
        let held: Vec<u8> = self.pressed_keys.iter().map(|k| k.keycode).collect();
        let keycode = self
            .keymap
            .map_spare(&self.conn, sym, |k| held.contains(&k))?
            .ok_or(InputError::NoSpareKeycode(c))?;
        self.key(keycode, true)?;
        Ok(keycode)
    }

    /// Presses `keycode` so that it gives its `level`: Shift is pressed or released around it as
    /// needed (Caps Lock taken into account) and put back as it was.
    fn press_at_level(
        &mut self,
        keycode: u8,
        level: Level,
        state: KeyButMask,
    ) -> Result<(), InputError> {
        let lock = state.contains(KeyButMask::LOCK) && self.keymap.is_alphabetic(keycode);
        let want_shift = (level == Level::Shift) != lock;
        let have_shift = state.contains(KeyButMask::SHIFT);
        if want_shift == have_shift {
            return self.key(keycode, true);
        }
        if want_shift {
            let Some(shift) = self.keymap.shift_keycode() else {
                return self.key(keycode, true);
            };
            self.key(shift, true)?;
            self.key(keycode, true)?;
            return self.key(shift, false);
        }
        // Shift is down (the helper's, or the sharer's own) but the character is unshifted.
        let keys = self.conn.query_keymap()?.reply()?.keys;
        let held: Vec<u8> = self
            .keymap
            .shift_keycodes()
            .iter()
            .copied()
            .filter(|&k| keys[usize::from(k / 8)] & (1 << (k % 8)) != 0)
            .collect();
        for &k in &held {
            self.key(k, false)?;
        }
        self.key(keycode, true)?;
        for &k in &held {
            self.key(k, true)?;
        }
        Ok(())
    }

    /// Presses the keycode for a non-character keysym (mapping a spare if the map lacks it).
    fn press_named(&mut self, sym: Keysym) -> Result<u8, InputError> {
        let keycode = match self.keymap.find(sym) {
            Some((keycode, _)) => keycode,
            None => {
                let held: Vec<u8> = self.pressed_keys.iter().map(|k| k.keycode).collect();
                self.keymap
                    .map_spare(&self.conn, sym, |k| held.contains(&k))?
                    .ok_or(InputError::NoSpareKeycode(sym.key_char().unwrap_or('?')))?
            }
        };
        self.key(keycode, true)?;
        Ok(keycode)
    }

    fn key_down(&mut self, code: &str, key: &str) -> Result<(), InputError> {
        let meaning = keysyms::meaning(code, key).ok_or_else(|| InputError::UnknownKey {
            code: code.to_owned(),
            key: key.to_owned(),
        })?;
        let held = self.pressed_keys.iter().position(|k| k.code == code);
        if held.is_none() && self.pressed_keys.len() >= MAX_PRESSED_KEYS {
            return Err(InputError::TooManyPressed {
                max: MAX_PRESSED_KEYS,
            });
        }
        let keycode = match meaning {
            KeyMeaning::Ignore => return Ok(()),
            KeyMeaning::Char(c, sym) => self.press_char(c, sym, Some(code))?,
            KeyMeaning::Named(sym) => self.press_named(sym)?,
        };
        match held {
            // A repeat: the key is pressed again (as X auto-repeat does); if it now maps to
            // another keycode, the old one is let go.
            Some(i) => {
                let old = std::mem::replace(&mut self.pressed_keys[i].keycode, keycode);
                if old != keycode {
                    self.key(old, false)?;
                }
            }
            None => self.pressed_keys.push(PressedKey {
                code: code.to_owned(),
                keycode,
            }),
        }
        Ok(())
    }

    fn key_up(&mut self, code: &str) -> Result<(), InputError> {
        // A key-up without its key-down (pressed before control was granted) is ignored.
        if let Some(i) = self.pressed_keys.iter().position(|k| k.code == code) {
            let pressed = self.pressed_keys.remove(i);
            self.key(pressed.keycode, false)?;
        }
        Ok(())
    }

    fn type_text(&mut self, text: &str) -> Result<(), InputError> {
        let mut after_cr = false;
        for c in text.chars() {
            let named = match c {
                '\n' if after_cr => {
                    after_cr = false;
                    continue;
                }
                '\r' | '\n' => Some(key::Return),
                '\t' => Some(key::Tab),
                _ => None,
            };
            after_cr = c == '\r';
            let keycode = match named {
                Some(raw) => self.press_named(Keysym::new(raw))?,
                // Unicode non-characters have no keysym: nothing can type them.
                None if Keysym::from_char(c) == Keysym::NoSymbol => continue,
                None => self.press_char(c, Keysym::from_char(c), None)?,
            };
            self.key(keycode, false)?;
        }
        Ok(())
    }

    fn button(&mut self, button: Button, down: bool) -> Result<(), InputError> {
        let number = match button {
            Button::Left => 1,
            Button::Middle => 2,
            Button::Right => 3,
            Button::Back => 8,
            Button::Forward => 9,
        };
        let held = self.pressed_buttons.iter().position(|&b| b == number);
        match (down, held) {
            (true, None) => self.pressed_buttons.push(number),
            (false, Some(i)) => {
                self.pressed_buttons.remove(i);
            }
            // Pressed twice: press again; released without a press: nothing to release.
            (true, Some(_)) => {}
            (false, None) => return Ok(()),
        }
        let kind = if down {
            BUTTON_PRESS_EVENT
        } else {
            BUTTON_RELEASE_EVENT
        };
        self.fake(kind, number, 0, 0)
    }

    fn wheel(&mut self, dx: f64, dy: f64) -> Result<(), InputError> {
        /// Adds `delta` to `acc` and returns the whole clicks it makes (negative: up/left).
        fn clicks(acc: &mut f64, delta: f64) -> i64 {
            if delta != 0.0 && acc.signum() != delta.signum() {
                *acc = 0.0; // a change of direction drops the other direction's remainder
            }
            *acc += delta;
            let n = (*acc / WHEEL_STEP_PIXELS).trunc();
            *acc -= n * WHEEL_STEP_PIXELS;
            n as i64
        }
        let vertical = clicks(&mut self.wheel.1, dy);
        let horizontal = clicks(&mut self.wheel.0, dx);
        for (n, negative, positive) in [(vertical, 4u8, 5u8), (horizontal, 6, 7)] {
            let button = if n < 0 { negative } else { positive };
            for _ in 0..n.unsigned_abs() {
                self.fake(BUTTON_PRESS_EVENT, button, 0, 0)?;
                self.fake(BUTTON_RELEASE_EVENT, button, 0, 0)?;
            }
        }
        Ok(())
    }

    fn move_to(&mut self, nx: f64, ny: f64) -> Result<(), InputError> {
        let (x, y) = self.screen.to_desktop(nx, ny);
        let clamp = |v: i32| v.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
        // Detail 0: absolute coordinates on `root`.
        self.fake(MOTION_NOTIFY_EVENT, 0, clamp(x), clamp(y))
    }
}

impl Injector for X11Injector {
    fn inject(&mut self, ev: &InputEvent) -> Result<(), InputError> {
        let ev = ev.sanitized()?;
        self.handle_events()?;
        let result = match &ev {
            InputEvent::MouseMove { x, y } => self.move_to(*x, *y),
            InputEvent::MouseButton { button, down } => self.button(*button, *down),
            InputEvent::Wheel { dx, dy } => self.wheel(*dx, *dy),
            InputEvent::Key {
                code,
                key,
                down: true,
            } => self.key_down(code, key),
            InputEvent::Key {
                code, down: false, ..
            } => self.key_up(code),
            InputEvent::Text { text } => self.type_text(text),
        };
        // Whatever was sent before a failure still goes out now, not with the next event.
        self.conn.flush()?;
        result
    }

    fn release_all(&mut self) -> Result<(), InputError> {
        let keys = std::mem::take(&mut self.pressed_keys);
        for pressed in keys.iter().rev() {
            self.key(pressed.keycode, false)?;
        }
        for button in std::mem::take(&mut self.pressed_buttons) {
            self.fake(BUTTON_RELEASE_EVENT, button, 0, 0)?;
        }
        self.wheel = (0.0, 0.0);
        self.keymap.restore(&self.conn)?;
        self.sync()
    }
}

impl Drop for X11Injector {
    fn drop(&mut self) {
        if let Err(e) = self.release_all() {
            tracing::warn!(error = %e, "releasing injected input at the end failed");
        }
    }
}
