//! The contract against Steam's sockets as local mode emulates them, carried in memory and
//! over loopback TCP, and what only the emulation can show (vanished users, killed processes,
//! injected faults).

use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use smp_contract::responder::ECHO_PORT;
use smp_contract::{Harness, Responder, SteamId, contract, dial, next_change, wait};
use smp_transport::emulated::{EmulatedSockets, SharedEndpoint};
use smp_transport::local::{self, LocalIdentity, TcpWire};
use smp_transport::memory::{MemoryNetwork, MemoryWire};
use smp_transport::{ConnectionState, FaultConfig, SendFlags, Sockets};

const ME: u32 = 1;
const RESPONDER: u32 = 2;
/// The user a child process plays as; nobody else does.
const CHILD: u32 = 9;

/// Both users in one in-process network, on simulated time.
struct Memory {
    net: MemoryNetwork,
    local: EmulatedSockets<MemoryWire>,
    responder: Responder,
    now: Instant,
}

impl Memory {
    fn new() -> Self {
        Self::with_faults(FaultConfig::default())
    }

    /// Both users receive with `faults`.
    fn with_faults(faults: FaultConfig) -> Self {
        let mut net = MemoryNetwork::new();
        for user in [ME, RESPONDER] {
            net.add_user(SteamId::individual(user), faults);
        }
        let local = net.sockets(SteamId::individual(ME));
        let responder =
            Responder::new(Box::new(net.sockets(SteamId::individual(RESPONDER)))).unwrap();
        Memory {
            net,
            local,
            responder,
            now: Instant::now(),
        }
    }
}

impl Harness for Memory {
    fn view(&mut self) -> Box<dyn Sockets> {
        Box::new(self.net.sockets(SteamId::individual(ME)))
    }

    fn responder(&self) -> SteamId {
        self.responder.identity()
    }

    fn step(&mut self) {
        self.now += self.step_length();
        self.local.pump(self.now);
        self.responder.poll(self.now);
    }
}

/// Each harness gets its own port range, so tests run in parallel.
static NEXT_BASE: AtomicU16 = AtomicU16::new(21_000);

/// Both users as local-mode endpoints on loopback TCP, in real time.
struct Tcp {
    base: u16,
    local: SharedEndpoint<TcpWire>,
    responder: Responder,
}

impl Tcp {
    fn new() -> Self {
        let base = NEXT_BASE.fetch_add(10, Ordering::Relaxed);
        let bind = |user| {
            let identity = LocalIdentity::new(user, None, base).unwrap();
            local::bind(&identity, FaultConfig::default()).unwrap()
        };
        let local = bind(ME);
        let responder = Responder::new(Box::new(EmulatedSockets::new(bind(RESPONDER)))).unwrap();
        Tcp {
            base,
            local,
            responder,
        }
    }
}

impl Harness for Tcp {
    fn view(&mut self) -> Box<dyn Sockets> {
        Box::new(EmulatedSockets::new(self.local.clone()))
    }

    fn responder(&self) -> SteamId {
        self.responder.identity()
    }

    fn step(&mut self) {
        std::thread::sleep(self.step_length());
        let now = Instant::now();
        self.local.lock().pump(now);
        self.responder.poll(now);
    }

    fn patience(&self) -> Duration {
        Duration::from_secs(10)
    }
}

contract!(memory, super::Memory::new());
contract!(tcp, super::Tcp::new());

#[test]
fn memory_a_vanished_user_is_a_problem_detected_locally() {
    let mut harness = Memory::new();
    let mut sockets = harness.view();
    let conn = dial(&mut harness, sockets.as_mut(), ECHO_PORT, 1);
    harness.net.remove_user(SteamId::individual(RESPONDER));
    let change = next_change(&mut harness, sockets.as_mut(), "the loss");
    assert_eq!(
        (change.conn, change.state),
        (conn, ConnectionState::ProblemDetectedLocally)
    );
}

#[test]
fn memory_an_unheard_port_is_named() {
    let mut harness = Memory::new();
    let mut sockets = harness.view();
    sockets.connect(harness.responder(), 5).unwrap();
    let ended = smp_contract::next_end(&mut harness, sockets.as_mut(), "the failure");
    assert!(
        ended.end_debug.contains("virtual port 5"),
        "{}",
        ended.end_debug
    );
}

#[test]
fn memory_ping_and_loss_show_the_faults() {
    let mut harness = Memory::with_faults(FaultConfig {
        loss_percent: 20.0,
        lag: Duration::from_millis(40),
        seed: Some(5),
        ..FaultConfig::default()
    });
    let mut sockets = harness.view();
    let conn = dial(&mut harness, sockets.as_mut(), ECHO_PORT, 1);
    let mut echoes = Vec::new();
    for _ in 0..3000 {
        sockets
            .send(conn, 0, SendFlags::UNRELIABLE, [b"x", b""])
            .unwrap();
        harness.step();
        sockets.receive(&mut echoes, usize::MAX);
    }
    let quality = sockets.quality(conn).unwrap();
    // Each side adds 40 ms to what it receives, so both directions' lag is in the ping.
    assert!((80..120).contains(&quality.ping_ms), "{quality:?}");
    assert!(
        (0.7..0.9).contains(&quality.quality_local),
        "about 20% of the echoes lost: {quality:?}"
    );
    assert!(
        (0.7..0.9).contains(&quality.quality_remote),
        "the responder measured about 20% lost too, and told us: {quality:?}"
    );
    assert!(!quality.relayed);
}

/// Local mode's real case: the other game instance is killed.
#[test]
fn tcp_a_killed_process_is_a_problem_detected_locally() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut harness = Tcp::new();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_listener",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CONTRACT_CHILD_PORT_BASE", harness.base.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines.any(|line| line.unwrap().contains("LISTENING")),
        "the child never listened"
    );
    let mut sockets = harness.view();
    let conn = sockets.connect(SteamId::individual(CHILD), 0).unwrap();
    let mut connected = false;
    wait(&mut harness, "the child to accept", || {
        while let Some(change) = sockets.next_status_change() {
            connected |= change.state == ConnectionState::Connected;
        }
        connected
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let change = next_change(&mut harness, sockets.as_mut(), "the loss");
    assert_eq!(
        (change.conn, change.state),
        (conn, ConnectionState::ProblemDetectedLocally)
    );
    assert!(
        change.end_debug.contains(&format!("local user {CHILD}")),
        "{}",
        change.end_debug
    );
}

/// Runs only as the child of the test above: user 9, accepting connections until killed.
#[test]
fn child_listener() {
    let Ok(base) = std::env::var("CONTRACT_CHILD_PORT_BASE") else {
        return;
    };
    let identity = LocalIdentity::new(CHILD, None, base.parse().unwrap()).unwrap();
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

/// A game that sends its last messages and quits: they all arrive, although data it never
/// read was waiting for it (which, closed carelessly, would reset the stream and lose them).
#[test]
fn tcp_what_a_quitting_process_sent_arrives() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let mut harness = Tcp::new();
    let mut sockets = harness.view();
    sockets.listen(3).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_sender", "--nocapture", "--test-threads=1"])
        .env("CONTRACT_CHILD_PORT_BASE", harness.base.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut conn = None;
    wait(&mut harness, "the child's connection", || {
        while let Some(change) = sockets.next_status_change() {
            if change.state == ConnectionState::Connecting {
                sockets.accept(change.conn).unwrap();
                conn = Some(change.conn);
            }
        }
        conn.is_some()
    });
    let conn = conn.unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.any(|line| line.unwrap().contains("CONNECTED")));
    // Data the child will never read.
    for _ in 0..200 {
        sockets
            .send(conn, 0, SendFlags::RELIABLE, [&[1; 1000], b""])
            .unwrap();
    }
    harness.step();
    writeln!(child.stdin.take().unwrap(), "GO").unwrap();
    assert!(child.wait().unwrap().success());
    let mut received = Vec::new();
    let mut ended = None;
    wait(&mut harness, "the child's messages, then its end", || {
        sockets.receive(&mut received, usize::MAX);
        while let Some(change) = sockets.next_status_change() {
            if change.state.has_ended() {
                ended = Some(received.len());
            }
        }
        ended.is_some()
    });
    assert_eq!(ended, Some(CHILD_MESSAGES), "every message before the end");
}

const CHILD_MESSAGES: usize = 300;

/// Runs only as the child of the test above: connects, sends when told, and quits.
#[test]
fn child_sender() {
    let Ok(base) = std::env::var("CONTRACT_CHILD_PORT_BASE") else {
        return;
    };
    let identity = LocalIdentity::new(CHILD, None, base.parse().unwrap()).unwrap();
    let endpoint = local::bind(&identity, FaultConfig::default()).unwrap();
    let mut sockets = EmulatedSockets::new(endpoint.clone());
    let conn = sockets.connect(SteamId::individual(ME), 3).unwrap();
    loop {
        sockets.pump(Instant::now());
        if sockets.next_status_change().map(|c| c.state) == Some(ConnectionState::Connected) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    println!("CONNECTED");
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).unwrap();
    for n in 0..CHILD_MESSAGES as u32 {
        sockets
            .send(conn, 0, SendFlags::RELIABLE, [&n.to_le_bytes(), &[0; 500]])
            .unwrap();
    }
    drop(sockets);
    drop(endpoint);
    std::process::exit(0);
}
