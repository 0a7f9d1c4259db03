//! One emulated user's networking-sockets interface: listen sockets, connections and their
//! states, as Steam keeps them, over any [`Wire`].

mod owners;
mod pump;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use smp_protocol::{ConnectionId, SteamId};

use super::conditioner::Conditioner;
use super::traffic::Traffic;
use super::wire::{LinkId, Unsent, Wire, WireEvent};
use crate::end_reason;
use crate::fault::FaultConfig;
use crate::sockets::{
    ConnectionInfo, ConnectionQuality, ConnectionState, ListenSocketId, ReceivedMessage, SendFlags,
    SocketError, StatusChange, check_message,
};

/// Steam's limit on one message (`k_cbMaxSteamNetworkingSocketsMessageSizeSend`).
pub const MAX_MESSAGE_SIZE: usize = 512 * 1024;

/// How long a connection may stay connecting (Steam's `TimeoutInitial` default).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connected connection may hear nothing before it ends (Steam's
/// `TimeoutConnected` default). Both ends probe once a second, so only a dead or frozen
/// remote, or a link that drops everything, stays silent that long.
pub const CONNECTED_TIMEOUT: Duration = Duration::from_secs(10);

/// Lanes a connection may have.
pub const MAX_LANES: u16 = 255;

/// Who created a listen socket or connection: one `Sockets` view of the endpoint.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OwnerId(u64);

struct ListenSocket {
    owner: OwnerId,
    virtual_port: i32,
}

struct Conn {
    owner: OwnerId,
    remote: SteamId,
    link: Option<LinkId>,
    listen: Option<ListenSocketId>,
    state: ConnectionState,
    lanes: u16,
    deadline: Option<Instant>,
    end_reason: i32,
    end_debug: String,
    /// Reliable messages sent before the connection was up, sent once it is.
    queued: Vec<(u16, Vec<u8>)>,
    traffic: Traffic,
}

impl Conn {
    /// A connection about to start connecting: one lane, nothing queued, no end yet.
    fn new(
        owner: OwnerId,
        remote: SteamId,
        link: Option<LinkId>,
        listen: Option<ListenSocketId>,
        deadline: Option<Instant>,
    ) -> Self {
        Conn {
            owner,
            remote,
            link,
            listen,
            state: ConnectionState::None,
            lanes: 1,
            deadline,
            end_reason: 0,
            end_debug: String::new(),
            queued: Vec::new(),
            traffic: Traffic::default(),
        }
    }
}

#[derive(Default)]
struct OwnerQueues {
    status: VecDeque<StatusChange>,
    messages: VecDeque<ReceivedMessage>,
    /// Who may reach this owner's listen sockets; `None`: anyone.
    admitted: Option<Vec<SteamId>>,
}

/// An emulated user: everything Steam's sockets interface holds for one account.
pub struct Endpoint<W> {
    identity: SteamId,
    wire: W,
    conditioner: Conditioner,
    /// The faults the endpoint was made with.
    base_faults: FaultConfig,
    /// The faults peers' options asked for, by the view that holds them, oldest first.
    owner_faults: Vec<(OwnerId, FaultConfig)>,
    next_handle: u32,
    next_owner: u64,
    listen_sockets: FxHashMap<ListenSocketId, ListenSocket>,
    conns: FxHashMap<ConnectionId, Conn>,
    by_link: FxHashMap<LinkId, ConnectionId>,
    owners: FxHashMap<OwnerId, OwnerQueues>,
    arrived: Vec<WireEvent>,
    released: Vec<WireEvent>,
    /// The zero of the clock probes carry.
    epoch: Instant,
}

impl<W: Wire> Endpoint<W> {
    /// The user `identity`, reached through `wire`, receiving with `faults`.
    pub fn new(identity: SteamId, wire: W, faults: FaultConfig) -> Self {
        Endpoint {
            identity,
            wire,
            conditioner: Conditioner::new(faults),
            base_faults: faults,
            owner_faults: Vec::new(),
            next_handle: 1,
            next_owner: 1,
            listen_sockets: FxHashMap::default(),
            conns: FxHashMap::default(),
            by_link: FxHashMap::default(),
            owners: FxHashMap::default(),
            arrived: Vec::new(),
            released: Vec::new(),
            epoch: Instant::now(),
        }
    }

    /// The user's Steam id.
    pub fn identity(&self) -> SteamId {
        self.identity
    }

    /// The faults applied to what this user receives.
    pub fn faults(&self) -> &FaultConfig {
        self.conditioner.config()
    }

    /// See [`crate::Sockets::listen`].
    pub fn listen(
        &mut self,
        owner: OwnerId,
        virtual_port: i32,
    ) -> Result<ListenSocketId, SocketError> {
        if self
            .listen_sockets
            .values()
            .any(|s| s.virtual_port == virtual_port)
        {
            return Err(SocketError::InvalidParam(format!(
                "virtual port {virtual_port} already has a listen socket; \
                 each peer of a process needs its own virtual port"
            )));
        }
        let id = ListenSocketId(self.next_handle());
        self.listen_sockets.insert(
            id,
            ListenSocket {
                owner,
                virtual_port,
            },
        );
        self.tell_wire_who_is_admitted();
        Ok(id)
    }

    /// See [`crate::Sockets::close_listen`].
    pub fn close_listen(&mut self, owner: OwnerId, socket: ListenSocketId) {
        if self
            .listen_sockets
            .get(&socket)
            .is_none_or(|s| s.owner != owner)
        {
            return;
        }
        self.listen_sockets.remove(&socket);
        self.tell_wire_who_is_admitted();
        let accepted = keys_where(&self.conns, |conn| conn.listen == Some(socket));
        for conn in accepted {
            self.close(
                owner,
                conn,
                end_reason::APP_GENERIC,
                "the listen socket closed",
                false,
            );
        }
    }

    /// See [`crate::Sockets::connect`].
    pub fn connect(
        &mut self,
        owner: OwnerId,
        remote: SteamId,
        virtual_port: i32,
    ) -> Result<ConnectionId, SocketError> {
        if remote == self.identity {
            return Err(SocketError::InvalidParam(
                "cannot connect to our own Steam id".into(),
            ));
        }
        let id = ConnectionId(self.next_handle());
        let opened = self.wire.open(remote, virtual_port);
        let link = opened.as_ref().ok().copied();
        self.conns
            .insert(id, Conn::new(owner, remote, link, None, None));
        if let Some(link) = link {
            self.by_link.insert(link, id);
        }
        self.set_state(id, ConnectionState::Connecting, 0, "");
        if let Err(why) = opened {
            self.set_state(
                id,
                ConnectionState::ProblemDetectedLocally,
                end_reason::MISC_P2P_RENDEZVOUS,
                &why,
            );
        }
        Ok(id)
    }

    /// See [`crate::Sockets::accept`].
    pub fn accept(&mut self, owner: OwnerId, id: ConnectionId) -> Result<(), SocketError> {
        let conn = self.owned(owner, id)?;
        let (Some(link), ConnectionState::Connecting, Some(_)) =
            (conn.link, conn.state, conn.listen)
        else {
            return Err(SocketError::InvalidState(conn.state));
        };
        self.wire.send_accept(link);
        self.set_state(id, ConnectionState::Connected, 0, "");
        Ok(())
    }

    /// See [`crate::Sockets::close`].
    pub fn close(
        &mut self,
        owner: OwnerId,
        id: ConnectionId,
        reason: i32,
        debug: &str,
        linger: bool,
    ) {
        if self.owned(owner, id).is_err() {
            return;
        }
        let conn = self.conns.remove(&id).expect("owned");
        if let Some(link) = conn.link {
            self.by_link.remove(&link);
            self.wire.send_close(link, reason, debug, !linger);
        }
    }

    /// See [`crate::Sockets::configure_lanes`].
    pub fn configure_lanes(
        &mut self,
        owner: OwnerId,
        id: ConnectionId,
        lanes: u16,
    ) -> Result<(), SocketError> {
        if !(1..=MAX_LANES).contains(&lanes) {
            return Err(SocketError::InvalidParam(format!(
                "{lanes} lanes; 1 to {MAX_LANES} allowed"
            )));
        }
        self.owned(owner, id)?;
        self.conns.get_mut(&id).expect("owned").lanes = lanes;
        Ok(())
    }

    /// See [`crate::Sockets::send`].
    pub fn send(
        &mut self,
        owner: OwnerId,
        id: ConnectionId,
        lane: u16,
        flags: SendFlags,
        parts: [&[u8]; 2],
    ) -> Result<(), SocketError> {
        let conn = self.owned(owner, id)?;
        let size = parts[0].len() + parts[1].len();
        let reliable = flags.is_reliable();
        let max = MAX_MESSAGE_SIZE.min(self.wire.max_message_size(reliable));
        check_message(size, max, lane, conn.lanes)?;
        match (conn.state, conn.link) {
            (ConnectionState::Connected, Some(link)) => {
                self.wire.send_message(link, lane, reliable, parts);
                if flags.0 & SendFlags::NO_NAGLE.0 != 0 {
                    self.wire.flush(link);
                }
                let conn = self.conns.get_mut(&id).expect("owned");
                conn.traffic.sent(size);
                Ok(())
            }
            (ConnectionState::Connecting | ConnectionState::FindingRoute, _) => {
                // As on Steam: reliable data waits for the connection, unreliable data is dropped.
                if reliable {
                    let conn = self.conns.get_mut(&id).expect("owned");
                    conn.queued.push((lane, parts.concat()));
                }
                Ok(())
            }
            (state, _) => Err(SocketError::InvalidState(state)),
        }
    }

    /// See [`crate::Sockets::flush_messages`].
    pub fn flush_messages(&mut self, owner: OwnerId, id: ConnectionId) {
        if let Some(link) = self.owned(owner, id).ok().and_then(|conn| conn.link) {
            self.wire.flush(link);
        }
    }

    /// See [`crate::Sockets::connection_info`].
    pub fn connection_info(&self, owner: OwnerId, id: ConnectionId) -> Option<ConnectionInfo> {
        let conn = self.owned(owner, id).ok()?;
        Some(ConnectionInfo {
            remote: conn.remote,
            state: conn.state,
            end_reason: conn.end_reason,
            end_debug: conn.end_debug.clone(),
        })
    }

    /// See [`crate::Sockets::quality`].
    pub fn quality(&self, owner: OwnerId, id: ConnectionId) -> Option<ConnectionQuality> {
        let conn = self.owned(owner, id).ok()?;
        let queued: usize = conn.queued.iter().map(|(_, data)| data.len()).sum();
        let unsent = conn
            .link
            .map(|link| self.wire.unsent(link))
            .unwrap_or_default();
        let mut quality = conn.traffic.quality(Unsent {
            reliable: queued + unsent.reliable,
            unreliable: unsent.unreliable,
        });
        if !self.wire.sees_all_loss() {
            (quality.quality_local, quality.quality_remote) = (-1.0, -1.0);
        }
        (conn.state == ConnectionState::Connected).then_some(quality)
    }

    /// What the wire threw away as malformed or stray (see [`Wire::dropped`]).
    pub fn wire_dropped(&self) -> u64 {
        self.wire.dropped()
    }

    fn unlink(&mut self, link: LinkId, id: ConnectionId) {
        self.by_link.remove(&link);
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.link = None;
        }
    }

    /// Moves a connection to `state` and tells its owner.
    fn set_state(&mut self, id: ConnectionId, state: ConnectionState, reason: i32, debug: &str) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let old_state = conn.state;
        conn.state = state;
        if state != old_state {
            // Each state that can time out starts its own clock (see `expire`).
            conn.deadline = None;
        }
        if state.has_ended() {
            conn.end_reason = reason;
            conn.end_debug = debug.to_owned();
            conn.queued.clear();
        }
        let change = StatusChange {
            conn: id,
            remote: conn.remote,
            listen_socket: conn.listen,
            old_state,
            state,
            end_reason: reason,
            end_debug: debug.to_owned(),
        };
        if let Some(queues) = self.owners.get_mut(&conn.owner) {
            queues.status.push_back(change);
        }
    }

    fn owned(&self, owner: OwnerId, id: ConnectionId) -> Result<&Conn, SocketError> {
        self.conns
            .get(&id)
            .filter(|conn| conn.owner == owner)
            .ok_or(SocketError::InvalidHandle)
    }

    fn next_handle(&mut self) -> u32 {
        let handle = self.next_handle;
        self.next_handle += 1;
        handle
    }
}

/// The keys of `map` whose values `keep` picks.
fn keys_where<K: Copy, V>(map: &FxHashMap<K, V>, keep: impl Fn(&V) -> bool) -> Vec<K> {
    map.iter()
        .filter(|(_, value)| keep(value))
        .map(|(&key, _)| key)
        .collect()
}
