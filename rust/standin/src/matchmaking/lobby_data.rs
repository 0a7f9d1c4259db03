//! Lobby data and lobby member data: the keys and values lobbies and their members publish.

use std::ffi::c_char;
use std::os::raw::c_int;

use smp_steam::{SteamApi, SteamId};
use steamworks_sys as sys;

use crate::c_strings::{copy_text, text};
use crate::state::with;

/// `SetLobbyData`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_SetLobbyData(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    key: *const c_char,
    value: *const c_char,
) -> bool {
    // SAFETY: the caller passes C strings.
    let (key, value) = unsafe { (text(key), text(value)) };
    with(false, |standin| {
        standin.steam.set_lobby_data(SteamId(lobby), &key, &value)
    })
}

/// `GetLobbyData`: "" when unset.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyData(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    key: *const c_char,
) -> *const c_char {
    // SAFETY: the caller passes a C string.
    let key = unsafe { text(key) };
    with(c"".as_ptr(), |standin| {
        let value = standin.steam.lobby_data(SteamId(lobby), &key);
        standin.names.keep(value)
    })
}

/// `DeleteLobbyData`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_DeleteLobbyData(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    key: *const c_char,
) -> bool {
    // SAFETY: the caller passes a C string.
    let key = unsafe { text(key) };
    with(false, |standin| {
        standin.steam.delete_lobby_data(SteamId(lobby), &key)
    })
}

/// `GetLobbyDataCount`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyDataCount(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
) -> c_int {
    with(0, |standin| {
        standin.steam.all_lobby_data(SteamId(lobby)).len() as c_int
    })
}

/// `GetLobbyDataByIndex`: the key and value at `index`, each cut to its buffer.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyDataByIndex(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    index: c_int,
    key: *mut c_char,
    key_size: c_int,
    value: *mut c_char,
    value_size: c_int,
) -> bool {
    let entry = with(None, |standin| {
        let all = standin.steam.all_lobby_data(SteamId(lobby));
        usize::try_from(index)
            .ok()
            .and_then(|i| all.into_iter().nth(i))
    });
    let Some((entry_key, entry_value)) = entry else {
        return false;
    };
    // SAFETY: the caller passes buffers of the sizes given.
    unsafe {
        copy_text(entry_key.as_bytes(), key, key_size);
        copy_text(entry_value.as_bytes(), value, value_size);
    }
    true
}

/// `SetLobbyMemberData`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_SetLobbyMemberData(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    key: *const c_char,
    value: *const c_char,
) {
    // SAFETY: the caller passes C strings.
    let (key, value) = unsafe { (text(key), text(value)) };
    with((), |standin| {
        standin
            .steam
            .set_lobby_member_data(SteamId(lobby), &key, &value);
    });
}

/// `GetLobbyMemberData`: "" when unset.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyMemberData(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    member: u64,
    key: *const c_char,
) -> *const c_char {
    // SAFETY: the caller passes a C string.
    let key = unsafe { text(key) };
    with(c"".as_ptr(), |standin| {
        let value = standin
            .steam
            .lobby_member_data(SteamId(lobby), SteamId(member), &key);
        standin.names.keep(value)
    })
}
