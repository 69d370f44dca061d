//! assist-agent: the native sharer app.
pub mod checkin;
pub mod control;
pub mod enroll;
pub mod facts;
pub mod http;
pub mod identity;
pub mod live;
pub mod login;
pub mod media;
pub mod share;
pub mod sso;
