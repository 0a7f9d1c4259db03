//! `SteamMultiplayerPeer`: Godot's `MultiplayerPeer` over Steam P2P, with GodotSteam's API
//! (and, in the child modules, what the earlier peers of that name offered).

use godot::classes::MultiplayerPeerExtension;
use godot::prelude::*;
use godot::register::property::PhantomVar;
use smp_peer::{Packet, PeerDriver, SteamId, TransferMode};
use smp_steam::lobby_start::LobbyStart;

use crate::steam::TapId;

/// A [MultiplayerPeer] whose connections are Steam peer-to-peer connections.
///
/// Start it with [method create_host], [method create_client], [method host_with_lobby] or
/// [method connect_to_lobby], then assign it to [member MultiplayerAPI.multiplayer_peer]: RPCs
/// and replication travel over Steam. The host is peer 1 and decides every client's id; a
/// client's proposed id can change until [signal MultiplayerAPI.connected_to_server], so read
/// [method MultiplayerPeer.get_unique_id] after it. Peer ids are Godot's; Steam ids (64-bit
/// [code]int[/code]) name users: [method get_steam_id_for_peer_id] and
/// [method get_peer_id_for_steam_id] convert.
///
/// [b]Channels:[/b] transfer channels 0 to N-1, N from the project setting
/// [code]steam/multiplayer_peer/max_channels[/code] (default 4, at most 64; read when the peer
/// first starts, and again after a [member transport] change); each is its own Steam lane.
/// [b]Modes:[/b] [constant MultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED] may be lost and never
/// arrives after a newer packet of its channel. [b]Limits:[/b] payloads of up to 524287 bytes reliable,
/// 524285 unreliable (1189 with [constant TRANSPORT_LEGACY_P2P]).
///
/// [b]Errors:[/b] [code]put_packet[/code] returns [constant ERR_UNCONFIGURED] when the peer is not
/// active or still connecting, [constant ERR_INVALID_PARAMETER] for a target that names no
/// connected peer, a channel out of range or a payload over the limit, and
/// [constant ERR_CONNECTION_ERROR] when Steam refuses the send; each also pushes an error saying
/// why. [method MultiplayerPeer.disconnect_peer] of an unknown peer pushes an error.
///
/// [b]Local mode:[/b] with no Steam client, start each game instance with the environment
/// variable [code]STEAM_LOCAL_USER=1[/code], [code]2[/code], ...: instances on this machine find
/// each other over loopback, with Steam's connection semantics. [constant TRANSPORT_SOCKETS] then
/// needs no [method Steam.steamInitEx].
///
/// [b]Code for the earlier peers of this name[/b] runs too: GodotSteam's lobby-based peer
/// ([method create_lobby], [method connect_lobby], its `LOBBY_*` and `CHAT_CHANGE_*` constants and
/// lobby signals) and expressobits' ([method set_config], [member options],
/// [method get_steam64_from_peer_id], [signal network_connection_status_changed]). Where they
/// differ from GodotSteam's current peer, the current one's behaviour applies.
///
/// [b]Unlike GodotSteam's peer:[/b] unreliable ordered packets are not sent reliably, client ids
/// never collide, every channel is usable, refused connections fail at once, and the peer can be
/// started again after [method MultiplayerPeer.close]. The two peers do not interoperate.
/// The debugger's Monitors tab shows each connected peer's ping, rates and loss
/// ([code]Steam peer <id>/...[/code]) and totals ([code]Steam/...[/code]).
#[derive(GodotClass)]
#[class(tool, base = MultiplayerPeerExtension)]
pub struct SteamMultiplayerPeer {
    base: Base<MultiplayerPeerExtension>,
    driver: Option<PeerDriver>,
    /// The packet Godot is reading; its bytes must live until the next `get_packet`.
    current: Option<Packet<Vec<u8>>>,
    target_peer: i32,
    transfer_channel: i32,
    transfer_mode: TransferMode,
    /// How much the addon prints: [constant DEBUG_LEVEL_NONE] (warnings and errors, the
    /// default), [constant DEBUG_LEVEL_PEER] (also connections, handshakes and drops) or
    /// [constant DEBUG_LEVEL_STEAM] (also Steam's own networking output; its warnings always
    /// show). Other values are clamped to this range.
    ///
    /// The level is process-wide: the last value set on any peer applies to every peer and to
    /// the [Steam] singleton. This property reads back what was set on this peer.
    #[var(set)]
    debug_level: i64,
    /// When [code]true[/code], an unreliable packet that cannot be sent at once (connection
    /// still being set up, or congested) is dropped instead of queued: Steam's
    /// [code]k_nSteamNetworkingSend_NoDelay[/code]. Reliable packets are never dropped. Default
    /// [code]false[/code].
    ///
    /// Applies at once, to a running peer too. Only Steam's networking sockets honour it: local
    /// mode and [constant TRANSPORT_LEGACY_P2P] ignore it.
    #[var(set)]
    no_delay: bool,
    /// When [code]true[/code], every packet goes out at once: Steam's
    /// [code]k_nSteamNetworkingSend_NoNagle[/code]. When [code]false[/code] (the default), the
    /// packets put during a frame are held back and go out together once the frame's calls are
    /// done (Godot's deferred calls; Steam's [code]FlushMessagesOnConnection[/code]): fewer
    /// packets and system calls for a burst, and no wait beyond the frame, where Steam alone
    /// would hold them a few milliseconds.
    ///
    /// Applies at once, to a running peer too. Steam's networking sockets and local mode honour
    /// it; [constant TRANSPORT_LEGACY_P2P] always sends at once.
    #[var(set)]
    no_nagle: bool,
    /// The topology, chosen by the host. [code]true[/code] makes a star: clients connect only to
    /// the host, and Godot relays between them. [code]false[/code] (the default, as in
    /// GodotSteam) makes a full mesh: the host tells each client about the others, and clients
    /// connect to each other directly, by themselves (see [member auto_mesh]).
    ///
    /// Set it before [method create_host]; while the peer is active, setting it pushes an error
    /// and changes nothing. A client's own value does not matter: it learns the host's when
    /// admitted.
    #[var(set)]
    server_relay: bool,
    /// In a full mesh (the host's [member server_relay] is [code]false[/code]), a client started
    /// with [method create_client] connects by itself to every other client the host has
    /// admitted, and to each one it admits later, so that every client gets
    /// [signal MultiplayerPeer.peer_connected] for every other, as with [ENetMultiplayerPeer].
    /// [code]true[/code] by default.
    ///
    /// [code]false[/code] leaves a client's connections to the game ([method add_peer]); the
    /// clients that would have connected to it by themselves still do. Either way a client
    /// admits only users its host admitted, and two clients one of which disconnected the other
    /// ([method MultiplayerPeer.disconnect_peer]) stay apart until a game adds one again. A peer from [method connect_to_lobby] connects to
    /// the lobby's members instead. Applies at once, to a running peer too.
    #[var(set)]
    auto_mesh: bool,
    /// What the peer's connections run on: [constant TRANSPORT_SOCKETS] (the default: Steam's
    /// networking sockets) or [constant TRANSPORT_LEGACY_P2P] (the legacy P2P API's sessions).
    /// Both behave the same; both run in local mode. This is not a GodotSteam property.
    ///
    /// Set it while the peer is not active; on an active peer, or with another value, setting
    /// it pushes an error and changes nothing.
    #[var(set)]
    transport: i64,
    /// GodotSteam's earlier name for [member server_relay]: the same property.
    #[var(get = get_as_relay, set = set_as_relay)]
    as_relay: PhantomVar<bool>,
    /// expressobits' networking options, [code]{NETWORKING_CONFIG_*: value}[/code], as
    /// [method set_config], [method clear_config] and [method clear_all_configs] change them.
    #[var(get = get_options, set = set_options)]
    options: PhantomVar<VarDictionary>,
    /// expressobits' handle of the peer's listen socket; 0 while it has none. Read only.
    #[var(get = get_listen_socket, set = set_listen_socket)]
    listen_socket: PhantomVar<i64>,
    /// What [member options] holds.
    networking_options: VarDictionary,
    /// The lobby this peer follows, when started from one.
    lobby: Option<SteamId>,
    /// Where a peer started with `create_lobby`/`connect_lobby` stands.
    lobby_start: LobbyStart,
    /// Its copy of Steam's callbacks.
    tap: Option<TapId>,
    /// This object, once its peers have monitors in the debugger (see `monitors`).
    monitored_as: Option<InstanceId>,
}

// After the class: they use the macros its derive defines.
mod express;
mod extension;
mod legacy_lobby;
mod lobby_game;
mod networking_config;
mod peers;
mod properties;
mod start;

impl Drop for SteamMultiplayerPeer {
    fn drop(&mut self) {
        self.forget_monitors();
        let lobby = self.lobby_start.lobby();
        self.end_lobby_start(lobby);
    }
}
