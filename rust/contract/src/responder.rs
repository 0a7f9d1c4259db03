//! The other side of every check: a user whose behaviour is fixed by the virtual port it is
//! reached on, so that checks need no way to tell it what to do.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use smp_transport::{
    ConnectionId, ConnectionState, ListenSocketId, ReceivedMessage, SendFlags, SocketError,
    Sockets, SteamId,
};

/// Accepts, with [`ECHO_LANES`] lanes, and sends every message back on its lane, as reliable
/// as it came.
pub const ECHO_PORT: i32 = 0;
/// Lanes of an echo connection.
pub const ECHO_LANES: u16 = 4;
/// Rejects with [`REJECT_REASON`] and [`REJECT_DEBUG`].
pub const REJECT_PORT: i32 = 1;
/// The end reason a rejection carries (an application reason, 1000 to 1999).
pub const REJECT_REASON: i32 = 1002;
/// The explanation a rejection carries.
pub const REJECT_DEBUG: &str = "full";
/// Accepts, sends [`BURST_COUNT`] reliable messages on lanes 0 and 1 alternately, each its
/// number (u32, little-endian) and [`BURST_FILLER`] zero bytes, then closes with lingering,
/// reason [`BURST_CLOSE_REASON`].
pub const BURST_PORT: i32 = 2;
/// Messages in a burst.
pub const BURST_COUNT: u32 = 300;
/// Zero bytes after each burst message's number.
pub const BURST_FILLER: usize = 2000;
/// The reason the burst's close carries.
pub const BURST_CLOSE_REASON: i32 = 1000;
/// A port the responder does not listen on.
pub const UNHEARD_PORT: i32 = 5;

/// The responder: listens on its ports and does what each says.
pub struct Responder {
    sockets: Box<dyn Sockets>,
    ports: HashMap<ListenSocketId, i32>,
    echoing: HashSet<ConnectionId>,
    bursting: HashSet<ConnectionId>,
    batch: Vec<ReceivedMessage>,
}

impl Responder {
    /// A responder on `sockets`, listening on its ports.
    pub fn new(mut sockets: Box<dyn Sockets>) -> Result<Self, SocketError> {
        let mut ports = HashMap::new();
        for port in [ECHO_PORT, REJECT_PORT, BURST_PORT] {
            ports.insert(sockets.listen(port)?, port);
        }
        Ok(Responder {
            sockets,
            ports,
            echoing: HashSet::new(),
            bursting: HashSet::new(),
            batch: Vec::new(),
        })
    }

    /// Its Steam id.
    pub fn identity(&self) -> SteamId {
        self.sockets.identity()
    }

    /// Moves data and answers whatever arrived.
    pub fn poll(&mut self, now: Instant) {
        self.sockets.pump(now);
        while let Some(change) = self.sockets.next_status_change() {
            let port = change
                .listen_socket
                .and_then(|s| self.ports.get(&s).copied());
            match (change.state, port) {
                (ConnectionState::Connecting, Some(REJECT_PORT)) => {
                    self.sockets
                        .close(change.conn, REJECT_REASON, REJECT_DEBUG, false);
                }
                (ConnectionState::Connecting, Some(port)) => {
                    let lanes = if port == ECHO_PORT { ECHO_LANES } else { 2 };
                    if self.sockets.accept(change.conn).is_ok()
                        && self.sockets.configure_lanes(change.conn, lanes).is_ok()
                    {
                        match port {
                            ECHO_PORT => self.echoing.insert(change.conn),
                            _ => self.bursting.insert(change.conn),
                        };
                    }
                }
                (ConnectionState::Connected, _) if self.bursting.remove(&change.conn) => {
                    self.burst(change.conn);
                }
                (state, _) if state.has_ended() => {
                    self.echoing.remove(&change.conn);
                    self.bursting.remove(&change.conn);
                    self.sockets.close(change.conn, 0, "", false);
                }
                _ => {}
            }
        }
        loop {
            self.sockets.receive(&mut self.batch, 256);
            if self.batch.is_empty() {
                break;
            }
            for message in self.batch.drain(..) {
                if self.echoing.contains(&message.conn) {
                    let flags = if message.reliable {
                        SendFlags::RELIABLE
                    } else {
                        SendFlags::UNRELIABLE
                    };
                    // An echo the connection cannot take is the check's to notice.
                    let _ =
                        self.sockets
                            .send(message.conn, message.lane, flags, [&message.data, &[]]);
                }
            }
        }
    }

    fn burst(&mut self, conn: ConnectionId) {
        let filler = [0; BURST_FILLER];
        for n in 0..BURST_COUNT {
            let sent = self.sockets.send(
                conn,
                (n % 2) as u16,
                SendFlags::RELIABLE,
                [&n.to_le_bytes(), &filler],
            );
            if sent.is_err() {
                break;
            }
        }
        self.sockets.close(conn, BURST_CLOSE_REASON, "bye", true);
    }
}
