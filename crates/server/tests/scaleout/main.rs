//! Scale-out: two `assist serve` PROCESSES on one PostgreSQL database and the local NATS server
//! (127.0.0.1:5432 and 127.0.0.1:4222, as on the development and CI machines).
//!
//! - `channels`: device channels across nodes (pushes through NATS, a dead node's channels offline).
//! - `lifecycle`: the helper on node A, the sharer on node B; the whole session with presence,
//!   signalling and chat in order; then node B is killed (SIGKILL) and the sharer resumes on node A
//!   within the grace period, the helper being told of the loss and of the return.
//! - `restart`: a rolling restart: node B is stopped with SIGTERM while the sharer is on it; the
//!   sharer is told to reconnect (close 1012), the helper sees it `moving` and back, never `lost`,
//!   no chat message is lost, a request in flight on B is answered, and B exits 0 in time.
//! - `rate_limits`: wrong security codes and failed sign-ins spread over both nodes add up, and
//!   those sent to both nodes at once stop at the limit.
//! - `outages`: NATS away (a NATS server of the test's own on a free port, stopped and started
//!   again), PostgreSQL away for 10 s (through a TCP proxy of the test's own, cut and restored),
//!   and a person disabled on one node while their socket is on the other.
//!
//! The binary is `target/debug/assist` next to this test (`cargo build -p assist` first, as
//! `scripts/test-all` does), or the path in `ASSIST_BIN`. Every server listens on 127.0.0.1 on a port
//! the system picks; every node is killed when its handle drops.

#[path = "../api/common.rs"]
#[allow(dead_code, unused_imports)]
mod common;
mod nodes;

mod channels;
mod lifecycle;
mod outages;
mod rate_limits;
mod restart;
