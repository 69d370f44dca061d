//! Server configuration: a plain serde struct. The binary fills it from a TOML file, then `ASSIST_*`
//! environment variables, then command-line flags (later sources win).

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

/// How the server speaks TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// Generate a self-signed certificate once and keep it in the data directory.
    #[default]
    SelfSigned,
    /// Plain HTTP, for running behind a TLS-terminating reverse proxy.
    Off,
    /// Use the given PEM certificate chain and private key files.
    Files { cert: PathBuf, key: PathBuf },
}

/// Everything `assist serve` needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to listen on, e.g. `127.0.0.1:8443`.
    pub listen: SocketAddr,
    /// Data directory: the SQLite database, the generated certificate, the server secret.
    pub data: PathBuf,
    /// Database URL. Empty: SQLite in the data directory. `postgres://...`: PostgreSQL.
    pub database: Option<String>,
    /// Message bus between server nodes. Empty: in-process (one node). `nats://...`: NATS.
    pub bus: Option<String>,
    /// TLS mode.
    pub tls: TlsMode,
    /// The address people use to reach the server (for links), e.g. `https://help.example.com`.
    /// Empty: derived from the request's Host header.
    pub public_url: Option<String>,
    /// Email of the first administrator, created on first start if no user exists.
    pub admin_email: Option<String>,
    /// Password of the first administrator. Empty: a one-time password is generated and printed.
    pub admin_password: Option<String>,
    /// Take the client address from `X-Forwarded-For`, as added by the proxies in front (only
    /// when every request comes through them: a client that reaches the server directly can
    /// write any address there).
    pub trust_forwarded_for: bool,
    /// How many trusted proxies stand in front of the server, each appending to
    /// `X-Forwarded-For`: the client address is that many entries from the right of the list
    /// (1: the rightmost, added by the one proxy). When the list is shorter, or one of those
    /// entries is malformed, the socket's peer address is used. 0: the header is ignored.
    pub forwarded_for_hops: u32,
    /// TURN and STUN servers handed to WebRTC peers.
    pub turn: TurnConfig,
    /// Open connections the server holds at most; more are answered 503
    /// `too_many_connections`. Lowered to the process's descriptor limit less
    /// `limits::CONNECTION_FD_RESERVE`.
    pub max_connections: usize,
    /// Open connections from one client address at most (IPv6: one /64 network); 0 for no
    /// per-address cap. Counts the address the connection comes from: behind a reverse proxy
    /// that is the proxy's, so set 0 there and let the proxy limit its clients.
    pub max_connections_per_address: usize,
}

/// TURN relays (coturn `use-auth-secret`): credentials are derived per participant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TurnConfig {
    /// URLs such as `turn:turn.example.com:3478?transport=udp` or `stun:...`.
    pub urls: Vec<String>,
    /// The shared secret configured in coturn as `static-auth-secret`.
    pub secret: Option<String>,
    /// Lifetime of issued credentials, seconds (0: `limits::DEFAULT_TURN_TTL_SECS`, one hour;
    /// at most `limits::MAX_TURN_TTL_SECS`).
    pub ttl_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            data: PathBuf::from("data"),
            database: None,
            bus: None,
            tls: TlsMode::SelfSigned,
            public_url: None,
            admin_email: None,
            admin_password: None,
            trust_forwarded_for: false,
            forwarded_for_hops: 1,
            turn: TurnConfig::default(),
            max_connections: crate::limits::DEFAULT_MAX_CONNECTIONS,
            max_connections_per_address: crate::limits::DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
        }
    }
}

impl Config {
    /// The database URL to use: the configured one or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database {
            Some(url) if !url.is_empty() => url.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data.join("assist.db").display()
            ),
        }
    }
}
