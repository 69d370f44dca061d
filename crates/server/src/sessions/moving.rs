//! A live socket whose node is stopping (`crate::shutdown`): the participant is not gone, it is
//! moving to another node. Its peer is told `moving` (not `lost`, not `left`), then the socket is
//! closed with `CLOSE_MOVING` and its reason, on which the clients reconnect at once; the load
//! balancer sends them to another node, where they resume within the grace period and the peer is
//! told `online` again.

use super::service;
use crate::error::ApiResult;
use crate::state::AppState;
use assist_proto::presence::PresenceStatus;
use assist_proto::session::Role;
use assist_proto::wire::{CLOSE_MOVING, CLOSE_MOVING_REASON};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt};

/// Ends the live connection `conn` of `role` in session `id` because its node stops: records and
/// publishes `moving` (unless a newer connection of the side has taken over), then sends the close
/// frame. The close goes out even when the database cannot record the move.
pub async fn close<S>(
    state: &AppState,
    tx: &mut S,
    id: &str,
    role: Role,
    conn: &str,
) -> ApiResult<()>
where
    S: Sink<Message> + Unpin,
{
    let recorded = Box::pin(service::set_presence(
        state,
        id,
        role,
        PresenceStatus::Moving,
        conn,
    ))
    .await;
    let _ = tx.send(close_frame()).await;
    tracing::debug!(session = %id, role = role.as_str(), "live connection moved: the node stops");
    recorded.map(drop)
}

/// The close frame that tells a client to reconnect at once, to another node.
pub fn close_frame() -> Message {
    Message::Close(Some(CloseFrame {
        code: CLOSE_MOVING,
        reason: Utf8Bytes::from_static(CLOSE_MOVING_REASON),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_close_frame_says_service_restart_and_fits() {
        let Message::Close(Some(frame)) = close_frame() else {
            panic!("not a close frame");
        };
        assert_eq!(frame.code, 1012, "WebSocket 'service restart'");
        // A close reason has at most 123 bytes.
        assert!(frame.reason.len() <= 123);
        assert!(frame.reason.as_str().contains("reconnect"));
    }
}
