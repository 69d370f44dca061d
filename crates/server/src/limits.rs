//! Every size, length and rate limit of the server, by name. `docs/limits.md` lists them.

/// Largest JSON request body.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;
/// Largest profile picture upload.
pub const MAX_PICTURE_BYTES: usize = 512 * 1024;
/// Longest email address.
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest name, title, company, group or role name.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest DNS domain name (RFC 1035: 253 characters written out).
pub const MAX_DOMAIN_CHARS: usize = 253;
/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// Shortest and longest password.
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 512;
/// Web sign-in session lifetime.
pub const WEB_SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;
/// Longest lifetime of an API token (days).
pub const MAX_TOKEN_DAYS: i64 = 366;
/// Failed sign-ins per account before a pause, within the window.
pub const LOGIN_FAILURES_PER_ACCOUNT: u32 = 10;
/// Failed sign-ins per client address before a pause, within the window.
pub const LOGIN_FAILURES_PER_ADDRESS: u32 = 30;
/// The window of the sign-in limits.
pub const LOGIN_WINDOW_SECS: u64 = 15 * 60;
/// Failed sign-ins per account from one of its known addresses (where it signed in before),
/// within the window; counted apart from the account's failures elsewhere.
pub const LOGIN_FAILURES_PER_KNOWN_ADDRESS: u32 = 10;
/// How long an address stays known for an account after its last successful sign-in (days).
pub const KNOWN_ADDRESS_DAYS: i64 = 90;
/// Known addresses kept per account (the most recent).
pub const MAX_KNOWN_ADDRESSES_PER_ACCOUNT: i64 = 20;
/// Wrong security codes per account within the window.
pub const CODE_GUESSES_PER_ACCOUNT: u32 = 5;
/// The window of the per-account code-guess limit.
pub const CODE_GUESS_WINDOW_SECS: u64 = 5 * 60;
/// Wrong security codes per client address within its window.
pub const CODE_GUESSES_PER_ADDRESS: u32 = 20;
/// The window of the per-address limit: short, so that a sharer behind the same address as a
/// guesser waits at most this long.
pub const CODE_GUESS_ADDRESS_WINDOW_SECS: u64 = 60;
/// Sessions a helper may have waiting for a sharer at once.
pub const MAX_WAITING_SESSIONS_PER_HELPER: usize = 20;
/// How often the sweeper looks for expired codes, maximum lengths and ended grace periods.
pub const SWEEP_INTERVAL_MS: u64 = 500;
/// Expired sign-in sessions are deleted every this many sweeps (ten minutes).
pub const WEB_SESSION_PURGE_EVERY: u64 = 1_200;
/// Most rows a list endpoint returns in one page.
pub const MAX_PAGE_SIZE: i64 = 500;
/// Default page size.
pub const DEFAULT_PAGE_SIZE: i64 = 100;
/// WebSocket read buffer per connection, and the most read from the connection at once: every
/// idle connection holds it. A larger message still arrives whole (the buffer grows to fit it,
/// up to `WS_MAX_MESSAGE_BYTES`), in more reads.
pub const WS_READ_BUFFER_BYTES: usize = 1024;
/// WebSocket write buffer per connection.
pub const WS_WRITE_BUFFER_BYTES: usize = 0;
/// How long a client has to complete the TLS handshake after connecting.
pub const TLS_HANDSHAKE_TIMEOUT_SECS: u64 = 10;
/// `Retry-After` of a 503 `database_unavailable` (the database out of reach), in seconds.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 1;
/// How long a client has to send a request's whole head (request line and headers), counted
/// from when the connection is ready for it; then the connection is closed.
pub const HTTP_HEADER_READ_TIMEOUT_SECS: u64 = 20;
/// How long a client has to send a request's whole body, counted from when its head has
/// arrived; then it is answered 408 `body_timeout` and the connection is closed. A picture of
/// `MAX_PICTURE_BYTES` needs about 18 KB/s to arrive within it.
pub const HTTP_BODY_READ_TIMEOUT_SECS: u64 = 30;
/// Largest request body read on any path (the largest per-path limit, a picture upload with its
/// multipart framing). A body is read into one buffer of its own size, however it is split.
pub const MAX_REQUEST_BODY_BYTES: usize = MAX_PICTURE_BYTES + 16 * 1024;
/// Open connections one server process holds at most (default; `--max-connections`). The
/// process's descriptor limit, less `CONNECTION_FD_RESERVE`, lowers it where that is smaller.
pub const DEFAULT_MAX_CONNECTIONS: usize = 50_000;
/// Descriptors kept free of connections (database, files, the bus, refusals in progress).
pub const CONNECTION_FD_RESERVE: usize = 512;
/// Open connections from one client address at most (default;
/// `--max-connections-per-address`, 0 for no per-address cap). IPv6 addresses count by their
/// /64 network. Behind a reverse proxy every connection comes from the proxy: see
/// `docs/deployment.md`.
pub const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS: usize = 1_000;
/// Connections past a cap being answered 503 `too_many_connections` at once; more are closed
/// without an answer.
pub const MAX_REFUSALS_IN_FLIGHT: usize = 256;
/// How long a connection past a cap has to send its request head (and TLS handshake) before
/// it is closed without an answer.
pub const REFUSAL_TIMEOUT_SECS: u64 = 5;
/// `Retry-After` of a 503 `too_many_connections`, in seconds.
pub const CONNECTIONS_RETRY_AFTER_SECS: u64 = 5;
/// Longest `x-request-id` taken from a client; a longer one (or one with other characters than
/// letters, digits, `-`, `_`, `.` and `:`) is replaced by a fresh id.
pub const MAX_REQUEST_ID_CHARS: usize = 64;
/// How long a node that is told to stop (SIGTERM, Ctrl-C) waits for its requests in flight, its
/// live sockets' goodbyes and its chat writer before it exits anyway.
pub const SHUTDOWN_DRAIN_SECS: u64 = 10;
/// How long a live socket of a stopping node waits, after its close frame, for the client's
/// close frame; messages the client sent before it are still handled (at most
/// `LIVE_CHAT_QUEUE` of them).
pub const MOVING_CLOSE_WAIT_MS: u64 = 1_000;
/// Lifetime of the self-signed certificate the server makes for itself (days).
pub const SELF_SIGNED_CERT_DAYS: i64 = 365;
/// The self-signed certificate is made anew at start when it ends within this many days.
pub const SELF_SIGNED_RENEW_DAYS: i64 = 30;
/// How often the server checks that PostgreSQL answers (ms). While it does not, requests are
/// answered 503 `database_unavailable` at once and `/healthz` says so at once.
pub const DB_PROBE_INTERVAL_MS: u64 = 500;
/// How long that check, and `/healthz`'s own, wait for the database's answer (ms).
pub const DB_PROBE_TIMEOUT_MS: u64 = 1_000;
/// Most bytes read from a TLS socket at once, into a buffer on the stack (a whole record with
/// its header fits). Only what is left of a partial record is kept per connection.
pub const TLS_READ_CHUNK_BYTES: usize = 18 * 1024;
/// Most application data encrypted by one write on a TLS connection, and most encrypted bytes
/// a connection holds waiting for its socket before a writer waits.
pub const TLS_WRITE_PENDING_BYTES: usize = 64 * 1024;
/// Largest WebSocket message accepted from a client.
pub const WS_MAX_MESSAGE_BYTES: usize = assist_proto::wire::MAX_CLIENT_MESSAGE_BYTES;
/// Chat messages per participant per minute.
pub const CHAT_MESSAGES_PER_MINUTE: u32 = 60;
/// Chat messages a node stores in one transaction at most (group commit; on PostgreSQL one
/// statement). A power of two: SQLite's statements take runs of 1, 2, 4, ... rows.
pub const CHAT_BATCH_MAX: usize = 64;
const _: () = assert!(CHAT_BATCH_MAX.is_power_of_two());
/// Chat messages one live connection may have waiting to be stored; more are refused
/// (`chat_busy`) until some are stored. At least a minute's worth of the flood limit, so that a
/// burst the flood limit allows is never refused for this.
pub const LIVE_CHAT_QUEUE: usize = 64;
const _: () = assert!(LIVE_CHAT_QUEUE >= CHAT_MESSAGES_PER_MINUTE as usize);
/// Chat messages a node holds waiting to be stored; senders wait when it is full.
pub const CHAT_QUEUE_MAX: usize = 4_096;
/// How long a node keeps the tenant settings in memory before reading them again (ms). A change
/// made on this node applies at once; one made on another node applies within this time.
pub const SETTINGS_CACHE_MS: u64 = 1_000;
/// How long a node keeps a user's row and a domain's verified flag in memory for the session
/// views (trust-screen profiles) before reading them again (ms). A change made on this node
/// applies at once; one made on another node applies within this time. Sign-ins and
/// permission checks always read the database.
pub const PROFILE_CACHE_MS: u64 = 1_000;
/// Users (and, apart, domains) a node keeps in that cache; when full, it starts over.
pub const PROFILE_CACHE_MAX: usize = 10_000;
/// Maximum session length that an administrator may set (minutes).
pub const MAX_SESSION_MINUTES: i64 = 24 * 60;
/// Devices: how far a signed request's timestamp may be from the server's clock (either side).
pub const DEVICE_SIGNATURE_WINDOW_MS: i64 = 5 * 60 * 1000;
/// Devices: the check-in interval the server asks agents to keep.
pub const CHECK_IN_INTERVAL_SECS: u64 = 15 * 60;
/// Devices: how often compliance is re-evaluated in the background and old nonces forgotten.
pub const DEVICE_SWEEP_INTERVAL_SECS: u64 = 5 * 60;
/// Devices: how many devices one background re-evaluation step loads at once.
pub const DEVICE_RECOMPUTE_BATCH: i64 = 200;
/// Devices: longest inventory field (OS name, version, kernel, agent version, login name).
pub const MAX_INVENTORY_FIELD_CHARS: usize = 200;
/// Devices: most notes on how facts were read, and the longest note.
pub const MAX_FACT_NOTES: usize = 16;
pub const MAX_FACT_NOTE_CHARS: usize = 500;
/// Devices: latest plausible timestamp (year 3000), for reported times such as the last boot.
pub const MAX_TIMESTAMP_MS: i64 = 32_503_680_000_000;
/// Devices: sessions listed on a device's detail.
pub const RECENT_DEVICE_SESSIONS: i64 = 20;
/// Enrollment tokens: most uses of one token.
pub const MAX_ENROLLMENT_TOKEN_USES: i64 = 10_000;
/// Enrollment tokens: lifetime when none is given, and the longest (hours).
pub const DEFAULT_ENROLLMENT_TOKEN_HOURS: i64 = 24;
pub const MAX_ENROLLMENT_TOKEN_HOURS: i64 = 90 * 24;
/// Enrollment tokens: longest token text accepted.
pub const MAX_ENROLLMENT_TOKEN_CHARS: usize = 200;
/// Enrollment: failed enrollments per client address before a pause, within the window.
pub const ENROLL_FAILURES_PER_ADDRESS: u32 = 20;
pub const ENROLL_FAILURE_WINDOW_SECS: u64 = 15 * 60;
/// Compliance policies: most minimum OS versions in one policy, most groups assigned.
pub const MAX_MIN_OS_RULES: usize = 32;
pub const MAX_POLICY_GROUPS: usize = 100;
/// Compliance policies: longest "checked in within N days".
pub const MAX_CHECK_IN_AGE_DAYS: i64 = 365;
/// Conditional-access policies per tenant.
pub const MAX_CA_POLICIES: i64 = 200;
/// Ids in each target list of a conditional-access policy (include/exclude users/groups).
pub const MAX_CA_TARGETS: usize = 500;
/// CIDR ranges in each address condition of a conditional-access policy.
pub const MAX_CA_ADDRESS_RANGES: usize = 200;
/// Longest CIDR range text.
pub const MAX_CA_RANGE_CHARS: usize = 64;
/// Recovery codes issued when a second factor is enabled (each works once).
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Wrong second-factor codes per account while enrolling or disabling, within the window.
pub const SECOND_FACTOR_FAILURES_PER_ACCOUNT: u32 = 10;
/// The window of the second-factor limit.
pub const SECOND_FACTOR_WINDOW_SECS: u64 = 15 * 60;
/// Longest code accepted where a second-factor or recovery code is expected.
pub const MAX_SECOND_FACTOR_CODE_CHARS: usize = 64;
/// How long a single sign-on login may take, from the redirect to the provider to the callback.
pub const OIDC_LOGIN_TTL_MS: i64 = 10 * 60 * 1000;
/// Single sign-on logins pending at once (each holds a row until its callback or expiry).
pub const OIDC_MAX_PENDING_LOGINS: i64 = 10_000;
/// Single sign-on logins started per client address within the window.
pub const OIDC_STARTS_PER_ADDRESS: u32 = 60;
/// Failed single sign-on callbacks per client address within the window.
pub const OIDC_FAILURES_PER_ADDRESS: u32 = 30;
/// The window of the single sign-on limits.
pub const OIDC_WINDOW_SECS: u64 = 5 * 60;
/// Time limit of each request to the identity provider (discovery, keys, token, user info).
pub const OIDC_HTTP_TIMEOUT_SECS: u64 = 10;
/// How far in the future an ID token's `iat` may be (clock skew between us and the provider).
pub const OIDC_CLOCK_SKEW_SECS: i64 = 120;
/// Oldest ID token `iat` accepted at the callback (the token is minted at the code exchange).
pub const OIDC_MAX_TOKEN_AGE_SECS: i64 = 10 * 60;
/// Allowed email domains in the single sign-on settings.
pub const MAX_OIDC_DOMAINS: usize = 100;
/// Longest URL accepted in settings or claims (issuer, picture).
pub const MAX_URL_CHARS: usize = 2_000;
/// Longest client id or client secret.
pub const MAX_OIDC_CLIENT_CHARS: usize = 1_000;
/// Agent single sign-on: how long the one-time code handed to the agent's loopback listener lives.
pub const AGENT_CODE_TTL_MS: i64 = 2 * 60 * 1000;
/// Agent single sign-on: failed code exchanges per client address within `OIDC_WINDOW_SECS`.
pub const AGENT_CODE_FAILURES_PER_ADDRESS: u32 = 20;
/// Agent single sign-on: longest state the agent may ask to have echoed back.
pub const MAX_AGENT_STATE_CHARS: usize = 128;
/// Agent single sign-on: longest one-time code accepted at the exchange (issued codes have 43).
pub const MAX_AGENT_CODE_CHARS: usize = 128;
/// Agent single sign-on: lifetime of the API token when the agent asks for none (days).
pub const DEFAULT_AGENT_TOKEN_DAYS: i64 = 90;
/// Scale-out: how often each node writes its heartbeat in the `nodes` table.
pub const NODE_HEARTBEAT_MS: u64 = 1_000;
/// Scale-out: a node silent this long is taken for dead and its participants are marked lost.
/// With the heartbeat interval, a peer learns of a dead node's participants within about
/// 4 + 1 seconds, inside the 6 seconds of a network cut.
pub const NODE_LOST_AFTER_MS: i64 = 3_500;
/// Scale-out: sessions of a dead node looked at per heartbeat pass (the rest wait for the next).
pub const NODE_REAP_SESSIONS_PER_PASS: i64 = 1_000;
/// Scale-out: old rate-limit windows are deleted every this many heartbeats.
pub const RATE_LIMIT_SWEEP_EVERY: u64 = 60;
/// Scale-out: longest wait to hand an event to the NATS client; past it the event is dropped
/// (other nodes catch up from the store when the bus is back).
pub const BUS_PUBLISH_TIMEOUT_MS: u64 = 1_000;
/// Scale-out: most chat messages one live connection reads from the store in one catch-up (after
/// a gap in `seq` or a bus reconnection); a longer backlog is read in several.
pub const LIVE_CATCH_UP_MAX: i64 = 500;
/// TURN: lifetime of the credentials handed to participants when the configuration gives none.
pub const DEFAULT_TURN_TTL_SECS: u64 = 60 * 60;
/// TURN: longest lifetime an administrator may configure (a day).
pub const MAX_TURN_TTL_SECS: u64 = 24 * 60 * 60;

/// The largest file size a tenant may allow for one transfer: 64 GiB.
pub const MAX_TRANSFER_BYTES_CEILING: i64 = 64 << 30;
/// The size limit of one transfer until the tenant changes it: 2 GiB (also the column default of
/// migration 0016).
pub const DEFAULT_MAX_TRANSFER_BYTES: i64 = 2 << 30;
const _: () = assert!(DEFAULT_MAX_TRANSFER_BYTES <= MAX_TRANSFER_BYTES_CEILING);
/// Most file transfers one session may open (finished or not), so that a page cannot fill the
/// table and the audit log.
pub const MAX_TRANSFERS_PER_SESSION: i64 = 1_000;
/// Most transfers of one session open (neither finished nor abandoned) at once.
pub const MAX_OPEN_TRANSFERS_PER_SESSION: i64 = 8;

#[cfg(test)]
mod tests {
    /// Every limit of this file is listed in `docs/limits.md`.
    #[test]
    fn every_limit_is_documented() {
        let doc = include_str!("../../../docs/limits.md");
        let missing: Vec<&str> = include_str!("limits.rs")
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub const "))
            .filter_map(|l| l.split(':').next())
            .filter(|name| !doc.contains(&format!("`{name}`")))
            .collect();
        assert!(
            missing.is_empty(),
            "add these to docs/limits.md: {missing:?}"
        );
    }
}
