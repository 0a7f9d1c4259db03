//! Running a scenario: starting its processes as their markers appear, watching their output
//! line by line, and stopping them, to a verdict.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::judge::{disagreements, is_warning, judge};
use super::scenario::{Scenario, Screen, WINDOW_SIZE};
use crate::Result;
use crate::godot::Godot;

enum Output {
    Line(usize, String),
    Closed(usize),
}

struct Running {
    child: Child,
    open_streams: u8,
    allowed_errors: Vec<String>,
    killed: bool,
}

/// Runs a scenario; Ok when every process did its part.
pub fn run(godot: &Godot, scenario: &Scenario) -> Result<()> {
    watch(godot, scenario, false).map(|_| ())
}

/// Runs a scenario and prints its output as it comes.
pub fn run_showing(godot: &Godot, scenario: &Scenario) -> Result<()> {
    watch(godot, scenario, true).map(|_| ())
}

/// Runs a scenario; when every process did its part, its output, each line after `[name] `.
pub fn run_collecting(godot: &Godot, scenario: &Scenario) -> Result<Vec<String>> {
    watch(godot, scenario, false)
}

fn watch(godot: &Godot, scenario: &Scenario, show: bool) -> Result<Vec<String>> {
    let (sender, receiver) = mpsc::channel();
    let mut running: HashMap<usize, Running> = HashMap::new();
    let mut log: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let deadline = Instant::now() + scenario.timeout;
    for (index, process) in scenario.processes.iter().enumerate() {
        if process.start_after.is_none() {
            running.insert(index, start(godot, scenario, index, &sender, unix_ms())?);
        }
    }
    while running.values().any(|r| r.open_streams > 0) {
        let Some(output) = next_output(&receiver, deadline) else {
            let waiting: Vec<&str> = running
                .iter()
                .filter(|(_, r)| r.open_streams > 0)
                .map(|(&i, _)| scenario.processes[i].name)
                .collect();
            problems.push(format!(
                "timed out after {} s; still running: {waiting:?}",
                scenario.timeout.as_secs()
            ));
            break;
        };
        let (index, line) = match output {
            Output::Closed(index) => {
                running.get_mut(&index).expect("started").open_streams -= 1;
                continue;
            }
            Output::Line(index, line) => (index, line),
        };
        let seen_ms = unix_ms();
        let process = &scenario.processes[index];
        if show {
            println!("[{}] {line}", process.name);
        }
        log.push(format!("[{}] {line}", process.name));
        let this = running.get_mut(&index).expect("started");
        if let Some(text) = line.trim().strip_prefix("EXPECT-ERROR:") {
            this.allowed_errors.push(text.trim().to_owned());
        }
        if let Some(problem) = judge(&line, &this.allowed_errors) {
            problems.push(format!("{}: {problem}", process.name));
        } else if scenario.no_warnings && is_warning(&line) {
            problems.push(format!(
                "{}: a warning in a normal session: {}",
                process.name,
                line.trim()
            ));
        }
        if process.kill_on.is_some_and(|marker| line.contains(marker)) {
            this.killed = true;
            let _ = this.child.kill();
        }
        for (other, candidate) in scenario.processes.iter().enumerate() {
            if !running.contains_key(&other)
                && candidate
                    .start_after
                    .is_some_and(|(after, marker)| after == process.name && line.contains(marker))
            {
                running.insert(other, start(godot, scenario, other, &sender, seen_ms)?);
            }
        }
        if !problems.is_empty() && line.contains("SCRIPT ERROR") {
            break;
        }
    }
    let started: Vec<usize> = running.keys().copied().collect();
    for (index, mut process) in running {
        let name = scenario.processes[index].name;
        let status = match process.child.try_wait()? {
            Some(status) => status,
            None => {
                let _ = process.child.kill();
                process.child.wait()?
            }
        };
        if !status.success()
            && !process.killed
            && problems.iter().all(|p| !p.starts_with("timed out"))
        {
            problems.push(format!("{name} exited with {status}"));
        }
    }
    for (index, process) in scenario.processes.iter().enumerate() {
        if !started.contains(&index) {
            problems.push(format!(
                "{} never started (waiting for {:?})",
                process.name, process.start_after
            ));
        }
    }
    if let Some(prefix) = scenario.agreement {
        problems.extend(disagreements(scenario, &log, prefix));
    }
    for text in &scenario.required {
        if !log.iter().any(|line| line.contains(text)) {
            problems.push(format!("the output never said {text:?}"));
        }
    }
    if problems.is_empty() {
        let checks = log.iter().filter(|l| l.contains("CHECK ok")).count();
        println!("xtask: scenario {} passed ({checks} checks)", scenario.name);
        for figure in log.iter().filter(|l| l.contains("FIGURE:")) {
            println!("xtask:   {figure}");
        }
        return Ok(log);
    }
    if !show {
        println!(
            "xtask: scenario {} output:\n{}",
            scenario.name,
            log.join("\n")
        );
    }
    Err(problems.join("; ").into())
}

fn next_output(receiver: &Receiver<Output>, deadline: Instant) -> Option<Output> {
    let left = deadline.checked_duration_since(Instant::now())?;
    receiver.recv_timeout(left).ok()
}

/// Milliseconds since the Unix epoch, as Godot's `Time.get_unix_time_from_system()` counts.
fn unix_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// Starts process `index`; `{marker_ms}` in its arguments becomes `marker_ms`, the time the
/// line that started it was read, the same for every process that line starts.
fn start(
    godot: &Godot,
    scenario: &Scenario,
    index: usize,
    sender: &Sender<Output>,
    marker_ms: u128,
) -> Result<Running> {
    let process = &scenario.processes[index];
    let mut command = godot.command();
    match &scenario.screen {
        Screen::Headless => {
            command.arg("--headless");
        }
        Screen::Windows { x_display } => {
            let (width, height) = WINDOW_SIZE;
            let left = index as u32 * (width + 10);
            command
                .args(["--rendering-driver", "opengl3", "--audio-driver", "Dummy"])
                .args(["--resolution", &format!("{width}x{height}")])
                .args(["--position", &format!("{left},0")]);
            if let Some(x_display) = x_display {
                command.env("DISPLAY", x_display);
            }
        }
    }
    command.arg("--path").arg(&scenario.project);
    if let Some(script) = scenario.script {
        command.args(["-s", script]);
    }
    command
        .arg("--")
        .args(
            process
                .args
                .iter()
                .map(|a| a.replace("{marker_ms}", &marker_ms.to_string())),
        )
        .env("STEAM_LOCAL_PORT_BASE", scenario.port_base.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
        .env_remove("STEAM_LOCAL_USER")
        .env_remove("STEAM_STANDIN_USER");
    if process.user != 0 {
        command.env(scenario.backend.user_variable(), process.user.to_string());
    }
    for (key, value) in &scenario.env {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start Godot for {}: {e}", process.name))?;
    forward(child.stdout.take().expect("piped"), index, sender.clone());
    forward(child.stderr.take().expect("piped"), index, sender.clone());
    Ok(Running {
        child,
        open_streams: 2,
        allowed_errors: scenario
            .allowed_errors
            .iter()
            .map(|e| e.to_string())
            .collect(),
        killed: false,
    })
}

fn forward(stream: impl Read + Send + 'static, index: usize, sender: Sender<Output>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if sender.send(Output::Line(index, line)).is_err() {
                return;
            }
        }
        let _ = sender.send(Output::Closed(index));
    });
}
