//! Steam's callbacks, decoded from their raw structs into [`SteamEvent`]s and queued.
//!
//! Each callback is registered with the crate as a type of our own that only copies the raw
//! struct: the crate's decoders never run on them (its `LobbyChatUpdate` decoder reads the
//! wrong field and panics on combined flags), and `Client::process_callbacks`, which would run
//! them all, is never called.

use std::ffi::c_void;
use std::mem::offset_of;
use std::sync::Arc;

use log::warn;
use parking_lot::Mutex;
use steamworks::{Callback, CallbackHandle, Client, sys};

use super::convert::text_until_nul;
use super::networking::SessionRequests;
use crate::event_queue::EventQueue;
use crate::types::{SteamEvent, SteamId};

/// Room for one lobby chat message (Steam's are at most 4 KiB).
const CHAT_BUFFER: usize = sys::k_cubChatMetadataMax as usize;

/// The queue, shared with the callbacks the crate holds.
pub(crate) type SharedQueue = Arc<Mutex<EventQueue>>;

/// Declares a callback type holding a copy of Steam's raw struct.
macro_rules! raw_callback {
    ($name:ident, $raw:ident, $id:ident) => {
        struct $name(sys::$raw);

        // SAFETY: the crate calls `from_raw` only for callbacks whose id is `ID`, with a pointer
        // to that callback's struct; every field of it is an integer, so any bytes are valid.
        unsafe impl Callback for $name {
            const ID: i32 = sys::$id as i32;

            unsafe fn from_raw(raw: *mut c_void) -> Self {
                // SAFETY: see above; Steam's structs are packed, so read unaligned.
                Self(unsafe { raw.cast::<sys::$raw>().read_unaligned() })
            }
        }
    };
}

raw_callback!(
    RawLobbyChatUpdate,
    LobbyChatUpdate_t,
    LobbyChatUpdate_t_k_iCallback
);
raw_callback!(RawLobbyChatMsg, LobbyChatMsg_t, LobbyChatMsg_t_k_iCallback);
raw_callback!(
    RawLobbyDataUpdate,
    LobbyDataUpdate_t,
    LobbyDataUpdate_t_k_iCallback
);
raw_callback!(RawLobbyInvite, LobbyInvite_t, LobbyInvite_t_k_iCallback);
raw_callback!(
    RawJoinRequested,
    GameLobbyJoinRequested_t,
    GameLobbyJoinRequested_t_k_iCallback
);
raw_callback!(
    RawPersonaStateChange,
    PersonaStateChange_t,
    PersonaStateChange_t_k_iCallback
);
raw_callback!(
    RawP2PSessionRequest,
    P2PSessionRequest_t,
    P2PSessionRequest_t_k_iCallback
);
raw_callback!(
    RawP2PSessionConnectFail,
    P2PSessionConnectFail_t,
    P2PSessionConnectFail_t_k_iCallback
);

/// `LobbyEnter_t`, read field by field: its `m_bLocked` is a C++ `bool`, and a byte other than
/// 0 or 1 read as a Rust `bool` would be undefined behaviour.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct RawLobbyEnter {
    lobby: u64,
    permissions: u32,
    locked: u8,
    response: u32,
}

// SAFETY: the crate calls `from_raw` only for `LobbyEnter_t::k_iCallback`, with a pointer to a
// `LobbyEnter_t`; each field is read at its offset in that struct, as the integer it holds.
unsafe impl Callback for RawLobbyEnter {
    const ID: i32 = sys::LobbyEnter_t_k_iCallback as i32;

    unsafe fn from_raw(raw: *mut c_void) -> Self {
        let base = raw.cast::<u8>();
        // SAFETY: see above.
        unsafe {
            RawLobbyEnter {
                lobby: base
                    .add(offset_of!(sys::LobbyEnter_t, m_ulSteamIDLobby))
                    .cast::<u64>()
                    .read_unaligned(),
                permissions: base
                    .add(offset_of!(sys::LobbyEnter_t, m_rgfChatPermissions))
                    .cast::<u32>()
                    .read_unaligned(),
                locked: base.add(offset_of!(sys::LobbyEnter_t, m_bLocked)).read(),
                response: base
                    .add(offset_of!(sys::LobbyEnter_t, m_EChatRoomEnterResponse))
                    .cast::<u32>()
                    .read_unaligned(),
            }
        }
    }
}

/// Registers every callback that becomes a [`SteamEvent`]; dropping the handles unregisters
/// them. The crate keeps one handler per callback id, so nothing else in the process may
/// register these ids on the same client.
/// Session requests are also recorded in `requests`, for the legacy P2P transport.
pub fn register(
    client: &Client,
    queue: &SharedQueue,
    requests: &SessionRequests,
) -> Vec<CallbackHandle> {
    let (asking, failing) = (Arc::clone(requests), Arc::clone(requests));
    vec![
        on(client, queue, |raw: RawLobbyEnter| Some(lobby_joined(raw))),
        on(client, queue, |raw: RawLobbyChatUpdate| {
            Some(lobby_chat_update(&raw.0))
        }),
        on(client, queue, |raw: RawLobbyChatMsg| {
            read_lobby_message(&raw.0)
        }),
        on(client, queue, |raw: RawLobbyDataUpdate| {
            Some(lobby_data_update(&raw.0))
        }),
        on(client, queue, |raw: RawLobbyInvite| {
            Some(lobby_invite(&raw.0))
        }),
        on(client, queue, |raw: RawJoinRequested| {
            Some(join_requested(&raw.0))
        }),
        on(client, queue, |raw: RawPersonaStateChange| {
            Some(persona_state_change(&raw.0))
        }),
        on(client, queue, move |raw: RawP2PSessionRequest| {
            asking.lock().insert(steam_id(raw.0.m_steamIDRemote));
            Some(p2p_session_request(&raw.0))
        }),
        on(client, queue, move |raw: RawP2PSessionConnectFail| {
            failing.lock().remove(&steam_id(raw.0.m_steamIDRemote));
            Some(p2p_session_connect_fail(&raw.0))
        }),
    ]
}

/// Registers `decode` for callback `C`, queueing what it makes of each.
pub(super) fn on<C: Callback>(
    client: &Client,
    queue: &SharedQueue,
    decode: impl Fn(C) -> Option<SteamEvent> + Send + 'static,
) -> CallbackHandle {
    let queue = Arc::clone(queue);
    // The crate holds its callback table locked while this runs: it must not call back into
    // the crate, only queue.
    client.register_callback(move |raw: C| {
        if let Some(event) = decode(raw) {
            queue.lock().push(event);
        }
    })
}

/// A `CSteamID` as its 64 bits.
fn steam_id(id: sys::CSteamID) -> SteamId {
    let bits = id.m_steamid;
    // SAFETY: both views of the union are plain integers; every bit pattern is valid.
    SteamId(unsafe { bits.m_unAll64Bits })
}

fn lobby_joined(raw: RawLobbyEnter) -> SteamEvent {
    SteamEvent::LobbyJoined {
        lobby: SteamId(raw.lobby),
        permissions: raw.permissions,
        locked: raw.locked != 0,
        response: raw.response as i32,
    }
}

fn lobby_chat_update(raw: &sys::LobbyChatUpdate_t) -> SteamEvent {
    SteamEvent::LobbyChatUpdate {
        lobby: SteamId(raw.m_ulSteamIDLobby),
        changed: SteamId(raw.m_ulSteamIDUserChanged),
        making_change: SteamId(raw.m_ulSteamIDMakingChange),
        state: raw.m_rgfChatMemberStateChange,
    }
}

fn lobby_message(raw: &sys::LobbyChatMsg_t, sender: SteamId, body: &[u8]) -> SteamEvent {
    SteamEvent::LobbyMessage {
        lobby: SteamId(raw.m_ulSteamIDLobby),
        user: if sender.0 != 0 {
            sender
        } else {
            SteamId(raw.m_ulSteamIDUser)
        },
        message: text_until_nul(body),
        chat_type: raw.m_eChatEntryType,
    }
}

/// Reads a chat message's text while its callback runs, as the SDK asks.
fn read_lobby_message(raw: &sys::LobbyChatMsg_t) -> Option<SteamEvent> {
    // SAFETY: this runs inside `run_callbacks`, so Steam is initialized; the accessor returns
    // the process-wide interface (checked for null), and every out-pointer is a live local
    // of the type and size given. The entry type is written through a `u32` so that a value
    // the bindings' enum lacks cannot become an invalid Rust enum.
    unsafe {
        let mm = sys::SteamAPI_SteamMatchmaking_v009();
        if mm.is_null() {
            warn!("a lobby chat message arrived but Steam's matchmaking interface is gone");
            return None;
        }
        let mut sender: sys::CSteamID = std::mem::zeroed();
        let mut entry_type: u32 = 0;
        let mut body = vec![0_u8; CHAT_BUFFER];
        let len = sys::SteamAPI_ISteamMatchmaking_GetLobbyChatEntry(
            mm,
            raw.m_ulSteamIDLobby,
            raw.m_iChatID as i32,
            &mut sender,
            body.as_mut_ptr().cast(),
            CHAT_BUFFER as i32,
            (&raw mut entry_type).cast::<sys::EChatEntryType>(),
        );
        let len = usize::try_from(len).unwrap_or(0).min(CHAT_BUFFER);
        Some(lobby_message(raw, steam_id(sender), &body[..len]))
    }
}

fn lobby_data_update(raw: &sys::LobbyDataUpdate_t) -> SteamEvent {
    SteamEvent::LobbyDataUpdate {
        success: raw.m_bSuccess != 0,
        lobby: SteamId(raw.m_ulSteamIDLobby),
        member: SteamId(raw.m_ulSteamIDMember),
    }
}

fn lobby_invite(raw: &sys::LobbyInvite_t) -> SteamEvent {
    SteamEvent::LobbyInvite {
        inviter: SteamId(raw.m_ulSteamIDUser),
        lobby: SteamId(raw.m_ulSteamIDLobby),
        game: raw.m_ulGameID,
    }
}

fn join_requested(raw: &sys::GameLobbyJoinRequested_t) -> SteamEvent {
    SteamEvent::JoinRequested {
        lobby: steam_id(raw.m_steamIDLobby),
        friend: steam_id(raw.m_steamIDFriend),
    }
}

fn persona_state_change(raw: &sys::PersonaStateChange_t) -> SteamEvent {
    SteamEvent::PersonaStateChange {
        user: SteamId(raw.m_ulSteamID),
        flags: raw.m_nChangeFlags as u32,
    }
}

fn p2p_session_request(raw: &sys::P2PSessionRequest_t) -> SteamEvent {
    SteamEvent::P2PSessionRequest {
        remote: steam_id(raw.m_steamIDRemote),
    }
}

fn p2p_session_connect_fail(raw: &sys::P2PSessionConnectFail_t) -> SteamEvent {
    SteamEvent::P2PSessionConnectFail {
        remote: steam_id(raw.m_steamIDRemote),
        error: raw.m_eP2PSessionError,
    }
}

#[cfg(test)]
mod tests;
