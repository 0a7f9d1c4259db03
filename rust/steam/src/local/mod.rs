//! Local mode's Steam: several game instances on one machine, each a different local user,
//! sharing lobbies through a folder and talking over loopback, with no Steam client.

mod frame;
mod lobby;
mod lobby_sync;
mod records;
pub mod sessions;
mod steam_api;
pub mod store;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use smp_protocol::SteamId;
use smp_protocol::rng::Rng;
use smp_transport::emulated::{EmulatedSockets, SharedEndpoint};
use smp_transport::local::{LocalIdentity, TcpWire};

use crate::event_queue::{EventQueue, MAX_QUEUED_EVENTS};
use crate::p2p_transport::P2PEndpoint;
use crate::types::{LobbyFilter, LobbyId, SteamEvent, lobby_id, persona_change};
use lobby::Lobby;
use sessions::{SessionApi, Sessions, SharedSessions};
use store::{Presence, Store, UserInfo};

/// How often the members of our lobbies are checked for processes that ended.
const LIVENESS_INTERVAL: Duration = Duration::from_millis(250);
/// Steam's most members per lobby.
const MAX_LOBBY_MEMBERS: u32 = 250;
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
    events: EventQueue,
    names: HashMap<SteamId, String>,
    accept_invites: bool,
    rng: Rng,
    last_liveness_check: Option<Instant>,
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
            events: EventQueue::default(),
            names: HashMap::new(),
            accept_invites,
            rng,
            last_liveness_check: None,
        })
    }

    fn me(&self) -> SteamId {
        self.identity.steam_id
    }

    fn learn_name(&mut self, user: SteamId) {
        if user == self.me() || self.names.contains_key(&user) {
            return;
        }
        if let Some(info) = self.store.running_user(user) {
            self.names.insert(user, info.name);
            self.events.push(SteamEvent::PersonaStateChange {
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

    fn take_invites(&mut self) {
        for (inviter, lobby) in self.store.take_invites(self.me()) {
            self.learn_name(inviter);
            self.events.push(SteamEvent::LobbyInvite {
                inviter,
                lobby,
                game: u64::from(self.app_id),
            });
            if self.accept_invites {
                self.events.push(SteamEvent::JoinRequested {
                    lobby,
                    friend: inviter,
                });
            }
        }
    }
}
