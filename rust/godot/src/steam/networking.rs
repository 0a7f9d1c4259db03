//! The legacy P2P networking (`ISteamNetworking`) and relay access: GodotSteam's functions,
//! signals and enums.

use godot::prelude::*;
use smp_steam::{P2PSend, P2PSessionError, SteamId};

use super::Steam;

#[godot_api(secondary)]
impl Steam {
    /// `sendP2PPacket`: at most 1200 bytes, may be lost.
    #[constant]
    const P2P_SEND_UNRELIABLE: i64 = P2PSend::Unreliable as i64;
    /// `sendP2PPacket`: like unreliable, dropped rather than queued.
    #[constant]
    const P2P_SEND_UNRELIABLE_NO_DELAY: i64 = P2PSend::UnreliableNoDelay as i64;
    /// `sendP2PPacket`: up to 1 MB, retransmitted, in order.
    #[constant]
    const P2P_SEND_RELIABLE: i64 = P2PSend::Reliable as i64;
    /// `sendP2PPacket`: reliable, coalesced with later packets.
    #[constant]
    const P2P_SEND_RELIABLE_WITH_BUFFERING: i64 = P2PSend::ReliableWithBuffering as i64;
    /// P2P session error: none.
    #[constant]
    const P2P_SESSION_ERROR_NONE: i64 = P2PSessionError::None as i64;
    /// P2P session error: the remote does not run this game (in local mode: is not running).
    #[constant]
    const P2P_SESSION_ERROR_NOT_RUNNING_APP: i64 = P2PSessionError::NotRunningApp as i64;
    /// P2P session error: we do not own this game.
    #[constant]
    const P2P_SESSION_ERROR_NO_RIGHTS_TO_APP: i64 = P2PSessionError::NoRightsToApp as i64;
    /// P2P session error: the remote is not logged on.
    #[constant]
    const P2P_SESSION_ERROR_DESTINATION_NOT_LOGGED_ON: i64 =
        P2PSessionError::DestinationNotLoggedOn as i64;
    /// P2P session error: the remote did not answer in time.
    #[constant]
    const P2P_SESSION_ERROR_TIMEOUT: i64 = P2PSessionError::Timeout as i64;
    /// P2P session error: the number of errors.
    #[constant]
    const P2P_SESSION_ERROR_MAX: i64 = 5;
    /// `SNetSocketConnectionType`: not connected.
    #[constant]
    const NET_SOCKET_CONNECTION_TYPE_NOT_CONNECTED: i64 = 0;
    /// `SNetSocketConnectionType`: UDP.
    #[constant]
    const NET_SOCKET_CONNECTION_TYPE_UDP: i64 = 1;
    /// `SNetSocketConnectionType`: UDP through a relay.
    #[constant]
    const NET_SOCKET_CONNECTION_TYPE_UDP_RELAY: i64 = 2;
    /// `SNetSocketState`: invalid.
    #[constant]
    const NET_SOCKET_STATE_INVALID: i64 = 0;
    /// `SNetSocketState`: connected.
    #[constant]
    const NET_SOCKET_STATE_CONNECTED: i64 = 1;
    /// `SNetSocketState`: connecting, started.
    #[constant]
    const NET_SOCKET_STATE_INITIATED: i64 = 10;
    /// `SNetSocketState`: connecting, a local candidate found.
    #[constant]
    const NET_SOCKET_STATE_LOCAL_CANDIDATE_FOUND: i64 = 11;
    /// `SNetSocketState`: connecting, the remote's candidates received.
    #[constant]
    const NET_SOCKET_STATE_RECEIVED_REMOTE_CANDIDATES: i64 = 12;
    /// `SNetSocketState`: connecting, in the challenge handshake.
    #[constant]
    const NET_SOCKET_STATE_CHALLENGE_HANDSHAKE: i64 = 15;
    /// `SNetSocketState`: disconnecting.
    #[constant]
    const NET_SOCKET_STATE_DISCONNECTING: i64 = 21;
    /// `SNetSocketState`: disconnected locally.
    #[constant]
    const NET_SOCKET_STATE_LOCAL_DISCONNECT: i64 = 22;
    /// `SNetSocketState`: timed out while connecting.
    #[constant]
    const NET_SOCKET_STATE_TIMEOUT_DURING_CONNECT: i64 = 23;
    /// `SNetSocketState`: the remote disconnected.
    #[constant]
    const NET_SOCKET_STATE_REMOTE_END_DISCONNECTED: i64 = 24;
    /// `SNetSocketState`: broken.
    #[constant]
    const NET_SOCKET_STATE_BROKEN: i64 = 25;
    /// Relay network availability: cannot try.
    #[constant]
    const NETWORKING_AVAILABILITY_CANNOT_TRY: i64 = -102;
    /// Relay network availability: failed.
    #[constant]
    const NETWORKING_AVAILABILITY_FAILED: i64 = -101;
    /// Relay network availability: worked before, lost now.
    #[constant]
    const NETWORKING_AVAILABILITY_PREVIOUSLY: i64 = -100;
    /// Relay network availability: failed, retrying.
    #[constant]
    const NETWORKING_AVAILABILITY_RETRYING: i64 = -10;
    /// Relay network availability: never tried.
    #[constant]
    const NETWORKING_AVAILABILITY_NEVER_TRIED: i64 = 1;
    /// Relay network availability: waiting to try.
    #[constant]
    const NETWORKING_AVAILABILITY_WAITING: i64 = 2;
    /// Relay network availability: trying now.
    #[constant]
    const NETWORKING_AVAILABILITY_ATTEMPTING: i64 = 3;
    /// Relay network availability: available (always, in local mode).
    #[constant]
    const NETWORKING_AVAILABILITY_CURRENT: i64 = 100;
    /// Relay network availability: unknown.
    #[constant]
    const NETWORKING_AVAILABILITY_UNKNOWN: i64 = 0;

    /// Accepts `remote_steam_id`'s session: its packets become readable. Sending to a user
    /// accepts its session too.
    #[func(rename = acceptP2PSessionWithUser)]
    fn accept_p2p_session_with_user(&mut self, remote_steam_id: i64) -> bool {
        self.with_api("acceptP2PSessionWithUser", false, |api| {
            api.accept_p2p_session(SteamId(remote_steam_id as u64))
        })
    }

    /// Lets sessions fall back to Steam's relays (true) or not. Always returns `true`.
    #[func(rename = allowP2PPacketRelay)]
    fn allow_p2p_packet_relay(&mut self, allow: bool) -> bool {
        self.with_api("allowP2PPacketRelay", false, |api| {
            api.allow_p2p_packet_relay(allow)
        })
    }

    /// Closes one channel with a user; closing the last closes the session. Returns `false`
    /// when there was no such session or channel.
    #[func(rename = closeP2PChannelWithUser)]
    fn close_p2p_channel_with_user(&mut self, remote_steam_id: i64, channel: i64) -> bool {
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        self.with_api("closeP2PChannelWithUser", false, |api| {
            api.close_p2p_channel(SteamId(remote_steam_id as u64), channel)
        })
    }

    /// Ends the session with a user; what it sends next opens a new one.
    #[func(rename = closeP2PSessionWithUser)]
    fn close_p2p_session_with_user(&mut self, remote_steam_id: i64) -> bool {
        self.with_api("closeP2PSessionWithUser", false, |api| {
            api.close_p2p_session(SteamId(remote_steam_id as u64))
        })
    }

    /// The session with a user: `connection_active`, `connecting`, `session_error`,
    /// `using_relay`, `bytes_queued_for_send`, `packets_queued_for_send`, `remote_ip`,
    /// `remote_port`; an empty Dictionary when there is none.
    #[func(rename = getP2PSessionState)]
    fn get_p2p_session_state(&mut self, remote_steam_id: i64) -> VarDictionary {
        let state = self.with_api("getP2PSessionState", None, |api| {
            api.p2p_session_state(SteamId(remote_steam_id as u64))
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

    /// The size of the next readable packet on `channel`, or 0 when there is none.
    #[func(rename = getAvailableP2PPacketSize)]
    fn get_available_p2p_packet_size(&mut self, #[opt(default = 0)] channel: i64) -> i64 {
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        self.with_api("getAvailableP2PPacketSize", 0, |api| {
            api.available_p2p_packet_size(channel)
                .map_or(0, |size| size as i64)
        })
    }

    /// Reads the next packet on `channel`, cut to `packet_size` bytes:
    /// `{"data": PackedByteArray, "remote_steam_id": int}` (also under GodotSteam's older key
    /// `steam_id_remote`), or an empty Dictionary when there is none.
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

    /// Sends a packet to a user with a `P2P_SEND_*` type on `channel`. Unreliable packets are at
    /// most 1200 bytes, reliable ones 1 MB. The first packet opens a session
    /// (`p2p_session_request` at the other end). Returns `false` when it cannot be sent.
    #[func(rename = sendP2PPacket)]
    fn send_p2p_packet(
        &mut self,
        remote_steam_id: i64,
        data: PackedByteArray,
        send_type: i64,
        #[opt(default = 0)] channel: i64,
    ) -> bool {
        let Some(send) = P2PSend::from_raw(send_type) else {
            godot_error!("Steam.sendP2PPacket: {send_type} is not a P2P_SEND_* constant");
            return false;
        };
        let channel = i32::try_from(channel).unwrap_or(i32::MIN);
        self.with_api("sendP2PPacket", false, |api| {
            api.send_p2p_packet(
                SteamId(remote_steam_id as u64),
                data.as_slice(),
                send,
                channel,
            )
        })
    }

    /// Starts reaching Steam's relay network ahead of the first P2P connection.
    #[func(rename = initRelayNetworkAccess)]
    fn init_relay_network_access(&mut self) {
        self.with_api("initRelayNetworkAccess", (), |api| {
            api.init_relay_network_access()
        });
    }

    /// The relay network's availability, a `NETWORKING_AVAILABILITY_*` constant.
    #[func(rename = getRelayNetworkStatus)]
    fn get_relay_network_status(&mut self) -> i64 {
        self.with_api("getRelayNetworkStatus", 0, |api| {
            i64::from(api.relay_network_status())
        })
    }
}
