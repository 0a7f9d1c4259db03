//! The lobby list: its filters, gathered call by call, the request that applies them, and the
//! lobbies it found.

use std::ffi::c_char;
use std::os::raw::c_int;

use smp_steam::{LobbyComparison, LobbyDistanceFilter, LobbyFilter, SteamApi};
use steamworks_sys as sys;

use crate::c_strings::text;
use crate::output;
use crate::state::with;

/// Changes the filters the next `RequestLobbyList` applies; nothing before initialization.
fn edit_filter(edit: impl FnOnce(&mut LobbyFilter)) {
    with((), |standin| edit(&mut standin.matchmaking.filter));
}

/// `AddRequestLobbyListStringFilter`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListStringFilter(
    _: *mut sys::ISteamMatchmaking,
    key: *const c_char,
    value: *const c_char,
    comparison: c_int,
) {
    // SAFETY: the caller passes C strings.
    let (key, value) = unsafe { (text(key), text(value)) };
    let Some(comparison) = comparison_of(comparison) else {
        return;
    };
    edit_filter(|filter| filter.strings.push((key, value, comparison)));
}

/// `AddRequestLobbyListNumericalFilter`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListNumericalFilter(
    _: *mut sys::ISteamMatchmaking,
    key: *const c_char,
    value: c_int,
    comparison: c_int,
) {
    // SAFETY: the caller passes a C string.
    let key = unsafe { text(key) };
    let Some(comparison) = comparison_of(comparison) else {
        return;
    };
    edit_filter(|filter| filter.numbers.push((key, i64::from(value), comparison)));
}

/// `AddRequestLobbyListNearValueFilter`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListNearValueFilter(
    _: *mut sys::ISteamMatchmaking,
    key: *const c_char,
    value: c_int,
) {
    // SAFETY: the caller passes a C string.
    let key = unsafe { text(key) };
    edit_filter(|filter| filter.near.push((key, i64::from(value))));
}

/// `AddRequestLobbyListFilterSlotsAvailable`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListFilterSlotsAvailable(
    _: *mut sys::ISteamMatchmaking,
    slots: c_int,
) {
    edit_filter(|filter| filter.slots_available = u32::try_from(slots).ok());
}

/// `AddRequestLobbyListDistanceFilter`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListDistanceFilter(
    _: *mut sys::ISteamMatchmaking,
    distance: c_int,
) {
    edit_filter(|filter| filter.distance = LobbyDistanceFilter::from_raw(i64::from(distance)));
}

/// `AddRequestLobbyListResultCountFilter`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListResultCountFilter(
    _: *mut sys::ISteamMatchmaking,
    max: c_int,
) {
    edit_filter(|filter| filter.max_results = u32::try_from(max).ok());
}

/// `RequestLobbyList` with the filters added since the last one; `LobbyMatchList_t` comes as
/// the call's result.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_RequestLobbyList(
    _: *mut sys::ISteamMatchmaking,
) -> sys::SteamAPICall_t {
    with(sys::k_uAPICallInvalid, |standin| {
        let call = standin.dispatch.new_call();
        standin.matchmaking.lists.push_back(call);
        let filter = std::mem::take(&mut standin.matchmaking.filter);
        standin.steam.request_lobby_list(filter);
        call
    })
}

/// `GetLobbyByIndex` in the last list; 0 outside it.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyByIndex(
    _: *mut sys::ISteamMatchmaking,
    index: c_int,
) -> u64 {
    with(0, |standin| {
        usize::try_from(index)
            .ok()
            .and_then(|i| standin.matchmaking.found.get(i))
            .map_or(0, |lobby| lobby.0)
    })
}

/// An `ELobbyComparison`; a number Steam lacks is reported and ignored.
fn comparison_of(raw: c_int) -> Option<LobbyComparison> {
    let comparison = LobbyComparison::from_raw(i64::from(raw));
    if comparison.is_none() {
        output::warning(&format!(
            "lobby filter: no comparison {raw} in ELobbyComparison"
        ));
    }
    comparison
}
