//! The legacy `ISteamNetworking` P2P API over networking sockets: a session per remote user,
//! opened by the first packet, requested from the receiving game and readable once accepted.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use log::{debug, warn};
use parking_lot::Mutex;
use smp_protocol::{ConnectionId, SteamId};
use smp_transport::{
    ConnectionState, ListenSocketId, ReceivedMessage, SendFlags, Sockets, end_reason,
};

use crate::p2p_transport::P2PNetworking;
use crate::types::{
    P2P_MAX_RELIABLE, P2P_MAX_UNRELIABLE, P2PSend, P2PSessionError, P2PSessionState, SteamEvent,
};

/// The virtual port legacy P2P sessions use; games use ports from 0.
pub const LEGACY_P2P_VIRTUAL_PORT: i32 = -1;
/// Reliable packets are cut into pieces of this size (the sockets carry at most 512 KiB).
const FRAGMENT: usize = 256 * 1024;
const FLAG_MORE: u8 = 1;
/// How often a still-unaccepted session is requested again while packets keep coming.
const REQUEST_AGAIN: Duration = Duration::from_secs(5);
const HEADER: usize = 5;
/// The most a session may hold of packets being reassembled, and of packets waiting for the
/// game to accept it: what one whole reliable packet takes. A remote cannot grow either past
/// it, with pieces that never end or packets nobody accepts.
const MAX_BUFFERED: usize = P2P_MAX_RELIABLE + HEADER;

#[derive(Default)]
struct Session {
    /// The connection we send on.
    conn: Option<ConnectionId>,
    connected: bool,
    accepted: bool,
    /// Packets sent before the connection was up.
    outbox: Vec<(bool, SendFlags, Vec<u8>)>,
    /// Packets received before the game accepted the session.
    held: Vec<(i32, Vec<u8>)>,
    /// Reliable packets being reassembled, per channel.
    partial: HashMap<i32, Vec<u8>>,
    channels: BTreeSet<i32>,
    requested_at: Option<Instant>,
}

/// Legacy P2P sessions of one user.
pub struct LegacyP2P {
    sockets: Box<dyn Sockets + Send>,
    listen: Option<ListenSocketId>,
    sessions: HashMap<SteamId, Session>,
    by_conn: HashMap<ConnectionId, SteamId>,
    readable: HashMap<i32, VecDeque<(SteamId, Vec<u8>)>>,
    batch: Vec<ReceivedMessage>,
    now: Instant,
    /// Session requests and failures, for the game.
    events: VecDeque<SteamEvent>,
}

/// The legacy P2P sessions of a local user, shared by the `Steam` singleton's calls and the
/// peers' legacy transport.
pub type SharedLegacyP2P = Arc<Mutex<LegacyP2P>>;

impl LegacyP2P {
    /// Sessions over `sockets`, listening on [`LEGACY_P2P_VIRTUAL_PORT`].
    pub fn new(mut sockets: Box<dyn Sockets + Send>) -> Self {
        let listen = sockets
            .listen(LEGACY_P2P_VIRTUAL_PORT)
            .map_err(|e| warn!("legacy P2P cannot listen: {e}"))
            .ok();
        LegacyP2P {
            sockets,
            listen,
            sessions: HashMap::new(),
            by_conn: HashMap::new(),
            readable: HashMap::new(),
            batch: Vec::new(),
            now: Instant::now(),
            events: VecDeque::new(),
        }
    }

    /// `SendP2PPacket`. Sending to a user accepts its session.
    pub fn send(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> Result<(), String> {
        let reliable = send.is_reliable();
        let max = if reliable {
            P2P_MAX_RELIABLE
        } else {
            P2P_MAX_UNRELIABLE
        };
        if data.len() > max {
            return Err(format!(
                "a {} packet of {} bytes exceeds the maximum of {max}",
                if reliable { "reliable" } else { "unreliable" },
                data.len()
            ));
        }
        if remote == self.sockets.identity() {
            return Err("cannot send to ourselves".into());
        }
        let flags = match send {
            P2PSend::Unreliable => SendFlags::UNRELIABLE,
            P2PSend::UnreliableNoDelay => SendFlags::UNRELIABLE.with(SendFlags::NO_DELAY),
            P2PSend::Reliable => SendFlags::RELIABLE.with(SendFlags::NO_NAGLE),
            P2PSend::ReliableWithBuffering => SendFlags::RELIABLE,
        };
        if self.sessions.get(&remote).is_none_or(|s| s.conn.is_none()) {
            let conn = self
                .sockets
                .connect(remote, LEGACY_P2P_VIRTUAL_PORT)
                .map_err(|e| format!("cannot reach {remote}: {e}"))?;
            self.by_conn.insert(conn, remote);
            self.sessions.entry(remote).or_default().conn = Some(conn);
        }
        let session = self.sessions.get_mut(&remote).expect("created above");
        session.accepted = true;
        session.channels.insert(channel);
        let pieces = fragments(data, reliable, channel);
        if session.connected {
            let conn = session.conn.expect("connected");
            for piece in pieces {
                self.sockets
                    .send(conn, 0, flags, [&piece, &[]])
                    .map_err(|e| e.to_string())?;
            }
        } else if send != P2PSend::UnreliableNoDelay {
            // As on Steam: only what may wait does; a no-delay packet is thrown away.
            session
                .outbox
                .extend(pieces.into_iter().map(|piece| (reliable, flags, piece)));
        }
        Ok(())
    }

    /// `IsP2PPacketAvailable`: the size of the next readable packet on `channel`.
    pub fn available(&self, channel: i32) -> Option<usize> {
        self.readable
            .get(&channel)?
            .front()
            .map(|(_, data)| data.len())
    }

    /// `ReadP2PPacket`: the next readable packet on `channel`, cut to `max_size` bytes.
    pub fn read(&mut self, max_size: usize, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        let (from, mut data) = self.readable.get_mut(&channel)?.pop_front()?;
        data.truncate(max_size);
        Some((data, from))
    }

    /// `AcceptP2PSessionWithUser`: what the user sent becomes readable.
    pub fn accept(&mut self, remote: SteamId) -> bool {
        let session = self.sessions.entry(remote).or_default();
        session.accepted = true;
        for (channel, data) in std::mem::take(&mut session.held) {
            self.readable
                .entry(channel)
                .or_default()
                .push_back((remote, data));
        }
        true
    }

    /// `CloseP2PSessionWithUser`.
    pub fn close_session(&mut self, remote: SteamId) -> bool {
        let Some(session) = self.sessions.remove(&remote) else {
            return false;
        };
        let conns: Vec<ConnectionId> = self
            .by_conn
            .iter()
            .filter(|(_, user)| **user == remote)
            .map(|(&conn, _)| conn)
            .collect();
        for conn in conns {
            self.by_conn.remove(&conn);
            self.sockets
                .close(conn, end_reason::APP_GENERIC, "P2P session closed", true);
        }
        for queue in self.readable.values_mut() {
            queue.retain(|(from, _)| *from != remote);
        }
        drop(session);
        true
    }

    /// `CloseP2PChannelWithUser`: closing the last open channel closes the session.
    pub fn close_channel(&mut self, remote: SteamId, channel: i32) -> bool {
        let Some(session) = self.sessions.get_mut(&remote) else {
            return false;
        };
        if !session.channels.remove(&channel) {
            return false;
        }
        if session.channels.is_empty() {
            self.close_session(remote);
        }
        true
    }

    /// `GetP2PSessionState`.
    pub fn state(&self, remote: SteamId) -> Option<P2PSessionState> {
        let session = self.sessions.get(&remote)?;
        let queued: usize = session.outbox.iter().map(|(_, _, data)| data.len()).sum();
        Some(P2PSessionState {
            connection_active: session.connected,
            connecting: session.conn.is_some() && !session.connected,
            session_error: P2PSessionError::None as u8,
            using_relay: false,
            bytes_queued_for_send: queued as i32,
            packets_queued_for_send: session.outbox.len() as i32,
            remote_ip: if session.connected { 0x7F00_0001 } else { 0 },
            remote_port: 0,
        })
    }

    /// Moves the session requests and failures queued for the game into `out`.
    pub fn drain_events(&mut self, out: &mut Vec<SteamEvent>) {
        out.extend(self.events.drain(..));
    }

    /// Moves data and sessions along; queues session requests and failures.
    pub fn pump(&mut self, now: Instant) {
        let mut events = std::mem::take(&mut self.events);
        self.now = now;
        self.sockets.pump(now);
        loop {
            self.sockets.receive(&mut self.batch, 256);
            if self.batch.is_empty() {
                break;
            }
            for message in std::mem::take(&mut self.batch) {
                self.on_message(message, &mut events);
            }
        }
        while let Some(change) = self.sockets.next_status_change() {
            let remote = change.remote;
            match change.state {
                ConnectionState::Connecting
                    if change.listen_socket.is_some()
                        && self.sockets.accept(change.conn).is_ok() =>
                {
                    self.by_conn.insert(change.conn, remote);
                    let session = self.sessions.entry(remote).or_default();
                    session.conn.get_or_insert(change.conn);
                }
                ConnectionState::Connected => self.on_connected(change.conn),
                state if state.has_ended() => {
                    self.sockets.close(change.conn, 0, "", false);
                    if self.by_conn.remove(&change.conn).is_some() {
                        // Both users may have dialled: the session lives while either of its
                        // connections does, so what is still in flight on the other arrives.
                        let other = self
                            .by_conn
                            .iter()
                            .find(|&(_, &user)| user == remote)
                            .map(|(&conn, _)| conn);
                        let failed = other.is_none()
                            && self
                                .sessions
                                .get(&remote)
                                .is_some_and(|s| s.conn == Some(change.conn) && !s.connected);
                        if let Some(session) = self.sessions.get_mut(&remote)
                            && session.conn == Some(change.conn)
                        {
                            match other {
                                Some(conn) => session.conn = Some(conn),
                                None => {
                                    self.sessions.remove(&remote);
                                }
                            }
                        }
                        if failed {
                            debug!("P2P session with {remote} failed: {}", change.end_debug);
                            let error = match change.end_reason {
                                end_reason::MISC_TIMEOUT => P2PSessionError::Timeout,
                                _ => P2PSessionError::NotRunningApp,
                            };
                            events.push_back(SteamEvent::P2PSessionConnectFail {
                                remote,
                                error: error as u8,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        // Bounded for a game that never dispatches: the oldest go first, as on Steam.
        let excess = events.len().saturating_sub(super::MAX_QUEUED_EVENTS);
        events.drain(..excess);
        self.events = events;
    }

    fn on_connected(&mut self, conn: ConnectionId) {
        let Some(&remote) = self.by_conn.get(&conn) else {
            return;
        };
        let Some(session) = self.sessions.get_mut(&remote) else {
            return;
        };
        if session.conn != Some(conn) {
            return;
        }
        session.connected = true;
        for (_, flags, piece) in std::mem::take(&mut session.outbox) {
            if let Err(e) = self.sockets.send(conn, 0, flags, [&piece, &[]]) {
                debug!("P2P packet to {remote} lost: {e}");
            }
        }
    }

    fn on_message(&mut self, message: ReceivedMessage, events: &mut VecDeque<SteamEvent>) {
        let Some(&remote) = self.by_conn.get(&message.conn) else {
            return;
        };
        let Some((channel, more, payload)) = parse(&message.data) else {
            debug!("dropped a malformed P2P packet from {remote}");
            return;
        };
        let session = self.sessions.entry(remote).or_default();
        // A connection the remote dialled is up once data arrives on it.
        if session.conn == Some(message.conn) && !session.connected {
            session.connected = true;
        }
        let complete = if message.reliable {
            let partial: usize = session.partial.values().map(Vec::len).sum();
            if partial + payload.len() > MAX_BUFFERED {
                debug!(
                    "dropped a P2P packet from {remote} that grew past {P2P_MAX_RELIABLE} bytes"
                );
                session.partial.clear();
                return;
            }
            let buffer = session.partial.entry(channel).or_default();
            buffer.extend_from_slice(payload);
            if more {
                return;
            }
            session.partial.remove(&channel).unwrap_or_default()
        } else {
            payload.to_vec()
        };
        session.channels.insert(channel);
        if session.accepted {
            self.readable
                .entry(channel)
                .or_default()
                .push_back((remote, complete));
            return;
        }
        let held: usize = session.held.iter().map(|(_, data)| data.len()).sum();
        if held + complete.len() > MAX_BUFFERED {
            debug!(
                "dropped a P2P packet from {remote}: too much waits for the session to be accepted"
            );
            return;
        }
        session.held.push((channel, complete));
        if session
            .requested_at
            .is_none_or(|at| self.now >= at + REQUEST_AGAIN)
        {
            session.requested_at = Some(self.now);
            events.push_back(SteamEvent::P2PSessionRequest { remote });
        }
    }
}

impl P2PNetworking for SharedLegacyP2P {
    fn identity(&self) -> SteamId {
        self.lock().sockets.identity()
    }

    fn send(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> Result<(), String> {
        self.lock().send(remote, data, send, channel)
    }

    fn read(&mut self, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        self.lock().read(usize::MAX, channel)
    }

    fn accept_session(&mut self, remote: SteamId) {
        self.lock().accept(remote);
    }

    fn requested_sessions(&self, out: &mut Vec<SteamId>) {
        let p2p = self.lock();
        out.extend(
            p2p.sessions
                .iter()
                .filter(|(_, s)| !s.accepted && s.requested_at.is_some())
                .map(|(&remote, _)| remote),
        );
    }

    fn has_session(&self, remote: SteamId) -> bool {
        self.lock().sessions.contains_key(&remote)
    }

    fn pump(&mut self, now: Instant) {
        self.lock().pump(now);
    }
}

impl Drop for LegacyP2P {
    fn drop(&mut self) {
        if let Some(listen) = self.listen.take() {
            self.sockets.close_listen(listen);
        }
    }
}

/// The messages a packet travels as: `[channel: i32][flags: u8][bytes]`, reliable ones cut in pieces.
fn fragments(data: &[u8], reliable: bool, channel: i32) -> Vec<Vec<u8>> {
    let chunk = if reliable {
        FRAGMENT
    } else {
        data.len().max(1)
    };
    let pieces: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(chunk).collect()
    };
    let last = pieces.len() - 1;
    pieces
        .into_iter()
        .enumerate()
        .map(|(index, piece)| {
            let mut message = Vec::with_capacity(HEADER + piece.len());
            message.extend_from_slice(&channel.to_le_bytes());
            message.push(if index < last { FLAG_MORE } else { 0 });
            message.extend_from_slice(piece);
            message
        })
        .collect()
}

fn parse(message: &[u8]) -> Option<(i32, bool, &[u8])> {
    let channel = i32::from_le_bytes(message.get(..4)?.try_into().ok()?);
    let flags = *message.get(4)?;
    Some((channel, flags & FLAG_MORE != 0, &message[HEADER..]))
}

#[cfg(test)]
mod tests {
    use smp_transport::FaultConfig;
    use smp_transport::memory::MemoryNetwork;

    use super::*;

    #[test]
    fn a_session_both_users_dialled_outlives_the_first_of_its_connections_to_end() {
        let (a, b) = (SteamId::individual(1), SteamId::individual(2));
        let mut net = MemoryNetwork::new();
        let faults = FaultConfig {
            lag: Duration::from_millis(10),
            jitter: Duration::from_millis(30),
            seed: Some(3),
            ..FaultConfig::default()
        };
        net.add_user(a, faults);
        net.add_user(b, faults);
        let mut p2p_a = LegacyP2P::new(Box::new(net.sockets(a)));
        let mut p2p_b = LegacyP2P::new(Box::new(net.sockets(b)));
        let mut now = Instant::now();
        let pump = |p2p_a: &mut LegacyP2P, p2p_b: &mut LegacyP2P, now: &mut Instant| {
            for _ in 0..40 {
                *now += Duration::from_millis(5);
                p2p_a.pump(*now);
                p2p_b.pump(*now);
            }
        };
        // Both send first, so each dials: two connections carry one session.
        p2p_a.send(b, b"hi", P2PSend::Reliable, 0).unwrap();
        p2p_b.send(a, b"hi", P2PSend::Reliable, 0).unwrap();
        pump(&mut p2p_a, &mut p2p_b, &mut now);
        assert!(p2p_a.read(100, 0).is_some() && p2p_b.read(100, 0).is_some());
        // A's last words, then A is gone: B hears each connection end on its own clock.
        for n in 0..20u8 {
            p2p_a.send(b, &[n], P2PSend::Reliable, 0).unwrap();
        }
        p2p_a.pump(now);
        net.remove_user(a);
        for _ in 0..40 {
            now += Duration::from_millis(5);
            p2p_b.pump(now);
        }
        let mut got = Vec::new();
        while let Some((data, from)) = p2p_b.read(100, 0) {
            assert_eq!(from, a);
            got.extend(data);
        }
        assert_eq!(
            got,
            (0..20).collect::<Vec<u8>>(),
            "every last packet arrived, in order"
        );
        assert_eq!(p2p_b.state(a), None, "then the session ended");
    }

    #[test]
    fn pieces_that_never_end_and_packets_nobody_accepts_stay_bounded() {
        let (a, b) = (SteamId::individual(1), SteamId::individual(2));
        let mut net = MemoryNetwork::new();
        net.add_user(a, FaultConfig::default());
        net.add_user(b, FaultConfig::default());
        let mut p2p = LegacyP2P::new(Box::new(net.sockets(b)));
        // A raw connection, to send what no honest sender sends.
        let mut raw = net.sockets(a);
        let conn = raw.connect(b, LEGACY_P2P_VIRTUAL_PORT).unwrap();
        let mut now = Instant::now();
        for _ in 0..10 {
            now += Duration::from_millis(5);
            p2p.pump(now);
            raw.pump(now);
        }
        let mut piece = 7i32.to_le_bytes().to_vec();
        piece.push(FLAG_MORE);
        piece.resize(HEADER + FRAGMENT, 0xAB);
        for _ in 0..16 {
            raw.send(conn, 0, SendFlags::RELIABLE, [&piece, &[]])
                .unwrap();
            now += Duration::from_millis(5);
            raw.pump(now);
            p2p.pump(now);
            let partial: usize = p2p.sessions[&a].partial.values().map(Vec::len).sum();
            assert!(partial <= MAX_BUFFERED, "{partial} bytes of pieces held");
        }
        // Whole packets the game never accepts: at most one packet's worth waits.
        for _ in 0..16 {
            let mut packet = 3i32.to_le_bytes().to_vec();
            packet.push(0);
            packet.resize(HEADER + FRAGMENT, 0xCD);
            raw.send(conn, 0, SendFlags::RELIABLE, [&packet, &[]])
                .unwrap();
            now += Duration::from_millis(5);
            raw.pump(now);
            p2p.pump(now);
        }
        let held: usize = p2p.sessions[&a].held.iter().map(|(_, d)| d.len()).sum();
        assert!(
            held > 0 && held <= MAX_BUFFERED,
            "{held} bytes wait for acceptance"
        );
    }

    #[test]
    fn big_reliable_packets_are_cut_and_unreliable_ones_are_not() {
        let data = vec![9u8; FRAGMENT * 2 + 10];
        let pieces = fragments(&data, true, 3);
        assert_eq!(pieces.len(), 3);
        let parsed: Vec<(i32, bool, usize)> = pieces
            .iter()
            .map(|p| parse(p).map(|(c, m, b)| (c, m, b.len())).unwrap())
            .collect();
        assert_eq!(
            parsed,
            [(3, true, FRAGMENT), (3, true, FRAGMENT), (3, false, 10)]
        );
        assert_eq!(fragments(&[1; 100], false, -2).len(), 1);
        assert_eq!(
            parse(&fragments(&[], true, 0)[0]),
            Some((0, false, &[][..]))
        );
        assert_eq!(parse(&[1, 2]), None);
    }
}
