//! What the session hands back: transport actions, Godot events, received packets and errors.

use std::fmt;

use crate::control::ControlBytes;
use crate::ids::{ConnectionId, PeerId, SteamId};
use crate::mode::TransferMode;
use crate::reason::CloseReason;

/// Something the driver must do on the transport.
#[derive(Clone, Copy, Debug)]
pub enum Action {
    /// Accept an incoming connection request.
    Accept(ConnectionId),
    /// Close (or reject) a connection, telling the remote why.
    Close {
        /// The connection.
        conn: ConnectionId,
        /// Sent to the remote as the end reason.
        reason: CloseReason,
        /// Flush reliable data still queued before closing.
        linger: bool,
    },
    /// Send a control message, reliably, on lane 0.
    SendControl {
        /// The connection.
        conn: ConnectionId,
        /// The encoded message.
        message: ControlBytes,
    },
    /// Connect to another client of the session (the full mesh), then report the connection
    /// with [`crate::Session::on_dialed`].
    Dial(SteamId),
}

/// Something Godot must hear about, as a `MultiplayerPeer` signal.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Event {
    /// `peer_connected(id)`.
    PeerConnected(PeerId),
    /// `peer_disconnected(id)`.
    PeerDisconnected(PeerId),
}

/// A packet ready for Godot, holding the buffer it arrived in.
#[derive(Debug)]
pub struct Packet<B> {
    /// The peer that sent it.
    pub from: PeerId,
    /// The channel it was sent on.
    pub channel: u8,
    /// The mode it was sent with.
    pub mode: TransferMode,
    data: B,
    offset: usize,
}

impl<B: AsRef<[u8]>> Packet<B> {
    pub(crate) fn new(
        from: PeerId,
        channel: u8,
        mode: TransferMode,
        data: B,
        offset: usize,
    ) -> Self {
        Packet {
            from,
            channel,
            mode,
            data,
            offset,
        }
    }

    /// The payload, without our header.
    pub fn payload(&self) -> &[u8] {
        &self.data.as_ref()[self.offset..]
    }
}

/// A call the session cannot carry out. Each maps to one Godot `Error`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ApiError {
    /// Hosting or connecting already (Godot: `ERR_ALREADY_IN_USE`).
    AlreadyActive,
    /// Neither hosting nor connected (Godot: `ERR_UNCONFIGURED`).
    NotActive,
    /// Still connecting: the host has not admitted this client yet (Godot: `ERR_UNCONFIGURED`).
    NotConnected,
    /// No connected peer has this id (Godot: `ERR_INVALID_PARAMETER`).
    UnknownPeer(PeerId),
    /// A send target that names no connected peer (Godot: `ERR_INVALID_PARAMETER`).
    UnknownTarget(i32),
    /// A channel outside `0..channels` (Godot: `ERR_INVALID_PARAMETER`).
    InvalidChannel {
        /// The channel asked for.
        channel: i32,
        /// How many channels the session has.
        channels: usize,
    },
    /// A payload over the maximum (Godot: `ERR_INVALID_PARAMETER`).
    TooLarge {
        /// The payload size.
        size: usize,
        /// The largest payload the mode allows.
        max: usize,
    },
    /// Connecting to our own Steam id (Godot: `ERR_INVALID_PARAMETER`).
    SelfConnect,
    /// Connecting to a Steam id that is no user's: 0, a lobby, a clan (Godot:
    /// `ERR_INVALID_PARAMETER`).
    NotAUser(SteamId),
    /// A client asked to connect to another client while the host relays (Godot: `ERR_UNAVAILABLE`).
    HostRelays,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ApiError::AlreadyActive => write!(
                f,
                "the peer is already hosting or connecting; call close() first"
            ),
            ApiError::NotActive => write!(
                f,
                "the peer is not active; call create_host() or create_client() first"
            ),
            ApiError::NotConnected => write!(
                f,
                "the peer is still connecting; wait for connected_to_server"
            ),
            ApiError::UnknownPeer(id) => write!(f, "no connected peer has id {id}"),
            ApiError::UnknownTarget(target) => write!(
                f,
                "invalid target peer {target}: no connected peer has that id"
            ),
            ApiError::InvalidChannel { channel, channels } => write!(
                f,
                "invalid transfer channel {channel}: this peer has channels 0 to {} (project setting steam/multiplayer_peer/max_channels)",
                channels - 1
            ),
            ApiError::TooLarge { size, max } => {
                write!(
                    f,
                    "packet of {size} bytes exceeds the maximum of {max} bytes"
                )
            }
            ApiError::SelfConnect => write!(f, "cannot connect to our own Steam id"),
            ApiError::NotAUser(id) => write!(
                f,
                "{id} is not a user's Steam id (0, a lobby's or a clan's); connect to a player's"
            ),
            ApiError::HostRelays => write!(
                f,
                "the host relays between clients (server_relay = true), so clients do not connect to each other"
            ),
        }
    }
}

impl std::error::Error for ApiError {}

/// Why a send failed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SendError<E> {
    /// The call itself was wrong.
    Api(ApiError),
    /// The transport refused the message.
    Transport(E),
}

/// Packets the session dropped, by cause. A remote cannot crash us; it can only make these grow.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct DropCounts {
    /// Messages that could not be parsed, or named a channel we do not have.
    pub malformed: u64,
    /// `UnreliableOrdered` packets older than one already delivered.
    pub stale: u64,
    /// Unreliable packets delivered before, or too old to tell.
    pub duplicate: u64,
    /// Messages on a connection the session no longer knows.
    pub unknown_connection: u64,
    /// Connection requests refused because [`crate::Config::max_pending`] were already waiting.
    pub refused_flood: u64,
}
