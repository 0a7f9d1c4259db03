//! The transport contract: what every `Sockets` implementation must do, run against the
//! in-process network and local mode's loopback TCP.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use smp_protocol::{ConnectionId, SteamId};
use smp_transport::emulated::{EmulatedSockets, MAX_MESSAGE_SIZE, SharedEndpoint};
use smp_transport::local::{self, LocalIdentity, TcpWire};
use smp_transport::memory::{MemoryNetwork, MemoryWire};
use smp_transport::{
    ConnectionState, FaultConfig, ReceivedMessage, SendFlags, SocketError, Sockets, StatusChange,
};

/// A network of users for the contract to run on.
trait Net {
    /// A new view of user `user`'s sockets; the user joins on first use.
    fn sockets(&mut self, user: u32) -> Box<dyn Sockets>;
    /// Lets time pass and data move.
    fn step(&mut self);
    /// How many steps make the contract's bounded waits.
    const STEPS: usize;
}

struct Memory {
    net: MemoryNetwork,
    pumps: HashMap<u32, EmulatedSockets<MemoryWire>>,
    now: Instant,
    faults: FaultConfig,
}

impl Memory {
    fn new() -> Self {
        Self::with_faults(FaultConfig::default())
    }

    /// Every user receives with `faults`.
    fn with_faults(faults: FaultConfig) -> Self {
        Memory {
            net: MemoryNetwork::new(),
            pumps: HashMap::new(),
            now: Instant::now(),
            faults,
        }
    }
}

impl Net for Memory {
    const STEPS: usize = 20_000;

    fn sockets(&mut self, user: u32) -> Box<dyn Sockets> {
        let id = SteamId::individual(user);
        if !self.pumps.contains_key(&user) {
            self.net.add_user(id, self.faults);
            self.pumps.insert(user, self.net.sockets(id));
        }
        Box::new(self.net.sockets(id))
    }

    fn step(&mut self) {
        self.now += Duration::from_millis(1);
        for pump in self.pumps.values_mut() {
            pump.pump(self.now);
        }
    }
}

/// Each test gets its own port range, so tests run in parallel.
static NEXT_BASE: AtomicU16 = AtomicU16::new(21_000);

struct Tcp {
    base: u16,
    endpoints: HashMap<u32, SharedEndpoint<TcpWire>>,
}

impl Tcp {
    fn new() -> Self {
        Tcp {
            base: NEXT_BASE.fetch_add(10, Ordering::Relaxed),
            endpoints: HashMap::new(),
        }
    }
}

impl Net for Tcp {
    const STEPS: usize = 5_000;

    fn sockets(&mut self, user: u32) -> Box<dyn Sockets> {
        let base = self.base;
        let endpoint = self.endpoints.entry(user).or_insert_with(|| {
            let identity = LocalIdentity::new(user, None, base).unwrap();
            local::bind(&identity, FaultConfig::default()).unwrap()
        });
        Box::new(EmulatedSockets::new(endpoint.clone()))
    }

    fn step(&mut self) {
        std::thread::sleep(Duration::from_millis(1));
        let now = Instant::now();
        for endpoint in self.endpoints.values() {
            endpoint.lock().pump(now);
        }
    }
}

fn steam(user: u32) -> SteamId {
    SteamId::individual(user)
}

/// Steps until `done` holds, failing with `what` after the net's bound.
fn wait<N: Net>(net: &mut N, what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..N::STEPS {
        if done() {
            return;
        }
        net.step();
    }
    panic!("timed out waiting for {what}");
}

fn next_change<N: Net>(net: &mut N, sockets: &mut dyn Sockets, what: &str) -> StatusChange {
    let mut change = None;
    wait(net, what, || {
        change = sockets.next_status_change();
        change.is_some()
    });
    change.unwrap()
}

/// Waits for the status change that ends a connection of `sockets`.
fn next_end<N: Net>(net: &mut N, sockets: &mut dyn Sockets, what: &str) -> StatusChange {
    let mut ended = None;
    wait(net, what, || {
        while let Some(change) = sockets.next_status_change() {
            if change.state.has_ended() {
                ended = Some(change);
            }
        }
        ended.is_some()
    });
    ended.unwrap()
}

/// User 1 listens on port 0, user 2 dials it; returns both views and both connection ids.
fn connected<N: Net>(
    net: &mut N,
) -> (
    Box<dyn Sockets>,
    ConnectionId,
    Box<dyn Sockets>,
    ConnectionId,
) {
    let mut host = net.sockets(1);
    let mut client = net.sockets(2);
    let listen = host.listen(0).unwrap();
    let dialled = client.connect(steam(1), 0).unwrap();
    let request = next_change(net, host.as_mut(), "the connection request");
    assert_eq!(
        (request.state, request.remote, request.listen_socket),
        (ConnectionState::Connecting, steam(2), Some(listen))
    );
    host.accept(request.conn).unwrap();
    host.configure_lanes(request.conn, 4).unwrap();
    client.configure_lanes(dialled, 4).unwrap();
    let mut up = None;
    wait(net, "the client to connect", || {
        while let Some(change) = client.next_status_change() {
            if change.state == ConnectionState::Connected {
                up = Some(change);
            }
        }
        up.is_some()
    });
    assert_eq!(up.unwrap().conn, dialled);
    (host, request.conn, client, dialled)
}

fn receive_all<N: Net>(
    net: &mut N,
    sockets: &mut dyn Sockets,
    count: usize,
) -> Vec<ReceivedMessage> {
    let mut out = Vec::new();
    wait(net, &format!("{count} messages"), || {
        sockets.receive(&mut out, usize::MAX);
        out.len() >= count
    });
    out
}

fn connects_and_accepts<N: Net>(net: &mut N) {
    let (mut host, on_host, mut client, on_client) = connected(net);
    assert_eq!(
        host.connection_info(on_host).unwrap().state,
        ConnectionState::Connected
    );
    assert_eq!(client.connection_info(on_client).unwrap().remote, steam(1));
    client
        .send(on_client, 0, SendFlags::RELIABLE, [b"ping", b""])
        .unwrap();
    let got = receive_all(net, host.as_mut(), 1);
    assert_eq!(
        (got[0].conn, got[0].data.as_slice(), got[0].reliable),
        (on_host, &b"ping"[..], true)
    );
    assert_eq!(host.identity(), steam(1));
}

fn rejection_carries_the_reason<N: Net>(net: &mut N) {
    let mut host = net.sockets(1);
    let mut client = net.sockets(2);
    host.listen(0).unwrap();
    let dialled = client.connect(steam(1), 0).unwrap();
    let request = next_change(net, host.as_mut(), "the request");
    host.close(request.conn, 1002, "full", false);
    let ended = next_end(net, client.as_mut(), "the rejection");
    assert_eq!(
        (
            ended.conn,
            ended.state,
            ended.end_reason,
            ended.end_debug.as_str()
        ),
        (dialled, ConnectionState::ClosedByPeer, 1002, "full")
    );
    assert_eq!(
        client.send(dialled, 0, SendFlags::RELIABLE, [b"x", b""]),
        Err(SocketError::InvalidState(ConnectionState::ClosedByPeer))
    );
}

fn an_absent_user_fails_promptly<N: Net>(net: &mut N) {
    let mut client = net.sockets(2);
    let dialled = client.connect(steam(9), 0).unwrap();
    let ended = next_end(net, client.as_mut(), "the failure");
    assert_eq!(
        (ended.conn, ended.state),
        (dialled, ConnectionState::ProblemDetectedLocally)
    );
    assert!(!ended.end_debug.is_empty());
    assert!(client.connect(steam(2), 0).is_err(), "not ourselves");
}

fn an_unheard_virtual_port_fails<N: Net>(net: &mut N) {
    let mut host = net.sockets(1);
    let mut client = net.sockets(2);
    host.listen(0).unwrap();
    client.connect(steam(1), 5).unwrap();
    let ended = next_end(net, client.as_mut(), "the failure");
    assert!(ended.end_debug.contains("virtual port 5"));
    assert!(
        host.next_status_change().is_none(),
        "the listener never saw it"
    );
}

fn reliable_messages_keep_their_lane_order<N: Net>(net: &mut N) {
    let (mut host, _, mut client, on_client) = connected(net);
    let count = 4000u32;
    for n in 0..count {
        let lane = (n % 4) as u16;
        let filler = vec![n as u8; (n % 300) as usize];
        client
            .send(
                on_client,
                lane,
                SendFlags::RELIABLE,
                [&n.to_le_bytes(), &filler],
            )
            .unwrap();
        if n % 500 == 0 {
            net.step();
        }
    }
    let got = receive_all(net, host.as_mut(), count as usize);
    for lane in 0..4u16 {
        let numbers: Vec<u32> = got
            .iter()
            .filter(|m| m.lane == lane)
            .map(|m| u32::from_le_bytes(m.data[..4].try_into().unwrap()))
            .collect();
        let expected: Vec<u32> = (0..count).filter(|n| n % 4 == u32::from(lane)).collect();
        assert_eq!(numbers, expected, "lane {lane}");
    }
    assert!(got.iter().all(|m| m.data.len()
        == 4 + (u32::from_le_bytes(m.data[..4].try_into().unwrap()) % 300) as usize));
}

fn the_size_limit_is_steams<N: Net>(net: &mut N) {
    let (mut host, _, mut client, on_client) = connected(net);
    let big: Vec<u8> = (0..MAX_MESSAGE_SIZE).map(|i| (i * 7) as u8).collect();
    client
        .send(on_client, 1, SendFlags::RELIABLE, [&big[..10], &big[10..]])
        .unwrap();
    assert_eq!(
        client.send(on_client, 1, SendFlags::RELIABLE, [&big, b"!"]),
        Err(SocketError::TooLarge {
            size: MAX_MESSAGE_SIZE + 1,
            max: MAX_MESSAGE_SIZE
        })
    );
    let got = receive_all(net, host.as_mut(), 1);
    assert!(got[0].data == big, "512 KiB arrive intact");
}

fn lanes_are_bounded<N: Net>(net: &mut N) {
    let (_, _, mut client, on_client) = connected(net);
    assert!(matches!(
        client.send(on_client, 4, SendFlags::RELIABLE, [b"x", b""]),
        Err(SocketError::InvalidParam(_))
    ));
    assert!(client.configure_lanes(on_client, 0).is_err());
}

fn views_see_only_their_own<N: Net>(net: &mut N) {
    let (host, on_host, mut client, _) = connected(net);
    let mut other_view = net.sockets(1);
    assert!(other_view.connection_info(on_host).is_none());
    assert!(
        other_view
            .send(on_host, 0, SendFlags::RELIABLE, [b"x", b""])
            .is_err()
    );
    assert!(
        other_view.listen(0).is_err(),
        "port 0 is taken by the first view"
    );
    other_view.listen(1).unwrap();
    // Dropping a view closes what it holds.
    drop(host);
    let ended = next_end(net, client.as_mut(), "the close");
    assert_eq!(ended.state, ConnectionState::ClosedByPeer);
}

fn a_lingering_close_delivers_everything_first<N: Net>(net: &mut N) {
    let (mut host, on_host, mut client, on_client) = connected(net);
    for n in 0u32..300 {
        client
            .send(
                on_client,
                (n % 2) as u16,
                SendFlags::RELIABLE,
                [&n.to_le_bytes(), &[0; 2000]],
            )
            .unwrap();
    }
    client.close(on_client, 1000, "bye", true);
    let mut messages = Vec::new();
    let mut ended = None;
    wait(net, "data then close", || {
        host.receive(&mut messages, usize::MAX);
        while let Some(change) = host.next_status_change() {
            if change.state.has_ended() {
                ended = Some((change, messages.len()));
            }
        }
        ended.is_some()
    });
    let (change, before_close) = ended.unwrap();
    assert_eq!((change.conn, change.end_reason), (on_host, 1000));
    assert_eq!(before_close, 300, "every message came before the close");
}

fn reliable_data_sent_while_connecting_waits<N: Net>(net: &mut N) {
    let mut host = net.sockets(1);
    let mut client = net.sockets(2);
    host.listen(0).unwrap();
    let dialled = client.connect(steam(1), 0).unwrap();
    client
        .send(dialled, 0, SendFlags::RELIABLE, [b"early", b""])
        .unwrap();
    client
        .send(dialled, 0, SendFlags::UNRELIABLE, [b"dropped", b""])
        .unwrap();
    let request = next_change(net, host.as_mut(), "the request");
    host.accept(request.conn).unwrap();
    let got = receive_all(net, host.as_mut(), 1);
    assert_eq!(got[0].data, b"early");
    for _ in 0..50 {
        net.step();
    }
    let mut later = Vec::new();
    host.receive(&mut later, usize::MAX);
    assert!(
        later.is_empty(),
        "unreliable data sent while connecting is dropped"
    );
}

fn quality_is_measured<N: Net>(net: &mut N) {
    let (mut host, on_host, mut client, on_client) = connected(net);
    assert!(host.quality(ConnectionId(999)).is_none());
    let mut received = Vec::new();
    for n in 0..1500 {
        client
            .send(on_client, 0, SendFlags::UNRELIABLE, [&[7; 100], b""])
            .unwrap();
        net.step();
        host.receive(&mut received, usize::MAX);
        if n > 1100 && host.quality(on_host).unwrap().ping_ms >= 0 {
            break;
        }
    }
    let on_host = host.quality(on_host).unwrap();
    let on_client = client.quality(on_client).unwrap();
    assert!(
        on_host.ping_ms >= 0 && on_client.ping_ms >= 0,
        "{on_host:?}"
    );
    assert!(on_host.in_packets_per_sec > 500.0, "{on_host:?}");
    assert!(on_client.out_bytes_per_sec > 50_000.0, "{on_client:?}");
    assert_eq!(on_host.quality_local, 1.0, "nothing is lost without faults");
    assert!(!on_host.relayed);
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(#[test] fn $name() { super::$name(&mut super::Memory::new()); })*
        }
        mod tcp {
            $(#[test] fn $name() { super::$name(&mut super::Tcp::new()); })*
        }
    };
}

contract!(
    connects_and_accepts,
    rejection_carries_the_reason,
    an_absent_user_fails_promptly,
    an_unheard_virtual_port_fails,
    reliable_messages_keep_their_lane_order,
    the_size_limit_is_steams,
    lanes_are_bounded,
    views_see_only_their_own,
    a_lingering_close_delivers_everything_first,
    reliable_data_sent_while_connecting_waits,
    quality_is_measured,
);

#[test]
fn memory_ping_and_loss_show_the_faults() {
    let mut net = Memory::with_faults(FaultConfig {
        loss_percent: 20.0,
        lag: Duration::from_millis(40),
        seed: Some(5),
        ..FaultConfig::default()
    });
    let (mut host, on_host, mut client, on_client) = connected(&mut net);
    let mut received = Vec::new();
    for _ in 0..3000 {
        client
            .send(on_client, 0, SendFlags::UNRELIABLE, [b"x", b""])
            .unwrap();
        net.step();
        host.receive(&mut received, usize::MAX);
    }
    let host_view = host.quality(on_host).unwrap();
    let client_view = client.quality(on_client).unwrap();
    // Each side adds 40 ms to what it receives; probes are lost too, so the last measured
    // ping may be a second old, but both directions' lag is in it.
    assert!((80..120).contains(&client_view.ping_ms), "{client_view:?}");
    assert!(
        (0.7..0.9).contains(&host_view.quality_local),
        "about 20% lost: {host_view:?}"
    );
    assert!(
        (0.7..0.9).contains(&client_view.quality_remote),
        "the client learns what the host measures (a window late): {client_view:?}"
    );
}

#[test]
fn memory_a_vanished_user_is_a_problem_detected_locally() {
    let mut net = Memory::new();
    let (_host, _, mut client, on_client) = connected(&mut net);
    net.net.remove_user(steam(1));
    let change = next_change(&mut net, client.as_mut(), "the loss");
    assert_eq!(
        (change.conn, change.state),
        (on_client, ConnectionState::ProblemDetectedLocally)
    );
}

/// Local mode's real case: the other game instance is killed.
#[test]
fn tcp_a_killed_process_is_a_problem_detected_locally() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut net = Tcp::new();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_listener",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CONTRACT_CHILD_PORT_BASE", net.base.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines.any(|line| line.unwrap().contains("LISTENING")),
        "the child never listened"
    );
    let mut client = net.sockets(2);
    let dialled = client.connect(steam(1), 0).unwrap();
    let mut connected = false;
    wait(&mut net, "the child to accept", || {
        while let Some(change) = client.next_status_change() {
            connected |= change.state == ConnectionState::Connected;
        }
        connected
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let change = next_change(&mut net, client.as_mut(), "the loss");
    assert_eq!(
        (change.conn, change.state),
        (dialled, ConnectionState::ProblemDetectedLocally)
    );
    assert!(
        change.end_debug.contains("local user 1"),
        "{}",
        change.end_debug
    );
}

/// Runs only as the child of the test above: accepts connections until killed.
#[test]
fn child_listener() {
    let Ok(base) = std::env::var("CONTRACT_CHILD_PORT_BASE") else {
        return;
    };
    let identity = LocalIdentity::new(1, None, base.parse().unwrap()).unwrap();
    let mut sockets = EmulatedSockets::new(local::bind(&identity, FaultConfig::default()).unwrap());
    sockets.listen(0).unwrap();
    println!("LISTENING");
    loop {
        sockets.pump(Instant::now());
        while let Some(change) = sockets.next_status_change() {
            if change.state == ConnectionState::Connecting {
                sockets.accept(change.conn).unwrap();
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
