//! Peers over the in-process network with injected loss, lag, jitter, reordering and
//! duplication: each transfer mode keeps its guarantee over thousands of messages.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use smp_peer::{Config, ConnectionStatus, Event, PeerDriver, PeerId, SteamId, TransferMode};
use smp_transport::emulated::endpoint::CONNECTED_TIMEOUT;
use smp_transport::memory::MemoryNetwork;
use smp_transport::{FaultConfig, Sockets};

struct Received {
    from: PeerId,
    channel: u8,
    mode: TransferMode,
    payload: Vec<u8>,
}

/// Users on one memory network, each running one peer, with simulated time.
struct World {
    net: MemoryNetwork,
    peers: Vec<PeerDriver>,
    events: Vec<Vec<Event>>,
    received: Vec<Vec<Received>>,
    now: Instant,
}

fn steam(index: usize) -> SteamId {
    SteamId::individual(index as u32 + 1)
}

fn harsh() -> FaultConfig {
    FaultConfig {
        loss_percent: 10.0,
        lag: Duration::from_millis(20),
        jitter: Duration::from_millis(30),
        reorder_percent: 10.0,
        duplicate_percent: 5.0,
        seed: Some(11),
    }
}

impl World {
    fn new(count: usize, faults: FaultConfig, config: Config) -> Self {
        let mut net = MemoryNetwork::new();
        let mut peers = Vec::new();
        for index in 0..count {
            let faults = FaultConfig {
                seed: faults.seed.map(|s| s + index as u64),
                ..faults
            };
            net.add_user(steam(index), faults);
            peers.push(PeerDriver::new(
                Box::new(net.sockets(steam(index))),
                config.clone(),
                1000 + index as u64,
            ));
        }
        World {
            net,
            peers,
            events: vec![Vec::new(); count],
            received: (0..count).map(|_| Vec::new()).collect(),
            now: Instant::now(),
        }
    }

    fn step(&mut self) {
        self.step_without(None);
    }

    /// A step in which `frozen`, if any, does nothing: a hung process, or a link that drops
    /// everything it carries.
    fn step_without(&mut self, frozen: Option<usize>) {
        self.now += Duration::from_millis(5);
        for (index, peer) in self.peers.iter_mut().enumerate() {
            if Some(index) == frozen {
                continue;
            }
            peer.poll(self.now);
            while let Some(event) = peer.poll_event() {
                self.events[index].push(event);
            }
            while let Some(packet) = peer.pop_packet() {
                self.received[index].push(Received {
                    from: packet.from,
                    channel: packet.channel,
                    mode: packet.mode,
                    payload: packet.payload().to_vec(),
                });
            }
        }
    }

    /// Steps until `done` holds; at most `seconds` of simulated time.
    fn run_until(&mut self, seconds: u64, what: &str, done: impl Fn(&World) -> bool) {
        let deadline = self.now + Duration::from_secs(seconds);
        while !done(self) {
            assert!(
                self.now < deadline,
                "timed out after {seconds} s waiting for {what}"
            );
            self.step();
        }
    }

    fn settle(&mut self, seconds: u64) {
        let deadline = self.now + Duration::from_secs(seconds);
        while self.now < deadline {
            self.step();
        }
    }

    fn id(&self, index: usize) -> PeerId {
        self.peers[index].session().unique_id()
    }

    /// A host (index 0) and `clients` clients, all connected.
    fn star(clients: usize, faults: FaultConfig, config: Config) -> Self {
        let mut world = World::new(clients + 1, faults, config);
        world.peers[0].create_host(0).unwrap();
        for index in 1..=clients {
            let now = world.now;
            world.peers[index].create_client(steam(0), 0, now).unwrap();
        }
        world.run_until(30, "every client to connect", |w| {
            w.peers
                .iter()
                .all(|p| p.session().status() == ConnectionStatus::Connected)
                && w.peers[0].session().peer_ids().count() == clients
        });
        world
    }

    fn taken(&mut self, index: usize) -> Vec<Received> {
        std::mem::take(&mut self.received[index])
    }
}

fn numbered(n: u32, len: usize) -> Vec<u8> {
    let mut payload = n.to_le_bytes().to_vec();
    payload.resize(len.max(4), (n % 251) as u8);
    payload
}

fn number(payload: &[u8]) -> u32 {
    u32::from_le_bytes(payload[..4].try_into().unwrap())
}

const MESSAGES: u32 = 3000;

/// Client 1 sends `MESSAGES` packets per channel in `mode` to the host, `per_step` every 5 ms.
fn stream_to_host(world: &mut World, mode: TransferMode, per_step: u32) -> Vec<Received> {
    world.taken(0);
    for n in 0..MESSAGES {
        for channel in 0..4 {
            world.peers[1]
                .send(1, channel, mode, &numbered(n, 8 + (n as usize % 900)))
                .unwrap();
        }
        if n % per_step == 0 {
            world.step();
        }
    }
    world.settle(10);
    world.taken(0)
}

fn per_channel(received: &[Received], mode: TransferMode, from: PeerId) -> HashMap<u8, Vec<u32>> {
    let mut channels: HashMap<u8, Vec<u32>> = HashMap::new();
    for packet in received {
        assert_eq!(
            (packet.mode, packet.from),
            (mode, from),
            "mode and sender are reported as sent"
        );
        let n = number(&packet.payload);
        assert_eq!(
            packet.payload,
            numbered(n, 8 + (n as usize % 900)),
            "content intact"
        );
        channels.entry(packet.channel).or_default().push(n);
    }
    channels
}

#[test]
fn reliable_delivers_everything_in_order_on_every_channel() {
    let mut world = World::star(2, harsh(), Config::default());
    let from = world.id(1);
    let received = stream_to_host(&mut world, TransferMode::Reliable, 10);
    let channels = per_channel(&received, TransferMode::Reliable, from);
    for channel in 0..4 {
        assert_eq!(
            channels[&channel],
            (0..MESSAGES).collect::<Vec<_>>(),
            "channel {channel}"
        );
    }
}

#[test]
fn unreliable_ordered_never_goes_back_and_is_never_made_reliable() {
    let mut world = World::star(2, harsh(), Config::default());
    let from = world.id(1);
    // One packet per channel every 5 ms, the rate of a fast game's position updates: with
    // 30 ms of jitter, each packet races the five after it.
    let received = stream_to_host(&mut world, TransferMode::UnreliableOrdered, 1);
    let channels = per_channel(&received, TransferMode::UnreliableOrdered, from);
    for channel in 0..4 {
        let got = &channels[&channel];
        assert!(
            got.windows(2).all(|w| w[0] < w[1]),
            "channel {channel} went back or repeated"
        );
        assert!(
            got.len() < MESSAGES as usize,
            "channel {channel}: nothing lost, so it was reliable"
        );
        assert!(
            got.len() > MESSAGES as usize / 4,
            "channel {channel}: lost too much ({})",
            got.len()
        );
    }
    assert!(
        world.peers[0].session().drops().stale > 0,
        "reordering happened and was filtered"
    );
}

#[test]
fn unreliable_delivers_each_packet_at_most_once() {
    let mut world = World::star(2, harsh(), Config::default());
    let from = world.id(1);
    let received = stream_to_host(&mut world, TransferMode::Unreliable, 10);
    let channels = per_channel(&received, TransferMode::Unreliable, from);
    let mut reordered = false;
    for channel in 0..4 {
        let got = &channels[&channel];
        let mut unique = got.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            got.len(),
            "channel {channel} delivered a duplicate"
        );
        assert!(got.len() < MESSAGES as usize && got.len() > MESSAGES as usize / 2);
        reordered |= got.windows(2).any(|w| w[0] > w[1]);
    }
    assert!(
        reordered,
        "unreliable packets may arrive out of order, and some did"
    );
    assert!(
        world.peers[0].session().drops().duplicate > 0,
        "duplicates were injected and filtered"
    );
}

#[test]
fn broadcast_and_exclusion_reach_the_right_clients() {
    let mut world = World::star(3, harsh(), Config::default());
    let ids: Vec<PeerId> = (1..=3).map(|i| world.id(i)).collect();
    for n in 0..200 {
        world.peers[0]
            .send(0, 2, TransferMode::Reliable, &numbered(n, 4))
            .unwrap();
        world.peers[0]
            .send(-ids[0], 3, TransferMode::Reliable, &numbered(n, 4))
            .unwrap();
    }
    world.settle(5);
    for (index, id) in ids.iter().enumerate() {
        let got = world.taken(index + 1);
        let on = |channel| {
            got.iter()
                .filter(|p| p.channel == channel)
                .map(|p| number(&p.payload))
                .collect::<Vec<_>>()
        };
        assert_eq!(on(2), (0..200).collect::<Vec<_>>(), "broadcast to {id}");
        let expected: Vec<u32> = if index == 0 {
            vec![]
        } else {
            (0..200).collect()
        };
        assert_eq!(on(3), expected, "exclusion for {id}");
        assert!(got.iter().all(|p| p.from == 1));
    }
}

#[test]
fn a_400_kib_reliable_payload_arrives_whole() {
    let mut world = World::star(1, harsh(), Config::default());
    let payload: Vec<u8> = (0..400 * 1024)
        .map(|i: usize| (i * 31 % 256) as u8)
        .collect();
    world.peers[0]
        .send(0, 1, TransferMode::Reliable, &payload)
        .unwrap();
    world.run_until(10, "the big payload", |w| !w.received[1].is_empty());
    let got = world.taken(1);
    assert_eq!(got.len(), 1);
    assert!(got[0].payload == payload);
}

#[test]
fn clients_mesh_by_themselves_under_faults_and_a_late_joiner_too() {
    let mut world = World::star(2, harsh(), Config::default());
    world.run_until(10, "the mesh", |w| {
        (1..=2).all(|i| w.peers[i].session().peer_ids().count() == 2)
    });
    world.net.add_user(steam(3), harsh());
    world.peers.push(PeerDriver::new(
        Box::new(world.net.sockets(steam(3))),
        Config::default(),
        77,
    ));
    world.events.push(Vec::new());
    world.received.push(Vec::new());
    let now = world.now;
    world.peers[3].create_client(steam(0), 0, now).unwrap();
    world.run_until(10, "the late joiner to meet everyone", |w| {
        (1..=3).all(|i| w.peers[i].session().peer_ids().count() == 3)
    });
    let ids: Vec<PeerId> = (0..=3).map(|i| world.id(i)).collect();
    for a in 1..=3 {
        let connected = world.events[a]
            .iter()
            .filter(|e| matches!(e, Event::PeerConnected(_)))
            .count();
        assert_eq!(connected, 3, "client {a}: {:?}", world.events[a]);
    }
    // A client leaves: every other hears it, once.
    world.peers[2].close();
    world.settle(8);
    for index in [0, 1, 3] {
        let gone = world.events[index]
            .iter()
            .filter(|e| **e == Event::PeerDisconnected(ids[2]))
            .count();
        assert_eq!(gone, 1, "peer {index}: {:?}", world.events[index]);
    }
}

#[test]
fn a_full_mesh_forms_under_faults() {
    let config = Config {
        server_relay: false,
        auto_mesh: false,
        ..Config::default()
    };
    let mut world = World::star(3, harsh(), config);
    // Every client adds every other, as GodotSteam's lobby code does: dials cross.
    for a in 1..=3 {
        for b in 1..=3 {
            if a != b {
                let now = world.now;
                world.peers[a].add_peer(steam(b), 0, now).unwrap();
            }
        }
    }
    world.run_until(30, "the mesh", |w| {
        (1..=3).all(|i| w.peers[i].session().peer_ids().count() == 3)
    });
    let ids: Vec<PeerId> = (0..=3).map(|i| world.id(i)).collect();
    for a in 1..=3 {
        let mut seen: Vec<PeerId> = world.peers[a].session().peer_ids().collect();
        seen.sort_unstable();
        let mut expected: Vec<PeerId> = ids.iter().copied().filter(|&id| id != ids[a]).collect();
        expected.sort_unstable();
        assert_eq!(seen, expected);
        let connected: Vec<PeerId> = world.events[a]
            .iter()
            .map(|e| match e {
                Event::PeerConnected(id) => *id,
                Event::PeerDisconnected(id) => panic!("{id} disconnected"),
            })
            .collect();
        assert_eq!(
            connected.len(),
            3,
            "each peer connected exactly once: {connected:?}"
        );
    }
    world.peers[1]
        .send(ids[3], 1, TransferMode::Reliable, b"direct")
        .unwrap();
    world.run_until(5, "the direct message", |w| !w.received[3].is_empty());
    let got = world.taken(3);
    assert_eq!(
        (got[0].from, got[0].payload.as_slice()),
        (ids[1], &b"direct"[..])
    );
}

#[test]
fn a_kicked_client_reads_what_the_host_sent_before_the_kick() {
    let mut world = World::star(1, harsh(), Config::default());
    let client = world.id(1);
    for n in 0..50 {
        world.peers[0]
            .send(
                client,
                n % 4,
                TransferMode::Reliable,
                &numbered(n as u32, 100),
            )
            .unwrap();
    }
    world.peers[0].disconnect_peer(client, false).unwrap();
    world.run_until(10, "the client to leave", |w| {
        w.peers[1].session().status() == ConnectionStatus::Disconnected
    });
    assert_eq!(
        world.received[1].len(),
        50,
        "every packet sent before the kick arrived"
    );
    assert_eq!(world.events[1].last(), Some(&Event::PeerDisconnected(1)));
    assert_eq!(
        world.events[0].last(),
        Some(&Event::PeerDisconnected(client))
    );
}

#[test]
fn peers_follow_a_lobby_through_joins_and_leaves() {
    let mut world = World::new(5, harsh(), Config::default());
    let mut lobby = vec![steam(0), steam(1), steam(2)];
    world.peers[0].create_host(0).unwrap();
    for client in [1, 2] {
        let now = world.now;
        world.peers[client].create_client(steam(0), 0, now).unwrap();
    }
    let follow = |world: &mut World, lobby: &[SteamId], who: &[usize]| {
        for &index in who {
            let now = world.now;
            world.peers[index].follow_members(lobby, 0, now);
        }
        world.step();
    };
    let meshed = |world: &World, who: &[usize]| {
        who.iter()
            .all(|&i| world.peers[i].session().peer_ids().count() == who.len() - 1)
    };
    let deadline = world.now + Duration::from_secs(20);
    while !meshed(&world, &[0, 1, 2]) {
        assert!(world.now < deadline, "the first three never meshed");
        follow(&mut world, &lobby, &[0, 1, 2]);
    }
    // A late joiner: it joins the lobby, connects to the host, and everyone meshes with it.
    lobby.push(steam(3));
    let now = world.now;
    world.peers[3].create_client(steam(0), 0, now).unwrap();
    let deadline = world.now + Duration::from_secs(20);
    while !meshed(&world, &[0, 1, 2, 3]) {
        assert!(world.now < deadline, "the late joiner never meshed");
        follow(&mut world, &lobby, &[0, 1, 2, 3]);
    }
    // A stranger is refused.
    let now = world.now;
    world.peers[4].create_client(steam(0), 0, now).unwrap();
    let deadline = world.now + Duration::from_secs(20);
    while world.peers[4].session().status() != ConnectionStatus::Disconnected {
        assert!(world.now < deadline, "the stranger was never refused");
        follow(&mut world, &lobby, &[0, 1, 2, 3]);
    }
    // A leaver: everyone drops it.
    let leaver = world.id(2);
    lobby.retain(|&id| id != steam(2));
    let deadline = world.now + Duration::from_secs(20);
    while !meshed(&world, &[0, 1, 3]) {
        assert!(world.now < deadline, "the leaver was never dropped");
        follow(&mut world, &lobby, &[0, 1, 3]);
    }
    for index in [0, 1, 3] {
        assert!(
            world.events[index].contains(&Event::PeerDisconnected(leaver)),
            "{index} heard the leaver go"
        );
    }
}

#[test]
fn clients_hear_the_host_vanish() {
    let mut world = World::star(2, harsh(), Config::default());
    world.net.remove_user(steam(0));
    world.run_until(10, "the clients to notice", |w| {
        (1..=2).all(|i| w.peers[i].session().status() == ConnectionStatus::Disconnected)
    });
    for index in 1..=2 {
        assert_eq!(
            world.events[index].last(),
            Some(&Event::PeerDisconnected(1))
        );
    }
}

#[test]
fn a_send_to_a_peer_whose_connection_just_ended_is_dropped_not_refused() {
    let mut world = World::star(2, FaultConfig::default(), Config::default());
    let gone = world.id(1);
    world.peers[1].close();
    // What a `Steam.run_callbacks()` between two polls does: the host's transport learns that
    // the connection ended before the host's driver does.
    world
        .net
        .sockets(steam(0))
        .pump(world.now + Duration::from_millis(1));
    for target in [gone, 0] {
        let sent = world.peers[0].send(target, 0, TransferMode::Reliable, b"too late");
        assert!(sent.is_ok(), "a send to {target} is dropped: {sent:?}");
    }
    world.run_until(5, "the host to report the departure", |w| {
        w.events[0].contains(&Event::PeerDisconnected(gone))
    });
    let other = world.id(2);
    world.peers[0]
        .send(other, 0, TransferMode::Reliable, b"still here")
        .unwrap();
    world.run_until(5, "the other client to hear the host", |w| {
        w.received[2].iter().any(|r| r.payload == b"still here")
    });
}

/// Steps with `frozen` silent until `done`, and returns how long that took.
fn silent_until(world: &mut World, frozen: usize, done: impl Fn(&World) -> bool) -> Duration {
    let start = world.now;
    while !done(world) {
        assert!(
            world.now - start < Duration::from_secs(30),
            "no one noticed the silence"
        );
        world.step_without(Some(frozen));
    }
    world.now - start
}

/// Noticed once the timeout is up, and not long after.
fn assert_about_the_timeout(took: Duration) {
    assert!(
        took >= CONNECTED_TIMEOUT,
        "not before the timeout: {took:?}"
    );
    assert!(
        took < CONNECTED_TIMEOUT + Duration::from_secs(2),
        "soon after it: {took:?}"
    );
}

#[test]
fn a_silent_client_is_dropped_by_everyone_after_the_connected_timeout() {
    let mut world = World::star(2, harsh(), Config::default());
    world.run_until(30, "the full mesh", |w| {
        w.peers[1].session().peer_ids().count() == 2
    });
    let silent = world.id(2);
    let took = silent_until(&mut world, 2, |w| {
        [0, 1]
            .iter()
            .all(|&i| w.events[i].contains(&Event::PeerDisconnected(silent)))
    });
    assert_about_the_timeout(took);
}

#[test]
fn a_silent_host_ends_its_clients_sessions_after_the_connected_timeout() {
    let mut world = World::star(2, harsh(), Config::default());
    let took = silent_until(&mut world, 0, |w| {
        (1..=2).all(|i| w.peers[i].session().status() == ConnectionStatus::Disconnected)
    });
    assert_about_the_timeout(took);
    for index in 1..=2 {
        assert!(world.events[index].contains(&Event::PeerDisconnected(1)));
    }
}

#[test]
fn a_host_that_is_not_there_fails_the_client_quickly() {
    let mut world = World::new(1, harsh(), Config::default());
    let now = world.now;
    world.peers[0]
        .create_client(SteamId::individual(77), 0, now)
        .unwrap();
    assert_eq!(
        world.peers[0].session().status(),
        ConnectionStatus::Connecting
    );
    world.run_until(2, "the failure", |w| {
        w.peers[0].session().status() == ConnectionStatus::Disconnected
    });
    assert!(world.events[0].is_empty());
}

#[test]
fn a_host_that_never_answers_times_the_client_out() {
    let mut world = World::new(2, FaultConfig::default(), Config::default());
    // User 0 accepts connections but runs no peer protocol.
    let mut silent = world.net.sockets(steam(0));
    silent.listen(0).unwrap();
    let now = world.now;
    world.peers[1].create_client(steam(0), 0, now).unwrap();
    let started = world.now;
    let mut accepted = false;
    while world.peers[1].session().status() != ConnectionStatus::Disconnected {
        assert!(
            world.now - started < Duration::from_secs(30),
            "never timed out"
        );
        silent.pump(world.now);
        while let Some(change) = silent.next_status_change() {
            accepted |= silent.accept(change.conn).is_ok();
        }
        world.step();
    }
    assert!(
        accepted,
        "the transport connected, so the handshake is what timed out"
    );
    let waited = world.now - started;
    assert!(
        waited >= Duration::from_secs(10) && waited <= Duration::from_secs(11),
        "{waited:?}"
    );
}

#[test]
fn two_peers_share_one_user() {
    let mut net = MemoryNetwork::new();
    net.add_user(steam(0), FaultConfig::default());
    net.add_user(steam(1), FaultConfig::default());
    let mut host_a = PeerDriver::new(Box::new(net.sockets(steam(0))), Config::default(), 1);
    let mut host_b = PeerDriver::new(Box::new(net.sockets(steam(0))), Config::default(), 2);
    let mut client_a = PeerDriver::new(Box::new(net.sockets(steam(1))), Config::default(), 3);
    let mut client_b = PeerDriver::new(Box::new(net.sockets(steam(1))), Config::default(), 4);
    host_a.create_host(0).unwrap();
    host_b.create_host(1).unwrap();
    let mut now = Instant::now();
    client_a.create_client(steam(0), 0, now).unwrap();
    client_b.create_client(steam(0), 1, now).unwrap();
    for _ in 0..100 {
        now += Duration::from_millis(5);
        for peer in [&mut host_a, &mut host_b, &mut client_a, &mut client_b] {
            peer.poll(now);
            while peer.poll_event().is_some() {}
        }
    }
    assert_eq!(
        host_a.session().peer_ids().collect::<Vec<_>>(),
        [client_a.session().unique_id()]
    );
    assert_eq!(
        host_b.session().peer_ids().collect::<Vec<_>>(),
        [client_b.session().unique_id()]
    );
    client_a
        .send(1, 0, TransferMode::Reliable, b"to a")
        .unwrap();
    for _ in 0..10 {
        now += Duration::from_millis(5);
        host_a.poll(now);
        host_b.poll(now);
        client_a.poll(now);
    }
    assert_eq!(
        host_a.pop_packet().map(|p| p.payload().to_vec()),
        Some(b"to a".to_vec())
    );
    assert!(
        host_b.pop_packet().is_none(),
        "the other peer of the same user saw nothing"
    );
    drop(host_a);
    for _ in 0..10 {
        now += Duration::from_millis(5);
        client_a.poll(now);
        while client_a.poll_event().is_some() {}
    }
    assert_eq!(
        client_a.session().status(),
        ConnectionStatus::Disconnected,
        "freeing a peer closes its connections"
    );
    assert_eq!(client_b.session().status(), ConnectionStatus::Connected);
}

/// A bad wide-area link: 10% loss, 100 ms ± 30 ms, reordering and duplication.
fn wide_area() -> FaultConfig {
    FaultConfig {
        loss_percent: 10.0,
        lag: Duration::from_millis(100),
        jitter: Duration::from_millis(30),
        reorder_percent: 10.0,
        duplicate_percent: 5.0,
        seed: Some(23),
    }
}

/// FNV-1a, folded over each payload in the order it is sent or received.
fn checksum(sum: u64, payload: &[u8]) -> u64 {
    payload.iter().fold(sum, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[test]
fn a_hundred_thousand_reliable_messages_across_four_peers_arrive_once_and_in_order() {
    const TOTAL: u32 = 100_000;
    let mut world = World::star(3, wide_area(), Config::default());
    world.run_until(30, "the full mesh", |w| {
        (0..4).all(|i| w.peers[i].session().peer_ids().count() == 3)
    });
    let ids: Vec<PeerId> = (0..4).map(|i| world.id(i)).collect();
    // Per sender and receiver: messages sent, and the checksum of what was sent, in order.
    let mut sent = [[(0u32, 0xcbf2_9ce4_8422_2325u64); 4]; 4];
    for n in 0..TOTAL {
        let from = (n % 4) as usize;
        let to = (from + 1 + (n / 4 % 3) as usize) % 4;
        let (k, sum) = &mut sent[from][to];
        let payload = numbered(*k, 8 + *k as usize % 200);
        *sum = checksum(*sum, &payload);
        world.peers[from]
            .send(ids[to], (*k % 4) as i32, TransferMode::Reliable, &payload)
            .unwrap();
        *k += 1;
        if n % 200 == 0 {
            world.step();
        }
    }
    world.run_until(120, "every message", |w| {
        w.received.iter().map(Vec::len).sum::<usize>() == TOTAL as usize
    });
    // Anything delivered twice would arrive now.
    world.settle(2);
    for (to, received) in world.received.iter().enumerate() {
        for (from, &(count, sum)) in sent.iter().map(|row| &row[to]).enumerate() {
            let mut on_channel = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
            let mut got_sum = 0xcbf2_9ce4_8422_2325u64;
            for packet in received.iter().filter(|p| p.from == ids[from]) {
                on_channel[usize::from(packet.channel)].push(number(&packet.payload));
            }
            // The channels interleave on arrival; the sender's order is the number order.
            let mut all: Vec<&Received> = received.iter().filter(|p| p.from == ids[from]).collect();
            all.sort_by_key(|p| number(&p.payload));
            for packet in &all {
                got_sum = checksum(got_sum, &packet.payload);
            }
            for (channel, numbers) in on_channel.iter().enumerate() {
                let expected: Vec<u32> = (0..count).filter(|k| k % 4 == channel as u32).collect();
                assert_eq!(
                    numbers, &expected,
                    "{from} to {to}, channel {channel}: once each, in order"
                );
            }
            assert_eq!(got_sum, sum, "{from} to {to}: the bytes sent arrived");
        }
    }
    assert_eq!(
        world.received.iter().map(Vec::len).sum::<usize>(),
        TOTAL as usize
    );
}

#[test]
fn a_lobby_leavers_last_packets_arrive_though_the_lobby_says_it_left_first() {
    let mut world = World::star(2, harsh(), Config::default());
    let lobby = vec![steam(0), steam(1), steam(2)];
    let follow = |world: &mut World, lobby: &[SteamId]| {
        for index in 0..=1 {
            let now = world.now;
            world.peers[index].follow_members(lobby, 0, now);
        }
        world.step();
    };
    let start = world.now;
    while (1..=2).any(|i| world.peers[i].session().peer_ids().count() < 2) {
        assert!(
            world.now - start < Duration::from_secs(20),
            "the lobby never meshed"
        );
        follow(&mut world, &lobby);
    }
    let leaver = world.id(2);
    world.taken(1);
    // Its last words leave; the lobby's news of its leaving reaches the others first.
    let to = world.id(1);
    world.peers[2]
        .send(to, 0, TransferMode::Reliable, b"goodbye")
        .unwrap();
    let without: Vec<SteamId> = lobby[..2].to_vec();
    let start = world.now;
    while !world.events[1].contains(&Event::PeerDisconnected(leaver)) {
        assert!(
            world.now - start < Duration::from_secs(10),
            "the leaver was never dropped"
        );
        follow(&mut world, &without);
    }
    let got = world.taken(1);
    assert!(
        got.iter()
            .any(|p| p.from == leaver && p.payload == b"goodbye"),
        "the leaver's last packet arrived"
    );
}
