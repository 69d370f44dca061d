//! XTEST injection against a private Xvfb, observed by another X client the way an application
//! would see it: pointer position, button and key events, and the characters they type.

#![cfg(target_os = "linux")]

use assist_capture::testing::{Xvfb, XvfbError};
use assist_input::{Button, Injector, InputError, InputEvent, ScreenRect, X11Injector};
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    ConnectionExt as _, CreateWindowAux, EventMask, InputFocus, KeyButMask, KeyPressEvent, Window,
    WindowClass,
};
use x11rb::rust_connection::RustConnection;
use xkeysym::{KeyCode, Keysym, key};

fn xvfb() -> Option<Xvfb> {
    match Xvfb::start(1280, 720) {
        Ok(x) => Some(x),
        Err(XvfbError::NotInstalled) => {
            eprintln!("skipping: Xvfb is not installed (apt-get install xvfb)");
            None
        }
        Err(e) => panic!("cannot start Xvfb: {e}"),
    }
}

/// An application on the sharer's desktop: one focused window over the whole screen that records
/// what reaches it.
struct App {
    conn: RustConnection,
    root: Window,
}

impl App {
    fn new(display: &str) -> App {
        let (conn, screen_num) = x11rb::connect(Some(display)).expect("connect app");
        let screen = conn.setup().roots[screen_num].clone();
        let window = conn.generate_id().unwrap();
        let events = EventMask::KEY_PRESS
            | EventMask::KEY_RELEASE
            | EventMask::BUTTON_PRESS
            | EventMask::BUTTON_RELEASE
            | EventMask::POINTER_MOTION;
        conn.create_window(
            screen.root_depth,
            window,
            screen.root,
            0,
            0,
            screen.width_in_pixels,
            screen.height_in_pixels,
            0,
            WindowClass::INPUT_OUTPUT,
            0,
            &CreateWindowAux::new()
                .override_redirect(1)
                .event_mask(events),
        )
        .unwrap();
        conn.map_window(window).unwrap();
        conn.get_input_focus().unwrap().reply().unwrap();
        conn.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME)
            .unwrap();
        conn.get_input_focus().unwrap().reply().unwrap();
        App {
            conn,
            root: screen.root,
        }
    }

    /// Every event that reached the window so far (the injector must have synced first).
    fn events(&self) -> Vec<Event> {
        self.conn.get_input_focus().unwrap().reply().unwrap();
        let mut events = Vec::new();
        while let Some(e) = self.conn.poll_for_event().unwrap() {
            events.push(e);
        }
        events
    }

    fn pointer(&self) -> (i16, i16, KeyButMask) {
        let p = self.conn.query_pointer(self.root).unwrap().reply().unwrap();
        (p.root_x, p.root_y, p.mask)
    }

    /// The keysym a key press gives, by the core protocol's rules (read with xkeysym, not with
    /// the code under test).
    fn keysym(&self, press: &KeyPressEvent) -> Keysym {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let mapping = self
            .conn
            .get_keyboard_mapping(min, max - min + 1)
            .unwrap()
            .reply()
            .unwrap();
        let base = xkeysym::keysym(
            KeyCode::new(u32::from(press.detail)),
            0,
            KeyCode::new(u32::from(min)),
            mapping.keysyms_per_keycode,
            &mapping.keysyms,
        )
        .unwrap_or(Keysym::NoSymbol);
        let upper = xkeysym::keysym(
            KeyCode::new(u32::from(press.detail)),
            1,
            KeyCode::new(u32::from(min)),
            mapping.keysyms_per_keycode,
            &mapping.keysyms,
        )
        .unwrap_or(Keysym::NoSymbol);
        let alphabetic = matches!(
            (base.key_char(), upper.key_char()),
            (Some(b), Some(u)) if b.is_lowercase() && u.is_uppercase()
        );
        let shift = press.state.contains(KeyButMask::SHIFT);
        let lock = press.state.contains(KeyButMask::LOCK) && alphabetic;
        if shift != lock { upper } else { base }
    }

    /// Key presses among `events`, as keysyms.
    fn pressed(&self, events: &[Event]) -> Vec<(Keysym, KeyButMask)> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::KeyPress(k) => Some((self.keysym(k), k.state)),
                _ => None,
            })
            .collect()
    }

    /// What the key presses among `events` typed.
    fn typed(&self, events: &[Event]) -> String {
        self.pressed(events)
            .into_iter()
            .filter_map(|(sym, _)| match sym.raw() {
                key::Return => Some('\n'),
                key::Tab => Some('\t'),
                _ if sym.is_modifier_key() => None,
                _ => sym.key_char(),
            })
            .collect()
    }
}

fn key(code: &str, key: &str, down: bool) -> InputEvent {
    InputEvent::Key {
        code: code.into(),
        key: key.into(),
        down,
    }
}

/// Presses and releases, as the page sends a keystroke.
fn stroke(injector: &mut X11Injector, code: &str, k: &str) {
    injector.inject(&key(code, k, true)).unwrap();
    injector.inject(&key(code, k, false)).unwrap();
}

#[test]
fn pointer_moves_within_the_shared_rectangle() {
    let Some(x) = xvfb() else { return };
    let app = App::new(x.display());
    let mut injector = X11Injector::connect(Some(x.display()), None).expect("connect");
    for ((nx, ny), expected) in [
        ((0.5, 0.5), (640, 360)),
        ((0.0, 0.0), (0, 0)),
        ((1.0, 1.0), (1279, 719)),
        ((0.25, 0.75), (320, 539)),
    ] {
        injector
            .inject(&InputEvent::MouseMove { x: nx, y: ny })
            .unwrap();
        injector.sync().unwrap();
        let (px, py, _) = app.pointer();
        assert_eq!((px, py), expected, "for {nx},{ny}");
    }
    let motion = app
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::MotionNotify(_)))
        .count();
    assert!(motion >= 3, "the window saw {motion} motions");

    // The right half of the screen as the shared monitor; out-of-range values are clamped.
    injector.set_screen(ScreenRect {
        x: 640,
        y: 0,
        width: 640,
        height: 720,
    });
    injector
        .inject(&InputEvent::MouseMove { x: 0.0, y: 0.0 })
        .unwrap();
    injector.sync().unwrap();
    assert_eq!(app.pointer().0, 640);
    injector
        .inject(&InputEvent::MouseMove { x: 7.0, y: -1.0 })
        .unwrap();
    injector.sync().unwrap();
    assert_eq!((app.pointer().0, app.pointer().1), (1279, 0));
    let refused = injector.inject(&InputEvent::MouseMove {
        x: f64::NAN,
        y: 0.0,
    });
    assert!(matches!(refused, Err(InputError::Invalid { .. })));
}

#[test]
fn buttons_and_wheel_reach_the_window_under_the_pointer() {
    let Some(x) = xvfb() else { return };
    let app = App::new(x.display());
    let mut injector = X11Injector::connect(Some(x.display()), None).expect("connect");
    injector
        .inject(&InputEvent::MouseMove { x: 0.1, y: 0.1 })
        .unwrap();
    for button in [
        Button::Left,
        Button::Right,
        Button::Middle,
        Button::Back,
        Button::Forward,
    ] {
        for down in [true, false] {
            injector
                .inject(&InputEvent::MouseButton { button, down })
                .unwrap();
        }
    }
    // 2.5 notches down (the half stays pending), half a notch more, one notch left.
    injector
        .inject(&InputEvent::Wheel { dx: 0.0, dy: 250.0 })
        .unwrap();
    injector
        .inject(&InputEvent::Wheel { dx: 0.0, dy: 50.0 })
        .unwrap();
    injector
        .inject(&InputEvent::Wheel {
            dx: -100.0,
            dy: 0.0,
        })
        .unwrap();
    injector.sync().unwrap();
    let events = app.events();
    let presses: Vec<u8> = events
        .iter()
        .filter_map(|e| match e {
            Event::ButtonPress(b) => Some(b.detail),
            _ => None,
        })
        .collect();
    let releases = events
        .iter()
        .filter(|e| matches!(e, Event::ButtonRelease(_)))
        .count();
    assert_eq!(presses, vec![1, 3, 2, 8, 9, 5, 5, 5, 6]);
    assert_eq!(releases, presses.len());
    let at = events.iter().find_map(|e| match e {
        Event::ButtonPress(b) => Some((b.root_x, b.root_y)),
        _ => None,
    });
    assert_eq!(at, Some((128, 72)));
}

#[test]
fn keys_are_typed_by_meaning_not_position() {
    let Some(x) = xvfb() else { return };
    let app = App::new(x.display());
    let mut injector = X11Injector::connect(Some(x.display()), None).expect("connect");

    // AZERTY helper: the key at the US "q" position types "a".
    stroke(&mut injector, "KeyQ", "a");
    // AZERTY helper: Shift + the key at the US "1" position types "1", which on the US sharer
    // must be typed without Shift although the helper holds it.
    injector.inject(&key("ShiftLeft", "Shift", true)).unwrap();
    stroke(&mut injector, "Digit1", "1");
    stroke(&mut injector, "KeyA", "A");
    injector.inject(&key("ShiftLeft", "Shift", false)).unwrap();
    // A character the helper typed without Shift that needs it on the sharer.
    stroke(&mut injector, "Digit8", "!");
    // A dead key does nothing; the composed character arrives as the next key.
    stroke(&mut injector, "BracketLeft", "Dead");
    stroke(&mut injector, "KeyE", "ê");
    // Non-character keys go by code.
    stroke(&mut injector, "Enter", "Enter");
    stroke(&mut injector, "ArrowLeft", "ArrowLeft");
    stroke(&mut injector, "F5", "F5");
    injector.sync().unwrap();

    let events = app.events();
    let pressed = app.pressed(&events);
    let syms: Vec<u32> = pressed.iter().map(|(s, _)| s.raw()).collect();
    assert_eq!(
        syms,
        vec![
            key::a,
            key::Shift_L,
            key::_1,
            key::Shift_L, // the helper's Shift again, once "1" went down
            key::A,
            key::Shift_L, // pressed for "!"
            key::exclam,
            key::ecircumflex,
            key::Return,
            key::Left,
            key::F5,
        ],
        "got {:?}",
        pressed.iter().map(|(s, _)| s.name()).collect::<Vec<_>>()
    );
    assert!(
        !pressed[2].1.contains(KeyButMask::SHIFT),
        "1 typed with Shift"
    );
    assert!(
        pressed[4].1.contains(KeyButMask::SHIFT),
        "A typed without Shift"
    );
    assert_eq!(app.typed(&events), "a1A!ê\n");
    let presses = pressed.len();
    let releases = events
        .iter()
        .filter(|e| matches!(e, Event::KeyRelease(_)))
        .count();
    assert_eq!(presses, releases, "every press released");
    assert!(!app.pointer().2.contains(KeyButMask::SHIFT));
}

#[test]
fn text_types_any_unicode_and_spares_are_restored() {
    let Some(x) = xvfb() else { return };
    let app = App::new(x.display());
    let mut injector = X11Injector::connect(Some(x.display()), None).expect("connect");
    let text = "Hello, wörld! 1+1=2 €ĳ Жук 你好\tok\r\nbye\n";
    injector
        .inject(&InputEvent::Text { text: text.into() })
        .unwrap();
    injector.sync().unwrap();
    let events = app.events();
    assert_eq!(app.typed(&events), text.replace("\r\n", "\n"));

    // The keycodes borrowed for "ö", "€", "Ж"... are empty again after release_all.
    let borrowed: Vec<u8> = events
        .iter()
        .filter_map(|e| match e {
            Event::KeyPress(k) if app.keysym(k).raw() == Keysym::from_char('你').raw() => {
                Some(k.detail)
            }
            _ => None,
        })
        .collect();
    assert_eq!(borrowed.len(), 1);
    injector.release_all().unwrap();
    let mapping = app
        .conn
        .get_keyboard_mapping(borrowed[0], 1)
        .unwrap()
        .reply()
        .unwrap();
    assert!(
        mapping.keysyms.iter().all(|&s| s == 0),
        "keycode {} still maps {:?}",
        borrowed[0],
        mapping.keysyms
    );
}

#[test]
fn caps_lock_and_shortcuts_on_other_layouts() {
    let Some(x) = xvfb() else { return };
    let app = App::new(x.display());
    let mut injector = X11Injector::connect(Some(x.display()), None).expect("connect");
    // Caps Lock on at the sharer: "a" and "B" still come out as typed.
    stroke(&mut injector, "CapsLock", "CapsLock");
    injector.sync().unwrap();
    assert!(
        app.pointer().2.contains(KeyButMask::LOCK),
        "Caps Lock is on"
    );
    stroke(&mut injector, "KeyA", "a");
    stroke(&mut injector, "KeyB", "B");
    stroke(&mut injector, "Digit2", "2");
    stroke(&mut injector, "CapsLock", "CapsLock");
    injector.sync().unwrap();
    let events = app.events();
    assert_eq!(app.typed(&events), "aB2");

    // A Russian helper's Ctrl+C: the key is Cyrillic "с", which the US sharer lacks, so the
    // physical key is used and the application sees Control + c.
    injector
        .inject(&key("ControlLeft", "Control", true))
        .unwrap();
    stroke(&mut injector, "KeyC", "с");
    injector
        .inject(&key("ControlLeft", "Control", false))
        .unwrap();
    injector.sync().unwrap();
    let pressed = app.pressed(&app.events());
    let c = pressed
        .iter()
        .find(|(s, _)| !s.is_modifier_key())
        .expect("a non-modifier key press");
    assert_eq!(c.0.raw(), key::c);
    assert!(c.1.contains(KeyButMask::CONTROL));
}

#[test]
fn release_all_lets_go_of_everything_held() {
    let Some(x) = xvfb() else { return };
    let app = App::new(x.display());
    let mut injector = X11Injector::connect(Some(x.display()), None).expect("connect");
    injector.inject(&key("ShiftLeft", "Shift", true)).unwrap();
    injector
        .inject(&key("ControlRight", "Control", true))
        .unwrap();
    injector.inject(&key("KeyZ", "z", true)).unwrap();
    injector
        .inject(&InputEvent::MouseButton {
            button: Button::Left,
            down: true,
        })
        .unwrap();
    injector.sync().unwrap();
    let held = app.pointer().2;
    assert!(held.contains(KeyButMask::SHIFT | KeyButMask::CONTROL | KeyButMask::BUTTON1));
    let keys_down = |app: &App| {
        let keys = app.conn.query_keymap().unwrap().reply().unwrap().keys;
        keys.iter().map(|b| b.count_ones()).sum::<u32>()
    };
    assert_eq!(keys_down(&app), 3);

    injector.release_all().unwrap();
    let mask = app.pointer().2;
    assert!(
        !mask.intersects(KeyButMask::SHIFT | KeyButMask::CONTROL | KeyButMask::BUTTON1),
        "still held: {mask:?}"
    );
    assert_eq!(keys_down(&app), 0);
    // A key-up for a key released already is harmless.
    injector.inject(&key("KeyZ", "z", false)).unwrap();

    // Dropping the injector releases too.
    injector.inject(&key("AltLeft", "Alt", true)).unwrap();
    injector.sync().unwrap();
    assert_eq!(keys_down(&app), 1);
    drop(injector);
    assert_eq!(keys_down(&app), 0);
}

#[test]
fn holding_too_many_keys_is_refused() {
    let Some(x) = xvfb() else { return };
    let _app = App::new(x.display());
    let mut injector = X11Injector::connect(Some(x.display()), None).expect("connect");
    let codes: Vec<String> = (b'A'..=b'Z')
        .map(|c| format!("Key{}", c as char))
        .chain((0..10).map(|d| format!("Digit{d}")))
        .collect();
    let mut refused = None;
    for (i, code) in codes.iter().enumerate() {
        if let Err(e) = injector.inject(&key(code, "Unidentified", true)) {
            refused = Some((i, e));
            break;
        }
    }
    let (at, error) = refused.expect("36 held keys accepted");
    assert_eq!(at, assist_input::MAX_PRESSED_KEYS);
    assert!(matches!(error, InputError::TooManyPressed { .. }));
    injector.release_all().unwrap();
}

#[test]
fn unknown_keys_and_missing_displays_are_errors() {
    let err = X11Injector::connect(Some(":65001"), None).expect_err("no such display");
    assert!(matches!(err, InputError::Connect(_)), "{err:?}");
    let Some(x) = xvfb() else { return };
    let mut injector = X11Injector::connect(Some(x.display()), None).expect("connect");
    let err = injector
        .inject(&key("Unknown", "Unidentified", true))
        .expect_err("unknown key");
    assert!(matches!(err, InputError::UnknownKey { .. }), "{err:?}");
}
