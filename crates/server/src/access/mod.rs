//! Who may do what: permissions and roles (pure), and the request guard that checks them.

pub mod conditional;
pub mod guard;
pub mod permissions;
pub mod policy;
pub mod transfer;
pub mod unattended;

pub use guard::Need;
pub use permissions::{Access, Grant, Permission};
