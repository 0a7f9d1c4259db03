//! The Godot projects scenarios run in: the addon installed, imported by the headless editor,
//! which must load it cleanly.

use std::path::{Path, PathBuf};

use super::judge::judge;
use crate::addon;
use crate::godot::Godot;
use crate::{Result, workspace_root};

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
