//! The legacy P2P networking (`ISteamNetworking`) and relay access: GodotSteam's functions,
//! signals and enums.

use godot::prelude::*;
use smp_steam::{P2PSend, P2PSessionError};

use super::{Steam, user_id};

#[godot_api(secondary)]
impl Steam {
    /// [method sendP2PPacket] send type: unreliable, at most 1200 bytes; may be lost or arrive
    /// out of order. Held back while the session is being set up.
    #[constant]
    const P2P_SEND_UNRELIABLE: i64 = P2PSend::Unreliable as i64;
    /// [method sendP2PPacket] send type: as [constant P2P_SEND_UNRELIABLE], but dropped when the
    /// session is not up yet.
    #[constant]
    const P2P_SEND_UNRELIABLE_NO_DELAY: i64 = P2PSend::UnreliableNoDelay as i64;
    /// [method sendP2PPacket] send type: reliable and in order, up to 1 MiB (1048576 bytes); sent
    /// at once.
    #[constant]
    const P2P_SEND_RELIABLE: i64 = P2PSend::Reliable as i64;
    /// [method sendP2PPacket] send type: as [constant P2P_SEND_RELIABLE], but Steam holds it up
    /// to about 200 ms to coalesce it with later packets (local mode sends it at once).
    #[constant]
    const P2P_SEND_RELIABLE_WITH_BUFFERING: i64 = P2PSend::ReliableWithBuffering as i64;
    /// [signal p2p_session_connect_fail] and [method getP2PSessionState] error: none.
    #[constant]
    const P2P_SESSION_ERROR_NONE: i64 = P2PSessionError::None as i64;
    /// P2P session error: the remote does not run this game. Steam no longer sends it; local
    /// mode does, for a user who is not running.
    #[constant]
    const P2P_SESSION_ERROR_NOT_RUNNING_APP: i64 = P2PSessionError::NotRunningApp as i64;
    /// P2P session error: the local user does not own this game.
    #[constant]
    const P2P_SESSION_ERROR_NO_RIGHTS_TO_APP: i64 = P2PSessionError::NoRightsToApp as i64;
    /// P2P session error: the remote is not logged on. Steam no longer sends it.
    #[constant]
    const P2P_SESSION_ERROR_DESTINATION_NOT_LOGGED_ON: i64 =
        P2PSessionError::DestinationNotLoggedOn as i64;
    /// P2P session error: the remote did not answer in time (perhaps it never accepted the
    /// session, or a firewall blocks it).
    #[constant]
    const P2P_SESSION_ERROR_TIMEOUT: i64 = P2PSessionError::Timeout as i64;
    /// P2P session error: the end of the list, never an error itself.
    #[constant]
    const P2P_SESSION_ERROR_MAX: i64 = 5;
    /// [code]SNetSocketConnectionType[/code] (the retired socket API): not connected. No call of
    /// this addon uses these; they exist for GodotSteam compatibility.
    #[constant]
    const NET_SOCKET_CONNECTION_TYPE_NOT_CONNECTED: i64 = 0;
    /// [code]SNetSocketConnectionType[/code]: UDP. For GodotSteam compatibility only.
    #[constant]
    const NET_SOCKET_CONNECTION_TYPE_UDP: i64 = 1;
    /// [code]SNetSocketConnectionType[/code]: UDP through a relay. For GodotSteam compatibility
    /// only.
    #[constant]
    const NET_SOCKET_CONNECTION_TYPE_UDP_RELAY: i64 = 2;
    /// [code]SNetSocketState[/code] (the retired socket API): invalid. For GodotSteam compatibility
    /// only.
    #[constant]
    const NET_SOCKET_STATE_INVALID: i64 = 0;
    /// [code]SNetSocketState[/code]: connected. For GodotSteam compatibility only.
    #[constant]
    const NET_SOCKET_STATE_CONNECTED: i64 = 1;
    /// [code]SNetSocketState[/code]: connecting, started. For GodotSteam compatibility only.
    #[constant]
    const NET_SOCKET_STATE_INITIATED: i64 = 10;
    /// [code]SNetSocketState[/code]: connecting, a local candidate found. For GodotSteam
    /// compatibility only.
    #[constant]
    const NET_SOCKET_STATE_LOCAL_CANDIDATE_FOUND: i64 = 11;
    /// [code]SNetSocketState[/code]: connecting, the remote's candidates received. For GodotSteam
    /// compatibility only.
    #[constant]
    const NET_SOCKET_STATE_RECEIVED_REMOTE_CANDIDATES: i64 = 12;
    /// [code]SNetSocketState[/code]: connecting, in the challenge handshake. For GodotSteam
    /// compatibility only.
    #[constant]
    const NET_SOCKET_STATE_CHALLENGE_HANDSHAKE: i64 = 15;
    /// [code]SNetSocketState[/code]: disconnecting. For GodotSteam compatibility only.
    #[constant]
    const NET_SOCKET_STATE_DISCONNECTING: i64 = 21;
    /// [code]SNetSocketState[/code]: disconnected locally. For GodotSteam compatibility only.
    #[constant]
    const NET_SOCKET_STATE_LOCAL_DISCONNECT: i64 = 22;
    /// [code]SNetSocketState[/code]: timed out while connecting. For GodotSteam compatibility only.
    #[constant]
    const NET_SOCKET_STATE_TIMEOUT_DURING_CONNECT: i64 = 23;
    /// [code]SNetSocketState[/code]: the remote disconnected. For GodotSteam compatibility only.
    #[constant]
    const NET_SOCKET_STATE_REMOTE_END_DISCONNECTED: i64 = 24;
    /// [code]SNetSocketState[/code]: broken. For GodotSteam compatibility only.
    #[constant]
    const NET_SOCKET_STATE_BROKEN: i64 = 25;
    /// [method getRelayNetworkStatus]: something it depends on is missing (e.g. no Internet), so
    /// Steam cannot try.
    #[constant]
    const NETWORKING_AVAILABILITY_CANNOT_TRY: i64 = -102;
    /// [method getRelayNetworkStatus]: never reached, in the time it should have taken.
    #[constant]
    const NETWORKING_AVAILABILITY_FAILED: i64 = -101;
    /// [method getRelayNetworkStatus]: it worked before, and was lost.
    #[constant]
    const NETWORKING_AVAILABILITY_PREVIOUSLY: i64 = -100;
    /// [method getRelayNetworkStatus]: failed before, and Steam is retrying.
    #[constant]
    const NETWORKING_AVAILABILITY_RETRYING: i64 = -10;
    /// [method getRelayNetworkStatus]: not tried yet (see [method initRelayNetworkAccess]).
    #[constant]
    const NETWORKING_AVAILABILITY_NEVER_TRIED: i64 = 1;
    /// [method getRelayNetworkStatus]: waiting for something it needs (e.g. being logged on).
    #[constant]
    const NETWORKING_AVAILABILITY_WAITING: i64 = 2;
    /// [method getRelayNetworkStatus]: trying now.
    #[constant]
    const NETWORKING_AVAILABILITY_ATTEMPTING: i64 = 3;
    /// [method getRelayNetworkStatus]: available (always, in local mode).
    #[constant]
    const NETWORKING_AVAILABILITY_CURRENT: i64 = 100;
    /// [method getRelayNetworkStatus]: unknown; also what it returns before initialization.
    #[constant]
    const NETWORKING_AVAILABILITY_UNKNOWN: i64 = 0;

    /// Accepts the legacy P2P session of user [param remote_steam_id], usually after
    /// [signal p2p_session_request]: what they sent and send becomes readable with
    /// [method readP2PPacket]. Sending to a user accepts their session too. Returns Steam's
    /// answer ([code]true[/code] when accepted; always [code]true[/code] in local mode).
    #[func(rename = acceptP2PSessionWithUser)]
    fn accept_p2p_session_with_user(&mut self, remote_steam_id: i64) -> bool {
        let Some(user) = user_id("acceptP2PSessionWithUser", remote_steam_id) else {
            return false;
        };
        self.with_api("acceptP2PSessionWithUser", false, |api| {
            api.accept_p2p_session(user)
        })
    }

    /// Lets new P2P sessions go through Steam's relays when a direct route fails
    /// ([code]true[/code], Steam's default) or not. Returns Steam's answer (always
    /// [code]true[/code] in local mode, which needs no relay). Steam deprecates it and may relay
    /// anyway.
    #[func(rename = allowP2PPacketRelay)]
    fn allow_p2p_packet_relay(&mut self, allow: bool) -> bool {
        self.with_api("allowP2PPacketRelay", false, |api| {
            api.allow_p2p_packet_relay(allow)
        })
    }

    /// Closes P2P channel [param channel] with user [param remote_steam_id]; closing the last
    /// open channel closes the session. Returns [code]true[/code] when it closed a channel (in
    /// local mode, [code]false[/code] when there was no such session or channel).
    #[func(rename = closeP2PChannelWithUser)]
    fn close_p2p_channel_with_user(&mut self, remote_steam_id: i64, channel: i64) -> bool {
        let Some(user) = user_id("closeP2PChannelWithUser", remote_steam_id) else {
            return false;
        };
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        self.with_api("closeP2PChannelWithUser", false, |api| {
            api.close_p2p_channel(user, channel)
        })
    }

    /// Ends the legacy P2P session with user [param remote_steam_id]: unread packets from them
    /// are dropped (in local mode), and what they send next raises [signal p2p_session_request]
    /// again. Also ends a [constant SteamMultiplayerPeer.TRANSPORT_LEGACY_P2P] peer's connection to
    /// them. Returns [code]false[/code] when there was no session (in local mode).
    #[func(rename = closeP2PSessionWithUser)]
    fn close_p2p_session_with_user(&mut self, remote_steam_id: i64) -> bool {
        let Some(user) = user_id("closeP2PSessionWithUser", remote_steam_id) else {
            return false;
        };
        self.with_api("closeP2PSessionWithUser", false, |api| {
            api.close_p2p_session(user)
        })
    }

    /// The legacy P2P session with user [param remote_steam_id], for debugging; an empty
    /// Dictionary when there is none. The keys: [code]connection_active[/code] and
    /// [code]connecting[/code] (bool), [code]session_error[/code] (the last
    /// `P2P_SESSION_ERROR_*`), [code]using_relay[/code] (bool), [code]bytes_queued_for_send[/code]
    /// (bytes), [code]packets_queued_for_send[/code], [code]remote_ip[/code] (IPv4 address as an
    /// int, 0 when unknown) and [code]remote_port[/code]. In local mode the IP is 127.0.0.1
    /// (2130706433) once connected, the port 0, and the error always none.
    #[func(rename = getP2PSessionState)]
    fn get_p2p_session_state(&mut self, remote_steam_id: i64) -> VarDictionary {
        let Some(user) = user_id("getP2PSessionState", remote_steam_id) else {
            return VarDictionary::new();
        };
        let state = self.with_api("getP2PSessionState", None, |api| {
            api.p2p_session_state(user)
        });
        let mut result = VarDictionary::new();
        if let Some(state) = state {
            result.set("connection_active", state.connection_active);
            result.set("connecting", state.connecting);
            result.set("session_error", i64::from(state.session_error));
            result.set("using_relay", state.using_relay);
            result.set(
                "bytes_queued_for_send",
                i64::from(state.bytes_queued_for_send),
            );
            result.set(
                "packets_queued_for_send",
                i64::from(state.packets_queued_for_send),
            );
            result.set("remote_ip", i64::from(state.remote_ip));
            result.set("remote_port", i64::from(state.remote_port));
        }
        result
    }

    /// The size in bytes of the next readable packet on P2P channel [param channel]; 0 when
    /// there is none.
    #[func(rename = getAvailableP2PPacketSize)]
    fn get_available_p2p_packet_size(&mut self, #[opt(default = 0)] channel: i64) -> i64 {
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        self.with_api("getAvailableP2PPacketSize", 0, |api| {
            api.available_p2p_packet_size(channel)
                .map_or(0, |size| size as i64)
        })
    }

    /// Reads the next packet on P2P channel [param channel], from an accepted session:
    /// [code]{"data": PackedByteArray, "remote_steam_id": int}[/code], the sender's Steam id
    /// also under GodotSteam's older key [code]steam_id_remote[/code]; an empty Dictionary when
    /// there is none. A packet longer than [param packet_size] bytes is cut to it, the rest lost:
    /// pass what [method getAvailableP2PPacketSize] returns.
    #[func(rename = readP2PPacket)]
    fn read_p2p_packet(
        &mut self,
        packet_size: i64,
        #[opt(default = 0)] channel: i64,
    ) -> VarDictionary {
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        let size = usize::try_from(packet_size).unwrap_or(0);
        let packet = self.with_api("readP2PPacket", None, |api| {
            api.read_p2p_packet(size, channel)
        });
        let mut result = VarDictionary::new();
        if let Some((data, from)) = packet {
            result.set("data", &PackedByteArray::from(data.as_slice()));
            result.set("remote_steam_id", from.0 as i64);
            result.set("steam_id_remote", from.0 as i64);
        }
        result
    }

    /// Sends [param data] to user [param remote_steam_id] on P2P channel [param channel] (read
    /// there with the same channel), as [param send_type], a `P2P_SEND_*` constant. The first
    /// packet opens a session: the other end gets [signal p2p_session_request]; if it cannot be
    /// reached, we get [signal p2p_session_connect_fail].
    ///
    /// Returns [code]true[/code] when sent; [code]false[/code] for an unreliable packet over 1200
    /// bytes or a reliable one over 1048576 (with a warning), an unknown [param send_type] (with
    /// an error), or when Steam refuses. Avoid channel 1000: the legacy peer transport uses it.
    #[func(rename = sendP2PPacket)]
    fn send_p2p_packet(
        &mut self,
        remote_steam_id: i64,
        data: PackedByteArray,
        send_type: i64,
        #[opt(default = 0)] channel: i64,
    ) -> bool {
        let Some(user) = user_id("sendP2PPacket", remote_steam_id) else {
            return false;
        };
        let Some(send) = P2PSend::from_raw(send_type) else {
            godot_error!("Steam.sendP2PPacket: {send_type} is not a P2P_SEND_* constant");
            return false;
        };
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        self.with_api("sendP2PPacket", false, |api| {
            api.send_p2p_packet(user, data.as_slice(), send, channel)
        })
    }

    /// Starts reaching Steam's relay network now, so the first P2P connection need not wait;
    /// [method getRelayNetworkStatus] tells how it goes. Starting the first
    /// [SteamMultiplayerPeer] on [constant SteamMultiplayerPeer.TRANSPORT_SOCKETS] does it too.
    /// Does nothing in local mode.
    #[func(rename = initRelayNetworkAccess)]
    fn init_relay_network_access(&mut self) {
        self.with_api("initRelayNetworkAccess", (), |api| {
            api.init_relay_network_access()
        });
    }

    /// How available Steam's relay network is, a `NETWORKING_AVAILABILITY_*` constant;
    /// [constant NETWORKING_AVAILABILITY_CURRENT] in local mode.
    #[func(rename = getRelayNetworkStatus)]
    fn get_relay_network_status(&mut self) -> i64 {
        self.with_api("getRelayNetworkStatus", 0, |api| {
            i64::from(api.relay_network_status())
        })
    }
}
