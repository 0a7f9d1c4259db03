//! A peer started the way GodotSteam's earlier, lobby-based peer was: `create_lobby` or
//! `connect_lobby` first, then Steam's answers decide when it hosts the lobby or joins its
//! owner. Sans-IO: it takes Steam's events and says what to do.

use crate::types::{ChatRoomEnterResponse, LobbyId, SteamEvent, result};

/// The earlier peer's `LOBBY_STATE_*`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LobbyState {
    /// Neither hosting nor in a lobby.
    NotConnected = 0,
    /// The lobby is being created.
    HostPending = 1,
    /// Hosting the lobby we created.
    Hosting = 2,
    /// Joining a lobby.
    ClientPending = 3,
    /// In a lobby as a client.
    Client = 4,
}

/// What the peer does next.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum LobbyStep {
    /// Host lobby `.0`, which we own now.
    Host(LobbyId),
    /// Join the game of lobby `.0`, which we are in now.
    Join(LobbyId),
    /// Creating or joining failed, for this reason.
    Failed(String),
}

/// Where a `create_lobby`/`connect_lobby` peer stands.
#[derive(Clone, Debug)]
pub struct LobbyStart {
    state: LobbyState,
    lobby: Option<LobbyId>,
}

impl Default for LobbyStart {
    fn default() -> Self {
        LobbyStart {
            state: LobbyState::NotConnected,
            lobby: None,
        }
    }
}

impl LobbyStart {
    /// The state, as `get_state` reports it.
    pub fn state(&self) -> LobbyState {
        self.state
    }

    /// The lobby, once known.
    pub fn lobby(&self) -> Option<LobbyId> {
        self.lobby
    }

    /// True while Steam has not answered yet.
    pub fn is_pending(&self) -> bool {
        matches!(
            self.state,
            LobbyState::HostPending | LobbyState::ClientPending
        )
    }

    /// `create_lobby` was called: the next lobby Steam creates for us is ours.
    pub fn creating(&mut self) {
        *self = LobbyStart {
            state: LobbyState::HostPending,
            lobby: None,
        };
    }

    /// `connect_lobby(lobby)` was called.
    pub fn joining(&mut self, lobby: LobbyId) {
        *self = LobbyStart {
            state: LobbyState::ClientPending,
            lobby: Some(lobby),
        };
    }

    /// The peer started as `step` said.
    pub fn started(&mut self) {
        self.state = match self.state {
            LobbyState::HostPending => LobbyState::Hosting,
            LobbyState::ClientPending => LobbyState::Client,
            other => other,
        };
    }

    /// Back to not connected (closed, or the start failed).
    pub fn reset(&mut self) {
        *self = LobbyStart::default();
    }

    /// Takes one of Steam's events: whether the peer passes it on as its own signal (it is
    /// about our lobby, or is an invitation or a lobby list), and what to do next.
    pub fn on_event(&mut self, event: &SteamEvent) -> (bool, Option<LobbyStep>) {
        if self.state == LobbyState::NotConnected {
            return (false, None);
        }
        let ours = |lobby: &LobbyId| self.lobby == Some(*lobby);
        match event {
            SteamEvent::LobbyCreated { result, lobby }
                if self.state == LobbyState::HostPending && self.lobby.is_none() =>
            {
                if *result == result::OK {
                    self.lobby = Some(*lobby);
                    (true, None)
                } else {
                    self.reset();
                    let why = format!("Steam could not create the lobby (EResult {result})");
                    (true, Some(LobbyStep::Failed(why)))
                }
            }
            SteamEvent::LobbyJoined {
                lobby, response, ..
            } if ours(lobby) => {
                let step = match self.state {
                    _ if *response != ChatRoomEnterResponse::Success as i32 => {
                        self.reset();
                        Some(LobbyStep::Failed(format!(
                            "could not enter lobby {lobby} (response {response})"
                        )))
                    }
                    LobbyState::HostPending => Some(LobbyStep::Host(*lobby)),
                    LobbyState::ClientPending => Some(LobbyStep::Join(*lobby)),
                    _ => None,
                };
                (true, step)
            }
            SteamEvent::LobbyChatUpdate { lobby, .. }
            | SteamEvent::LobbyMessage { lobby, .. }
            | SteamEvent::LobbyDataUpdate { lobby, .. } => (ours(lobby), None),
            SteamEvent::LobbyInvite { .. } | SteamEvent::LobbyMatchList { .. } => (true, None),
            _ => (false, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{SteamId, lobby_id};

    const LOBBY: LobbyId = lobby_id(5);

    fn joined(lobby: LobbyId, response: ChatRoomEnterResponse) -> SteamEvent {
        SteamEvent::LobbyJoined {
            lobby,
            permissions: 0,
            locked: false,
            response: response as i32,
        }
    }

    #[test]
    fn a_created_lobby_is_hosted_once_entered() {
        let mut start = LobbyStart::default();
        let created = SteamEvent::LobbyCreated {
            result: result::OK,
            lobby: LOBBY,
        };
        assert_eq!(
            start.on_event(&created),
            (false, None),
            "not asked to create"
        );
        start.creating();
        assert_eq!(start.state(), LobbyState::HostPending);
        assert_eq!(start.on_event(&created), (true, None));
        assert_eq!(start.lobby(), Some(LOBBY));
        let other = SteamEvent::LobbyCreated {
            result: result::OK,
            lobby: lobby_id(6),
        };
        assert_eq!(
            start.on_event(&other),
            (false, None),
            "only the first is ours"
        );
        assert_eq!(
            start.on_event(&joined(LOBBY, ChatRoomEnterResponse::Success)),
            (true, Some(LobbyStep::Host(LOBBY)))
        );
        start.started();
        assert_eq!(start.state(), LobbyState::Hosting);
        let chat = SteamEvent::LobbyChatUpdate {
            lobby: lobby_id(9),
            changed: SteamId::individual(2),
            making_change: SteamId::individual(2),
            state: 1,
        };
        assert_eq!(start.on_event(&chat), (false, None), "another lobby's");
    }

    #[test]
    fn failures_end_the_start() {
        let mut start = LobbyStart::default();
        start.creating();
        let refused = SteamEvent::LobbyCreated {
            result: result::LIMIT_EXCEEDED,
            lobby: SteamId(0),
        };
        assert!(matches!(
            start.on_event(&refused),
            (true, Some(LobbyStep::Failed(_)))
        ));
        assert_eq!(start.state(), LobbyState::NotConnected);
        start.joining(LOBBY);
        assert!(start.is_pending());
        assert!(matches!(
            start.on_event(&joined(LOBBY, ChatRoomEnterResponse::Full)),
            (true, Some(LobbyStep::Failed(_)))
        ));
        assert!(!start.is_pending());
        start.joining(LOBBY);
        assert_eq!(
            start.on_event(&joined(LOBBY, ChatRoomEnterResponse::Success)),
            (true, Some(LobbyStep::Join(LOBBY)))
        );
    }
}
