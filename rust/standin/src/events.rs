//! What the emulation reports, as the SDK's callback and call-result structs.

use std::mem::offset_of;
use std::os::raw::c_int;

use smp_steam::SteamEvent;
use smp_transport::StatusChange;
use steamworks_sys as sys;

use crate::conn_info::{write_info, write_info_fields};
use crate::identity::write_identity;
use crate::raw::callback_bytes;
use crate::state::Standin;

/// Posts the callback (or finishes the call) that reports `event`.
pub fn post_event(standin: &mut Standin, event: SteamEvent) {
    let dispatch = &mut standin.dispatch;
    let (id, bytes) = match event {
        SteamEvent::LobbyCreated { result, lobby } => {
            if let Some(call) = standin.matchmaking.creates.pop_front() {
                let bytes = callback_bytes!(sys::LobbyCreated_t {
                    m_eResult: result,
                    m_ulSteamIDLobby: lobby.0,
                });
                dispatch.complete(call, sys::LobbyCreated_t_k_iCallback as c_int, bytes);
            }
            return;
        }
        SteamEvent::LobbyMatchList { lobbies } => {
            let count = lobbies.len() as u32;
            standin.matchmaking.found = lobbies;
            if let Some(call) = standin.matchmaking.lists.pop_front() {
                let bytes = callback_bytes!(sys::LobbyMatchList_t {
                    m_nLobbiesMatching: count,
                });
                dispatch.complete(call, sys::LobbyMatchList_t_k_iCallback as c_int, bytes);
            }
            return;
        }
        SteamEvent::LobbyJoined {
            lobby,
            permissions,
            locked,
            response,
        } => (
            sys::LobbyEnter_t_k_iCallback as c_int,
            callback_bytes!(sys::LobbyEnter_t {
                m_ulSteamIDLobby: lobby.0,
                m_rgfChatPermissions: permissions,
                m_bLocked: locked,
                m_EChatRoomEnterResponse: response as u32,
            }),
        ),
        SteamEvent::LobbyChatUpdate {
            lobby,
            changed,
            making_change,
            state,
        } => (
            sys::LobbyChatUpdate_t_k_iCallback as c_int,
            callback_bytes!(sys::LobbyChatUpdate_t {
                m_ulSteamIDLobby: lobby.0,
                m_ulSteamIDUserChanged: changed.0,
                m_ulSteamIDMakingChange: making_change.0,
                m_rgfChatMemberStateChange: state,
            }),
        ),
        SteamEvent::LobbyMessage {
            lobby,
            user,
            message,
            chat_type,
        } => {
            let chat_id = standin.matchmaking.chat.record(user, message, chat_type);
            (
                sys::LobbyChatMsg_t_k_iCallback as c_int,
                callback_bytes!(sys::LobbyChatMsg_t {
                    m_ulSteamIDLobby: lobby.0,
                    m_ulSteamIDUser: user.0,
                    m_eChatEntryType: chat_type,
                    m_iChatID: chat_id,
                }),
            )
        }
        SteamEvent::LobbyDataUpdate {
            success,
            lobby,
            member,
        } => (
            sys::LobbyDataUpdate_t_k_iCallback as c_int,
            callback_bytes!(sys::LobbyDataUpdate_t {
                m_ulSteamIDLobby: lobby.0,
                m_ulSteamIDMember: member.0,
                m_bSuccess: u8::from(success),
            }),
        ),
        SteamEvent::LobbyInvite {
            inviter,
            lobby,
            game,
        } => (
            sys::LobbyInvite_t_k_iCallback as c_int,
            callback_bytes!(sys::LobbyInvite_t {
                m_ulSteamIDUser: inviter.0,
                m_ulSteamIDLobby: lobby.0,
                m_ulGameID: game,
            }),
        ),
        SteamEvent::JoinRequested { lobby, friend } => (
            sys::GameLobbyJoinRequested_t_k_iCallback as c_int,
            callback_bytes!(sys::GameLobbyJoinRequested_t {
                m_steamIDLobby: lobby.0,
                m_steamIDFriend: friend.0,
            }),
        ),
        SteamEvent::PersonaStateChange { user, flags } => (
            sys::PersonaStateChange_t_k_iCallback as c_int,
            callback_bytes!(sys::PersonaStateChange_t {
                m_ulSteamID: user.0,
                m_nChangeFlags: flags as c_int,
            }),
        ),
        SteamEvent::P2PSessionRequest { remote } => (
            sys::P2PSessionRequest_t_k_iCallback as c_int,
            callback_bytes!(sys::P2PSessionRequest_t {
                m_steamIDRemote: remote.0,
            }),
        ),
        SteamEvent::NetworkMessagesSessionRequest { remote } => {
            type Request = sys::SteamNetworkingMessagesSessionRequest_t;
            let mut bytes = vec![0_u8; std::mem::size_of::<Request>()];
            // SAFETY: the identity lies inside the callback's bytes, at its offset.
            unsafe {
                let at = bytes
                    .as_mut_ptr()
                    .add(offset_of!(Request, m_identityRemote));
                write_identity(at, remote);
            }
            (
                sys::SteamNetworkingMessagesSessionRequest_t_k_iCallback as c_int,
                bytes,
            )
        }
        SteamEvent::NetworkMessagesSessionFailed {
            reason,
            remote,
            state,
            debug,
        } => {
            type Failed = sys::SteamNetworkingMessagesSessionFailed_t;
            let mut bytes = vec![0_u8; std::mem::size_of::<Failed>()];
            let description = format!("messages session with local user {remote}");
            // SAFETY: the info struct lies inside the callback's bytes, at its offset.
            unsafe {
                let at = bytes.as_mut_ptr().add(offset_of!(Failed, m_info));
                write_info_fields(at, remote, state, (reason, &debug), &description, None);
            }
            (
                sys::SteamNetworkingMessagesSessionFailed_t_k_iCallback as c_int,
                bytes,
            )
        }
        SteamEvent::P2PSessionConnectFail { remote, error } => (
            sys::P2PSessionConnectFail_t_k_iCallback as c_int,
            callback_bytes!(sys::P2PSessionConnectFail_t {
                m_steamIDRemote: remote.0,
                m_eP2PSessionError: error,
            }),
        ),
    };
    dispatch.post(id, bytes);
}

/// A `SteamNetConnectionStatusChangedCallback_t`.
pub fn status_changed(change: &StatusChange) -> Vec<u8> {
    type Changed = sys::SteamNetConnectionStatusChangedCallback_t;
    let mut bytes = callback_bytes!(Changed {
        m_hConn: change.conn.0,
        m_eOldState: change.old_state as i32,
    });
    let info = smp_transport::ConnectionInfo {
        remote: change.remote,
        state: change.state,
        end_reason: change.end_reason,
        end_debug: change.end_debug.clone(),
    };
    // SAFETY: the info struct lies inside the callback's bytes, at its offset.
    unsafe {
        write_info(
            bytes
                .as_mut_ptr()
                .add(std::mem::offset_of!(Changed, m_info)),
            &info,
            change.listen_socket,
        );
    }
    bytes
}
