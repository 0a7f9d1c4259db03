//! What the fuzz targets under `fuzz/` run, as plain functions, so that `cargo test` replays
//! their corpus on the stable toolchain and libFuzzer (through `cargo fuzz`) explores further.
//!
//! Each function takes bytes from a stranger and must return without panicking, whatever they
//! are. The decoders are fed the bytes as they are; the state machines read them as a script of
//! events (see [`script`]).

pub mod decoders;
pub mod endpoint;
pub mod legacy_wire;
pub mod local_sessions;
pub mod script;
pub mod seeds;
pub mod session;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target, by the name its corpus folder and `cargo fuzz` use.
pub const TARGETS: &[(&str, Target)] = &[
    ("header", decoders::header),
    ("control", decoders::control),
    ("local_stream", decoders::local_stream),
    ("legacy_wire", legacy_wire::run),
    ("local_sessions", local_sessions::run),
    ("endpoint", endpoint::run),
    ("session", session::run),
];
