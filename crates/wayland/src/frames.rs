//! Frames of a PipeWire screen stream, read on a thread of their own.
//!
//! The thread runs a PipeWire main loop with one input stream connected to the compositor's node.
//! Each frame the compositor sends (only when the screen changed) is converted to BGRX into a
//! shared slot, replacing the previous one, and an eventfd is written so that a capture thread
//! sleeping in `poll(2)` wakes ([`FrameStream::ready_fd`]). The slot keeps only the newest frame:
//! a slow reader skips frames, it never queues them.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pipewire as pw;
use pw::spa;
use rustix::event::{EventfdFlags, eventfd};

use crate::WaylandError;

/// Largest frame side accepted from the compositor, in pixels (a bigger stream is refused
/// rather than allocated: 8192² BGRX is 256 MiB).
pub const MAX_FRAME_SIDE: u32 = 8192;

/// How long the stream may take to connect to the node.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The newest frame, BGRX, rows `width * 4` bytes apart.
#[derive(Debug, Default)]
pub struct Latest {
    /// Width in pixels (0 before the first frame).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels.
    pub data: Vec<u8>,
    /// Frames received so far (0: none yet).
    pub sequence: u64,
    /// When the newest frame arrived.
    pub at: Option<Instant>,
    /// Why the stream stopped, once it has.
    pub ended: Option<String>,
}

/// A screen stream being read.
pub struct FrameStream {
    latest: Arc<Mutex<Latest>>,
    ready: Arc<OwnedFd>,
    quit: Option<pw::channel::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FrameStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameStream").finish_non_exhaustive()
    }
}

/// Pixel byte orders the stream may deliver; all are turned into BGRX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Bgr,
    Rgb,
}

struct State {
    latest: Arc<Mutex<Latest>>,
    ready: Arc<OwnedFd>,
    width: u32,
    height: u32,
    order: Order,
}

impl FrameStream {
    /// Reads node `node` of the PipeWire daemon of this session, or of the remote `remote` (a
    /// descriptor from the portal's `OpenPipeWireRemote`).
    pub fn connect(node: u32, remote: Option<OwnedFd>) -> Result<FrameStream, WaylandError> {
        let ready = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)
            .map_err(|e| WaylandError::PipeWire(format!("eventfd: {e}")))?;
        let ready = Arc::new(ready);
        let latest = Arc::new(Mutex::new(Latest::default()));
        let (setup_tx, setup_rx) = std::sync::mpsc::channel();
        let (quit_tx, quit_rx) = pw::channel::channel::<()>();
        let state = State {
            latest: latest.clone(),
            ready: ready.clone(),
            width: 0,
            height: 0,
            order: Order::Bgr,
        };
        let thread = std::thread::Builder::new()
            .name("assist-pipewire".into())
            .spawn(move || {
                if let Err(e) = run(node, remote, state, quit_rx, &setup_tx) {
                    let _ = setup_tx.send(Err(e));
                }
            })
            .map_err(|e| WaylandError::PipeWire(e.to_string()))?;
        match setup_rx.recv_timeout(CONNECT_TIMEOUT) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(WaylandError::PipeWire(e)),
            Err(_) => {
                let _ = quit_tx.send(());
                return Err(WaylandError::PipeWire(format!(
                    "no stream after {} s",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
        }
        Ok(FrameStream {
            latest,
            ready,
            quit: Some(quit_tx),
            thread: Some(thread),
        })
    }

    /// The newest frame (lock it briefly: the PipeWire thread waits for it).
    pub fn latest(&self) -> &Mutex<Latest> {
        &self.latest
    }

    /// Readable when a frame arrived since [`FrameStream::take_ready`].
    pub fn ready_fd(&self) -> BorrowedFd<'_> {
        self.ready.as_fd()
    }

    /// Consumes the "frame arrived" mark; whether there was one.
    pub fn take_ready(&self) -> bool {
        let mut count = [0u8; 8];
        matches!(rustix::io::read(&*self.ready, &mut count), Ok(8))
    }
}

impl Drop for FrameStream {
    fn drop(&mut self) {
        if let Some(q) = self.quit.take() {
            let _ = q.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    node: u32,
    remote: Option<OwnedFd>,
    state: State,
    quit: pw::channel::Receiver<()>,
    setup: &std::sync::mpsc::Sender<Result<(), String>>,
) -> Result<(), String> {
    pw::init();
    let mainloop = pw::main_loop::MainLoopRc::new(None).map_err(|e| e.to_string())?;
    let context = pw::context::ContextRc::new(&mainloop, None).map_err(|e| e.to_string())?;
    let core = match remote {
        Some(fd) => context.connect_fd_rc(fd, None),
        None => context.connect_rc(None),
    }
    .map_err(|e| format!("cannot connect to PipeWire: {e}"))?;
    let stream = pw::stream::StreamRc::new(
        core,
        "assist-screen",
        pw::properties::properties! {
            *pw::keys::MEDIA_TYPE => "Video",
            *pw::keys::MEDIA_CATEGORY => "Capture",
            *pw::keys::MEDIA_ROLE => "Screen",
        },
    )
    .map_err(|e| e.to_string())?;
    let ended_state = state.latest.clone();
    let ended_ready = state.ready.clone();
    let _listener = stream
        .add_local_listener_with_user_data(state)
        .state_changed(move |_, _, _, new| {
            if let pw::stream::StreamState::Error(e) = &new {
                mark_ended(&ended_state, &ended_ready, format!("stream error: {e}"));
            } else if matches!(new, pw::stream::StreamState::Unconnected) {
                mark_ended(&ended_state, &ended_ready, "the stream ended".into());
            }
        })
        .param_changed(|_, st, id, param| {
            let Some(param) = param else { return };
            if id != spa::param::ParamType::Format.as_raw() {
                return;
            }
            let mut info = spa::param::video::VideoInfoRaw::default();
            if info.parse(param).is_err() {
                return;
            }
            let size = info.size();
            st.width = size.width;
            st.height = size.height;
            st.order = match info.format() {
                spa::param::video::VideoFormat::RGBx | spa::param::video::VideoFormat::RGBA => {
                    Order::Rgb
                }
                _ => Order::Bgr,
            };
        })
        .process(|stream, st| {
            let Some(mut buffer) = stream.dequeue_buffer() else {
                return;
            };
            let datas = buffer.datas_mut();
            let Some(d) = datas.first_mut() else { return };
            let (w, h) = (st.width, st.height);
            if w == 0 || h == 0 || w > MAX_FRAME_SIDE || h > MAX_FRAME_SIDE {
                return;
            }
            let chunk = d.chunk();
            let (size, offset) = (chunk.size() as usize, chunk.offset() as usize);
            let stride = match usize::try_from(chunk.stride()) {
                Ok(s) if s >= w as usize * 4 => s,
                _ => w as usize * 4,
            };
            if size == 0 {
                // A cursor-only or empty buffer: nothing new in the picture.
                return;
            }
            let Some(bytes) = d.data() else { return };
            let row = w as usize * 4;
            let needed = offset + stride * (h as usize - 1) + row;
            if bytes.len() < needed {
                return;
            }
            {
                let mut l = st.latest.lock().unwrap_or_else(|e| e.into_inner());
                l.data.resize(row * h as usize, 0);
                for y in 0..h as usize {
                    let src = &bytes[offset + y * stride..offset + y * stride + row];
                    let dst = &mut l.data[y * row..(y + 1) * row];
                    dst.copy_from_slice(src);
                    if st.order == Order::Rgb {
                        for px in dst.chunks_exact_mut(4) {
                            px.swap(0, 2);
                        }
                    }
                }
                l.width = w;
                l.height = h;
                l.sequence += 1;
                l.at = Some(Instant::now());
            }
            let _ = rustix::io::write(&*st.ready, &1u64.to_ne_bytes());
        })
        .register()
        .map_err(|e| e.to_string())?;

    let format = enum_format();
    let mut params = [spa::pod::Pod::from_bytes(&format).ok_or("bad format pod")?];
    stream
        .connect(
            spa::utils::Direction::Input,
            Some(node),
            pw::stream::StreamFlags::AUTOCONNECT | pw::stream::StreamFlags::MAP_BUFFERS,
            &mut params,
        )
        .map_err(|e| format!("cannot connect to node {node}: {e}"))?;
    let ml = mainloop.clone();
    let _quit = quit.attach(mainloop.loop_(), move |()| ml.quit());
    let _ = setup.send(Ok(()));
    mainloop.run();
    let _ = stream.disconnect();
    Ok(())
}

fn mark_ended(latest: &Mutex<Latest>, ready: &OwnedFd, why: String) {
    latest.lock().unwrap_or_else(|e| e.into_inner()).ended = Some(why);
    let _ = rustix::io::write(ready, &1u64.to_ne_bytes());
}

/// The formats asked for: raw video in a 4-byte RGB order, any size up to [`MAX_FRAME_SIDE`].
fn enum_format() -> Vec<u8> {
    use spa::param::format::{FormatProperties, MediaSubtype, MediaType};
    use spa::param::video::VideoFormat;
    let obj = spa::pod::object!(
        spa::utils::SpaTypes::ObjectParamFormat,
        spa::param::ParamType::EnumFormat,
        spa::pod::property!(FormatProperties::MediaType, Id, MediaType::Video),
        spa::pod::property!(FormatProperties::MediaSubtype, Id, MediaSubtype::Raw),
        spa::pod::property!(
            FormatProperties::VideoFormat,
            Choice,
            Enum,
            Id,
            VideoFormat::BGRx,
            VideoFormat::BGRx,
            VideoFormat::BGRA,
            VideoFormat::RGBx,
            VideoFormat::RGBA
        ),
        spa::pod::property!(
            FormatProperties::VideoSize,
            Choice,
            Range,
            Rectangle,
            spa::utils::Rectangle {
                width: 1280,
                height: 720
            },
            spa::utils::Rectangle {
                width: 1,
                height: 1
            },
            spa::utils::Rectangle {
                width: MAX_FRAME_SIDE,
                height: MAX_FRAME_SIDE
            }
        ),
        spa::pod::property!(
            FormatProperties::VideoFramerate,
            Choice,
            Range,
            Fraction,
            spa::utils::Fraction { num: 30, denom: 1 },
            spa::utils::Fraction { num: 0, denom: 1 },
            spa::utils::Fraction {
                num: 1000,
                denom: 1
            }
        ),
    );
    spa::pod::serialize::PodSerializer::serialize(
        std::io::Cursor::new(Vec::new()),
        &spa::pod::Value::Object(obj),
    )
    .map(|(c, _)| c.into_inner())
    .unwrap_or_default()
}
