//! Keeping our copies of the lobbies in step with the store other processes share: the
//! changes we make, under the store's lock, and what the others changed, reported as events.

use std::time::Instant;

use log::warn;
use smp_protocol::SteamId;

use super::lobby::{Change, Lobby};
use super::{LIVENESS_INTERVAL, LocalSteam};
use crate::types::{LobbyFilter, LobbyId, SteamEvent, chat_member_state};

impl LocalSteam {
    /// Changes a lobby we know, under its lock; keeps our copy current.
    pub(super) fn change_lobby<R>(
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
    pub(super) fn change_owned(
        &mut self,
        lobby: LobbyId,
        change: impl FnOnce(&mut Lobby) -> bool,
    ) -> bool {
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

    /// Reports what changed in the lobbies we are in, and their chat.
    pub(super) fn follow_lobbies(&mut self) {
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
                self.events.push(SteamEvent::LobbyMessage {
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
                self.events
                    .push(chat_update(user, chat_member_state::ENTERED));
            }
            Change::Left(user) if user != me => {
                self.events.push(chat_update(user, chat_member_state::LEFT))
            }
            Change::Disconnected(user) if user != me => {
                self.events
                    .push(chat_update(user, chat_member_state::DISCONNECTED));
            }
            Change::LobbyData | Change::Owner(_) => self.events.push(SteamEvent::LobbyDataUpdate {
                success: true,
                lobby,
                member: lobby,
            }),
            Change::MemberData(user) => self.events.push(SteamEvent::LobbyDataUpdate {
                success: true,
                lobby,
                member: user,
            }),
            _ => {}
        }
    }

    /// Takes members whose process ended out of our lobbies.
    pub(super) fn check_liveness(&mut self, now: Instant) {
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

    pub(super) fn list_lobbies(&mut self, filter: &LobbyFilter) {
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
        self.events.push(SteamEvent::LobbyMatchList { lobbies });
    }
}
