//! What the game can read of a session: `GetP2PSessionState` and `GetSessionConnectionInfo`.

use smp_protocol::SteamId;
use smp_transport::ConnectionState;

use super::Sessions;
use crate::messages::SessionInfo;
use crate::types::{P2PSessionError, P2PSessionState};

impl Sessions {
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

    /// `GetSessionConnectionInfo`.
    pub fn session_info(&self, remote: SteamId) -> Option<SessionInfo> {
        let session = self.sessions.get(&remote)?;
        let info = session.conn.and_then(|conn| {
            Some((
                conn,
                self.sockets.connection_info(conn)?,
                self.sockets.quality(conn),
            ))
        });
        Some(match info {
            Some((conn, info, quality)) => SessionInfo {
                remote,
                state: info.state,
                end_reason: info.end_reason,
                end_debug: info.end_debug,
                description: format!(
                    "#{} P2P steamid:{remote} vport {}",
                    conn.0,
                    self.api.virtual_port()
                ),
                flags: 0,
                quality,
            },
            None => SessionInfo {
                remote,
                state: ConnectionState::None,
                end_reason: 0,
                end_debug: String::new(),
                description: String::new(),
                flags: 0,
                quality: None,
            },
        })
    }
}
