//! `SteamPacketPeer`: one remote peer of a `SteamMultiplayerPeer`, as GodotSteam exposes it.

use godot::classes::MultiplayerPeer;
use godot::prelude::*;
use smp_peer::{ConnectionQuality, ConnectionState, SteamId};

use crate::peer_handle::PeerHandle;

/// One connected peer of a [SteamMultiplayerPeer], from [method SteamMultiplayerPeer.get_peer].
///
/// It names the peer (Godot peer id and Steam id) and reports the state and quality of its Steam
/// connection, asking its [SteamMultiplayerPeer] each time. It holds no connection itself: once
/// the peer has left (or its [SteamMultiplayerPeer] is freed), [method get_state] returns
/// [constant STATE_NONE] and [method get_connection_quality] an empty Dictionary.
#[derive(GodotClass)]
#[class(base = RefCounted, no_init)]
pub struct SteamPacketPeer {
    base: Base<RefCounted>,
    peer: PeerHandle,
    steam_id: SteamId,
}

#[godot_api]
impl SteamPacketPeer {
    /// [method get_state]: no such connection (the peer has left, or was never connected).
    #[constant]
    const STATE_NONE: i64 = ConnectionState::None as i64;
    /// [method get_state]: being established. A peer is past this state by the time
    /// [method SteamMultiplayerPeer.get_peer] returns it.
    #[constant]
    const STATE_CONNECTING: i64 = ConnectionState::Connecting as i64;
    /// [method get_state]: looking for a route through Steam's relays (never in local mode).
    #[constant]
    const STATE_FINDING_ROUTE: i64 = ConnectionState::FindingRoute as i64;
    /// [method get_state]: connected; what a peer reports while it is in the game.
    #[constant]
    const STATE_CONNECTED: i64 = ConnectionState::Connected as i64;
    /// [method get_state]: the remote closed the connection; the peer leaves on the next poll.
    #[constant]
    const STATE_CLOSED_BY_PEER: i64 = ConnectionState::ClosedByPeer as i64;
    /// [method get_state]: lost (a timeout, or the remote could not be reached); the peer leaves
    /// on the next poll.
    #[constant]
    const STATE_PROBLEM_DETECTED_LOCALLY: i64 = ConnectionState::ProblemDetectedLocally as i64;
    /// [method get_state]: closed locally, waiting for the remote to acknowledge (Steam's
    /// internal state; never in local mode).
    #[constant]
    const STATE_FIN_WAIT: i64 = ConnectionState::FinWait as i64;
    /// [method get_state]: closed locally, still flushing reliable data (Steam's internal state;
    /// never in local mode).
    #[constant]
    const STATE_LINGER: i64 = ConnectionState::Linger as i64;
    /// [method get_state]: ready to be destroyed (Steam's internal state; never in local mode).
    #[constant]
    const STATE_DEAD: i64 = ConnectionState::Dead as i64;

    /// Disconnects this peer, as [method MultiplayerPeer.disconnect_peer] on its
    /// [SteamMultiplayerPeer] does. Unless [param force], what was sent to it is delivered first,
    /// then [signal MultiplayerPeer.peer_disconnected] is emitted; with [param force] it is
    /// dropped at once and nothing is emitted. On a client, disconnecting the host (peer 1)
    /// leaves the game.
    ///
    /// Pushes an error if the peer is no longer connected, or its [SteamMultiplayerPeer] no
    /// longer exists.
    #[func]
    fn disconnect_peer(&mut self, force: bool) {
        match Gd::<MultiplayerPeer>::try_from_instance_id(self.peer.owner) {
            Ok(mut owner) => owner
                .disconnect_peer_ex(self.peer.peer_id)
                .force(force)
                .done(),
            Err(_) => godot_error!(
                "SteamPacketPeer.disconnect_peer: its SteamMultiplayerPeer no longer exists"
            ),
        }
    }

    /// This peer's Godot multiplayer peer id (1 for the host), as it was when
    /// [method SteamMultiplayerPeer.get_peer] returned this object.
    #[func]
    fn get_peer_id(&self) -> i32 {
        self.peer.peer_id
    }

    /// This peer's Steam id (a 64-bit user id, not a peer id).
    #[func]
    fn get_steam_id(&self) -> i64 {
        self.steam_id.0 as i64
    }

    /// The state of this peer's Steam connection now, a `STATE_*` constant:
    /// [constant STATE_CONNECTED] while it is in the game, [constant STATE_NONE] once it has
    /// left or its [SteamMultiplayerPeer] is gone.
    #[func]
    fn get_state(&self) -> i64 {
        self.peer.state().unwrap_or(ConnectionState::None) as i64
    }

    /// How this peer's connection is doing now, as Steam measures it (rates over about the last
    /// second). An empty Dictionary unless the connection is connected. The keys:
    ///
    /// - [code]ping[/code] (int): round-trip time in milliseconds, -1 until measured.
    /// - [code]local_quality[/code], [code]remote_quality[/code] (float): the fraction, 0 to 1,
    ///   of packets delivered whole and in order, to us and to the remote; -1 until measured.
    /// - [code]packets_out_per_second[/code], [code]bytes_out_per_second[/code],
    ///   [code]packets_in_per_second[/code], [code]bytes_in_per_second[/code] (float).
    /// - [code]send_rate[/code] (int): bytes per second Steam believes it can send.
    /// - [code]pending_unreliable[/code], [code]pending_reliable[/code] (int): bytes queued, not
    ///   yet sent.
    /// - [code]sent_unacknowledged_reliable[/code] (int): bytes sent, not yet acknowledged.
    /// - [code]queue_time[/code] (int): microseconds a message sent now would wait to go out.
    /// - [code]relayed[/code] (bool): the route goes through Steam's relays.
    ///
    /// Local mode and [constant SteamMultiplayerPeer.TRANSPORT_LEGACY_P2P] measure for
    /// themselves: the ping from a probe each second (injected lag included), and in local mode
    /// the qualities from what fault injection dropped; the legacy P2P API cannot tell what it
    /// lost, so there both qualities read -1. Local mode's pending bytes are those held back
    /// until the end of the frame (sends without [member SteamMultiplayerPeer.no_nagle]) or
    /// not yet taken by the system; the legacy P2P API reports none. [code]send_rate[/code],
    /// [code]sent_unacknowledged_reliable[/code] and [code]queue_time[/code] read 0 and
    /// [code]relayed[/code] [code]false[/code].
    #[func]
    fn get_connection_quality(&self) -> VarDictionary {
        Self::quality_dictionary(self.peer.quality())
    }
}

impl SteamPacketPeer {
    /// The Dictionary [method get_connection_quality] returns (GodotSteam's keys, as its
    /// `getSessionConnectionInfo` also uses them).
    pub(crate) fn quality_dictionary(quality: Option<ConnectionQuality>) -> VarDictionary {
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

    /// `peer`, whose Steam id is `steam_id`.
    pub(crate) fn new(peer: PeerHandle, steam_id: SteamId) -> Gd<Self> {
        Gd::from_init_fn(|base| SteamPacketPeer {
            base,
            peer,
            steam_id,
        })
    }
}
