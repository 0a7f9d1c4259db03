//! Finding a Godot 4 to run, or provisioning one.
//!
//! In order: the executable named by `$GODOT`; `godot` or `godot4` on `PATH`; Debian sid's
//! Godot in `target/godot-sid`, made with debootstrap when missing. Debian bookworm has no
//! Godot 4, and sid's needs a newer glibc, so sid's binary runs through sid's own dynamic
//! loader with sid's libraries: no chroot, no mounts, the project's paths as they are.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, run, workspace_root};

/// A way to run Godot: a program, and arguments that come before Godot's own.
#[derive(Clone, Debug)]
pub struct Godot {
    program: PathBuf,
    prefix: Vec<OsString>,
    /// What `--version` printed.
    pub version: String,
    /// The Debian sid root it runs from, when it is the xtask's own.
    sid_root: Option<PathBuf>,
}

impl Godot {
    /// A command running Godot, ready for Godot's arguments.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.prefix);
        command
    }

    /// Makes sure Godot can draw in windows with OpenGL. Godot loads OpenGL when it opens a
    /// window; with no GPU, Mesa draws in software (llvmpipe). Godot from the sid root loads
    /// sid's libraries only, so Mesa is installed there (apt-get in a chroot, as root); any
    /// other Godot uses the system's, which must be installed.
    pub fn provision_opengl(&self) -> Result<()> {
        match &self.sid_root {
            Some(root) => provision_sid_mesa(root),
            None => system_opengl(),
        }
    }

    fn probe(program: PathBuf, prefix: Vec<OsString>) -> Option<Godot> {
        let output = Command::new(&program)
            .args(&prefix)
            .arg("--version")
            .output()
            .ok()?;
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        (output.status.success() && version.starts_with("4.")).then_some(Godot {
            program,
            prefix,
            version,
            sid_root: None,
        })
    }
}

/// A Godot 4, found or provisioned; an error says plainly why there is none.
pub fn find_or_provision() -> Result<Godot> {
    if let Some(path) = std::env::var_os("GODOT") {
        return Godot::probe(PathBuf::from(&path), Vec::new()).ok_or_else(|| {
            format!(
                "$GODOT is {path:?}, which does not run as Godot 4.x (`--version` must print 4.*)"
            )
            .into()
        });
    }
    for name in ["godot", "godot4"] {
        if let Some(godot) = Godot::probe(PathBuf::from(name), Vec::new()) {
            return Ok(godot);
        }
    }
    let root = workspace_root().join("target/godot-sid");
    if let Some(godot) = sid_godot(&root) {
        return Ok(godot);
    }
    provision_sid(&root)?;
    sid_godot(&root).ok_or_else(|| {
        format!(
            "Godot was installed in {} but does not run; see the output above",
            root.display()
        )
        .into()
    })
}

/// Debian's multiarch triplet for this machine, and its dynamic loader relative to a root.
fn debian_arch() -> Option<(&'static str, &'static str)> {
    match std::env::consts::ARCH {
        "x86_64" => Some(("x86_64-linux-gnu", "lib64/ld-linux-x86-64.so.2")),
        "aarch64" => Some(("aarch64-linux-gnu", "lib/ld-linux-aarch64.so.1")),
        _ => None,
    }
}

/// Godot from a sid root, run through sid's loader.
fn sid_godot(root: &Path) -> Option<Godot> {
    let binary = root.join("usr/bin/godot");
    if !binary.exists() {
        return None;
    }
    let (loader, prefix) = sid_program(root, &binary, &[])?;
    Godot::probe(loader, prefix).map(|godot| Godot {
        sid_root: Some(root.to_owned()),
        ..godot
    })
}

/// How to run `binary`, a program of the sid root `root`, here: sid's dynamic loader and the
/// arguments before the program's own, with sid's libraries (and `extra` folders) to load.
pub fn sid_program(
    root: &Path,
    binary: &Path,
    extra: &[PathBuf],
) -> Option<(PathBuf, Vec<OsString>)> {
    let (triplet, loader) = debian_arch()?;
    let mut dirs = vec![
        root.join("lib").join(triplet),
        root.join("usr/lib").join(triplet),
    ];
    // Some libraries live one level down and are found through an absolute RUNPATH (pulseaudio).
    if let Ok(entries) = std::fs::read_dir(root.join("usr/lib").join(triplet)) {
        dirs.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir() && holds_libraries(p)),
        );
    }
    dirs.extend(extra.iter().cloned());
    let library_path = std::env::join_paths(&dirs).ok()?;
    let name = binary.file_name()?.to_owned();
    let prefix = vec![
        OsString::from("--library-path"),
        library_path,
        OsString::from("--argv0"),
        name,
        binary.as_os_str().to_owned(),
    ];
    Some((root.join(loader), prefix))
}

fn holds_libraries(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains(".so"))
    })
}

/// Mesa's OpenGL (GLX and EGL through libglvnd, the llvmpipe software renderer among its
/// drivers), which Debian's godot package does not depend on: Godot loads OpenGL at run time.
const MESA_PACKAGES: [&str; 5] = [
    "libgl1",
    "libglx-mesa0",
    "libegl1",
    "libegl-mesa0",
    "libgl1-mesa-dri",
];

/// Installs Mesa into the sid root, unless it is there.
fn provision_sid_mesa(root: &Path) -> Result<()> {
    let (triplet, _) = debian_arch().ok_or("no Debian architecture for this machine")?;
    if root
        .join("usr/lib")
        .join(triplet)
        .join("libGLX_mesa.so.0")
        .exists()
    {
        return Ok(());
    }
    eprintln!(
        "xtask: installing Mesa (OpenGL in software) into {} for Godot's windows",
        root.display()
    );
    if !is_root()? {
        return Err(format!(
            "Godot in {} has no OpenGL, and installing Mesa there (chroot apt-get) needs root: \
             run as root, or install {MESA_PACKAGES:?} into it",
            root.display()
        )
        .into());
    }
    install_in_root(root, &MESA_PACKAGES)
        .map_err(|e| format!("installing Mesa ({MESA_PACKAGES:?}) in the sid root failed: {e}"))?;
    Ok(())
}

/// Godot's official Linux build loads the system's `libGL.so.1`; macOS and Windows have
/// OpenGL built in.
fn system_opengl() -> Result<()> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let cache = Command::new("ldconfig")
        .arg("-p")
        .output()
        .map_err(|e| format!("cannot run ldconfig -p to look for libGL.so.1: {e}"))?;
    if String::from_utf8_lossy(&cache.stdout).contains("libGL.so.1 ") {
        Ok(())
    } else {
        Err(
            "Godot needs OpenGL to open windows, and this system has no libGL.so.1: install \
             Mesa (Debian and Ubuntu: apt-get install libgl1 libglx-mesa0 libgl1-mesa-dri)"
                .into(),
        )
    }
}

/// Whether we run as root, who may install packages.
pub fn is_root() -> Result<bool> {
    let uid = Command::new("id").arg("-u").output()?;
    Ok(String::from_utf8_lossy(&uid.stdout).trim() == "0")
}

/// Installs Debian sid's `godot` package into `root`.
fn provision_sid(root: &Path) -> Result<()> {
    eprintln!(
        "xtask: no Godot 4 found ($GODOT, godot on PATH); installing Debian sid's into {}",
        root.display()
    );
    if !cfg!(target_os = "linux") {
        return Err(
            "no Godot 4 found: install Godot 4.6 and put it on PATH, or set $GODOT to it".into(),
        );
    }
    if !is_root()? {
        return Err(
            "no Godot 4 found, and provisioning one (debootstrap) needs root: \
                    run as root, or install Godot 4.6 and put it on PATH or in $GODOT"
                .into(),
        );
    }
    bootstrap_sid(root)?;
    install_in_root(root, &["godot"])
        .map_err(|e| format!("installing Debian's godot package in the sid root failed: {e}"))?;
    Ok(())
}

/// A new, minimal Debian sid root at `root` (debootstrap, installed first if missing; as root).
pub fn bootstrap_sid(root: &Path) -> Result<()> {
    if Command::new("debootstrap")
        .arg("--version")
        .output()
        .is_err()
    {
        run(Command::new("apt-get").args(["install", "-y", "debootstrap"]))
            .map_err(|e| format!("installing debootstrap with apt-get failed ({e}); install it"))?;
    }
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root)?;
    run(Command::new("debootstrap")
        .args(["--variant=minbase", "sid"])
        .arg(root)
        .arg("http://deb.debian.org/debian"))
    .map_err(|e| format!("debootstrap of Debian sid failed: {e}"))?;
    Ok(())
}

/// Installs Debian `packages` into the sid `root` with its own apt-get (as root).
pub fn install_in_root(root: &Path, packages: &[&str]) -> Result<()> {
    // The archive may be a snapshot whose Release file is past its Valid-Until date.
    run(Command::new("chroot").arg(root).args([
        "apt-get",
        "-o",
        "Acquire::Check-Valid-Until=false",
        "update",
    ]))?;
    run(Command::new("chroot")
        .arg(root)
        .args(["apt-get", "install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
