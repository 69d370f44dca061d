//! A private X server for tests: [`Xvfb`] starts one on a free display and stops it when dropped.
//!
//! For tests of this crate, of `assist-input` and of the agent. Needs Debian's `xvfb` package;
//! [`XvfbError::NotInstalled`] lets a test skip with a clear message where it is missing.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Why a private X server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum XvfbError {
    /// No `Xvfb` program on `PATH`.
    #[error("Xvfb is not installed (Debian package `xvfb`)")]
    NotInstalled,
    /// Starting it or reading its display number failed.
    #[error("starting Xvfb: {0}")]
    Io(#[from] std::io::Error),
    /// It exited before saying which display it took.
    #[error("Xvfb exited before announcing its display ({0})")]
    Exited(String),
}

/// A running Xvfb; killed and reaped on drop.
#[derive(Debug)]
pub struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts `Xvfb -screen 0 {width}x{height}x24` on a display number it picks itself (it reports
    /// the number on its standard output through `-displayfd`), listening on no TCP port.
    pub fn start(width: u32, height: u32) -> Result<Xvfb, XvfbError> {
        let screen = format!("{width}x{height}x24");
        let mut child = match Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &screen,
                "-nolisten",
                "tcp",
            ])
            .args(["-noreset", "+extension", "RANDR"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(XvfbError::NotInstalled);
            }
            Err(e) => return Err(e.into()),
        };
        let mut line = String::new();
        let read = match child.stdout.take() {
            Some(out) => BufReader::new(out).read_line(&mut line),
            None => Ok(0),
        };
        let number = line.trim();
        if read.is_err() || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            drop(child.kill());
            let status = child.wait()?;
            return Err(XvfbError::Exited(status.to_string()));
        }
        Ok(Xvfb {
            display: format!(":{number}"),
            child,
        })
    }

    /// The display name to connect to, such as `":99"`.
    pub fn display(&self) -> &str {
        &self.display
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        drop(self.child.kill());
        drop(self.child.wait());
    }
}
