//! The legacy P2P sessions as the peers' legacy transport drives them.

use std::time::Instant;

use smp_protocol::SteamId;

use super::SharedSessions;
use crate::p2p_transport::P2PNetworking;
use crate::types::P2PSend;

impl P2PNetworking for SharedSessions {
    fn identity(&self) -> SteamId {
        self.lock().sockets.identity()
    }

    fn send(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> Result<(), String> {
        self.lock().send(remote, data, send, channel)
    }

    fn read(&mut self, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        self.lock().read(usize::MAX, channel)
    }

    fn accept_session(&mut self, remote: SteamId) {
        self.lock().accept(remote);
    }

    fn requested_sessions(&self, out: &mut Vec<SteamId>) {
        let p2p = self.lock();
        out.extend(
            p2p.sessions
                .iter()
                .filter(|(_, s)| !s.accepted && s.requested_at.is_some())
                .map(|(&remote, _)| remote),
        );
    }

    fn has_session(&self, remote: SteamId) -> bool {
        self.lock().sessions.contains_key(&remote)
    }

    fn pump(&mut self, now: Instant) {
        self.lock().pump(now);
    }
}
