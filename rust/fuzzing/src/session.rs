//! The peer's session state machine (handshake, id assignment, mesh, traffic) driven by any
//! sequence of transport events, control messages and API calls, as a hostile or broken
//! network could produce them.

use std::collections::HashSet;

use smp_protocol::control::{Control, Hello, Member, Welcome};
use smp_protocol::{Action, Config, ConnectionId, Event, PeerId, Session, SteamId, TransferMode};

use crate::endpoint::{REMOTES, remote};
use crate::script::Script;

const LOCAL: SteamId = SteamId::individual(100);
const CONNECTIONS: u8 = 8;

/// Runs the script in `data` against a host's or a client's session.
pub fn run(data: &[u8]) {
    let mut script = Script::new(data);
    let config = Config {
        server_relay: script.pick(2) == 0,
        ..Config::default()
    };
    let mut session: Session<Vec<u8>> = Session::new(config, LOCAL, 7);
    let mut peers = Peers::default();
    start(&mut session, &mut script);
    let mut next_conn = u32::from(CONNECTIONS);
    while let Some(step) = script.next_step(11) {
        let conn = ConnectionId(u32::from(script.pick(CONNECTIONS)));
        let now = script.now;
        match step {
            0 => session.on_connection_request(conn, remote(script.pick(REMOTES)), now),
            1 => session.on_dialed(conn, remote(script.pick(REMOTES)), now),
            2 => session.on_connected(conn, now),
            3 => session.on_message(conn, script.bytes(2048), now),
            4 => {
                let message = control(&mut script).encode();
                session.on_message(conn, message.as_slice().to_vec(), now);
            }
            5 => {
                let reason = if script.pick(2) == 0 {
                    1000 + i32::from(script.pick(16))
                } else {
                    script.int()
                };
                session.on_closed(conn, reason, "closed by the script");
            }
            6 => {
                script.advance();
                session.on_tick(script.now);
            }
            7 => send(&mut session, &mut script),
            8 => {
                let members = (script.pick(2) == 0).then(|| {
                    (0..REMOTES)
                        .filter(|_| script.pick(2) == 0)
                        .map(remote)
                        .collect()
                });
                session.set_admitted(members, now);
            }
            9 => {
                let (id, force) = (peer_id(&mut script), script.pick(2) == 0);
                // A forced disconnect is silent, as Godot expects: the peer is simply gone.
                if session.disconnect_peer(id, force).is_ok() && force {
                    peers.connected.remove(&id);
                }
            }
            _ => {
                // Silent, as Godot expects of close(): what it was told is void.
                session.close();
                peers.connected.clear();
                start(&mut session, &mut script);
            }
        }
        while let Some(action) = session.poll_action() {
            if let Action::Dial(steam_id) = action {
                next_conn += 1;
                session.on_dialed(ConnectionId(next_conn), steam_id, script.now);
            }
        }
        peers.check(&mut session);
    }
}

fn start(session: &mut Session<Vec<u8>>, script: &mut Script) {
    let _ = match script.pick(2) {
        0 => session.start_host(),
        _ => session.start_client(remote(0), script.now),
    };
}

/// The ids a script names: the host's, small ones the session is likely to give, and any.
fn peer_id(script: &mut Script) -> PeerId {
    match script.pick(3) {
        0 => 1,
        1 => i32::from(script.pick(8)),
        _ => script.int(),
    }
}

fn control(script: &mut Script) -> Control {
    let peer_id = peer_id(script);
    let steam_id = match script.pick(3) {
        0 => LOCAL,
        1 => remote(script.pick(REMOTES)),
        _ => SteamId(u64::from(script.int().unsigned_abs())),
    };
    match script.pick(4) {
        0 => Control::Hello(Hello {
            is_host: script.pick(2) == 0,
            peer_id,
            session_host: steam_id,
        }),
        1 => Control::Welcome(Welcome {
            peer_id,
            host_relays: script.pick(2) == 0,
        }),
        2 => Control::PeerJoined(Member { peer_id, steam_id }),
        _ => Control::PeerLeft(Member { peer_id, steam_id }),
    }
}

fn send(session: &mut Session<Vec<u8>>, script: &mut Script) {
    let target = i32::from(script.pick(7)) - 3;
    let channel = i32::from(script.pick(6)) - 1;
    let mode = match script.pick(3) {
        0 => TransferMode::Reliable,
        1 => TransferMode::Unreliable,
        _ => TransferMode::UnreliableOrdered,
    };
    let len = usize::from(script.pick(255)) * 16;
    let _ = session.send(target, channel, mode, len, |_, _, _, header| {
        assert!(!header.is_empty(), "every message carries a header");
        Ok::<(), ()>(())
    });
}

/// What Godot has been told: each peer connects once, and disconnects only once connected.
#[derive(Default)]
struct Peers {
    connected: HashSet<PeerId>,
}

impl Peers {
    fn check(&mut self, session: &mut Session<Vec<u8>>) {
        while let Some(event) = session.poll_event() {
            match event {
                Event::PeerConnected(id) => {
                    assert!(self.connected.insert(id), "peer_connected twice for {id}");
                }
                Event::PeerDisconnected(id) => {
                    assert!(
                        self.connected.remove(&id),
                        "peer_disconnected for {id}, never connected"
                    );
                }
            }
        }
        while let Some(packet) = session.pop_packet() {
            let _ = packet.payload();
        }
    }
}
