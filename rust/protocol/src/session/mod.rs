//! The session: every peer and connection of one `SteamMultiplayerPeer`, as a state machine.
//!
//! The session performs no I/O and reads no clock. The driver feeds it transport events
//! (`on_connection_request`, `on_connected`, `on_closed`, `on_message`), API calls and the
//! current time, then drains what it hands back: transport [`Action`]s, Godot [`Event`]s and
//! received packets.

mod admission;
mod config;
mod handshake;
mod losses;
mod mesh;
mod peers;
mod remote;
mod traffic;

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::time::Instant;

use rustc_hash::FxHashMap;

use crate::event::{Action, ApiError, DropCounts, Event, Packet};
use crate::header::{MAX_CHANNELS, MAX_HEADER_LEN};
use crate::ids::{ConnectionId, HOST_PEER_ID, PeerId, SteamId};
use crate::mode::ConnectionStatus;
use crate::reason::CloseReason;
use crate::rng::Rng;
pub use config::Config;
use remote::Remote;

#[derive(Debug)]
enum Role {
    Inactive,
    Host,
    Client(ClientRole),
}

#[derive(Debug)]
struct ClientRole {
    server: SteamId,
    /// The host welcomed us: our id is final.
    confirmed: bool,
    host_relays: bool,
    deadline: Instant,
}

/// A peer id known to Godot: live, or gone with its `peer_disconnected` not yet emitted.
#[derive(Clone, Copy, Debug)]
enum PeerSlot {
    Live(ConnectionId),
    Departing,
}

#[derive(Debug)]
enum Pending {
    Event(Event),
    /// The host is gone; end the session once its last packets have been read.
    EndSession,
}

/// The peer protocol of one `SteamMultiplayerPeer`. `B` is the buffer messages arrive in.
#[derive(Debug)]
pub struct Session<B> {
    config: Config,
    local: SteamId,
    role: Role,
    unique_id: PeerId,
    status: ConnectionStatus,
    refuse_new: bool,
    remotes: FxHashMap<ConnectionId, Remote<B>>,
    peers: BTreeMap<PeerId, PeerSlot>,
    /// Who may connect, when restricted (a peer started from a lobby): its members.
    admitted: Option<HashSet<SteamId>>,
    /// Requests from users not admitted yet, until a deadline.
    awaiting: Vec<(ConnectionId, SteamId, Instant)>,
    inbox: VecDeque<Packet<B>>,
    actions: VecDeque<Action>,
    pending: VecDeque<Pending>,
    scratch: Vec<ConnectionId>,
    rng: Rng,
    drops: DropCounts,
    /// What the full mesh needs: the clients introduced to each other.
    mesh: mesh::Mesh,
}

impl<B: AsRef<[u8]>> Session<B> {
    /// An inactive session for the local user `local`; `seed` drives peer id choice.
    pub fn new(mut config: Config, local: SteamId, seed: u64) -> Self {
        config.channels = config.channels.clamp(1, MAX_CHANNELS);
        Session {
            config,
            local,
            role: Role::Inactive,
            unique_id: 0,
            status: ConnectionStatus::Disconnected,
            refuse_new: false,
            remotes: FxHashMap::default(),
            peers: BTreeMap::new(),
            admitted: None,
            awaiting: Vec::new(),
            inbox: VecDeque::new(),
            actions: VecDeque::new(),
            pending: VecDeque::new(),
            scratch: Vec::new(),
            rng: Rng::new(seed),
            drops: DropCounts::default(),
            mesh: mesh::Mesh::default(),
        }
    }

    /// The settings in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Chooses star (true) or full mesh (false); only while inactive.
    pub fn set_server_relay(&mut self, relay: bool) -> Result<(), ApiError> {
        if self.is_active() {
            return Err(ApiError::AlreadyActive);
        }
        self.config.server_relay = relay;
        Ok(())
    }

    /// Whether Godot should relay between clients: the host's `server_relay`, which a client
    /// learns when the host admits it.
    pub fn relays(&self) -> bool {
        match &self.role {
            Role::Client(client) if client.confirmed => client.host_relays,
            _ => self.config.server_relay,
        }
    }

    /// The local user's Steam id.
    pub fn local_steam_id(&self) -> SteamId {
        self.local
    }

    /// Godot's connection status.
    pub fn status(&self) -> ConnectionStatus {
        self.status
    }

    /// True while hosting or connecting or connected.
    pub fn is_active(&self) -> bool {
        !matches!(self.role, Role::Inactive)
    }

    /// True when hosting.
    pub fn is_host(&self) -> bool {
        matches!(self.role, Role::Host)
    }

    /// Our peer id: 1 when hosting, the host's choice once connected, 0 when inactive.
    pub fn unique_id(&self) -> PeerId {
        self.unique_id
    }

    /// Whether new incoming connections are rejected.
    pub fn refuse_new_connections(&self) -> bool {
        self.refuse_new
    }

    /// Rejects (true) or admits (false) new incoming connections from now on.
    pub fn set_refuse_new_connections(&mut self, refuse: bool) {
        self.refuse_new = refuse;
    }

    /// The largest payload any mode can send.
    pub fn max_payload(&self) -> usize {
        self.config.max_message_size - MAX_HEADER_LEN
    }

    /// What the session has dropped so far.
    pub fn drops(&self) -> DropCounts {
        self.drops
    }

    /// Starts hosting: we become peer 1 and are connected at once.
    pub fn start_host(&mut self) -> Result<(), ApiError> {
        self.ensure_inactive()?;
        self.refuse_new = false;
        self.role = Role::Host;
        self.unique_id = HOST_PEER_ID;
        self.status = ConnectionStatus::Connected;
        Ok(())
    }

    /// Starts a client of the host `server`. The driver then dials it and calls [`Self::on_dialed`].
    pub fn start_client(&mut self, server: SteamId, now: Instant) -> Result<(), ApiError> {
        self.ensure_inactive()?;
        if server == self.local {
            return Err(ApiError::SelfConnect);
        }
        if !server.is_user() {
            return Err(ApiError::NotAUser(server));
        }
        self.refuse_new = false;
        self.role = Role::Client(ClientRole {
            server,
            confirmed: false,
            host_relays: false,
            deadline: now + self.config.handshake_timeout,
        });
        // A proposal: the host keeps it when free, so `get_unique_id` rarely changes.
        self.unique_id = self.random_client_id();
        self.status = ConnectionStatus::Connecting;
        Ok(())
    }

    /// Whether `remote` should be dialled for `add_peer`: false when a connection exists already.
    pub fn should_dial(&self, remote: SteamId) -> Result<bool, ApiError> {
        match &self.role {
            Role::Inactive => return Err(ApiError::NotActive),
            Role::Client(client)
                if client.confirmed && client.host_relays && remote != client.server =>
            {
                return Err(ApiError::HostRelays);
            }
            _ => {}
        }
        if remote == self.local {
            return Err(ApiError::SelfConnect);
        }
        if !remote.is_user() {
            return Err(ApiError::NotAUser(remote));
        }
        Ok(self.connection_to(remote).is_none())
    }

    /// Disconnects one peer. Unless `force`, queued reliable data is flushed first and
    /// `peer_disconnected` follows; with `force`, the peer is dropped silently.
    pub fn disconnect_peer(&mut self, id: PeerId, force: bool) -> Result<(), ApiError> {
        let leaving_host = match &self.role {
            Role::Inactive => return Err(ApiError::NotActive),
            Role::Client(_) => id == HOST_PEER_ID,
            Role::Host => false,
        };
        let Some(&PeerSlot::Live(conn)) = self.peers.get(&id) else {
            return Err(ApiError::UnknownPeer(id));
        };
        if force && leaving_host {
            self.close();
            return Ok(());
        }
        let steam_id = self.remotes.remove(&conn).map(|remote| remote.steam_id);
        let reason = if leaving_host {
            CloseReason::Closed
        } else {
            CloseReason::Kicked
        };
        if let (Role::Client(_), Some(steam_id)) = (&self.role, steam_id) {
            self.stop_dialing(steam_id);
        }
        self.actions.push_back(Action::Close {
            conn,
            reason,
            linger: !force,
        });
        if force {
            self.peers.remove(&id);
            self.inbox.retain(|packet| packet.from != id);
            self.announce_departure(id);
        } else {
            self.depart(id);
            if leaving_host {
                self.leave_host();
            }
        }
        Ok(())
    }

    /// Drops every connection at once, without signals, and makes the session reusable.
    pub fn close(&mut self) {
        self.teardown(CloseReason::Closed, false);
    }

    /// The next transport action to perform.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// The next event for Godot.
    ///
    /// A `PeerDisconnected` waits until every packet that peer sent has been read, so
    /// nothing a departing peer said is lost and Godot never sees a packet from a peer it
    /// was told is gone.
    pub fn poll_event(&mut self) -> Option<Event> {
        loop {
            match self.pending.front()? {
                Pending::Event(Event::PeerDisconnected(id))
                    if self.inbox.iter().any(|packet| packet.from == *id) =>
                {
                    return None;
                }
                Pending::Event(event) => {
                    let event = *event;
                    self.pending.pop_front();
                    if let Event::PeerDisconnected(id) = event
                        && matches!(self.peers.get(&id), Some(PeerSlot::Departing))
                    {
                        self.peers.remove(&id);
                    }
                    return Some(event);
                }
                Pending::EndSession => {
                    self.pending.pop_front();
                    // The other clients end theirs too, and hold our going until they do.
                    self.teardown(CloseReason::HostLeft, true);
                }
            }
        }
    }

    /// Packets waiting for Godot.
    pub fn available_packets(&self) -> usize {
        self.inbox.len()
    }

    /// The packet Godot reads next.
    pub fn next_packet(&self) -> Option<&Packet<B>> {
        self.inbox.front()
    }

    /// Takes the packet Godot reads next.
    pub fn pop_packet(&mut self) -> Option<Packet<B>> {
        self.inbox.pop_front()
    }

    fn ensure_inactive(&self) -> Result<(), ApiError> {
        if self.is_active() {
            Err(ApiError::AlreadyActive)
        } else {
            Ok(())
        }
    }

    fn random_client_id(&mut self) -> PeerId {
        loop {
            let id = (self.rng.next_u64() & 0x7FFF_FFFF) as PeerId;
            if crate::ids::is_client_id(id) && !self.peers.contains_key(&id) {
                return id;
            }
        }
    }

    /// Marks a connected peer as gone; Godot hears it once its packets are read.
    fn depart(&mut self, id: PeerId) {
        self.peers.insert(id, PeerSlot::Departing);
        self.pending
            .push_back(Pending::Event(Event::PeerDisconnected(id)));
        self.announce_departure(id);
    }

    /// Ends the session, closing every connection with `reason`.
    fn teardown(&mut self, reason: CloseReason, linger: bool) {
        for (conn, _) in self.remotes.drain() {
            self.actions.push_back(Action::Close {
                conn,
                reason,
                linger,
            });
        }
        for (conn, _, _) in self.awaiting.drain(..) {
            self.actions.push_back(Action::Close {
                conn,
                reason: CloseReason::Closed,
                linger: false,
            });
        }
        self.admitted = None;
        self.mesh = mesh::Mesh::default();
        self.peers.clear();
        self.inbox.clear();
        self.pending.clear();
        self.role = Role::Inactive;
        self.unique_id = 0;
        self.status = ConnectionStatus::Disconnected;
        self.refuse_new = false;
    }
}

#[cfg(test)]
mod tests;
