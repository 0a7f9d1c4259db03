//! `SteamMultiplayerPeer`: Godot's `MultiplayerPeer` over Steam P2P, with GodotSteam's API
//! (and, in the child modules, what the earlier peers of that name offered).

use std::time::Instant;

use godot::classes::multiplayer_peer::{
    ConnectionStatus as GodotStatus, TransferMode as GodotMode,
};
use godot::classes::{IMultiplayerPeerExtension, MultiplayerPeerExtension};
use godot::global::{Error, godot_error, godot_warn};
use godot::meta::conv::RawPtr;
use godot::prelude::*;
use godot::register::property::PhantomVar;
use smp_peer::{
    Config, ConnectionQuality, ConnectionState, ConnectionStatus, Event, HOST_PEER_ID, Packet,
    PeerDriver, PeerError, SteamId, TransferMode,
};
use smp_protocol::header::MAX_HEADER_LEN;
use smp_protocol::rng::Rng;
use smp_steam::lobby_start::{LobbyStart, LobbyState};

use crate::errors::godot_error;
use crate::log_bridge::{self, FlushOnDrop};
use crate::packet_peer::SteamPacketPeer;
use crate::peer_handle::{PeerHandle, Readers};
use crate::steam::TapId;
use crate::{backend, monitors, settings};

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
    /// When [code]true[/code], every packet goes out at once instead of waiting a few
    /// milliseconds to be coalesced with later ones: Steam's
    /// [code]k_nSteamNetworkingSend_NoNagle[/code]. Lower latency, more packets. Default
    /// [code]false[/code].
    ///
    /// Applies at once, to a running peer too. Only Steam's networking sockets honour it: local
    /// mode and [constant TRANSPORT_LEGACY_P2P] always send at once.
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

/// How a [PeerHandle] of ours reads its connection: through the multiplayer peer, while it exists.
static READERS: Readers = Readers {
    state: |owner, peer_id| live(owner)?.bind().peer_state(peer_id),
    quality: |owner, peer_id| live(owner)?.bind().peer_quality(peer_id),
};

fn live(owner: InstanceId) -> Option<Gd<SteamMultiplayerPeer>> {
    Gd::try_from_instance_id(owner).ok()
}

// After the class: they use the macros its derive defines.
mod express;
mod legacy_lobby;
mod networking_config;
mod properties;

#[godot_api]
impl IMultiplayerPeerExtension for SteamMultiplayerPeer {
    fn init(base: Base<MultiplayerPeerExtension>) -> Self {
        SteamMultiplayerPeer {
            base,
            driver: None,
            current: None,
            target_peer: 0,
            transfer_channel: 0,
            transfer_mode: TransferMode::Reliable,
            debug_level: 0,
            no_delay: false,
            no_nagle: false,
            server_relay: false,
            auto_mesh: true,
            transport: Self::TRANSPORT_SOCKETS,
            as_relay: PhantomVar::default(),
            options: PhantomVar::default(),
            listen_socket: PhantomVar::default(),
            networking_options: VarDictionary::new(),
            lobby: None,
            lobby_start: LobbyStart::default(),
            tap: None,
            monitored_as: None,
        }
    }

    fn get_available_packet_count(&self) -> i32 {
        self.driver
            .as_ref()
            .map_or(0, |d| d.session().available_packets() as i32)
    }

    fn get_max_packet_size(&self) -> i32 {
        self.driver
            .as_ref()
            .map_or(Config::default().max_message_size - MAX_HEADER_LEN, |d| {
                d.session().max_payload()
            }) as i32
    }

    unsafe fn get_packet_rawptr(
        &mut self,
        r_buffer: RawPtr<*mut RawPtr<*const u8>>,
        r_buffer_size: RawPtr<*mut i32>,
    ) -> Error {
        self.current = self.driver.as_mut().and_then(PeerDriver::pop_packet);
        let Some(packet) = &self.current else {
            godot_error!("SteamMultiplayerPeer.get_packet: no packet is available");
            return Error::ERR_UNAVAILABLE;
        };
        let payload = packet.payload();
        // SAFETY: Godot passes valid out-pointers; the bytes stay in `self.current` until the next call.
        unsafe {
            *r_buffer.ptr() = RawPtr::new(payload.as_ptr());
            *r_buffer_size.ptr() = payload.len() as i32;
        }
        Error::OK
    }

    unsafe fn put_packet_rawptr(
        &mut self,
        p_buffer: RawPtr<*const u8>,
        p_buffer_size: i32,
    ) -> Error {
        let _flush = FlushOnDrop;
        let Some(driver) = self.driver.as_mut() else {
            godot_error!(
                "SteamMultiplayerPeer.put_packet: the peer is not active; call create_host() or create_client() first"
            );
            return Error::ERR_UNCONFIGURED;
        };
        let len = usize::try_from(p_buffer_size).unwrap_or(0);
        let payload = if len == 0 {
            &[][..]
        } else {
            // SAFETY: Godot passes `p_buffer_size` readable bytes at `p_buffer`, valid for this call.
            unsafe { std::slice::from_raw_parts(p_buffer.ptr(), len) }
        };
        match driver.send(
            self.target_peer,
            self.transfer_channel,
            self.transfer_mode,
            payload,
        ) {
            Ok(()) => Error::OK,
            Err(err) => {
                godot_error!("SteamMultiplayerPeer.put_packet: {err}");
                godot_error(&err, Error::ERR_CONNECTION_ERROR)
            }
        }
    }

    fn get_packet_channel(&self) -> i32 {
        self.next_packet().map_or(0, |p| i32::from(p.channel))
    }

    fn get_packet_mode(&self) -> GodotMode {
        self.next_packet()
            .map_or(GodotMode::RELIABLE, |p| to_godot_mode(p.mode))
    }

    fn set_transfer_channel(&mut self, channel: i32) {
        self.transfer_channel = channel;
    }

    fn get_transfer_channel(&self) -> i32 {
        self.transfer_channel
    }

    fn set_transfer_mode(&mut self, mode: GodotMode) {
        self.transfer_mode =
            TransferMode::from_godot(mode.ord().into()).unwrap_or(TransferMode::Reliable);
    }

    fn get_transfer_mode(&self) -> GodotMode {
        to_godot_mode(self.transfer_mode)
    }

    fn set_target_peer(&mut self, peer: i32) {
        self.target_peer = peer;
    }

    fn get_packet_peer(&self) -> i32 {
        self.next_packet().map_or(0, |p| p.from)
    }

    fn is_server(&self) -> bool {
        self.driver.as_ref().is_some_and(|d| d.session().is_host())
    }

    fn poll(&mut self) {
        let _flush = FlushOnDrop;
        self.current = None;
        self.poll_lobby_start();
        let Some(driver) = self.driver.as_mut() else {
            return;
        };
        let now = Instant::now();
        driver.poll(now);
        self.emit_status_changes();
        self.follow_lobby(now);
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

    fn close(&mut self) {
        let _flush = FlushOnDrop;
        self.current = None;
        if let Some(own) = self.monitored_as {
            monitors::owner_closed(own);
        }
        if let Some(driver) = self.driver.as_mut() {
            driver.close();
        }
        // As GodotSteam's earlier peer did, a peer from create_lobby/connect_lobby leaves it.
        let lobby = self.lobby_start.lobby();
        self.end_lobby_start(lobby);
    }

    fn disconnect_peer(&mut self, peer: i32, force: bool) {
        let _flush = FlushOnDrop;
        let result = match self.driver.as_mut() {
            Some(driver) => driver.disconnect_peer(peer, force),
            None => Err(PeerError::Api(smp_peer::ApiError::NotActive)),
        };
        if let Err(err) = result {
            godot_error!("SteamMultiplayerPeer.disconnect_peer({peer}): {err}");
        }
    }

    fn get_unique_id(&self) -> i32 {
        if self.lobby_start.state() == LobbyState::HostPending {
            // The earlier peer was peer 1 from create_lobby on.
            return HOST_PEER_ID;
        }
        self.driver.as_ref().map_or(0, |d| d.session().unique_id())
    }

    fn set_refuse_new_connections(&mut self, enable: bool) {
        match self.driver.as_mut() {
            Some(driver) if driver.session().is_active() => {
                driver.set_refuse_new_connections(enable)
            }
            // As with ENet, the flag does not outlive create_host/create_client; say so.
            _ if enable => godot_warn!(
                "SteamMultiplayerPeer.refuse_new_connections: the peer is not active, and \
                 create_host() and create_client() start out accepting connections; set it after them"
            ),
            _ => {}
        }
    }

    fn is_refusing_new_connections(&self) -> bool {
        self.driver
            .as_ref()
            .is_some_and(|d| d.session().refuse_new_connections())
    }

    fn is_server_relay_supported(&self) -> bool {
        // A client relays when its host does, whatever its own property says.
        self.driver
            .as_ref()
            .filter(|d| d.session().is_active())
            .map_or(self.server_relay, |d| d.session().relays())
    }

    fn get_connection_status(&self) -> GodotStatus {
        if self.lobby_start.is_pending() {
            return GodotStatus::CONNECTING;
        }
        match self.driver.as_ref().map(|d| d.session().status()) {
            Some(ConnectionStatus::Connected) => GodotStatus::CONNECTED,
            Some(ConnectionStatus::Connecting) => GodotStatus::CONNECTING,
            _ => GodotStatus::DISCONNECTED,
        }
    }
}

#[godot_api(secondary)]
impl SteamMultiplayerPeer {
    /// [member transport]: Steam's networking sockets ([code]ISteamNetworkingSockets[/code]):
    /// a listen socket per peer, one Steam lane per channel. On Steam it needs
    /// [method Steam.steamInitEx] first (not in local mode); the relay network is initialized
    /// when the first peer starts.
    #[constant]
    const TRANSPORT_SOCKETS: i64 = 0;
    /// [member transport]: the legacy P2P API ([code]ISteamNetworking[/code]), for games that
    /// need it. It needs [method Steam.steamInitEx] first, in local mode too. Its packets use P2P
    /// channel 1000 (keep the game's own P2P packets off it). Unreliable payloads are at most
    /// 1189 bytes (the API's 1200, less headers): a larger one makes [code]put_packet[/code]
    /// return [constant ERR_INVALID_PARAMETER]. P2P sessions are per user and shared with the
    /// game: [method Steam.closeP2PSessionWithUser] also ends the peer's connection to that user.
    #[constant]
    const TRANSPORT_LEGACY_P2P: i64 = 1;

    /// [member debug_level]: warnings and errors only.
    #[constant]
    const DEBUG_LEVEL_NONE: i64 = 0;
    /// [member debug_level]: also the peers' connections, handshakes and drops.
    #[constant]
    const DEBUG_LEVEL_PEER: i64 = 1;
    /// [member debug_level]: also Steam's own informational networking output (local mode has
    /// none).
    #[constant]
    const DEBUG_LEVEL_STEAM: i64 = 2;

    /// Starts hosting: this peer becomes peer 1, is [constant MultiplayerPeer.CONNECTION_CONNECTED]
    /// at once, and accepts clients on Steam virtual port [param virtual_port].
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] if the peer is already active;
    /// [constant ERR_CANT_CREATE] if Steam networking is not available (on Steam before
    /// [method Steam.steamInitEx], or with [constant TRANSPORT_LEGACY_P2P] before it even in
    /// local mode) or another peer of this process listens on [param virtual_port]. Each error
    /// also pushes one saying why.
    #[func]
    fn create_host(&mut self, #[opt(default = 0)] virtual_port: i32) -> Error {
        let _flush = FlushOnDrop;
        self.start("create_host", |driver| driver.create_host(virtual_port))
    }

    /// Connects to the host whose Steam id is [param steam_id], on Steam virtual port
    /// [param virtual_port]. The peer is [constant MultiplayerPeer.CONNECTION_CONNECTING] until
    /// the host admits it ([signal MultiplayerAPI.connected_to_server]) or the attempt fails
    /// ([signal MultiplayerAPI.connection_failed]): refused, unreachable, or no handshake within
    /// 10 seconds. In local mode a user who is not running fails at once.
    ///
    /// The client also listens on [param virtual_port], for mesh links from other clients, and
    /// (with [member auto_mesh]) connects to them by themselves on that port.
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] if the peer is already active;
    /// [constant ERR_INVALID_PARAMETER] for our own Steam id, or one that is no user's (0, a
    /// lobby's, a clan's); [constant ERR_CANT_CREATE] if Steam
    /// networking is not available (as for [method create_host]) or the connection cannot be
    /// started. Each error also pushes one saying why.
    #[func]
    fn create_client(&mut self, steam_id: i64, #[opt(default = 0)] virtual_port: i32) -> Error {
        let _flush = FlushOnDrop;
        let server = SteamId(steam_id as u64);
        self.start("create_client", |driver| {
            driver.create_client(server, virtual_port, Instant::now())
        })
    }

    /// Connects to one more user, Steam id [param steam_id], on Steam virtual port
    /// [param virtual_port]: in a full mesh (the host's [member server_relay] is
    /// [code]false[/code]), a client can add another client this way, which [member auto_mesh]
    /// otherwise does by itself. A user already connected or connecting is left alone
    /// ([constant OK]), and two clients adding each other at once end with one connection. The
    /// new peer arrives with [signal MultiplayerPeer.peer_connected] once the host has admitted
    /// it to the session.
    ///
    /// Returns [constant OK]; [constant ERR_UNCONFIGURED] if the peer is not active;
    /// [constant ERR_INVALID_PARAMETER] for our own Steam id, or one that is no user's;
    /// [constant ERR_UNAVAILABLE] on a
    /// connected client whose host relays; [constant ERR_CANT_CREATE] if the connection cannot be
    /// started. Each error also pushes one saying why.
    #[func]
    fn add_peer(&mut self, steam_id: i64, #[opt(default = 0)] virtual_port: i32) -> Error {
        let _flush = FlushOnDrop;
        let Some(driver) = self.driver.as_mut() else {
            godot_error!(
                "SteamMultiplayerPeer.add_peer: the peer is not active; call create_host() or create_client() first"
            );
            return Error::ERR_UNCONFIGURED;
        };
        match driver.add_peer(SteamId(steam_id as u64), virtual_port, Instant::now()) {
            Ok(()) => Error::OK,
            Err(err) => {
                godot_error!("SteamMultiplayerPeer.add_peer({steam_id}): {err}");
                godot_error(&err, Error::ERR_CANT_CREATE)
            }
        }
    }

    /// Hosts the game of lobby [param lobby_id] (a Steam id), which we must own: call it from
    /// [signal Steam.lobby_created]. Like [method create_host] on virtual port 0, then the peer
    /// follows the lobby on every poll: it connects members (who join later too), disconnects
    /// members who leave (everyone, if we leave), and refuses connections from anyone else
    /// after 5 seconds' grace (a join Steam has not reported yet), saying so in the log.
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] if the peer is already active;
    /// [constant ERR_CANT_CREATE] before [method Steam.steamInitEx] (local mode included), when we
    /// do not own the lobby, or as for [method create_host]. Each error also pushes one saying
    /// why.
    #[func]
    fn host_with_lobby(&mut self, lobby_id: i64) -> Error {
        let _flush = FlushOnDrop;
        let lobby = SteamId(lobby_id as u64);
        let view = match self.lobby_view("host_with_lobby", lobby) {
            Ok(view) => view,
            Err(error) => return error,
        };
        if view.owner != view.me {
            godot_error!(
                "SteamMultiplayerPeer.host_with_lobby: we do not own lobby {lobby_id} (its owner is {})",
                view.owner
            );
            return Error::ERR_CANT_CREATE;
        }
        self.start_following("host_with_lobby", lobby, |driver| driver.create_host(0))
    }

    /// Joins the game of lobby [param lobby_id] (a Steam id), which we must be in but not own:
    /// call it from [signal Steam.lobby_joined]. Like [method create_client] to the lobby's owner
    /// on virtual port 0, and in a full mesh to every other member; from then on the peer follows
    /// the lobby as [method host_with_lobby] does. Leaving the lobby, or its owner leaving, ends
    /// the game.
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] when the peer is already active;
    /// [constant ERR_CANT_CREATE] before [method Steam.steamInitEx] (local mode included), when
    /// we are not in the lobby, when we own it (use [method host_with_lobby]), or as for
    /// [method create_client]. Each error also pushes one saying why.
    #[func]
    fn connect_to_lobby(&mut self, lobby_id: i64) -> Error {
        let _flush = FlushOnDrop;
        let lobby = SteamId(lobby_id as u64);
        let view = match self.lobby_view("connect_to_lobby", lobby) {
            Ok(view) => view,
            Err(error) => return error,
        };
        if view.owner.0 == 0 || !view.members.contains(&view.me) {
            godot_error!(
                "SteamMultiplayerPeer.connect_to_lobby: we are not in lobby {lobby_id}; join it first"
            );
            return Error::ERR_CANT_CREATE;
        }
        if view.owner == view.me {
            godot_error!(
                "SteamMultiplayerPeer.connect_to_lobby: we own lobby {lobby_id}; host it with host_with_lobby()"
            );
            return Error::ERR_CANT_CREATE;
        }
        let owner = view.owner;
        self.start_following("connect_to_lobby", lobby, |driver| {
            driver.create_client(owner, 0, Instant::now())
        })
    }

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
    /// Starts hosting or connecting with a driver, creating it on first use.
    fn start(
        &mut self,
        call: &str,
        start: impl FnOnce(&mut PeerDriver) -> Result<(), PeerError>,
    ) -> Error {
        if self.is_active() {
            godot_error!(
                "SteamMultiplayerPeer.{call}: the peer is already active; call close() first"
            );
            return Error::ERR_ALREADY_IN_USE;
        }
        if self.driver.is_none() {
            let sockets = if self.transport == Self::TRANSPORT_LEGACY_P2P {
                backend::open_p2p_sockets()
            } else {
                backend::open_sockets()
            };
            match sockets {
                Ok(sockets) => {
                    let config = Config {
                        channels: settings::max_channels(),
                        ..Config::default()
                    };
                    self.driver = Some(PeerDriver::new(
                        sockets,
                        config,
                        Rng::from_entropy().next_u64(),
                    ));
                }
                Err(why) => {
                    godot_error!(
                        "SteamMultiplayerPeer.{call}: Steam networking is not available: {why}"
                    );
                    return Error::ERR_CANT_CREATE;
                }
            }
        }
        let options = self.config_options();
        let driver = self.driver.as_mut().expect("created above");
        driver.set_options(&options);
        driver.set_no_delay(self.no_delay);
        driver.set_no_nagle(self.no_nagle);
        driver.set_auto_mesh(self.auto_mesh);
        let started = driver
            .set_server_relay(self.server_relay)
            .and_then(|()| start(driver));
        self.current = None;
        match started {
            Ok(()) => Error::OK,
            Err(err) => {
                godot_error!("SteamMultiplayerPeer.{call}: {err}");
                godot_error(&err, Error::ERR_CANT_CREATE)
            }
        }
    }

    fn is_active(&self) -> bool {
        self.driver
            .as_ref()
            .is_some_and(|d| d.session().is_active())
    }

    /// The lobby a call starts from, or the error to return: `ERR_ALREADY_IN_USE` when the
    /// peer is active, `ERR_CANT_CREATE` before Steam is initialized.
    fn lobby_view(&self, call: &str, lobby: SteamId) -> Result<backend::LobbyView, Error> {
        if self.is_active() {
            godot_error!(
                "SteamMultiplayerPeer.{call}: the peer is already active; call close() first"
            );
            return Err(Error::ERR_ALREADY_IN_USE);
        }
        backend::lobby_view(lobby).ok_or_else(|| {
            godot_error!(
                "SteamMultiplayerPeer.{call}: Steam is not initialized; call Steam.steamInitEx() first"
            );
            Error::ERR_CANT_CREATE
        })
    }

    fn start_following(
        &mut self,
        call: &str,
        lobby: SteamId,
        start: impl FnOnce(&mut PeerDriver) -> Result<(), PeerError>,
    ) -> Error {
        let error = self.start(call, start);
        if error == Error::OK {
            self.lobby = Some(lobby);
            self.follow_lobby(Instant::now());
        }
        error
    }

    /// Keeps a peer started from a lobby in step with its members.
    fn follow_lobby(&mut self, now: Instant) {
        let Some(lobby) = self.lobby else {
            return;
        };
        let Some(driver) = self.driver.as_mut().filter(|d| d.session().is_active()) else {
            self.lobby = None;
            return;
        };
        if let Some(view) = backend::lobby_view(lobby) {
            driver.follow_members(&view.members, 0, now);
        }
    }

    fn next_packet(&self) -> Option<&Packet<Vec<u8>>> {
        self.driver.as_ref()?.next_packet()
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

impl Drop for SteamMultiplayerPeer {
    fn drop(&mut self) {
        if let Some(own) = self.monitored_as {
            monitors::owner_closed(own);
        }
        let lobby = self.lobby_start.lobby();
        self.end_lobby_start(lobby);
    }
}

fn to_godot_mode(mode: TransferMode) -> GodotMode {
    match mode {
        TransferMode::Unreliable => GodotMode::UNRELIABLE,
        TransferMode::UnreliableOrdered => GodotMode::UNRELIABLE_ORDERED,
        TransferMode::Reliable => GodotMode::RELIABLE,
    }
}
