//! Who is calling: sign-in sessions (cookie), API tokens (bearer), passwords, and the extractors
//! that turn a request into an authenticated user.

pub mod agent_sso;
pub mod extract;
pub mod forwarded;
pub mod oidc;
pub mod password;
pub mod totp;

pub use extract::{AuthContext, Authed, ClientAddr, SESSION_COOKIE};
