//! Two peers joined by the in-memory transport, connected, for the benchmarks.

use std::time::{Duration, Instant};

use smp_peer::{Config, ConnectionStatus, PeerDriver, SteamId};
use smp_transport::FaultConfig;
use smp_transport::memory::MemoryNetwork;

/// A host and its client, handshake done; the network is kept alive with them.
pub struct Pair {
    pub host: PeerDriver,
    pub client: PeerDriver,
    _net: MemoryNetwork,
}

/// Connects a client to a host over a fault-free memory network.
pub fn connected_pair() -> Pair {
    let mut net = MemoryNetwork::new();
    let (host_id, client_id) = (SteamId::individual(1), SteamId::individual(2));
    net.add_user(host_id, FaultConfig::default());
    net.add_user(client_id, FaultConfig::default());
    let mut host = PeerDriver::new(Box::new(net.sockets(host_id)), Config::default(), 1);
    let mut client = PeerDriver::new(Box::new(net.sockets(client_id)), Config::default(), 2);
    host.create_host(0).expect("the host starts");
    let mut now = Instant::now();
    client
        .create_client(host_id, 0, now)
        .expect("the client starts");
    for _ in 0..100 {
        now += Duration::from_millis(5);
        host.poll(now);
        client.poll(now);
        while host.poll_event().is_some() || client.poll_event().is_some() {}
        if client.session().status() == ConnectionStatus::Connected
            && host.session().peer_ids().count() == 1
        {
            return Pair {
                host,
                client,
                _net: net,
            };
        }
    }
    panic!("the client did not connect within 100 polls");
}
