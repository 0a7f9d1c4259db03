//! Local mode's Steam: several game instances on one machine, each a different local user,
//! sharing lobbies through a folder and talking over loopback, with no Steam client.

mod frame;
mod lobby;
mod records;
pub mod sessions;
pub mod store;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use log::warn;
use parking_lot::Mutex;
use smp_protocol::SteamId;
use smp_protocol::rng::Rng;
use smp_transport::Sockets;
use smp_transport::emulated::{EmulatedSockets, SharedEndpoint};
use smp_transport::local::{LocalIdentity, TcpWire};

use crate::api::{NetworkingMessages, SteamApi};
use crate::p2p_transport::{self, P2PEndpoint};
use crate::types::{
    ChatRoomEnterResponse, LobbyFilter, LobbyId, LobbyType, P2PSend, P2PSessionState, SteamEvent,
    chat_member_state, lobby_id, persona_change, result,
};
use lobby::{Change, Lobby};
use sessions::{SessionApi, Sessions, SharedSessions};
use store::{Presence, Store, UserInfo};

/// How often the members of our lobbies are checked for processes that ended.
const LIVENESS_INTERVAL: Duration = Duration::from_millis(250);
/// Steam's most members per lobby.
const MAX_LOBBY_MEMBERS: u32 = 250;
/// Events kept for a game that never dispatches them.
pub(crate) const MAX_QUEUED_EVENTS: usize = 4096;
/// `k_ESteamNetworkingAvailability_Current`.
const RELAY_AVAILABLE: i32 = 100;

struct Joined {
    /// The first change not yet reported.
    next_change: u64,
    /// Where our reading of its chat stands.
    chat_offset: u64,
}

/// The local user of this process, as Steam.
pub struct LocalSteam {
    identity: LocalIdentity,
    app_id: u32,
    store: Store,
    presence: Presence,
    endpoint: SharedEndpoint<TcpWire>,
    p2p: SharedSessions,
    /// The peers' legacy transport, made on first use.
    p2p_transport: Option<P2PEndpoint<SharedSessions>>,
    messages: Sessions,
    joined: HashMap<LobbyId, Joined>,
    /// The latest state of every lobby we are in or listed.
    known: HashMap<LobbyId, Lobby>,
    pending_list: Option<LobbyFilter>,
    events: VecDeque<SteamEvent>,
    names: HashMap<SteamId, String>,
    accept_invites: bool,
    rng: Rng,
    last_liveness_check: Option<Instant>,
    dropped_events: bool,
}

impl LocalSteam {
    /// Local user `identity` of game `app_id`, on `endpoint`, sharing lobbies through `store`.
    /// With `accept_invites`, an invitation also raises `join_requested`, as if accepted.
    pub fn new(
        identity: LocalIdentity,
        app_id: u32,
        endpoint: SharedEndpoint<TcpWire>,
        store: Store,
        accept_invites: bool,
    ) -> Result<Self, String> {
        let mut rng = Rng::from_entropy();
        let info = UserInfo {
            steam_id: identity.steam_id,
            token: rng.next_u64(),
            name: identity.name.clone(),
        };
        let presence = store
            .register(&info)
            .map_err(|e| format!("local mode cannot register user {}: {e}", identity.user))?;
        let sessions = |api| Sessions::new(api, Box::new(EmulatedSockets::new(endpoint.clone())));
        let p2p = Arc::new(Mutex::new(sessions(SessionApi::LegacyP2P)));
        let messages = sessions(SessionApi::Messages);
        Ok(LocalSteam {
            identity,
            app_id,
            store,
            presence,
            endpoint,
            p2p,
            p2p_transport: None,
            messages,
            joined: HashMap::new(),
            known: HashMap::new(),
            pending_list: None,
            events: VecDeque::new(),
            names: HashMap::new(),
            accept_invites,
            rng,
            last_liveness_check: None,
            dropped_events: false,
        })
    }

    fn me(&self) -> SteamId {
        self.identity.steam_id
    }

    fn push(&mut self, event: SteamEvent) {
        if self.events.len() >= MAX_QUEUED_EVENTS {
            self.events.pop_front();
            if !self.dropped_events {
                self.dropped_events = true;
                warn!(
                    "Steam callbacks are piling up: call Steam.run_callbacks() every frame, or enable embedded callbacks"
                );
            }
        }
        self.events.push_back(event);
    }

    /// Changes a lobby we know, under its lock; keeps our copy current.
    fn change_lobby<R>(
        &mut self,
        lobby: LobbyId,
        change: impl FnOnce(&mut Option<Lobby>) -> R,
    ) -> Option<R> {
        let mut latest = None;
        let outcome = self.store.update_lobby(lobby, |state| {
            let result = change(state);
            latest = state.clone();
            result
        });
        match outcome {
            Ok(result) => {
                match latest {
                    Some(state) => {
                        self.known.insert(lobby, state);
                    }
                    None => {
                        self.known.remove(&lobby);
                    }
                }
                Some(result)
            }
            Err(e) => {
                warn!("local lobby {lobby} could not be changed: {e}");
                None
            }
        }
    }

    fn is_owner(&self, lobby: LobbyId) -> bool {
        self.joined.contains_key(&lobby)
            && self.known.get(&lobby).is_some_and(|l| l.owner == self.me())
    }

    /// An owner-only change to a lobby we own.
    fn change_owned(&mut self, lobby: LobbyId, change: impl FnOnce(&mut Lobby) -> bool) -> bool {
        if !self.is_owner(lobby) {
            return false;
        }
        let me = self.me();
        self.change_lobby(lobby, |state| match state {
            Some(l) if l.owner == me => change(l),
            _ => false,
        })
        .unwrap_or(false)
    }

    fn learn_name(&mut self, user: SteamId) {
        if user == self.me() || self.names.contains_key(&user) {
            return;
        }
        if let Some(info) = self.store.running_user(user) {
            self.names.insert(user, info.name);
            self.push(SteamEvent::PersonaStateChange {
                user,
                flags: persona_change::NAME,
            });
        }
    }

    fn new_lobby_id(&mut self) -> LobbyId {
        loop {
            let id = lobby_id(self.rng.next_u64() as u32);
            if id.account_id() != 0 && self.store.read_lobby(id).is_none() {
                return id;
            }
        }
    }

    /// Reports what changed in the lobbies we are in, and their chat.
    fn follow_lobbies(&mut self) {
        let me = self.me();
        let lobbies: Vec<LobbyId> = self.joined.keys().copied().collect();
        for lobby in lobbies {
            let Some(state) = self
                .store
                .read_lobby(lobby)
                .filter(|l| l.member(me).is_some())
            else {
                // Gone, or we were taken out (our process was thought dead).
                self.joined.remove(&lobby);
                self.known.remove(&lobby);
                continue;
            };
            let joined = self.joined.get_mut(&lobby).expect("listed above");
            let changes: Vec<Change> = state.changes_since(joined.next_change).collect();
            joined.next_change = state.next_change;
            let (messages, offset) = self.store.read_chat(lobby, joined.chat_offset);
            joined.chat_offset = offset;
            self.known.insert(lobby, state);
            for change in changes {
                self.report(lobby, change);
            }
            for (user, message) in messages {
                self.push(SteamEvent::LobbyMessage {
                    lobby,
                    user,
                    message,
                    chat_type: 1,
                });
            }
        }
    }

    fn report(&mut self, lobby: LobbyId, change: Change) {
        let me = self.me();
        let chat_update = |changed: SteamId, state: u32| SteamEvent::LobbyChatUpdate {
            lobby,
            changed,
            making_change: changed,
            state,
        };
        match change {
            Change::Entered(user) if user != me => {
                self.learn_name(user);
                self.push(chat_update(user, chat_member_state::ENTERED));
            }
            Change::Left(user) if user != me => {
                self.push(chat_update(user, chat_member_state::LEFT))
            }
            Change::Disconnected(user) if user != me => {
                self.push(chat_update(user, chat_member_state::DISCONNECTED));
            }
            Change::LobbyData | Change::Owner(_) => self.push(SteamEvent::LobbyDataUpdate {
                success: true,
                lobby,
                member: lobby,
            }),
            Change::MemberData(user) => self.push(SteamEvent::LobbyDataUpdate {
                success: true,
                lobby,
                member: user,
            }),
            _ => {}
        }
    }

    /// Takes members whose process ended out of our lobbies.
    fn check_liveness(&mut self, now: Instant) {
        if self
            .last_liveness_check
            .is_some_and(|at| now < at + LIVENESS_INTERVAL)
        {
            return;
        }
        self.last_liveness_check = Some(now);
        let me = self.me();
        let lobbies: Vec<LobbyId> = self.joined.keys().copied().collect();
        for lobby in lobbies {
            let Some(state) = self.known.get(&lobby) else {
                continue;
            };
            let gone: Vec<(SteamId, u64)> = state
                .members
                .iter()
                .filter(|m| m.steam_id != me && !self.store.is_running(m.steam_id, m.token))
                .map(|m| (m.steam_id, m.token))
                .collect();
            if gone.is_empty() {
                continue;
            }
            let store = self.store.clone();
            self.change_lobby(lobby, |current| {
                if let Some(state) = current {
                    for (user, token) in gone {
                        // Check again under the lock: another member may have done it.
                        if state.member(user).is_some_and(|m| m.token == token)
                            && !store.is_running(user, token)
                        {
                            state.remove(user, Change::Disconnected(user));
                        }
                    }
                }
            });
        }
    }

    fn list_lobbies(&mut self, filter: &LobbyFilter) {
        let mut found = Vec::new();
        for id in self.store.lobby_ids() {
            let Some(state) = self.store.read_lobby(id) else {
                continue;
            };
            if !state
                .members
                .iter()
                .any(|m| self.store.is_running(m.steam_id, m.token))
            {
                // Every member's process ended: nobody will ever clean it up but a lister.
                let store = self.store.clone();
                let _ = self.store.update_lobby(id, |current| {
                    if current.as_ref().is_some_and(|l| {
                        !l.members
                            .iter()
                            .any(|m| store.is_running(m.steam_id, m.token))
                    }) {
                        *current = None;
                    }
                });
                continue;
            }
            if state.matches(filter) {
                found.push(state);
            }
        }
        // Stable: lobbies equally near keep the store's order.
        found.sort_by_cached_key(|lobby| {
            filter
                .near
                .iter()
                .map(|(key, value)| lobby.distance_from(key, *value))
                .collect::<Vec<_>>()
        });
        found.truncate(filter.max_results.map_or(usize::MAX, |n| n as usize));
        let lobbies = found.iter().map(|l| l.id).collect();
        for state in found {
            self.known.insert(state.id, state);
        }
        self.push(SteamEvent::LobbyMatchList { lobbies });
    }

    fn take_invites(&mut self) {
        for (inviter, lobby) in self.store.take_invites(self.me()) {
            self.learn_name(inviter);
            self.push(SteamEvent::LobbyInvite {
                inviter,
                lobby,
                game: u64::from(self.app_id),
            });
            if self.accept_invites {
                self.push(SteamEvent::JoinRequested {
                    lobby,
                    friend: inviter,
                });
            }
        }
    }
}

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
            self.push(SteamEvent::LobbyCreated {
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
            self.push(SteamEvent::LobbyCreated {
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
        self.push(SteamEvent::LobbyCreated {
            result: result::OK,
            lobby: id,
        });
        self.push(SteamEvent::LobbyJoined {
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
        self.push(SteamEvent::LobbyJoined {
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
            self.push(event);
        }
        self.check_liveness(now);
        self.follow_lobbies();
        if let Some(filter) = self.pending_list.take() {
            self.list_lobbies(&filter);
        }
        self.take_invites();
    }

    fn drain_events(&mut self, events: &mut Vec<SteamEvent>) {
        events.extend(self.events.drain(..));
    }
}
