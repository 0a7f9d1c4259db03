//! `SteamPacketPeer`: one remote peer of a [`SteamMultiplayerPeer`], as GodotSteam exposes it.

use godot::classes::MultiplayerPeer;
use godot::prelude::*;
use smp_peer::{ConnectionQuality, ConnectionState, SteamId};

use crate::multiplayer_peer::SteamMultiplayerPeer;

/// One connected peer of a [SteamMultiplayerPeer], from [method SteamMultiplayerPeer.get_peer].
///
/// It names the peer (Godot peer id and Steam id) and reports the state of its Steam
/// connection. It holds no connection itself: once the peer is gone, [method get_state]
/// returns `STATE_NONE`.
#[derive(GodotClass)]
#[class(base = RefCounted, no_init)]
pub struct SteamPacketPeer {
    base: Base<RefCounted>,
    owner: InstanceId,
    peer_id: i32,
    steam_id: SteamId,
}

#[godot_api]
impl SteamPacketPeer {
    /// No such connection, or it was closed.
    #[constant]
    const STATE_NONE: i64 = ConnectionState::None as i64;
    /// Being established.
    #[constant]
    const STATE_CONNECTING: i64 = ConnectionState::Connecting as i64;
    /// Looking for a route through Steam's relays.
    #[constant]
    const STATE_FINDING_ROUTE: i64 = ConnectionState::FindingRoute as i64;
    /// Up.
    #[constant]
    const STATE_CONNECTED: i64 = ConnectionState::Connected as i64;
    /// Closed by the remote peer.
    #[constant]
    const STATE_CLOSED_BY_PEER: i64 = ConnectionState::ClosedByPeer as i64;
    /// Lost: a timeout, or the remote could not be reached.
    #[constant]
    const STATE_PROBLEM_DETECTED_LOCALLY: i64 = ConnectionState::ProblemDetectedLocally as i64;
    /// Closed locally, waiting for the remote to acknowledge.
    #[constant]
    const STATE_FIN_WAIT: i64 = ConnectionState::FinWait as i64;
    /// Closed locally, still flushing reliable data.
    #[constant]
    const STATE_LINGER: i64 = ConnectionState::Linger as i64;
    /// Ready to be destroyed.
    #[constant]
    const STATE_DEAD: i64 = ConnectionState::Dead as i64;

    /// Disconnects this peer; see `MultiplayerPeer.disconnect_peer`. Unless `force`, queued
    /// reliable data is delivered first and `peer_disconnected` is emitted.
    #[func]
    fn disconnect_peer(&mut self, force: bool) {
        match Gd::<SteamMultiplayerPeer>::try_from_instance_id(self.owner) {
            Ok(owner) => owner
                .upcast::<MultiplayerPeer>()
                .disconnect_peer_ex(self.peer_id)
                .force(force)
                .done(),
            Err(_) => godot_error!(
                "SteamPacketPeer.disconnect_peer: its SteamMultiplayerPeer no longer exists"
            ),
        }
    }

    /// The Godot multiplayer peer id.
    #[func]
    fn get_peer_id(&self) -> i32 {
        self.peer_id
    }

    /// The Steam id.
    #[func]
    fn get_steam_id(&self) -> i64 {
        self.steam_id.0 as i64
    }

    /// The state of the Steam connection, one of the `STATE_*` constants.
    #[func]
    fn get_state(&self) -> i64 {
        Gd::<SteamMultiplayerPeer>::try_from_instance_id(self.owner)
            .ok()
            .and_then(|owner| owner.bind().peer_state(self.peer_id))
            .unwrap_or(ConnectionState::None) as i64
    }

    /// How the connection is doing now, as Steam measures it:
    /// `{"ping": int (ms, -1 until measured), "local_quality": float, "remote_quality": float,
    /// "packets_out_per_second": float, "bytes_out_per_second": float,
    /// "packets_in_per_second": float, "bytes_in_per_second": float,
    /// "send_rate": int (bytes/s Steam believes it can send; 0 when unknown),
    /// "pending_unreliable": int, "pending_reliable": int (bytes not yet sent),
    /// "sent_unacknowledged_reliable": int (bytes), "queue_time": int (µs), "relayed": bool}`.
    /// The qualities are the fractions (0 to 1) of packets delivered whole and in order, as
    /// we and the remote measure them (-1 until measured). Empty once the peer is gone.
    #[func]
    fn get_connection_quality(&self) -> VarDictionary {
        let quality = Gd::<SteamMultiplayerPeer>::try_from_instance_id(self.owner)
            .ok()
            .and_then(|owner| owner.bind().peer_quality(self.peer_id));
        Self::quality_dictionary(quality)
    }
}

impl SteamPacketPeer {
    /// The Dictionary [method get_connection_quality] returns.
    fn quality_dictionary(quality: Option<ConnectionQuality>) -> VarDictionary {
        let Some(q) = quality else {
            return VarDictionary::new();
        };
        vdict! {
            "ping" => q.ping_ms,
            "local_quality" => q.quality_local,
            "remote_quality" => q.quality_remote,
            "packets_out_per_second" => q.out_packets_per_sec,
            "bytes_out_per_second" => q.out_bytes_per_sec,
            "packets_in_per_second" => q.in_packets_per_sec,
            "bytes_in_per_second" => q.in_bytes_per_sec,
            "send_rate" => q.send_rate_bytes_per_sec,
            "pending_unreliable" => q.pending_unreliable,
            "pending_reliable" => q.pending_reliable,
            "sent_unacknowledged_reliable" => q.sent_unacked_reliable,
            "queue_time" => q.queue_time_usec,
            "relayed" => q.relayed,
        }
    }

    pub(crate) fn new(owner: InstanceId, peer_id: i32, steam_id: SteamId) -> Gd<Self> {
        Gd::from_init_fn(|base| SteamPacketPeer {
            base,
            owner,
            peer_id,
            steam_id,
        })
    }
}
