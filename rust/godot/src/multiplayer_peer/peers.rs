//! The connected peers: their signals and debugger monitors as they come and go, the lookups
//! between peer ids and Steam ids, and a `SteamPacketPeer` for one of them.

use godot::prelude::*;
use smp_peer::{ConnectionQuality, ConnectionState, Event, PeerDriver, SteamId};

use super::SteamMultiplayerPeer;
use crate::monitors;
use crate::packet_peer::SteamPacketPeer;
use crate::peer_handle::{PeerHandle, Readers};

/// How a [PeerHandle] of ours reads its connection: through the multiplayer peer, while it exists.
static READERS: Readers = Readers {
    state: |owner, peer_id| live(owner)?.bind().peer_state(peer_id),
    quality: |owner, peer_id| live(owner)?.bind().peer_quality(peer_id),
};

fn live(owner: InstanceId) -> Option<Gd<SteamMultiplayerPeer>> {
    Gd::try_from_instance_id(owner).ok()
}

#[godot_api(secondary)]
impl SteamMultiplayerPeer {
    /// The connected peer [param peer_id] as a new [SteamPacketPeer], for its Steam id, state
    /// and connection quality. [code]null[/code] for our own id, a peer still in its handshake,
    /// one that has left, or an inactive peer.
    #[func]
    fn get_peer(&self, peer_id: i32) -> Option<Gd<SteamPacketPeer>> {
        let (steam_id, _) = self.driver.as_ref()?.peer_connection(peer_id)?;
        let peer = PeerHandle::new(self.to_gd().instance_id(), peer_id, &READERS);
        Some(SteamPacketPeer::new(peer, steam_id))
    }

    /// The Godot peer id of the user with Steam id [param steam_id]: our own id for our Steam id
    /// (while active), else that of a connected peer (handshake completed), else 0.
    #[func]
    fn get_peer_id_for_steam_id(&self, steam_id: i64) -> i32 {
        self.driver
            .as_ref()
            .and_then(|d| d.session().peer_id_for_steam_id(SteamId(steam_id as u64)))
            .unwrap_or(0)
    }

    /// The Steam id of Godot peer [param peer_id]: ours for our own id (while active), else that
    /// of a connected peer, else 0.
    #[func]
    fn get_steam_id_for_peer_id(&self, peer_id: i32) -> i64 {
        self.driver
            .as_ref()
            .and_then(|d| d.session().steam_id_for_peer_id(peer_id))
            .map_or(0, |id| id.0 as i64)
    }
}

impl SteamMultiplayerPeer {
    /// Emits `peer_connected` and `peer_disconnected` for what the driver reports, and adds or
    /// removes the peers' monitors.
    pub(super) fn emit_peer_events(&mut self) {
        // One event at a time: handlers re-enter this peer, and see its state as it is.
        while let Some(event) = self.driver.as_mut().and_then(PeerDriver::poll_event) {
            let own = self.base().instance_id();
            self.monitored_as = Some(own);
            let (signal, id) = match event {
                Event::PeerConnected(id) => {
                    monitors::peer_connected(PeerHandle::new(own, id, &READERS));
                    ("peer_connected", id)
                }
                Event::PeerDisconnected(id) => {
                    monitors::peer_disconnected(own, id);
                    ("peer_disconnected", id)
                }
            };
            self.base_mut()
                .emit_signal(signal, &[i64::from(id).to_variant()]);
        }
    }

    /// Removes the monitors of every peer of this one (closed or freed).
    pub(super) fn forget_monitors(&self) {
        if let Some(own) = self.monitored_as {
            monitors::owner_closed(own);
        }
    }

    /// How the connection to peer `peer_id` is doing, for its handles.
    fn peer_quality(&self, peer_id: i32) -> Option<ConnectionQuality> {
        self.driver.as_ref()?.peer_quality(peer_id)
    }

    /// The transport state of peer `peer_id`, for its handles.
    fn peer_state(&self, peer_id: i32) -> Option<ConnectionState> {
        Some(self.driver.as_ref()?.peer_connection(peer_id)?.1)
    }
}
