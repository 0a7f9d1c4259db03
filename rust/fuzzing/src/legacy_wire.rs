//! The legacy P2P transport: an endpoint over the legacy wire, reading whatever packets P2P
//! sessions deliver on the peer's channel, interleaved with the owner's calls.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;
use std::time::Instant;

use smp_steam::P2PSend;
use smp_steam::p2p_transport::{LegacyWire, P2PNetworking, PEER_CHANNEL};
use smp_transport::FaultConfig;
use smp_transport::SteamId;
use smp_transport::emulated::Endpoint;

use crate::endpoint::{Owner, REMOTES, remote};
use crate::script::Script;

const LOCAL: SteamId = SteamId::individual(100);

/// What the scripted P2P API holds: packets waiting to be read, sessions that exist.
#[derive(Default)]
struct Sessions {
    inbox: VecDeque<(Vec<u8>, SteamId)>,
    open: HashSet<SteamId>,
    requested: Vec<SteamId>,
}

/// The legacy P2P API as the script drives it.
struct ScriptedP2P(Rc<RefCell<Sessions>>);

impl P2PNetworking for ScriptedP2P {
    fn identity(&self) -> SteamId {
        LOCAL
    }
    fn send(&mut self, remote: SteamId, _: &[u8], _: P2PSend, _: i32) -> Result<(), String> {
        self.0.borrow_mut().open.insert(remote);
        Ok(())
    }
    fn read(&mut self, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        assert_eq!(
            channel, PEER_CHANNEL,
            "the transport reads its own channel only"
        );
        self.0.borrow_mut().inbox.pop_front()
    }
    fn accept_session(&mut self, remote: SteamId) {
        let mut sessions = self.0.borrow_mut();
        sessions.requested.retain(|&r| r != remote);
        sessions.open.insert(remote);
    }
    fn requested_sessions(&self, out: &mut Vec<SteamId>) {
        out.extend_from_slice(&self.0.borrow().requested);
    }
    fn has_session(&self, remote: SteamId) -> bool {
        self.0.borrow().open.contains(&remote)
    }
    fn pump(&mut self, _now: Instant) {}
}

/// Runs the script in `data` against the legacy transport.
pub fn run(data: &[u8]) {
    let mut script = Script::new(data);
    let sessions = Rc::new(RefCell::new(Sessions::default()));
    let wire = LegacyWire::new(ScriptedP2P(Rc::clone(&sessions)));
    let mut owner = Owner::new(Endpoint::new(LOCAL, wire, FaultConfig::default()));
    let steps = Owner::<LegacyWire<ScriptedP2P>>::STEPS;
    while let Some(step) = script.next_step(steps + 3) {
        if step < steps {
            owner.step(step, &mut script);
            continue;
        }
        let from = remote(script.pick(REMOTES));
        let mut p2p = sessions.borrow_mut();
        match step - steps {
            // A packet arrives; from a user without a session, it asks for one, as on Steam.
            0 => {
                let packet = script.bytes(1400);
                if !p2p.open.contains(&from) {
                    p2p.requested.push(from);
                }
                p2p.inbox.push_back((packet, from));
            }
            1 => {
                p2p.open.remove(&from);
            }
            _ => p2p.requested.push(from),
        }
    }
}
