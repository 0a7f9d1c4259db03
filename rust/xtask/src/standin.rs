//! The Steamworks adapter end to end, on the stand-in `libsteam_api` (`rust/standin`): the
//! scenarios and the demo run again with the stand-in in place of Valve's library and
//! `STEAM_STANDIN_USER` instead of `STEAM_LOCAL_USER`, so that `Steam.steamInitEx()` goes
//! through `smp_steam::real`; so does the transport contract (`STEAM_TESTS`), with two
//! processes as on two machines. The addon and the contract run instrumented, and the line
//! coverage of the adapter is reported ([`coverage`]).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use smp_transport::local::steam_id_of;

use crate::addon::{ADDON_DIR, copy_dir};
use crate::coverage::{self, instrumented_cargo};
use crate::e2e::{self, Backend, Scenario};
use crate::godot::Godot;
use crate::platform::Platform;
use crate::{Result, cargo, demo, run, scenarios, step, workspace_root};

/// Where `cargo xtask standin` puts the library, and the stand-in copies of the projects.
pub const DIR: &str = "target/standin";
/// The stand-in's scenarios' names: `standin_` and the scenario's.
pub const PREFIX: &str = "standin_";
/// The name that selects every run on the stand-in, and the coverage.
pub const ALL: &str = "standin";
/// The local-mode scenarios that run again on the stand-in.
const SCENARIOS: [&str; 8] = [
    "star",
    "mesh",
    "lobby",
    "lobby_peer",
    "star_legacy",
    "mesh_legacy",
    "lobby_peer_legacy",
    "net_messages",
];
/// The first port base of the stand-in's scenarios; each takes the next hundred.
const PORT_BASE: u16 = 27_000;
/// The contract's two processes' port base.
const CONTRACT_PORT_BASE: u16 = 28_800;

/// `cargo xtask standin`: builds the stand-in into `target/standin/libsteam_api.so`, in a
/// target folder of its own: a `libsteam_api.so` among the workspace's build outputs could be
/// found by the linker in place of Valve's when the addon links.
pub fn build() -> Result<PathBuf> {
    let root = workspace_root();
    let target = root.join("target/standin-build");
    run(cargo()
        .args(["build", "--release", "--package", "smp_standin"])
        .env("CARGO_TARGET_DIR", &target))?;
    let name = Platform::host()?.steam_library();
    let library = root.join(DIR).join(name);
    std::fs::create_dir_all(root.join(DIR))?;
    std::fs::copy(target.join("release").join(name), &library)?;
    println!("xtask: the stand-in libsteam_api is {}", library.display());
    Ok(library)
}

/// Everything the stand-in's runs need, built once.
pub struct Prepared {
    /// The tests' project, with the stand-in and the instrumented addon.
    pub project: PathBuf,
    /// The demo, likewise.
    pub demo: PathBuf,
    /// The instrumented addon.
    addon: PathBuf,
    /// The instrumented contract test.
    contract: PathBuf,
}

/// Builds the stand-in, the instrumented addon and contract test, checks that the stand-in
/// exports every Steam function the addon needs, and makes stand-in copies of the imported
/// `project` and `demo`.
pub fn prepare(project: &Path, demo: &Path) -> Result<Prepared> {
    let library = build()?;
    run(&mut instrumented_cargo(&[
        "build",
        "--package",
        "steam_multiplayer_peer",
    ])?)?;
    let platform = Platform::host()?;
    let addon = coverage::output_dir("debug")?.join(platform.cargo_output());
    check_exports(&addon, &library)?;
    let contract = contract_binary()?;
    let copy = |from: &Path, name: &str| -> Result<PathBuf> {
        let to = workspace_root().join(DIR).join(name);
        let _ = std::fs::remove_dir_all(&to);
        copy_dir(from, &to)?;
        let bin = to.join(ADDON_DIR).join(platform.bin_dir());
        std::fs::copy(&library, bin.join(platform.steam_library()))?;
        std::fs::copy(&addon, bin.join(platform.extension_file()))?;
        Ok(to)
    };
    Ok(Prepared {
        project: copy(project, "godot")?,
        demo: copy(demo, "demo")?,
        addon,
        contract,
    })
}

/// The Steam functions `binary` imports and `library` does not export.
fn check_exports(binary: &Path, library: &Path) -> Result<()> {
    let symbols = |args: &[&str], file: &Path| -> Result<BTreeSet<String>> {
        let output = Command::new("nm").args(args).arg(file).output()?;
        if !output.status.success() {
            return Err(format!("nm {args:?} {} failed", file.display()).into());
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.split_whitespace().last())
            .filter(|name| name.starts_with("Steam"))
            .map(str::to_owned)
            .collect())
    };
    let needed = symbols(&["-D", "--undefined-only"], binary)?;
    let exported = symbols(&["-D", "--defined-only"], library)?;
    let missing: Vec<&String> = needed.difference(&exported).collect();
    if needed.is_empty() || !missing.is_empty() {
        return Err(format!(
            "the stand-in lacks Steam functions the addon imports: {missing:?} (of {})",
            needed.len()
        )
        .into());
    }
    println!(
        "xtask: the stand-in exports all {} Steam functions the addon imports",
        needed.len()
    );
    Ok(())
}

/// Builds the instrumented contract test against Steam; its executable.
fn contract_binary() -> Result<PathBuf> {
    let output = instrumented_cargo(&[
        "test",
        "--package",
        "smp_contract",
        "--test",
        "steam",
        "--no-run",
    ])?
    .stderr(Stdio::piped())
    .output()?;
    let text = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("building the contract test failed:\n{text}").into());
    }
    text.lines()
        .find_map(|line| {
            let path = line.trim().strip_prefix("Executable ")?;
            let path = path.rsplit_once('(')?.1.strip_suffix(')')?;
            Some(workspace_root().join(path))
        })
        .ok_or_else(|| format!("cargo named no contract test executable:\n{text}").into())
}

/// The scenarios again, on the stand-in, each named `standin_<name>`, with port bases of their
/// own.
pub fn scenarios(all: Vec<Scenario>, prepared: &Prepared) -> Vec<Scenario> {
    let mut port_base = PORT_BASE;
    let mut chosen = Vec::new();
    for mut scenario in all {
        let Some(name) = SCENARIOS.iter().find(|name| **name == scenario.name) else {
            continue;
        };
        scenario.name = leak(format!("{PREFIX}{name}"));
        if *name == "lobby" {
            // Its host turns Steam's verbose output on: the adapter's hook must pass it on.
            scenario.required.push("debug output from the stand-in");
        }
        port_base += 100;
        chosen.push(on_standin(scenario, &prepared.project, port_base));
    }
    chosen
}

/// The demo's scripted session, on the stand-in.
pub fn demo(session: Scenario, prepared: &Prepared) -> Scenario {
    let mut session = on_standin(session, &prepared.demo, PORT_BASE);
    session.name = leak(format!("{PREFIX}demo"));
    session
}

fn on_standin(mut scenario: Scenario, project: &Path, port_base: u16) -> Scenario {
    scenario.project = project.to_owned();
    scenario.backend = Backend::Standin;
    scenario.port_base = port_base;
    scenario.env.push(coverage::profile_env());
    scenario
}

/// Scenario names live as long as the run.
fn leak(name: String) -> &'static str {
    Box::leak(name.into_boxed_str())
}

/// The transport contract against Steam (`rust/contract/tests/steam.rs`) on the stand-in:
/// user 2 responds, user 1 runs the checks on both transports, as two machines would.
pub fn contract(prepared: &Prepared) -> Result<()> {
    let library_dir = workspace_root().join(DIR);
    let base = CONTRACT_PORT_BASE.to_string();
    let process = |user: u32| {
        let mut command = Command::new(&prepared.contract);
        command
            .args(["--exact", "steam", "--nocapture"])
            .env("STEAM_TESTS", "1")
            .env("STEAM_STANDIN_USER", user.to_string())
            .env("STEAM_LOCAL_PORT_BASE", &base)
            .env("LD_LIBRARY_PATH", &library_dir)
            .env_remove("STEAM_LOCAL_USER")
            .envs([coverage::profile_env()]);
        command
    };
    let mut responder = process(2)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the contract's responder: {e}"))?;
    let listening = responder_listening(responder.stdout.take().expect("piped"));
    if listening.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = responder.kill();
        let _ = responder.wait();
        return Err("the contract's responder did not start listening within 60 s".into());
    }
    let checked = run(process(1).env("STEAM_CONTRACT_RESPONDER", steam_id_of(2).0.to_string()));
    let _ = responder.kill();
    let _ = responder.wait();
    checked.map_err(|e| format!("the contract on the stand-in failed: {e}").into())
}

/// Reads the responder's output (to its end, so that it never blocks on a full pipe) and
/// says when it listens.
fn responder_listening(output: impl Read + Send + 'static) -> Receiver<()> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(output)
            .lines()
            .map_while(std::io::Result::ok)
        {
            if line.starts_with("responding as") {
                let _ = sender.send(());
            }
        }
    });
    receiver
}

/// The coverage of the adapter over everything that ran instrumented.
pub fn report(prepared: &Prepared) -> Result<f64> {
    coverage::report(&[prepared.addon.clone(), prepared.contract.clone()])
}

/// Everything on the stand-in that `only` selects (all when it is empty or names `standin`):
/// the scenarios, the demo, the contract, and with all of them the coverage. Returns what
/// failed.
pub fn run_all(godot: &Godot, project: &Path, addon: &Path, only: &[&str]) -> Vec<String> {
    let all = only.is_empty() || only.contains(&ALL);
    let wanted = |name: &str| all || only.contains(&name);
    let prepared = step(
        "stand-in: build it, the instrumented addon and contract",
        || {
            coverage::clear_profiles()?;
            let demo = demo::prepare(godot, addon)?;
            prepare(project, &demo)
        },
    );
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(err) => return vec![format!("stand-in: {err}")],
    };
    let mut failures = Vec::new();
    let mut runs = scenarios(scenarios::all(&prepared.project), &prepared);
    runs.push(demo(demo::headless_session(&prepared.demo), &prepared));
    for scenario in runs.iter().filter(|s| wanted(s.name)) {
        let name = scenario.name;
        if let Err(err) = step(&format!("scenario {name}"), || e2e::run(godot, scenario)) {
            failures.push(format!("{name}: {err}"));
        }
    }
    let contract_name = "standin_contract";
    if wanted(contract_name)
        && let Err(err) = step(contract_name, || contract(&prepared))
    {
        failures.push(format!("{contract_name}: {err}"));
    }
    if all && let Err(err) = step("stand-in: coverage", || report(&prepared)) {
        failures.push(format!("coverage: {err}"));
    }
    failures
}
