//! Local mode's answers to the Steam surface: the local user, lobbies through the shared
//! store, and both session APIs and the sockets over loopback.

use std::time::Instant;

use log::warn;
use smp_protocol::SteamId;
use smp_transport::Sockets;
use smp_transport::emulated::EmulatedSockets;

use super::lobby::{Change, Lobby};
use super::{Joined, LocalSteam, MAX_LOBBY_MEMBERS, RELAY_AVAILABLE};
use crate::api::{NetworkingMessages, SteamApi};
use crate::p2p_transport;
use crate::types::{
    ChatRoomEnterResponse, LobbyFilter, LobbyId, LobbyType, P2PSend, P2PSessionState, SteamEvent,
    result,
};

impl SteamApi for LocalSteam {
    fn steam_id(&self) -> SteamId {
        self.me()
    }

    fn logged_on(&self) -> bool {
        true
    }

    fn persona_name(&self) -> String {
        self.identity.name.clone()
    }

    fn is_subscribed(&self) -> bool {
        true
    }

    fn is_running_on_steam_deck(&self) -> bool {
        false
    }

    fn friend_persona_name(&mut self, user: SteamId) -> String {
        if user == self.me() {
            return self.identity.name.clone();
        }
        if let Some(name) = self.names.get(&user) {
            return name.clone();
        }
        self.learn_name(user);
        self.names.get(&user).cloned().unwrap_or_default()
    }

    fn activate_invite_dialog(&mut self, lobby: LobbyId) {
        // No overlay here: every other running instance gets the invitation.
        let me = self.me();
        for user in self.store.running_users() {
            if user.steam_id != me
                && let Err(e) = self.store.send_invite(user.steam_id, me, lobby)
            {
                warn!("could not invite {}: {e}", user.steam_id);
            }
        }
    }

    fn create_lobby(&mut self, kind: LobbyType, max_members: u32) {
        if kind == LobbyType::PrivateUnique {
            warn!("createLobby: a {kind:?} lobby can only be created through the Web API");
            self.events.push(SteamEvent::LobbyCreated {
                result: result::INVALID_PARAM,
                lobby: SteamId(0),
            });
            return;
        }
        let id = self.new_lobby_id();
        let (me, token) = (self.me(), self.presence.token);
        let limit = max_members.clamp(1, MAX_LOBBY_MEMBERS);
        let created = self.change_lobby(id, |state| {
            *state = Some(Lobby::new(id, me, token, kind, limit))
        });
        if created.is_none() {
            self.events.push(SteamEvent::LobbyCreated {
                result: result::FAIL,
                lobby: SteamId(0),
            });
            return;
        }
        let next_change = self.known.get(&id).map_or(0, |l| l.next_change);
        self.joined.insert(
            id,
            Joined {
                next_change,
                chat_offset: 0,
            },
        );
        self.events.push(SteamEvent::LobbyCreated {
            result: result::OK,
            lobby: id,
        });
        self.events.push(SteamEvent::LobbyJoined {
            lobby: id,
            permissions: 0,
            locked: false,
            response: ChatRoomEnterResponse::Success as i32,
        });
    }

    fn join_lobby(&mut self, lobby: LobbyId) {
        let (me, token) = (self.me(), self.presence.token);
        let joined = self.change_lobby(lobby, |state| match state {
            Some(l) => l.join(me, token),
            None => Err(ChatRoomEnterResponse::DoesntExist),
        });
        let response = match joined {
            Some(Ok(())) => {
                let state = self.known.get(&lobby).expect("just joined");
                let members: Vec<SteamId> = state.members.iter().map(|m| m.steam_id).collect();
                let joined = Joined {
                    next_change: state.next_change,
                    chat_offset: self.store.chat_end(lobby),
                };
                self.joined.insert(lobby, joined);
                for member in members {
                    self.learn_name(member);
                }
                ChatRoomEnterResponse::Success
            }
            Some(Err(response)) => response,
            None => ChatRoomEnterResponse::Error,
        };
        self.events.push(SteamEvent::LobbyJoined {
            lobby,
            permissions: 0,
            locked: false,
            response: response as i32,
        });
    }

    fn leave_lobby(&mut self, lobby: LobbyId) {
        if self.joined.remove(&lobby).is_none() {
            return;
        }
        let me = self.me();
        self.change_lobby(lobby, |state| {
            if let Some(l) = state {
                l.remove(me, Change::Left(me));
                if l.members.is_empty() {
                    *state = None;
                }
            }
        });
        // As on Steam, a lobby we left tells us nothing more until we list or join it again.
        self.known.remove(&lobby);
    }

    fn lobby_owner(&self, lobby: LobbyId) -> SteamId {
        self.known.get(&lobby).map_or(SteamId(0), |l| l.owner)
    }

    fn set_lobby_owner(&mut self, lobby: LobbyId, owner: SteamId) -> bool {
        self.change_owned(lobby, |l| l.set_owner(owner))
    }

    fn lobby_member_count(&self, lobby: LobbyId) -> usize {
        self.known.get(&lobby).map_or(0, |l| l.members.len())
    }

    fn lobby_member(&self, lobby: LobbyId, index: usize) -> SteamId {
        if !self.joined.contains_key(&lobby) {
            return SteamId(0);
        }
        self.known
            .get(&lobby)
            .and_then(|l| l.members.get(index))
            .map_or(SteamId(0), |m| m.steam_id)
    }

    fn set_lobby_data(&mut self, lobby: LobbyId, key: &str, value: &str) -> bool {
        self.change_owned(lobby, |l| {
            l.set_data(key, Some(value));
            true
        })
    }

    fn lobby_data(&self, lobby: LobbyId, key: &str) -> String {
        self.known
            .get(&lobby)
            .and_then(|l| l.data.get(key))
            .cloned()
            .unwrap_or_default()
    }

    fn delete_lobby_data(&mut self, lobby: LobbyId, key: &str) -> bool {
        self.change_owned(lobby, |l| l.set_data(key, None))
    }

    fn all_lobby_data(&self, lobby: LobbyId) -> Vec<(String, String)> {
        self.known
            .get(&lobby)
            .map(|l| l.data.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }

    fn set_lobby_member_data(&mut self, lobby: LobbyId, key: &str, value: &str) {
        if self.joined.contains_key(&lobby) {
            let me = self.me();
            self.change_lobby(lobby, |state| {
                state.as_mut().map(|l| l.set_member_data(me, key, value))
            });
        }
    }

    fn lobby_member_data(&self, lobby: LobbyId, member: SteamId, key: &str) -> String {
        self.known
            .get(&lobby)
            .and_then(|l| l.member(member))
            .and_then(|m| m.data.get(key))
            .cloned()
            .unwrap_or_default()
    }

    fn set_lobby_joinable(&mut self, lobby: LobbyId, joinable: bool) -> bool {
        self.change_owned(lobby, |l| {
            l.joinable = joinable;
            l.settings_changed();
            true
        })
    }

    fn set_lobby_type(&mut self, lobby: LobbyId, kind: LobbyType) -> bool {
        self.change_owned(lobby, |l| {
            l.kind = kind;
            l.settings_changed();
            true
        })
    }

    fn set_lobby_member_limit(&mut self, lobby: LobbyId, limit: u32) -> bool {
        self.change_owned(lobby, |l| {
            l.limit = limit.clamp(1, MAX_LOBBY_MEMBERS);
            l.settings_changed();
            true
        })
    }

    fn lobby_member_limit(&self, lobby: LobbyId) -> u32 {
        self.known.get(&lobby).map_or(0, |l| l.limit)
    }

    fn request_lobby_list(&mut self, filter: LobbyFilter) {
        self.pending_list = Some(filter);
    }

    fn send_lobby_chat_message(&mut self, lobby: LobbyId, message: &str) -> bool {
        if !self.joined.contains_key(&lobby) {
            return false;
        }
        match self.store.append_chat(lobby, self.me(), message) {
            Ok(()) => true,
            Err(e) => {
                warn!("could not send a chat message to lobby {lobby}: {e}");
                false
            }
        }
    }

    fn send_p2p_packet(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> bool {
        match self.p2p.lock().send(remote, data, send, channel) {
            Ok(()) => true,
            Err(why) => {
                warn!("sendP2PPacket to {remote}: {why}");
                false
            }
        }
    }

    fn available_p2p_packet_size(&mut self, channel: i32) -> Option<usize> {
        self.p2p.lock().available(channel)
    }

    fn read_p2p_packet(&mut self, max_size: usize, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        self.p2p.lock().read(max_size, channel)
    }

    fn accept_p2p_session(&mut self, remote: SteamId) -> bool {
        self.p2p.lock().accept(remote)
    }

    fn close_p2p_session(&mut self, remote: SteamId) -> bool {
        self.p2p.lock().close_session(remote)
    }

    fn close_p2p_channel(&mut self, remote: SteamId, channel: i32) -> bool {
        self.p2p.lock().close_channel(remote, channel)
    }

    fn p2p_session_state(&self, remote: SteamId) -> Option<P2PSessionState> {
        self.p2p.lock().state(remote)
    }

    fn allow_p2p_packet_relay(&mut self, _allow: bool) -> bool {
        // Loopback needs no relay; Steam answers true whatever the setting.
        true
    }

    fn networking_messages(&mut self) -> &mut dyn NetworkingMessages {
        &mut self.messages
    }

    fn init_relay_network_access(&mut self) {}

    fn relay_network_status(&self) -> i32 {
        RELAY_AVAILABLE
    }

    fn open_sockets(&self) -> Result<Box<dyn Sockets>, String> {
        Ok(Box::new(EmulatedSockets::new(self.endpoint.clone())))
    }

    fn open_p2p_sockets(&mut self) -> Result<Box<dyn Sockets>, String> {
        let p2p = &self.p2p;
        let endpoint = self
            .p2p_transport
            .get_or_insert_with(|| p2p_transport::endpoint(p2p.clone()));
        Ok(Box::new(EmulatedSockets::new(endpoint.clone())))
    }

    /// Nothing to hook: local mode runs no Steam library with output of its own, and the
    /// emulation already logs through `log`, under this addon's targets.
    fn hook_debug_output(&mut self, _verbose: bool) {}

    fn pump(&mut self) {
        let now = Instant::now();
        let mut session_events = Vec::new();
        {
            let mut p2p = self.p2p.lock();
            p2p.pump(now);
            p2p.drain_events(&mut session_events);
        }
        self.messages.pump(now);
        self.messages.drain_events(&mut session_events);
        for event in session_events {
            self.events.push(event);
        }
        self.check_liveness(now);
        self.follow_lobbies();
        if let Some(filter) = self.pending_list.take() {
            self.list_lobbies(&filter);
        }
        self.take_invites();
    }

    fn drain_events(&mut self, events: &mut Vec<SteamEvent>) {
        self.events.drain_into(events);
    }
}
