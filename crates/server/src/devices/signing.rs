//! The signed-request scheme of enrolled devices: header names, the canonical string, the
//! signature and the pure checks of the headers. One definition, in `assist_proto::signing`,
//! shared with the agent that signs; see `docs/devices.md`.

pub use assist_proto::signing::*;
