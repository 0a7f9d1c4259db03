//! Assembling the drop-in addon folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::platform::Platform;
use crate::{Result, cargo, run, workspace_root};

/// The addon folder, relative to the repository root and to a Godot project.
pub const ADDON_DIR: &str = "addons/steam_multiplayer_peer";
const CRATE: &str = "steam_multiplayer_peer";
/// The two halves of a macOS universal dylib.
const MACOS_TARGETS: [&str; 2] = ["aarch64-apple-darwin", "x86_64-apple-darwin"];

/// Builds the extension for this machine and puts it, with the Steam library, in its
/// platform's folder in `addons/steam_multiplayer_peer/bin/`. Returns the addon folder.
pub fn build(release: bool) -> Result<PathBuf> {
    let platform = Platform::host()?;
    let output = cargo_build(None, release)?;
    let bin = platform_folder(platform)?;
    copy(
        &output.join(platform.cargo_output()),
        &bin.join(platform.extension_file()),
    )?;
    copy_steam_library(&output, platform, &bin)?;
    Ok(assembled(platform, release))
}

/// Builds the extension for both Mac architectures and joins them with `lipo` into one
/// universal dylib, then assembles the macOS folder as [`build`] does. Only on macOS: the
/// Apple linker and `lipo` are not available elsewhere.
pub fn build_universal(release: bool) -> Result<PathBuf> {
    if std::env::consts::OS != "macos" {
        return Err(format!(
            "--universal builds the macOS universal dylib and needs macOS (Apple's linker and \
             lipo); this is {}: run `cargo xtask addon` without it to build for this machine",
            std::env::consts::OS
        )
        .into());
    }
    let platform = Platform::MacOs;
    let mut outputs = Vec::new();
    for target in MACOS_TARGETS {
        outputs.push(cargo_build(Some(target), release)?);
    }
    let bin = platform_folder(platform)?;
    let mut lipo = Command::new("lipo");
    lipo.arg("-create")
        .arg("-output")
        .arg(bin.join(platform.extension_file()))
        .args(outputs.iter().map(|dir| dir.join(platform.cargo_output())));
    run(&mut lipo)?;
    // steamworks-sys ships one libsteam_api.dylib that is already universal, and copies the
    // same file for either target.
    copy_steam_library(&outputs[0], platform, &bin)?;
    Ok(assembled(platform, release))
}

/// Runs `cargo build` for the extension, for `target` or else this machine; returns the folder
/// cargo put it in, `target/[<triple>/]<profile>`.
fn cargo_build(target: Option<&str>, release: bool) -> Result<PathBuf> {
    let mut command = cargo();
    command.args(["build", "--package", CRATE]);
    let mut output = workspace_root().join("target");
    if let Some(target) = target {
        command.args(["--target", target]);
        output.push(target);
    }
    if release {
        command.arg("--release");
    }
    run(&mut command)?;
    Ok(output.join(if release { "release" } else { "debug" }))
}

/// The platform's folder in the addon's `bin/`, emptied so that it holds only this build.
fn platform_folder(platform: Platform) -> Result<PathBuf> {
    let folder = workspace_root().join(ADDON_DIR).join(platform.bin_dir());
    if folder.exists() {
        std::fs::remove_dir_all(&folder)?;
    }
    std::fs::create_dir_all(&folder)?;
    Ok(folder)
}

fn assembled(platform: Platform, release: bool) -> PathBuf {
    let addon = workspace_root().join(ADDON_DIR);
    let profile = if release { "release" } else { "debug" };
    println!(
        "xtask: addon assembled in {} ({} build, {profile})",
        addon.display(),
        platform.tags()
    );
    addon
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))?;
    Ok(())
}

/// Puts the Steam library the build linked against beside the extension: steamworks-sys copies
/// it into its build output, `<output>/build/steamworks-sys-*/out/`.
fn copy_steam_library(output: &Path, platform: Platform, bin: &Path) -> Result<()> {
    let name = platform.steam_library();
    let newest = std::fs::read_dir(output.join("build"))?
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("steamworks-sys-")
        })
        .map(|e| e.path().join("out").join(name))
        .filter(|p| p.exists())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok());
    let Some(library) = newest else {
        return Err(format!(
            "the build left no {name} in {}",
            output.join("build").display()
        )
        .into());
    };
    copy(&library, &bin.join(name))
}

/// Copies the addon folder into the Godot project at `project`, replacing an older copy.
pub fn install_into(addon: &Path, project: &Path) -> Result<()> {
    let target = project.join(ADDON_DIR);
    let _ = std::fs::remove_dir_all(&target);
    copy_dir(addon, &target)
}

/// Copies the folder `from` and everything in it to `to`.
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}
