//! assist-agent: the native sharer app.
pub mod checkin;
pub mod enroll;
pub mod facts;
pub mod http;
pub mod identity;
pub mod media;
