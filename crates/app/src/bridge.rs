//! Between the windows and the agent library: a share runs on its own thread (a tokio runtime
//! driving [`assist_agent::share::join_window`]); the windows get [`AppEvent`]s and send
//! [`ShareCommand`]s. Nothing here decides anything about the session: the library does.

use std::path::{Path, PathBuf};

use assist_agent::http::HttpError;
use assist_agent::identity::{self, Identity};
use assist_agent::login::UserToken;
use assist_agent::share::{
    self, Finish, JoinOptions, ShareCommand, ShareError, ShareEvent, Window,
};
use tokio::sync::mpsc;

/// What the windows hear from a share.
#[derive(Debug)]
pub enum AppEvent {
    /// Something in the session.
    Share(Box<ShareEvent>),
    /// The share could not start or broke: a catalogue key and the detail.
    Failed {
        /// The sentence for the sharer (a catalogue key).
        key: String,
        /// What went wrong, for the log and as detail.
        detail: String,
    },
    /// The share is over.
    Finished(Finish),
}

/// How the app shares: the agent's configuration and the share's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the device's identity and the user's token are kept.
    pub config_dir: PathBuf,
    /// X display to share (`None`: `DISPLAY`).
    pub display: Option<String>,
}

impl Settings {
    /// From the environment: `ASSIST_AGENT_CONFIG_DIR` (as `assist agent`) or the default.
    pub fn from_env() -> anyhow::Result<Settings> {
        let config_dir = match std::env::var_os("ASSIST_AGENT_CONFIG_DIR") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => identity::default_config_dir()?,
        };
        Ok(Settings {
            config_dir,
            display: None,
        })
    }
}

/// The most frames a second the app sends (as `assist agent join`'s default).
pub const APP_FPS: u32 = 30;

/// Starts a share of the session with `code`; events go to `events`. Returns the sender of the
/// sharer's choices (dropping it ends the share).
pub fn start(
    settings: &Settings,
    code: String,
    events: mpsc::UnboundedSender<AppEvent>,
) -> mpsc::UnboundedSender<ShareCommand> {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let settings = settings.clone();
    let spawned = std::thread::Builder::new()
        .name("assist-share".into())
        .spawn(move || {
            let result = run(&settings, code, cmd_rx, events.clone());
            let _ = events.send(match result {
                Ok(finish) => AppEvent::Finished(finish),
                Err((key, detail)) => {
                    tracing::warn!(%detail, "the share failed");
                    AppEvent::Failed { key, detail }
                }
            });
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the share's thread");
    }
    cmd_tx
}

fn run(
    settings: &Settings,
    code: String,
    commands: mpsc::UnboundedReceiver<ShareCommand>,
    events: mpsc::UnboundedSender<AppEvent>,
) -> Result<Finish, (String, String)> {
    let (identity, user) = load(&settings.config_dir)
        .map_err(|e| ("app-error-not-set-up".to_owned(), e.to_string()))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ("live-error".to_owned(), e.to_string()))?;
    let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
    let mut window = Window {
        events: ev_tx,
        commands,
    };
    let opts = JoinOptions {
        code,
        display: settings.display.clone(),
        monitor: None,
        fps: APP_FPS,
        webrtc_ip: None,
        assume_yes: false,
        // As `assist agent`: an administrator may choose the backend for managed machines.
        backend: std::env::var("ASSIST_AGENT_BACKEND")
            .ok()
            .and_then(|b| b.parse().ok()),
    };
    rt.block_on(async {
        let forward = async {
            while let Some(e) = ev_rx.recv().await {
                let _ = events.send(AppEvent::Share(Box::new(e)));
            }
        };
        let share = async {
            let r = share::join_window(&identity, &user, &opts, &mut window).await;
            drop(window);
            r
        };
        let (result, ()) = tokio::join!(share, forward);
        result.map_err(|e| (error_key(&e), e.to_string()))
    })
}

fn load(dir: &Path) -> anyhow::Result<(Identity, UserToken)> {
    Ok((Identity::load(dir)?, UserToken::load(dir)?))
}

/// The sentence for a failed share.
fn error_key(e: &ShareError) -> String {
    match e {
        ShareError::Http(HttpError::Transport(_)) => "app-error-unreachable".to_owned(),
        ShareError::Http(h) => h
            .code()
            .map_or_else(|| "live-error".to_owned(), crate::code::join_error_key),
        _ => "live-error".to_owned(),
    }
}
