//! The values the Steam API speaks in, with Steamworks' (and GodotSteam's) numbers.

pub use smp_protocol::SteamId;

/// A lobby's id: a SteamID64 of the chat account type.
pub type LobbyId = SteamId;

/// `ELobbyType`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LobbyType {
    /// Joined only by invitation.
    Private = 0,
    /// Joinable by friends and invitees.
    FriendsOnly = 1,
    /// Listed and joinable by anyone.
    Public = 2,
    /// Joinable by anyone with its id, never listed.
    Invisible = 3,
    /// Private, and a user may be in only one such lobby.
    PrivateUnique = 4,
}

impl LobbyType {
    /// The type for Steam's number.
    pub fn from_raw(value: i64) -> Option<Self> {
        [
            Self::Private,
            Self::FriendsOnly,
            Self::Public,
            Self::Invisible,
            Self::PrivateUnique,
        ]
        .into_iter()
        .find(|t| *t as i64 == value)
    }
}

/// `ELobbyComparison`, for lobby list filters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LobbyComparison {
    /// The lobby's value is at most the filter's.
    EqualToOrLessThan = -2,
    /// The lobby's value is below the filter's.
    LessThan = -1,
    /// Equal.
    Equal = 0,
    /// The lobby's value is above the filter's.
    GreaterThan = 1,
    /// The lobby's value is at least the filter's.
    EqualToOrGreaterThan = 2,
    /// Different.
    NotEqual = 3,
}

impl LobbyComparison {
    /// The comparison for Steam's number.
    pub fn from_raw(value: i64) -> Option<Self> {
        [
            Self::EqualToOrLessThan,
            Self::LessThan,
            Self::Equal,
            Self::GreaterThan,
            Self::EqualToOrGreaterThan,
            Self::NotEqual,
        ]
        .into_iter()
        .find(|c| *c as i64 == value)
    }

    /// Whether `lobby` compares to `filter` this way (`lobby <op> filter`).
    pub fn holds<T: Ord>(self, lobby: T, filter: T) -> bool {
        match self {
            Self::EqualToOrLessThan => lobby <= filter,
            Self::LessThan => lobby < filter,
            Self::Equal => lobby == filter,
            Self::GreaterThan => lobby > filter,
            Self::EqualToOrGreaterThan => lobby >= filter,
            Self::NotEqual => lobby != filter,
        }
    }
}

/// `ELobbyDistanceFilter`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LobbyDistanceFilter {
    /// Same region only.
    Close = 0,
    /// Same or nearby regions.
    Default = 1,
    /// Half the world.
    Far = 2,
    /// Anywhere.
    Worldwide = 3,
}

impl LobbyDistanceFilter {
    /// The filter for Steam's number.
    pub fn from_raw(value: i64) -> Option<Self> {
        [Self::Close, Self::Default, Self::Far, Self::Worldwide]
            .into_iter()
            .find(|d| *d as i64 == value)
    }
}

/// `EChatMemberStateChange` bits, as `lobby_chat_update` carries them.
pub mod chat_member_state {
    /// The user joined.
    pub const ENTERED: u32 = 1;
    /// The user left.
    pub const LEFT: u32 = 2;
    /// The user's connection was lost.
    pub const DISCONNECTED: u32 = 4;
    /// The user was kicked.
    pub const KICKED: u32 = 8;
    /// The user was banned.
    pub const BANNED: u32 = 16;
}

/// `EChatRoomEnterResponse`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ChatRoomEnterResponse {
    /// Joined.
    Success = 1,
    /// No such lobby.
    DoesntExist = 2,
    /// Not joinable, or not for us.
    NotAllowed = 3,
    /// At its member limit.
    Full = 4,
    /// Something else went wrong.
    Error = 5,
    /// Banned from it.
    Banned = 6,
    /// A limited account.
    Limited = 7,
    /// Locked or disabled by its clan.
    ClanDisabled = 8,
    /// A community-banned account.
    CommunityBan = 9,
    /// A member blocked us.
    MemberBlockedYou = 10,
    /// We blocked a member.
    YouBlockedMember = 11,
    /// Too many joins too fast.
    RatelimitExceeded = 15,
}

/// `EP2PSend`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum P2PSend {
    /// At most 1200 bytes, may be lost.
    Unreliable = 0,
    /// Like `Unreliable`, dropped rather than queued.
    UnreliableNoDelay = 1,
    /// Up to 1 MB, retransmitted, ordered.
    Reliable = 2,
    /// Like `Reliable`, coalesced with later sends.
    ReliableWithBuffering = 3,
}

impl P2PSend {
    /// The send type for Steam's number.
    pub fn from_raw(value: i64) -> Option<Self> {
        [
            Self::Unreliable,
            Self::UnreliableNoDelay,
            Self::Reliable,
            Self::ReliableWithBuffering,
        ]
        .into_iter()
        .find(|s| *s as i64 == value)
    }

    /// True for the reliable types.
    pub fn is_reliable(self) -> bool {
        matches!(self, Self::Reliable | Self::ReliableWithBuffering)
    }
}

/// Largest unreliable legacy P2P packet.
pub const P2P_MAX_UNRELIABLE: usize = 1200;
/// Largest reliable legacy P2P packet.
pub const P2P_MAX_RELIABLE: usize = 1024 * 1024;

/// `EP2PSessionError`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum P2PSessionError {
    /// No error.
    None = 0,
    /// The remote is not running this game.
    NotRunningApp = 1,
    /// We do not own this game.
    NoRightsToApp = 2,
    /// The remote is not logged on to Steam.
    DestinationNotLoggedOn = 3,
    /// The remote did not answer in time.
    Timeout = 4,
}

/// `P2PSessionState_t`, as `getP2PSessionState` reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct P2PSessionState {
    /// A connection is open.
    pub connection_active: bool,
    /// The connection is being established.
    pub connecting: bool,
    /// The last error, an `EP2PSessionError`.
    pub session_error: u8,
    /// Going through a relay.
    pub using_relay: bool,
    /// Bytes waiting to be sent.
    pub bytes_queued_for_send: i32,
    /// Packets waiting to be sent.
    pub packets_queued_for_send: i32,
    /// The remote's IPv4 address, when known.
    pub remote_ip: u32,
    /// The remote's port, when known.
    pub remote_port: u16,
}

/// `SteamAPIInitResult`, as `steamInitEx` reports it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum InitStatus {
    /// Initialized.
    Ok = 0,
    /// Failed for a reason not listed.
    FailedGeneric = 1,
    /// No Steam client could be reached.
    NoSteamClient = 2,
    /// The Steam client is too old.
    VersionMismatch = 3,
}

/// The filters of the next lobby list request.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct LobbyFilter {
    /// Lobby data `key` compared to a string.
    pub strings: Vec<(String, String, LobbyComparison)>,
    /// Lobby data `key`, read as a number, compared to a number.
    pub numbers: Vec<(String, i64, LobbyComparison)>,
    /// Sorts by how close lobby data `key`, read as a number, is to a number; the first
    /// added sorts first.
    pub near: Vec<(String, i64)>,
    /// Only lobbies with at least this many free member slots.
    pub slots_available: Option<u32>,
    /// How far to search.
    pub distance: Option<LobbyDistanceFilter>,
    /// At most this many results.
    pub max_results: Option<u32>,
}

/// A callback from Steam, delivered as a GodotSteam signal by `run_callbacks`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SteamEvent {
    /// `lobby_created(connect, lobby_id)`: `result` is an `EResult` (1: OK).
    LobbyCreated {
        /// `EResult`.
        result: i32,
        /// The new lobby, or 0.
        lobby: LobbyId,
    },
    /// `lobby_joined(lobby, permissions, locked, response)`.
    LobbyJoined {
        /// The lobby.
        lobby: LobbyId,
        /// Unused by Steam; 0.
        permissions: u32,
        /// Only invited users may join.
        locked: bool,
        /// A [`ChatRoomEnterResponse`].
        response: i32,
    },
    /// `lobby_chat_update(lobby_id, changed_id, making_change_id, chat_state)`.
    LobbyChatUpdate {
        /// The lobby.
        lobby: LobbyId,
        /// Who joined or left.
        changed: SteamId,
        /// Who caused it (the same user, or who kicked).
        making_change: SteamId,
        /// [`chat_member_state`] bits.
        state: u32,
    },
    /// `lobby_match_list(lobbies)`.
    LobbyMatchList {
        /// The lobbies found.
        lobbies: Vec<LobbyId>,
    },
    /// `lobby_message(lobby_id, user, message, chat_type)`.
    LobbyMessage {
        /// The lobby.
        lobby: LobbyId,
        /// The sender.
        user: SteamId,
        /// The text.
        message: String,
        /// `EChatEntryType` (1: a chat message).
        chat_type: u8,
    },
    /// `lobby_data_update(success, lobby_id, member_id)`: `member` is the lobby itself for lobby data.
    LobbyDataUpdate {
        /// The update went through.
        success: bool,
        /// The lobby.
        lobby: LobbyId,
        /// Whose data changed; the lobby id for lobby data.
        member: SteamId,
    },
    /// `lobby_invite(inviter, lobby, game)`.
    LobbyInvite {
        /// Who invites.
        inviter: SteamId,
        /// The lobby.
        lobby: LobbyId,
        /// The game's id.
        game: u64,
    },
    /// `join_requested(lobby_id, steam_id)`: the user accepted an invitation from `friend`.
    JoinRequested {
        /// The lobby.
        lobby: LobbyId,
        /// The friend whose invitation it was.
        friend: SteamId,
    },
    /// `persona_state_change(steam_id, flags)`.
    PersonaStateChange {
        /// The user.
        user: SteamId,
        /// `EPersonaChange` bits (1: the name).
        flags: u32,
    },
    /// `p2p_session_request(remote_steam_id)`.
    P2PSessionRequest {
        /// Who wants to talk.
        remote: SteamId,
    },
    /// `p2p_session_connect_fail(remote_steam_id, session_error)`.
    P2PSessionConnectFail {
        /// Who could not be reached.
        remote: SteamId,
        /// A [`P2PSessionError`].
        error: u8,
    },
    /// `network_messages_session_request(remote_steam_id)`.
    NetworkMessagesSessionRequest {
        /// Who wants to talk.
        remote: SteamId,
    },
    /// `network_messages_session_failed(reason, remote_steam_id, connection_state,
    /// debug_message)`.
    NetworkMessagesSessionFailed {
        /// `ESteamNetConnectionEnd`.
        reason: i32,
        /// Who the session was with.
        remote: SteamId,
        /// `ESteamNetworkingConnectionState` as it failed.
        state: i32,
        /// Why, in words.
        debug: String,
    },
}

/// `EResult` values the API reports.
pub mod result {
    /// No result.
    pub const NONE: i32 = 0;
    /// Success.
    pub const OK: i32 = 1;
    /// Generic failure.
    pub const FAIL: i32 = 2;
    /// No connection to Steam, or a failed one.
    pub const NO_CONNECTION: i32 = 3;
    /// Not allowed.
    pub const ACCESS_DENIED: i32 = 15;
    /// Timed out.
    pub const TIMEOUT: i32 = 16;
    /// A parameter was wrong (a lobby type only the Web API creates, for one).
    pub const INVALID_PARAM: i32 = 8;
    /// Too many of something (lobbies, for one).
    pub const LIMIT_EXCEEDED: i32 = 25;
}

/// `EPersonaChange` bits.
pub mod persona_change {
    /// The name changed, or became known.
    pub const NAME: u32 = 1;
}

/// The SteamID64 of lobby `account` in the public universe.
pub const fn lobby_id(account: u32) -> LobbyId {
    // Universe 1, account type 8 (chat), instance flags "lobby" and "matchmaking lobby".
    SteamId((1 << 56) | (8 << 52) | (0x6_0000 << 32) | account as u64)
}

/// True for the SteamID64 layout of a lobby.
pub const fn is_lobby_id(id: SteamId) -> bool {
    id.0 >> 32 == lobby_id(0).0 >> 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lobby_ids_look_like_steams() {
        // Real lobby ids start 1097752409...: universe 1, type 8 (chat), the lobby flags.
        assert_eq!(lobby_id(1).0, 109_775_240_917_155_841);
        assert!(is_lobby_id(lobby_id(77)));
        assert!(!is_lobby_id(SteamId::individual(77)));
    }

    #[test]
    fn comparisons_read_lobby_op_filter() {
        assert!(LobbyComparison::GreaterThan.holds(5, 3));
        assert!(!LobbyComparison::GreaterThan.holds(3, 3));
        assert!(LobbyComparison::EqualToOrLessThan.holds(3, 3));
        assert!(LobbyComparison::NotEqual.holds("a", "b"));
        assert_eq!(
            LobbyComparison::from_raw(-2),
            Some(LobbyComparison::EqualToOrLessThan)
        );
        assert_eq!(LobbyType::from_raw(2), Some(LobbyType::Public));
        assert_eq!(P2PSend::from_raw(9), None);
    }
}
