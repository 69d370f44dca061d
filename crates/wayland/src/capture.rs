//! [`Capturer`] over a PipeWire screen stream: the compositor sends a frame when the screen
//! changed, so waiting for a change is waiting for a frame.

use std::sync::Arc;
use std::time::{Duration, Instant};

use assist_capture::wake::{self, Readiness};
use assist_capture::{CaptureError, CaptureWaker, Capturer, Frame, Monitor, PixelFormat};

use crate::WaylandError;
use crate::frames::FrameStream;
use crate::mutter::Session;
use crate::portal::ScreenCast;

/// How long [`WaylandCapturer::start_mutter`] and [`WaylandCapturer::start_portal`] wait for the first frame (the compositor sends one
/// at once; a loaded machine with software rendering may take a second or more).
pub const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(20);

/// The session that feeds the stream.
enum Source {
    Mutter(Arc<Session>),
    Portal(ScreenCast),
}

/// Captures one monitor of a Wayland session.
pub struct WaylandCapturer {
    // Field order: the stream stops before the session that feeds it.
    stream: FrameStream,
    source: Source,
    monitors: Vec<Monitor>,
    waker: CaptureWaker,
    frame: Frame,
    area: Monitor,
    seen: u64,
    invalid: bool,
}

impl std::fmt::Debug for WaylandCapturer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaylandCapturer")
            .field("area", &self.area)
            .finish_non_exhaustive()
    }
}

fn capture_error(e: WaylandError) -> CaptureError {
    CaptureError::Connect(Box::new(e))
}

impl WaylandCapturer {
    /// Starts a Mutter remote-desktop session on monitor `monitor` (`None`: the primary) and
    /// waits for its first frame. The session is shared with the injector
    /// ([`WaylandCapturer::session`]).
    pub fn start_mutter(monitor: Option<usize>) -> Result<WaylandCapturer, CaptureError> {
        let session = Arc::new(Session::start(monitor).map_err(capture_error)?);
        let stream = FrameStream::connect(session.node(), None).map_err(capture_error)?;
        let area = session.monitor().clone();
        let monitors = session.monitors().to_vec();
        WaylandCapturer::first_frame(stream, Source::Mutter(session), area, monitors)
    }

    /// Starts a screen cast through the desktop portal (the sharer picks the monitor in its
    /// dialog, unless `restore` names an earlier grant) and waits for its first frame. The
    /// next restore token is [`WaylandCapturer::restore_token`].
    pub fn start_portal(restore: Option<&str>) -> Result<WaylandCapturer, CaptureError> {
        let mut cast = ScreenCast::start(restore).map_err(capture_error)?;
        let remote = cast.take_remote();
        let stream = FrameStream::connect(cast.node(), remote).map_err(capture_error)?;
        let area = cast.monitor().clone();
        let monitors = vec![area.clone()];
        WaylandCapturer::first_frame(stream, Source::Portal(cast), area, monitors)
    }

    fn first_frame(
        stream: FrameStream,
        source: Source,
        mut area: Monitor,
        monitors: Vec<Monitor>,
    ) -> Result<WaylandCapturer, CaptureError> {
        let waker = CaptureWaker::new()?;
        // The stream's real size is known with its first frame.
        let deadline = Instant::now() + FIRST_FRAME_TIMEOUT;
        loop {
            {
                let l = stream.latest().lock().unwrap_or_else(|e| e.into_inner());
                if let Some(why) = &l.ended {
                    return Err(capture_error(WaylandError::PipeWire(why.clone())));
                }
                if l.sequence > 0 {
                    area.width = l.width;
                    area.height = l.height;
                    break;
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(capture_error(WaylandError::PipeWire(format!(
                    "no frame within {} s",
                    FIRST_FRAME_TIMEOUT.as_secs()
                ))));
            }
            wake::sleep(stream.ready_fd(), &waker, deadline - now)?;
        }
        Ok(WaylandCapturer {
            frame: Frame::new(area.width, area.height, PixelFormat::Bgrx),
            stream,
            source,
            monitors,
            waker,
            area,
            seen: 0,
            invalid: true,
        })
    }

    /// The Mutter remote-desktop session (for the injector); `None` for a portal screen cast.
    pub fn mutter_session(&self) -> Option<Arc<Session>> {
        match &self.source {
            Source::Mutter(s) => Some(s.clone()),
            Source::Portal(_) => None,
        }
    }

    /// The Mutter remote-desktop session (for the injector).
    ///
    /// # Panics
    /// For a capturer of [`WaylandCapturer::start_portal`].
    pub fn session(&self) -> Arc<Session> {
        self.mutter_session()
            .expect("a capturer of start_mutter has a Mutter session")
    }

    /// The portal's token for the next screen cast without a dialog (portal capturers only).
    pub fn restore_token(&self) -> Option<&str> {
        match &self.source {
            Source::Portal(c) => c.restore_token(),
            Source::Mutter(_) => None,
        }
    }

    /// Wakes a thread waiting in [`Capturer::wait_for_change`].
    pub fn waker(&self) -> CaptureWaker {
        self.waker.clone()
    }
}

impl Capturer for WaylandCapturer {
    fn monitors(&self) -> Result<Vec<Monitor>, CaptureError> {
        Ok(self.monitors.clone())
    }

    fn area(&self) -> &Monitor {
        &self.area
    }

    fn capture(&mut self) -> Result<&Frame, CaptureError> {
        self.stream.take_ready();
        let l = self
            .stream
            .latest()
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(why) = &l.ended {
            return Err(CaptureError::Protocol(why.clone().into()));
        }
        if l.width != self.area.width || l.height != self.area.height {
            return Err(CaptureError::GeometryChanged);
        }
        self.frame.captured_at = Instant::now();
        self.frame.sequence += 1;
        self.frame.damage.clear();
        if l.sequence != self.seen || self.invalid {
            self.frame.data.clear();
            self.frame.data.extend_from_slice(&l.data);
            self.seen = l.sequence;
            self.invalid = false;
            self.frame.damage.push(self.frame.bounds());
        }
        Ok(&self.frame)
    }

    fn wait_for_change(&mut self, timeout: Duration) -> Result<bool, CaptureError> {
        if self.invalid {
            return Ok(true);
        }
        let deadline = Instant::now() + timeout;
        loop {
            {
                let l = self
                    .stream
                    .latest()
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                if l.sequence != self.seen || l.ended.is_some() {
                    return Ok(true);
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            match wake::sleep(self.stream.ready_fd(), &self.waker, deadline - now)? {
                Readiness::Woken => return Ok(false),
                Readiness::Display => {
                    self.stream.take_ready();
                }
                Readiness::Timeout => {}
            }
        }
    }

    fn invalidate(&mut self) {
        self.invalid = true;
    }
}
