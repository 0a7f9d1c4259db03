//! GodotSteam's earlier, lobby-based peer: `create_lobby` and `connect_lobby`, its enums, and
//! the lobby's callbacks re-emitted on the peer. Once Steam has answered, the peer hosts or
//! joins exactly as [method SteamMultiplayerPeer.host_with_lobby] and
//! [method SteamMultiplayerPeer.connect_to_lobby] do.

use godot::global::{Error, godot_error};
use godot::prelude::*;
use smp_steam::lobby_start::{LobbyState, LobbyStep};
use smp_steam::{LobbyType, SteamId, chat_member_state};

use super::SteamMultiplayerPeer;
use crate::backend;
use crate::errors::already_active;
use crate::log_bridge::FlushOnDrop;
use crate::steam::events::signal_of;

/// The earlier peer's default member limit.
const DEFAULT_MAX_PLAYERS: i64 = 32;

#[godot_api(secondary)]
impl SteamMultiplayerPeer {
    /// [method create_lobby] type: joined only by invitation (Steam's
    /// [constant Steam.LOBBY_TYPE_PRIVATE]).
    #[constant]
    const LOBBY_TYPE_PRIVATE: i64 = LobbyType::Private as i64;
    /// [method create_lobby] type: friends and invitees can join.
    #[constant]
    const LOBBY_TYPE_FRIENDS_ONLY: i64 = LobbyType::FriendsOnly as i64;
    /// [method create_lobby] type: listed, and anyone can join.
    #[constant]
    const LOBBY_TYPE_PUBLIC: i64 = LobbyType::Public as i64;
    /// [method create_lobby] type: anyone with its id can join; never listed.
    #[constant]
    const LOBBY_TYPE_INVISIBLE: i64 = LobbyType::Invisible as i64;
    /// [method create_lobby] type: private, one per user; only Steam's Web API creates it, so
    /// [method create_lobby] fails with it.
    #[constant]
    const LOBBY_TYPE_PRIVATE_UNIQUE: i64 = LobbyType::PrivateUnique as i64;
    /// [signal lobby_chat_update] bit: the user joined.
    #[constant]
    const CHAT_CHANGE_ENTERED: i64 = chat_member_state::ENTERED as i64;
    /// [signal lobby_chat_update] bit: the user left.
    #[constant]
    const CHAT_CHANGE_LEFT: i64 = chat_member_state::LEFT as i64;
    /// [signal lobby_chat_update] bit: the user's connection was lost.
    #[constant]
    const CHAT_CHANGE_DISCONNECTED: i64 = chat_member_state::DISCONNECTED as i64;
    /// [signal lobby_chat_update] bit: the user was kicked.
    #[constant]
    const CHAT_CHANGE_KICKED: i64 = chat_member_state::KICKED as i64;
    /// [signal lobby_chat_update] bit: the user was banned.
    #[constant]
    const CHAT_CHANGE_BANNED: i64 = chat_member_state::BANNED as i64;
    /// [method get_state]: not started with [method create_lobby] or [method connect_lobby], or
    /// closed.
    #[constant]
    const LOBBY_STATE_NOT_CONNECTED: i64 = LobbyState::NotConnected as i64;
    /// [method get_state]: [method create_lobby] waits for Steam to create the lobby.
    #[constant]
    const LOBBY_STATE_HOST_PENDING: i64 = LobbyState::HostPending as i64;
    /// [method get_state]: hosting the lobby [method create_lobby] made.
    #[constant]
    const LOBBY_STATE_HOSTING: i64 = LobbyState::Hosting as i64;
    /// [method get_state]: [method connect_lobby] waits for Steam to let us in.
    #[constant]
    const LOBBY_STATE_CLIENT_PENDING: i64 = LobbyState::ClientPending as i64;
    /// [method get_state]: in the lobby's game as a client.
    #[constant]
    const LOBBY_STATE_CLIENT: i64 = LobbyState::Client as i64;

    /// GodotSteam's earlier peer: creates a Steam lobby of [param lobby_type] (a `LOBBY_TYPE_*`
    /// constant) for up to [param max_players] members, and hosts its game as peer 1 once Steam
    /// has created it, as [method host_with_lobby] does. Until then the peer is
    /// [constant MultiplayerPeer.CONNECTION_CONNECTING] ([constant LOBBY_STATE_HOST_PENDING]);
    /// assign it to [member MultiplayerAPI.multiplayer_peer] at once if you like. The peer
    /// emits [signal lobby_created] and [signal lobby_joined], then follows the lobby;
    /// [method MultiplayerPeer.close] leaves it.
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] if the peer is active or already
    /// started this way; [constant ERR_INVALID_PARAMETER] for an unknown type;
    /// [constant ERR_CANT_CREATE] before [method Steam.steamInitEx] (local mode included). If
    /// Steam then fails to create the lobby, [signal lobby_created] says why and
    /// [signal debug_data] too, and the peer is back to not connected.
    #[func]
    fn create_lobby(
        &mut self,
        lobby_type: i64,
        #[opt(default = DEFAULT_MAX_PLAYERS)] max_players: i64,
    ) -> Error {
        let _flush = FlushOnDrop;
        let Some(kind) = LobbyType::from_raw(lobby_type) else {
            godot_error!(
                "SteamMultiplayerPeer.create_lobby: {lobby_type} is not a LOBBY_TYPE_* constant"
            );
            return Error::ERR_INVALID_PARAMETER;
        };
        let max = u32::try_from(max_players.max(1)).unwrap_or(u32::MAX);
        let error = self.start_lobby("create_lobby", Some(kind), max, SteamId(0));
        if error == Error::OK {
            self.lobby_start.creating();
        }
        error
    }

    /// GodotSteam's earlier peer: joins Steam lobby [param lobby_id] (a Steam id) and, once in,
    /// its game, as [method connect_to_lobby] does: the peer is
    /// [constant MultiplayerPeer.CONNECTION_CONNECTING] ([constant LOBBY_STATE_CLIENT_PENDING])
    /// until the lobby's owner admits it. The peer emits [signal lobby_joined], then follows the
    /// lobby; [method MultiplayerPeer.close] leaves it.
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] if the peer is active or already
    /// started this way; [constant ERR_CANT_CREATE] before [method Steam.steamInitEx];
    /// [constant ERR_INVALID_PARAMETER] when [param lobby_id] is not a lobby's Steam id. If Steam
    /// does not let us in, [signal lobby_joined] carries its response, [signal debug_data] says
    /// so, and the peer is back to not connected.
    #[func]
    fn connect_lobby(&mut self, lobby_id: i64) -> Error {
        let _flush = FlushOnDrop;
        let lobby = SteamId(lobby_id as u64);
        if !lobby.is_lobby() {
            godot_error!(
                "SteamMultiplayerPeer.connect_lobby: {lobby_id} is not a lobby's Steam id"
            );
            return Error::ERR_INVALID_PARAMETER;
        }
        let error = self.start_lobby("connect_lobby", None, 0, lobby);
        if error == Error::OK {
            self.lobby_start.joining(lobby);
        }
        error
    }

    /// The Steam id of the lobby [method create_lobby] made or [method connect_lobby] joins, or
    /// the one [method host_with_lobby] or [method connect_to_lobby] follows; 0 when none.
    #[func]
    fn get_lobby_id(&self) -> i64 {
        self.lobby_start
            .lobby()
            .or(self.lobby)
            .map_or(0, |lobby| lobby.0 as i64)
    }

    /// Where a peer started with [method create_lobby] or [method connect_lobby] stands: a
    /// `LOBBY_STATE_*` constant ([constant LOBBY_STATE_NOT_CONNECTED] for peers started
    /// otherwise).
    #[func]
    fn get_state(&self) -> i64 {
        self.lobby_start.state() as i64
    }

    /// Every connected peer as [code]{peer id: Steam id}[/code].
    #[func]
    fn get_peer_map(&self) -> VarDictionary {
        let mut map = VarDictionary::new();
        if let Some(driver) = self.driver.as_ref() {
            for id in driver.session().peer_ids() {
                if let Some((_, steam_id)) = driver.session().peer(id) {
                    map.set(i64::from(id), steam_id.0 as i64);
                }
            }
        }
        map
    }

    /// The earlier peer's diagnostics: [code]lobby_id[/code], [code]lobby_owner[/code] and
    /// [code]steam_id[/code] (each a Dictionary of [code]GetAccountID[/code],
    /// [code]GetUnAccountInstance[/code], [code]GetEAccountType[/code] and
    /// [code]GetEUniverse[/code]), [code]lobby_state[/code], [code]no_nagle[/code],
    /// [code]no_delay[/code], [code]target_peer[/code], [code]unique_id[/code], and
    /// [code]connections[/code]: per connected peer [code]peer_id[/code], [code]steam_id[/code]
    /// (its account id), [code]connection_status[/code] and what
    /// [method SteamPacketPeer.get_connection_quality] reports, under the earlier names
    /// ([code]ping[/code], [code]connection_quality_local[/code], ...). Ours adds
    /// [code]dropped[/code]: what the network sent that the peer threw away, by cause
    /// ([code]malformed[/code], [code]stale[/code] and [code]duplicate[/code] unreliable
    /// packets, [code]unknown_connection[/code], [code]refused_flood[/code]: connection
    /// attempts refused because too many were waiting, and [code]transport[/code]: packets the
    /// legacy P2P transport could not read, for every peer of this user).
    #[func]
    fn collect_debug_data(&self) -> VarDictionary {
        let lobby = self.lobby_start.lobby().or(self.lobby);
        let view = lobby.and_then(backend::lobby_view);
        let me = view.as_ref().map_or(SteamId(0), |v| v.me);
        let owner = view.as_ref().map_or(SteamId(0), |v| v.owner);
        let mut out = VarDictionary::new();
        out.set("lobby_id", &id_parts(lobby.unwrap_or(SteamId(0))));
        out.set("lobby_owner", &id_parts(owner));
        out.set("steam_id", &id_parts(me));
        out.set("lobby_state", self.get_state());
        out.set("no_nagle", self.no_nagle);
        out.set("no_delay", self.no_delay);
        out.set("target_peer", self.target_peer);
        out.set(
            "unique_id",
            self.driver.as_ref().map_or(0, |d| d.session().unique_id()),
        );
        let mut connections = VarArray::new();
        if let Some(driver) = self.driver.as_ref() {
            for id in driver.session().peer_ids() {
                let Some((steam_id, state)) = driver.peer_connection(id) else {
                    continue;
                };
                let quality = driver.peer_quality(id).unwrap_or_default();
                let mut peer = VarDictionary::new();
                peer.set("peer_id", id);
                peer.set("steam_id", i64::from(steam_id.account_id()));
                peer.set("pending_packet_count", 0);
                peer.set("connection_status", format!("{state:?}"));
                peer.set("packets_per_sec", f64::from(quality.in_packets_per_sec));
                peer.set("bytes_per_sec", f64::from(quality.in_bytes_per_sec));
                peer.set("connection_quality_local", f64::from(quality.quality_local));
                peer.set(
                    "connection_quality_remote",
                    f64::from(quality.quality_remote),
                );
                peer.set(
                    "send_rate_bytes_per_second",
                    i64::from(quality.send_rate_bytes_per_sec),
                );
                peer.set("pending_unreliable", i64::from(quality.pending_unreliable));
                peer.set("pending_reliable", i64::from(quality.pending_reliable));
                peer.set(
                    "sent_unacked_reliable",
                    i64::from(quality.sent_unacked_reliable),
                );
                peer.set("queue_time", quality.queue_time_usec);
                peer.set("ping", i64::from(quality.ping_ms));
                connections.push(&peer.to_variant());
            }
        }
        out.set("connections", &connections);
        let (drops, transport) = self
            .driver
            .as_ref()
            .map(|d| (d.session().drops(), d.transport_dropped()))
            .unwrap_or_default();
        let mut dropped = VarDictionary::new();
        dropped.set("malformed", drops.malformed as i64);
        dropped.set("stale", drops.stale as i64);
        dropped.set("duplicate", drops.duplicate as i64);
        dropped.set("unknown_connection", drops.unknown_connection as i64);
        dropped.set("refused_flood", drops.refused_flood as i64);
        dropped.set("transport", transport as i64);
        out.set("dropped", &dropped);
        out
    }
}

impl SteamMultiplayerPeer {
    /// Asks Steam to create (`kind`) or join (`lobby`) a lobby, for `create_lobby` or
    /// `connect_lobby`.
    fn start_lobby(
        &mut self,
        call: &str,
        kind: Option<LobbyType>,
        max_members: u32,
        lobby: SteamId,
    ) -> Error {
        if self.is_active() || self.lobby_start.state() != LobbyState::NotConnected {
            return already_active(call);
        }
        match backend::start_lobby(kind, max_members, lobby) {
            Some(tap) => {
                self.tap = Some(tap);
                Error::OK
            }
            None => {
                godot_error!(
                    "SteamMultiplayerPeer.{call}: Steam is not initialized; call Steam.steamInitEx() first"
                );
                Error::ERR_CANT_CREATE
            }
        }
    }

    /// Takes Steam's answers for a `create_lobby`/`connect_lobby` peer: starts hosting or
    /// joining once they allow, and re-emits its lobby's callbacks as the peer's signals.
    pub(super) fn poll_lobby_start(&mut self) {
        let Some(tap) = self.tap else {
            return;
        };
        for event in backend::read_tap(tap) {
            let (emit, step) = self.lobby_start.on_event(&event);
            match step {
                Some(LobbyStep::Host(lobby)) => {
                    let error = self.host_with_lobby(lobby.0 as i64);
                    self.finish_start(error);
                }
                Some(LobbyStep::Join(lobby)) => {
                    let error = self.connect_to_lobby(lobby.0 as i64);
                    self.finish_start(error);
                }
                Some(LobbyStep::Failed(why)) => self.start_failed(&why),
                None => {}
            }
            if emit {
                let (signal, args) = signal_of(event);
                self.base_mut().emit_signal(signal, &args);
            }
        }
    }

    fn finish_start(&mut self, error: Error) {
        if error == Error::OK {
            self.lobby_start.started();
        } else {
            self.start_failed(&format!("the game could not start: {error:?}"));
        }
    }

    fn start_failed(&mut self, why: &str) {
        godot_error!("SteamMultiplayerPeer: {why}");
        let lobby = self.lobby_start.lobby();
        self.end_lobby_start(lobby);
        let mut data = VarDictionary::new();
        data.set("msg", why);
        self.base_mut()
            .emit_signal("debug_data", &[data.to_variant()]);
    }

    /// Stops following Steam's answers; leaves `lobby` when given (as `close()` of the
    /// earlier peer did).
    pub(super) fn end_lobby_start(&mut self, lobby: Option<SteamId>) {
        if let Some(tap) = self.tap.take() {
            backend::end_lobby(tap, lobby);
        }
        self.lobby_start.reset();
    }
}

/// A Steam id as the earlier peer's diagnostics took it apart.
fn id_parts(id: SteamId) -> VarDictionary {
    let mut parts = VarDictionary::new();
    parts.set("GetAccountID", i64::from(id.account_id()));
    parts.set("GetUnAccountInstance", ((id.0 >> 32) & 0xF_FFFF) as i64);
    parts.set("GetEAccountType", ((id.0 >> 52) & 0xF) as i64);
    parts.set("GetEUniverse", (id.0 >> 56) as i64);
    parts
}
