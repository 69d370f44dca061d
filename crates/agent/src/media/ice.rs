//! The session's ICE servers, as the Assist server hands them out
//! (`GET /api/sessions/{id}/ice-servers`, TURN REST credentials: see `docs/turn.md`), and the
//! relay-only switch for tests and locked-down networks.
//!
//! They are fetched for each offer, so a long session (or one the helper reconnects to) always
//! allocates with credentials that have not expired.

use assist_proto::ice::{IceServers, ice_servers_path};
use serde::Deserialize;
use serde_json::Value;
use tracing::{debug, warn};

use super::peer::IceServer;
use crate::http::{Client, Signer};

/// Environment variable that makes the agent offer only relayed candidates (`1`, `true` or
/// `yes`), as the browser's `iceTransportPolicy: 'relay'`.
pub const RELAY_ONLY_ENV: &str = "ASSIST_AGENT_RELAY_ONLY";

/// Whether [`RELAY_ONLY_ENV`] asks for relay-only media.
pub fn relay_only_from_env() -> bool {
    std::env::var(RELAY_ONLY_ENV).is_ok_and(|v| is_yes(&v))
}

fn is_yes(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes"
    )
}

/// Reads the ICE servers of an answer of `GET /api/sessions/{id}/ice-servers`.
pub fn parse_ice_servers(body: &Value) -> Result<Vec<IceServer>, String> {
    IceServers::deserialize(body)
        .map(|list| list.ice_servers)
        .map_err(|e| e.to_string())
}

/// The ICE servers of session `session_id`, fetched as the sharer (signed by the device, with the
/// sharer's token). On any failure the session goes on without them (host candidates only), with
/// a warning.
pub async fn fetch_ice_servers(
    client: &Client,
    signer: &Signer,
    token: &str,
    session_id: &str,
) -> Vec<IceServer> {
    let path = ice_servers_path(session_id);
    let body: Value = match client
        .send::<(), Value>("GET", &path, None, Some(signer), Some(token))
        .await
    {
        Ok(body) => body,
        Err(e) => {
            warn!(error = %e, "no ICE servers from the server; peer to peer only");
            return Vec::new();
        }
    };
    match parse_ice_servers(&body) {
        Ok(servers) => {
            debug!(count = servers.len(), "ICE servers");
            servers
        }
        Err(e) => {
            warn!(error = %e, "unreadable ICE servers; peer to peer only");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_servers_answer_is_read() {
        let body = json!({
            "ice_servers": [
                {"urls": ["turn:127.0.0.1:3478?transport=udp"], "username": "1767225600:u", "credential": "c2VjcmV0"},
                {"urls": ["stun:127.0.0.1:3478"], "username": null, "credential": null}
            ],
            "ttl_secs": 3600
        });
        let servers = parse_ice_servers(&body).unwrap();
        assert_eq!(servers.len(), 2);
        assert_eq!(servers[0].username.as_deref(), Some("1767225600:u"));
        assert_eq!(servers[1].credential, None);
        assert_eq!(parse_ice_servers(&json!({})).unwrap(), vec![]);
        assert!(parse_ice_servers(&json!({"ice_servers": "no"})).is_err());
    }

    #[test]
    fn relay_only_values() {
        for yes in ["1", "true", "YES", " yes "] {
            assert!(is_yes(yes), "{yes}");
        }
        for no in ["", "0", "false", "relay"] {
            assert!(!is_yes(no), "{no}");
        }
    }
}
