//! The emulated networking-sockets endpoint (local mode's and the legacy transport's), its
//! owner's calls interleaved with whatever a wire could hand it.

use std::cell::RefCell;
use std::rc::Rc;

use smp_protocol::{ConnectionId, SteamId};
use smp_transport::FaultConfig;
use smp_transport::emulated::{Endpoint, LinkId, OwnerId, Wire, WireEvent};
use smp_transport::sockets::SendFlags;

use crate::script::Script;

/// The remotes a script can name: few, so that its events meet the same connections.
pub const REMOTES: u8 = 4;
const LOCAL: SteamId = SteamId::individual(100);

/// The Steam id of script remote `n`.
pub fn remote(n: u8) -> SteamId {
    SteamId::individual(u32::from(n) + 1)
}

/// A wire that delivers what the script says arrived.
#[derive(Default)]
struct ScriptedWire {
    arrived: Rc<RefCell<Vec<WireEvent>>>,
    next_link: u64,
}

impl Wire for ScriptedWire {
    fn open(&mut self, _remote: SteamId, _virtual_port: i32) -> Result<LinkId, String> {
        self.next_link += 1;
        Ok(LinkId(self.next_link))
    }
    fn send_accept(&mut self, _link: LinkId) {}
    fn send_message(&mut self, _link: LinkId, _lane: u16, _reliable: bool, _parts: [&[u8]; 2]) {}
    fn send_close(&mut self, _link: LinkId, _reason: i32, _debug: &str, _discard: bool) {}
    fn poll(&mut self, _now: std::time::Instant, events: &mut Vec<WireEvent>) {
        events.append(&mut self.arrived.borrow_mut());
    }
}

/// Runs the script in `data` against an endpoint over a wire that delivers any event.
pub fn run(data: &[u8]) {
    let mut script = Script::new(data);
    let wire = ScriptedWire::default();
    let arrived = Rc::clone(&wire.arrived);
    let mut owner = Owner::new(Endpoint::new(LOCAL, wire, FaultConfig::default()));
    while let Some(step) = script.next_step(Owner::<ScriptedWire>::STEPS + 1) {
        if step < Owner::<ScriptedWire>::STEPS {
            owner.step(step, &mut script);
            continue;
        }
        let link = LinkId(u64::from(script.pick(8)));
        let event = match script.pick(5) {
            0 => WireEvent::Opened {
                link,
                from: remote(script.pick(REMOTES)),
                virtual_port: script.int() % 4,
                version: script.pick(4),
            },
            1 => WireEvent::Accepted { link },
            2 => WireEvent::Message {
                link,
                lane: u16::from(script.pick(4)),
                reliable: script.pick(2) == 0,
                data: script.bytes(2048),
            },
            3 => WireEvent::Closed {
                link,
                reason: script.int(),
                debug: String::from_utf8_lossy(&script.bytes(64)).into_owned(),
            },
            _ => WireEvent::Lost {
                link,
                debug: String::new(),
            },
        };
        arrived.borrow_mut().push(event);
    }
}

/// The game's side of an endpoint: one owner making every call the peer makes.
pub struct Owner<W> {
    /// The endpoint under test.
    pub endpoint: Endpoint<W>,
    id: OwnerId,
    conns: Vec<ConnectionId>,
    received: Vec<smp_transport::sockets::ReceivedMessage>,
}

impl<W: Wire> Owner<W> {
    /// How many kinds of step [`Owner::step`] takes.
    pub const STEPS: u8 = 8;

    /// An owner of `endpoint`.
    pub fn new(mut endpoint: Endpoint<W>) -> Self {
        let id = endpoint.add_owner();
        Owner {
            endpoint,
            id,
            conns: Vec::new(),
            received: Vec::new(),
        }
    }

    fn conn(&self, script: &mut Script) -> ConnectionId {
        let pick = usize::from(script.pick(8));
        // Sometimes a handle the endpoint never gave out.
        self.conns
            .get(pick)
            .copied()
            .unwrap_or(ConnectionId(u32::try_from(pick).unwrap_or(0)))
    }

    /// One call, chosen by `step` (below [`Owner::STEPS`]); errors are answers, not failures.
    pub fn step(&mut self, step: u8, script: &mut Script) {
        let owner = self.id;
        match step {
            0 => {
                let _ = self.endpoint.listen(owner, script.int() % 4);
            }
            1 => {
                if let Ok(conn) =
                    self.endpoint
                        .connect(owner, remote(script.pick(REMOTES)), script.int() % 4)
                {
                    self.conns.push(conn);
                }
            }
            2 => {
                let conn = self.conn(script);
                let _ = self.endpoint.accept(owner, conn);
            }
            3 => {
                let conn = self.conn(script);
                let flags = SendFlags(u32::from(script.pick(16)));
                let payload = script.bytes(4096);
                let _ = self.endpoint.send(
                    owner,
                    conn,
                    u16::from(script.pick(4)),
                    flags,
                    [&payload, &[]],
                );
            }
            4 => {
                let conn = self.conn(script);
                let _ = self
                    .endpoint
                    .configure_lanes(owner, conn, u16::from(script.pick(8)));
            }
            5 => {
                let conn = self.conn(script);
                let linger = script.pick(2) == 0;
                self.endpoint
                    .close(owner, conn, script.int(), "closed by the script", linger);
            }
            6 => script.advance(),
            _ => {}
        }
        self.endpoint.pump(script.now);
        while let Some(change) = self.endpoint.next_status_change(owner) {
            if change.listen_socket.is_some() && !self.conns.contains(&change.conn) {
                self.conns.push(change.conn);
            }
        }
        self.received.clear();
        self.endpoint.receive(owner, &mut self.received, 64);
        let conn = self.conn(script);
        let _ = self.endpoint.connection_info(owner, conn);
        let _ = self.endpoint.quality(owner, conn);
    }
}
