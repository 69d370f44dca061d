//! Every size, length and rate limit of the server, by name. `docs/limits.md` lists them.

/// Largest JSON request body.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;
/// Largest profile picture upload.
pub const MAX_PICTURE_BYTES: usize = 512 * 1024;
/// Longest email address.
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest name, title, company, group or role name.
pub const MAX_NAME_CHARS: usize = 200;
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
/// Wrong security codes per account within the window.
pub const CODE_GUESSES_PER_ACCOUNT: u32 = 5;
/// Wrong security codes per client address within the window.
pub const CODE_GUESSES_PER_ADDRESS: u32 = 20;
/// The window of the code-guess limits.
pub const CODE_GUESS_WINDOW_SECS: u64 = 5 * 60;
/// Most rows a list endpoint returns in one page.
pub const MAX_PAGE_SIZE: i64 = 500;
/// Default page size.
pub const DEFAULT_PAGE_SIZE: i64 = 100;
/// WebSocket read buffer per connection (memory per idle connection depends on it).
pub const WS_READ_BUFFER_BYTES: usize = 4 * 1024;
/// WebSocket write buffer per connection.
pub const WS_WRITE_BUFFER_BYTES: usize = 0;
/// Largest WebSocket message accepted from a client.
pub const WS_MAX_MESSAGE_BYTES: usize = assist_proto::wire::MAX_CLIENT_MESSAGE_BYTES;
/// Chat messages per participant per minute.
pub const CHAT_MESSAGES_PER_MINUTE: u32 = 60;
/// Maximum session length that an administrator may set (minutes).
pub const MAX_SESSION_MINUTES: i64 = 24 * 60;
