//! `ISteamMatchmaking`: local mode's lobbies, with `CreateLobby` and `RequestLobbyList` as
//! call results and the lobby list's filters gathered call by call, as Steam does.

use std::collections::{HashMap, VecDeque};
use std::ffi::c_char;
use std::os::raw::c_int;

use smp_steam::{
    LobbyComparison, LobbyDistanceFilter, LobbyFilter, LobbyId, LobbyType, SteamApi, SteamId,
};
use steamworks_sys as sys;

use crate::init::text;
use crate::{output, with};

/// Chat entries kept for `GetLobbyChatEntry`: Steam keeps a lobby's recent chat, and games
/// read each entry in its callback.
const KEPT_CHAT: usize = 256;

/// What matchmaking keeps between calls.
#[derive(Default)]
pub struct Matchmaking {
    /// The filters for the next `RequestLobbyList`.
    filter: LobbyFilter,
    /// `CreateLobby` calls waiting for their lobby, oldest first.
    pub creates: VecDeque<sys::SteamAPICall_t>,
    /// `RequestLobbyList` calls waiting for their list, oldest first.
    pub lists: VecDeque<sys::SteamAPICall_t>,
    /// The last list, for `GetLobbyByIndex`.
    pub found: Vec<LobbyId>,
    /// Recent chat entries.
    pub chat: ChatLog,
}

/// Recent lobby chat entries by chat id.
#[derive(Default)]
pub struct ChatLog {
    entries: HashMap<u32, (SteamId, String, u8)>,
    order: VecDeque<u32>,
    last: u32,
}

impl ChatLog {
    /// Keeps an entry; its chat id.
    pub fn record(&mut self, sender: SteamId, text: String, kind: u8) -> u32 {
        self.last += 1;
        if self.order.len() >= KEPT_CHAT
            && let Some(oldest) = self.order.pop_front()
        {
            self.entries.remove(&oldest);
        }
        self.order.push_back(self.last);
        self.entries.insert(self.last, (sender, text, kind));
        self.last
    }
}

/// Copies `value` and a NUL into `out` of `size` bytes, cut to fit; the bytes written.
///
/// # Safety
///
/// `out` is null or has room for `size` bytes.
unsafe fn copy_text(value: &[u8], out: *mut c_char, size: c_int) -> usize {
    let Ok(size) = usize::try_from(size) else {
        return 0;
    };
    if out.is_null() || size == 0 {
        return 0;
    }
    let len = value.len().min(size - 1);
    // SAFETY: see above; `len` + 1 <= `size`.
    unsafe {
        std::ptr::copy_nonoverlapping(value.as_ptr(), out.cast::<u8>(), len);
        out.add(len).write(0);
    }
    len + 1
}

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

/// `SendLobbyChatMsg`: the body up to its first NUL is the text.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_SendLobbyChatMsg(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    body: *const std::ffi::c_void,
    size: c_int,
) -> bool {
    let size = usize::try_from(size).unwrap_or(0);
    if body.is_null() || size == 0 {
        return false;
    }
    // SAFETY: the caller passes `size` readable bytes.
    let body = unsafe { std::slice::from_raw_parts(body.cast::<u8>(), size) };
    let end = body.iter().position(|&b| b == 0).unwrap_or(body.len());
    let message = String::from_utf8_lossy(&body[..end]).into_owned();
    with(false, |standin| {
        standin
            .steam
            .send_lobby_chat_message(SteamId(lobby), &message)
    })
}

/// `GetLobbyChatEntry`: the entry's sender, text (with its NUL, cut to the buffer) and type;
/// the bytes copied, 0 for an entry no longer kept.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyChatEntry(
    _: *mut sys::ISteamMatchmaking,
    _lobby: u64,
    chat_id: c_int,
    sender: *mut sys::CSteamID,
    out: *mut std::ffi::c_void,
    out_size: c_int,
    kind: *mut c_int,
) -> c_int {
    let entry = with(None, |standin| {
        let id = u32::try_from(chat_id).ok()?;
        standin.matchmaking.chat.entries.get(&id).cloned()
    });
    let Some((from, message, entry_kind)) = entry else {
        return 0;
    };
    // SAFETY: the caller passes a writable sender and type, or nulls, and `out_size` bytes at
    // `out`.
    unsafe {
        if !sender.is_null() {
            sender.cast::<u64>().write_unaligned(from.0);
        }
        if !kind.is_null() {
            kind.write_unaligned(c_int::from(entry_kind));
        }
        copy_text(message.as_bytes(), out.cast(), out_size) as c_int
    }
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
    with((), |standin| {
        standin
            .matchmaking
            .filter
            .strings
            .push((key, value, comparison));
    });
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
    with((), |standin| {
        let numbers = &mut standin.matchmaking.filter.numbers;
        numbers.push((key, i64::from(value), comparison));
    });
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
    with((), |standin| {
        standin
            .matchmaking
            .filter
            .near
            .push((key, i64::from(value)));
    });
}

/// `AddRequestLobbyListFilterSlotsAvailable`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListFilterSlotsAvailable(
    _: *mut sys::ISteamMatchmaking,
    slots: c_int,
) {
    with((), |standin| {
        standin.matchmaking.filter.slots_available = u32::try_from(slots).ok();
    });
}

/// `AddRequestLobbyListDistanceFilter`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListDistanceFilter(
    _: *mut sys::ISteamMatchmaking,
    distance: c_int,
) {
    with((), |standin| {
        standin.matchmaking.filter.distance = LobbyDistanceFilter::from_raw(i64::from(distance));
    });
}

/// `AddRequestLobbyListResultCountFilter`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamMatchmaking_AddRequestLobbyListResultCountFilter(
    _: *mut sys::ISteamMatchmaking,
    max: c_int,
) {
    with((), |standin| {
        standin.matchmaking.filter.max_results = u32::try_from(max).ok();
    });
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
