//! Runs Godot end to end: several game instances in local mode, as a game would, headless
//! or in windows, with their output watched line by line.
//!
//! A scenario's processes print `READY`-style markers that start other processes, `FAIL: ...`
//! lines for failed checks, `EXPECT-ERROR: <text>` before a call meant to push an error, and
//! `FIGURE: ...` lines for what they measured, which the runner shows when they pass.
//! A run fails on a non-zero exit, a `FAIL:`, a `SCRIPT ERROR`, a parse error, a library that
//! does not load, leaked objects, any `ERROR:` not announced, or its time running out.

mod judge;
mod project;
mod scenario;
mod watch;

pub use project::{
    CONFLICT_ERRORS, import_project, load_our_extension_first, prepare_conflict_project,
    prepare_project,
};
pub use scenario::{Backend, Process, Scenario, Screen, WINDOW_SIZE};
pub use watch::{run, run_collecting, run_showing};
