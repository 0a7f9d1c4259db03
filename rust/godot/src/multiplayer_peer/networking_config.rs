//! expressobits' `NETWORKING_CONFIG_*` keys for [method SteamMultiplayerPeer.set_config]:
//! Steam's `ESteamNetworkingConfigValue` names, with the SDK's values.

use godot::prelude::*;

use super::SteamMultiplayerPeer;

#[godot_api(secondary)]
impl SteamMultiplayerPeer {
    /// [method set_config] key 0: no option.
    #[constant]
    const NETWORKING_CONFIG_INVALID: i64 = 0;
    /// [method set_config] key 2: percent of packets lost on send; in local mode, fault injection's loss.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_LOSS_SEND: i64 = 2;
    /// [method set_config] key 3: percent of packets lost on receive; in local mode, fault injection's loss.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_LOSS_RECV: i64 = 3;
    /// [method set_config] key 4: milliseconds added on send; in local mode, fault injection's lag.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_LAG_SEND: i64 = 4;
    /// [method set_config] key 5: milliseconds added on receive; in local mode, fault injection's lag.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_LAG_RECV: i64 = 5;
    /// [method set_config] key 6: percent of packets reordered on send; in local mode, fault injection's reordering.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_REORDER_SEND: i64 = 6;
    /// [method set_config] key 7: percent of packets reordered on receive; in local mode, fault injection's reordering.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_REORDER_RECV: i64 = 7;
    /// [method set_config] key 8: how long a reordered packet is held, in milliseconds.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_REORDER_TIME: i64 = 8;
    /// [method set_config] key 26: percent of packets duplicated on send; in local mode, fault injection's duplication.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_DUP_SEND: i64 = 26;
    /// [method set_config] key 27: percent of packets duplicated on receive (expressobits' spelling); in local mode, fault injection's duplication.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_DUP_REVC: i64 = 27;
    /// [method set_config] key 28: how late a duplicate may come, in milliseconds.
    #[constant]
    const NETWORKING_CONFIG_FAKE_PACKET_DUP_TIME_MAX: i64 = 28;
    /// [method set_config] key 41: how much of each packet Steam traces.
    #[constant]
    const NETWORKING_CONFIG_PACKET_TRACE_MAX_BYTES: i64 = 41;
    /// [method set_config] key 42: a simulated send rate limit, bytes per second.
    #[constant]
    const NETWORKING_CONFIG_FAKE_RATE_LIMIT_SEND_RATE: i64 = 42;
    /// [method set_config] key 43: the burst the simulated send rate limit allows, bytes.
    #[constant]
    const NETWORKING_CONFIG_FAKE_RATE_LIMIT_SEND_BURST: i64 = 43;
    /// [method set_config] key 44: a simulated receive rate limit, bytes per second.
    #[constant]
    const NETWORKING_CONFIG_FAKE_RATE_LIMIT_RECV_RATE: i64 = 44;
    /// [method set_config] key 45: the burst the simulated receive rate limit allows, bytes.
    #[constant]
    const NETWORKING_CONFIG_FAKE_RATE_LIMIT_RECV_BURST: i64 = 45;
    /// [method set_config] key 51: how long Steam waits to put out-of-order packets back in order.
    #[constant]
    const NETWORKING_CONFIG_OUT_OF_ORDER_CORRECTION_WINDOW_MICROSECONDS: i64 = 51;
    /// [method set_config] key 40: a 64-bit value of the game's attached to each connection.
    #[constant]
    const NETWORKING_CONFIG_CONNECTION_USER_DATA: i64 = 40;
    /// [method set_config] key 24: how long a connection may take to connect, in milliseconds.
    #[constant]
    const NETWORKING_CONFIG_TIMEOUT_INITIAL: i64 = 24;
    /// [method set_config] key 25: how long a connected connection may go silent, in milliseconds.
    #[constant]
    const NETWORKING_CONFIG_TIMEOUT_CONNECTED: i64 = 25;
    /// [method set_config] key 9: the most bytes queued for sending per connection.
    #[constant]
    const NETWORKING_CONFIG_SEND_BUFFER_SIZE: i64 = 9;
    /// [method set_config] key 47: the most bytes buffered on receive per connection.
    #[constant]
    const NETWORKING_CONFIG_RECV_BUFFER_SIZE: i64 = 47;
    /// [method set_config] key 48: the most messages buffered on receive per connection.
    #[constant]
    const NETWORKING_CONFIG_RECV_BUFFER_MESSAGES: i64 = 48;
    /// [method set_config] key 49: the largest message accepted.
    #[constant]
    const NETWORKING_CONFIG_RECV_MAX_MESSAGE_SIZE: i64 = 49;
    /// [method set_config] key 50: the most message segments per packet accepted.
    #[constant]
    const NETWORKING_CONFIG_RECV_MAX_SEGMENTS_PER_PACKET: i64 = 50;
    /// [method set_config] key 10: the lowest send rate, bytes per second.
    #[constant]
    const NETWORKING_CONFIG_SEND_RATE_MIN: i64 = 10;
    /// [method set_config] key 11: the highest send rate, bytes per second.
    #[constant]
    const NETWORKING_CONFIG_SEND_RATE_MAX: i64 = 11;
    /// [method set_config] key 12: how long a message waits to be coalesced, in microseconds.
    #[constant]
    const NETWORKING_CONFIG_NAGLE_TIME: i64 = 12;
    /// [method set_config] key 23: whether IP connections may skip authentication.
    #[constant]
    const NETWORKING_CONFIG_IP_ALLOW_WITHOUT_AUTH: i64 = 23;
    /// [method set_config] key 52: whether local-host IP connections may skip authentication.
    #[constant]
    const NETWORKING_CONFIG_IP_LOCAL_HOST_ALLOW_WITHOUT_AUTH: i64 = 52;
    /// [method set_config] key 32: the largest UDP packet, bytes.
    #[constant]
    const NETWORKING_CONFIG_MTU_PACKET_SIZE: i64 = 32;
    /// [method set_config] key 33: the largest payload per packet, bytes (read only).
    #[constant]
    const NETWORKING_CONFIG_MTU_DATA_SIZE: i64 = 33;
    /// [method set_config] key 34: whether connections may go unencrypted.
    #[constant]
    const NETWORKING_CONFIG_UNENCRYPTED: i64 = 34;
    /// [method set_config] key 37: whether two users connecting to each other end with one connection.
    #[constant]
    const NETWORKING_CONFIG_SYMMETRIC_CONNECT: i64 = 37;
    /// [method set_config] key 38: the local virtual port of P2P connections.
    #[constant]
    const NETWORKING_CONFIG_LOCAL_VIRTUAL_PORT: i64 = 38;
    /// [method set_config] key 39: whether Steam may use two Wi-Fi bands.
    #[constant]
    const NETWORKING_CONFIG_DUAL_WIFI_ENABLE: i64 = 39;
    /// [method set_config] key 46: whether the Steam client shows its networking diagnostics.
    #[constant]
    const NETWORKING_CONFIG_ENABLE_DIAGNOSTICS_UI: i64 = 46;
    /// [method set_config] key 19: relay pings that may time out in a row at first.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_CONSEC_PING_TIMEOUT_FAIL_INITIAL: i64 = 19;
    /// [method set_config] key 20: relay pings that may time out in a row.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_CONSEC_PING_TIMEOUT_FAIL: i64 = 20;
    /// [method set_config] key 21: relay pings before a ping estimate counts.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_MIN_PINGS_BEFORE_PING_ACCURATE: i64 = 21;
    /// [method set_config] key 22: whether relay traffic shares one socket.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_SINGLE_SOCKET: i64 = 22;
    /// [method set_config] key 29: the relay cluster to use.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_FORCE_RELAY_CLUSTER: i64 = 29;
    /// [method set_config] key 30: a relay development ticket.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_DEV_TICKET: i64 = 30;
    /// [method set_config] key 31: a relay proxy address to use.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_FORCE_PROXY_ADDR: i64 = 31;
    /// [method set_config] key 36: simulated pings to relay clusters.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_FAKE_CLUSTER_PING: i64 = 36;
    /// [method set_config] key 60: how many of the nearest relays are probed.
    #[constant]
    const NETWORKING_CONFIG_SDR_CLIENT_LIMIT_PING_PROBES_TO_NEAREST_N: i64 = 60;
    /// [method set_config] key 13: log detail of acknowledgement round trips.
    #[constant]
    const NETWORKING_CONFIG_LOG_LEVEL_ACK_RTT: i64 = 13;
    /// [method set_config] key 14: log detail of packet decoding.
    #[constant]
    const NETWORKING_CONFIG_LOG_LEVEL_PACKET_DECODE: i64 = 14;
    /// [method set_config] key 15: log detail of messages.
    #[constant]
    const NETWORKING_CONFIG_LOG_LEVEL_MESSAGE: i64 = 15;
    /// [method set_config] key 16: log detail of packet gaps.
    #[constant]
    const NETWORKING_CONFIG_LOG_LEVEL_PACKET_GAPS: i64 = 16;
    /// [method set_config] key 17: log detail of P2P rendezvous.
    #[constant]
    const NETWORKING_CONFIG_LOG_LEVEL_P2P_RENDEZVOUS: i64 = 17;
    /// [method set_config] key 18: log detail of relay pings.
    #[constant]
    const NETWORKING_CONFIG_LOG_LEVEL_SRD_RELAY_PINGS: i64 = 18;
    /// [method set_config] key 201: a connection status callback pointer (not settable from GDScript).
    #[constant]
    const NETWORKING_CONFIG_CALLBACK_CONNECTION_STATUS_CHANGED: i64 = 201;
    /// [method set_config] key 202: an authentication status callback pointer (not settable from GDScript).
    #[constant]
    const NETWORKING_CONFIG_CALLBACK_AUTH_STATUS_CHANGED: i64 = 202;
    /// [method set_config] key 203: a relay status callback pointer (not settable from GDScript).
    #[constant]
    const NETWORKING_CONFIG_CALLBACK_RELAY_NETWORK_STATUS_CHANGED: i64 = 203;
    /// [method set_config] key 204: a message session request callback pointer (not settable from GDScript).
    #[constant]
    const NETWORKING_CONFIG_CALLBACK_MESSAGE_SESSION_REQUEST: i64 = 204;
    /// [method set_config] key 205: a message session failure callback pointer (not settable from GDScript).
    #[constant]
    const NETWORKING_CONFIG_CALLBACK_MESSAGES_SESSION_FAILED: i64 = 205;
    /// [method set_config] key 206: a signaling callback pointer (not settable from GDScript).
    #[constant]
    const NETWORKING_CONFIG_CALLBACK_CREATE_CONNECTION_SIGNALING: i64 = 206;
    /// [method set_config] key 207: a fake-IP callback pointer (not settable from GDScript).
    #[constant]
    const NETWORKING_CONFIG_CALLBACK_FAKE_IP_RESULT: i64 = 207;
    /// [method set_config] key 103: STUN servers for P2P, comma separated.
    #[constant]
    const NETWORKING_CONFIG_P2P_STUN_SERVER_LIST: i64 = 103;
    /// [method set_config] key 104: which ICE candidates P2P may use.
    #[constant]
    const NETWORKING_CONFIG_P2P_TRANSPORT_ICE_ENABLE: i64 = 104;
    /// [method set_config] key 105: the ping penalty of ICE routes, milliseconds.
    #[constant]
    const NETWORKING_CONFIG_P2P_TRANSPORT_ICE_PENALTY: i64 = 105;
    /// [method set_config] key 106: the ping penalty of relay routes, milliseconds.
    #[constant]
    const NETWORKING_CONFIG_P2P_TRANSPORT_SDR_PENALTY: i64 = 106;
    /// [method set_config] key 107: TURN servers for P2P, comma separated.
    #[constant]
    const NETWORKING_CONFIG_P2P_TURN_SERVER_LIST: i64 = 107;
    /// [method set_config] key 108: TURN user names, comma separated.
    #[constant]
    const NETWORKING_CONFIG_P2P_TURN_USER_LIST: i64 = 108;
    /// [method set_config] key 109: TURN passwords, comma separated.
    #[constant]
    const NETWORKING_CONFIG_P2P_TURN_PASS_LIST: i64 = 109;
    /// [method set_config] key 110: which ICE implementation P2P uses.
    #[constant]
    const NETWORKING_CONFIG_P2P_TRANSPORT_ICE_IMPLEMENTATION: i64 = 110;
    /// [method set_config] key 999: whether packets carry explicit congestion notification.
    #[constant]
    const NETWORKING_CONFIG_ECN: i64 = 999;
    /// [method set_config] key 2147483647: the end of the list, never an option itself.
    #[constant]
    const NETWORKING_CONFIG_VALUE_FORCE32BIT: i64 = 2147483647;
}
