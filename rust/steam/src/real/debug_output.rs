//! Steam's own diagnostic output, into the `log` crate under [`STEAM_OUTPUT_TARGET`]: the
//! networking library's (`ISteamNetworkingUtils::SetDebugOutputFunction`) and the Steam API's
//! warnings (`ISteamUtils::SetWarningMessageHook`).

use std::ffi::c_char;
use std::os::raw::c_int;
use std::panic::{AssertUnwindSafe, catch_unwind};

use log::Level;
use steamworks::{Client, sys};

use super::owned_str;

/// The `log` target of Steam's own output. It starts with the crate's name so that the Godot
/// log bridge, which passes only this addon's targets, shows it.
pub const STEAM_OUTPUT_TARGET: &str = "smp_steam::steam";

/// Hooks Steam's output into `log`, replacing any earlier hook. The networking library reports
/// down to warnings, or with `verbose` down to its verbose messages: Valve recommends no more
/// than warnings outside debugging, and its Debug and Everything levels log per packet, which
/// costs even when filtered. The Steam API's warning hook only fires under a debugger or with
/// `-debug_steamapi` on the command line.
pub fn hook(_initialized: &Client, verbose: bool) {
    use sys::ESteamNetworkingSocketsDebugOutputType as Detail;
    let detail = if verbose {
        Detail::k_ESteamNetworkingSocketsDebugOutputType_Verbose
    } else {
        Detail::k_ESteamNetworkingSocketsDebugOutputType_Warning
    };
    // SAFETY: Steam is initialized (the caller holds a client), which is all the accessors
    // need; both interfaces are checked for null. The hooks are `extern "C"` functions of the
    // signatures Steam expects, and live as long as the program.
    unsafe {
        let networking = sys::SteamAPI_SteamNetworkingUtils_SteamAPI_v004();
        if !networking.is_null() {
            sys::SteamAPI_ISteamNetworkingUtils_SetDebugOutputFunction(
                networking,
                detail,
                Some(networking_output),
            );
        }
        let utils = sys::SteamAPI_SteamUtils_v010();
        if !utils.is_null() {
            sys::SteamAPI_ISteamUtils_SetWarningMessageHook(utils, Some(api_warning));
        }
    }
}

/// The level of a networking message: problems are warnings (a Steam diagnostic is not an
/// error of the game's), the rest debug output.
fn networking_level(detail: u32) -> Level {
    use sys::ESteamNetworkingSocketsDebugOutputType as Detail;
    if detail <= Detail::k_ESteamNetworkingSocketsDebugOutputType_Warning as u32 {
        Level::Warn
    } else {
        Level::Debug
    }
}

/// The level of a Steam API message: severity 0 is a message, 1 a warning.
fn api_level(severity: c_int) -> Level {
    if severity >= 1 {
        Level::Warn
    } else {
        Level::Debug
    }
}

/// Logs one line of Steam's output; nothing escapes it, not even a panic of the logger,
/// since it is called from C.
fn log_text(level: Level, text: *const c_char) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: Steam passes a NUL-terminated text valid during the call (or null).
        let text = unsafe { owned_str(text) };
        log::log!(target: STEAM_OUTPUT_TARGET, level, "{}", text.trim_end());
    }));
}

/// `FSteamNetworkingSocketsDebugOutput`. Steam may call it from its service thread while
/// holding its own locks: it only logs, and calls nothing of Steam's.
unsafe extern "C" fn networking_output(
    detail: sys::ESteamNetworkingSocketsDebugOutputType,
    text: *const c_char,
) {
    log_text(networking_level(detail as u32), text);
}

/// `SteamAPIWarningMessageHook_t`.
unsafe extern "C" fn api_warning(severity: c_int, text: *const c_char) {
    log_text(api_level(severity), text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sys::ESteamNetworkingSocketsDebugOutputType as Detail;

    #[test]
    fn problems_are_warnings_and_the_rest_debug_output() {
        for detail in [
            Detail::k_ESteamNetworkingSocketsDebugOutputType_Bug,
            Detail::k_ESteamNetworkingSocketsDebugOutputType_Error,
            Detail::k_ESteamNetworkingSocketsDebugOutputType_Important,
            Detail::k_ESteamNetworkingSocketsDebugOutputType_Warning,
        ] {
            assert_eq!(networking_level(detail as u32), Level::Warn, "{detail:?}");
        }
        for detail in [
            Detail::k_ESteamNetworkingSocketsDebugOutputType_Msg,
            Detail::k_ESteamNetworkingSocketsDebugOutputType_Verbose,
            Detail::k_ESteamNetworkingSocketsDebugOutputType_Debug,
        ] {
            assert_eq!(networking_level(detail as u32), Level::Debug, "{detail:?}");
        }
        assert_eq!(api_level(1), Level::Warn);
        assert_eq!(api_level(0), Level::Debug);
    }

    #[test]
    fn the_hooks_take_any_text_without_unwinding() {
        // SAFETY: the hooks as Steam calls them: a C string, or null.
        unsafe {
            networking_output(
                Detail::k_ESteamNetworkingSocketsDebugOutputType_Warning,
                c"relay ping failed\n".as_ptr(),
            );
            networking_output(
                Detail::k_ESteamNetworkingSocketsDebugOutputType_Msg,
                std::ptr::null(),
            );
            api_warning(1, c"bad \xff byte".as_ptr());
        }
        assert!(STEAM_OUTPUT_TARGET.starts_with("smp_"));
    }
}
