//! Integration tests of assist-proto through its public API, grouped in one test binary.
//!
//! - `contract`: what the server sends today (`tests/fixtures/`) reads into the shared types,
//!   later additions are tolerated, the agent's request bodies have the server's shape, and the
//!   web app's constants are proto's.
//! - `wire`: the exact JSON shapes of docs/protocol.md, round trips, limits and error codes.
//! - `sequences`: long seeded random event sequences against the session state machine's invariants.
//! - `fuzz`: property tests (stable-Rust fuzzing) of the live-message and security-code parsers.
//! - `openapi` (feature `openapi`): the schemas the server puts in its OpenAPI document.
//!
//! The two-sided tests, which step the server's and the agent's own connection machines against
//! each other on a simulated clock, are in `crates/assist/tests/two_sided.rs` (they need both
//! crates).

mod contract;
mod fuzz;
mod sequences;
mod wire;

#[cfg(feature = "openapi")]
mod openapi;
