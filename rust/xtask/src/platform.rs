//! The platforms the addon ships for, and the names their files have in the addon's `bin/`.
//! The `.gdextension` names the same files; a test below holds the two together.

use crate::Result;

/// A platform the addon ships a library for: those the Steam SDK has a library for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Linux on x86_64.
    LinuxX86_64,
    /// Linux on arm64.
    LinuxArm64,
    /// Windows on x86_64 (MSVC).
    WindowsX86_64,
    /// macOS: one dylib, universal (x86_64 and arm64) from `cargo xtask addon --universal`, or
    /// this Mac's architecture alone from a plain `cargo xtask addon`.
    MacOs,
}

impl Platform {
    /// Every platform, in the `.gdextension`'s order.
    pub const ALL: [Platform; 4] = [
        Platform::LinuxX86_64,
        Platform::LinuxArm64,
        Platform::WindowsX86_64,
        Platform::MacOs,
    ];

    /// The platform this xtask runs on, which a build without `--target` is for.
    pub fn host() -> Result<Platform> {
        match (std::env::consts::OS, std::env::consts::ARCH) {
            ("linux", "x86_64") => Ok(Platform::LinuxX86_64),
            ("linux", "aarch64") => Ok(Platform::LinuxArm64),
            ("windows", "x86_64") => Ok(Platform::WindowsX86_64),
            ("macos", _) => Ok(Platform::MacOs),
            (os, arch) => Err(format!(
                "no addon for {os} {arch}: the Steam SDK has libraries for Linux x86_64 and \
                 arm64, Windows x86_64 and macOS only"
            )
            .into()),
        }
    }

    /// Godot's feature tags that select it, as the `.gdextension` keys its lines. Also the
    /// name of its folder under `bin/`: the extension finds the Steam library beside itself,
    /// and both Linux builds name theirs `libsteam_api.so`, so each platform has a folder.
    pub fn tags(self) -> &'static str {
        match self {
            Platform::LinuxX86_64 => "linux.x86_64",
            Platform::LinuxArm64 => "linux.arm64",
            Platform::WindowsX86_64 => "windows.x86_64",
            Platform::MacOs => "macos",
        }
    }

    /// The extension's file name in the addon.
    pub fn extension_file(self) -> &'static str {
        match self {
            Platform::LinuxX86_64 => "libsteam_multiplayer_peer.linux.x86_64.so",
            Platform::LinuxArm64 => "libsteam_multiplayer_peer.linux.arm64.so",
            Platform::WindowsX86_64 => "steam_multiplayer_peer.windows.x86_64.dll",
            Platform::MacOs => "libsteam_multiplayer_peer.macos.dylib",
        }
    }

    /// The file cargo builds for the extension crate (in `target/[<triple>/]<profile>/`).
    pub fn cargo_output(self) -> &'static str {
        match self {
            Platform::LinuxX86_64 | Platform::LinuxArm64 => "libsteam_multiplayer_peer.so",
            Platform::WindowsX86_64 => "steam_multiplayer_peer.dll",
            Platform::MacOs => "libsteam_multiplayer_peer.dylib",
        }
    }

    /// The Steam library's file name: what the extension loads, and what steamworks-sys copies
    /// into its build output.
    pub fn steam_library(self) -> &'static str {
        match self {
            Platform::LinuxX86_64 | Platform::LinuxArm64 => "libsteam_api.so",
            Platform::WindowsX86_64 => "steam_api64.dll",
            Platform::MacOs => "libsteam_api.dylib",
        }
    }

    /// Its folder, relative to the addon folder, with `/` on every OS (as in `res://` paths).
    pub fn bin_dir(self) -> String {
        format!("bin/{}", self.tags())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addon::ADDON_DIR;
    use crate::workspace_root;

    /// The entries of one `[section]` of a `.gdextension`, without comments or blank lines.
    fn section<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
        text.lines()
            .map(str::trim)
            .skip_while(|line| *line != format!("[{name}]"))
            .skip(1)
            .take_while(|line| !line.starts_with('['))
            .filter(|line| !line.is_empty() && !line.starts_with(';'))
            .collect()
    }

    /// Godot loads only the files the `.gdextension` names, so it must name, for every
    /// platform, exactly the extension and Steam library that `cargo xtask addon` puts in
    /// `bin/`; the end-to-end tests then load the Linux one as a user's Godot would.
    #[test]
    fn the_gdextension_names_the_files_the_build_produces() {
        let path = workspace_root()
            .join(ADDON_DIR)
            .join("steam_multiplayer_peer.gdextension");
        let text = std::fs::read_to_string(&path).expect("the .gdextension exists");
        let res = |platform: Platform, file: &str| {
            format!("res://{ADDON_DIR}/{}/{file}", platform.bin_dir())
        };
        let libraries: Vec<String> = Platform::ALL
            .iter()
            .map(|&p| format!("{} = \"{}\"", p.tags(), res(p, p.extension_file())))
            .collect();
        let dependencies: Vec<String> = Platform::ALL
            .iter()
            .map(|&p| {
                format!(
                    "{} = {{ \"{}\": \"\" }}",
                    p.tags(),
                    res(p, p.steam_library())
                )
            })
            .collect();
        assert_eq!(section(&text, "libraries"), libraries);
        assert_eq!(section(&text, "dependencies"), dependencies);
    }
}
