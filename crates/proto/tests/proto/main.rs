//! Integration tests of assist-proto through its public API, grouped in one test binary.
//!
//! - `contract`: what the server sends today (`tests/fixtures/`) reads into the shared types,
//!   later additions are tolerated, the agent's request bodies have the server's shape, and the
//!   web app's constants are proto's.
//! - `wire`: the exact JSON shapes of docs/protocol.md, round trips, limits and error codes.
//! - `sequences`: long seeded random event sequences against the session state machine's invariants.
//! - `two_sided`: a helper, a sharer and a server stepped together on a simulated clock over a
//!   simulated network, in the style of str0m's `tests/common.rs`: presence timing, resumption,
//!   chat, signalling, consent and the maximum length, without sleeping.
//! - `fuzz`: property tests (stable-Rust fuzzing) of the live-message and security-code parsers.
//! - `openapi` (feature `openapi`): the schemas the server puts in its OpenAPI document.

mod contract;
mod fuzz;
mod sequences;
mod two_sided;
mod wire;

#[cfg(feature = "openapi")]
mod openapi;
