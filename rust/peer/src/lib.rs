//! The I/O half of the peer: a [`PeerDriver`] feeds a transport's events into the protocol
//! [`Session`] and carries out what the session asks. Godot's layer only converts types.

mod driver;
mod error;
mod flags;

pub use driver::PeerDriver;
pub use error::PeerError;
pub use flags::send_flags;
pub use smp_protocol::{
    ApiError, Config, ConnectionStatus, DropCounts, Event, HOST_PEER_ID, Packet, PeerId, Session,
    SteamId, TransferMode,
};
pub use smp_transport::{ConnectionQuality, ConnectionState, Sockets};
