//! What sets Steam's two session APIs apart: their virtual port, limits and callbacks.

use smp_transport::{StatusChange, end_reason};

use super::{LEGACY_P2P_VIRTUAL_PORT, MESSAGES_VIRTUAL_PORT};
use crate::local::frame;
use crate::messages::MAX_MESSAGE_SIZE;
use crate::types::{P2P_MAX_RELIABLE, P2P_MAX_UNRELIABLE, P2PSessionError, SteamEvent, SteamId};

/// Which of Steam's session APIs a [`Sessions`] is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SessionApi {
    /// `ISteamNetworking`: P2P packets and the `p2p_session_*` callbacks.
    LegacyP2P,
    /// `ISteamNetworkingMessages`: messages and the `network_messages_session_*` callbacks.
    Messages,
}

impl SessionApi {
    pub(super) fn virtual_port(self) -> i32 {
        match self {
            SessionApi::LegacyP2P => LEGACY_P2P_VIRTUAL_PORT,
            SessionApi::Messages => MESSAGES_VIRTUAL_PORT,
        }
    }

    /// The largest payload; an unreliable message travels whole, behind its header.
    pub(super) fn max_size(self, reliable: bool) -> usize {
        match (self, reliable) {
            (SessionApi::LegacyP2P, true) => P2P_MAX_RELIABLE,
            (SessionApi::LegacyP2P, false) => P2P_MAX_UNRELIABLE,
            (SessionApi::Messages, true) => MAX_MESSAGE_SIZE,
            (SessionApi::Messages, false) => MAX_MESSAGE_SIZE - frame::TRAILER,
        }
    }

    /// The most a session may hold of packets being reassembled, and of packets waiting for
    /// the game to accept it: what one whole reliable packet takes. A remote cannot grow either
    /// past it, with pieces that never end or packets nobody accepts.
    pub(super) fn max_buffered(self) -> usize {
        self.max_size(true) + frame::TRAILER
    }

    pub(super) fn request(self, remote: SteamId) -> SteamEvent {
        match self {
            SessionApi::LegacyP2P => SteamEvent::P2PSessionRequest { remote },
            SessionApi::Messages => SteamEvent::NetworkMessagesSessionRequest { remote },
        }
    }

    pub(super) fn failure(self, change: &StatusChange) -> SteamEvent {
        match self {
            SessionApi::LegacyP2P => {
                let error = match change.end_reason {
                    end_reason::MISC_TIMEOUT => P2PSessionError::Timeout,
                    _ => P2PSessionError::NotRunningApp,
                };
                SteamEvent::P2PSessionConnectFail {
                    remote: change.remote,
                    error: error as u8,
                }
            }
            SessionApi::Messages => SteamEvent::NetworkMessagesSessionFailed {
                reason: change.end_reason,
                remote: change.remote,
                state: change.state as i32,
                debug: change.end_debug.clone(),
            },
        }
    }
}
