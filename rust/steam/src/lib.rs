//! The Steam surface a multiplayer game uses: the local user, friends, lobbies, the legacy P2P
//! networking, networking messages and relay access, behind one trait ([`SteamApi`]), emulated
//! across processes on one machine ([`local`]) or backed by Steamworks.

pub mod api;
mod event_queue;
pub mod lobby_start;
pub mod local;
pub mod messages;
pub mod p2p_transport;
pub mod real;
pub mod types;

pub use api::{NetworkingMessages, SteamApi};
pub use types::*;
