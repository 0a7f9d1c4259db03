//! Connection lifecycle: admission, the `Hello`/`Welcome` handshake, timeouts and losses.

use std::collections::HashSet;
use std::time::Instant;

use log::{debug, error, info, warn};

use super::remote::{Phase, Remote};
use super::{PeerSlot, Pending, Role, Session};
use crate::control::{Control, ControlError, Hello, PROTOCOL_VERSION, Welcome};
use crate::event::{Action, Event};
use crate::ids::{ConnectionId, HOST_PEER_ID, PeerId, SteamId, is_client_id};
use crate::reason::CloseReason;

impl<B: AsRef<[u8]>> Session<B> {
    /// Restricts who may connect to `members` (a peer started from a lobby), or lifts the
    /// restriction (`None`). Requests that were waiting for their sender to be admitted go on.
    pub fn set_admitted(&mut self, members: Option<HashSet<SteamId>>, now: Instant) {
        self.admitted = members;
        let waiting = std::mem::take(&mut self.awaiting);
        for (conn, remote, deadline) in waiting {
            if self.is_admitted(remote) {
                self.on_connection_request(conn, remote, now);
            } else {
                self.awaiting.push((conn, remote, deadline));
            }
        }
    }

    /// A peer from a lobby admits the lobby's members; a client in a full mesh, its host and
    /// the clients its host introduced; a host, anyone.
    fn is_admitted(&self, remote: SteamId) -> bool {
        match &self.admitted {
            Some(members) => members.contains(&remote),
            None => self.introduced_or_host(remote),
        }
    }

    /// A remote asks to connect through our listen socket. The session queues `Accept` or
    /// `Close`, or, for a user not admitted yet, waits a little: a new lobby member's request
    /// can arrive before the lobby says it joined.
    pub fn on_connection_request(&mut self, conn: ConnectionId, remote: SteamId, now: Instant) {
        if self.remotes.contains_key(&conn) {
            // A transport never reuses a live handle; believing it would re-label a peer.
            debug!("ignored a connection request on {conn}, which is already open");
            return;
        }
        let refusal = match &self.role {
            Role::Inactive => Some(CloseReason::Closed),
            _ if self.refuse_new => Some(CloseReason::Refused),
            Role::Client(client)
                if client.confirmed && client.host_relays && remote != client.server =>
            {
                Some(CloseReason::NoMesh)
            }
            _ => None,
        };
        if let Some(reason) = refusal {
            info!("refused a connection from {remote}: {}", reason.describe());
            self.reject(conn, reason);
            return;
        }
        let waiting = self.awaiting.iter().any(|(c, _, _)| *c == conn);
        if !waiting && self.pending_connections() >= self.config.max_pending {
            self.drops.refused_flood += 1;
            debug!(
                "refused a connection from {remote}: {} connections already wait for their handshake",
                self.config.max_pending
            );
            self.reject(conn, CloseReason::Busy);
            return;
        }
        if !self.is_admitted(remote) {
            if !waiting {
                debug!("{remote} asks to connect but is not in the lobby (yet); waiting");
                self.awaiting
                    .push((conn, remote, now + self.config.admission_grace));
            }
            return;
        }
        if let Some((existing, current)) = self.connection_to(remote) {
            // Both sides dialled at once, or the remote dials again. Both sides apply the same
            // rule: an established connection stays; otherwise the smaller Steam id's dial wins.
            let keep_existing =
                current.phase == Phase::Established || (current.dialed && self.local < remote);
            if keep_existing {
                debug!("dropping a second connection from {remote}");
                self.reject(conn, CloseReason::Duplicate);
                return;
            }
            debug!("{remote} dialled us too; keeping its connection");
            self.remotes.remove(&existing);
            self.reject(existing, CloseReason::Duplicate);
        }
        let channels = self.config.channels;
        self.remotes
            .insert(conn, Remote::new(remote, false, channels, now));
        self.actions.push_back(Action::Accept(conn));
    }

    /// Connections not established yet: waiting for admission, or in their handshake.
    fn pending_connections(&self) -> usize {
        let handshaking = self
            .remotes
            .values()
            .filter(|r| r.phase != Phase::Established);
        self.awaiting.len() + handshaking.count()
    }

    /// The driver dialled `remote` (for `create_client` or `add_peer`) and got `conn`.
    pub fn on_dialed(&mut self, conn: ConnectionId, remote: SteamId, now: Instant) {
        if self.remotes.contains_key(&conn) {
            debug!("ignored a dial reported on {conn}, which is already open");
            return;
        }
        let channels = self.config.channels;
        self.remotes
            .insert(conn, Remote::new(remote, true, channels, now));
    }

    /// The transport reports `conn` connected: the handshake starts.
    pub fn on_connected(&mut self, conn: ConnectionId, now: Instant) {
        let Some(remote) = self.remotes.get_mut(&conn) else {
            return;
        };
        if remote.phase == Phase::Connecting {
            remote.phase = Phase::Handshaking;
        }
        self.send_hello_if_ready(conn, now);
    }

    /// The transport reports `conn` closed by the remote or lost, with Steam's end reason.
    pub fn on_closed(&mut self, conn: ConnectionId, end_reason: i32, detail: &str) {
        self.awaiting.retain(|(c, _, _)| *c != conn);
        let Some(remote) = self.remotes.remove(&conn) else {
            return;
        };
        let reason = CloseReason::from_code(end_reason);
        if reason == Some(CloseReason::Duplicate) && remote.phase != Phase::Established {
            debug!("{} kept its other connection with us", remote.steam_id);
            return;
        }
        if self.mesh_link_closed(&remote, reason) {
            return;
        }
        let description = match reason {
            Some(reason) => reason.describe().to_owned(),
            None if detail.is_empty() => format!("connection ended (end reason {end_reason})"),
            None => format!("{detail} (end reason {end_reason})"),
        };
        self.after_loss(remote, &description);
    }

    /// Time passes: handshakes are retried, and those that took too long are dropped.
    pub fn on_tick(&mut self, now: Instant) {
        if let Role::Client(client) = &self.role
            && !client.confirmed
            && now >= client.deadline
        {
            let timeout = self.config.handshake_timeout.as_secs_f32();
            self.fail_client(&format!("the host did not admit us within {timeout} s"));
            return;
        }
        let mut refused = Vec::new();
        self.awaiting.retain(|&(conn, remote, deadline)| {
            let expired = now >= deadline;
            if expired {
                refused.push((conn, remote));
            }
            !expired
        });
        for (conn, remote) in refused {
            self.refuse_unadmitted(conn, remote);
        }
        let timeout = self.config.handshake_timeout;
        let interval = self.config.hello_interval;
        let mut expired = std::mem::take(&mut self.scratch);
        let mut resend = Vec::new();
        for (&conn, remote) in &self.remotes {
            if remote.phase == Phase::Established {
                continue;
            }
            if now >= remote.opened_at + timeout {
                expired.push(conn);
            } else if remote
                .hello_sent_at
                .is_some_and(|sent| now >= sent + interval)
            {
                resend.push(conn);
            }
        }
        for conn in resend {
            self.send_hello(conn, now);
        }
        for conn in expired.drain(..) {
            warn!(
                "the handshake on connection {conn} did not complete within {} s",
                timeout.as_secs_f32()
            );
            self.drop_connection(
                conn,
                CloseReason::HandshakeTimeout,
                "the handshake timed out",
            );
        }
        self.scratch = expired;
        self.mesh_tick(now);
    }

    /// A control message arrived on `conn`.
    pub(super) fn on_control(&mut self, conn: ConnectionId, message: &[u8], now: Instant) {
        let steam_id = self
            .remotes
            .get(&conn)
            .map(|r| r.steam_id)
            .unwrap_or_default();
        match Control::decode(message) {
            Ok(Control::Hello(hello)) => self.on_hello(conn, hello, now),
            Ok(Control::Welcome(welcome)) => self.on_welcome(conn, welcome, now),
            Ok(Control::PeerJoined(member)) => self.on_peer_joined(conn, member, now),
            Ok(Control::PeerLeft(member)) => self.on_peer_left(conn, member, now),
            Err(ControlError::Version(version)) => {
                error!(
                    "{steam_id} runs protocol version {version} and we run {PROTOCOL_VERSION}: \
                     every instance needs the same version of the addon"
                );
                self.drop_connection(
                    conn,
                    CloseReason::Incompatible,
                    "incompatible protocol version",
                );
            }
            Err(ControlError::ForeignProtocol) => {
                error!(
                    "{steam_id} does not speak this addon's protocol (is it running another \
                     multiplayer peer, such as GodotSteam's?)"
                );
                self.drop_connection(conn, CloseReason::Incompatible, "foreign protocol");
            }
            Err(err) => {
                self.drops.malformed += 1;
                debug!("dropped a malformed control message from {steam_id}: {err:?}");
            }
        }
    }

    fn on_hello(&mut self, conn: ConnectionId, hello: Hello, now: Instant) {
        let Some(remote) = self.remotes.get_mut(&conn) else {
            return;
        };
        if remote.phase == Phase::Connecting {
            remote.phase = Phase::Handshaking;
        }
        let steam_id = remote.steam_id;
        let established = remote.phase == Phase::Established;
        let session_host = match &self.role {
            Role::Inactive => return,
            Role::Host => self.local,
            Role::Client(client) => client.server,
        };
        let remote_is_our_host = steam_id == session_host && !self.is_host();
        if remote_is_our_host {
            if hello.is_host {
                self.send_hello_if_ready(conn, now);
            } else {
                warn!("{steam_id} is not hosting a session");
                self.drop_connection(conn, CloseReason::WrongSession, "not a host");
            }
        } else if hello.is_host || hello.session_host != session_host {
            warn!(
                "{steam_id} belongs to another session (its host is {})",
                hello.session_host
            );
            self.drop_connection(conn, CloseReason::WrongSession, "another session");
        } else if self.is_host() {
            if established {
                // The client retried before our welcome reached it: answer the same way.
                let peer_id = self.remotes[&conn].peer_id;
                self.send_welcome(conn, peer_id);
            } else {
                let peer_id = self.assign_id(hello.peer_id);
                self.send_hello_if_ready(conn, now);
                self.send_welcome(conn, peer_id);
                self.establish(conn, peer_id);
                self.introduce(conn, peer_id);
            }
        } else if !established {
            let remote = self.remotes.get_mut(&conn).expect("looked up above");
            remote.hello_received = true;
            remote.peer_id = hello.peer_id;
            self.try_establish_mesh(conn, now);
        }
    }

    fn on_welcome(&mut self, conn: ConnectionId, welcome: Welcome, now: Instant) {
        let from_server = match (&self.role, self.remotes.get(&conn)) {
            (Role::Client(client), Some(remote)) => remote.steam_id == client.server,
            _ => false,
        };
        let Role::Client(client) = &mut self.role else {
            self.drops.malformed += 1;
            return;
        };
        if !from_server {
            self.drops.malformed += 1;
            return;
        }
        if client.confirmed {
            if welcome.peer_id != self.unique_id {
                warn!(
                    "the host sent a second, different peer id; keeping {}",
                    self.unique_id
                );
            }
            return;
        }
        if !is_client_id(welcome.peer_id) {
            error!("the host assigned the invalid peer id {}", welcome.peer_id);
            self.drop_connection(conn, CloseReason::Incompatible, "invalid peer id");
            return;
        }
        client.confirmed = true;
        client.host_relays = welcome.host_relays;
        self.unique_id = welcome.peer_id;
        self.status = crate::mode::ConnectionStatus::Connected;
        info!("connected to the host as peer {}", self.unique_id);
        self.establish(conn, HOST_PEER_ID);
        // Connections with other clients waited for our final id.
        let mut waiting = std::mem::take(&mut self.scratch);
        waiting.extend(
            self.remotes
                .iter()
                .filter(|(_, remote)| remote.phase != Phase::Established)
                .map(|(&conn, _)| conn),
        );
        for conn in waiting.drain(..) {
            self.try_establish_mesh(conn, now);
        }
        self.scratch = waiting;
    }

    /// Completes a client-to-client handshake once both ids are final, both `Hello`s crossed,
    /// and (outside a lobby) the host has introduced the remote under the id it presents.
    pub(super) fn try_establish_mesh(&mut self, conn: ConnectionId, now: Instant) {
        let Role::Client(client) = &self.role else {
            return;
        };
        if !client.confirmed {
            return;
        }
        if client.host_relays {
            self.drop_connection(conn, CloseReason::NoMesh, CloseReason::NoMesh.describe());
            return;
        }
        self.send_hello_if_ready(conn, now);
        let Some(remote) = self.remotes.get(&conn) else {
            return;
        };
        // A lobby's members can be linked before the host's introduction of them arrives.
        if remote.phase == Phase::Established {
            return;
        }
        if !remote.hello_received || remote.hello_sent_at.is_none() {
            return;
        }
        let peer_id = remote.peer_id;
        if !is_client_id(peer_id) || peer_id == self.unique_id || self.peers.contains_key(&peer_id)
        {
            warn!(
                "{} presented peer id {peer_id}, which is not free",
                remote.steam_id
            );
            self.drop_connection(conn, CloseReason::WrongSession, "peer id taken");
            return;
        }
        if self.introduction_agrees(conn, peer_id) {
            self.establish(conn, peer_id);
        }
    }

    fn send_hello_if_ready(&mut self, conn: ConnectionId, now: Instant) {
        let Some(remote) = self.remotes.get(&conn) else {
            return;
        };
        if remote.hello_sent_at.is_some() || remote.phase == Phase::Connecting {
            return;
        }
        let ready = match &self.role {
            Role::Inactive => false,
            Role::Host => true,
            // A client may talk to its host at once, to other clients only with a final id.
            Role::Client(client) => {
                remote.steam_id == client.server || (client.confirmed && !client.host_relays)
            }
        };
        if ready {
            self.send_hello(conn, now);
        }
    }

    fn send_hello(&mut self, conn: ConnectionId, now: Instant) {
        let session_host = match &self.role {
            Role::Client(client) => client.server,
            _ => self.local,
        };
        let hello = Hello {
            is_host: self.is_host(),
            peer_id: self.unique_id,
            session_host,
        };
        if let Some(remote) = self.remotes.get_mut(&conn) {
            remote.hello_sent_at = Some(now);
            self.actions.push_back(Action::SendControl {
                conn,
                message: Control::Hello(hello).encode(),
            });
        }
    }

    fn send_welcome(&mut self, conn: ConnectionId, peer_id: PeerId) {
        let welcome = Welcome {
            peer_id,
            host_relays: self.config.server_relay,
        };
        self.actions.push_back(Action::SendControl {
            conn,
            message: Control::Welcome(welcome).encode(),
        });
    }

    /// The host keeps a client's proposed id when it is free, else picks another.
    fn assign_id(&mut self, proposed: PeerId) -> PeerId {
        if is_client_id(proposed) && !self.peers.contains_key(&proposed) {
            proposed
        } else {
            self.random_client_id()
        }
    }

    fn establish(&mut self, conn: ConnectionId, peer_id: PeerId) {
        let Some(remote) = self.remotes.get_mut(&conn) else {
            return;
        };
        remote.phase = Phase::Established;
        remote.peer_id = peer_id;
        let early = std::mem::take(&mut remote.early);
        remote.early_bytes = 0;
        info!("peer {peer_id} ({}) connected", remote.steam_id);
        self.peers.insert(peer_id, PeerSlot::Live(conn));
        self.pending
            .push_back(Pending::Event(Event::PeerConnected(peer_id)));
        for data in early {
            self.deliver(conn, data);
        }
    }

    pub(super) fn reject(&mut self, conn: ConnectionId, reason: CloseReason) {
        self.actions.push_back(Action::Close {
            conn,
            reason,
            linger: false,
        });
    }

    /// Closes `conn` on our own initiative and deals with what that means.
    pub(super) fn drop_connection(
        &mut self,
        conn: ConnectionId,
        reason: CloseReason,
        description: &str,
    ) {
        let Some(remote) = self.remotes.remove(&conn) else {
            return;
        };
        self.reject(conn, reason);
        self.after_loss(remote, description);
    }

    /// A connection is gone: a known peer departs; a host never reached fails the client.
    fn after_loss(&mut self, remote: Remote<B>, description: &str) {
        let server = match &self.role {
            Role::Client(client) => Some((client.server, client.confirmed)),
            _ => None,
        };
        if remote.phase == Phase::Established {
            info!(
                "peer {} ({}) left: {description}",
                remote.peer_id, remote.steam_id
            );
            self.depart(remote.peer_id);
            if server.is_some() && remote.peer_id == HOST_PEER_ID {
                self.leave_host();
            }
        } else if server == Some((remote.steam_id, false)) {
            self.fail_client(description);
        } else {
            debug!(
                "connection with {} ended during the handshake: {description}",
                remote.steam_id
            );
        }
    }

    fn fail_client(&mut self, description: &str) {
        if let Role::Client(client) = &self.role {
            warn!(
                "could not connect to the host {}: {description}",
                client.server
            );
        }
        self.teardown(CloseReason::Closed, false);
    }
}
