//! Connections lost: handshake timeouts (and the retries before them), closes the transport
//! reports, and what losing a connection means for the session.

use std::time::Instant;

use log::{debug, info, warn};

use super::remote::{Phase, Remote};
use super::{Role, Session};
use crate::event::Action;
use crate::ids::{ConnectionId, HOST_PEER_ID};
use crate::reason::CloseReason;

impl<B: AsRef<[u8]>> Session<B> {
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
