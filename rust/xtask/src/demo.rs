//! The demo (`demo_project`): a Steam lobby and a small game over `SteamMultiplayerPeer`.
//!
//! `cargo xtask demo` plays a scripted session between two instances in local mode, headless,
//! and prints what each saw; the tests play it too. The session is the real game driven by
//! `scripted_driver.gd`, which presses its buttons and keys.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::e2e::{self, Process, Scenario};
use crate::godot::Godot;
use crate::{Result, addon, godot, workspace_root};

/// The local-mode port base, apart from the other scenarios' (29400 to 30400).
const PORT_BASE: u16 = 30_500;

/// What the scripted session must show, by whom (the driver's `STEP` lines).
const STEPS: [&str; 27] = [
    "[host] STEP create",
    "[client] STEP list",
    "[client] STEP join",
    "[client] STEP chat",
    "[host] STEP chat",
    "[client] STEP ready",
    "[host] STEP ready",
    "[host] STEP start",
    "[client] STEP start",
    "[host] STEP spawn",
    "[client] STEP spawn",
    "[client] STEP coin",
    "[host] STEP move",
    "[host] STEP coin",
    "[host] STEP walk",
    "[client] STEP move",
    "[host] STEP overlay",
    "[client] STEP overlay",
    "[host] STEP wave",
    "[client] STEP wave",
    "[host] STEP leave",
    "[client] STEP left",
    "[host] STEP left",
    "[no_steam] STEP no_steam",
    "DEMO host passed",
    "DEMO client passed",
    "DEMO no_steam passed",
];

/// `cargo xtask demo`: builds the addon, gets Godot, and plays the scripted session.
pub fn run() -> Result<()> {
    let addon = addon::build(true)?;
    let godot = godot::find_or_provision()?;
    println!("xtask: using Godot {}", godot.version);
    run_headless(&godot, &addon)
}

/// The scripted session, headless, showing what each instance saw.
pub fn run_headless(godot: &Godot, addon: &Path) -> Result<()> {
    let project = prepare(godot, addon)?;
    e2e::run_showing(godot, &scripted_session(&project))
}

/// Installs the addon into the demo project and has the editor import it.
fn prepare(godot: &Godot, addon: &Path) -> Result<PathBuf> {
    let project = workspace_root().join("demo_project");
    e2e::import_project(godot, addon, &project, &[])?;
    Ok(project)
}

/// The scripted session: the host creates the lobby, the client finds it in the list and
/// joins, they chat, get ready and start, play, and the client leaves first. A third
/// instance, started with neither Steam nor local mode, checks that the demo says Steam did
/// not initialize.
fn scripted_session(project: &Path) -> Scenario {
    let instance = |role: &'static str, user, start_after| Process {
        name: role,
        user,
        args: vec![format!("--scripted={role}")],
        start_after,
        kill_on: None,
    };
    Scenario {
        name: "demo",
        project: project.to_owned(),
        script: None,
        processes: vec![
            instance("host", 1, None),
            instance("client", 2, Some(("host", "LOBBY READY"))),
            // User 0: outside local mode.
            instance("no_steam", 0, None),
        ],
        env: Vec::new(),
        port_base: PORT_BASE,
        timeout: Duration::from_secs(60),
        allowed_errors: Vec::new(),
        required: STEPS.to_vec(),
    }
}
