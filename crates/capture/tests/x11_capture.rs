//! X11 capture against a private Xvfb: pixels drawn by another client come back exactly, damage is
//! reported after a change and only then, monitors are honoured, and the fallbacks agree.

#![cfg(target_os = "linux")]

use assist_capture::testing::{Xvfb, XvfbError};
use assist_capture::{Capturer, Frame, Rect, X11Capturer, X11Options};
use x11rb::connection::Connection;
use x11rb::protocol::randr::{ConnectionExt as _, MonitorInfo};
use x11rb::protocol::xproto::{
    ChangeGCAux, ConnectionExt as _, CreateGCAux, CreateWindowAux, Gcontext, Rectangle, Window,
    WindowClass,
};
use x11rb::rust_connection::RustConnection;

const RED: u32 = 0x00ff_0000;
const GREEN: u32 = 0x0000_ff00;
const BLUE: u32 = 0x0000_00ff;

/// Starts Xvfb, or returns `None` (and says why) where it is not installed.
fn xvfb(width: u32, height: u32) -> Option<Xvfb> {
    match Xvfb::start(width, height) {
        Ok(x) => Some(x),
        Err(XvfbError::NotInstalled) => {
            eprintln!("skipping: Xvfb is not installed (apt-get install xvfb)");
            None
        }
        Err(e) => panic!("cannot start Xvfb: {e}"),
    }
}

/// A client that draws on the test display: one window with a background colour, and filled
/// rectangles inside it.
struct Painter {
    conn: RustConnection,
    root: Window,
    window: Window,
    gc: Gcontext,
}

impl Painter {
    fn new(display: &str, x: i16, y: i16, width: u16, height: u16, background: u32) -> Painter {
        let (conn, screen_num) = x11rb::connect(Some(display)).expect("connect painter");
        let screen = conn.setup().roots[screen_num].clone();
        let window = conn.generate_id().unwrap();
        conn.create_window(
            screen.root_depth,
            window,
            screen.root,
            x,
            y,
            width,
            height,
            0,
            WindowClass::INPUT_OUTPUT,
            0,
            &CreateWindowAux::new()
                .background_pixel(background)
                .override_redirect(1),
        )
        .unwrap();
        let gc = conn.generate_id().unwrap();
        conn.create_gc(gc, window, &CreateGCAux::new().foreground(background))
            .unwrap();
        conn.map_window(window).unwrap();
        let painter = Painter {
            conn,
            root: screen.root,
            window,
            gc,
        };
        painter.sync();
        painter
    }

    /// Fills a rectangle given in window coordinates.
    fn fill(&self, colour: u32, x: i16, y: i16, width: u16, height: u16) {
        self.conn
            .change_gc(self.gc, &ChangeGCAux::new().foreground(colour))
            .unwrap();
        self.conn
            .poly_fill_rectangle(
                self.window,
                self.gc,
                &[Rectangle {
                    x,
                    y,
                    width,
                    height,
                }],
            )
            .unwrap();
        self.sync();
    }

    /// Waits until the server has done everything asked so far.
    fn sync(&self) {
        self.conn.get_input_focus().unwrap().reply().unwrap();
    }

    /// Declares a RandR monitor (virtual: no output) over part of the screen.
    fn add_monitor(&self, name: &str, x: i16, y: i16, width: u16, height: u16) {
        let atom = self
            .conn
            .intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom;
        self.conn
            .randr_query_version(1, 5)
            .unwrap()
            .reply()
            .unwrap();
        self.conn
            .randr_set_monitor(
                self.root,
                MonitorInfo {
                    name: atom,
                    primary: false,
                    automatic: false,
                    x,
                    y,
                    width,
                    height,
                    width_in_millimeters: 300,
                    height_in_millimeters: 200,
                    outputs: vec![],
                },
            )
            .unwrap()
            .check()
            .unwrap();
    }
}

/// The BGRX bytes of a 0xRRGGBB colour, without the padding byte.
fn bgr(colour: u32) -> [u8; 3] {
    [colour as u8, (colour >> 8) as u8, (colour >> 16) as u8]
}

fn colour_at(frame: &Frame, x: u32, y: u32) -> [u8; 3] {
    let p = frame
        .pixel(x, y)
        .unwrap_or_else(|| panic!("no pixel at {x},{y}"));
    [p[0], p[1], p[2]]
}

/// Whether every pixel of `rect` (frame coordinates) has `colour`.
fn all_of(frame: &Frame, rect: Rect, colour: u32) -> bool {
    (rect.y..rect.y + rect.height)
        .all(|y| (rect.x..rect.x + rect.width).all(|x| colour_at(frame, x, y) == bgr(colour)))
}

fn covered(damage: &[Rect], x: u32, y: u32) -> bool {
    damage.iter().any(|r| r.contains(x, y))
}

#[test]
fn captures_the_pixels_drawn_on_screen() {
    let Some(x) = xvfb(1280, 720) else { return };
    let painter = Painter::new(x.display(), 100, 50, 400, 300, RED);
    painter.fill(GREEN, 10, 10, 50, 40);

    let mut capturer = X11Capturer::connect(Some(x.display()), None).expect("connect");
    assert!(capturer.uses_shm(), "a local Xvfb offers MIT-SHM");
    assert!(capturer.uses_damage(), "Xvfb offers DAMAGE");
    assert_eq!(capturer.area().width, 1280);
    let frame = capturer.capture().expect("capture");
    assert_eq!(
        (frame.width, frame.height, frame.stride),
        (1280, 720, 1280 * 4)
    );
    assert_eq!(frame.data.len(), 1280 * 720 * 4);
    assert_eq!(frame.damage, vec![frame.bounds()], "first capture is whole");
    assert_eq!(frame.sequence, 1);
    let green = Rect {
        x: 110,
        y: 60,
        width: 50,
        height: 40,
    };
    assert!(all_of(frame, green, GREEN));
    assert_eq!(colour_at(frame, 100, 50), bgr(RED));
    assert_eq!(colour_at(frame, 109, 60), bgr(RED));
    assert_eq!(colour_at(frame, 160, 60), bgr(RED));
    assert_eq!(colour_at(frame, 499, 349), bgr(RED));
    assert_ne!(colour_at(frame, 500, 350), bgr(RED), "outside the window");
}

#[test]
fn reports_damage_after_a_change_and_not_when_nothing_changed() {
    let Some(x) = xvfb(1280, 720) else { return };
    let painter = Painter::new(x.display(), 0, 0, 1280, 720, RED);
    // The screen's own pixels (the pointer has its own test).
    let mut capturer = X11Capturer::connect_with(X11Options {
        display: Some(x.display().to_owned()),
        draw_pointer: false,
        ..X11Options::default()
    })
    .expect("connect");
    assert!(capturer.capture().expect("first").is_changed());

    let frame = capturer.capture().expect("still");
    assert!(
        !frame.is_changed(),
        "nothing drawn, yet damage {:?}",
        frame.damage
    );
    assert!(all_of(frame, frame.bounds(), RED), "unchanged pixels kept");

    painter.fill(BLUE, 200, 100, 30, 20);
    let frame = capturer.capture().expect("after drawing");
    assert!(frame.is_changed());
    let blue = Rect {
        x: 200,
        y: 100,
        width: 30,
        height: 20,
    };
    for (px, py) in [(200, 100), (229, 119), (215, 110)] {
        assert!(
            covered(&frame.damage, px, py),
            "{px},{py} not in {:?}",
            frame.damage
        );
    }
    let damaged: u64 = frame.damage.iter().map(Rect::area).sum();
    assert!(
        damaged <= 4 * blue.area(),
        "damage {:?} is far larger than the change",
        frame.damage
    );
    assert!(all_of(frame, blue, BLUE));
    assert_eq!(colour_at(frame, 199, 100), bgr(RED));
    assert_eq!(colour_at(frame, 230, 120), bgr(RED));

    let frame = capturer.capture().expect("still again");
    assert!(
        !frame.is_changed(),
        "damage {:?} after no change",
        frame.damage
    );

    capturer.invalidate();
    let frame = capturer.capture().expect("after invalidate");
    assert_eq!(frame.damage, vec![frame.bounds()]);
    assert!(all_of(frame, blue, BLUE));
}

#[test]
fn many_small_changes_are_all_captured() {
    let Some(x) = xvfb(640, 480) else { return };
    let painter = Painter::new(x.display(), 0, 0, 640, 480, RED);
    let mut capturer = X11Capturer::connect(Some(x.display()), None).expect("connect");
    capturer.capture().expect("first");
    // 60 scattered squares: more than the capturer reads one by one.
    let squares: Vec<(i16, i16)> = (0..60)
        .map(|i| (5 + (i % 10) * 60, 5 + (i / 10) * 70))
        .collect();
    for &(sx, sy) in &squares {
        painter.fill(GREEN, sx, sy, 8, 8);
    }
    let frame = capturer.capture().expect("capture");
    for &(sx, sy) in &squares {
        let square = Rect {
            x: sx as u32,
            y: sy as u32,
            width: 8,
            height: 8,
        };
        assert!(all_of(frame, square, GREEN), "square at {sx},{sy}");
        assert!(covered(&frame.damage, square.x, square.y));
    }
    assert!(
        frame.damage.len() <= 32,
        "{} rectangles",
        frame.damage.len()
    );
    assert_eq!(colour_at(frame, 0, 0), bgr(RED));
}

#[test]
fn plain_get_image_gives_the_same_pixels_as_shared_memory() {
    let Some(x) = xvfb(800, 600) else { return };
    let painter = Painter::new(x.display(), 40, 30, 300, 200, RED);
    painter.fill(BLUE, 5, 6, 70, 80);
    let options = X11Options {
        display: Some(x.display().to_owned()),
        use_shm: false,
        ..X11Options::default()
    };
    let mut plain = X11Capturer::connect_with(options).expect("connect");
    assert!(!plain.uses_shm());
    let mut shm = X11Capturer::connect(Some(x.display()), None).expect("connect");
    assert!(shm.uses_shm());
    let a = plain.capture().expect("plain").data.clone();
    let b = shm.capture().expect("shm");
    assert!(a == b.data, "GetImage and MIT-SHM disagree");
    assert!(all_of(
        b,
        Rect {
            x: 45,
            y: 36,
            width: 70,
            height: 80
        },
        BLUE
    ));

    // Partial reads through GetImage too.
    painter.fill(GREEN, 100, 100, 10, 10);
    let frame = plain.capture().expect("plain again");
    assert!(covered(&frame.damage, 145, 135));
    assert_eq!(colour_at(frame, 145, 135), bgr(GREEN));
}

#[test]
fn without_damage_tracking_every_capture_is_whole() {
    let Some(x) = xvfb(320, 240) else { return };
    let _painter = Painter::new(x.display(), 0, 0, 320, 240, GREEN);
    let options = X11Options {
        display: Some(x.display().to_owned()),
        use_damage: false,
        draw_pointer: false,
        ..X11Options::default()
    };
    let mut capturer = X11Capturer::connect_with(options).expect("connect");
    assert!(!capturer.uses_damage());
    capturer.capture().expect("first");
    let frame = capturer.capture().expect("second");
    assert_eq!(frame.damage, vec![frame.bounds()]);
    assert!(all_of(frame, frame.bounds(), GREEN));
}

#[test]
fn captures_one_monitor_of_several() {
    let Some(x) = xvfb(1280, 720) else { return };
    let painter = Painter::new(x.display(), 0, 0, 1280, 720, RED);
    painter.add_monitor("LEFT", 0, 0, 640, 720);
    painter.add_monitor("RIGHT", 640, 0, 640, 720);
    painter.fill(BLUE, 700, 100, 20, 10);

    let whole = X11Capturer::connect(Some(x.display()), None).expect("connect");
    let monitors = whole.monitors().expect("monitors");
    let right = monitors
        .iter()
        .position(|m| m.name == "RIGHT")
        .unwrap_or_else(|| panic!("no RIGHT in {monitors:?}"));
    assert_eq!(
        (
            monitors[right].x,
            monitors[right].y,
            monitors[right].width,
            monitors[right].height
        ),
        (640, 0, 640, 720)
    );

    let mut capturer = X11Capturer::connect(Some(x.display()), Some(right)).expect("connect");
    assert_eq!(capturer.area(), &monitors[right]);
    let frame = capturer.capture().expect("capture");
    assert_eq!((frame.width, frame.height), (640, 720));
    let blue = Rect {
        x: 60,
        y: 100,
        width: 20,
        height: 10,
    };
    assert!(all_of(frame, blue, BLUE));
    assert_eq!(colour_at(frame, 59, 100), bgr(RED));

    // A change on the other monitor is no damage here; one on this monitor is, in its coordinates.
    painter.fill(GREEN, 10, 10, 20, 20);
    assert!(!capturer.capture().expect("left change").is_changed());
    painter.fill(GREEN, 1270, 700, 10, 20);
    let frame = capturer.capture().expect("right change");
    assert!(covered(&frame.damage, 635, 710), "{:?}", frame.damage);
    assert_eq!(colour_at(frame, 639, 719), bgr(GREEN));

    match X11Capturer::connect(Some(x.display()), Some(monitors.len())) {
        Err(assist_capture::CaptureError::NoSuchMonitor { index, count }) => {
            assert_eq!((index, count), (monitors.len(), monitors.len()));
        }
        other => panic!("expected NoSuchMonitor, got {other:?}"),
    }
}

#[test]
fn connecting_to_a_missing_display_is_an_error() {
    let err = X11Capturer::connect(Some(":65000"), None).expect_err("no such display");
    assert!(
        matches!(err, assist_capture::CaptureError::Connect(_)),
        "{err:?}"
    );
}

#[test]
fn waits_for_a_change_and_only_a_change_not_yet_captured() {
    use std::time::{Duration, Instant};
    let Some(x) = xvfb(640, 480) else { return };
    let painter = Painter::new(x.display(), 0, 0, 640, 480, RED);
    let mut capturer = X11Capturer::connect(Some(x.display()), None).expect("connect");
    assert!(
        capturer.wait_for_change(Duration::ZERO).unwrap(),
        "the first capture has everything to read"
    );
    capturer.capture().expect("first");

    // Nothing drawn: the wait runs out.
    let started = Instant::now();
    assert!(!capturer.wait_for_change(Duration::from_millis(50)).unwrap());
    assert!(started.elapsed() >= Duration::from_millis(50));

    // Drawn while the capturer sleeps: the wait ends soon after.
    let display = x.display().to_owned();
    let drawer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        let painter = Painter::new(&display, 100, 100, 20, 20, GREEN);
        painter.fill(BLUE, 0, 0, 5, 5);
        painter
    });
    let started = Instant::now();
    assert!(capturer.wait_for_change(Duration::from_secs(10)).unwrap());
    assert!(started.elapsed() < Duration::from_secs(5));
    let _second = drawer.join().unwrap();
    // The painter's second request may land after the first capture; capture until all is in.
    let mut frame = capturer.capture().expect("after the change");
    assert!(frame.is_changed());
    while colour_at(frame, 100, 100) != bgr(BLUE) {
        assert!(capturer.wait_for_change(Duration::from_secs(5)).unwrap());
        frame = capturer.capture().expect("rest of the change");
    }
    assert_eq!(colour_at(frame, 105, 105), bgr(GREEN));

    // Captured: no change is pending, even though the notification may have been read late.
    assert!(!capturer.wait_for_change(Duration::from_millis(50)).unwrap());

    // Drawn before the wait, several times: one change pending; once captured, none.
    painter.fill(GREEN, 300, 300, 10, 10);
    painter.fill(BLUE, 400, 300, 10, 10);
    assert!(capturer.wait_for_change(Duration::from_secs(5)).unwrap());
    assert!(
        capturer.wait_for_change(Duration::ZERO).unwrap(),
        "still pending"
    );
    let frame = capturer.capture().expect("two changes");
    assert!(covered(&frame.damage, 300, 300) && covered(&frame.damage, 400, 300));
    assert!(!capturer.wait_for_change(Duration::from_millis(20)).unwrap());

    // Drawn with no wait before the capture: the capture takes it, no stale change remains.
    painter.fill(RED, 300, 300, 10, 10);
    assert!(capturer.capture().expect("unannounced").is_changed());
    assert!(!capturer.wait_for_change(Duration::from_millis(20)).unwrap());

    capturer.invalidate();
    assert!(capturer.wait_for_change(Duration::ZERO).unwrap());
    assert_eq!(capturer.capture().unwrap().damage.len(), 1);

    // Woken from another thread: the wait ends without a change.
    let waker = capturer.waker();
    let wake = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        waker.wake();
    });
    let started = Instant::now();
    assert!(!capturer.wait_for_change(Duration::from_secs(10)).unwrap());
    assert!(started.elapsed() < Duration::from_secs(5));
    wake.join().unwrap();
}

#[test]
fn without_damage_tracking_a_change_is_always_pending() {
    use std::time::Duration;
    let Some(x) = xvfb(320, 240) else { return };
    let options = X11Options {
        display: Some(x.display().to_owned()),
        use_damage: false,
        ..X11Options::default()
    };
    let mut capturer = X11Capturer::connect_with(options).expect("connect");
    capturer.capture().expect("first");
    assert!(capturer.wait_for_change(Duration::from_secs(10)).unwrap());
}

/// Moves the pointer as the agent does (XTEST), to (`x`, `y`) on the screen.
fn move_pointer(painter: &Painter, x: i16, y: i16) {
    use x11rb::protocol::xtest::ConnectionExt as _;
    painter
        .conn
        .xtest_fake_input(
            x11rb::protocol::xproto::MOTION_NOTIFY_EVENT,
            0,
            x11rb::CURRENT_TIME,
            painter.root,
            x,
            y,
            0,
        )
        .unwrap();
    painter.sync();
}

#[test]
fn the_pointer_is_drawn_and_its_moves_wake_the_capture() {
    use std::time::Duration;
    let Some(x) = xvfb(640, 480) else { return };
    let painter = Painter::new(x.display(), 0, 0, 640, 480, RED);
    move_pointer(&painter, 100, 100);
    let near = |x: u32, y: u32| Rect {
        x: x - 8,
        y: y - 8,
        width: 17,
        height: 17,
    };
    let (first, second) = (near(100, 100), near(400, 300));

    // Not drawn when asked not to: the screen read has no pointer in it.
    let options = X11Options {
        display: Some(x.display().to_owned()),
        draw_pointer: false,
        ..X11Options::default()
    };
    let mut plain = X11Capturer::connect_with(options).expect("connect");
    assert!(all_of(plain.capture().unwrap(), first, RED), "no pointer");

    let mut capturer = X11Capturer::connect(Some(x.display()), None).expect("connect");
    let frame = capturer.capture().expect("capture");
    assert!(
        !all_of(frame, first, RED),
        "the pointer is drawn where it is"
    );
    assert!(all_of(frame, second, RED));
    assert!(
        !capturer
            .wait_for_change(Duration::from_millis(100))
            .unwrap()
    );

    // A move alone (no pixel of the screen changes) wakes the capture; the pointer moves in the
    // frame and leaves no trail.
    move_pointer(&painter, 400, 300);
    assert!(
        capturer.wait_for_change(Duration::from_secs(10)).unwrap(),
        "a pointer move is a change"
    );
    let frame = capturer.capture().expect("capture");
    assert!(all_of(frame, first, RED), "no trail where it was");
    assert!(!all_of(frame, second, RED), "drawn where it went");
    assert!(covered(&frame.damage, 100, 100), "{:?}", frame.damage);
    assert!(covered(&frame.damage, 400, 300), "{:?}", frame.damage);
    // A screen change under the pointer: the screen is read and the pointer drawn over it.
    painter.fill(BLUE, 380, 280, 40, 40);
    assert!(capturer.wait_for_change(Duration::from_secs(10)).unwrap());
    let frame = capturer.capture().expect("capture");
    assert!(
        !all_of(frame, second, BLUE),
        "the pointer over the new pixels"
    );
    assert_eq!(colour_at(frame, 381, 281), bgr(BLUE));
}
