//! The ICE servers of a session's WebRTC peers, as `GET /api/sessions/{id}/ice-servers` hands
//! them out (TURN REST credentials: see `docs/turn.md`) and the agent's peer uses them.

use serde::{Deserialize, Serialize};

/// The path of a session's ICE servers, for the session `id`.
pub fn ice_servers_path(id: &str) -> String {
    format!("/api/sessions/{id}/ice-servers")
}

/// One entry of `RTCConfiguration.iceServers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IceServer {
    /// `turn:`, `turns:` or `stun:` URLs.
    pub urls: Vec<String>,
    /// `<expiry unix seconds>:<user id>` (absent without a shared secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// base64(HMAC-SHA1(secret, username)) (absent without a shared secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// The ICE configuration of a participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IceServers {
    /// For `new RTCPeerConnection({iceServers})`; empty when no relay is configured.
    #[serde(default)]
    pub ice_servers: Vec<IceServer>,
    /// How long the credentials stay valid, seconds.
    #[serde(default)]
    pub ttl_secs: u64,
}
