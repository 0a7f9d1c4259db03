//! The full mesh: the host introduces its clients to one another, and they connect by
//! themselves, so that every client hears `peer_connected` for every other, as with ENet.
//!
//! When the host admits a client (`server_relay` off), it sends it `PeerJoined` for every
//! client already in the session and sends each of those `PeerJoined` for the newcomer; when a
//! client goes, the others get `PeerLeft`. A client admits on its own listen socket only its
//! host and the clients its host introduced, completes a handshake only with the peer id the
//! host gave, and (with `auto_mesh`) dials the introduced clients whose Steam id is larger than
//! its own. The larger side waits a little for that dial before dialling too, and the rule for
//! crossing dials keeps one connection, so both sides calling `add_peer` is fine as well.
//!
//! A peer started from a lobby follows the lobby instead: the lobby says who may connect and
//! the driver dials its members, so nothing here dials for it.
//!
//! Endings keep ENet's shape. When a client's host goes, its session ends and it closes its
//! other connections with [`CloseReason::HostLeft`]; a client that sees that holds back the
//! `peer_disconnected`, since its own host's going is on its way and ENet reports only the
//! host then. And once the host is gone, what other clients send no longer reaches Godot: with
//! ENet it all came through the host, so nothing of theirs could arrive after the host's last
//! word (its despawn of a node they still update, say).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use log::{debug, info, warn};

use super::remote::{Phase, Remote};
use super::{PeerSlot, Pending, Role, Session};
use crate::control::{Control, Member};
use crate::event::{Action, Event};
use crate::ids::{ConnectionId, HOST_PEER_ID, PeerId, SteamId, is_client_id};
use crate::reason::CloseReason;

/// How often a client dials an introduced client it still has no connection with.
const REDIAL_INTERVAL: Duration = Duration::from_secs(1);
/// How long the larger Steam id of two clients waits for the smaller one's dial.
const DIAL_WAIT: Duration = Duration::from_secs(1);
/// The most clients a host may introduce to one client (a Steam lobby holds 250).
const MAX_INTRODUCED: usize = 1024;

/// What the session keeps for the full mesh.
#[derive(Debug, Default)]
pub(super) struct Mesh {
    /// On a host: the clients it introduced, by peer id.
    members: BTreeMap<PeerId, SteamId>,
    /// On a client: the other clients its host introduced.
    introduced: HashMap<SteamId, Introduced>,
    /// Peers whose session ended because their host left, and when Godot hears that they left
    /// if our own session has not ended by then (set on the next tick).
    held: Vec<(PeerId, Option<Instant>)>,
    /// Peers the host says left, and when we drop them if their connection is still up.
    leaving: Vec<(PeerId, Instant)>,
    /// Our host is gone, or we left it.
    host_gone: bool,
}

#[derive(Debug)]
struct Introduced {
    peer_id: PeerId,
    /// When we next dial it, unless a connection with it exists by then.
    dial_at: Instant,
    /// False once one of us disconnected the other on purpose, until they connect again.
    dialled: bool,
}

impl Mesh {
    /// Whether a packet from `peer` is dropped instead of reaching Godot.
    pub(super) fn drops_from(&self, peer: PeerId) -> bool {
        self.host_gone && peer != HOST_PEER_ID
    }
}

impl<B: AsRef<[u8]>> Session<B> {
    /// Whether this client connects by itself to the clients its host introduces (see
    /// [`crate::Config::auto_mesh`]). Applies from the next tick.
    pub fn set_auto_mesh(&mut self, auto_mesh: bool) {
        self.config.auto_mesh = auto_mesh;
    }

    /// On a host in a full mesh: the client on `conn`, just admitted as `peer_id`, and the
    /// clients already here learn of each other.
    pub(super) fn introduce(&mut self, conn: ConnectionId, peer_id: PeerId) {
        if !self.is_host() || self.config.server_relay {
            return;
        }
        let Some(steam_id) = self.remotes.get(&conn).map(|remote| remote.steam_id) else {
            return;
        };
        let newcomer = Control::PeerJoined(Member { peer_id, steam_id }).encode();
        for (&other_id, &other_steam_id) in &self.mesh.members {
            let Some(&PeerSlot::Live(other_conn)) = self.peers.get(&other_id) else {
                continue;
            };
            let other = Member {
                peer_id: other_id,
                steam_id: other_steam_id,
            };
            self.actions.push_back(Action::SendControl {
                conn,
                message: Control::PeerJoined(other).encode(),
            });
            self.actions.push_back(Action::SendControl {
                conn: other_conn,
                message: newcomer,
            });
        }
        self.mesh.members.insert(peer_id, steam_id);
    }

    /// On a host: the client `peer_id` is gone; the others learn of it.
    pub(super) fn announce_departure(&mut self, peer_id: PeerId) {
        if !self.is_host() {
            return;
        }
        let Some(steam_id) = self.mesh.members.remove(&peer_id) else {
            return;
        };
        let message = Control::PeerLeft(Member { peer_id, steam_id }).encode();
        for other in self.mesh.members.keys() {
            if let Some(&PeerSlot::Live(conn)) = self.peers.get(other) {
                self.actions
                    .push_back(Action::SendControl { conn, message });
            }
        }
    }

    /// On a client: the host introduced another client.
    pub(super) fn on_peer_joined(&mut self, conn: ConnectionId, member: Member, now: Instant) {
        if self.introduced_as(member.steam_id) == Some(member.peer_id) {
            return;
        }
        if let Err(why) = self.check_joined(conn, member) {
            self.drops.malformed += 1;
            warn!(
                "ignored word that {} joined as peer {}: {why}",
                member.steam_id, member.peer_id
            );
            return;
        }
        debug!(
            "our host introduced peer {} ({})",
            member.peer_id, member.steam_id
        );
        let dial_at = if self.local < member.steam_id {
            now
        } else {
            now + DIAL_WAIT
        };
        self.mesh.introduced.insert(
            member.steam_id,
            Introduced {
                peer_id: member.peer_id,
                dial_at,
                dialled: true,
            },
        );
        // Its request may be waiting for this word, or its handshake.
        self.admit_waiting(member.steam_id, now);
        if let Some((conn, _)) = self.connection_to(member.steam_id) {
            self.try_establish_mesh(conn, now);
        }
        self.dial_introduced(now);
    }

    /// Why a `PeerJoined` cannot be true, if it cannot.
    fn check_joined(&self, conn: ConnectionId, member: Member) -> Result<(), &'static str> {
        let Role::Client(client) = &self.role else {
            return Err("we are not a client");
        };
        let from = self.remotes.get(&conn).map(|remote| remote.steam_id);
        if from != Some(client.server) || !client.confirmed {
            return Err("it did not come from the host that admitted us");
        }
        if client.host_relays {
            return Err("our host relays between clients");
        }
        if member.steam_id == self.local || member.steam_id == client.server {
            return Err("that Steam id is ours or the host's");
        }
        if member.steam_id.0 == 0 {
            return Err("that is not a Steam id");
        }
        if !is_client_id(member.peer_id) || member.peer_id == self.unique_id {
            return Err("that peer id cannot be another client's");
        }
        if self.mesh.introduced.contains_key(&member.steam_id) {
            return Err("it was introduced before under another peer id");
        }
        let taken = self
            .mesh
            .introduced
            .values()
            .any(|known| known.peer_id == member.peer_id)
            || self
                .peer(member.peer_id)
                .is_some_and(|(_, steam_id)| steam_id != member.steam_id);
        if taken {
            return Err("another client holds that peer id");
        }
        if self.mesh.introduced.len() >= MAX_INTRODUCED {
            return Err("more clients than a session holds");
        }
        Ok(())
    }

    /// On a client: the host says another client left.
    pub(super) fn on_peer_left(&mut self, conn: ConnectionId, member: Member, now: Instant) {
        let from_host = match &self.role {
            Role::Client(client) => {
                self.remotes.get(&conn).map(|remote| remote.steam_id) == Some(client.server)
            }
            _ => false,
        };
        if !from_host || self.introduced_as(member.steam_id) != Some(member.peer_id) {
            self.drops.malformed += 1;
            warn!(
                "ignored word that peer {} ({}) left: no such client was introduced by our host",
                member.peer_id, member.steam_id
            );
            return;
        }
        debug!(
            "our host says peer {} ({}) left",
            member.peer_id, member.steam_id
        );
        self.mesh.introduced.remove(&member.steam_id);
        if let Some(index) = self
            .mesh
            .held
            .iter()
            .position(|(id, _)| *id == member.peer_id)
        {
            // Its session ended with its host's: both agree it is gone.
            self.mesh.held.remove(index);
            self.pending
                .push_back(Pending::Event(Event::PeerDisconnected(member.peer_id)));
        }
        let refused: Vec<ConnectionId> = self
            .awaiting
            .iter()
            .filter(|(_, steam_id, _)| *steam_id == member.steam_id)
            .map(|(conn, _, _)| *conn)
            .collect();
        for conn in refused {
            self.awaiting.retain(|(c, _, _)| *c != conn);
            self.reject(conn, CloseReason::WrongSession);
        }
        match self.connection_to(member.steam_id) {
            // It closes its own connections as it leaves; give that a moment to arrive.
            Some((_, remote)) if remote.phase == Phase::Established => {
                let deadline = now + self.config.admission_grace;
                self.mesh.leaving.push((member.peer_id, deadline));
            }
            Some((conn, _)) => {
                self.drop_connection(conn, CloseReason::WrongSession, "it left the session")
            }
            None => {}
        }
    }

    /// Our host's Steam id, or one it introduced: who a client in a full mesh admits.
    pub(super) fn introduced_or_host(&self, remote: SteamId) -> bool {
        match &self.role {
            Role::Client(client) => {
                remote == client.server || self.mesh.introduced.contains_key(&remote)
            }
            _ => true,
        }
    }

    /// Whether a client-to-client handshake on `conn` may complete with `peer_id`: outside a
    /// lobby, only once our host introduced the remote, and under that id. A remote presenting
    /// another id is dropped.
    pub(super) fn introduction_agrees(&mut self, conn: ConnectionId, peer_id: PeerId) -> bool {
        let Some(steam_id) = self.remotes.get(&conn).map(|remote| remote.steam_id) else {
            return false;
        };
        match self.introduced_as(steam_id) {
            Some(introduced) if introduced != peer_id => {
                warn!(
                    "{steam_id} presented peer id {peer_id}, but our host introduced it as {introduced}"
                );
                self.drop_connection(conn, CloseReason::WrongSession, "not the introduced id");
                false
            }
            // Our host's word has not arrived yet; it says who this is.
            None => self.admitted.is_some(),
            Some(_) => {
                // Connected again, as the game asked: the mesh keeps it from now on.
                if let Some(introduced) = self.mesh.introduced.get_mut(&steam_id) {
                    introduced.dialled = true;
                }
                true
            }
        }
    }

    /// A client disconnected `steam_id` on purpose, or was disconnected by it: the mesh no
    /// longer dials it (the game's `add_peer` still can).
    pub(super) fn stop_dialing(&mut self, steam_id: SteamId) {
        if let Some(introduced) = self.mesh.introduced.get_mut(&steam_id) {
            introduced.dialled = false;
        }
    }

    /// A request waited for its sender to be admitted, in vain.
    pub(super) fn refuse_unadmitted(&mut self, conn: ConnectionId, remote: SteamId) {
        if self.admitted.is_some() {
            warn!("refused a connection from {remote}: it is not a member of the lobby");
            self.reject(conn, CloseReason::NotInLobby);
        } else {
            warn!("refused a connection from {remote}: our host did not admit it to the session");
            self.reject(conn, CloseReason::WrongSession);
        }
    }

    /// The peer id our host gave `steam_id`, if it introduced it.
    pub(super) fn introduced_as(&self, steam_id: SteamId) -> Option<PeerId> {
        self.mesh
            .introduced
            .get(&steam_id)
            .map(|introduced| introduced.peer_id)
    }

    /// A connection of a client with another client was closed by the other side, for
    /// `reason`. One it closed on purpose is not dialled again. One closed because its host
    /// left holds its `peer_disconnected`, as our own session should end any moment: then
    /// this returns true, and the connection's loss is dealt with.
    pub(super) fn mesh_link_closed(
        &mut self,
        remote: &Remote<B>,
        reason: Option<CloseReason>,
    ) -> bool {
        let mesh_peer = matches!(&self.role, Role::Client(client)
            if client.confirmed && remote.steam_id != client.server);
        if !mesh_peer {
            return false;
        }
        if reason == Some(CloseReason::Kicked) {
            self.stop_dialing(remote.steam_id);
        }
        // Once the host said it left, there is nothing to wait for.
        let host_knows = self.introduced_as(remote.steam_id).is_none();
        if reason != Some(CloseReason::HostLeft) || host_knows || remote.phase != Phase::Established
        {
            return false;
        }
        info!(
            "peer {} ({}) left: its host left",
            remote.peer_id, remote.steam_id
        );
        self.peers.insert(remote.peer_id, PeerSlot::Departing);
        self.mesh.held.push((remote.peer_id, None));
        true
    }

    /// We leave our host, or it left: the session ends once the host's last packets are read.
    /// Other clients' packets that Godot has not read are dropped, as are those still to come.
    pub(super) fn leave_host(&mut self) {
        self.mesh.host_gone = true;
        self.inbox.retain(|packet| packet.from == HOST_PEER_ID);
        self.pending.push_back(Pending::EndSession);
    }

    /// Time passes: held departures and peers the host says left run out; introduced clients
    /// are dialled.
    pub(super) fn mesh_tick(&mut self, now: Instant) {
        let grace = self.config.admission_grace;
        let mut released = Vec::new();
        self.mesh.held.retain_mut(|(id, deadline)| {
            let due = now >= *deadline.get_or_insert(now + grace);
            if due {
                released.push(*id);
            }
            !due
        });
        for id in released {
            self.pending
                .push_back(Pending::Event(Event::PeerDisconnected(id)));
        }
        let mut overdue = Vec::new();
        self.mesh.leaving.retain(|&(id, deadline)| {
            let due = now >= deadline;
            if due {
                overdue.push(id);
            }
            !due
        });
        for id in overdue {
            if let Some((conn, steam_id)) = self.peer(id) {
                warn!("dropped peer {id} ({steam_id}): our host says it left the session");
                self.drop_connection(conn, CloseReason::WrongSession, "it left the session");
            }
        }
        self.dial_introduced(now);
    }

    /// Asks the driver to dial the introduced clients that are due and not connected yet.
    fn dial_introduced(&mut self, now: Instant) {
        let dials = match &self.role {
            Role::Client(client) => {
                self.config.auto_mesh
                    && self.admitted.is_none()
                    && client.confirmed
                    && !client.host_relays
            }
            _ => false,
        };
        if !dials {
            return;
        }
        for (&steam_id, introduced) in &mut self.mesh.introduced {
            if now < introduced.dial_at || !introduced.dialled {
                continue;
            }
            introduced.dial_at = now + REDIAL_INTERVAL;
            let connected = self.remotes.values().any(|r| r.steam_id == steam_id)
                || self.awaiting.iter().any(|(_, s, _)| *s == steam_id);
            if !connected {
                debug!("dialling peer {} ({steam_id})", introduced.peer_id);
                self.actions.push_back(Action::Dial(steam_id));
            }
        }
    }

    /// Requests from `steam_id` that waited to be admitted go on.
    fn admit_waiting(&mut self, steam_id: SteamId, now: Instant) {
        let waiting = std::mem::take(&mut self.awaiting);
        for (conn, remote, deadline) in waiting {
            if remote == steam_id {
                self.on_connection_request(conn, remote, now);
            } else {
                self.awaiting.push((conn, remote, deadline));
            }
        }
    }
}
