//! What matchmaking keeps between calls: the filters being gathered, the calls waiting for
//! their results, the last lobby list and the recent chat.

use std::collections::{HashMap, VecDeque};

use smp_steam::{LobbyFilter, LobbyId, SteamId};
use steamworks_sys as sys;

/// Chat entries kept for `GetLobbyChatEntry`: Steam keeps a lobby's recent chat, and games
/// read each entry in its callback.
const KEPT_CHAT: usize = 256;

/// What matchmaking keeps between calls.
#[derive(Default)]
pub struct Matchmaking {
    /// The filters for the next `RequestLobbyList`.
    pub(super) filter: LobbyFilter,
    /// `CreateLobby` calls waiting for their lobby, oldest first.
    pub creates: VecDeque<sys::SteamAPICall_t>,
    /// `RequestLobbyList` calls waiting for their list, oldest first.
    pub lists: VecDeque<sys::SteamAPICall_t>,
    /// The last list, for `GetLobbyByIndex`.
    pub found: Vec<LobbyId>,
    /// Recent chat entries.
    pub chat: ChatLog,
}

/// Recent lobby chat entries by chat id.
#[derive(Default)]
pub struct ChatLog {
    entries: HashMap<u32, (SteamId, String, u8)>,
    order: VecDeque<u32>,
    last: u32,
}

impl ChatLog {
    /// Keeps an entry; its chat id.
    pub fn record(&mut self, sender: SteamId, text: String, kind: u8) -> u32 {
        self.last += 1;
        if self.order.len() >= KEPT_CHAT
            && let Some(oldest) = self.order.pop_front()
        {
            self.entries.remove(&oldest);
        }
        self.order.push_back(self.last);
        self.entries.insert(self.last, (sender, text, kind));
        self.last
    }

    /// The entry of chat id `id` (sender, text, type), while it is kept.
    pub fn entry(&self, id: u32) -> Option<&(SteamId, String, u8)> {
        self.entries.get(&id)
    }
}
