//! Identities: Steam ids, Godot peer ids and transport connection handles.

use std::fmt;

/// A 64-bit Steam ID (SteamID64), as GDScript sees it in an `int`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SteamId(pub u64);

impl SteamId {
    /// The SteamID64 of the individual account `account_id` in the public universe.
    pub const fn individual(account_id: u32) -> Self {
        // Universe 1 (public), account type 1 (individual), instance 1 (desktop).
        SteamId((1 << 56) | (1 << 52) | (1 << 32) | account_id as u64)
    }

    /// The 32-bit account id (the low half of the SteamID64).
    pub const fn account_id(self) -> u32 {
        self.0 as u32
    }

    /// True for a user's account in some universe: account type individual, account id not 0.
    /// Lobby, clan and game-server ids, and 0, are not users.
    pub const fn is_user(self) -> bool {
        let universe = self.0 >> 56;
        let account_type = (self.0 >> 52) & 0xF;
        universe != 0 && account_type == 1 && self.account_id() != 0
    }

    /// True for a lobby's id in some universe: account type chat, with the instance flag that
    /// Steam sets on lobbies, account id not 0. Users, clans, plain chat rooms and 0 are not.
    pub const fn is_lobby(self) -> bool {
        const CHAT: u64 = 8;
        const LOBBY_INSTANCE_FLAG: u64 = 0x4_0000;
        let universe = self.0 >> 56;
        let account_type = (self.0 >> 52) & 0xF;
        let instance = (self.0 >> 32) & 0xF_FFFF;
        universe != 0
            && account_type == CHAT
            && instance & LOBBY_INSTANCE_FLAG != 0
            && self.account_id() != 0
    }

    /// True for the SteamID64 layout of an individual public account.
    pub const fn is_individual(self) -> bool {
        self.0 >> 32 == SteamId::individual(0).0 >> 32
    }
}

impl fmt::Debug for SteamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SteamId({})", self.0)
    }
}

impl fmt::Display for SteamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Transport handle of one connection (an `HSteamNetConnection` on Steam).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ConnectionId(pub u32);

impl fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A Godot multiplayer peer id: 1 is the host, clients hold ids from 2 to `i32::MAX`.
pub type PeerId = i32;

/// The host's peer id, Godot's `MultiplayerPeer.TARGET_PEER_SERVER`.
pub const HOST_PEER_ID: PeerId = 1;

/// True when `id` can be held by a client.
pub const fn is_client_id(id: PeerId) -> bool {
    id >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_individual_accounts_are_users() {
        assert!(SteamId::individual(7).is_user());
        assert!(SteamId(76561197960265729).is_user());
        assert!(!SteamId(0).is_user());
        assert!(!SteamId::individual(0).is_user(), "no account");
        // A lobby (chat account type 8) and a clan (type 7).
        assert!(!SteamId(109775244925020489).is_user());
        assert!(!SteamId(103582791429521412).is_user());
    }

    #[test]
    fn only_lobby_ids_are_lobbies() {
        assert!(SteamId(109775244925020489).is_lobby());
        assert!(!SteamId(0).is_lobby());
        assert!(!SteamId::individual(7).is_lobby());
        assert!(!SteamId(103582791429521412).is_lobby(), "a clan");
        // A chat room that is no lobby: chat account type, no lobby flag.
        assert!(!SteamId((1 << 56) | (8 << 52) | 5).is_lobby());
        assert!(
            !SteamId((1 << 56) | (8 << 52) | (0x6_0000 << 32)).is_lobby(),
            "no account"
        );
    }

    #[test]
    fn individual_ids_look_like_real_accounts() {
        assert_eq!(SteamId::individual(1).0, 76_561_197_960_265_729);
        assert!(SteamId::individual(42).is_individual());
        assert_eq!(SteamId::individual(42).account_id(), 42);
        assert!(!SteamId(42).is_individual());
    }
}
