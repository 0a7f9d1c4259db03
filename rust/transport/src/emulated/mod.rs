//! Steam's networking sockets, emulated: the semantics live in [`Endpoint`], once, and a
//! [`Wire`] moves the frames, in memory ([`crate::memory`]) or over loopback TCP ([`crate::local`]).

pub mod conditioner;
pub mod endpoint;
pub mod traffic;
pub mod wire;

use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use smp_protocol::{ConnectionId, SteamId};

pub use endpoint::{Endpoint, MAX_MESSAGE_SIZE, OwnerId};
pub use wire::{LinkId, Unsent, Wire, WireEvent};

use crate::options::ConfigOption;
use crate::sockets::{
    ConnectionInfo, ConnectionQuality, ListenSocketId, ReceivedMessage, SendFlags, SocketError,
    Sockets, StatusChange,
};

/// An endpoint shared by every view of one emulated user.
pub type SharedEndpoint<W> = Arc<Mutex<Endpoint<W>>>;

/// One view of an emulated user, with its own listen sockets and connections. Dropping it
/// closes them, so a freed peer leaves nothing behind.
pub struct EmulatedSockets<W: Wire> {
    endpoint: SharedEndpoint<W>,
    owner: OwnerId,
    identity: SteamId,
}

impl<W: Wire> EmulatedSockets<W> {
    /// A new view of `endpoint`.
    pub fn new(endpoint: SharedEndpoint<W>) -> Self {
        let (owner, identity) = {
            let mut locked = endpoint.lock();
            (locked.add_owner(), locked.identity())
        };
        EmulatedSockets {
            endpoint,
            owner,
            identity,
        }
    }
}

impl<W: Wire> Drop for EmulatedSockets<W> {
    fn drop(&mut self) {
        self.endpoint.lock().remove_owner(self.owner);
    }
}

impl<W: Wire> Sockets for EmulatedSockets<W> {
    fn identity(&self) -> SteamId {
        self.identity
    }

    fn listen(&mut self, virtual_port: i32) -> Result<ListenSocketId, SocketError> {
        self.endpoint.lock().listen(self.owner, virtual_port)
    }

    fn close_listen(&mut self, socket: ListenSocketId) {
        self.endpoint.lock().close_listen(self.owner, socket);
    }

    fn connect(&mut self, remote: SteamId, virtual_port: i32) -> Result<ConnectionId, SocketError> {
        self.endpoint
            .lock()
            .connect(self.owner, remote, virtual_port)
    }

    fn accept(&mut self, conn: ConnectionId) -> Result<(), SocketError> {
        self.endpoint.lock().accept(self.owner, conn)
    }

    fn close(&mut self, conn: ConnectionId, reason: i32, debug: &str, linger: bool) {
        self.endpoint
            .lock()
            .close(self.owner, conn, reason, debug, linger);
    }

    fn configure_lanes(&mut self, conn: ConnectionId, lanes: u16) -> Result<(), SocketError> {
        self.endpoint
            .lock()
            .configure_lanes(self.owner, conn, lanes)
    }

    fn send(
        &mut self,
        conn: ConnectionId,
        lane: u16,
        flags: SendFlags,
        parts: [&[u8]; 2],
    ) -> Result<(), SocketError> {
        self.endpoint
            .lock()
            .send(self.owner, conn, lane, flags, parts)
    }

    fn flush_messages(&mut self, conn: ConnectionId) {
        self.endpoint.lock().flush_messages(self.owner, conn);
    }

    fn receive(&mut self, out: &mut Vec<ReceivedMessage>, max: usize) {
        self.endpoint.lock().receive(self.owner, out, max);
    }

    fn next_status_change(&mut self) -> Option<StatusChange> {
        self.endpoint.lock().next_status_change(self.owner)
    }

    fn connection_info(&self, conn: ConnectionId) -> Option<ConnectionInfo> {
        self.endpoint.lock().connection_info(self.owner, conn)
    }

    fn quality(&self, conn: ConnectionId) -> Option<ConnectionQuality> {
        self.endpoint.lock().quality(self.owner, conn)
    }

    fn admit_only(&mut self, remotes: Option<&[SteamId]>) {
        self.endpoint.lock().admit_only(self.owner, remotes);
    }

    fn set_options(&mut self, options: &[ConfigOption]) {
        self.endpoint.lock().set_owner_faults(self.owner, options);
    }

    fn dropped_by_transport(&self) -> u64 {
        self.endpoint.lock().wire_dropped()
    }

    fn pump(&mut self, now: Instant) {
        self.endpoint.lock().pump(now);
    }
}
