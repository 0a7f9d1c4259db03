//! The legacy P2P API of Steam itself, as the peer's legacy transport uses it.

use std::time::Instant;

use smp_transport::SteamId;

use super::dispatch::Dispatcher;
use super::networking::Networking;
use crate::p2p_transport::P2PNetworking;
use crate::types::P2PSend;

/// Steam's `ISteamNetworking` for the legacy transport.
pub struct SteamP2P {
    /// The local user.
    identity: SteamId,
    networking: Networking,
    dispatcher: Dispatcher,
}

impl SteamP2P {
    /// The P2P API of the initialized Steam `networking` belongs to, for user `identity`.
    pub fn new(identity: SteamId, networking: Networking, dispatcher: Dispatcher) -> Self {
        SteamP2P {
            identity,
            networking,
            dispatcher,
        }
    }
}

impl P2PNetworking for SteamP2P {
    fn identity(&self) -> SteamId {
        self.identity
    }

    fn send(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> Result<(), String> {
        if self.networking.send(remote, data, send, channel) {
            Ok(())
        } else {
            Err(format!("Steam refused a P2P packet to {remote}"))
        }
    }

    fn read(&mut self, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        self.networking.read(usize::MAX, channel)
    }

    fn accept_session(&mut self, remote: SteamId) {
        self.networking.accept(remote);
    }

    fn requested_sessions(&self, out: &mut Vec<SteamId>) {
        self.networking.requested_sessions(out);
    }

    fn has_session(&self, remote: SteamId) -> bool {
        self.networking.state(remote).is_some()
    }

    /// Session requests arrive as callbacks: dispatching them keeps the transport moving in a
    /// game that never calls `Steam.run_callbacks()`.
    fn pump(&mut self, _now: Instant) {
        self.dispatcher.run();
    }
}
