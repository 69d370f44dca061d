//! The device channel: `GET /ws/device`, one long-lived WebSocket per running enrolled agent, so
//! that the server can reach the device at once (see `assist_proto::channel`, and
//! `docs/protocol.md`, "Device channel").
//!
//! The upgrade is a signed device request: the signature middleware (`devices::auth`) has refused
//! bad signatures, replays, unknown and retired devices before this handler runs. Each channel is
//! one task that registers in this node's hub (a newer channel of the same device replaces an
//! older one, on any node), records "online since" in the device's row, sends `hello`, then
//! waits on frames from the agent, events from the hub (pushed from any node over the bus), and
//! a minute-scale keepalive: a WebSocket ping every `KEEPALIVE_SECS`, and a channel silent for
//! `SILENT_AFTER_SECS` is dropped. On exit the row says "offline since", unless a newer channel
//! took over.
//!
//! Sessions offered to the device while it was offline (or offered before it dropped) and still
//! waiting are offered again when its channel opens; the helpers' pages of those sessions are
//! told when the device comes and goes, and at once when its user declines.

use crate::clock::now_ms;
use crate::devices::VerifiedDevice;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::{WS_MAX_MESSAGE_BYTES, WS_READ_BUFFER_BYTES, WS_WRITE_BUFFER_BYTES};
use crate::sessions::bus::{BusEvent, DeviceEvent};
use crate::sessions::service;
use crate::state::AppState;
use assist_proto::channel::{
    CHANNEL_VERSION, ChannelClient, ChannelServer, KEEPALIVE_SECS, SILENT_AFTER_SECS,
};
use assist_proto::session::{CODE_TTL_MS, StateName};
use assist_proto::wire::ErrorBody;
use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

/// The close code of a channel whose device was retired (the agent stops).
pub const CLOSE_RETIRED: u16 = 4401;
/// The close code of a channel replaced by a newer one of the same device.
pub const CLOSE_REPLACED: u16 = 4409;
/// At most this many open offers are made again to a device whose channel opens (the newest;
/// each is a session a helper waits on, so more than a few is unusual).
pub const REOFFER_MAX: i64 = 8;

/// Upgrades a signed request of an enrolled device to its channel.
pub async fn upgrade(
    State(state): State<AppState>,
    device: Option<Extension<VerifiedDevice>>,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    let Some(Extension(device)) = device else {
        return Err(AppError::auth_failed(
            ErrorCode::DeviceSignatureMissing,
            "the device channel must be opened with a request signed by an enrolled device",
        ));
    };
    let ws = ws
        .read_buffer_size(WS_READ_BUFFER_BYTES)
        .write_buffer_size(WS_WRITE_BUFFER_BYTES)
        .max_message_size(WS_MAX_MESSAGE_BYTES)
        .max_frame_size(WS_MAX_MESSAGE_BYTES);
    Ok(ws.on_upgrade(move |socket| async move {
        state.metrics.open_channels.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = run(&state, socket, &device).await {
            tracing::debug!(error = %e, device = %device.id, "device channel ended with an error");
        }
        state.metrics.open_channels.fetch_sub(1, Ordering::Relaxed);
    }))
}

/// Closes the channel of a retired device, on whichever node holds it.
pub async fn close_retired(state: &AppState, device_id: &str) {
    state
        .hub
        .push_device(
            device_id,
            DeviceEvent::Send {
                message: ChannelServer::Closed {
                    code: ErrorCode::DeviceRetired.as_str().into(),
                    message: "this device was retired; enroll it again".into(),
                },
            },
        )
        .await;
}

fn text(msg: &ChannelServer) -> Message {
    Message::Text(Utf8Bytes::from(msg.to_json()))
}

fn error(code: &str, message: impl Into<String>) -> Message {
    text(&ChannelServer::Error {
        error: ErrorBody::new(code, message),
    })
}

/// Whether a newer channel took over (the device stays online).
enum ExitKind {
    Replaced,
    Other,
}

/// How a channel ended, for the log.
enum Exit {
    Closed,
    Lost(&'static str),
    Replaced,
    Retired,
}

async fn run(state: &AppState, socket: WebSocket, device: &VerifiedDevice) -> anyhow::Result<()> {
    let mut sub = state.hub.attach_device(&device.id);
    let conn = sub.conn.clone();
    state
        .store
        .channel_opened(&device.id, &conn, now_ms())
        .await?;
    // Older channels of this device on other nodes close.
    state
        .hub
        .push_device(&device.id, DeviceEvent::Replaced { conn: conn.clone() })
        .await;
    let (mut tx, mut rx) = socket.split();
    let hello = ChannelServer::Hello {
        protocol_version: CHANNEL_VERSION,
        device_id: device.id.clone(),
        keepalive_secs: KEEPALIVE_SECS,
    };
    let keepalive = Duration::from_secs(KEEPALIVE_SECS);
    let silent_after = Duration::from_secs(SILENT_AFTER_SECS);
    let mut last_heard = Instant::now();
    let mut next_ping = Instant::now() + keepalive;
    let exit = if tx.send(text(&hello)).await.is_err() {
        Exit::Lost("hello failed")
    } else if let Err(e) = reoffer(state, device, &mut tx).await {
        tracing::warn!(error = %e, device = %device.id, "offering waiting sessions again failed");
        Exit::Lost("offers failed")
    } else {
        loop {
            let wake = next_ping.min(last_heard + silent_after);
            tokio::select! {
                frame = rx.next() => {
                    last_heard = Instant::now();
                    match frame {
                        None | Some(Err(_)) => break Exit::Lost("read failed"),
                        Some(Ok(Message::Close(_))) => break Exit::Closed,
                        Some(Ok(Message::Text(t))) => {
                            if let Some(reply) = handle(state, device, t.as_str()).await
                                && tx.send(reply).await.is_err()
                            {
                                break Exit::Lost("write failed");
                            }
                        }
                        Some(Ok(_)) => {}
                    }
                }
                event = sub.rx.recv() => match event.as_deref() {
                    None | Some(DeviceEvent::Replaced { .. }) => {
                        let _ = tx.send(Message::Close(Some(CloseFrame {
                            code: CLOSE_REPLACED,
                            reason: Utf8Bytes::from_static("a newer channel of this device opened"),
                        }))).await;
                        break Exit::Replaced;
                    }
                    Some(DeviceEvent::Send { message }) => {
                        let retired = matches!(message, ChannelServer::Closed { .. });
                        if tx.send(text(message)).await.is_err() {
                            break Exit::Lost("write failed");
                        }
                        if retired {
                            let _ = tx.send(Message::Close(Some(CloseFrame {
                                code: CLOSE_RETIRED,
                                reason: Utf8Bytes::from_static("device retired"),
                            }))).await;
                            break Exit::Retired;
                        }
                    }
                },
                _ = tokio::time::sleep_until(wake) => {
                    let now = Instant::now();
                    if now >= last_heard + silent_after {
                        break Exit::Lost("silent past the keepalive limit");
                    }
                    if now >= next_ping {
                        next_ping = now + keepalive;
                        if tx.send(Message::Ping(Default::default())).await.is_err() {
                            break Exit::Lost("write failed");
                        }
                    }
                }
            }
        }
    };
    let exit_kind = match exit {
        Exit::Replaced => ExitKind::Replaced,
        _ => ExitKind::Other,
    };
    match exit {
        Exit::Closed => tracing::debug!(device = %device.id, "device channel closed"),
        Exit::Lost(why) => tracing::debug!(device = %device.id, why, "device channel lost"),
        Exit::Replaced => tracing::debug!(device = %device.id, "device channel replaced"),
        Exit::Retired => tracing::info!(device = %device.id, "device channel closed: retired"),
    }
    // Freed here, so that the hub never holds a channel the database says is offline.
    drop(sub);
    state
        .store
        .channel_closed(&device.id, &conn, now_ms())
        .await?;
    if !matches!(exit_kind, ExitKind::Replaced) {
        // The helpers waiting on this device see it offline.
        for offer in open_offers(state, &device.id).await? {
            state.hub.publish(&offer.session_id, BusEvent::State).await;
        }
    }
    Ok(())
}

/// The device's open offers whose codes may still be valid.
async fn open_offers(
    state: &AppState,
    device_id: &str,
) -> anyhow::Result<Vec<crate::store::offers::Offer>> {
    Ok(state
        .store
        .open_offers(device_id, now_ms() - CODE_TTL_MS, REOFFER_MAX)
        .await?)
}

/// Offers again the sessions offered to this device that still wait (newest last, so that the
/// agent shows the newest), and tells their helpers' pages the device is online.
async fn reoffer<S>(state: &AppState, device: &VerifiedDevice, tx: &mut S) -> anyhow::Result<()>
where
    S: futures_util::Sink<Message> + Unpin,
    S::Error: std::error::Error + Send + Sync + 'static,
{
    let offers = open_offers(state, &device.id).await?;
    for offer in offers.iter().rev() {
        let Some(code) = &offer.code else { continue };
        let Some(row) = state
            .store
            .session(&state.tenant_id, &offer.session_id)
            .await?
        else {
            continue;
        };
        if row.machine.state.name() != StateName::Waiting || row.machine.code_expires_at <= now_ms()
        {
            continue;
        }
        let Some(helper) = state.store.user_by_id(&row.helper_id).await? else {
            continue;
        };
        tx.send(text(&service::offer_message(&helper, &row, code)))
            .await?;
        state.hub.publish(&row.id, BusEvent::State).await;
    }
    Ok(())
}

/// Answers one text frame of the agent (`None`: a message that has no answer).
async fn handle(state: &AppState, device: &VerifiedDevice, text: &str) -> Option<Message> {
    Some(match ChannelClient::read(text) {
        Ok(ChannelClient::CheckIn { report }) => {
            match super::devices::record_check_in(state, &device.id, &report).await {
                Ok(answer) => self::text(&ChannelServer::CheckedIn { answer }),
                Err(e) => {
                    let body = e.body().error;
                    error(&body.code, body.message)
                }
            }
        }
        Ok(ChannelClient::Decline { session_id }) => {
            match state
                .store
                .decline_offer(&session_id, &device.id, now_ms())
                .await
            {
                Ok(true) => {
                    tracing::info!(device = %device.id, session = %session_id, "the device's user declined a session");
                    state.hub.publish(&session_id, BusEvent::State).await;
                    return None;
                }
                // An offer no longer open (already declined, or not this device's): nothing.
                Ok(false) => return None,
                Err(e) => {
                    let e = AppError::from(e);
                    let body = e.body().error;
                    error(&body.code, body.message)
                }
            }
        }
        Ok(ChannelClient::Unknown) => error(
            "unknown_type",
            "this server does not know that message type",
        ),
        Err(e) => error("invalid_message", e.to_string()),
    })
}
