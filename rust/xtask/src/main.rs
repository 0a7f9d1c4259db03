//! `cargo xtask`: the project's one entry point.
//!
//! - `cargo xtask addon [--debug] [--universal]`: builds the extension and assembles
//!   `addons/steam_multiplayer_peer/`; `--universal`, on macOS, builds one dylib for both Mac
//!   architectures.
//! - `cargo xtask package`: zips the assembled addon into `target/steam_multiplayer_peer-<version>.zip`.
//! - `cargo xtask test [--godot-only] [SCENARIO...]`: every test: format, lints, Rust tests, then
//!   Godot end to end (the editor loading the addon, multi-process scenarios in local mode, the
//!   demo's scripted session headless and in windows under Xvfb).
//! - `cargo xtask bench [--rounds N] [--only link|crowd]`: our peer against Godot's `ENetMultiplayerPeer` in real
//!   headless Godot, and the core alone; prints the table and writes `bench/results/`.
//! - `cargo xtask fuzz [--minutes N] [TARGET...]`: runs the fuzz targets, growing their corpus.
//! - `cargo xtask soak [--minutes N]`: eight instances with churn; memory, descriptors, leaks.
//! - `cargo xtask demo`: builds the addon, gets Godot and opens the demo twice in local mode, or
//!   plays its scripted session headless when there is no display.
//! - `cargo xtask standin`: builds the stand-in `libsteam_api` into `target/standin/`. The tests
//!   run the scenarios, the demo and the Steam contract on it too (`standin_*`), measuring the
//!   Steamworks adapter's line coverage.

mod addon;
mod bench;
mod coverage;
mod demo;
mod display;
mod e2e;
mod enet_game;
mod fuzz;
mod godot;
mod package;
mod platform;
mod scenarios;
mod soak;
mod standin;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use scenarios::LoadedFirst;

/// Any failure, with a message for people.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("addon") => {
            let release = !args.iter().any(|a| a == "--debug");
            if args.iter().any(|a| a == "--universal") {
                addon::build_universal(release).map(|_| ())
            } else {
                addon::build(release).map(|_| ())
            }
        }
        Some("package") => package::package(&workspace_root()).map(|_| ()),
        Some("test") => test(&args[1..]),
        Some("demo") => demo::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::long(&args[1..]),
        Some("soak") => soak::long(&args[1..]),
        Some("standin") => standin::build().map(|_| ()),
        _ => Err(
            "usage: cargo xtask addon [--debug] [--universal] | package \
                  | test [--godot-only] [SCENARIO...] | bench [--rounds N] [--only link|crowd] \
                  | demo | fuzz [--minutes N] [TARGET...] | soak [--minutes N] | standin"
                .into(),
        ),
    };
    if let Err(err) = result {
        eprintln!("\nxtask: FAILED: {err}");
        std::process::exit(1);
    }
}

fn test(args: &[String]) -> Result<()> {
    let godot_only = args.iter().any(|a| a == "--godot-only");
    let only: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let started = Instant::now();
    if !godot_only {
        step("format", || {
            run(cargo().args(["fmt", "--all", "--", "--check"]))
        })?;
        step("lints", || {
            run(cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        })?;
        step("Rust tests", || run(cargo().args(["test", "--workspace"])))?;
        step("fuzz targets (briefly)", || fuzz::brief(10))?;
    }
    let addon = step("addon (release)", || addon::build(true))?;
    let godot = step("Godot", godot::find_or_provision)?;
    println!("xtask: using Godot {}", godot.version);
    let project = step("Godot test project", || {
        e2e::prepare_project(&godot, &addon)
    })?;
    let mut failures = Vec::new();
    if only.is_empty() || only.contains(&"conflict") {
        let checked = step("another Steam integration loaded too", || {
            let conflict = e2e::prepare_conflict_project(&godot, &addon)?;
            e2e::run(&godot, &scenarios::conflict(&conflict, LoadedFirst::Other))?;
            e2e::load_our_extension_first(&conflict)?;
            e2e::run(&godot, &scenarios::conflict(&conflict, LoadedFirst::Ours))
        });
        if let Err(err) = checked {
            failures.push(format!("conflict: {err}"));
        }
    }
    for scenario in scenarios::all(&project)
        .into_iter()
        .chain(enet_game::scenarios(&project))
        .chain(bench::quick_scenarios(&project))
    {
        if !only.is_empty() && !only.contains(&scenario.name) {
            continue;
        }
        let name = scenario.name;
        if let Err(err) = step(&format!("scenario {name}"), || e2e::run(&godot, &scenario)) {
            failures.push(format!("{name}: {err}"));
        }
    }
    if (only.is_empty() || only.contains(&"soak"))
        && let Err(err) = step("soak (30 s)", || soak::short(&godot, &project))
    {
        failures.push(format!("soak: {err}"));
    }
    if only.is_empty() || only.contains(&"demo") {
        if let Err(err) = step("demo (headless)", || demo::run_headless(&godot, &addon)) {
            failures.push(format!("demo (headless): {err}"));
        }
        // Real windows, drawn with OpenGL: under Xvfb on Linux, on the desktop elsewhere.
        let windowed = if cfg!(target_os = "linux") {
            "demo (xvfb)"
        } else {
            "demo (desktop)"
        };
        if let Err(err) = step(windowed, || demo::run_in_windows(&godot, &addon)) {
            failures.push(format!("{windowed}: {err}"));
        }
    }
    if only.is_empty() || only.iter().any(|name| name.starts_with(standin::ALL)) {
        failures.extend(standin::run_all(&godot, &project, &addon, &only));
    }
    if !failures.is_empty() {
        return Err(format!(
            "{} Godot test(s) failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        )
        .into());
    }
    println!(
        "\nxtask: every test passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs one named step and says how it went.
fn step<T>(name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("\nxtask: ── {name}");
    let started = Instant::now();
    let result = body();
    let verdict = if result.is_ok() { "ok" } else { "FAILED" };
    println!(
        "xtask: ── {name}: {verdict} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    result
}

/// The repository root, two levels above this crate.
pub fn workspace_root() -> PathBuf {
    // Not canonicalized: on Windows that makes a verbatim `\\?\C:\...` path, and cargo run
    // from such a folder passes build scripts an OUT_DIR where `/` is no separator.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the xtask crate is rust/xtask")
        .to_path_buf()
}

/// The cargo that runs us.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

/// Runs a command to completion; failing unless it exits with 0.
pub fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} {:?} failed ({status})",
            command.get_program(),
            command.get_args().collect::<Vec<_>>()
        )
        .into())
    }
}
