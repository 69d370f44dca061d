//! `assist serve`: configuration layering and start-up.

use anyhow::Context;
use assist_server::config::{Config, TlsMode};
use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// TLS choice on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TlsArg {
    /// Generate a certificate once and keep it in the data directory (default).
    SelfSigned,
    /// Plain HTTP, behind a TLS-terminating reverse proxy.
    Off,
}

/// Flags of `assist serve`. Each may also come from an `ASSIST_*` variable or the TOML file;
/// flags win over variables, variables over the file.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// TOML configuration file (fields as in `docs/configuration.md`).
    #[arg(long, env = "ASSIST_CONFIG")]
    config: Option<PathBuf>,
    /// Address and port to listen on [default: 127.0.0.1:8443].
    #[arg(long, env = "ASSIST_LISTEN")]
    listen: Option<SocketAddr>,
    /// Data directory: SQLite database, certificate [default: ./data].
    #[arg(long, env = "ASSIST_DATA")]
    data: Option<PathBuf>,
    /// Database URL: `postgres://...` for PostgreSQL [default: SQLite in the data directory].
    #[arg(long, env = "ASSIST_DATABASE")]
    database: Option<String>,
    /// Message bus between nodes: `nats://...` [default: in-process, one node].
    #[arg(long, env = "ASSIST_BUS")]
    bus: Option<String>,
    /// TURN or STUN URL handed to WebRTC peers, e.g. `turn:turn.example.com:3478` (repeatable).
    #[arg(long = "turn-url", env = "ASSIST_TURN_URLS", value_delimiter = ',')]
    turn_urls: Vec<String>,
    /// Shared secret of the TURN relays (coturn `static-auth-secret`).
    #[arg(long, env = "ASSIST_TURN_SECRET", hide_env_values = true)]
    turn_secret: Option<String>,
    /// Lifetime of issued TURN credentials, seconds [default: 3600].
    #[arg(long, env = "ASSIST_TURN_TTL_SECS")]
    turn_ttl_secs: Option<u64>,
    /// TLS mode [default: self-signed].
    #[arg(long, env = "ASSIST_TLS", value_enum)]
    tls: Option<TlsArg>,
    /// PEM certificate chain (with --tls-key).
    #[arg(
        long,
        env = "ASSIST_TLS_CERT",
        requires = "tls_key",
        conflicts_with = "tls"
    )]
    tls_cert: Option<PathBuf>,
    /// PEM private key (with --tls-cert).
    #[arg(long, env = "ASSIST_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The address people use to reach the server, e.g. https://help.example.com (for links).
    #[arg(long, env = "ASSIST_PUBLIC_URL")]
    public_url: Option<String>,
    /// Email of the first administrator (first start only) [default: admin@assist.local].
    #[arg(long, env = "ASSIST_ADMIN_EMAIL")]
    admin_email: Option<String>,
    /// Password of the first administrator (first start only) [default: generated and printed].
    #[arg(long, env = "ASSIST_ADMIN_PASSWORD")]
    admin_password: Option<String>,
    /// Trust X-Forwarded-For from the reverse proxy in front.
    #[arg(long, env = "ASSIST_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Open connections held at most; more are refused (503) [default: 50000, or the
    /// descriptor limit less 512].
    #[arg(long, env = "ASSIST_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Open connections from one client address at most; 0 for no cap (behind a reverse proxy)
    /// [default: 1000].
    #[arg(long, env = "ASSIST_MAX_CONNECTIONS_PER_ADDRESS")]
    max_connections_per_address: Option<usize>,
    /// Trusted proxies in front, each appending to X-Forwarded-For: the client address is that
    /// many entries from the right [default: 1].
    #[arg(long, env = "ASSIST_FORWARDED_FOR_HOPS")]
    forwarded_for_hops: Option<u32>,
}

impl ServeArgs {
    /// The file's configuration with variables and flags laid over it.
    fn into_config(self) -> anyhow::Result<Config> {
        let mut c = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("in {}", path.display()))?
            }
            None => Config::default(),
        };
        if let Some(v) = self.listen {
            c.listen = v;
        }
        if let Some(v) = self.data {
            c.data = v;
        }
        if self.database.is_some() {
            c.database = self.database;
        }
        if self.bus.is_some() {
            c.bus = self.bus;
        }
        if !self.turn_urls.is_empty() {
            c.turn.urls = self.turn_urls;
        }
        if self.turn_secret.is_some() {
            c.turn.secret = self.turn_secret;
        }
        if let Some(v) = self.turn_ttl_secs {
            c.turn.ttl_secs = v;
        }
        match (self.tls, self.tls_cert, self.tls_key) {
            (_, Some(cert), Some(key)) => c.tls = TlsMode::Files { cert, key },
            (Some(TlsArg::Off), ..) => c.tls = TlsMode::Off,
            (Some(TlsArg::SelfSigned), ..) => c.tls = TlsMode::SelfSigned,
            _ => {}
        }
        if self.public_url.is_some() {
            c.public_url = self.public_url;
        }
        if self.admin_email.is_some() {
            c.admin_email = self.admin_email;
        }
        if self.admin_password.is_some() {
            c.admin_password = self.admin_password;
        }
        c.trust_forwarded_for |= self.trust_forwarded_for;
        if let Some(v) = self.max_connections {
            c.max_connections = v;
        }
        if let Some(v) = self.max_connections_per_address {
            c.max_connections_per_address = v;
        }
        if let Some(v) = self.forwarded_for_hops {
            c.forwarded_for_hops = v;
        }
        Ok(c)
    }
}

/// Connections waiting to be accepted: enough for a burst of thousands of sockets reconnecting at
/// once (the system caps it at `net.core.somaxconn`).
const LISTEN_BACKLOG: i32 = 4096;

/// A listening socket with a deep accept queue (the standard library's is 128).
fn listen(addr: std::net::SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    Ok(socket.into())
}

/// Starts the server and serves until SIGTERM or Ctrl-C; then stops gracefully and returns (the
/// process exits 0).
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let config = args.into_config()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = rt.block_on(async move {
        let listener =
            listen(config.listen).with_context(|| format!("cannot listen on {}", config.listen))?;
        let addr = listener.local_addr()?;
        let scheme = if matches!(config.tls, TlsMode::Off) {
            "http"
        } else {
            "https"
        };
        let prepared = assist_server::prepare(config).await?;
        if let Some(admin) = &prepared.first_admin {
            match &admin.generated_password {
                Some(pw) => println!(
                    "First start: sign in as the administrator {} with the one-time password {pw}\n\
                     (it is shown only now; change it after signing in).",
                    admin.email
                ),
                None => println!(
                    "First start: sign in as the administrator {} with the password you gave.",
                    admin.email
                ),
            }
        }
        println!("Assist listening on {scheme}://{addr}");
        assist_server::serve(prepared.state, listener).await
    });
    // The server has drained (`assist_server::shutdown`): what still runs in the background
    // (sweepers, heartbeats) is dropped rather than waited for.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    served
}
