//! Sleeping until the display server has something to say, and waking a sleeping capture thread
//! from another thread.
//!
//! The capture thread sleeps in `poll(2)` on two descriptors: the display's (X11: the connection's
//! socket, where a `DamageNotify` arrives; Wayland: an eventfd the PipeWire thread writes to when a
//! frame arrives) and an eventfd that [`CaptureWaker::wake`] writes to (the owner has something
//! new for the thread: a new media session, or stop).

use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::Arc;
use std::time::Duration;

use rustix::event::{EventfdFlags, PollFd, PollFlags, Timespec, eventfd, poll};
use rustix::io::Errno;

use crate::CaptureError;

/// The longest single sleep (a longer timeout is slept in parts; the caller loops anyway).
const MAX_SLEEP: Duration = Duration::from_secs(3600);

/// Wakes a thread waiting in [`crate::Capturer::wait_for_change`] (or in [`CaptureWaker::sleep`]).
/// Cheap to clone, usable from any thread. A wake while nobody waits is kept: the next wait
/// returns at once.
#[derive(Debug, Clone)]
pub struct CaptureWaker {
    fd: Arc<OwnedFd>,
}

impl CaptureWaker {
    /// A new waker, for a capturer to hand out.
    pub fn new() -> Result<CaptureWaker, CaptureError> {
        let fd = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)
            .map_err(|e| CaptureError::Protocol(Box::new(std::io::Error::from(e))))?;
        Ok(CaptureWaker { fd: Arc::new(fd) })
    }

    /// Makes the capturer's current wait return, or its next one if none is in progress.
    pub fn wake(&self) {
        // Fails only when the counter would overflow (a wake is pending then anyway).
        rustix::io::write(&*self.fd, &1u64.to_ne_bytes()).ok();
    }

    /// Sleeps until [`CaptureWaker::wake`] is called (or was, since the last wait) or `timeout`
    /// passes, without looking at the display; returns whether it was woken. For a capture thread
    /// that holds a change back, or has nowhere to send frames.
    pub fn sleep(&self, timeout: Duration) -> Result<bool, CaptureError> {
        let timeout = timespec(timeout)?;
        let mut fds = [PollFd::new(&*self.fd, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(_) | Err(Errno::INTR) => Ok(self.take()),
            Err(e) => Err(CaptureError::Protocol(Box::new(std::io::Error::from(e)))),
        }
    }

    /// Consumes a pending wake; whether there was one.
    fn take(&self) -> bool {
        let mut count = [0u8; 8];
        matches!(rustix::io::read(&*self.fd, &mut count), Ok(8))
    }
}

/// Why [`sleep`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// The display connection has bytes to read (or was closed: reading says which).
    Display,
    /// [`CaptureWaker::wake`] was called.
    Woken,
    /// The timeout passed (or a signal interrupted the sleep).
    Timeout,
}

/// Sleeps until `display` (any descriptor that becomes readable when there is news) is readable, `waker` is woken, or `timeout` passes.
pub fn sleep(
    display: BorrowedFd<'_>,
    waker: &CaptureWaker,
    timeout: Duration,
) -> Result<Readiness, CaptureError> {
    let timeout = timespec(timeout)?;
    let mut fds = [
        PollFd::new(&display, PollFlags::IN),
        PollFd::new(&*waker.fd, PollFlags::IN),
    ];
    match poll(&mut fds, Some(&timeout)) {
        Ok(_) => {}
        Err(Errno::INTR) => return Ok(Readiness::Timeout),
        Err(e) => {
            return Err(CaptureError::Protocol(Box::new(std::io::Error::from(e))));
        }
    }
    let woken = !fds[1].revents().is_empty() && waker.take();
    let display_ready = !fds[0].revents().is_empty();
    Ok(if woken {
        Readiness::Woken
    } else if display_ready {
        Readiness::Display
    } else {
        Readiness::Timeout
    })
}

fn timespec(timeout: Duration) -> Result<Timespec, CaptureError> {
    Timespec::try_from(timeout.min(MAX_SLEEP))
        .map_err(|_| CaptureError::Protocol("timeout out of range".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;
    use std::time::Instant;

    #[test]
    fn a_wake_is_kept_until_a_sleep_takes_it() {
        let (quiet, _other) = UnixStream::pair().unwrap();
        let waker = CaptureWaker::new().unwrap();
        let started = Instant::now();
        let r = sleep(quiet.as_fd(), &waker, Duration::from_millis(30)).unwrap();
        assert_eq!(r, Readiness::Timeout);
        assert!(started.elapsed() >= Duration::from_millis(30));

        waker.clone().wake();
        waker.wake();
        let started = Instant::now();
        let r = sleep(quiet.as_fd(), &waker, Duration::from_secs(10)).unwrap();
        assert_eq!(r, Readiness::Woken);
        assert!(started.elapsed() < Duration::from_secs(1));
        // Two wakes before the sleep are one.
        let r = sleep(quiet.as_fd(), &waker, Duration::from_millis(1)).unwrap();
        assert_eq!(r, Readiness::Timeout);

        // The same without a display.
        let started = Instant::now();
        assert!(!waker.sleep(Duration::from_millis(20)).unwrap());
        assert!(started.elapsed() >= Duration::from_millis(20));
        waker.wake();
        assert!(waker.sleep(Duration::from_secs(10)).unwrap());
        assert!(!waker.sleep(Duration::ZERO).unwrap());
    }

    #[test]
    fn a_readable_display_ends_the_sleep_and_a_wake_from_another_thread_too() {
        use std::io::Write;
        let (display, mut server) = UnixStream::pair().unwrap();
        let waker = CaptureWaker::new().unwrap();
        server.write_all(b"x").unwrap();
        let r = sleep(display.as_fd(), &waker, Duration::from_secs(10)).unwrap();
        assert_eq!(r, Readiness::Display);

        let (quiet, _other) = UnixStream::pair().unwrap();
        let remote = waker.clone();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            remote.wake();
        });
        let started = Instant::now();
        let r = sleep(quiet.as_fd(), &waker, Duration::from_secs(10)).unwrap();
        assert_eq!(r, Readiness::Woken);
        assert!(started.elapsed() < Duration::from_secs(5));
        thread.join().unwrap();
    }
}
