//! The `Hello`/`Welcome` handshake: control messages, peer ids, and establishing a peer.

use std::time::Instant;

use log::{debug, error, info, warn};

use super::remote::Phase;
use super::{PeerSlot, Pending, Role, Session};
use crate::control::{Control, ControlError, Hello, PROTOCOL_VERSION, Welcome};
use crate::event::{Action, Event};
use crate::ids::{ConnectionId, HOST_PEER_ID, PeerId, is_client_id};
use crate::reason::CloseReason;

impl<B: AsRef<[u8]>> Session<B> {
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

    pub(super) fn send_hello(&mut self, conn: ConnectionId, now: Instant) {
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
}
