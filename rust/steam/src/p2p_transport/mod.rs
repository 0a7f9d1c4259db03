//! The multiplayer peer's legacy transport: Steam's sockets semantics over the legacy P2P API
//! (`ISteamNetworking`: sessions per user, packets on channels), for games that cannot use the
//! networking sockets. The emulated endpoint of `smp_transport` holds every semantic; this
//! module only gives it a [`Wire`](smp_transport::emulated::Wire) made of P2P packets.
//!
//! Its packets travel on channel [`PEER_CHANNEL`]; sessions are per user and shared with the
//! game, so a game that closes its P2P session with a player also ends the peer's links to
//! them.

mod frame;
mod wire;

use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use smp_transport::emulated::{Endpoint, SharedEndpoint};
use smp_transport::{FaultConfig, SteamId};

use crate::types::P2PSend;
pub use wire::{LegacyWire, PEER_CHANNEL};

/// The legacy P2P API as the transport uses it: local mode's emulation or Steam's.
pub trait P2PNetworking {
    /// The local user.
    fn identity(&self) -> SteamId;
    /// `SendP2PPacket`; sending to a user accepts their session.
    fn send(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> Result<(), String>;
    /// `ReadP2PPacket`: the next whole packet on `channel`, and its sender.
    fn read(&mut self, channel: i32) -> Option<(Vec<u8>, SteamId)>;
    /// `AcceptP2PSessionWithUser`.
    fn accept_session(&mut self, remote: SteamId);
    /// Appends the users whose session requests wait for an answer.
    fn requested_sessions(&self, out: &mut Vec<SteamId>);
    /// True while a session with `remote` exists, connecting or up.
    fn has_session(&self, remote: SteamId) -> bool;
    /// Moves the sessions along.
    fn pump(&mut self, now: Instant);
}

/// One user's legacy transport, shared by the views of every peer that uses it.
pub type P2PEndpoint<P> = SharedEndpoint<LegacyWire<P>>;

/// The legacy transport over `p2p`. Faults are injected below it, if at all.
pub fn endpoint<P: P2PNetworking>(p2p: P) -> P2PEndpoint<P> {
    let identity = p2p.identity();
    Arc::new(Mutex::new(Endpoint::new(
        identity,
        LegacyWire::new(p2p),
        FaultConfig::default(),
    )))
}
