//! The demo (`demo_project`): a Steam lobby and a small game over `SteamMultiplayerPeer`.
//!
//! `cargo xtask demo` opens two instances of it in local mode, each in its own window; with no
//! display it plays a scripted session between them instead, headless, and prints what each
//! saw. The tests play that session headless, and in windows on a virtual display (Xvfb)
//! taking screenshots. The session is the real game driven by `scripted_driver.gd`, which
//! presses its buttons and keys.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::display::{self, VirtualDisplay};
use crate::e2e::{self, Backend, Process, Scenario, Screen, WINDOW_SIZE};
use crate::godot::Godot;
use crate::{Result, addon, godot, workspace_root};

/// Local-mode port bases, apart from the other scenarios' (29400 to 30400).
const HEADLESS_PORT_BASE: u16 = 30_500;
const WINDOWS_PORT_BASE: u16 = 30_600;

/// What every scripted session must show, by whom (the driver's `STEP` lines).
const STEPS: [&str; 20] = [
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
];

/// The screenshots the session in windows takes: `<role>-<scene>.png`.
const SCREENSHOTS: [&str; 3] = ["host-lobby.png", "host-game.png", "client-game.png"];

/// `cargo xtask demo`: builds the addon, gets Godot, and opens the demo twice in local mode,
/// or plays the scripted session headless when there is no display.
pub fn run() -> Result<()> {
    let addon = addon::build(true)?;
    let godot = godot::find_or_provision()?;
    println!("xtask: using Godot {}", godot.version);
    let project = prepare(&godot, &addon)?;
    if display::desktop_available() {
        godot.provision_opengl()?;
        play_in_windows(&godot, &project)
    } else {
        println!(
            "xtask: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the demo plays \
             a scripted session, headless: a host and a client in local mode"
        );
        e2e::run_showing(&godot, &scripted_session(&project, Screen::Headless, None))
    }
}

/// The scripted session, headless (a test).
pub fn run_headless(godot: &Godot, addon: &Path) -> Result<()> {
    let project = prepare(godot, addon)?;
    e2e::run_showing(godot, &headless_session(&project))
}

/// The scripted session in windows, drawn with OpenGL, on a virtual X display on Linux (a
/// test): each instance saves screenshots of the lobby and the game into
/// `target/demo-screenshots/` and checks what they show.
pub fn run_in_windows(godot: &Godot, addon: &Path) -> Result<()> {
    let project = prepare(godot, addon)?;
    godot.provision_opengl()?;
    let screenshots = workspace_root().join("target/demo-screenshots");
    let _ = std::fs::remove_dir_all(&screenshots);
    std::fs::create_dir_all(&screenshots)?;
    // Kept until the session ends: dropping it stops Xvfb.
    let virtual_display = if cfg!(target_os = "linux") {
        let (width, height) = WINDOW_SIZE;
        let started = VirtualDisplay::start(2 * width + 20, height)?;
        println!("xtask: Xvfb runs on display {}", started.name);
        Some(started)
    } else {
        None
    };
    let screen = Screen::Windows {
        x_display: virtual_display.as_ref().map(|d| d.name.clone()),
    };
    e2e::run_showing(
        godot,
        &scripted_session(&project, screen, Some(&screenshots)),
    )?;
    for name in SCREENSHOTS {
        let path = screenshots.join(name);
        let bytes =
            std::fs::read(&path).map_err(|e| format!("no screenshot {}: {e}", path.display()))?;
        if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(format!("{} is not a PNG", path.display()).into());
        }
    }
    println!("xtask: screenshots in {}", screenshots.display());
    Ok(())
}

/// Installs the addon into the demo project and has the editor import it.
/// The demo project with the addon, imported by the headless editor.
pub fn prepare(godot: &Godot, addon: &Path) -> Result<PathBuf> {
    let project = workspace_root().join("demo_project");
    e2e::import_project(godot, addon, &project, &[])?;
    Ok(project)
}

/// Two instances, each in its own window, for two people to play, or one switching windows.
fn play_in_windows(godot: &Godot, project: &Path) -> Result<()> {
    println!(
        "xtask: opening the demo twice in local mode: Player 1 (create a lobby there) and \
         Player 2 (refresh the list and join it). Close both windows to finish."
    );
    let mut players = Vec::new();
    for user in [1_u32, 2] {
        let left = (user - 1) * 980;
        let player = godot
            .command()
            .arg("--path")
            .arg(project)
            .args([
                "--resolution",
                "960x540",
                "--position",
                &format!("{left},40"),
            ])
            .env("STEAM_LOCAL_USER", user.to_string())
            .spawn()
            .map_err(|e| format!("cannot start Godot for player {user}: {e}"))?;
        players.push(player);
    }
    for mut player in players {
        player.wait()?;
    }
    Ok(())
}

/// The scripted session: the host creates the lobby, the client finds it in the list and
/// joins, they chat, get ready and start, play, and one leaves. Headless the client leaves
/// first, and a third instance, started with neither Steam nor local mode, checks that the
/// demo says Steam did not initialize; in windows the host leaves, which ends the game for
/// the client.
/// The scripted session, headless.
pub fn headless_session(project: &Path) -> Scenario {
    scripted_session(project, Screen::Headless, None)
}

fn scripted_session(project: &Path, screen: Screen, screenshots: Option<&Path>) -> Scenario {
    let in_windows = matches!(screen, Screen::Windows { .. });
    let leaver = if in_windows { "host" } else { "client" };
    let mut required = STEPS.to_vec();
    required.extend(if in_windows {
        [
            "[host] STEP screenshot",
            "[client] STEP screenshot",
            "[host] STEP left",
            "[client] STEP left",
        ]
        .as_slice()
    } else {
        [
            "[host] STEP leave",
            "[client] STEP left",
            "[host] STEP left",
            "[no_steam] STEP no_steam",
            "DEMO no_steam passed",
        ]
        .as_slice()
    });
    required.extend(["DEMO host passed", "DEMO client passed"]);
    let instance = |role: &'static str, user, start_after| {
        let mut args = vec![format!("--scripted={role}"), format!("--leaver={leaver}")];
        if let Some(dir) = screenshots {
            args.push(format!("--screenshots={}", dir.display()));
        }
        Process {
            name: role,
            user,
            args,
            start_after,
            kill_on: None,
        }
    };
    let mut processes = vec![
        instance("host", 1, None),
        instance("client", 2, Some(("host", "LOBBY READY"))),
    ];
    if !in_windows {
        // User 0: outside local mode.
        processes.push(instance("no_steam", 0, None));
    }
    Scenario {
        name: "demo",
        project: project.to_owned(),
        script: None,
        screen,
        processes,
        env: Vec::new(),
        port_base: if in_windows {
            WINDOWS_PORT_BASE
        } else {
            HEADLESS_PORT_BASE
        },
        timeout: Duration::from_secs(if in_windows { 180 } else { 60 }),
        allowed_errors: Vec::new(),
        required,
        agreement: None,
        no_warnings: false,
        backend: Backend::Local,
    }
}
