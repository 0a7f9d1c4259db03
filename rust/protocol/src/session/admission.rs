//! Connections opening: who is admitted, the requests remotes make and the dials we make.

use std::collections::HashSet;
use std::time::Instant;

use log::{debug, info};

use super::remote::{Phase, Remote};
use super::{Role, Session};
use crate::event::Action;
use crate::ids::{ConnectionId, SteamId};
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
}
