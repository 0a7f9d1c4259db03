//! One connected peer of a multiplayer peer, as plain data, for what outlives a poll: a
//! `SteamPacketPeer` and the debugger's monitors hold it, and each read asks the multiplayer peer
//! anew, so that a peer (or multiplayer peer) that has gone reads as nothing.

use godot::obj::InstanceId;
use smp_peer::{ConnectionQuality, ConnectionState};

/// How a handle reads a connection of the multiplayer peer that handed it out.
pub struct Readers {
    /// The transport state of peer `peer_id` of multiplayer peer `owner`.
    pub state: fn(owner: InstanceId, peer_id: i32) -> Option<ConnectionState>,
    /// How the connection to peer `peer_id` of multiplayer peer `owner` is doing.
    pub quality: fn(owner: InstanceId, peer_id: i32) -> Option<ConnectionQuality>,
}

/// Peer `peer_id` of the multiplayer peer `owner`.
#[derive(Clone, Copy)]
pub struct PeerHandle {
    /// The multiplayer peer.
    pub owner: InstanceId,
    /// The peer's Godot peer id, in `owner`.
    pub peer_id: i32,
    readers: &'static Readers,
}

impl PeerHandle {
    /// Peer `peer_id` of `owner`, read through `readers`.
    pub fn new(owner: InstanceId, peer_id: i32, readers: &'static Readers) -> Self {
        PeerHandle {
            owner,
            peer_id,
            readers,
        }
    }

    /// The state of the peer's connection now; `None` once it or its multiplayer peer is gone.
    pub fn state(&self) -> Option<ConnectionState> {
        (self.readers.state)(self.owner, self.peer_id)
    }

    /// How the peer's connection is doing now; `None` unless it is connected.
    pub fn quality(&self) -> Option<ConnectionQuality> {
        (self.readers.quality)(self.owner, self.peer_id)
    }
}
