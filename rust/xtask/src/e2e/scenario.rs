//! What a scenario is: the Godot processes that play together, where they draw, which Steam
//! they talk to, and what their output must show.

use std::path::PathBuf;
use std::time::Duration;

/// One Godot instance of a scenario.
pub struct Process {
    /// Its name in the log.
    pub name: &'static str,
    /// Its user number (`STEAM_LOCAL_USER` or `STEAM_STANDIN_USER`, see [`Backend`]); 0 runs
    /// it with neither.
    pub user: u32,
    /// Arguments after Godot's `--`; `{marker_ms}` in one becomes the Unix time in ms at which
    /// the line that started this process was read (see `start_after`).
    pub args: Vec<String>,
    /// Starts once process `.0` prints a line containing `.1`; at once when `None`.
    pub start_after: Option<(&'static str, &'static str)>,
    /// Killed (SIGKILL) once it prints a line containing this.
    pub kill_on: Option<&'static str>,
}

impl Process {
    /// Process `name` as user `user`, given `--role=<name>` and then `args`; it starts as
    /// `start_after` says and is never killed.
    pub fn in_role(
        name: &'static str,
        user: u32,
        args: &[String],
        start_after: Option<(&'static str, &'static str)>,
    ) -> Process {
        Process {
            name,
            user,
            args: [format!("--role={name}")]
                .into_iter()
                .chain(args.iter().cloned())
                .collect(),
            start_after,
            kill_on: None,
        }
    }
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
    /// Which Steam the processes talk to.
    pub backend: Backend,
}

/// Which Steam a scenario's processes talk to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    /// Local mode: each process is `STEAM_LOCAL_USER=<n>`.
    Local,
    /// The Steamworks adapter over the stand-in `libsteam_api` (see `crate::standin`): each
    /// process is `STEAM_STANDIN_USER=<n>`.
    Standin,
}

impl Backend {
    /// The variable naming a process's user.
    pub fn user_variable(self) -> &'static str {
        match self {
            Backend::Local => "STEAM_LOCAL_USER",
            Backend::Standin => "STEAM_STANDIN_USER",
        }
    }
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
