//! Lobbies themselves: creating, joining and leaving them, their owner and members, and the
//! settings their owner changes.

use std::os::raw::c_int;

use smp_steam::{LobbyType, SteamApi, SteamId};
use steamworks_sys as sys;

use crate::output;
use crate::state::with;

/// `CreateLobby`: `LobbyCreated_t` comes as the call's result.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_CreateLobby(
    _: *mut sys::ISteamMatchmaking,
    kind: c_int,
    max_members: c_int,
) -> sys::SteamAPICall_t {
    with(sys::k_uAPICallInvalid, |standin| {
        let Some(kind) = LobbyType::from_raw(i64::from(kind)) else {
            output::api_warning(&format!("CreateLobby: no lobby type {kind} in ELobbyType"));
            return sys::k_uAPICallInvalid;
        };
        let call = standin.dispatch.new_call();
        standin.matchmaking.creates.push_back(call);
        let max_members = u32::try_from(max_members).unwrap_or(0);
        standin.steam.create_lobby(kind, max_members);
        call
    })
}

/// `JoinLobby`: `LobbyEnter_t` follows as a callback.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_JoinLobby(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
) -> sys::SteamAPICall_t {
    with(sys::k_uAPICallInvalid, |standin| {
        standin.steam.join_lobby(SteamId(lobby));
        standin.dispatch.new_call()
    })
}

/// `LeaveLobby`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_LeaveLobby(_: *mut sys::ISteamMatchmaking, lobby: u64) {
    with((), |standin| standin.steam.leave_lobby(SteamId(lobby)));
}

/// `GetLobbyOwner`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyOwner(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
) -> u64 {
    with(0, |standin| standin.steam.lobby_owner(SteamId(lobby)).0)
}

/// `SetLobbyOwner`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_SetLobbyOwner(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    owner: u64,
) -> bool {
    with(false, |standin| {
        standin
            .steam
            .set_lobby_owner(SteamId(lobby), SteamId(owner))
    })
}

/// `GetNumLobbyMembers`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_GetNumLobbyMembers(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
) -> c_int {
    with(0, |standin| {
        c_int::try_from(standin.steam.lobby_member_count(SteamId(lobby))).unwrap_or(c_int::MAX)
    })
}

/// `GetLobbyMemberByIndex`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyMemberByIndex(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    index: c_int,
) -> u64 {
    let Ok(index) = usize::try_from(index) else {
        return 0;
    };
    with(0, |standin| {
        standin.steam.lobby_member(SteamId(lobby), index).0
    })
}

/// `SetLobbyJoinable`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_SetLobbyJoinable(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    joinable: bool,
) -> bool {
    with(false, |standin| {
        standin.steam.set_lobby_joinable(SteamId(lobby), joinable)
    })
}

/// `SetLobbyType`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_SetLobbyType(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    kind: c_int,
) -> bool {
    let Some(kind) = LobbyType::from_raw(i64::from(kind)) else {
        output::api_warning(&format!("SetLobbyType: no lobby type {kind} in ELobbyType"));
        return false;
    };
    with(false, |standin| {
        standin.steam.set_lobby_type(SteamId(lobby), kind)
    })
}

/// `SetLobbyMemberLimit`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_SetLobbyMemberLimit(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    limit: c_int,
) -> bool {
    let Ok(limit) = u32::try_from(limit) else {
        return false;
    };
    with(false, |standin| {
        standin.steam.set_lobby_member_limit(SteamId(lobby), limit)
    })
}

/// `GetLobbyMemberLimit`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyMemberLimit(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
) -> c_int {
    with(0, |standin| {
        c_int::try_from(standin.steam.lobby_member_limit(SteamId(lobby))).unwrap_or(c_int::MAX)
    })
}
