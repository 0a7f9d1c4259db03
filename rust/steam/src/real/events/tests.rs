//! Decoding each callback from its raw struct, as Steam lays it out.

use super::*;
use crate::types::{chat_member_state, lobby_id};

const LOBBY: SteamId = lobby_id(7);
const ALICE: SteamId = SteamId::individual(1);
const BOB: SteamId = SteamId::individual(2);

fn csteamid(id: SteamId) -> sys::CSteamID {
    sys::CSteamID {
        m_steamid: sys::CSteamID_SteamID_t {
            m_unAll64Bits: id.0,
        },
    }
}

#[test]
fn a_kick_keeps_both_users_and_combined_flags() {
    let raw = sys::LobbyChatUpdate_t {
        m_ulSteamIDLobby: LOBBY.0,
        m_ulSteamIDUserChanged: BOB.0,
        m_ulSteamIDMakingChange: ALICE.0,
        m_rgfChatMemberStateChange: chat_member_state::LEFT | chat_member_state::KICKED,
    };
    assert_eq!(
        lobby_chat_update(&raw),
        SteamEvent::LobbyChatUpdate {
            lobby: LOBBY,
            changed: BOB,
            making_change: ALICE,
            state: 10,
        }
    );
}

#[test]
fn lobby_enter_reads_locked_as_a_byte() {
    let raw = RawLobbyEnter {
        lobby: LOBBY.0,
        permissions: 0,
        locked: 2,
        response: 4,
    };
    assert_eq!(
        lobby_joined(raw),
        SteamEvent::LobbyJoined {
            lobby: LOBBY,
            permissions: 0,
            locked: true,
            response: 4,
        }
    );
}

#[test]
fn lobby_enter_is_read_at_the_sdk_offsets() {
    let mut raw = sys::LobbyEnter_t {
        m_ulSteamIDLobby: LOBBY.0,
        m_rgfChatPermissions: 3,
        m_bLocked: true,
        m_EChatRoomEnterResponse: 1,
    };
    // SAFETY: a pointer to a live LobbyEnter_t, as Steam passes.
    let read = unsafe { RawLobbyEnter::from_raw((&raw mut raw).cast()) };
    assert_eq!(
        read,
        RawLobbyEnter {
            lobby: LOBBY.0,
            permissions: 3,
            locked: 1,
            response: 1,
        }
    );
}

#[test]
fn chat_messages_take_the_entrys_sender_and_text() {
    let raw = sys::LobbyChatMsg_t {
        m_ulSteamIDLobby: LOBBY.0,
        m_ulSteamIDUser: ALICE.0,
        m_eChatEntryType: 1,
        m_iChatID: 3,
    };
    let expected = |user| SteamEvent::LobbyMessage {
        lobby: LOBBY,
        user,
        message: "hello".into(),
        chat_type: 1,
    };
    assert_eq!(lobby_message(&raw, BOB, b"hello\0"), expected(BOB));
    assert_eq!(lobby_message(&raw, SteamId(0), b"hello"), expected(ALICE));
}

#[test]
fn plain_callbacks_copy_their_fields() {
    let data = sys::LobbyDataUpdate_t {
        m_ulSteamIDLobby: LOBBY.0,
        m_ulSteamIDMember: LOBBY.0,
        m_bSuccess: 1,
    };
    assert_eq!(
        lobby_data_update(&data),
        SteamEvent::LobbyDataUpdate {
            success: true,
            lobby: LOBBY,
            member: LOBBY,
        }
    );
    let invite = sys::LobbyInvite_t {
        m_ulSteamIDUser: ALICE.0,
        m_ulSteamIDLobby: LOBBY.0,
        m_ulGameID: 480,
    };
    assert_eq!(
        lobby_invite(&invite),
        SteamEvent::LobbyInvite {
            inviter: ALICE,
            lobby: LOBBY,
            game: 480,
        }
    );
    let join = sys::GameLobbyJoinRequested_t {
        m_steamIDLobby: csteamid(LOBBY),
        m_steamIDFriend: csteamid(BOB),
    };
    assert_eq!(
        join_requested(&join),
        SteamEvent::JoinRequested {
            lobby: LOBBY,
            friend: BOB,
        }
    );
    let persona = sys::PersonaStateChange_t {
        m_ulSteamID: BOB.0,
        m_nChangeFlags: 1,
    };
    assert_eq!(
        persona_state_change(&persona),
        SteamEvent::PersonaStateChange {
            user: BOB,
            flags: 1,
        }
    );
    let request = sys::P2PSessionRequest_t {
        m_steamIDRemote: csteamid(ALICE),
    };
    assert_eq!(
        p2p_session_request(&request),
        SteamEvent::P2PSessionRequest { remote: ALICE }
    );
    let fail = sys::P2PSessionConnectFail_t {
        m_steamIDRemote: csteamid(ALICE),
        m_eP2PSessionError: 4,
    };
    assert_eq!(
        p2p_session_connect_fail(&fail),
        SteamEvent::P2PSessionConnectFail {
            remote: ALICE,
            error: 4,
        }
    );
}
