//! Routes the `log` records of our crates to Godot's output: errors to `push_error`, warnings
//! to `push_warning`, the rest to `print` when `debug_level` asks for it.
//!
//! Records are queued and printed at the end of each call from Godot, so no print (which a
//! script logger could turn into a call back into us) happens while a transport lock is held.

use std::sync::atomic::{AtomicBool, Ordering};

use godot::global::{godot_error, godot_print, godot_warn};
use log::{Level, LevelFilter, Log, Metadata, Record};
use parking_lot::Mutex;

static QUEUE: Mutex<Vec<(Level, String)>> = Mutex::new(Vec::new());
static PENDING: AtomicBool = AtomicBool::new(false);
/// Steam's own informational output is wanted (`DEBUG_LEVEL_STEAM`).
static STEAM_OUTPUT: AtomicBool = AtomicBool::new(false);

struct GodotLogger;

impl Log for GodotLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level() && is_ours(metadata.target())
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            QUEUE
                .lock()
                .push((record.level(), record.args().to_string()));
            PENDING.store(true, Ordering::Release);
        }
    }

    fn flush(&self) {}
}

fn is_ours(target: &str) -> bool {
    target.starts_with("smp_") || target.starts_with("steam_multiplayer_peer")
}

static LOGGER: GodotLogger = GodotLogger;

/// Installs the logger; warnings and errors show until [`set_verbose`] asks for more.
pub fn install() {
    // Fails only if another logger is installed in this process; then that one gets our records.
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(LevelFilter::Warn);
}

/// Shows (true) or hides (false) the peers' informational messages, and Steam's own
/// (`steam_output`), which the Steam backend routes into the log when asked.
pub fn set_verbose(verbose: bool, steam_output: bool) {
    log::set_max_level(if verbose {
        LevelFilter::Debug
    } else {
        LevelFilter::Warn
    });
    STEAM_OUTPUT.store(steam_output, Ordering::Relaxed);
}

/// True when Steam's own informational output is wanted.
pub fn steam_output() -> bool {
    STEAM_OUTPUT.load(Ordering::Relaxed)
}

/// Prints what was logged since the last flush.
pub fn flush() {
    if !PENDING.swap(false, Ordering::Acquire) {
        return;
    }
    let records = std::mem::take(&mut *QUEUE.lock());
    for (level, message) in records {
        match level {
            Level::Error => godot_error!("Steam: {message}"),
            Level::Warn => godot_warn!("Steam: {message}"),
            _ => godot_print!("Steam: {message}"),
        }
    }
}

/// Flushes the log when dropped: one at the top of a call from Godot covers every return.
pub struct FlushOnDrop;

impl Drop for FlushOnDrop {
    fn drop(&mut self) {
        flush();
    }
}
