//! Mutter's interfaces against a real headless GNOME Shell on Wayland (`tests/wayland/start.sh`):
//! frames arrive, typed text reaches a Wayland terminal, and clicks land where they were sent.
//!
//! The rig needs its own environment (session bus, runtime dir), which a test cannot set in its
//! own process: the outer test starts the rig and runs the inner one as a child process with it.
//! Without the GNOME packages it is skipped with a message, except in CI (`CI` set), where
//! `.ci/run` installs them and it must run.
#![cfg(all(target_os = "linux", feature = "pipewire"))]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assist_capture::Capturer;
use assist_input::{Button, Injector, InputEvent};
use assist_wayland::{MutterInjector, WaylandCapturer};

/// How long a typed line may take to reach the file (a loaded machine, software rendering).
const ARRIVAL: Duration = Duration::from_secs(30);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The rig's environment, as `tests/wayland/env.sh` sets it.
fn rig_env(dir: &Path) -> Vec<(String, String)> {
    let out = Command::new("bash")
        .arg("-c")
        .arg(". tests/wayland/env.sh && env -0")
        .current_dir(repo())
        .env("RIG_DIR", dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split('\0')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

pub fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Stops the rig however the test ends.
struct Rig {
    dir: tempfile::TempDir,
}

impl Drop for Rig {
    fn drop(&mut self) {
        let _ = Command::new("tests/wayland/stop.sh")
            .current_dir(repo())
            .env("RIG_DIR", self.dir.path())
            .status();
    }
}

#[test]
fn mutter_session_captures_types_and_clicks() {
    if ![
        "gnome-shell",
        "pipewire",
        "wireplumber",
        "foot",
        "dbus-daemon",
    ]
    .iter()
    .all(|p| have(p))
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install the GNOME rig's packages (.ci/run)"
        );
        eprintln!(
            "SKIPPED: the GNOME rig needs gnome-shell, pipewire, wireplumber, foot, dbus-daemon (see tests/wayland/)"
        );
        return;
    }
    let rig = Rig {
        dir: tempfile::tempdir().unwrap(),
    };
    let status = Command::new("tests/wayland/start.sh")
        .current_dir(repo())
        .env("RIG_DIR", rig.dir.path())
        .status()
        .unwrap();
    assert!(status.success(), "the GNOME rig did not start");
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "inside_the_rig", "--ignored", "--nocapture"])
        .envs(rig_env(rig.dir.path()))
        .env("ASSIST_TEST_RIG", rig.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the test inside the rig failed");
    assert!(text.contains("1 passed"), "the inner test did not run");
}

/// Waits until `path` holds `want`.
fn wait_for_file(path: &Path, want: &str) -> String {
    wait_until(path, |got| got.contains(want))
}

/// Waits until what `path` holds passes `done`.
fn wait_until(path: &Path, done: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let got = std::fs::read_to_string(path).unwrap_or_default();
        if done(&got) || start.elapsed() > ARRIVAL {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The SGR mouse reports (`ESC [ < button ; column ; row M`) of presses in `s`.
fn presses(s: &str) -> Vec<(u32, u32)> {
    s.split("\u{1b}[<")
        .skip(1)
        .filter_map(|r| {
            let end = r.find(['M', 'm'])?;
            if &r[end..=end] != "M" {
                return None;
            }
            let f: Vec<u32> = r[..end].split(';').filter_map(|n| n.parse().ok()).collect();
            (f.len() == 3 && f[0] == 0).then(|| (f[1], f[2]))
        })
        .collect()
}

fn click(inj: &mut MutterInjector, x: f64, y: f64) {
    inj.inject(&InputEvent::MouseMove { x, y }).unwrap();
    for down in [true, false] {
        inj.inject(&InputEvent::MouseButton {
            button: Button::Left,
            down,
        })
        .unwrap();
    }
}

fn key(inj: &mut MutterInjector, code: &str, key: &str) {
    for down in [true, false] {
        inj.inject(&InputEvent::Key {
            code: code.into(),
            key: key.into(),
            down,
        })
        .unwrap();
    }
}

#[test]
#[ignore = "run by mutter_session_captures_types_and_clicks inside the GNOME rig"]
fn inside_the_rig() {
    let dir = PathBuf::from(std::env::var("ASSIST_TEST_RIG").expect("run inside the rig"));
    let typed = dir.join("typed.txt");
    // A maximised terminal that reports mouse presses (SGR) and writes what it reads to a file.
    let mut foot: Child = Command::new("foot")
        .args(["--maximized", "sh", "-c"])
        .arg(format!(
            "printf '\\033[?1000h\\033[?1006h'; exec cat > {}",
            typed.display()
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let mut cap = WaylandCapturer::start_mutter(None).unwrap();
    let area = cap.area().clone();
    assert_eq!((area.width, area.height), (1280, 720), "{area:?}");
    assert!(!cap.monitors().unwrap().is_empty());
    let first = cap.capture().unwrap();
    assert!(first.is_changed());
    assert_eq!(first.data.len(), 1280 * 720 * 4);
    // Nothing new since: no damage.
    assert!(!cap.capture().unwrap().is_changed());
    cap.invalidate();
    assert!(
        cap.capture().unwrap().is_changed(),
        "a keyframe after invalidate"
    );

    let mut inj = MutterInjector::new(cap.session()).unwrap();
    // Wait until foot's window is up (the file exists once cat runs), then focus it (the first
    // click also closes GNOME's Overview).
    let start = Instant::now();
    while !typed.exists() && start.elapsed() < ARRIVAL {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    click(&mut inj, 0.5, 0.5);
    std::thread::sleep(Duration::from_millis(500));

    // The screen changes while we type: a frame arrives.
    cap.capture().unwrap();
    // Characters by keysym, shifted ones included (Mutter 43 types only what the sharer's layout
    // has: a keysym without a key is dropped with a warning in its log).
    for c in "Hello, Wayland! #42".chars() {
        let s = c.to_string();
        key(&mut inj, "", &s);
    }
    inj.inject(&InputEvent::Text {
        text: " & ~/Text\n".into(),
    })
    .unwrap();
    let want = "Hello, Wayland! #42 & ~/Text\n";
    let got = wait_for_file(&typed, want);
    assert!(got.contains(want), "typed: {got:?}");
    assert!(
        cap.wait_for_change(Duration::from_secs(10)).unwrap(),
        "typing changed the screen, a frame came"
    );
    assert!(cap.capture().unwrap().is_changed());

    // Two clicks a quarter of the screen apart on one row: the second lands further right.
    click(&mut inj, 0.25, 0.5);
    click(&mut inj, 0.75, 0.5);
    key(&mut inj, "Enter", "Enter");
    let got = wait_until(&typed, |got| presses(got).len() >= 2 && got.ends_with('\n'));
    let p = presses(&got);
    assert!(p.len() >= 2, "mouse presses: {got:?}");
    let (a, b) = (p[p.len() - 2], p[p.len() - 1]);
    assert_eq!(a.1, b.1, "same row: {p:?}");
    assert!(b.0 > a.0 + 20, "the second click is further right: {p:?}");
    // Columns are proportional to x: half the screen width apart.
    let cell = 640.0 / f64::from(b.0 - a.0);
    assert!((4.0..20.0).contains(&cell), "cell width {cell} px: {p:?}");

    // Keys held at the end are released.
    inj.inject(&InputEvent::Key {
        code: "ShiftLeft".into(),
        key: "Shift".into(),
        down: true,
    })
    .unwrap();
    inj.release_all().unwrap();
    key(&mut inj, "KeyA", "a");
    key(&mut inj, "Enter", "Enter");
    let got = wait_for_file(&typed, "a\n");
    assert!(got.ends_with("a\n"), "Shift was released: {got:?}");
    let _ = foot.kill();
    let _ = foot.wait();
}
