//! `cargo xtask package`: the assembled addon as one zip, to unpack into a Godot project's root.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::Result;
use crate::addon::ADDON_DIR;
use crate::platform::Platform;

/// Files from the repository root that go into the addon folder when present.
const EXTRAS: [&str; 2] = ["README.md", "LICENSE"];

/// Zips `addons/steam_multiplayer_peer/` with the libraries of every platform present in its
/// `bin/` into `target/steam_multiplayer_peer-<version>.zip`; returns the zip's path.
pub fn package(root: &Path) -> Result<PathBuf> {
    let zip = root.join("target").join(format!(
        "steam_multiplayer_peer-{}.zip",
        env!("CARGO_PKG_VERSION")
    ));
    std::fs::create_dir_all(root.join("target"))?;
    let platforms = write_zip(root, &zip)?;
    let missing: Vec<&str> = Platform::ALL
        .iter()
        .filter(|p| !platforms.contains(p))
        .map(|p| p.tags())
        .collect();
    let included: Vec<&str> = platforms.iter().map(|p| p.tags()).collect();
    println!(
        "xtask: packaged {} for {}{}",
        zip.display(),
        included.join(", "),
        if missing.is_empty() {
            String::new()
        } else {
            format!(" (no libraries for {})", missing.join(", "))
        }
    );
    Ok(zip)
}

/// Writes the zip at `out` from the addon folder under `root`; returns the platforms it holds.
///
/// Of `bin/`, only each platform's extension and Steam library go in, so that an old build's
/// leftovers or a debugger's files never ship. A platform with one of the two and not the
/// other is an error: it would not load.
fn write_zip(root: &Path, out: &Path) -> Result<Vec<Platform>> {
    let addon = root.join(ADDON_DIR);
    let mut entries = Vec::new();
    addon_files(&addon, "", &mut entries)?;
    for extra in EXTRAS {
        if root.join(extra).is_file() {
            entries.push((extra.to_string(), root.join(extra)));
        }
    }
    let mut platforms = Vec::new();
    for platform in Platform::ALL {
        let folder = addon.join(platform.bin_dir());
        let files = [platform.extension_file(), platform.steam_library()];
        match files.map(|f| folder.join(f).is_file()) {
            [true, true] => {}
            [false, false] => continue,
            _ => {
                return Err(format!(
                    "{} holds only one of {} and {}: rebuild it",
                    folder.display(),
                    files[0],
                    files[1]
                )
                .into());
            }
        }
        for file in files {
            entries.push((format!("{}/{file}", platform.bin_dir()), folder.join(file)));
        }
        platforms.push(platform);
    }
    if platforms.is_empty() {
        return Err(format!(
            "no platform's libraries in {}: run `cargo xtask addon` first",
            addon.join("bin").display()
        )
        .into());
    }
    entries.sort();
    let mut zip = ZipWriter::new(File::create(out)?);
    // No timestamps (zip's default without its `time` feature is 1980-01-01): the same files
    // give the same zip.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, source) in &entries {
        zip.start_file(format!("{ADDON_DIR}/{name}"), options)?;
        zip.write_all(&std::fs::read(source)?)?;
    }
    zip.finish()?;
    Ok(platforms)
}

/// Every file under the addon folder outside `bin/` (whose libraries `write_zip` picks per
/// platform), as (path in the addon with `/`, source) pairs.
fn addon_files(folder: &Path, prefix: &str, entries: &mut Vec<(String, PathBuf)>) -> Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}{name}");
        if entry.file_type()?.is_dir() {
            if path != "bin" {
                addon_files(&entry.path(), &format!("{path}/"), entries)?;
            }
        } else {
            entries.push((path, entry.path()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::ZipArchive;

    /// A scratch repository root with the addon's layout, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let root =
                std::env::temp_dir().join(format!("smp-package-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            std::fs::create_dir_all(root.join(ADDON_DIR)).unwrap();
            std::fs::write(
                root.join(ADDON_DIR)
                    .join("steam_multiplayer_peer.gdextension"),
                "[configuration]\n",
            )
            .unwrap();
            Scratch(root)
        }

        fn put(&self, path: &str, contents: &str) {
            let path = self.0.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }

        fn put_platform(&self, platform: Platform) {
            let folder = format!("{ADDON_DIR}/{}", platform.bin_dir());
            self.put(&format!("{folder}/{}", platform.extension_file()), "ext");
            self.put(&format!("{folder}/{}", platform.steam_library()), "steam");
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A user unzips into the project root: every path starts at the addon folder, each
    /// present platform brings its two libraries, and nothing else from `bin/` goes in.
    #[test]
    fn the_zip_holds_the_addon_folder_with_each_present_platform() {
        let scratch = Scratch::new("layout");
        scratch.put_platform(Platform::LinuxX86_64);
        scratch.put_platform(Platform::WindowsX86_64);
        scratch.put(&format!("{ADDON_DIR}/bin/libstale.so"), "old layout");
        scratch.put(
            &format!("{ADDON_DIR}/bin/windows.x86_64/steam_multiplayer_peer.pdb"),
            "symbols",
        );
        scratch.put("README.md", "# readme");
        let out = scratch.0.join("addon.zip");

        let platforms = write_zip(&scratch.0, &out).unwrap();

        assert_eq!(platforms, [Platform::LinuxX86_64, Platform::WindowsX86_64]);
        let mut archive = ZipArchive::new(File::open(&out).unwrap()).unwrap();
        let mut names: Vec<String> = archive
            .file_names()
            .map(|name| name.unwrap().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "addons/steam_multiplayer_peer/README.md",
                "addons/steam_multiplayer_peer/bin/linux.x86_64/libsteam_api.so",
                "addons/steam_multiplayer_peer/bin/linux.x86_64/libsteam_multiplayer_peer.linux.x86_64.so",
                "addons/steam_multiplayer_peer/bin/windows.x86_64/steam_api64.dll",
                "addons/steam_multiplayer_peer/bin/windows.x86_64/steam_multiplayer_peer.windows.x86_64.dll",
                "addons/steam_multiplayer_peer/steam_multiplayer_peer.gdextension",
            ]
        );
        let mut steam = String::new();
        std::io::Read::read_to_string(
            &mut archive
                .by_name("addons/steam_multiplayer_peer/bin/windows.x86_64/steam_api64.dll")
                .unwrap(),
            &mut steam,
        )
        .unwrap();
        assert_eq!(steam, "steam");
    }

    #[test]
    fn nothing_built_is_an_error() {
        let scratch = Scratch::new("empty");
        let error = write_zip(&scratch.0, &scratch.0.join("addon.zip")).unwrap_err();
        assert!(error.to_string().contains("cargo xtask addon"), "{error}");
    }

    #[test]
    fn an_extension_without_its_steam_library_is_an_error() {
        let scratch = Scratch::new("half");
        let platform = Platform::MacOs;
        scratch.put(
            &format!(
                "{ADDON_DIR}/{}/{}",
                platform.bin_dir(),
                platform.extension_file()
            ),
            "ext",
        );
        let error = write_zip(&scratch.0, &scratch.0.join("addon.zip")).unwrap_err();
        assert!(error.to_string().contains("only one of"), "{error}");
    }
}
