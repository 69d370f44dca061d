//! API integration tests: a real server on loopback, on SQLite and on PostgreSQL.

mod access;
mod admin_audit;
mod agent_sso;
mod audited_changes;
mod channel;
mod chat;
mod common;
mod contract;
mod devices;
mod foundation;
mod headers;
mod hostile;
mod matrix;
mod oidc;
mod openapi;
mod outage;
mod rate_limits;
mod revocation;
mod security;
mod sessions;
mod transfers;
mod unattended;
