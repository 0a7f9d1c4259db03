//! The transport trait, shaped like `ISteamNetworkingSockets`, and the types it speaks.

use std::fmt;
use std::time::Instant;

pub use smp_protocol::{ConnectionId, SteamId};

use crate::options::ConfigOption;

/// A listen socket handle (`HSteamListenSocket`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ListenSocketId(pub u32);

/// Steam's `ESteamNetworkingConnectionState`, with the SDK's values.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ConnectionState {
    /// No such connection, or closed locally.
    None = 0,
    /// Being established.
    Connecting = 1,
    /// Looking for a route through the relay network.
    FindingRoute = 2,
    /// Up.
    Connected = 3,
    /// The remote closed it; the handle still needs closing.
    ClosedByPeer = 4,
    /// Lost (timeout, failure to connect); the handle still needs closing.
    ProblemDetectedLocally = 5,
    /// Closed locally, waiting for the remote to acknowledge.
    FinWait = -1,
    /// Closed locally, flushing reliable data.
    Linger = -2,
    /// Ready to be destroyed.
    Dead = -3,
}

impl ConnectionState {
    /// True for the states that mean the connection has ended.
    pub const fn has_ended(self) -> bool {
        matches!(
            self,
            ConnectionState::ClosedByPeer
                | ConnectionState::ProblemDetectedLocally
                | ConnectionState::FinWait
                | ConnectionState::Linger
                | ConnectionState::Dead
                | ConnectionState::None
        )
    }
}

/// Steam's `k_nSteamNetworkingSend_*` flags.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct SendFlags(pub u32);

impl SendFlags {
    /// May be dropped; no retransmission.
    pub const UNRELIABLE: SendFlags = SendFlags(0);
    /// Send now, without waiting to coalesce with later messages.
    pub const NO_NAGLE: SendFlags = SendFlags(1);
    /// Drop rather than queue when the connection cannot send right away.
    pub const NO_DELAY: SendFlags = SendFlags(4);
    /// Retransmitted until acknowledged, in order within its lane.
    pub const RELIABLE: SendFlags = SendFlags(8);

    /// True when the reliable bit is set.
    pub const fn is_reliable(self) -> bool {
        self.0 & SendFlags::RELIABLE.0 != 0
    }

    /// Both sets of flags.
    pub const fn with(self, other: SendFlags) -> SendFlags {
        SendFlags(self.0 | other.0)
    }
}

/// A connection changed state (`SteamNetConnectionStatusChangedCallback_t`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StatusChange {
    /// The connection.
    pub conn: ConnectionId,
    /// Who is at the other end.
    pub remote: SteamId,
    /// The listen socket it arrived on; `None` for connections we dialled.
    pub listen_socket: Option<ListenSocketId>,
    /// The state before.
    pub old_state: ConnectionState,
    /// The state now.
    pub state: ConnectionState,
    /// Steam's end reason once the connection ended, else 0.
    pub end_reason: i32,
    /// A human explanation of the end.
    pub end_debug: String,
}

/// A received message (`SteamNetworkingMessage_t`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReceivedMessage {
    /// The connection it arrived on.
    pub conn: ConnectionId,
    /// The lane it was sent on.
    pub lane: u16,
    /// True when it was sent reliably.
    pub reliable: bool,
    /// The bytes.
    pub data: Vec<u8>,
}

/// What the transport knows about one connection (`SteamNetConnectionInfo_t`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConnectionInfo {
    /// Who is at the other end.
    pub remote: SteamId,
    /// Its state.
    pub state: ConnectionState,
    /// Steam's end reason once it ended, else 0.
    pub end_reason: i32,
    /// A human explanation of the end.
    pub end_debug: String,
}

/// How a connection is doing now (`SteamNetConnectionRealTimeStatus_t`, and whether its
/// route goes through Valve's relays). Rates are over the last second or so.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct ConnectionQuality {
    /// Round-trip time in milliseconds; -1 until measured.
    pub ping_ms: i32,
    /// Fraction (0 to 1) of the remote's packets that reached us intact and in order; -1
    /// until measured.
    pub quality_local: f32,
    /// The same fraction for our packets, as the remote measures it; -1 until known.
    pub quality_remote: f32,
    /// Packets per second we send.
    pub out_packets_per_sec: f32,
    /// Bytes per second we send.
    pub out_bytes_per_sec: f32,
    /// Packets per second we receive.
    pub in_packets_per_sec: f32,
    /// Bytes per second we receive.
    pub in_bytes_per_sec: f32,
    /// The rate, in bytes per second, the transport believes it can send at.
    pub send_rate_bytes_per_sec: i32,
    /// Bytes of unreliable messages not yet put on the wire.
    pub pending_unreliable: i32,
    /// Bytes of reliable messages not yet put on the wire (or due again).
    pub pending_reliable: i32,
    /// Bytes of reliable messages on the wire and not yet acknowledged.
    pub sent_unacked_reliable: i32,
    /// How long a message sent now would wait before going out, in microseconds.
    pub queue_time_usec: i64,
    /// True when the route goes through Valve's relays rather than directly.
    pub relayed: bool,
}

/// A transport call that failed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SocketError {
    /// The handle is not ours or no longer exists (`k_EResultInvalidParam`).
    InvalidHandle,
    /// A parameter is out of range (`k_EResultInvalidParam`).
    InvalidParam(String),
    /// The connection is not in a state that allows the call (`k_EResultInvalidState`).
    InvalidState(ConnectionState),
    /// The message exceeds the transport's limit (`k_EResultLimitExceeded`).
    TooLarge {
        /// The message size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The backend could not do it, and says why.
    Failed(String),
}

impl fmt::Display for SocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketError::InvalidHandle => write!(f, "no such connection"),
            SocketError::InvalidParam(what) => write!(f, "invalid parameter: {what}"),
            SocketError::InvalidState(state) => write!(f, "the connection is {state:?}"),
            SocketError::TooLarge { size, max } => {
                write!(
                    f,
                    "message of {size} bytes exceeds the transport's maximum of {max}"
                )
            }
            SocketError::Failed(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for SocketError {}

impl SocketError {
    /// True when the call failed because the connection has ended (closed by the remote, or
    /// lost): its status change reports that, and a send to it can only be dropped.
    pub fn connection_ended(&self) -> bool {
        matches!(
            self,
            SocketError::InvalidState(
                ConnectionState::ClosedByPeer | ConnectionState::ProblemDetectedLocally
            )
        )
    }
}

/// Refuses what Steam refuses of a message of `size` bytes on `lane` of a connection with
/// `lanes` lanes, in Steam's order: more than `max` bytes first, then a lane out of range.
pub fn check_message(size: usize, max: usize, lane: u16, lanes: u16) -> Result<(), SocketError> {
    if size > max {
        return Err(SocketError::TooLarge { size, max });
    }
    if lane >= lanes {
        return Err(SocketError::InvalidParam(format!("lane {lane} of {lanes}")));
    }
    Ok(())
}

/// One peer's view of a networking-sockets interface: listen, connect, accept or reject,
/// send with flags and lane, receive in batches, and hear connection status changes.
///
/// Several views can share one interface (one Steam client, one local user); each sees only
/// the listen sockets and connections it created or accepted.
pub trait Sockets {
    /// The local user's Steam id.
    fn identity(&self) -> SteamId;

    /// Listens for connections to `virtual_port` (`CreateListenSocketP2P`).
    fn listen(&mut self, virtual_port: i32) -> Result<ListenSocketId, SocketError>;

    /// Stops listening; connections accepted through the socket are closed (`CloseListenSocket`).
    fn close_listen(&mut self, socket: ListenSocketId);

    /// Starts connecting to `remote`'s `virtual_port` (`ConnectP2P`). The outcome arrives as a status change.
    fn connect(&mut self, remote: SteamId, virtual_port: i32) -> Result<ConnectionId, SocketError>;

    /// Accepts a connection that arrived on a listen socket (`AcceptConnection`).
    fn accept(&mut self, conn: ConnectionId) -> Result<(), SocketError>;

    /// Closes (or rejects) a connection, telling the remote `reason` (`CloseConnection`).
    /// With `linger`, reliable data already queued is delivered first.
    fn close(&mut self, conn: ConnectionId, reason: i32, debug: &str, linger: bool);

    /// Sets how many lanes a connection has (`ConfigureConnectionLanes`).
    fn configure_lanes(&mut self, conn: ConnectionId, lanes: u16) -> Result<(), SocketError>;

    /// Sends `parts` concatenated as one message on `lane` (`SendMessages`).
    fn send(
        &mut self,
        conn: ConnectionId,
        lane: u16,
        flags: SendFlags,
        parts: [&[u8]; 2],
    ) -> Result<(), SocketError>;

    /// Sends at once what [`Sockets::send`] held back on `conn` to coalesce with later messages
    /// (sends without `NO_NAGLE`), as `FlushMessagesOnConnection` does. Nothing for a
    /// connection that is not this view's or has ended.
    fn flush_messages(&mut self, conn: ConnectionId);

    /// Moves up to `max` received messages into `out` (`ReceiveMessagesOnPollGroup`).
    fn receive(&mut self, out: &mut Vec<ReceivedMessage>, max: usize);

    /// The next connection status change.
    fn next_status_change(&mut self) -> Option<StatusChange>;

    /// What is known about a connection.
    fn connection_info(&self, conn: ConnectionId) -> Option<ConnectionInfo>;

    /// How a connected connection is doing (`GetConnectionRealTimeStatus`).
    fn quality(&self, conn: ConnectionId) -> Option<ConnectionQuality>;

    /// Lets only `remotes` reach this view's listen sockets (`None`: anyone). Connection
    /// requests from others still arrive where the transport learns of them only as requests
    /// (the caller rejects them then); a transport with an earlier gate (the legacy P2P
    /// API's sessions) keeps them out before that.
    fn admit_only(&mut self, remotes: Option<&[SteamId]>);

    /// Applies `options` to the listen sockets and connections this view makes from now on (the
    /// options of `CreateListenSocketP2P` and `ConnectP2P`). The emulation acts on the
    /// fake-packet ones only, degrading what its user receives while this view holds them.
    fn set_options(&mut self, options: &[ConfigOption]);

    /// Moves data and fires timers; call once per frame (Steam's callbacks and service thread).
    fn pump(&mut self, now: Instant);

    /// Packets from the network the transport threw away as malformed or stray, for all the
    /// views of this user. Steam's sockets drop such packets themselves, unseen: 0.
    fn dropped_by_transport(&self) -> u64 {
        0
    }
}
