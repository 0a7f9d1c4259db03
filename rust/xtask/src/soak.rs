//! `cargo xtask soak [--minutes N]`: a host and seven clients in local mode for N minutes (10 by
//! default), the clients joining and leaving all the time with traffic in every mode
//! (`tests/godot/e2e/soak.gd`), one of them killed midway. It reports the host's resident memory over time, its open file
//! descriptors and Godot's leaked objects at exit, writes `bench/results/soak.md` and
//! `soak.png`, and fails on memory growing more than 5% after the warm-up. `cargo xtask test`
//! runs a 30-second form that checks the traffic, the churn and the exit, not the growth.

use std::path::Path;
use std::time::Duration;

use plotters::prelude::*;

use crate::bench::chart::{draw_error as chart_error, use_embedded_font};
use crate::e2e::{self, Backend, Process, Scenario, Screen};
use crate::godot::Godot;
use crate::{Result, workspace_root};

const CLIENTS: u32 = 7;
const PORT_BASE: u16 = 26_000;
/// The largest growth of resident memory after the warm-up that the long form accepts.
const MAX_GROWTH_PERCENT: f64 = 5.0;

/// One sample of the host: seconds since it started, resident KiB, open descriptors.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sample {
    seconds: f64,
    rss_kb: u64,
    fds: u64,
}

/// The soak's scenario, `seconds` long.
pub fn scenario(project: &Path, seconds: u64) -> Scenario {
    let host_id = smp_transport::local::steam_id_of(1).0.to_string();
    let mut processes = vec![Process {
        name: "host",
        user: 1,
        args: vec![
            "--scenario=soak".into(),
            "--role=host".into(),
            format!("--seconds={seconds}"),
            format!("--clients={CLIENTS}"),
        ],
        start_after: None,
        kill_on: None,
    }];
    const NAMES: [&str; CLIENTS as usize] = ["c1", "c2", "c3", "c4", "c5", "c6", "c7"];
    for (index, name) in NAMES.into_iter().enumerate() {
        processes.push(Process {
            name,
            user: index as u32 + 2,
            args: vec![
                "--scenario=soak".into(),
                format!("--role={name}"),
                format!("--host={host_id}"),
                format!("--seconds={seconds}"),
            ],
            start_after: Some(("host", "READY")),
            // The last client's process is killed in its second session (SIGKILL).
            kill_on: (name == "c7").then_some("KILL ME"),
        });
    }
    Scenario {
        name: "soak",
        project: project.to_path_buf(),
        script: Some("res://e2e/main.gd"),
        screen: Screen::Headless,
        processes,
        env: crate::scenarios::faults(),
        port_base: PORT_BASE,
        timeout: Duration::from_secs(seconds + 90),
        allowed_errors: Vec::new(),
        required: vec!["SOAK-END"],
        agreement: None,
        no_warnings: false,
        backend: Backend::Local,
    }
}

/// The short form, inside `cargo xtask test`.
pub fn short(godot: &Godot, project: &Path) -> Result<()> {
    let log = e2e::run_collecting(godot, &scenario(project, 30))?;
    let samples = samples(&log);
    let summary = summarize(&samples).map_err(|e| {
        let first = log
            .iter()
            .find(|l| l.contains("SOAK"))
            .map_or("none", String::as_str);
        format!("{e} (first SOAK line: {first})")
    })?;
    println!("xtask:   soak (30 s): {summary}");
    Ok(())
}

/// `cargo xtask soak`: the long form, with its report and chart.
pub fn long(args: &[String]) -> Result<()> {
    let minutes: u64 = match args {
        [] => 10,
        [flag, value] if flag == "--minutes" => value
            .parse()
            .map_err(|_| "--minutes takes a whole number of minutes")?,
        _ => return Err("usage: cargo xtask soak [--minutes N]".into()),
    };
    let addon = crate::addon::build(true)?;
    let godot = crate::godot::find_or_provision()?;
    let project = e2e::prepare_project(&godot, &addon)?;
    println!("xtask: soaking for {minutes} min: a host and {CLIENTS} clients, churning");
    let log = e2e::run_collecting(&godot, &scenario(&project, minutes * 60))?;
    let samples = samples(&log);
    let summary = summarize(&samples)?;
    let end = log
        .iter()
        .find_map(|l| l.split("SOAK-END ").nth(1))
        .unwrap_or("");
    let results = workspace_root().join("bench/results");
    std::fs::create_dir_all(&results)?;
    draw(&samples, &summary, &results.join("soak.png"))?;
    let report = format!(
        "# Soak\n\n`cargo xtask soak --minutes {minutes}`: a host and {CLIENTS} clients in local mode \
         with mild fault injection; each client joins, plays for 2 to 6 s (reliable, unreliable \
         and ordered RPCs, the host's broadcasts), leaves and joins again.\n\n\
         - Run: {date}, on {machine}\n- Host: {end}\n- {summary}\n- Godot's leaked objects at \
         exit: 0 in every instance (a leak fails the run)\n\n![Resident memory](soak.png)\n",
        date = command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        machine = command_output("uname", &["-srm"]),
    );
    std::fs::write(results.join("soak.md"), report)?;
    println!("xtask: {summary}\nxtask: wrote bench/results/soak.md and soak.png");
    if summary.growth_percent > MAX_GROWTH_PERCENT {
        return Err(format!(
            "resident memory grew {:.1}% after the warm-up (at most {MAX_GROWTH_PERCENT}%)",
            summary.growth_percent
        )
        .into());
    }
    Ok(())
}

fn command_output(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_else(|e| format!("({program}: {e})"))
}

fn samples(log: &[String]) -> Vec<Sample> {
    log.iter()
        .filter_map(|line| line.split("SOAK ").nth(1))
        .filter_map(|fields| {
            let field = |name: &str| {
                fields
                    .split_whitespace()
                    .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
                    .and_then(|v| v.parse::<u64>().ok())
            };
            Some(Sample {
                seconds: field("t_ms")? as f64 / 1000.0,
                rss_kb: field("rss_kb")?,
                fds: field("fds")?,
            })
        })
        .collect()
}

/// What the samples say, after the warm-up (the first fifth of the run).
#[derive(Debug)]
struct Summary {
    warm_rss_kb: u64,
    end_rss_kb: u64,
    growth_percent: f64,
    max_fds: u64,
    end_fds: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "resident memory {:.1} MiB after the warm-up, {:.1} MiB at the end ({:+.1}%); \
             open file descriptors at most {}, {} at the end",
            self.warm_rss_kb as f64 / 1024.0,
            self.end_rss_kb as f64 / 1024.0,
            self.growth_percent,
            self.max_fds,
            self.end_fds
        )
    }
}

/// Medians of the tenth of the samples after the warm-up and of the last tenth, so that one
/// sample taken mid-burst moves neither.
fn summarize(samples: &[Sample]) -> Result<Summary> {
    if samples.len() < 10 {
        return Err(format!("the host reported only {} samples", samples.len()).into());
    }
    let warm = samples.len() / 5;
    let tenth = (samples.len() / 10).max(1);
    let median = |window: &[Sample]| {
        let mut rss: Vec<u64> = window.iter().map(|s| s.rss_kb).collect();
        rss.sort_unstable();
        rss[rss.len() / 2]
    };
    let warm_rss_kb = median(&samples[warm..warm + tenth]);
    let end_rss_kb = median(&samples[samples.len() - tenth..]);
    Ok(Summary {
        warm_rss_kb,
        end_rss_kb,
        growth_percent: (end_rss_kb as f64 / warm_rss_kb as f64 - 1.0) * 100.0,
        max_fds: samples.iter().map(|s| s.fds).max().unwrap_or(0),
        end_fds: samples.last().map_or(0, |s| s.fds),
    })
}

fn draw(samples: &[Sample], summary: &Summary, path: &Path) -> Result<()> {
    use_embedded_font()?;
    let root = BitMapBackend::new(path, (900, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(chart_error)?;
    let seconds = samples.last().map_or(1.0, |s| s.seconds);
    let top = samples.iter().map(|s| s.rss_kb).max().unwrap_or(1) as f64 / 1024.0 * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "Host resident memory, {:+.1}% after warm-up",
                summary.growth_percent
            ),
            ("sans-serif", 22),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..seconds, 0.0..top)
        .map_err(chart_error)?;
    chart
        .configure_mesh()
        .x_desc("seconds")
        .y_desc("MiB")
        .draw()
        .map_err(chart_error)?;
    chart
        .draw_series(LineSeries::new(
            samples
                .iter()
                .map(|s| (s.seconds, s.rss_kb as f64 / 1024.0)),
            &BLUE,
        ))
        .map_err(chart_error)?;
    root.present().map_err(chart_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(seconds: u64, rss_kb: u64) -> String {
        format!(
            "[host] SOAK t_ms={} rss_kb={rss_kb} fds=40 peers=7 sessions=3",
            seconds * 1000
        )
    }

    #[test]
    fn growth_is_measured_after_the_warm_up() {
        // Fast growth while warming up, then flat: no growth.
        let mut log: Vec<String> = (0..20).map(|s| sample(s, 1000 + s * 100)).collect();
        log.extend((20..100).map(|s| sample(s, 5000)));
        let summary = summarize(&samples(&log)).unwrap();
        assert_eq!((summary.warm_rss_kb, summary.end_rss_kb), (5000, 5000));
        assert_eq!(summary.growth_percent, 0.0);
        // A steady leak shows.
        let leaking: Vec<String> = (0..100).map(|s| sample(s, 5000 + s * 10)).collect();
        assert!(summarize(&samples(&leaking)).unwrap().growth_percent > 10.0);
    }

    #[test]
    fn draws_a_png() {
        let log: Vec<String> = (0..30).map(|s| sample(s, 5000 + s)).collect();
        let samples = samples(&log);
        let path = std::env::temp_dir().join(format!("soak-{}.png", std::process::id()));
        draw(&samples, &summarize(&samples).unwrap(), &path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 1000);
        std::fs::remove_file(path).unwrap();
    }
}
