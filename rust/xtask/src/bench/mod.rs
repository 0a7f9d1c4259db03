//! `cargo xtask bench [--rounds N] [--only link|crowd]`: our peer against Godot's `ENetMultiplayerPeer` in real
//! Godot, headless, over loopback, the same traffic and process layout for both, then the
//! core alone. Prints the table and writes `bench/results/latest.{md,json,png}` and the
//! README's results section.

pub mod chart;
mod core;
mod figures;
mod report;
mod scenarios;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use figures::{METRICS, Samples};
use report::Results;
use scenarios::{Layout, Peer};

use crate::{Result, addon, e2e, godot, step, workspace_root};

pub use scenarios::quick as quick_scenarios;

/// Rounds when `--rounds` is not given: enough for a median and a spread, and the whole
/// command stays well under ten minutes on two cores.
const DEFAULT_ROUNDS: usize = 5;

pub fn run(args: &[String]) -> Result<()> {
    let rounds = match args.iter().position(|a| a == "--rounds") {
        Some(i) => args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .filter(|&n: &usize| n > 0)
            .ok_or("--rounds needs a number above 0")?,
        None => DEFAULT_ROUNDS,
    };
    // `--only link` or `--only crowd` (to profile one layout) prints its figures, writes nothing.
    let only = match args.iter().position(|a| a == "--only") {
        Some(i) => Some(
            Layout::ALL
                .into_iter()
                .find(|l| args.get(i + 1).is_some_and(|a| a == l.name()))
                .ok_or("--only needs link or crowd")?,
        ),
        None => None,
    };
    let started = Instant::now();
    let addon = step("addon (release)", || addon::build(true))?;
    let godot = step("Godot", godot::find_or_provision)?;
    let project = step("Godot test project", || {
        e2e::prepare_project(&godot, &addon)
    })?;
    step("core benchmarks (build)", core::build)?;
    let load_before = load_average();
    let mut samples: BTreeMap<(&'static str, Peer), Samples> = BTreeMap::new();
    for round in 0..rounds {
        // Alternate which peer goes first, so that neither always runs on a warmer machine.
        let order = if round % 2 == 0 {
            Peer::BOTH
        } else {
            [Peer::Enet, Peer::Steam]
        };
        for layout in Layout::ALL
            .into_iter()
            .filter(|l| only.is_none_or(|o| o == *l))
        {
            for peer in order {
                let scenario = scenarios::scenario(&project, layout, peer, false);
                let name = format!("round {}/{rounds}: {}", round + 1, scenario.name);
                let figures = step(&name, || {
                    let log = e2e::run_collecting(&godot, &scenario)?;
                    Ok(figures::parse_round(&log)?)
                })?;
                for (key, value) in &figures {
                    println!("xtask:   {key} = {}", report::number(*value));
                }
                record(&mut samples, peer, &figures);
            }
        }
        if only.is_none() {
            let name = format!("round {}/{rounds}: core", round + 1);
            let figures = step(&name, || core::round(false))?;
            record(&mut samples, Peer::Steam, &figures);
        }
    }
    let machine = describe_machine(&godot.version, &load_before);
    let results = Results {
        samples,
        rounds,
        date: utc_now(),
        machine,
    };
    if only.is_none() {
        write(&results)?;
    }
    println!("\n{}", results.table());
    for row in results.rows().iter().filter(|r| r.met() == Some(false)) {
        println!(
            "xtask: target missed: {} {}",
            row.metric.row, row.metric.key
        );
    }
    for key in results.noisy() {
        println!("xtask: WARNING: {key} is too noisy to trust (the machine was busy)");
    }
    let elapsed = started.elapsed().as_secs_f64();
    if only.is_none() {
        println!("\nxtask: bench done in {elapsed:.0} s; results in bench/results/latest.md");
    } else {
        println!("\nxtask: bench done in {elapsed:.0} s; with --only, nothing was written");
    }
    Ok(())
}

fn record(
    samples: &mut BTreeMap<(&'static str, Peer), Samples>,
    peer: Peer,
    figures: &BTreeMap<String, f64>,
) {
    for metric in &METRICS {
        if let Some(&value) = figures.get(metric.key) {
            samples.entry((metric.key, peer)).or_default().0.push(value);
        }
    }
}

fn write(results: &Results) -> Result<()> {
    let root = workspace_root();
    let dir = root.join("bench/results");
    std::fs::create_dir_all(&dir)?;
    chart::draw(results, &dir.join("latest.png"))?;
    std::fs::write(dir.join("latest.md"), results.markdown("latest.png"))?;
    std::fs::write(dir.join("latest.json"), results.json())?;
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path)?;
    std::fs::write(
        &readme_path,
        report::replace_section(&readme, &results.readme_section())?,
    )?;
    Ok(())
}

/// The machine, for the results: CPU, cores, memory, OS, Godot and the load around the run.
fn describe_machine(godot_version: &str, load_before: &str) -> Vec<String> {
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|kb| kb.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or("unknown memory".to_owned(), |kb| {
            format!("{:.0} GiB", kb / 1024.0 / 1024.0)
        });
    let os = command_line("uname", &["-sr"]).unwrap_or_else(|| std::env::consts::OS.to_owned());
    vec![
        format!("{cores} cores, {cpu}, {memory}"),
        format!("OS: {os}"),
        format!("Godot {godot_version}, headless; both peers on loopback in the same run"),
        format!(
            "load average (1, 5, 15 min) before: {load_before}; after: {}",
            load_average()
        ),
    ]
}

fn load_average() -> String {
    let text = read("/proc/loadavg");
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    if fields.is_empty() {
        "unknown".to_owned()
    } else {
        fields.join(" ")
    }
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn utc_now() -> String {
    command_line("date", &["-u", "+%Y-%m-%d %H:%M"]).unwrap_or_else(|| {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        format!("Unix time {secs}")
    })
}
