//! The sans-IO core of the Steam multiplayer peer.
//!
//! Everything Godot's `MultiplayerPeer` contract needs that is not I/O lives here: the
//! handshake that admits peers and assigns their ids, the per-message header, the delivery
//! guarantees of each transfer mode, routing to targets, and the connection state Godot sees.
//! It takes transport events and the time, and hands back actions, events and packets
//! (see [`Session`]), so it runs the same over Steam, the local network and the tests.

pub mod control;
pub mod event;
pub mod header;
pub mod ids;
pub mod mode;
pub mod reason;
pub mod rng;
pub mod sequence;
mod session;

pub use event::{Action, ApiError, DropCounts, Event, Packet, SendError};
pub use ids::{ConnectionId, HOST_PEER_ID, PeerId, SteamId};
pub use mode::{ConnectionStatus, TransferMode};
pub use reason::CloseReason;
pub use session::{Config, Session};
