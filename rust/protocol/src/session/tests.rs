//! Session tests over a perfect in-test transport: every message arrives, in order.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::{Config, Session};
use crate::control::{Control, Hello, PROTOCOL_VERSION};
use crate::event::{Action, ApiError, Event, SendError};
use crate::header::DataHeader;
use crate::ids::{ConnectionId, PeerId, SteamId};
use crate::mode::{ConnectionStatus, TransferMode};
use crate::reason::CloseReason;
use crate::rng::Rng;

enum Delivery {
    Request { conn: ConnectionId, from: SteamId },
    Connected { conn: ConnectionId },
    Message { conn: ConnectionId, data: Vec<u8> },
    Closed { conn: ConnectionId, reason: i32 },
}

/// Sessions joined by a transport that never loses or reorders.
struct Net {
    sessions: Vec<Session<Vec<u8>>>,
    links: HashMap<(usize, ConnectionId), (usize, ConnectionId)>,
    queue: VecDeque<(usize, Delivery)>,
    events: Vec<Vec<Event>>,
    next_conn: u32,
    now: Instant,
}

fn steam(index: usize) -> SteamId {
    SteamId::individual(index as u32 + 1)
}

impl Net {
    fn new(count: usize, config: Config) -> Self {
        Net {
            sessions: (0..count)
                .map(|i| Session::new(config.clone(), steam(i), 100 + i as u64))
                .collect(),
            links: HashMap::new(),
            queue: VecDeque::new(),
            events: vec![Vec::new(); count],
            next_conn: 1,
            now: Instant::now(),
        }
    }

    fn dial(&mut self, from: usize, to: usize) -> ConnectionId {
        let (a, b) = (
            ConnectionId(self.next_conn),
            ConnectionId(self.next_conn + 1),
        );
        self.next_conn += 2;
        self.links.insert((from, a), (to, b));
        self.links.insert((to, b), (from, a));
        self.sessions[from].on_dialed(a, steam(to), self.now);
        self.queue.push_back((
            to,
            Delivery::Request {
                conn: b,
                from: steam(from),
            },
        ));
        a
    }

    fn host(&mut self, index: usize) {
        self.sessions[index].start_host().unwrap();
    }

    fn client(&mut self, index: usize, host: usize) -> ConnectionId {
        let now = self.now;
        self.sessions[index].start_client(steam(host), now).unwrap();
        self.dial(index, host)
    }

    /// Delivers everything in flight and every action it causes, then collects events.
    fn run(&mut self) {
        self.run_holding(|_, _| false);
    }

    /// Like [`Net::run`], but what `hold` picks arrives only after everything else.
    fn run_holding(&mut self, hold: impl Fn(usize, &Delivery) -> bool) {
        let mut held = VecDeque::new();
        let mut holding = true;
        loop {
            self.drain_actions();
            let Some((to, delivery)) = self.queue.pop_front() else {
                if held.is_empty() {
                    break;
                }
                self.queue.append(&mut held);
                holding = false;
                continue;
            };
            if holding && hold(to, &delivery) {
                held.push_back((to, delivery));
                continue;
            }
            let now = self.now;
            let session = &mut self.sessions[to];
            match delivery {
                Delivery::Request { conn, from } => session.on_connection_request(conn, from, now),
                Delivery::Connected { conn } => session.on_connected(conn, now),
                Delivery::Message { conn, data } => session.on_message(conn, data, now),
                Delivery::Closed { conn, reason } => session.on_closed(conn, reason, ""),
            }
        }
        for (index, session) in self.sessions.iter_mut().enumerate() {
            while let Some(event) = session.poll_event() {
                self.events[index].push(event);
            }
        }
        self.drain_actions();
    }

    fn drain_actions(&mut self) {
        for index in 0..self.sessions.len() {
            while let Some(action) = self.sessions[index].poll_action() {
                match action {
                    Action::Accept(conn) => {
                        let (other, other_conn) = self.links[&(index, conn)];
                        self.queue.push_back((index, Delivery::Connected { conn }));
                        self.queue
                            .push_back((other, Delivery::Connected { conn: other_conn }));
                    }
                    Action::Close { conn, reason, .. } => {
                        if let Some((other, other_conn)) = self.links.remove(&(index, conn)) {
                            self.links.remove(&(other, other_conn));
                            let reason = reason.code();
                            self.queue.push_back((
                                other,
                                Delivery::Closed {
                                    conn: other_conn,
                                    reason,
                                },
                            ));
                        }
                    }
                    Action::SendControl { conn, message } => {
                        self.push_message(index, conn, message.as_slice().to_vec());
                    }
                    Action::Dial(remote) => {
                        let to = remote.account_id() as usize - 1;
                        if to < self.sessions.len() {
                            self.dial(index, to);
                        }
                    }
                }
            }
        }
    }

    fn push_message(&mut self, from: usize, conn: ConnectionId, data: Vec<u8>) {
        if let Some(&(other, other_conn)) = self.links.get(&(from, conn)) {
            self.queue.push_back((
                other,
                Delivery::Message {
                    conn: other_conn,
                    data,
                },
            ));
        }
    }

    fn send(
        &mut self,
        from: usize,
        target: i32,
        channel: i32,
        mode: TransferMode,
        payload: &[u8],
    ) -> Result<(), SendError<()>> {
        let mut out = Vec::new();
        let result = self.sessions[from].send(
            target,
            channel,
            mode,
            payload.len(),
            |conn, _, _, header| {
                let mut data = header.to_vec();
                data.extend_from_slice(payload);
                out.push((conn, data));
                Ok(())
            },
        );
        for (conn, data) in out {
            self.push_message(from, conn, data);
        }
        result
    }

    fn received(&mut self, index: usize) -> Vec<(PeerId, u8, TransferMode, Vec<u8>)> {
        std::iter::from_fn(|| self.sessions[index].pop_packet())
            .map(|p| (p.from, p.channel, p.mode, p.payload().to_vec()))
            .collect()
    }

    fn take_events(&mut self, index: usize) -> Vec<Event> {
        std::mem::take(&mut self.events[index])
    }

    /// Discards what every session has heard so far.
    fn forget_events(&mut self) {
        self.events.iter_mut().for_each(Vec::clear);
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
        let now = self.now;
        for session in &mut self.sessions {
            session.on_tick(now);
        }
        self.run();
    }
}

fn star(clients: usize, relay: bool) -> Net {
    star_with(
        clients,
        Config {
            server_relay: relay,
            ..Config::default()
        },
    )
}

/// A star whose clients connect to each other only when the game adds them (no `auto_mesh`).
fn manual_mesh(clients: usize) -> Net {
    star_with(
        clients,
        Config {
            auto_mesh: false,
            ..Config::default()
        },
    )
}

/// A host (index 0) and `clients` clients, each admitted in turn.
fn star_with(clients: usize, config: Config) -> Net {
    let mut net = Net::new(clients + 1, config);
    net.host(0);
    for client in 1..=clients {
        net.client(client, 0);
    }
    net.run();
    net
}

#[test]
fn a_client_is_admitted_with_the_id_it_proposed() {
    let mut net = Net::new(2, Config::default());
    net.host(0);
    net.sessions[1].start_client(steam(0), net.now).unwrap();
    let proposed = net.sessions[1].unique_id();
    assert!(proposed >= 2);
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Connecting);
    net.dial(1, 0);
    net.run();
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Connected);
    assert_eq!(net.sessions[1].unique_id(), proposed);
    assert_eq!(net.take_events(0), [Event::PeerConnected(proposed)]);
    assert_eq!(net.take_events(1), [Event::PeerConnected(1)]);
    assert_eq!(
        net.sessions[0].steam_id_for_peer_id(proposed),
        Some(steam(1))
    );
    assert_eq!(net.sessions[1].peer_id_for_steam_id(steam(0)), Some(1));
    assert_eq!(
        net.sessions[1].peer_id_for_steam_id(steam(1)),
        Some(proposed)
    );
}

#[test]
fn the_host_replaces_an_id_already_taken() {
    let mut net = Net::new(3, Config::default());
    // Same seed: both clients propose the same id.
    net.sessions[2] = Session::new(Config::default(), steam(2), 101);
    net.host(0);
    net.client(1, 0);
    net.client(2, 0);
    net.run();
    let (a, b) = (net.sessions[1].unique_id(), net.sessions[2].unique_id());
    assert_ne!(a, b);
    assert!(a >= 2 && b >= 2);
    assert_eq!(net.sessions[0].peer_ids().count(), 2);
}

#[test]
fn refusing_new_connections_fails_the_client_promptly() {
    let mut net = Net::new(2, Config::default());
    net.host(0);
    net.sessions[0].set_refuse_new_connections(true);
    net.client(1, 0);
    net.run();
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Disconnected);
    assert!(net.take_events(1).is_empty());
    assert!(net.take_events(0).is_empty());
    assert!(!net.sessions[1].is_active(), "reusable after the failure");
}

#[test]
fn nothing_reaches_godot_before_the_handshake() {
    let mut net = Net::new(2, Config::default());
    net.host(0);
    let conn = net.client(1, 0);
    // Deliver the connection request and the connected events, but hold the handshake.
    let (_, host_conn) = net.links[&(1, conn)];
    net.sessions[0].on_connection_request(host_conn, steam(1), net.now);
    let data = [
        DataHeader {
            channel: 2,
            mode: TransferMode::Reliable,
            sequence: 0,
        }
        .encode()
        .as_slice(),
        b"early",
    ]
    .concat();
    net.sessions[0].on_connected(host_conn, net.now);
    net.sessions[0].on_message(host_conn, data, net.now);
    assert_eq!(
        net.sessions[0].available_packets(),
        0,
        "buffered until the handshake"
    );
    net.queue.clear();
    net.sessions[1].on_connected(conn, net.now);
    // The client's Hello goes out now; deliver it.
    net.run();
    let client_id = net.sessions[1].unique_id();
    assert_eq!(
        net.received(0),
        [(client_id, 2, TransferMode::Reliable, b"early".to_vec())]
    );
}

#[test]
fn another_protocol_version_is_refused_with_a_reason() {
    let mut net = star(1, false);
    // A third user connects, its transport up, and speaks version + 1.
    net.sessions
        .push(Session::new(Config::default(), steam(2), 7));
    net.events.push(Vec::new());
    net.sessions[2].start_client(steam(0), net.now).unwrap();
    let conn = net.dial(2, 0);
    let (_, host_conn) = net.links[&(2, conn)];
    net.sessions[0].on_connection_request(host_conn, steam(2), net.now);
    net.sessions[0].on_connected(host_conn, net.now);
    let mut hello = Control::Hello(Hello {
        is_host: false,
        peer_id: 9,
        session_host: steam(0),
    })
    .encode()
    .as_slice()
    .to_vec();
    hello[5] = PROTOCOL_VERSION + 1;
    net.sessions[0].on_message(host_conn, hello, net.now);
    let closes: Vec<CloseReason> = std::iter::from_fn(|| net.sessions[0].poll_action())
        .filter_map(|action| match action {
            Action::Close { conn, reason, .. } if conn == host_conn => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(closes, [CloseReason::Incompatible]);
    assert_eq!(
        net.sessions[0].peer_ids().count(),
        1,
        "only the first client"
    );
    // The client hears why and gives up.
    net.sessions[2].on_closed(conn, CloseReason::Incompatible.code(), "");
    assert_eq!(net.sessions[2].status(), ConnectionStatus::Disconnected);
}

#[test]
fn mesh_clients_dialling_each_other_keep_one_connection() {
    // As GodotSteam's games mesh: each client adds the other, at the same moment.
    let mut net = manual_mesh(2);
    net.take_events(1);
    net.take_events(2);
    // Both dial at once: each sees the other's request while its own is pending.
    assert!(net.sessions[1].should_dial(steam(2)).unwrap());
    assert!(net.sessions[2].should_dial(steam(1)).unwrap());
    net.dial(1, 2);
    net.dial(2, 1);
    net.run();
    let (a, b) = (net.sessions[1].unique_id(), net.sessions[2].unique_id());
    assert_eq!(net.take_events(1), [Event::PeerConnected(b)]);
    assert_eq!(net.take_events(2), [Event::PeerConnected(a)]);
    let links = net.links.keys().filter(|(i, _)| *i == 1).count();
    assert_eq!(
        links, 2,
        "client 1 keeps one link to the host and one to client 2"
    );
    net.send(1, b, 1, TransferMode::Reliable, b"direct")
        .unwrap();
    net.run();
    assert_eq!(
        net.received(2),
        [(a, 1, TransferMode::Reliable, b"direct".to_vec())]
    );
    assert!(
        !net.sessions[1].should_dial(steam(2)).unwrap(),
        "already connected"
    );
}

#[test]
fn a_client_dialling_before_its_id_is_final_waits_for_it() {
    let mut net = Net::new(3, Config::default());
    net.host(0);
    net.client(1, 0);
    net.run();
    // Client 2 dials client 1 before it has reached the host.
    net.sessions[2].start_client(steam(0), net.now).unwrap();
    net.dial(2, 1);
    net.run();
    assert!(net.take_events(2).is_empty());
    net.dial(2, 0);
    net.run();
    let a = net.sessions[1].unique_id();
    assert_eq!(
        net.take_events(2),
        [Event::PeerConnected(1), Event::PeerConnected(a)]
    );
}

#[test]
fn with_server_relay_clients_do_not_mesh() {
    let mut net = star(2, true);
    assert!(
        net.sessions[1].relays(),
        "a client learns that its host relays"
    );
    assert!(!star(1, false).sessions[1].relays());
    assert_eq!(
        net.sessions[1].should_dial(steam(2)),
        Err(ApiError::HostRelays)
    );
    net.take_events(1);
    net.take_events(2);
    // Dialled anyway (by a client that did not know yet): refused.
    net.dial(1, 2);
    net.run();
    assert!(net.take_events(1).is_empty());
    assert!(net.take_events(2).is_empty());
}

#[test]
fn a_kick_reaches_both_sides() {
    let mut net = star(1, false);
    net.take_events(0);
    net.take_events(1);
    let id = net.sessions[1].unique_id();
    net.sessions[0].disconnect_peer(id, false).unwrap();
    net.run();
    assert_eq!(net.take_events(0), [Event::PeerDisconnected(id)]);
    assert_eq!(net.take_events(1), [Event::PeerDisconnected(1)]);
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Disconnected);
    assert_eq!(net.sessions[0].peer_ids().count(), 0);
    // The client can connect again.
    net.client(1, 0);
    net.run();
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Connected);
}

#[test]
fn a_forced_disconnect_is_silent() {
    let mut net = star(1, false);
    net.take_events(0);
    let id = net.sessions[1].unique_id();
    net.sessions[0].disconnect_peer(id, true).unwrap();
    net.run();
    assert!(net.take_events(0).is_empty());
    assert_eq!(
        net.sessions[0].disconnect_peer(id, true),
        Err(ApiError::UnknownPeer(id))
    );
}

#[test]
fn a_leaving_peer_is_heard_after_its_last_packets() {
    let mut net = star(1, false);
    net.take_events(0);
    net.take_events(1);
    let id = net.sessions[1].unique_id();
    net.send(1, 1, 0, TransferMode::Reliable, b"goodbye")
        .unwrap();
    net.sessions[1].disconnect_peer(1, false).unwrap();
    net.run();
    assert!(
        net.take_events(0).is_empty(),
        "held while its packet is unread"
    );
    assert_eq!(
        net.sessions[0].send(id, 0, TransferMode::Reliable, 1, |_, _, _, _| Err(())),
        Ok(()),
        "sends to a departing peer are dropped silently"
    );
    assert_eq!(
        net.received(0),
        [(id, 0, TransferMode::Reliable, b"goodbye".to_vec())]
    );
    net.run();
    assert_eq!(net.take_events(0), [Event::PeerDisconnected(id)]);
    assert_eq!(net.take_events(1), [Event::PeerDisconnected(1)]);
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Disconnected);
}

#[test]
fn the_host_leaving_ends_the_clients_session_after_its_packets() {
    let mut net = star(2, false);
    net.take_events(0);
    net.take_events(1);
    net.send(0, 0, 3, TransferMode::Reliable, b"game over")
        .unwrap();
    net.sessions[0].close();
    net.run();
    assert_eq!(
        net.sessions[1].status(),
        ConnectionStatus::Connected,
        "until the last packet is read"
    );
    assert_eq!(
        net.received(1),
        [(1, 3, TransferMode::Reliable, b"game over".to_vec())]
    );
    net.run();
    assert_eq!(net.take_events(1), [Event::PeerDisconnected(1)]);
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Disconnected);
    assert!(net.take_events(0).is_empty(), "close() emits nothing");
    assert_eq!(net.sessions[0].status(), ConnectionStatus::Disconnected);
    net.sessions[0].start_host().unwrap();
}

#[test]
fn an_unanswered_handshake_times_out() {
    let config = Config::default();
    let timeout = config.handshake_timeout;
    let mut net = Net::new(2, config);
    net.sessions[1].start_client(steam(0), net.now).unwrap();
    net.dial(1, 0);
    net.queue.clear(); // The host never hears of it.
    net.advance(timeout / 2);
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Connecting);
    net.advance(timeout);
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Disconnected);
}

#[test]
fn a_lost_hello_is_sent_again() {
    let config = Config::default();
    let interval = config.hello_interval;
    let mut net = Net::new(2, config);
    net.host(0);
    net.client(1, 0);
    // Deliver the request and both Connected, then lose everything else once.
    for _ in 0..3 {
        net.drain_actions();
        let (to, delivery) = net.queue.pop_front().unwrap();
        match delivery {
            Delivery::Request { conn, from } => {
                net.sessions[to].on_connection_request(conn, from, net.now)
            }
            Delivery::Connected { conn } => net.sessions[to].on_connected(conn, net.now),
            _ => unreachable!(),
        }
    }
    net.drain_actions();
    net.queue.clear();
    net.run();
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Connecting);
    net.advance(interval);
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Connected);
}

#[test]
fn wrong_calls_are_errors() {
    let mut net = star(1, false);
    let send = |net: &mut Net, target, channel, mode, len: usize| {
        net.send(0, target, channel, mode, &vec![0; len])
    };
    let id = net.sessions[1].unique_id();
    assert_eq!(
        send(&mut net, 99, 0, TransferMode::Reliable, 1),
        Err(SendError::Api(ApiError::UnknownTarget(99)))
    );
    assert_eq!(
        send(&mut net, -99, 0, TransferMode::Reliable, 1),
        Err(SendError::Api(ApiError::UnknownTarget(-99)))
    );
    assert_eq!(
        send(&mut net, i32::MIN, 0, TransferMode::Reliable, 1),
        Err(SendError::Api(ApiError::UnknownTarget(i32::MIN)))
    );
    assert_eq!(
        send(&mut net, id, 4, TransferMode::Reliable, 1),
        Err(SendError::Api(ApiError::InvalidChannel {
            channel: 4,
            channels: 4
        }))
    );
    assert_eq!(
        send(&mut net, id, -1, TransferMode::Reliable, 1),
        Err(SendError::Api(ApiError::InvalidChannel {
            channel: -1,
            channels: 4
        }))
    );
    let max = 512 * 1024 - 3;
    assert_eq!(send(&mut net, id, 0, TransferMode::Unreliable, max), Ok(()));
    assert_eq!(
        send(&mut net, id, 0, TransferMode::Unreliable, max + 1),
        Err(SendError::Api(ApiError::TooLarge { size: max + 1, max }))
    );
    assert_eq!(
        send(&mut net, id, 0, TransferMode::Reliable, max + 2),
        Ok(())
    );
    assert_eq!(net.sessions[0].start_host(), Err(ApiError::AlreadyActive));
    assert_eq!(
        net.sessions[1].start_client(steam(0), net.now),
        Err(ApiError::AlreadyActive)
    );
    let mut idle: Session<Vec<u8>> = Session::new(Config::default(), steam(5), 1);
    assert_eq!(
        idle.start_client(steam(5), net.now),
        Err(ApiError::SelfConnect)
    );
    for nobody in [SteamId(0), SteamId(109775244925020489)] {
        assert_eq!(
            idle.start_client(nobody, net.now),
            Err(ApiError::NotAUser(nobody)),
            "0 and a lobby's id are no host"
        );
    }
    assert_eq!(idle.disconnect_peer(2, false), Err(ApiError::NotActive));
    assert_eq!(
        idle.send(0, 0, TransferMode::Reliable, 1, |_, _, _, _| Ok::<(), ()>(
            ()
        )),
        Err(SendError::Api(ApiError::NotActive))
    );
    idle.start_client(steam(0), net.now).unwrap();
    assert_eq!(
        idle.send(1, 0, TransferMode::Reliable, 1, |_, _, _, _| Ok::<(), ()>(
            ()
        )),
        Err(SendError::Api(ApiError::NotConnected))
    );
}

#[test]
fn targets_route_to_the_right_peers() {
    let mut net = star(3, false);
    let ids: Vec<PeerId> = (1..=3).map(|i| net.sessions[i].unique_id()).collect();
    net.send(0, 0, 0, TransferMode::Reliable, b"all").unwrap();
    net.send(0, -ids[1], 0, TransferMode::Reliable, b"not 2")
        .unwrap();
    net.send(0, ids[2], 0, TransferMode::Reliable, b"only 3")
        .unwrap();
    net.send(0, -1, 0, TransferMode::Reliable, b"all but me")
        .unwrap();
    net.run();
    let payloads = |net: &mut Net, i| net.received(i).into_iter().map(|p| p.3).collect::<Vec<_>>();
    assert_eq!(
        payloads(&mut net, 1),
        [&b"all"[..], b"not 2", b"all but me"]
    );
    assert_eq!(payloads(&mut net, 2), [&b"all"[..], b"all but me"]);
    assert_eq!(
        payloads(&mut net, 3),
        [&b"all"[..], b"not 2", b"only 3", b"all but me"]
    );
}

#[test]
fn unreliable_duplicates_and_stale_ordered_packets_are_dropped() {
    let mut net = star(1, false);
    let conn = *net
        .links
        .keys()
        .find(|(i, _)| *i == 1)
        .map(|(_, c)| c)
        .unwrap();
    let packet = |mode, sequence: u16| {
        [
            DataHeader {
                channel: 1,
                mode,
                sequence,
            }
            .encode()
            .as_slice(),
            &sequence.to_le_bytes(),
        ]
        .concat()
    };
    for sequence in [5, 3, 5, 4] {
        net.push_message(1, conn, packet(TransferMode::Unreliable, sequence));
    }
    for sequence in [5, 3, 5, 6] {
        net.push_message(1, conn, packet(TransferMode::UnreliableOrdered, sequence));
    }
    net.run();
    let got: Vec<(TransferMode, Vec<u8>)> =
        net.received(0).into_iter().map(|p| (p.2, p.3)).collect();
    let expect = |mode, s: u16| (mode, s.to_le_bytes().to_vec());
    use TransferMode::{Unreliable, UnreliableOrdered};
    assert_eq!(
        got,
        [
            expect(Unreliable, 5),
            expect(Unreliable, 3),
            expect(Unreliable, 4),
            expect(UnreliableOrdered, 5),
            expect(UnreliableOrdered, 6)
        ]
    );
    let drops = net.sessions[0].drops();
    assert_eq!((drops.duplicate, drops.stale), (1, 2));
}

#[test]
fn random_bytes_never_break_a_session() {
    let mut rng = Rng::new(0xF00D);
    for round in 0..200 {
        let mut net = star(2, round % 2 == 0);
        let conns: Vec<(usize, ConnectionId)> = net.links.keys().copied().collect();
        for _ in 0..50 {
            let (from, conn) = conns[rng.up_to(conns.len() as u64 - 1) as usize];
            let len = rng.up_to(24) as usize;
            let mut data: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            if rng.chance(30.0) && !data.is_empty() {
                data[0] |= 0xC0; // Aim at the control path.
            }
            net.push_message(from, conn, data);
        }
        net.run();
        let _ = net.received(0);
        for session in &net.sessions {
            assert!(session.is_active() || session.status() == ConnectionStatus::Disconnected);
            if session.is_host() {
                assert!(session.peer_ids().all(|id| id >= 2));
            }
        }
    }
}

#[test]
fn close_reasons_reach_the_remote() {
    let mut net = Net::new(2, Config::default());
    net.host(0);
    net.sessions[0].set_refuse_new_connections(true);
    let conn = net.client(1, 0);
    net.drain_actions();
    let (to, request) = net.queue.pop_front().unwrap();
    let Delivery::Request {
        conn: host_conn,
        from,
    } = request
    else {
        unreachable!()
    };
    net.sessions[to].on_connection_request(host_conn, from, net.now);
    let Some(Action::Close { reason, linger, .. }) = net.sessions[0].poll_action() else {
        panic!("no close")
    };
    assert_eq!((reason, linger), (CloseReason::Refused, false));
    net.sessions[1].on_closed(conn, reason.code(), "");
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Disconnected);
}

#[test]
fn a_lobby_peer_admits_members_and_waits_a_little_for_new_ones() {
    let config = Config::default();
    let grace = config.admission_grace;
    let mut net = Net::new(4, config);
    net.host(0);
    let members = |ids: &[usize]| Some(ids.iter().map(|&i| steam(i)).collect());
    net.sessions[0].set_admitted(members(&[0, 1]), net.now);
    net.client(1, 0);
    net.run();
    assert_eq!(
        net.sessions[1].status(),
        ConnectionStatus::Connected,
        "a member is admitted"
    );
    // User 2 dials before the lobby says it joined: its request waits, then goes through.
    net.client(2, 0);
    net.run();
    assert_eq!(net.sessions[2].status(), ConnectionStatus::Connecting);
    net.advance(grace / 2);
    let now = net.now;
    net.sessions[0].set_admitted(members(&[0, 1, 2]), now);
    net.run();
    assert_eq!(
        net.sessions[2].status(),
        ConnectionStatus::Connected,
        "admitted once it is a member"
    );
    // User 3 never joins the lobby: refused when the grace ends.
    net.client(3, 0);
    net.run();
    net.advance(grace / 2);
    assert_eq!(net.sessions[3].status(), ConnectionStatus::Connecting);
    net.advance(grace);
    assert_eq!(net.sessions[3].status(), ConnectionStatus::Disconnected);
    assert_eq!(net.sessions[0].peer_ids().count(), 2);
    // Lifting the restriction admits anyone.
    let now = net.now;
    net.sessions[0].set_admitted(None, now);
    net.client(3, 0);
    net.run();
    assert_eq!(net.sessions[3].status(), ConnectionStatus::Connected);
}

mod flood;
mod mesh;
