//! Steam's diagnostic output: the networking library's debug-output function and the Steam
//! API's warning hook, which the application installs. The emulation's own log lines go there
//! too, as Steam's library reports its own doings through them.
//!
//! The hooks live outside the stand-in's lock: the emulation logs while holding it.

use std::ffi::{CString, c_char};
use std::os::raw::c_int;

use parking_lot::Mutex;
use steamworks_sys as sys;
use sys::ESteamNetworkingSocketsDebugOutputType as Detail;

/// What the application installed.
struct Hooks {
    debug: sys::FSteamNetworkingSocketsDebugOutput,
    /// The least important type of message the application wants, as a number.
    detail: c_int,
    warning: sys::SteamAPIWarningMessageHook_t,
}

static HOOKS: Mutex<Hooks> = Mutex::new(Hooks {
    debug: None,
    detail: 0,
    warning: None,
});

/// `SetDebugOutputFunction`'s effect.
pub fn set_debug_output(detail: c_int, function: sys::FSteamNetworkingSocketsDebugOutput) {
    let mut hooks = HOOKS.lock();
    hooks.debug = function;
    hooks.detail = detail;
}

/// `SetWarningMessageHook`'s effect.
pub fn set_warning_hook(hook: sys::SteamAPIWarningMessageHook_t) {
    HOOKS.lock().warning = hook;
}

/// Forgets both hooks, as `SteamAPI_Shutdown` does.
pub fn unhook() {
    set_debug_output(0, None);
    set_warning_hook(None);
}

/// Sends `text` to the debug-output function as a message of type `kind`, if it wants those.
pub fn emit(kind: Detail, text: &str) {
    let hooks = HOOKS.lock();
    let Some(function) = hooks.debug else {
        return;
    };
    if kind as c_int > hooks.detail {
        return;
    }
    let text = CString::new(text.replace('\0', " ")).unwrap_or_default();
    // SAFETY: the application's function, of the SDK's signature, with a C string valid
    // during the call.
    unsafe { function(kind, text.as_ptr()) };
}

/// A problem the networking library would report: a warning.
pub fn warning(text: &str) {
    emit(
        Detail::k_ESteamNetworkingSocketsDebugOutputType_Warning,
        text,
    );
}

/// A warning of the Steam API itself (severity 1), for a call it cannot honour.
pub fn api_warning(text: &str) {
    let hook = HOOKS.lock().warning;
    if let Some(hook) = hook {
        let text = CString::new(text.replace('\0', " ")).unwrap_or_default();
        // SAFETY: the application's hook, of the SDK's signature, with a C string valid
        // during the call.
        unsafe { hook(1, text.as_ptr().cast::<c_char>()) };
    }
}

/// The emulation's `log` records, as the debug output's messages.
struct Forward;

impl log::Log for Forward {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }

    fn log(&self, record: &log::Record) {
        let kind = match record.level() {
            log::Level::Error => Detail::k_ESteamNetworkingSocketsDebugOutputType_Error,
            log::Level::Warn => Detail::k_ESteamNetworkingSocketsDebugOutputType_Warning,
            log::Level::Info => Detail::k_ESteamNetworkingSocketsDebugOutputType_Msg,
            log::Level::Debug => Detail::k_ESteamNetworkingSocketsDebugOutputType_Verbose,
            log::Level::Trace => Detail::k_ESteamNetworkingSocketsDebugOutputType_Debug,
        };
        emit(kind, &format!("{}: {}", record.target(), record.args()));
    }

    fn flush(&self) {}
}

/// Routes the emulation's log through the hooks; once per process.
pub fn forward_log() {
    if log::set_logger(&Forward).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
}
