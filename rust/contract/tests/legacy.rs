//! The contract against the legacy P2P transport (Steam's sockets semantics over the legacy
//! P2P API), on local mode's emulation of that API, and what only it does: session requests
//! accepted only from admitted users, and the P2P API's smaller unreliable packets.

use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use smp_contract::responder::ECHO_PORT;
use smp_contract::{Harness, Responder, SteamId, contract, next_change, next_end};
use smp_steam::local::sessions::{SessionApi, Sessions, SharedSessions};
use smp_steam::p2p_transport::{self, P2PEndpoint};
use smp_transport::emulated::EmulatedSockets;
use smp_transport::memory::MemoryNetwork;
use smp_transport::{ConnectionState, FaultConfig, SendFlags, SocketError, Sockets};

const ME: u32 = 1;
const RESPONDER: u32 = 2;

/// Both users' legacy P2P sessions over an in-process network, on simulated time.
struct Legacy {
    _net: MemoryNetwork,
    local: P2PEndpoint<SharedSessions>,
    responder: Responder,
    /// The responder's transport, for tests that dial from its user.
    responder_endpoint: P2PEndpoint<SharedSessions>,
    now: Instant,
}

impl Legacy {
    fn new() -> Self {
        let mut net = MemoryNetwork::new();
        let mut transport = |user| {
            let id = SteamId::individual(user);
            net.add_user(id, FaultConfig::default());
            let p2p: SharedSessions = Arc::new(Mutex::new(Sessions::new(
                SessionApi::LegacyP2P,
                Box::new(net.sockets(id)),
            )));
            p2p_transport::endpoint(p2p)
        };
        let local = transport(ME);
        let responder_endpoint = transport(RESPONDER);
        let responder =
            Responder::new(Box::new(EmulatedSockets::new(responder_endpoint.clone()))).unwrap();
        Legacy {
            _net: net,
            local,
            responder,
            responder_endpoint,
            now: Instant::now(),
        }
    }
}

impl Harness for Legacy {
    fn view(&mut self) -> Box<dyn Sockets> {
        Box::new(EmulatedSockets::new(self.local.clone()))
    }

    fn responder(&self) -> SteamId {
        self.responder.identity()
    }

    fn step(&mut self) {
        self.now += self.step_length();
        self.local.lock().pump(self.now);
        self.responder.poll(self.now);
    }
}

contract!(legacy, super::Legacy::new());

#[test]
fn unreliable_messages_are_as_small_as_the_p2p_api_wants() {
    let mut harness = Legacy::new();
    let mut sockets = harness.view();
    let conn = smp_contract::dial(&mut harness, sockets.as_mut(), ECHO_PORT, 1);
    let fits = [0; 1192];
    sockets
        .send(conn, 0, SendFlags::UNRELIABLE, [&fits, b""])
        .unwrap();
    assert_eq!(
        sockets.send(conn, 0, SendFlags::UNRELIABLE, [&fits, b"!"]),
        Err(SocketError::TooLarge {
            size: 1193,
            max: 1192
        })
    );
    let got = smp_contract::receive_all(&mut harness, sockets.as_mut(), 1);
    assert_eq!(got[0].data.len(), 1192);
}

#[test]
fn sessions_are_accepted_only_from_admitted_users() {
    let mut harness = Legacy::new();
    let mut listener = harness.view();
    listener.listen(3).unwrap();
    listener.admit_only(Some(&[SteamId::individual(4)]));
    let mut caller = EmulatedSockets::new(harness.responder_endpoint.clone());
    let me = listener.identity();
    let conn = caller.connect(me, 3).unwrap();
    let ended = next_end(&mut harness, &mut caller, "the caller to give up");
    assert_eq!(
        (ended.conn, ended.state),
        (conn, ConnectionState::ProblemDetectedLocally),
        "a session never accepted looks like nobody answering"
    );
    assert!(
        listener.next_status_change().is_none(),
        "the listener never heard of it"
    );
    listener.admit_only(Some(&[harness.responder()]));
    caller.connect(me, 3).unwrap();
    let request = next_change(
        &mut harness,
        listener.as_mut(),
        "the request, once admitted",
    );
    assert_eq!(
        (request.state, request.remote),
        (ConnectionState::Connecting, harness.responder())
    );
}

#[test]
fn delivery_quality_is_unknown_but_ping_is_measured() {
    let mut harness = Legacy::new();
    let mut sockets = harness.view();
    let conn = smp_contract::dial(&mut harness, sockets.as_mut(), ECHO_PORT, 1);
    let mut pinged = false;
    smp_contract::wait(&mut harness, "a ping", || {
        pinged = sockets.quality(conn).is_some_and(|q| q.ping_ms >= 0);
        pinged
    });
    let quality = sockets.quality(conn).unwrap();
    assert_eq!(
        (quality.quality_local, quality.quality_remote),
        (-1.0, -1.0),
        "the P2P API loses packets below the transport, unseen"
    );
}
