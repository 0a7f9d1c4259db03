//! Who is who: the peers Godot knows, by peer id and by Steam id.

use super::remote::{Phase, Remote};
use super::{PeerSlot, Session};
use crate::ids::{ConnectionId, PeerId, SteamId};

impl<B: AsRef<[u8]>> Session<B> {
    /// Ids of the peers Godot knows as connected.
    pub fn peer_ids(&self) -> impl Iterator<Item = PeerId> + '_ {
        self.peers
            .iter()
            .filter(|(_, slot)| matches!(slot, PeerSlot::Live(_)))
            .map(|(&id, _)| id)
    }

    /// The connection and Steam id of a connected peer.
    pub fn peer(&self, id: PeerId) -> Option<(ConnectionId, SteamId)> {
        match self.peers.get(&id)? {
            PeerSlot::Live(conn) => Some((*conn, self.remotes.get(conn)?.steam_id)),
            PeerSlot::Departing => None,
        }
    }

    /// The peer id of a Steam id: our own id for our Steam id, else a connected peer's.
    pub fn peer_id_for_steam_id(&self, steam_id: SteamId) -> Option<PeerId> {
        if steam_id == self.local {
            return self.is_active().then_some(self.unique_id);
        }
        let (_, remote) = self.connection_to(steam_id)?;
        (remote.phase == Phase::Established).then_some(remote.peer_id)
    }

    /// The Steam id of a peer id: ours for our id, else a connected peer's.
    pub fn steam_id_for_peer_id(&self, id: PeerId) -> Option<SteamId> {
        if self.is_active() && id == self.unique_id {
            return Some(self.local);
        }
        self.peer(id).map(|(_, steam_id)| steam_id)
    }

    /// The connection we have with `steam_id`, if any.
    pub(super) fn connection_to(&self, steam_id: SteamId) -> Option<(ConnectionId, &Remote<B>)> {
        self.remotes
            .iter()
            .find(|(_, remote)| remote.steam_id == steam_id)
            .map(|(&conn, remote)| (conn, remote))
    }
}
