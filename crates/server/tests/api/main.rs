//! API integration tests: a real server on loopback, on SQLite and on PostgreSQL.

mod access;
mod admin_audit;
mod agent_sso;
mod chat;
mod common;
mod devices;
mod foundation;
mod hostile;
mod matrix;
mod oidc;
mod openapi;
mod sessions;
mod unattended;
