//! Lobbies, over `ISteamMatchmaking`.

use std::ffi::c_char;
use std::os::raw::c_int;

use log::warn;
use steamworks::{Client, sys};

use super::convert::{
    c_string, chat_payload, create_member_limit, eresult_code, lobby_type_for_create,
    numeric_filter_value, saturate_c_int, sys_comparison, sys_distance, sys_lobby_type,
    text_until_nul,
};
use super::events::SharedQueue;
use super::owned_str;
use crate::types::{LobbyFilter, LobbyId, LobbyType, SteamEvent, SteamId, result};

/// Longest lobby data key, with its NUL (`k_nMaxLobbyKeyLength` + 1).
const KEY_BUFFER: usize = sys::k_nMaxLobbyKeyLength as usize + 1;
/// Longest lobby data value, with its NUL (`k_cubChatMetadataMax`).
const VALUE_BUFFER: usize = sys::k_cubChatMetadataMax as usize;

/// `ISteamMatchmaking`. Calls go straight to the flat API: the crate's wrappers unwrap
/// `CString::new` (a NUL from Godot would panic) and assert on the member limit.
pub struct Matchmaking {
    /// Valid while `client` keeps Steam initialized.
    mm: *mut sys::ISteamMatchmaking,
    client: Client,
    queue: SharedQueue,
}

impl Matchmaking {
    /// The interface of an initialized `client`; `None` if Steam does not provide it.
    pub fn new(client: &Client, queue: &SharedQueue) -> Option<Self> {
        // SAFETY: Steam is initialized (we hold a client), which is all the accessor needs.
        let mm = unsafe { sys::SteamAPI_SteamMatchmaking_v009() };
        (!mm.is_null()).then(|| Matchmaking {
            mm,
            client: client.clone(),
            queue: queue.clone(),
        })
    }

    /// `CreateLobby`; `LobbyCreated` comes as a call result, `LobbyJoined` as a callback.
    pub fn create_lobby(&self, kind: LobbyType, max_members: u32) {
        let Some(crate_kind) = lobby_type_for_create(kind) else {
            warn!("createLobby: a {kind:?} lobby can only be created through the Web API");
            self.queue.lock().push(SteamEvent::LobbyCreated {
                result: result::INVALID_PARAM,
                lobby: SteamId(0),
            });
            return;
        };
        let limit = create_member_limit(max_members);
        if limit != max_members {
            warn!("createLobby: {max_members} members is outside 1..=250; asking for {limit}");
        }
        let queue = self.queue.clone();
        // The crate's wrapper is the only way to receive a call result; it runs this while
        // holding its call-result table locked, so only queue here.
        self.client
            .matchmaking()
            .create_lobby(crate_kind, limit, move |outcome| {
                let event = match outcome {
                    Ok(lobby) => SteamEvent::LobbyCreated {
                        result: result::OK,
                        lobby: SteamId(lobby.raw()),
                    },
                    Err(error) => {
                        warn!("createLobby failed: {error}");
                        SteamEvent::LobbyCreated {
                            result: eresult_code(error),
                            lobby: SteamId(0),
                        }
                    }
                };
                queue.lock().push(event);
            });
    }

    /// `JoinLobby`; its `LobbyEnter_t` callback becomes `LobbyJoined`, success or not.
    pub fn join_lobby(&self, lobby: LobbyId) {
        // SAFETY (here and below): `mm` is valid, see the field.
        unsafe { sys::SteamAPI_ISteamMatchmaking_JoinLobby(self.mm, lobby.0) };
    }

    /// `LeaveLobby`.
    pub fn leave_lobby(&self, lobby: LobbyId) {
        unsafe { sys::SteamAPI_ISteamMatchmaking_LeaveLobby(self.mm, lobby.0) };
    }

    /// `GetLobbyOwner`.
    pub fn owner(&self, lobby: LobbyId) -> SteamId {
        SteamId(unsafe { sys::SteamAPI_ISteamMatchmaking_GetLobbyOwner(self.mm, lobby.0) })
    }

    /// `SetLobbyOwner`.
    pub fn set_owner(&self, lobby: LobbyId, owner: SteamId) -> bool {
        unsafe { sys::SteamAPI_ISteamMatchmaking_SetLobbyOwner(self.mm, lobby.0, owner.0) }
    }

    /// `GetNumLobbyMembers`.
    pub fn member_count(&self, lobby: LobbyId) -> usize {
        let count = unsafe { sys::SteamAPI_ISteamMatchmaking_GetNumLobbyMembers(self.mm, lobby.0) };
        usize::try_from(count).unwrap_or(0)
    }

    /// `GetLobbyMemberByIndex`, 0 outside `0..GetNumLobbyMembers()`, where Steam's answer is
    /// undefined.
    pub fn member(&self, lobby: LobbyId, index: usize) -> SteamId {
        if index >= self.member_count(lobby) {
            return SteamId(0);
        }
        let index = saturate_c_int(index);
        SteamId(unsafe {
            sys::SteamAPI_ISteamMatchmaking_GetLobbyMemberByIndex(self.mm, lobby.0, index)
        })
    }

    /// `SetLobbyData`.
    pub fn set_data(&self, lobby: LobbyId, key: &str, value: &str) -> bool {
        let key = c_string("setLobbyData key", key);
        let value = c_string("setLobbyData value", value);
        unsafe {
            sys::SteamAPI_ISteamMatchmaking_SetLobbyData(
                self.mm,
                lobby.0,
                key.as_ptr(),
                value.as_ptr(),
            )
        }
    }

    /// `GetLobbyData`.
    pub fn data(&self, lobby: LobbyId, key: &str) -> String {
        let key = c_string("getLobbyData key", key);
        unsafe {
            owned_str(sys::SteamAPI_ISteamMatchmaking_GetLobbyData(
                self.mm,
                lobby.0,
                key.as_ptr(),
            ))
        }
    }

    /// `DeleteLobbyData`.
    pub fn delete_data(&self, lobby: LobbyId, key: &str) -> bool {
        let key = c_string("deleteLobbyData key", key);
        unsafe { sys::SteamAPI_ISteamMatchmaking_DeleteLobbyData(self.mm, lobby.0, key.as_ptr()) }
    }

    /// Every key and value, through `GetLobbyDataCount` and `GetLobbyDataByIndex`.
    pub fn all_data(&self, lobby: LobbyId) -> Vec<(String, String)> {
        let count = unsafe { sys::SteamAPI_ISteamMatchmaking_GetLobbyDataCount(self.mm, lobby.0) };
        let mut key = vec![0_u8; KEY_BUFFER];
        let mut value = vec![0_u8; VALUE_BUFFER];
        let mut all = Vec::new();
        for index in 0..count.max(0) {
            key.fill(0);
            value.fill(0);
            // SAFETY: both buffers are live and as long as the sizes given.
            let found = unsafe {
                sys::SteamAPI_ISteamMatchmaking_GetLobbyDataByIndex(
                    self.mm,
                    lobby.0,
                    index,
                    key.as_mut_ptr().cast::<c_char>(),
                    KEY_BUFFER as c_int,
                    value.as_mut_ptr().cast::<c_char>(),
                    VALUE_BUFFER as c_int,
                )
            };
            if found {
                all.push((text_until_nul(&key), text_until_nul(&value)));
            }
        }
        all
    }

    /// `SetLobbyMemberData`.
    pub fn set_member_data(&self, lobby: LobbyId, key: &str, value: &str) {
        let key = c_string("setLobbyMemberData key", key);
        let value = c_string("setLobbyMemberData value", value);
        unsafe {
            sys::SteamAPI_ISteamMatchmaking_SetLobbyMemberData(
                self.mm,
                lobby.0,
                key.as_ptr(),
                value.as_ptr(),
            )
        }
    }

    /// `GetLobbyMemberData`.
    pub fn member_data(&self, lobby: LobbyId, member: SteamId, key: &str) -> String {
        let key = c_string("getLobbyMemberData key", key);
        unsafe {
            owned_str(sys::SteamAPI_ISteamMatchmaking_GetLobbyMemberData(
                self.mm,
                lobby.0,
                member.0,
                key.as_ptr(),
            ))
        }
    }

    /// `SetLobbyJoinable`.
    pub fn set_joinable(&self, lobby: LobbyId, joinable: bool) -> bool {
        unsafe { sys::SteamAPI_ISteamMatchmaking_SetLobbyJoinable(self.mm, lobby.0, joinable) }
    }

    /// `SetLobbyType`.
    pub fn set_type(&self, lobby: LobbyId, kind: LobbyType) -> bool {
        unsafe {
            sys::SteamAPI_ISteamMatchmaking_SetLobbyType(self.mm, lobby.0, sys_lobby_type(kind))
        }
    }

    /// `SetLobbyMemberLimit`.
    pub fn set_member_limit(&self, lobby: LobbyId, limit: u32) -> bool {
        let limit = saturate_c_int(limit);
        unsafe { sys::SteamAPI_ISteamMatchmaking_SetLobbyMemberLimit(self.mm, lobby.0, limit) }
    }

    /// `GetLobbyMemberLimit`: 0 when Steam knows no limit.
    pub fn member_limit(&self, lobby: LobbyId) -> u32 {
        let limit =
            unsafe { sys::SteamAPI_ISteamMatchmaking_GetLobbyMemberLimit(self.mm, lobby.0) };
        u32::try_from(limit).unwrap_or(0)
    }

    /// The `AddRequestLobbyList*` filters, then `RequestLobbyList`; `LobbyMatchList` follows
    /// as a call result (an empty list if the request fails, so that a game waiting for the
    /// signal is not left waiting).
    pub fn request_lobby_list(&self, filter: LobbyFilter) {
        for (key, value, comparison) in &filter.strings {
            let key = c_string("addRequestLobbyListStringFilter key", key);
            let value = c_string("addRequestLobbyListStringFilter value", value);
            unsafe {
                sys::SteamAPI_ISteamMatchmaking_AddRequestLobbyListStringFilter(
                    self.mm,
                    key.as_ptr(),
                    value.as_ptr(),
                    sys_comparison(*comparison),
                );
            }
        }
        for (key, value, comparison) in &filter.numbers {
            let call = "addRequestLobbyListNumericalFilter";
            let number = steam_number(call, *value);
            let key = c_string(&format!("{call} key"), key);
            unsafe {
                sys::SteamAPI_ISteamMatchmaking_AddRequestLobbyListNumericalFilter(
                    self.mm,
                    key.as_ptr(),
                    number,
                    sys_comparison(*comparison),
                );
            }
        }
        for (key, value) in &filter.near {
            let call = "addRequestLobbyListNearValueFilter";
            let number = steam_number(call, *value);
            let key = c_string(&format!("{call} key"), key);
            unsafe {
                sys::SteamAPI_ISteamMatchmaking_AddRequestLobbyListNearValueFilter(
                    self.mm,
                    key.as_ptr(),
                    number,
                );
            }
        }
        if let Some(slots) = filter.slots_available {
            unsafe {
                sys::SteamAPI_ISteamMatchmaking_AddRequestLobbyListFilterSlotsAvailable(
                    self.mm,
                    saturate_c_int(slots),
                );
            }
        }
        if let Some(distance) = filter.distance {
            unsafe {
                sys::SteamAPI_ISteamMatchmaking_AddRequestLobbyListDistanceFilter(
                    self.mm,
                    sys_distance(distance),
                );
            }
        }
        if let Some(max) = filter.max_results {
            unsafe {
                sys::SteamAPI_ISteamMatchmaking_AddRequestLobbyListResultCountFilter(
                    self.mm,
                    saturate_c_int(max),
                );
            }
        }
        let queue = self.queue.clone();
        self.client
            .matchmaking()
            .request_lobby_list(move |outcome| {
                let lobbies = match outcome {
                    Ok(lobbies) => lobbies.iter().map(|l| SteamId(l.raw())).collect(),
                    Err(error) => {
                        warn!("requestLobbyList failed: {error}");
                        Vec::new()
                    }
                };
                queue.lock().push(SteamEvent::LobbyMatchList { lobbies });
            });
    }

    /// `SendLobbyChatMsg`, the text with its terminating NUL.
    pub fn send_chat_message(&self, lobby: LobbyId, message: &str) -> bool {
        let payload = chat_payload(message);
        let Ok(len) = c_int::try_from(payload.len()) else {
            warn!(
                "sendLobbyChatMsg: a message of {} bytes is too long",
                payload.len()
            );
            return false;
        };
        // SAFETY: `payload` is live and `len` bytes long.
        unsafe {
            sys::SteamAPI_ISteamMatchmaking_SendLobbyChatMsg(
                self.mm,
                lobby.0,
                payload.as_ptr().cast(),
                len,
            )
        }
    }
}
/// A filter's number as Steam's 32 bits, saturated with a warning naming `call` when it does
/// not fit.
fn steam_number(call: &str, value: i64) -> i32 {
    numeric_filter_value(value).unwrap_or_else(|saturated| {
        warn!("{call}: {value} does not fit Steam's 32-bit numbers; using {saturated}");
        saturated
    })
}
