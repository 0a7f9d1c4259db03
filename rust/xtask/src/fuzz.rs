//! Fuzzing with libFuzzer through cargo-fuzz: the targets of `fuzz/` (bodies in
//! `rust/fuzzing`), their corpus in `fuzz/corpus/<target>/`.
//!
//! `cargo xtask fuzz [--minutes N] [TARGET...]` runs each target for N minutes (10 by default),
//! adding what it finds to the committed corpus and minimizing it after. `cargo xtask test`
//! runs each for a few seconds on top of the corpus, keeping nothing.

use std::path::Path;
use std::process::Command;

use crate::{Result, run, workspace_root};

/// The fixed bounds every input must stay within: one allocation, all memory, input size.
const LIMITS: &[&str] = &["-malloc_limit_mb=64", "-rss_limit_mb=1024", "-max_len=8192"];

/// `cargo xtask fuzz`: the long form.
pub fn long(args: &[String]) -> Result<()> {
    let mut minutes = 10;
    let mut only = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--minutes" {
            minutes = args
                .next()
                .and_then(|m| m.parse().ok())
                .ok_or("--minutes takes a whole number of minutes")?;
        } else {
            only.push(arg.as_str());
        }
    }
    let targets = chosen(&only)?;
    let root = workspace_root();
    for target in &targets {
        let corpus = root.join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        for (n, seed) in smp_fuzzing::seeds::of(target).iter().enumerate() {
            std::fs::write(corpus.join(format!("seed-{n}")), seed)?;
        }
        println!(
            "xtask: fuzzing {target} for {minutes} min into {}",
            corpus.display()
        );
        let time = format!("-max_total_time={}", minutes * 60);
        run(cargo_fuzz(&root)?
            .args(["run", target])
            .arg(&corpus)
            .arg("--")
            .args(LIMITS)
            .arg(time))?;
        // Keep only the inputs that reach something the others do not.
        run(cargo_fuzz(&root)?
            .args(["cmin", target])
            .arg(&corpus)
            .arg("--")
            .args(LIMITS))?;
    }
    Ok(())
}

/// The short form inside `cargo xtask test`: each target for `seconds`, from the committed
/// corpus, writing what it finds into a scratch folder. Without cargo-fuzz it says so and
/// relies on `cargo test`, which replays the corpus on any toolchain.
pub fn brief(seconds: u32) -> Result<()> {
    let root = workspace_root();
    let Ok(mut build) = cargo_fuzz(&root) else {
        println!(
            "xtask: NOTE: cargo-fuzz is not installed, so the fuzz targets did not run here; \
             the corpus was replayed by the Rust tests. `cargo install cargo-fuzz` to run them."
        );
        return Ok(());
    };
    run(build.arg("build"))?;
    let scratch = std::env::temp_dir().join(format!("smp-fuzz-{}", std::process::id()));
    for (target, _) in smp_fuzzing::TARGETS {
        let found = scratch.join(target);
        std::fs::create_dir_all(&found)?;
        run(cargo_fuzz(&root)?
            .args(["run", target])
            .arg(&found)
            .arg(root.join("fuzz/corpus").join(target))
            .arg("--")
            .args(LIMITS)
            .arg(format!("-max_total_time={seconds}")))?;
    }
    std::fs::remove_dir_all(&scratch)?;
    Ok(())
}

fn chosen<'a>(only: &[&'a str]) -> Result<Vec<&'a str>> {
    let every: Vec<&str> = smp_fuzzing::TARGETS.iter().map(|(name, _)| *name).collect();
    if only.is_empty() {
        return Ok(every);
    }
    match only.iter().find(|t| !every.contains(t)) {
        Some(unknown) => {
            Err(format!("no fuzz target {unknown}; there are {}", every.join(", ")).into())
        }
        None => Ok(only.to_vec()),
    }
}

/// `cargo fuzz` in `fuzz/`, on the stable toolchain: RUSTC_BOOTSTRAP unlocks the `-Z` flags it
/// passes (sanitizer, coverage), for these commands only.
fn cargo_fuzz(root: &Path) -> Result<Command> {
    let probe = Command::new("cargo").args(["fuzz", "--version"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return Err("cargo-fuzz is not installed (cargo install cargo-fuzz)".into());
    }
    let mut command = Command::new("cargo");
    command
        .arg("fuzz")
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1");
    Ok(command)
}
