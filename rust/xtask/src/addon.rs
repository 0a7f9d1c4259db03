//! Assembling the drop-in addon folder.

use std::path::{Path, PathBuf};

use crate::{Result, cargo, run, workspace_root};

/// The addon folder, relative to the repository root and to a Godot project.
pub const ADDON_DIR: &str = "addons/steam_multiplayer_peer";
const CRATE: &str = "steam_multiplayer_peer";

/// Builds the extension for this machine and puts it in `addons/steam_multiplayer_peer/bin/`.
/// Returns the addon folder.
pub fn build(release: bool) -> Result<PathBuf> {
    let mut command = cargo();
    command.args(["build", "--package", CRATE]);
    if release {
        command.arg("--release");
    }
    run(&mut command)?;
    let root = workspace_root();
    let profile = if release { "release" } else { "debug" };
    let (prefix, extension) = match std::env::consts::OS {
        "windows" => ("", "dll"),
        "macos" => ("lib", "dylib"),
        _ => ("lib", "so"),
    };
    let built = root
        .join("target")
        .join(profile)
        .join(format!("{prefix}{CRATE}.{extension}"));
    let addon = root.join(ADDON_DIR);
    let bin = addon.join("bin");
    std::fs::create_dir_all(&bin)?;
    let arch = match std::env::consts::ARCH {
        "aarch64" => "arm64",
        arch => arch,
    };
    let target = bin.join(format!(
        "lib{CRATE}.{}.{arch}.{extension}",
        std::env::consts::OS
    ));
    std::fs::copy(&built, &target)
        .map_err(|e| format!("copying {} to {}: {e}", built.display(), target.display()))?;
    copy_steam_library(&root.join("target").join(profile), &bin)?;
    println!(
        "xtask: addon assembled in {} ({} build)",
        addon.display(),
        profile
    );
    Ok(addon)
}

/// The Steam library's name on this platform.
fn steam_library() -> &'static str {
    match std::env::consts::OS {
        "windows" => "steam_api64.dll",
        "macos" => "libsteam_api.dylib",
        _ => "libsteam_api.so",
    }
}

/// Puts the Steam library the build linked against beside the extension: steamworks-sys copies
/// it into its build output, and the extension finds it there through its rpath.
fn copy_steam_library(profile_dir: &Path, bin: &Path) -> Result<()> {
    let name = steam_library();
    let newest = std::fs::read_dir(profile_dir.join("build"))?
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
            profile_dir.join("build").display()
        )
        .into());
    };
    std::fs::copy(&library, bin.join(name))
        .map_err(|e| format!("copying {}: {e}", library.display()))?;
    Ok(())
}

/// Copies the addon folder into the Godot project at `project`, replacing an older copy.
pub fn install_into(addon: &Path, project: &Path) -> Result<()> {
    let target = project.join(ADDON_DIR);
    let _ = std::fs::remove_dir_all(&target);
    copy_dir(addon, &target)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
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
