//! `assist agent doctor [--screenshot FILE.png]`: what the agent would share and through what,
//! for a sharer or a help desk on the phone. It starts the backend as a session would (so what
//! it reports is what a session gets), lists the monitors, and with `--screenshot` writes one
//! captured frame as a PNG. It fails, with the reason, when capture is impossible.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assist_capture::Frame;

use crate::backend::{self, BackendError, BackendKind, SessionEnv};

/// How long the doctor waits for a first frame to write.
pub const SCREENSHOT_WAIT: Duration = Duration::from_secs(10);

/// What `doctor` is asked.
#[derive(Debug, Clone, Default)]
pub struct DoctorOptions {
    /// `--display`.
    pub display: Option<String>,
    /// `--backend`.
    pub backend: Option<BackendKind>,
    /// `--monitor`.
    pub monitor: Option<usize>,
    /// `--screenshot`: where to write one frame.
    pub screenshot: Option<PathBuf>,
}

/// Why the doctor failed.
#[derive(Debug, thiserror::Error)]
pub enum DoctorError {
    /// No backend, or it did not start.
    #[error("capture is not possible: {0}")]
    Backend(#[from] BackendError),
    /// The backend started but no frame could be read.
    #[error("capture is not possible: {0}")]
    Capture(#[from] assist_capture::CaptureError),
    /// The screenshot could not be written.
    #[error("cannot write the screenshot {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What needs granting for `kind`, in words.
pub fn grant(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::X11 => "nothing to grant: any program of the X display may capture it",
        BackendKind::Mutter => {
            "no dialog: GNOME's remote-desktop interface serves the programs of this session (an administrator's choice)"
        }
        BackendKind::Portal => {
            "the desktop portal asks the sharer in a dialog: for the screen once (the grant is kept), for remote input when the helper first takes control"
        }
    }
}

/// Runs the checks, printing each finding with `say`.
pub fn run(opts: &DoctorOptions, say: &mut dyn FnMut(String)) -> Result<(), DoctorError> {
    let env = SessionEnv::current(opts.display.as_deref());
    say(format!(
        "Session: {} (XDG_SESSION_TYPE={}, WAYLAND_DISPLAY={}, DISPLAY={})",
        env.kind(),
        env.session_type.as_deref().unwrap_or("-"),
        env.wayland_display.as_deref().unwrap_or("-"),
        env.display.as_deref().unwrap_or("-"),
    ));
    say(format!(
        "Wayland support in this build: {}",
        if backend::WAYLAND_BUILT {
            "yes"
        } else {
            "no (cargo feature `wayland`)"
        }
    ));
    let kind = backend::choose(&env, opts.backend, backend::WAYLAND_BUILT)?;
    say(format!(
        "Backend: {} ({}{})",
        kind.name(),
        kind.describe(),
        if opts.backend.is_some() {
            ", chosen with --backend"
        } else {
            ", chosen from the session"
        }
    ));
    say(format!("Granted: {}", grant(kind)));
    #[cfg(target_os = "linux")]
    if kind == BackendKind::Portal {
        say(match backend::portal_token_file() {
            Some(f) if f.load().is_some() => format!(
                "Restore token: kept in {} (the screen is shared without the dialog while the desktop keeps the grant)",
                f.path().display()
            ),
            Some(f) => format!(
                "Restore token: none yet in {} (the portal's dialog asks for the screen; the grant is kept after it)",
                f.path().display()
            ),
            None => "Restore token: none (no configuration directory to keep it in)".to_owned(),
        });
    }
    let mut desktop = backend::open(kind, opts.display.as_deref(), opts.monitor)?;
    let monitors = desktop.capturer.monitors()?;
    say(format!("Monitors: {}", monitors.len()));
    for (i, m) in monitors.iter().enumerate() {
        say(format!(
            "  {i}: {} {}x{} at {},{}{}",
            m.name,
            m.width,
            m.height,
            m.x,
            m.y,
            if m.primary { " (primary)" } else { "" }
        ));
    }
    let a = &desktop.area;
    say(format!(
        "Sharing: {} ({}x{} at {},{})",
        a.name, a.width, a.height, a.x, a.y
    ));
    if let Some(path) = &opts.screenshot {
        desktop.capturer.invalidate();
        let frame = desktop.capturer.capture()?;
        write_png(path, frame).map_err(|source| DoctorError::Write {
            path: path.display().to_string(),
            source,
        })?;
        say(format!(
            "Screenshot: {} ({}x{})",
            path.display(),
            frame.width,
            frame.height
        ));
    }
    say("Capture works.".into());
    Ok(())
}

/// Writes `frame` (BGRX) as an 8-bit RGB PNG.
pub fn write_png(path: &Path, frame: &Frame) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut enc = png::Encoder::new(file, frame.width, frame.height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().map_err(std::io::Error::other)?;
    let mut rgb = Vec::with_capacity(frame.width as usize * frame.height as usize * 3);
    for y in 0..frame.height {
        if let Some(row) = frame.row(y) {
            for px in row.chunks_exact(4) {
                rgb.extend_from_slice(&[px[2], px[1], px[0]]);
            }
        }
    }
    w.write_image_data(&rgb).map_err(std::io::Error::other)?;
    w.finish().map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use assist_capture::PixelFormat;

    #[test]
    fn a_frame_becomes_an_rgb_png() {
        let mut f = Frame::new(3, 2, PixelFormat::Bgrx);
        // Pixel (1,0) red, (2,1) blue, in BGRX.
        f.data[4..8].copy_from_slice(&[0, 0, 255, 0]);
        f.data[3 * 4 + 8..3 * 4 + 12].copy_from_slice(&[255, 0, 0, 0]);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.png");
        write_png(&p, &f).unwrap();
        let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&p).unwrap()));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (3, 2));
        assert_eq!(&buf[3..6], &[255, 0, 0]);
        assert_eq!(&buf[3 * 3 + 6..3 * 3 + 9], &[0, 0, 255]);
        assert_eq!(&buf[0..3], &[0, 0, 0]);
    }
}
