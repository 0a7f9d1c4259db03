//! Steam's two session-per-user APIs over networking sockets: the legacy `ISteamNetworking` P2P
//! API and `ISteamNetworkingMessages`. Both open a session with a user's first packet, request
//! it from the receiving game, and make its packets readable once accepted; they differ only in
//! their limits, their callbacks and what accepting an unknown user means.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use log::{debug, warn};
use parking_lot::Mutex;
use smp_protocol::{ConnectionId, SteamId};
use smp_transport::{
    ConnectionState, ListenSocketId, ReceivedMessage, SendFlags, Sockets, end_reason,
};

use super::frame::pieces;
use crate::messages::{ChannelMessage, SEND_NO_DELAY, SEND_RELIABLE};
use crate::types::{P2PSend, SteamEvent, result};

mod api;
mod legacy_transport;
mod messages_api;
mod receive;
mod state;
#[cfg(test)]
mod tests;

pub use api::SessionApi;

/// The virtual port legacy P2P sessions use; games use ports from 0.
pub const LEGACY_P2P_VIRTUAL_PORT: i32 = -1;
/// The virtual port networking-messages sessions use.
pub const MESSAGES_VIRTUAL_PORT: i32 = -2;
/// How often a still-unaccepted session is requested again while packets keep coming.
const REQUEST_AGAIN: Duration = Duration::from_secs(5);

/// Why a send was refused.
enum Refused {
    /// Over the API's limit, or to ourselves.
    Invalid(String),
    /// The user cannot be reached.
    Unreachable(String),
    /// The connection refused it.
    Transport(String),
}

/// A packet that arrived whole.
struct Arrived {
    from: SteamId,
    data: Vec<u8>,
    reliable: bool,
    number: i64,
    at: Instant,
}

#[derive(Default)]
struct Session {
    /// The connection we send on.
    conn: Option<ConnectionId>,
    connected: bool,
    accepted: bool,
    /// Packets sent before the connection was up.
    outbox: Vec<(bool, SendFlags, Vec<u8>)>,
    /// Packets received before the game accepted the session.
    held: Vec<(i32, Arrived)>,
    /// Reliable packets being reassembled, per channel.
    partial: HashMap<i32, Vec<u8>>,
    channels: BTreeSet<i32>,
    requested_at: Option<Instant>,
    /// Packets received whole so far.
    received: i64,
}

/// The sessions of one user with one of Steam's session APIs.
pub struct Sessions {
    api: SessionApi,
    sockets: Box<dyn Sockets + Send>,
    listen: Option<ListenSocketId>,
    sessions: HashMap<SteamId, Session>,
    by_conn: HashMap<ConnectionId, SteamId>,
    readable: HashMap<i32, VecDeque<Arrived>>,
    batch: Vec<ReceivedMessage>,
    now: Instant,
    /// Where receive times count from.
    epoch: Instant,
    /// Session requests and failures, for the game.
    events: VecDeque<SteamEvent>,
}

/// The sessions of a local user, shared by the `Steam` singleton's calls and, for the legacy
/// P2P API, the peers' legacy transport.
pub type SharedSessions = Arc<Mutex<Sessions>>;

impl Sessions {
    /// `api`'s sessions over `sockets`, listening on its virtual port.
    pub fn new(api: SessionApi, mut sockets: Box<dyn Sockets + Send>) -> Self {
        let listen = sockets
            .listen(api.virtual_port())
            .map_err(|e| warn!("{api:?} sessions cannot listen: {e}"))
            .ok();
        let now = Instant::now();
        Sessions {
            api,
            sockets,
            listen,
            sessions: HashMap::new(),
            by_conn: HashMap::new(),
            readable: HashMap::new(),
            batch: Vec::new(),
            now,
            epoch: now,
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
        let flags = match send {
            P2PSend::Unreliable => SendFlags::UNRELIABLE,
            P2PSend::UnreliableNoDelay => SendFlags::UNRELIABLE.with(SendFlags::NO_DELAY),
            P2PSend::Reliable => SendFlags::RELIABLE.with(SendFlags::NO_NAGLE),
            P2PSend::ReliableWithBuffering => SendFlags::RELIABLE,
        };
        self.send_with(remote, data, flags, channel)
            .map_err(|refused| match refused {
                Refused::Invalid(why) | Refused::Unreachable(why) | Refused::Transport(why) => why,
            })
    }

    /// `SendMessageToUser` with `k_nSteamNetworkingSend_*` `flags`, as an `EResult`. A session
    /// that failed is started again, as with `k_nSteamNetworkingSend_AutoRestartBrokenSession`.
    pub fn send_message(&mut self, remote: SteamId, data: &[u8], flags: u32, channel: i32) -> i32 {
        let flags = SendFlags(flags & (SEND_RELIABLE | SEND_NO_DELAY | SendFlags::NO_NAGLE.0));
        match self.send_with(remote, data, flags, channel) {
            Ok(()) => result::OK,
            Err(Refused::Invalid(why)) => {
                warn!("sendMessageToUser to {remote}: {why}");
                result::INVALID_PARAM
            }
            Err(Refused::Unreachable(why)) => {
                debug!("sendMessageToUser to {remote}: {why}");
                result::NO_CONNECTION
            }
            Err(Refused::Transport(why)) => {
                debug!("sendMessageToUser to {remote}: {why}");
                result::FAIL
            }
        }
    }

    fn send_with(
        &mut self,
        remote: SteamId,
        data: &[u8],
        flags: SendFlags,
        channel: i32,
    ) -> Result<(), Refused> {
        let reliable = flags.is_reliable();
        let max = self.api.max_size(reliable);
        if data.len() > max {
            return Err(Refused::Invalid(format!(
                "a {} packet of {} bytes exceeds the maximum of {max}",
                if reliable { "reliable" } else { "unreliable" },
                data.len()
            )));
        }
        if remote == self.sockets.identity() {
            return Err(Refused::Invalid("cannot send to ourselves".into()));
        }
        if self.sessions.get(&remote).is_none_or(|s| s.conn.is_none()) {
            let conn = self
                .sockets
                .connect(remote, self.api.virtual_port())
                .map_err(|e| Refused::Unreachable(format!("cannot reach {remote}: {e}")))?;
            self.by_conn.insert(conn, remote);
            self.sessions.entry(remote).or_default().conn = Some(conn);
        }
        let session = self.sessions.get_mut(&remote).expect("created above");
        session.accepted = true;
        session.channels.insert(channel);
        let pieces = pieces(data, reliable, channel);
        if session.connected {
            let conn = session.conn.expect("connected");
            for (piece, trailer) in pieces {
                self.sockets
                    .send(conn, 0, flags, [piece, &trailer])
                    .map_err(|e| Refused::Transport(e.to_string()))?;
            }
        } else if reliable || flags.0 & SendFlags::NO_DELAY.0 == 0 {
            // As on Steam: only what may wait does; a no-delay packet is thrown away.
            let owned =
                pieces.map(|(piece, trailer)| (reliable, flags, [piece, &trailer].concat()));
            session.outbox.extend(owned);
        }
        Ok(())
    }

    /// `IsP2PPacketAvailable`: the size of the next readable packet on `channel`.
    pub fn available(&self, channel: i32) -> Option<usize> {
        self.readable
            .get(&channel)?
            .front()
            .map(|arrived| arrived.data.len())
    }

    /// `ReadP2PPacket`: the next readable packet on `channel`, cut to `max_size` bytes.
    pub fn read(&mut self, max_size: usize, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        let Arrived { from, mut data, .. } = self.readable.get_mut(&channel)?.pop_front()?;
        data.truncate(max_size);
        Some((data, from))
    }

    /// `ReceiveMessagesOnChannel`: up to `max` readable messages of `channel`.
    pub fn receive_messages(&mut self, channel: i32, max: usize) -> Vec<ChannelMessage> {
        let Some(queue) = self.readable.get_mut(&channel) else {
            return Vec::new();
        };
        let epoch = self.epoch;
        let count = max.min(queue.len());
        queue
            .drain(..count)
            .map(|arrived| ChannelMessage {
                data: arrived.data,
                sender: arrived.from,
                channel,
                reliable: arrived.reliable,
                message_number: arrived.number,
                time_received_usec: arrived.at.duration_since(epoch).as_micros() as i64,
            })
            .collect()
    }

    /// `AcceptP2PSessionWithUser` / `AcceptSessionWithUser`: what the user sent becomes
    /// readable. The legacy API accepts users it has not heard from yet; networking messages
    /// answers false for them.
    pub fn accept(&mut self, remote: SteamId) -> bool {
        if self.api == SessionApi::Messages && !self.sessions.contains_key(&remote) {
            return false;
        }
        let session = self.sessions.entry(remote).or_default();
        session.accepted = true;
        for (channel, arrived) in std::mem::take(&mut session.held) {
            self.readable.entry(channel).or_default().push_back(arrived);
        }
        true
    }

    /// `CloseP2PSessionWithUser` / `CloseSessionWithUser`.
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
                .close(conn, end_reason::APP_GENERIC, "session closed", true);
        }
        for queue in self.readable.values_mut() {
            queue.retain(|arrived| arrived.from != remote);
        }
        drop(session);
        true
    }

    /// `CloseP2PChannelWithUser` / `CloseChannelWithUser`: closing the last open channel
    /// closes the session.
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
                            debug!("session with {remote} failed: {}", change.end_debug);
                            events.push_back(self.api.failure(&change));
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
                debug!("packet to {remote} lost: {e}");
            }
        }
    }
}

impl Drop for Sessions {
    fn drop(&mut self) {
        if let Some(listen) = self.listen.take() {
            self.sockets.close_listen(listen);
        }
    }
}
