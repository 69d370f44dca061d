//! The app's background mode: the device channel (`assist_agent::channel`, the same code as
//! `assist agent run`) on its own thread, so that a helper who starts a session from the device's
//! page reaches the person at once. Offers go to the windows as [`ChannelEvent`]s; a decline goes
//! back to the server through [`Channel::decline`]. Nothing here decides anything: the windows
//! ask the person, the server keeps the session.

use assist_agent::channel::{self, ChannelClient, Note, OfferHelper};
use assist_agent::facts::System;
use assist_agent::identity::Identity;
use tokio::sync::mpsc;

use crate::bridge::Settings;

/// Declines waiting to go out on the channel at most (more are not sent; the offer then stays
/// "asked" on the helper's page until its code expires).
pub const DECLINES_QUEUE: usize = 8;

/// A helper's offer of a session, from the device channel.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The session offered.
    pub session_id: String,
    /// Its code (joined in place of a typed one).
    pub code: String,
    /// Who offers.
    pub helper: OfferHelper,
}

/// What the windows hear from the channel.
#[derive(Debug)]
pub enum ChannelEvent {
    /// A helper offers a session.
    Offer(Offer),
    /// The channel stopped for good (not enrolled, device retired; logged).
    Stopped,
}

/// The open channel's handle: declines go out through it.
pub struct Channel {
    declines: mpsc::Sender<ChannelClient>,
}

impl Channel {
    /// Tells the helper that the person declined `session_id`. False when the queue is full.
    pub fn decline(&self, session_id: &str) -> bool {
        self.declines
            .try_send(ChannelClient::Decline {
                session_id: session_id.to_owned(),
            })
            .is_ok()
    }
}

/// Starts the device channel of the device enrolled in `settings.config_dir` on its own thread;
/// events go to `events`. It reconnects by itself (backoff with jitter) and stops only for good
/// ([`ChannelEvent::Stopped`]).
pub fn start(settings: &Settings, events: mpsc::UnboundedSender<ChannelEvent>) -> Channel {
    let (declines, mut outbox) = mpsc::channel(DECLINES_QUEUE);
    let dir = settings.config_dir.clone();
    let spawned = std::thread::Builder::new()
        .name("assist-channel".into())
        .spawn(move || {
            let why = match run(&dir, &mut outbox, &events) {
                Ok(fatal) => fatal,
                Err(e) => e.to_string(),
            };
            tracing::warn!(%why, "the device channel stopped");
            let _ = events.send(ChannelEvent::Stopped);
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the device channel's thread");
    }
    Channel { declines }
}

fn run(
    dir: &std::path::Path,
    outbox: &mut mpsc::Receiver<ChannelClient>,
    events: &mpsc::UnboundedSender<ChannelEvent>,
) -> anyhow::Result<String> {
    let identity = Identity::load(dir)?;
    let system = System::host();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    tracing::info!(device = %identity.device_id, server = %identity.server, "opening the device channel");
    let fatal = rt.block_on(channel::run_with(&identity, &system, outbox, |note| {
        match note {
            Note::Up => tracing::info!("device channel open"),
            Note::Down { why, retry_in } => tracing::warn!(
                %why,
                retry_in_ms = u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX),
                "device channel down; reopening"
            ),
            Note::CheckedIn { answer, channel } => {
                tracing::info!(compliance = %answer.compliance, channel, "checked in")
            }
            Note::CheckInFailed(e) => tracing::warn!(error = %e, "check-in failed; retrying"),
            Note::Offer {
                session_id,
                code,
                helper,
            } => {
                tracing::info!(session = %session_id, helper = %helper.email, "a helper offers a session");
                let _ = events.send(ChannelEvent::Offer(Offer {
                    session_id,
                    code,
                    helper,
                }));
            }
        }
    }));
    Ok(fatal.to_string())
}
