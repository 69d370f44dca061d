//! X11 capture: MIT-SHM (or `GetImage`) reads of the root window, limited to one RandR monitor and
//! to what XDamage says changed, with the pointer drawn in (XFixes gives its image; XInput 2 raw
//! motion and XFixes cursor events wake the capture when it moves or changes shape).

mod damage;
mod errors;
mod format;
mod monitors;
mod pointer;
mod shm;

use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use x11rb::connection::{Connection, SequenceNumber};
use x11rb::protocol::Event;
use x11rb::protocol::shm::ConnectionExt as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, Window};
use x11rb::reexports::x11rb_protocol::parse_display::parse_display;
use x11rb::rust_connection::RustConnection;

use crate::cursor::{self, SavedUnder};
use crate::wake::{self, CaptureWaker, Readiness};
use crate::{CaptureError, Capturer, Frame, Monitor, Rect};
use damage::DamageTracker;
use shm::SharedSegment;

/// How to set up an [`X11Capturer`].
#[derive(Debug, Clone)]
pub struct X11Options {
    /// The X display (`":0"`); `None` reads `DISPLAY`.
    pub display: Option<String>,
    /// Index into [`Capturer::monitors`]; `None` captures the whole root window (every monitor).
    pub monitor: Option<usize>,
    /// Use MIT-SHM when the server offers it (it cannot over TCP). Default `true`.
    pub use_shm: bool,
    /// Use XDamage to read only what changed. Default `true`; without it every capture reads the
    /// whole area and reports all of it as changed.
    pub use_damage: bool,
    /// Draw the pointer into the frames (XFixes). Default `true`.
    pub draw_pointer: bool,
}

impl Default for X11Options {
    fn default() -> Self {
        X11Options {
            display: None,
            monitor: None,
            use_shm: true,
            use_damage: true,
            draw_pointer: true,
        }
    }
}

/// How pixels travel from the X server.
enum Transport {
    /// Into a shared memory segment, read back with `pread`.
    Shm(SharedSegment),
    /// Inside `GetImage` replies over the socket.
    GetImage,
}

/// Captures one monitor (or the whole screen) of an X11 display.
pub struct X11Capturer {
    conn: RustConnection,
    screen_num: usize,
    root: Window,
    area: Monitor,
    frame: Frame,
    transport: Transport,
    damage: Option<DamageTracker>,
    /// The next capture reads the whole area.
    full_next: bool,
    /// Changed rectangles of the capture in progress (kept to reuse its allocation).
    pending: Vec<Rect>,
    /// Partial reads land here before being copied into the frame.
    scratch: Vec<u8>,
    /// Sequence number of the request that last emptied the damage; a `DamageNotify` from it on
    /// is about a change not yet captured.
    damage_emptied: SequenceNumber,
    /// Such a `DamageNotify` arrived.
    notified: bool,
    /// Interrupts [`Capturer::wait_for_change`].
    waker: CaptureWaker,
    /// The pointer is drawn into frames (the server has XFixes).
    pointer: bool,
    /// The pointer moved or changed shape since the last capture.
    pointer_moved: bool,
    /// The pixels under the pointer drawn into the frame, and what was drawn (position and the
    /// cursor's serial), to put back and to tell whether it changed.
    drawn: Option<(SavedUnder, (i64, i64, u32))>,
}

impl std::fmt::Debug for X11Capturer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("X11Capturer")
            .field("area", &self.area)
            .field("shm", &self.uses_shm())
            .field("damage", &self.uses_damage())
            .finish_non_exhaustive()
    }
}

impl X11Capturer {
    /// Connects to `display` (`None`: `DISPLAY`) and prepares to capture monitor `monitor`
    /// (`None`: the whole root window), with shared memory and damage tracking where available.
    pub fn connect(display: Option<&str>, monitor: Option<usize>) -> Result<Self, CaptureError> {
        Self::connect_with(X11Options {
            display: display.map(str::to_owned),
            monitor,
            ..X11Options::default()
        })
    }

    /// Connects with explicit [`X11Options`].
    pub fn connect_with(options: X11Options) -> Result<Self, CaptureError> {
        let display = options.display.as_deref();
        check_display_name(display)?;
        let (conn, screen_num) = x11rb::connect(display)?;
        let screen = conn
            .setup()
            .roots
            .get(screen_num)
            .ok_or_else(|| CaptureError::Connect("the display has no such screen".into()))?
            .clone();
        let format = format::root_format(conn.setup(), &screen)?;
        let area = match options.monitor {
            None => monitors::whole_screen(&screen),
            Some(index) => {
                let all = monitors::list(&conn, &screen)?;
                let count = all.len();
                all.into_iter()
                    .nth(index)
                    .ok_or(CaptureError::NoSuchMonitor { index, count })?
            }
        };
        if area.width > u32::from(u16::MAX) || area.height > u32::from(u16::MAX) {
            return Err(CaptureError::GeometryChanged);
        }
        let frame = Frame::new(area.width, area.height, format);
        let bytes = frame.data.len() as u64;
        let shm = if options.use_shm && is_local(display) {
            SharedSegment::attach(&conn, bytes)?
        } else {
            None
        };
        let transport = shm.map_or(Transport::GetImage, Transport::Shm);
        let damage = if options.use_damage {
            DamageTracker::start(&conn, screen.root)?
        } else {
            None
        };
        let pointer = options.draw_pointer && pointer::watch(&conn, screen.root)?;
        Ok(X11Capturer {
            conn,
            screen_num,
            root: screen.root,
            area,
            frame,
            transport,
            damage,
            full_next: true,
            pending: Vec::new(),
            scratch: Vec::new(),
            damage_emptied: 0,
            notified: false,
            waker: CaptureWaker::new()?,
            pointer,
            pointer_moved: false,
            drawn: None,
        })
    }

    /// Whether pixels come through shared memory (otherwise through `GetImage` replies).
    pub fn uses_shm(&self) -> bool {
        matches!(self.transport, Transport::Shm(_))
    }

    /// Whether XDamage limits reads to what changed.
    pub fn uses_damage(&self) -> bool {
        self.damage.is_some()
    }

    /// Reads the rectangles in `self.pending` into the frame.
    fn read_pending(&mut self) -> Result<(), CaptureError> {
        match &self.transport {
            Transport::Shm(segment) => read_shm(
                &self.conn,
                self.root,
                &self.area,
                segment,
                &self.pending,
                &mut self.frame,
                &mut self.scratch,
            ),
            Transport::GetImage => read_get_image(
                &self.conn,
                self.root,
                &self.area,
                &self.pending,
                &mut self.frame,
            ),
        }
    }

    /// Wakes a thread blocked in [`Capturer::wait_for_change`] from another thread.
    pub fn waker(&self) -> CaptureWaker {
        self.waker.clone()
    }

    /// Reads the queued events without blocking: a `DamageNotify` sent after the damage was last
    /// emptied means a change to capture; an X error is the failure of one of our requests and
    /// is returned.
    fn read_events(&mut self) -> Result<(), CaptureError> {
        while let Some((event, sequence)) = self.conn.poll_for_event_with_sequence()? {
            match event {
                Event::Error(e) => {
                    return Err(CaptureError::Protocol(Box::new(
                        x11rb::errors::ReplyError::from(e),
                    )));
                }
                Event::DamageNotify(_) if sequence >= self.damage_emptied => {
                    self.notified = true;
                }
                Event::XinputRawMotion(_) | Event::XfixesCursorNotify(_) => {
                    self.pointer_moved = true;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether the next capture has something to read.
    fn change_pending(&self) -> bool {
        self.full_next || self.notified || self.damage.is_none() || self.pointer_moved
    }

    /// Draws the pointer into the frame (the screen's pixels under the previous one were put
    /// back already) and adds where it was and where it is to the frame's damage when it moved
    /// or changed shape. `full`: the whole frame is in the damage already.
    fn draw_pointer(
        &mut self,
        previous: Option<(Rect, (i64, i64, u32))>,
        full: bool,
    ) -> Result<(), CaptureError> {
        self.pointer_moved = false;
        let Some((image, serial)) = pointer::image(&self.conn, &self.area)? else {
            if let Some((rect, _)) = previous
                && !full
            {
                self.pending.push(rect);
            }
            return Ok(());
        };
        let what = (image.x, image.y, serial);
        let saved = cursor::draw(&mut self.frame, &image);
        let now = saved.as_ref().map(SavedUnder::rect);
        if !full && previous.map(|(_, w)| w) != saved.as_ref().map(|_| what) {
            self.pending.extend(previous.map(|(r, _)| r));
            self.pending.extend(now);
        }
        self.drawn = saved.map(|s| (s, what));
        Ok(())
    }
}

impl Capturer for X11Capturer {
    fn monitors(&self) -> Result<Vec<Monitor>, CaptureError> {
        let screen = self
            .conn
            .setup()
            .roots
            .get(self.screen_num)
            .ok_or_else(|| CaptureError::Connect("the display has no such screen".into()))?;
        monitors::list(&self.conn, screen)
    }

    fn area(&self) -> &Monitor {
        &self.area
    }

    fn capture(&mut self) -> Result<&Frame, CaptureError> {
        match (&self.damage, self.full_next) {
            (Some(damage), false) => {
                self.damage_emptied = damage.take(&self.conn, &self.area, &mut self.pending)?;
            }
            (damage, _) => {
                if let Some(damage) = damage {
                    self.damage_emptied = damage.discard(&self.conn)?;
                }
                self.pending.clear();
                self.pending.push(self.frame.bounds());
            }
        }
        self.notified = false;
        let captured_at = Instant::now();
        // The screen's own pixels back under the pointer drawn last time.
        let previous = self.drawn.take().map(|(saved, what)| {
            cursor::restore(&mut self.frame, &saved);
            (saved.rect(), what)
        });
        let full = self.pending.first() == Some(&self.frame.bounds());
        if !self.pending.is_empty() {
            self.read_pending()?;
        }
        if self.pointer {
            self.draw_pointer(previous, full)?;
        }
        self.read_events()?;
        self.full_next = false;
        std::mem::swap(&mut self.frame.damage, &mut self.pending);
        self.frame.captured_at = captured_at;
        self.frame.sequence += 1;
        Ok(&self.frame)
    }

    fn wait_for_change(&mut self, timeout: Duration) -> Result<bool, CaptureError> {
        let deadline = Instant::now() + timeout;
        loop {
            // Events may already be queued (read while waiting for a reply): look there first.
            self.read_events()?;
            if self.change_pending() {
                return Ok(true);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            self.conn.flush()?;
            let readiness = wake::sleep(self.conn.stream().as_fd(), &self.waker, deadline - now)?;
            if readiness == Readiness::Woken {
                self.read_events()?;
                return Ok(self.change_pending());
            }
        }
    }

    fn invalidate(&mut self) {
        self.full_next = true;
    }
}

/// Refuses display numbers whose TCP port (6000 + n) does not fit in 16 bits: x11rb 0.14 computes
/// that port with an unchecked addition, which panics in debug builds.
fn check_display_name(display: Option<&str>) -> Result<(), CaptureError> {
    match parse_display(display) {
        Ok(parsed) if parsed.display > u16::MAX - 6000 => Err(CaptureError::Connect(
            format!("display number {} is out of range", parsed.display).into(),
        )),
        _ => Ok(()),
    }
}

/// Whether the display is reached through a local socket, the only way file descriptors (and so
/// the shared-memory segment) can be passed.
fn is_local(display: Option<&str>) -> bool {
    parse_display(display).is_ok_and(|d| d.host.is_empty() || d.protocol.as_deref() == Some("unix"))
}

/// The desktop position of frame rectangle `r` as X11 request arguments.
fn request_rect(area: &Monitor, r: &Rect) -> Result<(i16, i16, u16, u16), CaptureError> {
    let x = i64::from(area.x) + i64::from(r.x);
    let y = i64::from(area.y) + i64::from(r.y);
    match (
        i16::try_from(x),
        i16::try_from(y),
        u16::try_from(r.width),
        u16::try_from(r.height),
    ) {
        (Ok(x), Ok(y), Ok(w), Ok(h)) => Ok((x, y, w, h)),
        _ => Err(CaptureError::GeometryChanged),
    }
}

/// Shared-memory read: every rectangle is requested at once (each to its own place in the
/// segment, which holds a whole frame and the rectangles do not overlap), then copied in.
fn read_shm(
    conn: &RustConnection,
    root: Window,
    area: &Monitor,
    segment: &SharedSegment,
    rects: &[Rect],
    frame: &mut Frame,
    scratch: &mut Vec<u8>,
) -> Result<(), CaptureError> {
    let mut requests = Vec::with_capacity(rects.len());
    let mut offset = 0u64;
    for r in rects {
        let (x, y, w, h) = request_rect(area, r)?;
        let cookie = conn.shm_get_image(
            root,
            x,
            y,
            w,
            h,
            !0,
            ImageFormat::Z_PIXMAP.into(),
            segment.seg,
            u32::try_from(offset).map_err(|_| CaptureError::GeometryChanged)?,
        )?;
        requests.push((r, offset, cookie));
        offset += r.area() * 4;
    }
    for (r, offset, cookie) in requests {
        cookie.reply()?;
        let bytes = r.area() as usize * 4;
        if r.x == 0 && r.width == frame.width && frame.stride == frame.width as usize * 4 {
            // Whole rows: straight into the frame.
            let start = r.y as usize * frame.stride;
            segment.read(offset, &mut frame.data[start..start + bytes])?;
        } else {
            scratch.resize(bytes, 0);
            segment.read(offset, scratch)?;
            frame.blit(*r, scratch);
        }
    }
    Ok(())
}

/// Socket read: one `GetImage` per rectangle, all requested before the first answer is awaited.
fn read_get_image(
    conn: &RustConnection,
    root: Window,
    area: &Monitor,
    rects: &[Rect],
    frame: &mut Frame,
) -> Result<(), CaptureError> {
    let requests = rects
        .iter()
        .map(|r| {
            let (x, y, w, h) = request_rect(area, r)?;
            Ok((
                r,
                conn.get_image(ImageFormat::Z_PIXMAP, root, x, y, w, h, !0)?,
            ))
        })
        .collect::<Result<Vec<_>, CaptureError>>()?;
    for (r, cookie) in requests {
        let reply = cookie.reply()?;
        if !frame.blit(*r, &reply.data) {
            return Err(CaptureError::Protocol(
                format!("GetImage returned {} bytes for {r:?}", reply.data.len()).into(),
            ));
        }
    }
    Ok(())
}
