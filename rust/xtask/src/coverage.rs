//! Line coverage of the Steamworks adapter (`rust/steam/src/real`) while it runs on the
//! stand-in: builds instrumented by rustc (`-C instrument-coverage`) in their own target
//! folder, profiles written by every process, and LLVM's tools to merge and report them.
//!
//! The tools must match rustc's LLVM major version. `LLVM_PROFDATA` and `LLVM_COV` name them;
//! else `llvm-profdata-<N>`/`llvm-cov-<N>` on `PATH`; else Debian sid's `llvm-<N>`, installed
//! (as root) into a sid root of its own, `target/llvm-sid`, and run through sid's loader as
//! Godot is (see [`crate::godot`]).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::godot::{bootstrap_sid, install_in_root, is_root, sid_program};
use crate::{Result, cargo, workspace_root};

/// The folder of the instrumented builds, their profiles and the report.
pub const TARGET_DIR: &str = "target/coverage";
/// What is measured.
pub const SOURCES: &str = "rust/steam/src/real";
/// Below this share of lines run, the run fails.
pub const MINIMUM_PERCENT: f64 = 85.0;

/// `cargo <args>` building instrumented, into [`TARGET_DIR`], for this machine's target
/// named explicitly: then the flags reach only what runs in the tests, not the build scripts
/// and proc macros, which would leave profiles wherever cargo runs them.
pub fn instrumented_cargo(args: &[&str]) -> Result<Command> {
    let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    flags.push_str(" -C instrument-coverage");
    let mut command = cargo();
    command
        .args(args)
        .args(["--target", &rustc_facts()?.host])
        .env("RUSTFLAGS", flags.trim())
        .env("CARGO_TARGET_DIR", workspace_root().join(TARGET_DIR));
    Ok(command)
}

/// Where the instrumented builds of `profile` land.
pub fn output_dir(profile: &str) -> Result<PathBuf> {
    Ok(workspace_root()
        .join(TARGET_DIR)
        .join(rustc_facts()?.host)
        .join(profile))
}

/// Where the instrumented processes write their profiles.
pub fn profiles() -> PathBuf {
    workspace_root().join(TARGET_DIR).join("profiles")
}

/// The environment that has an instrumented process write its profile among [`profiles`]:
/// one file per process and library.
pub fn profile_env() -> (&'static str, String) {
    let pattern = profiles().join("%p-%m.profraw");
    ("LLVM_PROFILE_FILE", pattern.display().to_string())
}

/// Empties [`profiles`] before a run.
pub fn clear_profiles() -> Result<()> {
    let _ = std::fs::remove_dir_all(profiles());
    std::fs::create_dir_all(profiles())?;
    Ok(())
}

/// One LLVM tool: a program and the arguments before the tool's own.
struct Tool {
    program: PathBuf,
    prefix: Vec<OsString>,
}

impl Tool {
    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.prefix);
        command
    }
}

/// What `rustc -vV` says of itself.
struct RustcFacts {
    /// The target triple of this machine.
    host: String,
    /// The major version of its LLVM.
    llvm_major: u32,
}

fn rustc_facts() -> Result<RustcFacts> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc).arg("-vV").output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| text.lines().find_map(|line| line.strip_prefix(name));
    let host = field("host: ").map(str::trim);
    let llvm_major =
        field("LLVM version: ").and_then(|version| version.split('.').next()?.trim().parse().ok());
    match (host, llvm_major) {
        (Some(host), Some(llvm_major)) => Ok(RustcFacts {
            host: host.to_owned(),
            llvm_major,
        }),
        _ => Err(format!("`rustc -vV` names no host or LLVM version:\n{text}").into()),
    }
}

/// `llvm-profdata` and `llvm-cov` for rustc's LLVM.
fn tools() -> Result<(Tool, Tool)> {
    if let (Some(profdata), Some(cov)) = (
        std::env::var_os("LLVM_PROFDATA"),
        std::env::var_os("LLVM_COV"),
    ) {
        let tool = |program: OsString| Tool {
            program: program.into(),
            prefix: Vec::new(),
        };
        return Ok((tool(profdata), tool(cov)));
    }
    let major = rustc_facts()?.llvm_major;
    let on_path = |name: &str| {
        let program = PathBuf::from(format!("{name}-{major}"));
        let runs = Command::new(&program).arg("--version").output();
        runs.is_ok_and(|o| o.status.success()).then_some(Tool {
            program,
            prefix: Vec::new(),
        })
    };
    if let (Some(profdata), Some(cov)) = (on_path("llvm-profdata"), on_path("llvm-cov")) {
        return Ok((profdata, cov));
    }
    let root = workspace_root().join("target/llvm-sid");
    let bin = root.join(format!("usr/lib/llvm-{major}/bin"));
    if !bin.join("llvm-cov").exists() {
        provision(&root, major)?;
    }
    let libraries = [root.join(format!("usr/lib/llvm-{major}/lib"))];
    let sid_tool = |name: &str| {
        let (program, prefix) = sid_program(&root, &bin.join(name), &libraries)
            .ok_or("no Debian architecture for this machine")?;
        Ok::<_, Box<dyn std::error::Error>>(Tool { program, prefix })
    };
    Ok((sid_tool("llvm-profdata")?, sid_tool("llvm-cov")?))
}

/// Installs Debian sid's `llvm-<major>` into `root`.
fn provision(root: &Path, major: u32) -> Result<()> {
    eprintln!(
        "xtask: installing Debian sid's llvm-{major} (for llvm-profdata and llvm-cov) into {}",
        root.display()
    );
    if !cfg!(target_os = "linux") || !is_root()? {
        return Err(format!(
            "coverage needs llvm-profdata and llvm-cov of LLVM {major} (rustc's): set \
             LLVM_PROFDATA and LLVM_COV to them, put llvm-profdata-{major} and llvm-cov-{major} \
             on PATH, or run as root on Linux to have them installed"
        )
        .into());
    }
    if !root.join("usr/bin/apt-get").exists() {
        bootstrap_sid(root)?;
    }
    install_in_root(root, &[&format!("llvm-{major}")])
        .map_err(|e| format!("installing llvm-{major} in {} failed: {e}", root.display()).into())
}

/// One file's line coverage.
struct FileCoverage {
    file: String,
    lines: u64,
    missed: u64,
}

/// Merges every profile, reports the line coverage of [`SOURCES`] in `objects` (the
/// instrumented binaries that ran) per file, and fails below [`MINIMUM_PERCENT`]. Returns the
/// total percentage.
pub fn report(objects: &[PathBuf]) -> Result<f64> {
    let (profdata, cov) = tools()?;
    let raw: Vec<PathBuf> = std::fs::read_dir(profiles())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "profraw"))
        .collect();
    if raw.is_empty() {
        return Err(format!(
            "no profiles in {}: nothing ran instrumented",
            profiles().display()
        )
        .into());
    }
    let merged = workspace_root().join(TARGET_DIR).join("merged.profdata");
    crate::run(
        profdata
            .command()
            .args(["merge", "-sparse", "-o"])
            .arg(&merged)
            .args(&raw),
    )?;
    let (first, rest) = objects.split_first().ok_or("no instrumented binaries")?;
    let sources = workspace_root().join(SOURCES);
    let mut command = cov.command();
    command
        .arg("report")
        .arg(format!("-instr-profile={}", merged.display()))
        .arg(first);
    for object in rest {
        command.arg("-object").arg(object);
    }
    let output = command.arg(&sources).output()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "llvm-cov report failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let files = parse_report(&text);
    let (lines, missed) = files
        .iter()
        .fold((0, 0), |(l, m), f| (l + f.lines, m + f.missed));
    if lines == 0 {
        return Err(format!("llvm-cov reported no lines of {SOURCES}:\n{text}").into());
    }
    println!("xtask: line coverage of {SOURCES} on the stand-in:");
    for file in &files {
        println!(
            "xtask:   {:>6.1}%  {:>4} of {:>4} lines  {}",
            percent(file.lines, file.missed),
            file.lines - file.missed,
            file.lines,
            file.file
        );
    }
    let total = percent(lines, missed);
    println!(
        "xtask:   {total:>6.1}%  {:>4} of {lines:>4} lines  in all",
        lines - missed
    );
    if total < MINIMUM_PERCENT {
        return Err(
            format!("line coverage of {SOURCES} is {total:.1}%, below {MINIMUM_PERCENT}%").into(),
        );
    }
    Ok(total)
}

fn percent(lines: u64, missed: u64) -> f64 {
    100.0 * (lines - missed) as f64 / lines as f64
}

/// The rows of `llvm-cov report`'s table: file, then regions, missed, cover, functions,
/// missed, executed, lines, missed, cover, branches...
fn parse_report(text: &str) -> Vec<FileCoverage> {
    text.lines()
        .filter(|line| line.contains(".rs "))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            Some(FileCoverage {
                file: fields.first()?.to_string(),
                lines: fields.get(7)?.parse().ok()?,
                missed: fields.get(8)?.parse().ok()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_and_misses_per_file() {
        let text = "\
Filename                      Regions    Missed Regions     Cover   Functions  Missed Functions  Executed       Lines      Missed Lines     Cover    Branches   Missed Branches     Cover
-------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
real/convert.rs                   120                10    91.67%          20                 2    90.00%         300                20    93.33%           0                 0         -
real/mod.rs                        50                25    50.00%          10                 5    50.00%         100                50    50.00%           0                 0         -
-------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
TOTAL                             170                35    79.41%          30                 7    76.67%         400                70    82.50%           0                 0         -
";
        let files = parse_report(text);
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].file, "real/convert.rs");
        assert_eq!((files[0].lines, files[0].missed), (300, 20));
        assert_eq!((files[1].lines, files[1].missed), (100, 50));
        assert_eq!(percent(400, 70), 82.5);
    }
}
