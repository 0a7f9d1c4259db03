//! Runs Godot end to end: several game instances in local mode, as a game would, headless
//! or in windows, with their output watched line by line.
//!
//! A scenario's processes print `READY`-style markers that start other processes, `FAIL: ...`
//! lines for failed checks, `EXPECT-ERROR: <text>` before a call meant to push an error, and
//! `FIGURE: ...` lines for what they measured, which the runner shows when they pass.
//! A run fails on a non-zero exit, a `FAIL:`, a `SCRIPT ERROR`, a parse error, a library that
//! does not load, leaked objects, any `ERROR:` not announced, or its time running out.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::addon;
use crate::godot::Godot;
use crate::{Result, workspace_root};

/// Lines that fail a run wherever they appear.
const FATAL_PATTERNS: [&str; 7] = [
    "SCRIPT ERROR",
    "Parse Error",
    "Can't open dynamic library",
    "ObjectDB instances leaked",
    "FATAL",
    "Program crashed",
    "Segmentation fault",
];

/// One Godot instance of a scenario.
pub struct Process {
    /// Its name in the log.
    pub name: &'static str,
    /// Its `STEAM_LOCAL_USER`; 0 runs it outside local mode.
    pub user: u32,
    /// Arguments after Godot's `--`; `{marker_ms}` in one becomes the Unix time in ms at which
    /// the line that started this process was read (see `start_after`).
    pub args: Vec<String>,
    /// Starts once process `.0` prints a line containing `.1`; at once when `None`.
    pub start_after: Option<(&'static str, &'static str)>,
    /// Killed (SIGKILL) once it prints a line containing this.
    pub kill_on: Option<&'static str>,
}

/// Processes that play together, with a time limit.
pub struct Scenario {
    /// Its name, for `cargo xtask test NAME`.
    pub name: &'static str,
    /// The Godot project to run.
    pub project: PathBuf,
    /// The GDScript `extends SceneTree` to run in every process; `None` runs the project's
    /// main scene.
    pub script: Option<&'static str>,
    /// Where the processes draw.
    pub screen: Screen,
    /// The processes.
    pub processes: Vec<Process>,
    /// Environment for every process (fault injection, for one).
    pub env: Vec<(&'static str, String)>,
    /// The local-mode port base, different for every scenario.
    pub port_base: u16,
    /// How long the whole scenario may take.
    pub timeout: Duration,
    /// Errors the scenario causes on purpose before its scripts can announce them.
    pub allowed_errors: Vec<&'static str>,
    /// Text the output must contain somewhere.
    pub required: Vec<&'static str>,
    /// A prefix: every process must print exactly one line starting with it, and all the
    /// same line (what each instance ended the game with, for one).
    pub agreement: Option<&'static str>,
    /// A normal session, start to end: a warning fails it as an error does.
    pub no_warnings: bool,
}

/// Where a scenario's Godot instances draw.
pub enum Screen {
    /// Nowhere: `--headless`.
    Headless,
    /// Each in a small window of its own, side by side, drawn with OpenGL; on the X display
    /// `x_display` (`:99`) when given, else on the desktop.
    Windows { x_display: Option<String> },
}

/// The size of each window of a [`Screen::Windows`] scenario: small, because software
/// rendering (Mesa's llvmpipe under Xvfb) draws every pixel on the CPU.
pub const WINDOW_SIZE: (u32, u32) = (640, 360);

/// Copies the addon into the test project, and proves the editor loads it: the headless
/// editor imports the project, registers our classes and exits cleanly.
pub fn prepare_project(godot: &Godot, addon: &Path) -> Result<PathBuf> {
    let project = workspace_root().join("tests/godot");
    import_project(godot, addon, &project, &[])?;
    println!("xtask: the headless editor imported the project and loaded the addon");
    Ok(project)
}

/// Errors Godot prints when two extensions register the same class, and ours about it.
pub const CONFLICT_ERRORS: [&str; 5] = [
    "another Steam integration",
    "appears to be already registered",
    "for unexisting class",
    "Attempt to unregister unexisting extension class",
    "already exists in ClassDB",
];

/// A project with the addon and a stand-in for GodotSteam (`tests/fixtures/other_steam`),
/// imported by the headless editor, which must report the conflict and not crash.
pub fn prepare_conflict_project(godot: &Godot, addon: &Path) -> Result<PathBuf> {
    crate::run(crate::cargo().args(["build", "--package", "other_steam_fixture"]))?;
    let root = workspace_root();
    let project = root.join("tests/godot_conflict");
    let extension = if cfg!(target_os = "macos") {
        "dylib"
    } else {
        "so"
    };
    let library = format!("libother_steam_fixture.{extension}");
    let target = project.join("addons/godotsteam").join(&library);
    std::fs::copy(root.join("target/debug").join(&library), target)?;
    import_project(godot, addon, &project, &CONFLICT_ERRORS)?;
    Ok(project)
}

/// Rewrites the project's extension list so that Godot loads this addon before the others,
/// as it does for a game whose other integration's folder sorts after ours.
pub fn load_our_extension_first(project: &Path) -> Result<()> {
    let list = project.join(".godot/extension_list.cfg");
    let text = std::fs::read_to_string(&list)?;
    let (mut ours, others): (Vec<&str>, Vec<&str>) = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .partition(|line| line.contains("steam_multiplayer_peer"));
    if ours.is_empty() || others.is_empty() {
        return Err(format!("unexpected extension list {}:\n{text}", list.display()).into());
    }
    ours.extend(others);
    std::fs::write(&list, ours.join("\n") + "\n")?;
    Ok(())
}

/// Installs the addon into `project` and has the headless editor open it twice, from scratch:
/// the first time the editor discovers the addon during its scan and loads it mid-session (the
/// path a user takes after copying the addon in), the second time it loads it at startup.
/// Either failing, printing an error, or not loading the extension is an error.
pub fn import_project(godot: &Godot, addon: &Path, project: &Path, allowed: &[&str]) -> Result<()> {
    addon::install_into(addon, project)?;
    let _ = std::fs::remove_dir_all(project.join(".godot"));
    for pass in ["first import", "reopening"] {
        let output = godot
            .command()
            .args(["--headless", "--editor", "--quit", "--verbose", "--path"])
            .arg(project)
            .output()?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let problem = if !output.status.success() {
            Some(format!("exited with {}", output.status))
        } else if let Some(line) = text.lines().find(|l| judge(l, allowed).is_some()) {
            Some(format!("printed {line:?}"))
        } else if !text.contains("Initialize godot-rust") {
            Some("did not load the extension".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(
                format!("the headless editor ({pass}) {problem}; its output:\n{text}").into(),
            );
        }
    }
    Ok(())
}

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

/// What is wrong with one line of output, if anything.
fn judge(line: &str, allowed_errors: &[impl AsRef<str>]) -> Option<String> {
    let trimmed = line.trim();
    if trimmed.starts_with("FAIL:") {
        return Some(trimmed.to_owned());
    }
    if let Some(pattern) = FATAL_PATTERNS.iter().find(|p| line.contains(*p)) {
        return Some(format!("printed {pattern}: {trimmed}"));
    }
    let is_error = ["ERROR:", "USER ERROR:"]
        .iter()
        .any(|p| trimmed.starts_with(p));
    if is_error
        && !allowed_errors
            .iter()
            .any(|allowed| trimmed.contains(allowed.as_ref()))
    {
        return Some(format!("unexpected error: {trimmed}"));
    }
    None
}

fn is_warning(line: &str) -> bool {
    let trimmed = line.trim();
    ["WARNING:", "USER WARNING:"]
        .iter()
        .any(|p| trimmed.starts_with(p))
}

/// What is wrong with the processes' lines starting with `prefix`: each must print one, and
/// all the same.
fn disagreements(scenario: &Scenario, log: &[String], prefix: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut first: Option<(&str, &str)> = None;
    for process in &scenario.processes {
        let tag = format!("[{}] ", process.name);
        let said: Vec<&str> = log
            .iter()
            .filter_map(|line| line.strip_prefix(&tag))
            .map(str::trim)
            .filter(|line| line.starts_with(prefix))
            .collect();
        let [line] = said[..] else {
            problems.push(format!(
                "{} printed {} lines starting with {prefix:?}, not one",
                process.name,
                said.len()
            ));
            continue;
        };
        match first {
            None => first = Some((process.name, line)),
            Some((name, other)) if other != line => problems.push(format!(
                "{} and {name} disagree: {line:?} against {other:?}",
                process.name
            )),
            Some(_) => {}
        }
    }
    problems
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
    match process.user {
        0 => command.env_remove("STEAM_LOCAL_USER"),
        user => command.env("STEAM_LOCAL_USER", user.to_string()),
    };
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

#[cfg(test)]
mod tests {
    use super::{Process, Scenario, Screen, disagreements, is_warning, judge};

    #[test]
    fn judges_lines() {
        const NONE: [&str; 0] = [];
        assert!(judge("SCRIPT ERROR: Invalid call.", &NONE).is_some());
        assert!(judge("FAIL: reliable order", &NONE).is_some());
        assert!(judge("ERROR: Steam: oops", &NONE).is_some());
        assert!(
            judge(
                "ERROR: SteamMultiplayerPeer.put_packet: invalid target peer 9",
                &["invalid target peer"]
            )
            .is_none()
        );
        assert!(judge("WARNING: Steam: the host refuses new connections", &NONE).is_none());
        assert!(judge("CHECK ok: everything", &NONE).is_none());
    }

    #[test]
    fn finds_warnings() {
        assert!(is_warning(
            "WARNING: Steam: the host refuses new connections"
        ));
        assert!(is_warning("  USER WARNING: oops"));
        assert!(!is_warning("CHECK ok: no WARNING: here"));
    }

    #[test]
    fn processes_must_agree() {
        let process = |name| Process {
            name,
            user: 1,
            args: Vec::new(),
            start_after: None,
            kill_on: None,
        };
        let scenario = Scenario {
            name: "agree",
            project: "p".into(),
            script: None,
            screen: Screen::Headless,
            processes: vec![process("a"), process("b"), process("c")],
            env: Vec::new(),
            port_base: 1,
            timeout: std::time::Duration::from_secs(1),
            allowed_errors: Vec::new(),
            required: Vec::new(),
            agreement: Some("AGREE"),
            no_warnings: false,
        };
        let log = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        let same = log(&["[a] AGREE 1", "[b] other", "[b] AGREE 1", "[c] AGREE 1 "]);
        assert!(disagreements(&scenario, &same, "AGREE").is_empty());
        let differ = log(&["[a] AGREE 1", "[b] AGREE 2", "[c] AGREE 1"]);
        assert_eq!(disagreements(&scenario, &differ, "AGREE").len(), 1);
        let missing = log(&["[a] AGREE 1", "[b] AGREE 1", "[b] AGREE 1"]);
        assert_eq!(disagreements(&scenario, &missing, "AGREE").len(), 2);
    }
}
