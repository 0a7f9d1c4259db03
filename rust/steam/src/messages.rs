//! The values `ISteamNetworkingMessages` speaks in: what a channel hands out, and what is
//! known of the session with a user.

use smp_transport::{ConnectionQuality, ConnectionState};

use crate::types::SteamId;

/// Largest message `SendMessageToUser` takes (`k_cbMaxSteamNetworkingSocketsMessageSizeSend`).
pub const MAX_MESSAGE_SIZE: usize = 512 * 1024;

/// `k_nSteamNetworkingSend_Reliable`: the only flag a received message carries.
pub const SEND_RELIABLE: u32 = 8;
/// `k_nSteamNetworkingSend_NoDelay`.
pub const SEND_NO_DELAY: u32 = 4;

/// A message from `ReceiveMessagesOnChannel` (`SteamNetworkingMessage_t`), copied out.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ChannelMessage {
    /// The bytes.
    pub data: Vec<u8>,
    /// Who sent it.
    pub sender: SteamId,
    /// The channel it was sent to.
    pub channel: i32,
    /// True when it was sent reliably.
    pub reliable: bool,
    /// Its number in the session (`m_nMessageNumber`).
    pub message_number: i64,
    /// When it arrived, in microseconds of the backend's clock (`m_usecTimeReceived`).
    pub time_received_usec: i64,
}

/// `GetSessionConnectionInfo`: the session's connection and, once it is up, how it is doing.
#[derive(Clone, PartialEq, Debug)]
pub struct SessionInfo {
    /// Who the session is with.
    pub remote: SteamId,
    /// The connection's state.
    pub state: ConnectionState,
    /// `ESteamNetConnectionEnd` once it ended, else 0.
    pub end_reason: i32,
    /// Why it ended, in words.
    pub end_debug: String,
    /// The connection described, as Steam's logs name it.
    pub description: String,
    /// `k_nSteamNetworkConnectionInfoFlags_*`.
    pub flags: i32,
    /// How it is doing (`SteamNetConnectionRealTimeStatus_t`), once known.
    pub quality: Option<ConnectionQuality>,
}
