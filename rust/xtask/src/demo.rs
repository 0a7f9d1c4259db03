//! The demo: a host and a client in local mode, playing a scripted session.

use std::path::Path;
use std::time::Duration;

use smp_transport::local::steam_id_of;

use crate::e2e::{Process, Scenario};
use crate::godot::Godot;
use crate::{Result, addon, e2e, godot, workspace_root};

/// `cargo xtask demo`: builds the addon, gets Godot, and runs the demo session.
pub fn run() -> Result<()> {
    let addon = addon::build(true)?;
    let godot = godot::find_or_provision()?;
    println!("xtask: using Godot {}", godot.version);
    run_headless(&godot, &addon)
}

/// The scripted session, headless: prints what each instance saw.
pub fn run_headless(godot: &Godot, addon: &Path) -> Result<()> {
    let project = workspace_root().join("demo_project");
    e2e::import_project(godot, addon, &project, &[])?;
    let host = steam_id_of(1).0.to_string();
    let scenario = Scenario {
        name: "demo",
        project,
        script: "res://scripted_session.gd",
        processes: vec![
            Process {
                name: "host",
                user: 1,
                args: vec!["--role=host".into()],
                start_after: None,
                kill_on: None,
            },
            Process {
                name: "client",
                user: 2,
                args: vec!["--role=client".into(), format!("--host={host}")],
                start_after: Some(("host", "hosting")),
                kill_on: None,
            },
        ],
        env: Vec::new(),
        port_base: 29_800,
        timeout: Duration::from_secs(60),
        allowed_errors: Vec::new(),
        required: Vec::new(),
    };
    e2e::run_showing(godot, &scenario)
}
