//! API integration tests: a real server on loopback, on SQLite and on PostgreSQL.

mod common;
mod devices;
mod foundation;
mod hostile;
mod openapi;
