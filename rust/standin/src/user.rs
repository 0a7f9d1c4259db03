//! `ISteamUser`, `ISteamFriends`, and what `ISteamApps` and `ISteamUtils` say: the local
//! user of the emulation.

use std::ffi::c_char;

use smp_steam::{SteamApi, SteamId};
use steamworks_sys as sys;

use crate::output;
use crate::state::with;

/// The empty C string, for calls made before initialization.
const EMPTY: *const c_char = c"".as_ptr();

/// `ISteamUser::GetSteamID`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamUser_GetSteamID(_: *mut sys::ISteamUser) -> u64 {
    with(0, |standin| standin.steam.steam_id().0)
}

/// `ISteamUser::BLoggedOn`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamUser_BLoggedOn(_: *mut sys::ISteamUser) -> bool {
    with(false, |standin| standin.steam.logged_on())
}

/// `ISteamApps::BIsSubscribed`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamApps_BIsSubscribed(_: *mut sys::ISteamApps) -> bool {
    with(false, |standin| standin.steam.is_subscribed())
}

/// `ISteamUtils::IsSteamRunningOnSteamDeck`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamUtils_IsSteamRunningOnSteamDeck(_: *mut sys::ISteamUtils) -> bool {
    with(false, |standin| standin.steam.is_running_on_steam_deck())
}

/// `ISteamUtils::SetWarningMessageHook`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamUtils_SetWarningMessageHook(
    _: *mut sys::ISteamUtils,
    hook: sys::SteamAPIWarningMessageHook_t,
) {
    output::set_warning_hook(hook);
}

/// `ISteamFriends::GetPersonaName`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamFriends_GetPersonaName(_: *mut sys::ISteamFriends) -> *const c_char {
    with(EMPTY, |standin| {
        let name = standin.steam.persona_name();
        standin.names.keep(name)
    })
}

/// `ISteamFriends::RequestUserInformation`: false when the name is known already, true when
/// it is being fetched (`PersonaStateChange_t` follows).
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamFriends_RequestUserInformation(
    _: *mut sys::ISteamFriends,
    user: u64,
    _name_only: bool,
) -> bool {
    with(false, |standin| {
        standin.steam.friend_persona_name(SteamId(user)).is_empty()
    })
}

/// `ISteamFriends::GetFriendPersonaName`: "" for a user the emulation does not know.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamFriends_GetFriendPersonaName(
    _: *mut sys::ISteamFriends,
    user: u64,
) -> *const c_char {
    with(EMPTY, |standin| {
        let name = standin.steam.friend_persona_name(SteamId(user));
        standin.names.keep(name)
    })
}

/// `ISteamFriends::ActivateGameOverlayInviteDialog`: no overlay, so every other running
/// local user is invited, as in local mode.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamFriends_ActivateGameOverlayInviteDialog(
    _: *mut sys::ISteamFriends,
    lobby: u64,
) {
    with((), |standin| {
        standin.steam.activate_invite_dialog(SteamId(lobby));
    });
}
