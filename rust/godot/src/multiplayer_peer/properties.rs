//! The peer's properties (their accessors and the constants of their values) and its signals,
//! GodotSteam's current ones and the earlier peers': gdext registers properties and signals only
//! from a class's one primary `#[godot_api]` block.

use godot::global::godot_error;
use godot::prelude::*;

use super::*;
use crate::{backend, log_bridge};

#[godot_api]
impl SteamMultiplayerPeer {
    /// [member transport]: Steam's networking sockets ([code]ISteamNetworkingSockets[/code]):
    /// a listen socket per peer, one Steam lane per channel. On Steam it needs
    /// [method Steam.steamInitEx] first (not in local mode); the relay network is initialized
    /// when the first peer starts.
    #[constant]
    pub(super) const TRANSPORT_SOCKETS: i64 = 0;
    /// [member transport]: the legacy P2P API ([code]ISteamNetworking[/code]), for games that
    /// need it. It needs [method Steam.steamInitEx] first, in local mode too. Its packets use P2P
    /// channel 1000 (keep the game's own P2P packets off it). Unreliable payloads are at most
    /// 1189 bytes (the API's 1200, less headers): a larger one makes [code]put_packet[/code]
    /// return [constant ERR_INVALID_PARAMETER]. P2P sessions are per user and shared with the
    /// game: [method Steam.closeP2PSessionWithUser] also ends the peer's connection to that user.
    #[constant]
    pub(super) const TRANSPORT_LEGACY_P2P: i64 = 1;

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

    /// The lobby [method create_lobby] asked for: [param connect] is Steam's
    /// [code]EResult[/code] (1: created), [param lobby_id] its Steam id (0 on failure). As
    /// [signal Steam.lobby_created].
    #[signal]
    fn lobby_created(connect: i64, lobby_id: i64);
    /// We entered this peer's lobby [param lobby], or failed to ([param response], a
    /// [code]CHAT_ROOM_ENTER_RESPONSE_*[/code] of [Steam]). As [signal Steam.lobby_joined].
    #[signal]
    fn lobby_joined(lobby: i64, permissions: i64, locked: bool, response: i64);
    /// A member joined or left this peer's lobby: [param chat_state] holds `CHAT_CHANGE_*`
    /// bits. As [signal Steam.lobby_chat_update]; the peer connects and drops members itself.
    #[signal]
    fn lobby_chat_update(lobby_id: i64, changed_id: i64, making_change_id: i64, chat_state: i64);
    /// A chat message in this peer's lobby, our own included. As [signal Steam.lobby_message].
    #[signal]
    fn lobby_message(lobby_id: i64, user: i64, message: GString, chat_type: i64);
    /// Lobby or member data of this peer's lobby changed. As [signal Steam.lobby_data_update];
    /// GodotSteam's first peer declared it without arguments and never emitted it.
    #[signal]
    fn lobby_data_update(success: i64, lobby_id: i64, member_id: i64);
    /// Declared as GodotSteam's earlier peer did, for code that connects to it: Steam never
    /// sends it ([code]LobbyKicked_t[/code] is unused), and neither does this peer.
    #[signal]
    fn lobby_kicked(lobby_id: i64, admin_id: i64, due_to_disconnect: i64);
    /// Declared as GodotSteam's earlier peer did, for code that connects to it: Steam sends it
    /// when a lobby's owner sets its game server, which nothing of this addon does.
    #[signal]
    fn lobby_game_created(lobby_id: i64, server_id: i64, server_ip: GString, port: i64);
    /// An invitation, while this peer is started from a lobby. As [signal Steam.lobby_invite].
    #[signal]
    fn lobby_invite(inviter: i64, lobby: i64, game: i64);
    /// A lobby list arrived ([method Steam.requestLobbyList]), while this peer is started from
    /// a lobby. As [signal Steam.lobby_match_list].
    #[signal]
    fn lobby_match_list(lobbies: VarArray);
    /// Diagnostics from a [method create_lobby] or [method connect_lobby] peer:
    /// [code]{"msg": String}[/code] saying why its start failed.
    #[signal]
    fn debug_data(data: VarDictionary);
    /// A connection of this peer changed state (expressobits' peer): [param connect_handle] is
    /// its handle, [param old_state] its [code]ESteamNetworkingConnectionState[/code] before,
    /// and [param connection] GodotSteam's Dictionary: [code]identity[/code] (the remote's Steam
    /// id), [code]user_data[/code], [code]listen_socket[/code], [code]remote_address[/code],
    /// [code]remote_pop[/code], [code]pop_relay[/code], [code]connection_state[/code] (now),
    /// [code]end_reason[/code], [code]end_debug[/code] and [code]debug_description[/code].
    #[signal]
    fn network_connection_status_changed(
        connect_handle: i64,
        connection: VarDictionary,
        old_state: i64,
    );

    /// Sets [member debug_level], clamped to [constant DEBUG_LEVEL_NONE] ..
    /// [constant DEBUG_LEVEL_STEAM], for the whole process.
    #[func]
    pub(super) fn set_debug_level(&mut self, level: i64) {
        self.debug_level = level.clamp(Self::DEBUG_LEVEL_NONE, Self::DEBUG_LEVEL_STEAM);
        let steam_output = self.debug_level == Self::DEBUG_LEVEL_STEAM;
        log_bridge::set_verbose(self.debug_level >= Self::DEBUG_LEVEL_PEER, steam_output);
        backend::hook_steam_output();
    }

    /// Sets [member no_delay]; takes effect at once.
    #[func]
    pub(super) fn set_no_delay(&mut self, no_delay: bool) {
        self.no_delay = no_delay;
        if let Some(driver) = self.driver.as_mut() {
            driver.set_no_delay(no_delay);
        }
    }

    /// Sets [member no_nagle]; takes effect at once.
    #[func]
    pub(super) fn set_no_nagle(&mut self, no_nagle: bool) {
        self.no_nagle = no_nagle;
        if let Some(driver) = self.driver.as_mut() {
            driver.set_no_nagle(no_nagle);
        }
    }

    /// Sets [member transport]. While the peer is active, or for a value that is not a
    /// `TRANSPORT_*` constant, pushes an error and changes nothing.
    #[func]
    pub(super) fn set_transport(&mut self, transport: i64) {
        if !matches!(
            transport,
            Self::TRANSPORT_SOCKETS | Self::TRANSPORT_LEGACY_P2P
        ) {
            godot_error!(
                "SteamMultiplayerPeer.transport: {transport} is not TRANSPORT_SOCKETS or TRANSPORT_LEGACY_P2P"
            );
            return;
        }
        if self.is_active() {
            godot_error!(
                "SteamMultiplayerPeer.transport cannot change while the peer is active; close() it first"
            );
            return;
        }
        if transport != self.transport {
            self.transport = transport;
            // The next start opens the new transport.
            self.driver = None;
        }
    }

    /// Sets [member auto_mesh]; takes effect at once.
    #[func]
    pub(super) fn set_auto_mesh(&mut self, enabled: bool) {
        self.auto_mesh = enabled;
        if let Some(driver) = self.driver.as_mut() {
            driver.set_auto_mesh(enabled);
        }
    }

    /// Sets [member server_relay]. While the peer is active, pushes an error and changes
    /// nothing.
    #[func]
    pub(super) fn set_server_relay(&mut self, enabled: bool) {
        if self.is_active() {
            godot_error!(
                "SteamMultiplayerPeer.server_relay cannot change while the peer is active; close() it first"
            );
            return;
        }
        self.server_relay = enabled;
    }

    /// [member as_relay]: the earlier peer's name for [member server_relay].
    #[func]
    pub(super) fn get_as_relay(&self) -> bool {
        self.server_relay
    }

    /// Sets [member as_relay], that is [member server_relay].
    #[func]
    pub(super) fn set_as_relay(&mut self, enabled: bool) {
        self.set_server_relay(enabled);
    }

    /// [member options]: the networking options [method set_config] set.
    #[func]
    pub(super) fn get_options(&self) -> VarDictionary {
        self.networking_options.clone()
    }

    /// Replaces [member options] with [param options], [code]{NETWORKING_CONFIG_*: value}[/code].
    #[func]
    pub(super) fn set_options(&mut self, options: VarDictionary) {
        self.networking_options = options;
    }

    /// [member listen_socket]: the handle of the peer's listen socket, 0 while it has none.
    #[func]
    pub(super) fn get_listen_socket(&self) -> i64 {
        self.driver
            .as_ref()
            .and_then(|d| d.listen_socket())
            .map_or(0, |socket| i64::from(socket.0))
    }

    /// The peer opens and closes its listen socket itself: setting [member listen_socket]
    /// pushes an error and changes nothing.
    #[func]
    pub(super) fn set_listen_socket(&mut self, listen_socket: i64) {
        godot_error!(
            "SteamMultiplayerPeer.listen_socket is the peer's own (it opens it when it starts); \
             {listen_socket} was not taken"
        );
    }
}
