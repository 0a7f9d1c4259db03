//! One emulated user's networking-sockets interface: listen sockets, connections and their
//! states, as Steam keeps them, over any [`Wire`].

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use smp_protocol::{ConnectionId, SteamId};

use super::conditioner::Conditioner;
use super::traffic::{PROBE_LANE, Traffic};
use super::wire::{LinkId, WIRE_VERSION, Wire, WireEvent};
use crate::end_reason;
use crate::fault::FaultConfig;
use crate::options::{ConfigOption, faults_with};
use crate::sockets::{
    ConnectionInfo, ConnectionQuality, ConnectionState, ListenSocketId, ReceivedMessage, SendFlags,
    SocketError, StatusChange,
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

    /// Makes `owner`'s peer options set the faults (the latest owner to set any wins), or with
    /// `None` stops them; once no owner sets any, the faults the endpoint started with apply.
    pub fn set_owner_faults(&mut self, owner: OwnerId, options: &[ConfigOption]) {
        self.owner_faults.retain(|(held_by, _)| *held_by != owner);
        if let Some(faults) = faults_with(&self.base_faults, options) {
            self.owner_faults.push((owner, faults));
        }
        self.apply_owner_faults();
    }

    fn apply_owner_faults(&mut self) {
        let faults = self
            .owner_faults
            .last()
            .map_or(self.base_faults, |(_, faults)| *faults);
        self.conditioner.set_config(faults);
    }

    /// A new view of the endpoint, with its own listen sockets, connections and queues.
    pub fn add_owner(&mut self) -> OwnerId {
        let owner = OwnerId(self.next_owner);
        self.next_owner += 1;
        self.owners.insert(owner, OwnerQueues::default());
        owner
    }

    /// Closes everything `owner` holds and forgets it.
    pub fn remove_owner(&mut self, owner: OwnerId) {
        if self
            .owner_faults
            .iter()
            .any(|(held_by, _)| *held_by == owner)
        {
            self.owner_faults.retain(|(held_by, _)| *held_by != owner);
            self.apply_owner_faults();
        }
        let sockets: Vec<ListenSocketId> = self
            .listen_sockets
            .iter()
            .filter(|(_, socket)| socket.owner == owner)
            .map(|(&id, _)| id)
            .collect();
        for socket in sockets {
            self.close_listen(owner, socket);
        }
        let conns: Vec<ConnectionId> = self
            .conns
            .iter()
            .filter(|(_, conn)| conn.owner == owner)
            .map(|(&id, _)| id)
            .collect();
        for conn in conns {
            self.close(
                owner,
                conn,
                end_reason::APP_GENERIC,
                "the peer was freed",
                false,
            );
        }
        self.owners.remove(&owner);
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
        let accepted: Vec<ConnectionId> = self
            .conns
            .iter()
            .filter(|(_, conn)| conn.listen == Some(socket))
            .map(|(&id, _)| id)
            .collect();
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
        self.conns.insert(
            id,
            Conn {
                owner,
                remote,
                link,
                listen: None,
                state: ConnectionState::None,
                lanes: 1,
                deadline: None,
                end_reason: 0,
                end_debug: String::new(),
                queued: Vec::new(),
                traffic: Traffic::default(),
            },
        );
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
        let max = MAX_MESSAGE_SIZE.min(self.wire.max_message_size(flags.is_reliable()));
        if size > max {
            return Err(SocketError::TooLarge { size, max });
        }
        if lane >= conn.lanes {
            return Err(SocketError::InvalidParam(format!(
                "lane {lane} of {}",
                conn.lanes
            )));
        }
        let reliable = flags.is_reliable();
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

    /// See [`crate::Sockets::receive`].
    pub fn receive(&mut self, owner: OwnerId, out: &mut Vec<ReceivedMessage>, max: usize) {
        if let Some(queues) = self.owners.get_mut(&owner) {
            let count = max.min(queues.messages.len());
            out.extend(queues.messages.drain(..count));
        }
    }

    /// See [`crate::Sockets::next_status_change`].
    pub fn next_status_change(&mut self, owner: OwnerId) -> Option<StatusChange> {
        self.owners.get_mut(&owner)?.status.pop_front()
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
        let pending = conn.queued.iter().map(|(_, data)| data.len()).sum();
        let mut quality = conn.traffic.quality(pending);
        if !self.wire.sees_all_loss() {
            (quality.quality_local, quality.quality_remote) = (-1.0, -1.0);
        }
        (conn.state == ConnectionState::Connected).then_some(quality)
    }

    /// What the wire threw away as malformed or stray (see [`Wire::dropped`]).
    pub fn wire_dropped(&self) -> u64 {
        self.wire.dropped()
    }

    /// See [`crate::Sockets::admit_only`]. The wire learns who may reach any listen socket.
    pub fn admit_only(&mut self, owner: OwnerId, remotes: Option<&[SteamId]>) {
        if let Some(queues) = self.owners.get_mut(&owner) {
            queues.admitted = remotes.map(<[SteamId]>::to_vec);
        }
        self.tell_wire_who_is_admitted();
    }

    fn tell_wire_who_is_admitted(&mut self) {
        let mut union = Vec::new();
        for socket in self.listen_sockets.values() {
            match self.owners.get(&socket.owner).map(|q| &q.admitted) {
                Some(Some(remotes)) => union.extend_from_slice(remotes),
                _ => return self.wire.admit_only(None),
            }
        }
        self.wire.admit_only(Some(&union));
    }

    /// See [`crate::Sockets::pump`].
    pub fn pump(&mut self, now: Instant) {
        let mut arrived = std::mem::take(&mut self.arrived);
        let mut released = std::mem::take(&mut self.released);
        self.wire.poll(now, &mut arrived);
        for event in arrived.drain(..) {
            let link = event.link();
            let delivery = self.conditioner.admit(event, now, &mut released);
            if let Some(conn) = self
                .by_link
                .get(&link)
                .and_then(|id| self.conns.get_mut(id))
            {
                conn.traffic.delivery(delivery.delivered, delivery.lost);
            }
        }
        self.conditioner.release(now, &mut released);
        for event in released.drain(..) {
            self.on_wire_event(event, now);
        }
        self.arrived = arrived;
        self.released = released;
        self.expire(now);
        self.probe(now);
        // What the events above made us send (probe answers, data queued for a connection
        // that just opened) leaves now, not a frame later.
        self.wire.flush_all();
    }

    /// Sends each connected connection's probe when it is due.
    fn probe(&mut self, now: Instant) {
        let clock_us = self.clock_us(now);
        for conn in self.conns.values_mut() {
            let (ConnectionState::Connected, Some(link)) = (conn.state, conn.link) else {
                continue;
            };
            if let Some(probe) = conn.traffic.tick(now, clock_us) {
                self.wire
                    .send_message(link, PROBE_LANE, false, [&probe, &[]]);
                conn.traffic.sent(probe.len());
            }
        }
    }

    fn clock_us(&self, now: Instant) -> u64 {
        let elapsed = now.saturating_duration_since(self.epoch).as_micros();
        u64::try_from(elapsed).unwrap_or(u64::MAX)
    }

    fn on_wire_event(&mut self, event: WireEvent, now: Instant) {
        let conn = self.by_link.get(&event.link()).copied();
        match (event, conn) {
            (
                WireEvent::Opened {
                    link,
                    from,
                    virtual_port,
                    version,
                },
                None,
            ) => {
                self.on_opened(link, from, virtual_port, version, now);
            }
            (WireEvent::Accepted { .. }, Some(id)) => {
                let conn = self.conns.get_mut(&id).expect("linked");
                if conn.state == ConnectionState::Connecting && conn.listen.is_none() {
                    let link = conn.link.expect("linked");
                    for (lane, data) in std::mem::take(&mut conn.queued) {
                        self.wire.send_message(link, lane, true, [&data, &[]]);
                    }
                    self.set_state(id, ConnectionState::Connected, 0, "");
                }
            }
            (
                WireEvent::Message {
                    lane,
                    reliable,
                    data,
                    ..
                },
                Some(id),
            ) => {
                let clock_us = self.clock_us(now);
                let conn = self.conns.get_mut(&id).expect("linked");
                if conn.state != ConnectionState::Connected {
                    return;
                }
                conn.deadline = Some(now + CONNECTED_TIMEOUT);
                conn.traffic.received(data.len());
                if lane == PROBE_LANE {
                    if let (Some(answer), Some(link)) =
                        (conn.traffic.on_probe(&data, clock_us), conn.link)
                    {
                        self.wire
                            .send_message(link, PROBE_LANE, false, [&answer, &[]]);
                        conn.traffic.sent(answer.len());
                    }
                    return;
                }
                if let Some(queues) = self.owners.get_mut(&conn.owner) {
                    queues.messages.push_back(ReceivedMessage {
                        conn: id,
                        lane,
                        reliable,
                        data,
                    });
                }
            }
            (
                WireEvent::Closed {
                    link,
                    reason,
                    debug,
                },
                Some(id),
            ) => {
                self.unlink(link, id);
                self.set_state(id, ConnectionState::ClosedByPeer, reason, &debug);
            }
            (WireEvent::Lost { link, debug }, Some(id)) => {
                self.unlink(link, id);
                self.set_state(
                    id,
                    ConnectionState::ProblemDetectedLocally,
                    end_reason::MISC_TIMEOUT,
                    &debug,
                );
            }
            _ => {}
        }
    }

    fn on_opened(
        &mut self,
        link: LinkId,
        from: SteamId,
        virtual_port: i32,
        version: u8,
        now: Instant,
    ) {
        if version != WIRE_VERSION {
            let debug =
                format!("local mode wire version {version}; this instance speaks {WIRE_VERSION}");
            self.wire
                .send_close(link, end_reason::REMOTE_BAD_PROTOCOL_VERSION, &debug, false);
            return;
        }
        let Some((socket, owner)) = self
            .listen_sockets
            .iter()
            .find(|(_, socket)| socket.virtual_port == virtual_port)
            .map(|(&id, socket)| (id, socket.owner))
        else {
            let debug = format!(
                "{} does not listen on virtual port {virtual_port}",
                self.identity
            );
            self.wire
                .send_close(link, end_reason::MISC_GENERIC, &debug, false);
            return;
        };
        let id = ConnectionId(self.next_handle());
        self.conns.insert(
            id,
            Conn {
                owner,
                remote: from,
                link: Some(link),
                listen: Some(socket),
                state: ConnectionState::None,
                lanes: 1,
                deadline: Some(now + CONNECT_TIMEOUT),
                end_reason: 0,
                end_debug: String::new(),
                queued: Vec::new(),
                traffic: Traffic::default(),
            },
        );
        self.by_link.insert(link, id);
        self.set_state(id, ConnectionState::Connecting, 0, "");
    }

    /// Ends connections that took too long to connect, or have heard nothing for too long.
    fn expire(&mut self, now: Instant) {
        let mut expired = Vec::new();
        for (&id, conn) in &mut self.conns {
            let timeout = match conn.state {
                ConnectionState::Connecting => CONNECT_TIMEOUT,
                ConnectionState::Connected => CONNECTED_TIMEOUT,
                _ => continue,
            };
            match conn.deadline {
                None => conn.deadline = Some(now + timeout),
                Some(deadline) if now >= deadline => expired.push((id, conn.state)),
                Some(_) => {}
            }
        }
        for (id, state) in expired {
            let (close, debug) = if state == ConnectionState::Connecting {
                let debug = format!("no answer within {} s", CONNECT_TIMEOUT.as_secs());
                ("timed out connecting", debug)
            } else {
                let debug = format!("nothing heard for {} s", CONNECTED_TIMEOUT.as_secs());
                ("timed out: nothing heard", debug)
            };
            if let Some(link) = self.conns[&id].link {
                self.unlink(link, id);
                self.wire
                    .send_close(link, end_reason::MISC_TIMEOUT, close, true);
            }
            self.set_state(
                id,
                ConnectionState::ProblemDetectedLocally,
                end_reason::MISC_TIMEOUT,
                &debug,
            );
        }
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
