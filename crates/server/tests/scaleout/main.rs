//! Scale-out: two `assist serve` PROCESSES on one PostgreSQL database and the local NATS server
//! (127.0.0.1:5432 and 127.0.0.1:4222, as on the development and CI machines).
//!
//! - `lifecycle`: the helper on node A, the sharer on node B; the whole session with presence,
//!   signalling and chat in order; then node B is killed (SIGKILL) and the sharer resumes on node A
//!   within the grace period, the helper being told of the loss and of the return.
//! - `rate_limits`: wrong security codes and failed sign-ins spread over both nodes add up, and
//!   those sent to both nodes at once stop at the limit.
//!
//! The binary is `target/debug/assist` next to this test (`cargo build -p assist` first, as
//! `scripts/test-all` does), or the path in `ASSIST_BIN`. Every server listens on 127.0.0.1 on a port
//! the system picks; every node is killed when its handle drops.

#[path = "../api/common.rs"]
#[allow(dead_code, unused_imports)]
mod common;
mod nodes;

mod lifecycle;
mod rate_limits;
