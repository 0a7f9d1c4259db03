//! Transports for the Steam multiplayer peer, behind one trait shaped like
//! `ISteamNetworkingSockets` ([`Sockets`]).
//!
//! The emulation of Steam's sockets ([`emulated`]) holds the semantics once: connection
//! states, listen sockets, acceptance, lanes, size limits and fault injection. Two wires carry
//! it: memory, for many users in one test process ([`memory`]), and loopback TCP, for game
//! instances on one machine ([`local`]).

pub mod emulated;
pub mod end_reason;
pub mod fault;
pub mod local;
pub mod memory;
pub mod options;
pub mod sockets;

pub use fault::FaultConfig;
pub use options::{ConfigOption, ConfigValue};
pub use sockets::{
    ConnectionId, ConnectionInfo, ConnectionQuality, ConnectionState, ListenSocketId,
    ReceivedMessage, SendFlags, SocketError, Sockets, StatusChange, SteamId,
};
