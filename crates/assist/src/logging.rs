//! Where the log goes. The server and one-shot commands log to standard error, coloured only when
//! it is a terminal. The sharing agent (`agent run`, `agent join`) talks to a person on its
//! terminal, so its log never goes there: it goes to `agent.log` in the agent's config directory
//! (kept under [`MAX_LOG_FILE_BYTES`], one older file beside it), or to standard error when
//! systemd runs it (`JOURNAL_STREAM` set: the journal) or when asked (`--log-to stderr`). The
//! level is `ASSIST_LOG` (default `info,sqlx=warn`).

use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Largest agent log file, in bytes: past it the file becomes `agent.log.1` (replacing an older
/// one) and a new one starts, so the agent's logs take at most twice this on disk.
pub const MAX_LOG_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// The agent's log file, in its config directory.
pub const LOG_FILE: &str = "agent.log";

/// Where to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// Standard error (a terminal, or the journal under systemd).
    Stderr,
    /// A file, appended to and rotated at [`MAX_LOG_FILE_BYTES`].
    File(PathBuf),
}

/// Where the sharing agent logs: `asked` (`--log-to`) if given, else the journal when systemd
/// started it (`journal`: `JOURNAL_STREAM` is set), else `agent.log` in `config_dir`.
pub fn agent_sink(asked: Option<LogTo>, journal: bool, config_dir: &Path) -> Sink {
    match asked {
        Some(LogTo::Stderr) => Sink::Stderr,
        Some(LogTo::File) => Sink::File(config_dir.join(LOG_FILE)),
        None if journal => Sink::Stderr,
        None => Sink::File(config_dir.join(LOG_FILE)),
    }
}

/// `--log-to`: where `agent run` / `agent join` write their log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogTo {
    /// `agent.log` in the agent's config directory.
    File,
    /// Standard error (the journal under systemd).
    Stderr,
}

fn filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_env("ASSIST_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn".into())
}

/// Starts logging to `sink`. A log file that cannot be opened is said on standard error, and the
/// log goes there instead.
pub fn init(sink: &Sink) {
    let builder = tracing_subscriber::fmt().with_env_filter(filter());
    if let Sink::File(path) = sink {
        match RotatingFile::open(path) {
            Ok(file) => {
                builder
                    .with_ansi(false)
                    .with_writer(Mutex::new(file))
                    .init();
                return;
            }
            Err(e) => eprintln!(
                "Cannot write the log file {}: {e}; logging to standard error.",
                path.display()
            ),
        }
    }
    builder
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}

/// An append-only file that moves itself aside to `NAME.1` past [`MAX_LOG_FILE_BYTES`].
struct RotatingFile {
    path: PathBuf,
    file: File,
    len: u64,
    max: u64,
}

impl RotatingFile {
    fn open(path: &Path) -> std::io::Result<RotatingFile> {
        Self::open_with(path, MAX_LOG_FILE_BYTES)
    }

    fn open_with(path: &Path, max: u64) -> std::io::Result<RotatingFile> {
        let file = append(path)?;
        let len = file.metadata()?.len();
        Ok(RotatingFile {
            path: path.to_owned(),
            file,
            len,
            max,
        })
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        std::fs::rename(&self.path, old)?;
        self.file = append(&self.path)?;
        self.len = 0;
        Ok(())
    }
}

fn append(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.len > 0 && self.len + buf.len() as u64 > self.max {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agent_logs_to_a_file_unless_told_or_under_systemd() {
        let dir = Path::new("/var/lib/x");
        let file = Sink::File(dir.join(LOG_FILE));
        assert_eq!(agent_sink(None, false, dir), file);
        assert_eq!(agent_sink(None, true, dir), Sink::Stderr);
        assert_eq!(agent_sink(Some(LogTo::Stderr), false, dir), Sink::Stderr);
        assert_eq!(agent_sink(Some(LogTo::File), true, dir), file);
    }

    #[test]
    fn the_log_file_is_rotated_past_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOG_FILE);
        let mut f = RotatingFile::open_with(&path, 100).unwrap();
        f.write_all(&[b'a'; 60]).unwrap();
        f.write_all(&[b'b'; 60]).unwrap();
        f.write_all(&[b'c'; 30]).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("agent.log.1")).unwrap(),
            [b'a'; 60]
        );
        let now = std::fs::read(&path).unwrap();
        assert_eq!(now.len(), 90);
        // Opened again: it appends, and counts what is there.
        let mut f = RotatingFile::open_with(&path, 100).unwrap();
        f.write_all(&[b'd'; 20]).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("agent.log.1")).unwrap().len(),
            90
        );
        assert_eq!(std::fs::read(&path).unwrap(), [b'd'; 20]);
    }
}
