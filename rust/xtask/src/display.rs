//! A display for Godot's windows: the desktop's, or a virtual X server (Xvfb) on Linux.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use crate::godot::is_root;
use crate::{Result, run};

/// Whether there is a desktop to open windows on: on Linux an X or Wayland display, named by
/// `DISPLAY` or `WAYLAND_DISPLAY`; always on Windows and macOS.
pub fn desktop_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// A virtual X display (Xvfb) of its own, stopped when dropped.
pub struct VirtualDisplay {
    server: Child,
    /// Its name, for `DISPLAY` (`:99`).
    pub name: String,
}

impl VirtualDisplay {
    /// Starts Xvfb on a free display number with one screen of `width` x `height`, installing
    /// it with apt-get first when it is missing and we may (as root).
    pub fn start(width: u32, height: u32) -> Result<VirtualDisplay> {
        if Command::new("Xvfb").arg("-version").output().is_err() {
            install_xvfb()?;
        }
        // -displayfd: Xvfb picks a free display number and writes it to stdout once ready.
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start Xvfb: {e}"))?;
        let mut number = String::new();
        let stdout = server.stdout.take().expect("piped");
        BufReader::new(stdout).read_line(&mut number)?;
        let number = number.trim();
        if number.is_empty() {
            let _ = server.kill();
            let _ = server.wait();
            let mut said = String::new();
            if let Some(mut stderr) = server.stderr.take() {
                let _ = stderr.read_to_string(&mut said);
            }
            return Err(format!("Xvfb exited without a display:\n{said}").into());
        }
        // Xvfb writes to stderr as it runs; nobody reads it, so it must not fill a pipe.
        if let Some(mut stderr) = server.stderr.take() {
            std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        }
        Ok(VirtualDisplay {
            server,
            name: format!(":{number}"),
        })
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

fn install_xvfb() -> Result<()> {
    let missing = "Xvfb (a virtual X display, for Godot's windows without a desktop) is not \
                   installed";
    if !cfg!(target_os = "linux") {
        return Err(format!("{missing}; it exists on Linux only").into());
    }
    if !is_root()? || Command::new("apt-get").arg("--version").output().is_err() {
        return Err(format!(
            "{missing}: install it (Debian and Ubuntu: apt-get install xvfb), or run as root \
             on Debian or Ubuntu to have it installed"
        )
        .into());
    }
    eprintln!("xtask: {missing}; installing it with apt-get");
    run(Command::new("apt-get").arg("update"))
        .and_then(|()| {
            run(Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "xvfb"])
                .env("DEBIAN_FRONTEND", "noninteractive"))
        })
        .map_err(|e| format!("{missing}, and installing it with apt-get failed: {e}").into())
}
