//! Binds a [`Session`] to a [`Sockets`] transport.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use log::{debug, warn};
use smp_protocol::{Action, Config, Event, PeerId, SendError, Session, SteamId, TransferMode};
use smp_transport::{
    ConfigOption, ConnectionQuality, ConnectionState, ListenSocketId, ReceivedMessage, SendFlags,
    Sockets, StatusChange,
};

use crate::error::PeerError;
use crate::flags::send_flags;

/// Messages taken from the transport per receive call; the driver loops until none are left.
const RECEIVE_BATCH: usize = 256;
/// How often a lobby member we cannot reach is dialled again.
const REDIAL_INTERVAL: Duration = Duration::from_secs(1);
/// How long a peer that left the lobby keeps its connection with us. The lobby's news travels
/// apart from the peer's data (through Steam's servers, or local mode's lobby store), so it can
/// come first; a peer that quit closes its connections itself well within this, after its
/// last packets, and one that only left the lobby is dropped when it runs out.
const LOBBY_LEAVE_GRACE: Duration = Duration::from_secs(2);

/// One multiplayer peer: its session, its view of the transport and its listen socket.
pub struct PeerDriver {
    sockets: Box<dyn Sockets>,
    session: Session<Vec<u8>>,
    listen: Option<ListenSocketId>,
    batch: Vec<ReceivedMessage>,
    no_nagle: bool,
    no_delay: bool,
    /// A message went out without `NO_NAGLE` since the last [`PeerDriver::flush`].
    held_back: bool,
    /// The lobby members last followed, when started from a lobby.
    members: Option<HashSet<SteamId>>,
    /// When each member was last dialled.
    dialled_at: HashMap<SteamId, Instant>,
    /// Connected peers no longer in the lobby, and since when.
    left_lobby: HashMap<SteamId, Instant>,
    /// The virtual port a client dials the other clients of its full mesh on: its own.
    mesh_port: i32,
    /// The time the last call that carried one said it was, for the dials the session asks for.
    now: Instant,
    /// The status changes since the last [`PeerDriver::take_status_changes`], for the game.
    status_changes: Vec<StatusChange>,
}

impl PeerDriver {
    /// An inactive peer on `sockets`; `seed` drives its choice of peer ids.
    pub fn new(sockets: Box<dyn Sockets>, config: Config, seed: u64) -> Self {
        let session = Session::new(config, sockets.identity(), seed);
        PeerDriver {
            sockets,
            session,
            listen: None,
            batch: Vec::new(),
            no_nagle: false,
            no_delay: false,
            held_back: false,
            members: None,
            dialled_at: HashMap::new(),
            left_lobby: HashMap::new(),
            mesh_port: 0,
            now: Instant::now(),
            status_changes: Vec::new(),
        }
    }

    /// Packets the transport threw away as malformed or stray (see
    /// [`Sockets::dropped_by_transport`]).
    pub fn transport_dropped(&self) -> u64 {
        self.sockets.dropped_by_transport()
    }

    /// The protocol state, for reading.
    pub fn session(&self) -> &Session<Vec<u8>> {
        &self.session
    }

    /// Sends every message without waiting to coalesce (`NO_NAGLE`).
    pub fn set_no_nagle(&mut self, no_nagle: bool) {
        self.no_nagle = no_nagle;
    }

    /// Drops unreliable messages the connection cannot send at once (`NO_DELAY`).
    pub fn set_no_delay(&mut self, no_delay: bool) {
        self.no_delay = no_delay;
    }

    /// Chooses star (true) or full mesh (false); only while inactive.
    pub fn set_server_relay(&mut self, relay: bool) -> Result<(), PeerError> {
        Ok(self.session.set_server_relay(relay)?)
    }

    /// Whether a client connects by itself to the other clients its host introduces.
    pub fn set_auto_mesh(&mut self, auto_mesh: bool) {
        self.session.set_auto_mesh(auto_mesh);
    }

    /// Networking options for the listen socket and connections made from now on.
    pub fn set_options(&mut self, options: &[ConfigOption]) {
        self.sockets.set_options(options);
    }

    /// Rejects (true) or admits (false) new connections from now on.
    pub fn set_refuse_new_connections(&mut self, refuse: bool) {
        self.session.set_refuse_new_connections(refuse);
    }

    /// Hosts on `virtual_port`: we are peer 1.
    pub fn create_host(&mut self, virtual_port: i32) -> Result<(), PeerError> {
        self.session.start_host()?;
        if let Err(err) = self.open_listen(virtual_port) {
            self.session.close();
            return Err(err);
        }
        Ok(())
    }

    /// Joins the host `server` on `virtual_port`, and listens there for other clients (mesh).
    pub fn create_client(
        &mut self,
        server: SteamId,
        virtual_port: i32,
        now: Instant,
    ) -> Result<(), PeerError> {
        self.session.start_client(server, now)?;
        self.mesh_port = virtual_port;
        let started = self
            .open_listen(virtual_port)
            .and_then(|()| self.dial(server, virtual_port, now));
        if let Err(err) = started {
            self.close();
            return Err(err);
        }
        Ok(())
    }

    /// Connects to `remote` as well (a mesh link, or the host reaching a client). Connecting to
    /// a peer already connected or connecting does nothing.
    pub fn add_peer(
        &mut self,
        remote: SteamId,
        virtual_port: i32,
        now: Instant,
    ) -> Result<(), PeerError> {
        if self.session.should_dial(remote)? {
            self.dial(remote, virtual_port, now)?;
        }
        Ok(())
    }

    /// Follows a lobby: only its `members` may connect, members we are not connected to are
    /// dialled on `virtual_port` (at most once a second each), and connected peers who left
    /// are disconnected. Call it on every poll with the lobby's current members.
    pub fn follow_members(&mut self, members: &[SteamId], virtual_port: i32, now: Instant) {
        if !self.session.is_active() {
            return;
        }
        let current: HashSet<SteamId> = members.iter().copied().collect();
        if self.members.as_ref() != Some(&current) {
            self.session.set_admitted(Some(current.clone()), now);
            self.sockets.admit_only(Some(members));
            self.left_lobby
                .retain(|steam_id, _| !current.contains(steam_id));
            for id in self.session.peer_ids() {
                if let Some((_, steam_id)) = self.session.peer(id)
                    && !current.contains(&steam_id)
                {
                    self.left_lobby.entry(steam_id).or_insert(now);
                }
            }
            self.dialled_at
                .retain(|steam_id, _| current.contains(steam_id));
            self.members = Some(current);
        }
        self.drop_lobby_leavers(now);
        let me = self.sockets.identity();
        for &member in members {
            let recently = self
                .dialled_at
                .get(&member)
                .is_some_and(|&at| now < at + REDIAL_INTERVAL);
            if member == me || recently || !matches!(self.session.should_dial(member), Ok(true)) {
                continue;
            }
            self.dialled_at.insert(member, now);
            if let Err(err) = self.dial(member, virtual_port, now) {
                debug!("could not dial lobby member {member}: {err}");
            }
        }
        self.carry_out();
    }

    /// Disconnects the peers that left the lobby and are still connected once their grace
    /// has run out.
    fn drop_lobby_leavers(&mut self, now: Instant) {
        let session = &mut self.session;
        self.left_lobby.retain(|&steam_id, &mut since| {
            if now < since + LOBBY_LEAVE_GRACE {
                return true;
            }
            if let Some(id) = session.peer_id_for_steam_id(steam_id) {
                debug!("peer {id} left the lobby");
                let _ = session.disconnect_peer(id, false);
            }
            false
        });
    }

    /// Disconnects one peer; see [`Session::disconnect_peer`].
    pub fn disconnect_peer(&mut self, id: PeerId, force: bool) -> Result<(), PeerError> {
        self.session.disconnect_peer(id, force)?;
        self.carry_out();
        Ok(())
    }

    /// Drops everything at once, silently; the peer can host or connect again.
    pub fn close(&mut self) {
        self.session.close();
        self.carry_out();
    }

    /// Moves data, admits and drops connections, runs timers.
    pub fn poll(&mut self, now: Instant) {
        self.now = now;
        self.sockets.pump(now);
        // Messages first: a connection that just closed may have sent its last words before,
        // and Steam keeps them readable until the handle is closed.
        self.receive(now);
        while let Some(change) = self.sockets.next_status_change() {
            self.status_changes.push(change.clone());
            match change.state {
                ConnectionState::Connecting if change.listen_socket.is_some() => {
                    self.session
                        .on_connection_request(change.conn, change.remote, now);
                }
                ConnectionState::Connected => {
                    // Again once up: Steam may not take lanes while a connection is connecting.
                    self.configure_lanes(change.conn);
                    self.session.on_connected(change.conn, now);
                }
                state if state.has_ended() => {
                    self.session
                        .on_closed(change.conn, change.end_reason, &change.end_debug);
                    self.sockets.close(change.conn, 0, "", false);
                }
                _ => {}
            }
            self.carry_out();
        }
        self.session.on_tick(now);
        self.carry_out();
    }

    fn receive(&mut self, now: Instant) {
        loop {
            self.sockets.receive(&mut self.batch, RECEIVE_BATCH);
            if self.batch.is_empty() {
                return;
            }
            for message in self.batch.drain(..) {
                self.session.on_message(message.conn, message.data, now);
            }
        }
    }

    /// Sends `payload` to `target` (see [`Session::send`]).
    pub fn send(
        &mut self,
        target: i32,
        channel: i32,
        mode: TransferMode,
        payload: &[u8],
    ) -> Result<(), PeerError> {
        let (no_nagle, no_delay) = (self.no_nagle, self.no_delay);
        self.held_back |= !no_nagle;
        let sockets = &mut self.sockets;
        self.session
            .send(
                target,
                channel,
                mode,
                payload.len(),
                |conn, lane, reliable, header| {
                    let flags = send_flags(reliable, no_nagle, no_delay);
                    match sockets.send(conn, lane, flags, [header, payload]) {
                        // The connection ended since the last poll (Steam changes states on
                        // its own thread, or a `Steam.run_callbacks()` moved local mode on):
                        // the peer is gone, as ENet's would be, and its disconnect is reported
                        // at the next poll. Not the game's mistake, so not an error.
                        Err(err) if err.connection_ended() => {
                            debug!("dropped a packet for {conn}: {err}; its disconnect follows");
                            Ok(())
                        }
                        sent => sent,
                    }
                },
            )
            .map_err(|err| match err {
                SendError::Api(err) => PeerError::Api(err),
                SendError::Transport(err) => PeerError::Transport(err),
            })
    }

    /// True when a message went out since the last [`PeerDriver::flush`] that the transport may
    /// hold back: the moment to plan one.
    pub fn holds_back(&self) -> bool {
        self.held_back
    }

    /// Sends at once what [`PeerDriver::send`] let the transport hold back to coalesce with
    /// later messages (without `no_nagle`). Call it when the frame's sending is done: Godot's
    /// peer does, after the game's calls of the frame.
    pub fn flush(&mut self) {
        if !std::mem::take(&mut self.held_back) {
            return;
        }
        for id in self.session.peer_ids() {
            if let Some((conn, _)) = self.session.peer(id) {
                self.sockets.flush_messages(conn);
            }
        }
    }

    /// The connections' status changes since the last call, oldest first (what
    /// `network_connection_status_changed` reports).
    pub fn take_status_changes(&mut self) -> Vec<StatusChange> {
        std::mem::take(&mut self.status_changes)
    }

    /// The listen socket, while the peer has one.
    pub fn listen_socket(&self) -> Option<ListenSocketId> {
        self.listen
    }

    /// The next event for Godot.
    pub fn poll_event(&mut self) -> Option<Event> {
        let event = self.session.poll_event();
        // Ending the session (the host left) may have queued closes.
        self.carry_out();
        event
    }

    /// The packet Godot reads next.
    pub fn next_packet(&self) -> Option<&smp_protocol::Packet<Vec<u8>>> {
        self.session.next_packet()
    }

    /// Takes the packet Godot reads next.
    pub fn pop_packet(&mut self) -> Option<smp_protocol::Packet<Vec<u8>>> {
        self.session.pop_packet()
    }

    /// The Steam id and transport state of a connected peer.
    pub fn peer_connection(&self, id: PeerId) -> Option<(SteamId, ConnectionState)> {
        let (conn, steam_id) = self.session.peer(id)?;
        let state = self
            .sockets
            .connection_info(conn)
            .map_or(ConnectionState::None, |info| info.state);
        Some((steam_id, state))
    }

    /// How the connection to a connected peer is doing.
    pub fn peer_quality(&self, id: PeerId) -> Option<ConnectionQuality> {
        let (conn, _) = self.session.peer(id)?;
        self.sockets.quality(conn)
    }

    fn open_listen(&mut self, virtual_port: i32) -> Result<(), PeerError> {
        self.listen = Some(self.sockets.listen(virtual_port)?);
        Ok(())
    }

    fn dial(&mut self, remote: SteamId, virtual_port: i32, now: Instant) -> Result<(), PeerError> {
        let conn = self.sockets.connect(remote, virtual_port)?;
        self.configure_lanes(conn);
        self.session.on_dialed(conn, remote, now);
        Ok(())
    }

    fn configure_lanes(&mut self, conn: smp_protocol::ConnectionId) {
        let lanes = self.session.config().channels as u16;
        if let Err(err) = self.sockets.configure_lanes(conn, lanes) {
            warn!(
                "could not give connection {conn} {lanes} lanes (channels above 0 will fail): {err}"
            );
        }
    }

    /// Does what the session asked, and stops listening once the session is over.
    fn carry_out(&mut self) {
        while let Some(action) = self.session.poll_action() {
            match action {
                Action::Accept(conn) => match self.sockets.accept(conn) {
                    Ok(()) => self.configure_lanes(conn),
                    Err(err) => debug!("could not accept connection {conn}: {err}"),
                },
                Action::Close {
                    conn,
                    reason,
                    linger,
                } => {
                    self.sockets
                        .close(conn, reason.code(), reason.describe(), linger);
                }
                Action::SendControl { conn, message } => {
                    let flags = SendFlags::RELIABLE.with(SendFlags::NO_NAGLE);
                    if let Err(err) = self.sockets.send(conn, 0, flags, [message.as_slice(), &[]]) {
                        debug!("could not send a control message on {conn}: {err}");
                    }
                }
                Action::Dial(remote) => {
                    // The session dials again later if this fails.
                    if let Err(err) = self.dial(remote, self.mesh_port, self.now) {
                        debug!("could not dial {remote} for the mesh: {err}");
                    }
                }
            }
        }
        if !self.session.is_active() {
            if self.members.take().is_some() {
                self.sockets.admit_only(None);
            }
            self.dialled_at.clear();
            self.left_lobby.clear();
            if let Some(listen) = self.listen.take() {
                self.sockets.close_listen(listen);
            }
        }
    }
}
