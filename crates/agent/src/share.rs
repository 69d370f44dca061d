//! `assist agent join CODE`: the sharer's whole session, in the terminal or (through
//! [`join_window`]) in the desktop app's windows.
//!
//! ```text
//!  join (signed + bearer) ─► trust screen ─► live socket ─┬─ state: requested → Allow / Deny prompt
//!                                                         ├─ signal: offer → MediaSession answer
//!  capture thread (damage) ─frames─► MediaSession ────────┤   video to the helper
//!  input: "input" data channel ──► ControlGate ──► backend ┘  only while active_mode == control
//! ```
//!
//! The backend (X11, the desktop portal or GNOME's Mutter interfaces) is chosen in
//! [`crate::backend`]; this module sees only a [`Capturer`] and an [`Injector`].
//!
//! Threads: the tokio task running [`join`] (live socket, terminal lines, media events, input
//! injection), the capture thread, and the media session's encoder thread.
//!
//! Stops on Ctrl-C, on `q` or an empty line in the terminal, on a final state (ended, denied,
//! expired) and when the live socket cannot be brought back; when the sharer stops, the session is
//! ended (`POST /api/sessions/{id}/end`).

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assist_capture::{CaptureWaker, Capturer};
use assist_input::Injector;
use assist_proto::api::{self as rest, Consent, Empty, JoinSession};
use assist_proto::{Millis, Mode};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::backend::{self, BackendError, BackendKind, SessionEnv};
use crate::clipboard_session::{self, ClipboardSession, Received};
use crate::control::{ControlGate, Outcome};
use crate::http::{Client, HttpError, Signer};
use crate::identity::Identity;
use crate::live::{LiveError, LiveSocket, Profile, SessionView};
use crate::login::{LoginError, UserToken};
use crate::media::{
    CapturedFrame, FrameKind, FramePacer, FrameSender, MediaError, MediaSession, Pace,
    SessionConfig, SessionEvent,
};
use crate::sharer::{Action, Answering, Input, Sharer, ThreadMessage};

/// Why a join failed.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Login(#[from] LoginError),
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("cannot share this screen: {0}")]
    Backend(#[from] BackendError),
    #[error("screen capture: {0}")]
    Capture(#[from] assist_capture::CaptureError),
    /// Input could not be injected; `display` names where (`display :N`, or the Wayland backend).
    #[error("input injection on {display}: {source}")]
    Input {
        display: String,
        #[source]
        source: assist_input::InputError,
    },
    #[error("{0}")]
    Other(String),
}

/// What `assist agent join` was asked to do.
#[derive(Debug, Clone)]
pub struct JoinOptions {
    /// The security code the helper read out.
    pub code: String,
    /// X display to share (`None`: `DISPLAY`).
    pub display: Option<String>,
    /// The backend (`None`: chosen from the session, see [`backend::choose`]).
    pub backend: Option<BackendKind>,
    /// Monitor index (`None`: the whole screen).
    pub monitor: Option<usize>,
    /// The most frames a second; a frame goes out as soon as the screen changes.
    pub fps: u32,
    /// Address for WebRTC (`None`: the address this machine uses to reach the server).
    pub webrtc_ip: Option<IpAddr>,
    /// Unattended consent: allow the helper's requests without asking, when the server says this
    /// session allows it (see [`on_request`]); otherwise the sharer is asked as usual.
    pub assume_yes: bool,
}

/// How a session ended, from the agent's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// The sharer stopped (key, Ctrl-C): the agent ended the session.
    Stopped,
    /// The session reached a final state (`ended`, `denied`, `expired`), with the reason.
    Over(String),
    /// The live socket could not be brought back.
    Lost,
}

/// The lines the sharer types (standard input: a terminal or a pipe), read by a thread.
pub struct Lines {
    rx: mpsc::Receiver<String>,
    open: bool,
}

impl Lines {
    /// Reads standard input on a thread, one line at a time, until its end. Make one per process:
    /// `agent run` keeps it across sessions.
    pub fn stdin() -> Lines {
        Lines {
            rx: stdin_lines(),
            open: true,
        }
    }

    /// Whether someone can still type: standard input has not reached its end.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The next line, trimmed; `None` once at the end of input, then never again (pending).
    pub async fn next(&mut self) -> Option<String> {
        if !self.open {
            return std::future::pending().await;
        }
        let line = self.rx.recv().await;
        self.open = line.is_some();
        line
    }
}

/// What the sharer's desktop app is told during a share ([`join_window`]).
#[derive(Debug, Clone)]
pub enum ShareEvent {
    /// The session was joined: who helps (the trust screen), and what is shared.
    Joined(SessionView),
    /// The session as it is now: a request to answer ([`SessionView::state`] `requested`), the
    /// mode granted, the end.
    View(SessionView),
    /// A chat message from the helper.
    Chat {
        /// Who wrote it (`helper`).
        from: String,
        /// The text.
        text: String,
    },
    /// A sentence for the sharer (what the terminal would print).
    Note(String),
}

/// What the sharer chose in the desktop app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareCommand {
    /// Allow or deny the open request.
    Answer(bool),
    /// Send a chat message.
    Chat(String),
    /// Stop the helper's control here: their input is dropped and held keys are released; the
    /// video goes on.
    StopControl,
    /// Pause (`true`: no picture and no input pass) or resume.
    Pause(bool),
    /// End the session.
    End,
}

/// The desktop app's side of a share: events out, the sharer's choices in. Dropping the
/// commands' sender ends the session, as [`ShareCommand::End`] does.
pub struct Window {
    /// What happens, for the windows.
    pub events: mpsc::UnboundedSender<ShareEvent>,
    /// What the sharer chose.
    pub commands: mpsc::UnboundedReceiver<ShareCommand>,
}

/// Where the sharer is: a terminal or the desktop app.
enum Front<'a> {
    Terminal(&'a mut Lines),
    Window(&'a mut Window),
}

/// One thing from the sharer.
enum FrontInput {
    Machine(Input),
    StopControl,
    Pause(bool),
}

impl Front<'_> {
    fn say(&self, text: &str) {
        match self {
            Front::Terminal(_) => say(text),
            Front::Window(w) => {
                let _ = w.events.send(ShareEvent::Note(text.to_owned()));
            }
        }
    }

    fn chat(&self, from: String, text: String) {
        match self {
            Front::Terminal(_) => say(&format!("[{from}] {text}")),
            Front::Window(w) => {
                let _ = w.events.send(ShareEvent::Chat { from, text });
            }
        }
    }

    fn view(&self, view: &SessionView, joined: bool) {
        if let Front::Window(w) = self {
            let _ = w.events.send(if joined {
                ShareEvent::Joined(view.clone())
            } else {
                ShareEvent::View(view.clone())
            });
        }
    }

    /// Whether someone can still answer a request.
    fn can_answer(&self) -> bool {
        match self {
            Front::Terminal(lines) => lines.is_open(),
            Front::Window(_) => true,
        }
    }

    async fn next(&mut self) -> FrontInput {
        match self {
            Front::Terminal(lines) => FrontInput::Machine(Input::Line(lines.next().await)),
            Front::Window(w) => match w.commands.recv().await {
                Some(ShareCommand::Answer(allow)) => FrontInput::Machine(Input::Consent(allow)),
                Some(ShareCommand::Chat(text)) => FrontInput::Machine(Input::Chat(text)),
                Some(ShareCommand::StopControl) => FrontInput::StopControl,
                Some(ShareCommand::Pause(p)) => FrontInput::Pause(p),
                Some(ShareCommand::End) | None => FrontInput::Machine(Input::Interrupted),
            },
        }
    }
}

/// What `agent run` says while it waits for a code.
pub const CODE_PROMPT: &str =
    "To share this screen with a helper, type the security code they give you and press Enter.";

/// A line typed into `agent run`: the code in it, or `None` for a blank line.
pub fn code_line(line: &str) -> Option<&str> {
    Some(line.trim()).filter(|c| !c.is_empty())
}

/// What the agent does when the helper requests a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRequest {
    /// Allow without asking, as unattended consent (the server checks it again).
    AllowUnattended,
    /// Ask the sharer.
    Ask,
    /// Deny: nobody can answer (standard input is at its end) and unattended consent is not
    /// available. Leaving the helper waiting on a prompt nobody reads helps no one.
    DenyNobodyToAsk,
}

/// The rule for a request: `--yes` allows without asking only when the server says the session
/// allows unattended consent; otherwise the sharer is asked, or, with nobody to ask, the request
/// is denied. The agent never consents on its own authority.
pub fn on_request(assume_yes: bool, unattended_allowed: bool, can_ask: bool) -> OnRequest {
    match (assume_yes && unattended_allowed, can_ask) {
        (true, _) => OnRequest::AllowUnattended,
        (false, true) => OnRequest::Ask,
        (false, false) => OnRequest::DenyNobodyToAsk,
    }
}

/// What `--yes` will do in this session, for the sharer to read.
pub fn unattended_note(view: &SessionView) -> String {
    if view.unattended_allowed {
        "Unattended (--yes): your organisation allows this helper's requests without asking you; \
         they will be allowed automatically."
            .to_owned()
    } else {
        let why = view
            .unattended_refusal
            .as_ref()
            .map(|r| r.message.clone())
            .unwrap_or_else(|| "the server did not allow it".to_owned());
        format!("Unattended (--yes) is not allowed for this session: {why}. You will be asked.")
    }
}

fn stdin_lines() -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel(16);
    std::thread::spawn(move || {
        let mut line = String::new();
        loop {
            line.clear();
            match std::io::stdin().read_line(&mut line) {
                Ok(0) | Err(_) => return, // end of input: the prompt is simply no longer read
                Ok(_) => {
                    if tx.blocking_send(line.trim().to_owned()).is_err() {
                        return;
                    }
                }
            }
        }
    });
    rx
}

fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

/// One line of a profile for the terminal's trust screen.
pub fn describe(p: &Profile) -> String {
    let mut s = p.full_name.clone();
    if let Some(t) = p.job_title.as_deref().filter(|t| !t.is_empty()) {
        s.push_str(&format!(", {t}"));
    }
    if let Some(c) = p.company.as_deref().filter(|c| !c.is_empty()) {
        s.push_str(&format!(", {c}"));
    }
    match (p.email_domain.as_str(), p.domain_verified) {
        ("", _) => {}
        (d, true) => s.push_str(&format!(" — {d} (verified domain)")),
        (d, false) => s.push_str(&format!(" — {d} (NOT a verified domain)")),
    }
    s
}

/// The prompt for a requested mode.
pub fn consent_question(helper: &str, mode: Mode) -> String {
    match mode {
        Mode::Control => format!(
            "{helper} asks to CONTROL your mouse and keyboard (and see your screen). \
             Allow? [a]llow / [d]eny"
        ),
        Mode::View => format!("{helper} asks to SEE your screen. Allow? [a]llow / [d]eny"),
    }
}

/// Reads an answer to the consent prompt: `Some(true)` allow, `Some(false)` deny, `None` unclear.
pub fn parse_answer(line: &str) -> Option<bool> {
    match line.trim().to_ascii_lowercase().as_str() {
        "a" | "allow" | "y" | "yes" => Some(true),
        "d" | "deny" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// The local address this machine uses to reach `base`'s host (no packet is sent).
fn route_ip(base: &str) -> Result<IpAddr, ShareError> {
    let url = reqwest::Url::parse(base).map_err(|e| ShareError::Other(e.to_string()))?;
    let host = url
        .host_str()
        .ok_or_else(|| ShareError::Other("no host".into()))?
        .trim_matches(|c| c == '[' || c == ']')
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let target = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
        .map_err(|e| ShareError::Other(format!("resolving {host}: {e}")))?
        .next()
        .ok_or_else(|| ShareError::Other(format!("{host} has no address")))?;
    let any: SocketAddr = if target.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let sock = std::net::UdpSocket::bind(any).map_err(|e| ShareError::Other(e.to_string()))?;
    sock.connect(target)
        .map_err(|e| ShareError::Other(e.to_string()))?;
    Ok(sock
        .local_addr()
        .map_err(|e| ShareError::Other(e.to_string()))?
        .ip())
}

/// Where the capture thread delivers frames: the current media session's sender, if any.
struct FrameTarget {
    sender: Option<FrameSender>,
    generation: u64,
    /// Wakes the capture thread when the sender changes or the share stops.
    waker: CaptureWaker,
}

impl FrameTarget {
    fn new(waker: CaptureWaker) -> FrameTarget {
        FrameTarget {
            sender: None,
            generation: 0,
            waker,
        }
    }
}

/// How long the capture thread sleeps at most when it has nowhere to send frames (it is woken
/// when a media session starts; this only bounds a missed wake).
const IDLE_WAIT: Duration = Duration::from_secs(1);

/// How long the capture thread waits after a failed capture before it tries again.
const CAPTURE_RETRY: Duration = Duration::from_millis(500);

/// Sends the screen to whatever media session is current, until `stop`: a frame as soon as the
/// display reports a change, at most `fps` a second, and a refresh while nothing changes (see
/// [`crate::media::pacing`]). It sleeps in between (no polling) and copies a picture only for a
/// frame it sends; a new media session gets a whole frame at once.
fn capture_thread(
    mut capturer: Box<dyn Capturer>,
    waker: CaptureWaker,
    fps: u32,
    target: Arc<Mutex<FrameTarget>>,
    stop: Arc<AtomicBool>,
) {
    let mut pacer = FramePacer::new(fps);
    let mut seen = 0;
    while !stop.load(Ordering::Relaxed) {
        let (sender, generation) = {
            let t = target.lock().unwrap_or_else(|e| e.into_inner());
            (t.sender.clone(), t.generation)
        };
        let Some(sender) = sender else {
            let _ = waker.sleep(IDLE_WAIT);
            continue;
        };
        if generation != seen {
            seen = generation;
            pacer.restart();
        }
        let now = Instant::now();
        let result = match pacer.next(now) {
            Pace::Send(kind) => send_frame(&mut *capturer, &sender, &mut pacer, kind, now),
            Pace::Hold { until } => waker.sleep(until - now).map(drop),
            Pace::WaitForChange { until } => capturer.wait_for_change(until - now).map(|changed| {
                if changed {
                    pacer.changed();
                }
            }),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "capture failed");
            let _ = waker.sleep(CAPTURE_RETRY);
            pacer.restart();
        }
    }
}

/// Captures and hands the frame to the media session if it changed (a first frame or a refresh
/// reads the whole screen, so it always has).
fn send_frame(
    capturer: &mut dyn Capturer,
    sender: &FrameSender,
    pacer: &mut FramePacer,
    kind: FrameKind,
    now: Instant,
) -> Result<(), assist_capture::CaptureError> {
    if matches!(kind, FrameKind::First | FrameKind::Refresh) {
        capturer.invalidate();
    }
    let frame = capturer.capture()?;
    if !frame.is_changed() {
        pacer.nothing_changed();
        return Ok(());
    }
    let mut data = sender.buffer(frame.data.len());
    data.copy_from_slice(&frame.data);
    // An error means the session is over; the next target (or stop) comes from the owner.
    let _ = sender.send(CapturedFrame {
        width: frame.width,
        height: frame.height,
        stride: frame.stride,
        data,
        changed: true,
        captured_at: frame.captured_at,
    });
    pacer.sent(now);
    Ok(())
}

/// Waits for the next media event, or forever when there is no media session.
async fn next_media(media: &mut Option<MediaSession>) -> Option<SessionEvent> {
    match media {
        Some(m) => m.next_event().await,
        None => std::future::pending().await,
    }
}

struct Api {
    client: Client,
    signer: Signer,
    token: String,
}

impl Api {
    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, HttpError> {
        self.client
            .send(
                "POST",
                path,
                Some(body),
                Some(&self.signer),
                Some(&self.token),
            )
            .await
    }
}

/// Joins the session with `opts.code` and runs it until it is over. `lines` is what the sharer
/// types (answers, chat, `q` to stop).
pub async fn join(
    identity: &Identity,
    user: &UserToken,
    opts: &JoinOptions,
    lines: &mut Lines,
) -> Result<Finish, ShareError> {
    join_front(identity, user, opts, Front::Terminal(lines)).await
}

/// Joins the session with `opts.code` for the desktop app and runs it until it is over: the
/// windows get [`ShareEvent`]s and send [`ShareCommand`]s through `window`.
pub async fn join_window(
    identity: &Identity,
    user: &UserToken,
    opts: &JoinOptions,
    window: &mut Window,
) -> Result<Finish, ShareError> {
    join_front(identity, user, opts, Front::Window(window)).await
}

async fn join_front(
    identity: &Identity,
    user: &UserToken,
    opts: &JoinOptions,
    mut front: Front<'_>,
) -> Result<Finish, ShareError> {
    if user.server.trim_end_matches('/') != identity.server.trim_end_matches('/') {
        return Err(LoginError::ServerMismatch {
            token: user.server.clone(),
            device: identity.server.clone(),
        }
        .into());
    }
    // Ctrl-C ends this session from now on (not only once the session loop first waits).
    let interrupt = Interrupt::listen()?;
    // The desktop first: a sharer with no display learns it before the helper waits.
    let env = SessionEnv::current(opts.display.as_deref());
    let kind = backend::choose(&env, opts.backend, backend::WAYLAND_BUILT)?;
    let desktop = backend::open(kind, opts.display.as_deref(), opts.monitor)?;
    let (capturer, waker, area) = (desktop.capturer, desktop.waker, desktop.area);
    say(&format!(
        "Screen and input through {} ({} session).",
        kind.describe(),
        env.kind()
    ));
    let mut gate = ControlGate::new(desktop.injector);
    // Clipboard text with the helper (X11 only for now), while in control.
    let clipboard = match kind {
        BackendKind::X11 => ClipboardSession::open(opts.display.as_deref())
            .map_err(|e| tracing::warn!(error = %e, "no clipboard sharing"))
            .ok(),
        _ => None,
    };

    let api = Api {
        client: Client::new(&identity.server, &identity.tls)?,
        signer: Signer {
            device_id: identity.device_id.clone(),
            key: identity.key.clone(),
        },
        token: user.token.clone(),
    };
    let webrtc_ip = match opts.webrtc_ip {
        Some(ip) => ip,
        None => route_ip(api.client.base())?,
    };
    let view: SessionView = api
        .post(
            rest::JOIN_PATH,
            &JoinSession {
                code: opts.code.clone(),
            },
        )
        .await?;
    let id = view.id.clone();
    if let Front::Terminal(_) = front {
        say(&format!(
            "Joined session {id}. Sharing {} ({}x{}).",
            area.name, area.width, area.height
        ));
        match &view.helper {
            Some(h) => say(&format!("Helper: {}", describe(h))),
            None => say("Helper: (unknown)"),
        }
        say(
            "Press q then Enter (or Ctrl-C) to stop sharing at any time; other lines are sent as chat.",
        );
    }
    front.view(&view, true);
    if opts.assume_yes {
        front.say(&unattended_note(&view));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let target = Arc::new(Mutex::new(FrameTarget::new(waker.clone())));
    let capture = {
        let (stop, target, fps, waker) = (stop.clone(), target.clone(), opts.fps, waker.clone());
        std::thread::Builder::new()
            .name("assist-capture".into())
            .spawn(move || capture_thread(capturer, waker, fps, target, stop))
            .map_err(|e| ShareError::Other(e.to_string()))?
    };

    let mut sharer = Sharer::new(view, opts.assume_yes, front.can_answer(), 0);
    let result = run_loop(
        &api,
        &id,
        &mut sharer,
        &mut gate,
        &target,
        &mut front,
        Media {
            interrupt,
            webrtc_ip,
            width: area.width,
            height: area.height,
            display: match kind {
                BackendKind::X11 => {
                    format!("display {}", backend::display_name(opts.display.as_deref()))
                }
                other => other.name().to_owned(),
            },
            clipboard,
        },
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    waker.wake();
    if let Err(e) = gate.release_all() {
        tracing::warn!(error = %e, "releasing keys and buttons failed");
    }
    let _ = capture.join();
    if let Some((p50, p99)) = gate.latency_percentiles() {
        front.say(&format!(
            "Input: {} events injected, {} dropped outside control; receive to injected p50 {:.2} ms, p99 {:.2} ms",
            gate.injected,
            gate.dropped,
            p50.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0
        ));
    } else {
        front.say(&format!(
            "Input: 0 events injected, {} dropped outside control",
            gate.dropped
        ));
    }
    let finish = result?;
    if !matches!(finish, Finish::Over(_)) {
        match api
            .post::<_, IgnoredAny>(&rest::end_path(&id), &Empty {})
            .await
        {
            Ok(_) => front.say("Session ended."),
            Err(e) if e.code() == Some("already_ended") => {}
            Err(e) => tracing::warn!(error = %e, "ending the session failed"),
        }
    }
    Ok(finish)
}

/// The session loop's surroundings: where the video goes from, its largest size, Ctrl-C and the
/// clipboard.
struct Media {
    webrtc_ip: IpAddr,
    width: u32,
    height: u32,
    /// Where input goes, for errors (`display :N`, or the Wayland backend's name).
    display: String,
    interrupt: Interrupt,
    /// The sharer's clipboard, when the backend has one.
    clipboard: Option<ClipboardSession>,
}

/// Whether the organisation allows clipboard sharing in this session now (the server's answer;
/// `false` when it cannot be asked).
async fn clipboard_allowed(api: &Api, id: &str) -> bool {
    let path = format!("/api/sessions/{id}/transfers");
    match api
        .client
        .send::<(), assist_proto::transfer::SessionTransfers>(
            "GET",
            &path,
            None,
            Some(&api.signer),
            Some(&api.token),
        )
        .await
    {
        Ok(t) => t.clipboard_allowed,
        Err(e) => {
            tracing::warn!(error = %e, "could not ask whether the clipboard may be shared");
            false
        }
    }
}

/// Sends the sharer's answer; `unattended`: allowed without asking.
async fn answer(api: &Api, id: &str, allow: bool, unattended: bool) -> Result<(), HttpError> {
    api.post::<_, IgnoredAny>(&rest::consent_path(id), &Consent { allow, unattended })
        .await
        .map(drop)
}

/// The chat thread, for a catch-up (`None`: it could not be fetched).
async fn fetch_thread(api: &Api, id: &str) -> Option<Vec<ThreadMessage>> {
    let path = format!("/api/sessions/{id}/chat");
    let thread: Vec<Value> = match api
        .client
        .send::<(), _>("GET", &path, None, Some(&api.signer), Some(&api.token))
        .await
    {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "could not fetch the chat thread");
            return None;
        }
    };
    Some(
        thread
            .into_iter()
            .map(|m| ThreadMessage {
                seq: m["seq"].as_u64().unwrap_or(0),
                from: m["from"].as_str().unwrap_or("helper").to_owned(),
                text: m["text"].as_str().unwrap_or("").to_owned(),
            })
            .collect(),
    )
}

/// The share's loop: it turns Ctrl-C, typed lines, the live socket, media events and its timer
/// into inputs of the sharer's machine (`sharer.rs`, where every decision is) and carries out the
/// machine's actions.
/// Ctrl-C, heard from the moment this is made: `tokio::signal::ctrl_c()` starts listening only when
/// first polled, and a Ctrl-C pressed before that (say, as the trust screen is printed) was lost.
struct Interrupt {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupt {
    fn listen() -> Result<Self, ShareError> {
        Ok(Interrupt {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                .map_err(|e| ShareError::Other(format!("cannot listen for Ctrl-C: {e}")))?,
        })
    }

    /// Waits for the next Ctrl-C.
    async fn recv(&mut self) {
        #[cfg(unix)]
        self.signal.recv().await;
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn run_loop(
    api: &Api,
    id: &str,
    sharer: &mut Sharer,
    gate: &mut ControlGate<Box<dyn Injector>>,
    target: &Arc<Mutex<FrameTarget>>,
    front: &mut Front<'_>,
    out: Media,
) -> Result<Finish, ShareError> {
    let Media {
        webrtc_ip,
        width,
        height,
        display,
        mut interrupt,
        mut clipboard,
    } = out;
    // The machine's clock: milliseconds since the share started.
    let started = tokio::time::Instant::now();
    let now = || started.elapsed().as_millis() as Millis;
    let mut socket =
        Some(LiveSocket::connect(api.client.base(), id, &api.token, api.client.tls()).await?);
    sharer.handle_input(Input::Connected, now());
    let mut media: Option<MediaSession> = None;
    // The sharer's own holds, from the desktop app: control stopped here (until control ends),
    // and a pause (no picture, no input).
    let mut control_stopped = false;
    let mut paused = false;

    let finish = 'run: loop {
        while let Some(action) = sharer.poll_output() {
            match action {
                Action::Say(text) => front.say(&text),
                Action::ShowChat { from, text } => front.chat(from, text),
                Action::Send(message) => {
                    if let Some(s) = socket.as_mut()
                        && let Err(e) = s.send(&message).await
                    {
                        tracing::warn!(error = %e, "live socket");
                        socket = None;
                        sharer.handle_input(Input::SocketLost, now());
                    }
                }
                Action::Connect => {
                    match LiveSocket::connect(api.client.base(), id, &api.token, api.client.tls())
                        .await
                    {
                        Ok(s) => {
                            socket = Some(s);
                            sharer.handle_input(Input::Connected, now());
                        }
                        Err(e) => {
                            tracing::debug!(error = %e, "reconnecting");
                            sharer.handle_input(Input::ConnectFailed, now());
                        }
                    }
                }
                Action::Disconnect => socket = None,
                Action::Answer { allow, why } => {
                    let unattended = matches!(why, Answering::Unattended(_));
                    let result = answer(api, id, allow, unattended)
                        .await
                        .map_err(|e| e.to_string());
                    sharer.handle_input(Input::Answered { allow, why, result }, now());
                }
                Action::Gate(mode) => {
                    front.view(sharer.view(), false);
                    control_stopped &= mode == Some(Mode::Control);
                    let mode = if control_stopped {
                        Some(Mode::View)
                    } else {
                        mode
                    };
                    if gate
                        .on_active_mode(mode)
                        .map_err(|source| ShareError::Input {
                            display: display.clone(),
                            source,
                        })?
                    {
                        front.say("Control ended: the helper's keys and buttons were released.");
                    }
                    if let Some(c) = clipboard.as_mut() {
                        let allowed = gate.in_control() && clipboard_allowed(api, id).await;
                        if allowed != c.allowed() {
                            front.say(if allowed {
                                "Clipboard: text you copy now goes to the helper, and the helper can put text on your clipboard, while they are in control."
                            } else {
                                "Clipboard: no longer shared with the helper."
                            });
                        }
                        c.set_allowed(allowed);
                    }
                }
                Action::StartMedia(offer) => {
                    if let Some(old) = media.take() {
                        old.close();
                    }
                    // Fresh TURN credentials for each offer (docs/turn.md).
                    let ice_servers = crate::media::ice::fetch_ice_servers(
                        &api.client,
                        &api.signer,
                        &api.token,
                        id,
                    )
                    .await;
                    let config = SessionConfig {
                        bind: SocketAddr::new(webrtc_ip, 0),
                        peer: crate::media::PeerConfig {
                            ice_servers,
                            relay_only: crate::media::ice::relay_only_from_env(),
                            ..Default::default()
                        },
                        encoder: crate::media::EncoderConfig {
                            max_width: width.min(1920),
                            max_height: height.min(1080),
                            ..Default::default()
                        },
                        ..SessionConfig::default()
                    };
                    let input = match MediaSession::start(config, &offer.to_string()).await {
                        Ok((m, answer)) => {
                            let answer: Value = serde_json::from_str(&answer)
                                .map_err(|e| ShareError::Other(e.to_string()))?;
                            if !paused {
                                set_target(target, Some(m.frame_sender()));
                            }
                            media = Some(m);
                            Input::MediaAnswer(answer)
                        }
                        Err(e) => Input::MediaFailed(e.to_string()),
                    };
                    sharer.handle_input(input, now());
                }
                Action::StopMedia => {
                    if let Some(m) = media.take() {
                        m.close();
                        set_target(target, None);
                    }
                }
                Action::FetchThread { after } => {
                    if let Some(messages) = fetch_thread(api, id).await {
                        sharer.handle_input(Input::Thread { after, messages }, now());
                    }
                }
                Action::Finish(finish) => break 'run finish,
            }
        }
        let wake = sharer.poll_timeout(now());
        let timer = async {
            match wake {
                Some(t) => {
                    let at = started + Duration::from_millis(u64::try_from(t).unwrap_or(0));
                    tokio::time::sleep_until(at).await
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = interrupt.recv() => sharer.handle_input(Input::Interrupted, now()),
            input = front.next() => match input {
                FrontInput::Machine(input) => sharer.handle_input(input, now()),
                FrontInput::StopControl => {
                    control_stopped = gate.in_control();
                    if control_stopped
                        && gate
                            .on_active_mode(Some(Mode::View))
                            .map_err(|source| ShareError::Input {
                                display: display.clone(),
                                source,
                            })?
                    {
                        front.say("Control ended: the helper's keys and buttons were released.");
                    }
                    // The gate is shut here already; the server then moves the session back to
                    // view only and tells the helper's page (its `state` reaches this loop too).
                    if control_stopped
                        && let Err(e) = api
                            .post::<_, IgnoredAny>(&rest::stop_control_path(id), &Empty {})
                            .await
                    {
                        tracing::warn!(error = %e, "telling the server that control stopped failed");
                    }
                }
                FrontInput::Pause(p) => {
                    paused = p;
                    let sender = media.as_ref().filter(|_| !p).map(MediaSession::frame_sender);
                    set_target(target, sender);
                }
            },
            _ = timer => sharer.handle_timeout(now()),
            parts = clipboard_session::next_copy(&mut clipboard) => {
                let allowed = clipboard.as_ref().is_some_and(ClipboardSession::allowed);
                if let Some(m) = media.as_ref().filter(|_| {
                    clipboard_session::may_flow(gate.in_control(), paused, allowed)
                }) {
                    for part in parts {
                        if let Err(e) = m.send_data(part) {
                            tracing::warn!(error = %e, "sending clipboard text");
                            break;
                        }
                    }
                }
            }
            msg = async { match socket.as_mut() { Some(s) => s.recv().await, None => std::future::pending().await } } => {
                let input = match msg {
                    Some(Ok(m)) => Input::Message(Box::new(m)),
                    Some(Err(LiveError::Version(v))) => return Err(LiveError::Version(v).into()),
                    Some(Err(LiveError::Moving)) => {
                        socket = None;
                        Input::Moving
                    }
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "live socket");
                        socket = None;
                        Input::SocketLost
                    }
                    None => {
                        socket = None;
                        Input::SocketLost
                    }
                };
                sharer.handle_input(input, now());
            }
            event = next_media(&mut media) => {
                match event {
                    // Held while the sharer is asked (their answer cannot be the helper's
                    // click) and while paused.
                    Some(SessionEvent::Data(_)) if paused || sharer.asking().is_some() => {
                        gate.dropped += 1;
                    }
                    Some(SessionEvent::Data(text)) if clipboard_session::transfer_message(&text).is_some() => {
                        let msg = clipboard_session::transfer_message(&text);
                        if let (Some(c), Some(msg)) = (clipboard.as_mut(), msg) {
                            match c.on_message(&msg, gate.in_control(), paused) {
                                Ok(Received::Set(chars)) => front.say(&format!(
                                    "The helper put text on your clipboard ({chars} characters)."
                                )),
                                Ok(Received::Partial | Received::Ignored) => {}
                                Err(e) => tracing::warn!(error = %e, "setting the clipboard"),
                            }
                        }
                    }
                    Some(SessionEvent::Data(text)) => {
                        match gate.on_message(&text, Instant::now()) {
                            Outcome::Refused(why) => tracing::debug!(%why, "input refused"),
                            Outcome::Injected(_) | Outcome::Dropped => {}
                        }
                    }
                    Some(SessionEvent::Closed) | None => { media = None; set_target(target, None); }
                    Some(other) => tracing::info!(event = ?other, "media"),
                }
            }
        }
    };
    if let Some(m) = media.take() {
        m.close();
    }
    set_target(target, None);
    if let Some(s) = socket {
        s.close().await;
    }
    Ok(finish)
}

fn set_target(target: &Arc<Mutex<FrameTarget>>, sender: Option<FrameSender>) {
    let mut t = target.lock().unwrap_or_else(|e| e.into_inner());
    t.sender = sender;
    t.generation += 1;
    t.waker.wake();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers() {
        assert_eq!(parse_answer("A"), Some(true));
        assert_eq!(parse_answer(" allow "), Some(true));
        assert_eq!(parse_answer("deny"), Some(false));
        assert_eq!(parse_answer(""), None);
        assert_eq!(parse_answer("maybe"), None);
    }

    #[test]
    fn trust_line_says_whether_the_domain_is_verified() {
        let mut p = Profile {
            id: "u1".into(),
            full_name: "Hana Kato".into(),
            job_title: Some("Service desk".into()),
            company: Some("Example Ltd".into()),
            picture_url: None,
            email_domain: "example.com".into(),
            domain_verified: true,
        };
        assert_eq!(
            describe(&p),
            "Hana Kato, Service desk, Example Ltd — example.com (verified domain)"
        );
        p.domain_verified = false;
        assert!(describe(&p).contains("NOT a verified domain"));
        assert!(consent_question("Hana", Mode::Control).contains("CONTROL"));
        assert!(consent_question("Hana", Mode::View).contains("SEE"));
    }

    #[test]
    fn yes_allows_only_what_the_server_allows() {
        use OnRequest::*;
        assert_eq!(on_request(true, true, true), AllowUnattended);
        assert_eq!(on_request(true, true, false), AllowUnattended);
        assert_eq!(on_request(true, false, true), Ask, "refused: ask");
        assert_eq!(on_request(false, true, true), Ask, "no --yes: ask");
        assert_eq!(on_request(true, false, false), DenyNobodyToAsk);
        assert_eq!(on_request(false, false, false), DenyNobodyToAsk);
        let mut v = SessionView::new("s1", &assist_proto::Session::new(0, 1, None));
        assert!(unattended_note(&v).contains("not allowed"));
        v.unattended_refusal = Some(crate::live::ErrorBody {
            code: "unattended_not_permitted".into(),
            message: "the helper's role does not allow it".into(),
        });
        assert!(unattended_note(&v).contains("the helper's role does not allow it"));
        v.unattended_allowed = true;
        assert!(unattended_note(&v).contains("allowed automatically"));
    }

    #[test]
    fn loopback_server_routes_over_loopback() {
        assert_eq!(
            route_ip("http://127.0.0.1:9").unwrap(),
            IpAddr::from([127, 0, 0, 1])
        );
    }
}
