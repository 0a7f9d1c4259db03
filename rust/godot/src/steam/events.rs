//! Which GodotSteam signal each Steam callback becomes, with its arguments: the [Steam]
//! singleton emits them, and a peer started with GodotSteam's earlier lobby calls re-emits those
//! of its lobby under the same names.

use godot::prelude::*;
use smp_steam::{SteamEvent, SteamId};

/// The GodotSteam signal for an event, and its arguments.
pub fn signal_of(event: SteamEvent) -> (&'static str, Vec<Variant>) {
    let id = |id: SteamId| (id.0 as i64).to_variant();
    match event {
        SteamEvent::LobbyCreated { result, lobby } => {
            ("lobby_created", vec![result.to_variant(), id(lobby)])
        }
        SteamEvent::LobbyJoined {
            lobby,
            permissions,
            locked,
            response,
        } => (
            "lobby_joined",
            vec![
                id(lobby),
                permissions.to_variant(),
                locked.to_variant(),
                response.to_variant(),
            ],
        ),
        SteamEvent::LobbyChatUpdate {
            lobby,
            changed,
            making_change,
            state,
        } => (
            "lobby_chat_update",
            vec![
                id(lobby),
                id(changed),
                id(making_change),
                state.to_variant(),
            ],
        ),
        SteamEvent::LobbyMatchList { lobbies } => {
            let list: VarArray = lobbies.into_iter().map(id).collect();
            ("lobby_match_list", vec![list.to_variant()])
        }
        SteamEvent::LobbyMessage {
            lobby,
            user,
            message,
            chat_type,
        } => (
            "lobby_message",
            vec![
                id(lobby),
                id(user),
                message.to_variant(),
                chat_type.to_variant(),
            ],
        ),
        SteamEvent::LobbyDataUpdate {
            success,
            lobby,
            member,
        } => (
            "lobby_data_update",
            vec![i64::from(success).to_variant(), id(lobby), id(member)],
        ),
        SteamEvent::LobbyInvite {
            inviter,
            lobby,
            game,
        } => (
            "lobby_invite",
            vec![id(inviter), id(lobby), (game as i64).to_variant()],
        ),
        SteamEvent::JoinRequested { lobby, friend } => {
            ("join_requested", vec![id(lobby), id(friend)])
        }
        SteamEvent::PersonaStateChange { user, flags } => {
            ("persona_state_change", vec![id(user), flags.to_variant()])
        }
        SteamEvent::P2PSessionRequest { remote } => ("p2p_session_request", vec![id(remote)]),
        SteamEvent::P2PSessionConnectFail { remote, error } => (
            "p2p_session_connect_fail",
            vec![id(remote), error.to_variant()],
        ),
        SteamEvent::NetworkMessagesSessionRequest { remote } => {
            ("network_messages_session_request", vec![id(remote)])
        }
        SteamEvent::NetworkMessagesSessionFailed {
            reason,
            remote,
            state,
            debug,
        } => (
            "network_messages_session_failed",
            vec![
                reason.to_variant(),
                id(remote),
                state.to_variant(),
                debug.to_variant(),
            ],
        ),
    }
}
