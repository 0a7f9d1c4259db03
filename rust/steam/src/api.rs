//! The Steam surface a multiplayer game uses, as one trait with a local and a real backend.

use smp_transport::Sockets;

use crate::messages::{ChannelMessage, SessionInfo};
use crate::types::{
    LobbyFilter, LobbyId, LobbyType, P2PSend, P2PSessionState, SteamEvent, SteamId,
};

/// An initialized Steam: the local user, friends, matchmaking, the legacy P2P networking,
/// networking messages, relay access and the networking sockets the multiplayer peer runs on.
///
/// Calls that start something (creating, joining or listing lobbies, first packets to a user)
/// complete later, as [`SteamEvent`]s: [`SteamApi::pump`] moves Steam along and queues them,
/// [`SteamApi::drain_events`] hands them out. The multiplayer peer pumps in its `poll`, so
/// lobbies stay current even in a game that never dispatches callbacks; `Steam.run_callbacks`
/// pumps and turns the events into signals. Getters answer from what the backend knows now,
/// and a neutral value (0, "", empty) when it knows nothing.
pub trait SteamApi {
    /// The local user.
    fn steam_id(&self) -> SteamId;
    /// True while logged on to Steam.
    fn logged_on(&self) -> bool;
    /// The local user's persona name.
    fn persona_name(&self) -> String;
    /// True when the local user owns the running app (`BIsSubscribed`).
    fn is_subscribed(&self) -> bool;
    /// True when Steam runs on a Steam Deck.
    fn is_running_on_steam_deck(&self) -> bool;
    /// Another user's persona name, "" while unknown.
    fn friend_persona_name(&mut self, user: SteamId) -> String;
    /// Opens the overlay's invite dialog for `lobby`.
    fn activate_invite_dialog(&mut self, lobby: LobbyId);

    /// Creates a lobby; `LobbyCreated` then `LobbyJoined` follow.
    fn create_lobby(&mut self, kind: LobbyType, max_members: u32);
    /// Joins a lobby; `LobbyJoined` follows.
    fn join_lobby(&mut self, lobby: LobbyId);
    /// Leaves a lobby.
    fn leave_lobby(&mut self, lobby: LobbyId);
    /// The lobby's owner, or 0.
    fn lobby_owner(&self, lobby: LobbyId) -> SteamId;
    /// Hands the lobby to another member; only its owner can.
    fn set_lobby_owner(&mut self, lobby: LobbyId, owner: SteamId) -> bool;
    /// How many members the lobby has.
    fn lobby_member_count(&self, lobby: LobbyId) -> usize;
    /// The member at `index`, or 0; only for a lobby we are in.
    fn lobby_member(&self, lobby: LobbyId, index: usize) -> SteamId;
    /// Sets a lobby data key; only its owner can.
    fn set_lobby_data(&mut self, lobby: LobbyId, key: &str, value: &str) -> bool;
    /// A lobby data value, "" when unset.
    fn lobby_data(&self, lobby: LobbyId, key: &str) -> String;
    /// Removes a lobby data key; only its owner can.
    fn delete_lobby_data(&mut self, lobby: LobbyId, key: &str) -> bool;
    /// Every lobby data key and value.
    fn all_lobby_data(&self, lobby: LobbyId) -> Vec<(String, String)>;
    /// Sets one of our own member data keys in a lobby we are in.
    fn set_lobby_member_data(&mut self, lobby: LobbyId, key: &str, value: &str);
    /// A member's data value, "" when unset.
    fn lobby_member_data(&self, lobby: LobbyId, member: SteamId, key: &str) -> String;
    /// Lets users join (true) or not; only the owner can.
    fn set_lobby_joinable(&mut self, lobby: LobbyId, joinable: bool) -> bool;
    /// Changes the lobby's type; only the owner can.
    fn set_lobby_type(&mut self, lobby: LobbyId, kind: LobbyType) -> bool;
    /// Changes the member limit; only the owner can.
    fn set_lobby_member_limit(&mut self, lobby: LobbyId, limit: u32) -> bool;
    /// The member limit, 0 when unknown.
    fn lobby_member_limit(&self, lobby: LobbyId) -> u32;
    /// Lists lobbies matching `filter`; `LobbyMatchList` follows.
    fn request_lobby_list(&mut self, filter: LobbyFilter);
    /// Sends a chat message to a lobby we are in.
    fn send_lobby_chat_message(&mut self, lobby: LobbyId, message: &str) -> bool;

    /// Sends a legacy P2P packet; the first to a user opens a session.
    fn send_p2p_packet(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> bool;
    /// The size of the next readable packet on `channel`.
    fn available_p2p_packet_size(&mut self, channel: i32) -> Option<usize>;
    /// Reads the next packet on `channel`, at most `max_size` bytes of it.
    fn read_p2p_packet(&mut self, max_size: usize, channel: i32) -> Option<(Vec<u8>, SteamId)>;
    /// Accepts a user's session, making its packets readable.
    fn accept_p2p_session(&mut self, remote: SteamId) -> bool;
    /// Ends the session with a user.
    fn close_p2p_session(&mut self, remote: SteamId) -> bool;
    /// Closes one channel with a user; the last closes the session.
    fn close_p2p_channel(&mut self, remote: SteamId, channel: i32) -> bool;
    /// The session with a user, if there is one.
    fn p2p_session_state(&self, remote: SteamId) -> Option<P2PSessionState>;
    /// Lets sessions fall back to relays (true) or not.
    fn allow_p2p_packet_relay(&mut self, allow: bool) -> bool;

    /// `ISteamNetworkingMessages`.
    fn networking_messages(&mut self) -> &mut dyn NetworkingMessages;

    /// Starts reaching the relay network ahead of the first P2P connection.
    fn init_relay_network_access(&mut self);
    /// `ESteamNetworkingAvailability` of the relay network.
    fn relay_network_status(&self) -> i32;

    /// A new view of the networking sockets, for one multiplayer peer.
    fn open_sockets(&self) -> Result<Box<dyn Sockets>, String>;

    /// A new view of the legacy P2P transport (Steam's sockets semantics over the legacy P2P
    /// API, on channel [`crate::p2p_transport::PEER_CHANNEL`]), for one multiplayer peer.
    fn open_p2p_sockets(&mut self) -> Result<Box<dyn Sockets>, String>;

    /// Routes Steam's own diagnostic output into the `log` crate: its warnings, and with
    /// `verbose` also its informational and verbose networking messages. Replaces any earlier
    /// hook, so calling it again changes the detail.
    fn hook_debug_output(&mut self, verbose: bool);

    /// Moves Steam along: dispatches its callbacks and refreshes what the getters answer from.
    fn pump(&mut self);

    /// Moves the events queued since the last call into `events`, oldest first.
    fn drain_events(&mut self, events: &mut Vec<SteamEvent>);
}

/// `ISteamNetworkingMessages`: messages to users, on sessions that work as the legacy P2P API's
/// do (a user's first message asks for one, and what they send is readable once accepted).
pub trait NetworkingMessages {
    /// `SendMessageToUser` with `k_nSteamNetworkingSend_*` `flags`; the first message to a user
    /// opens a session, and sending accepts theirs. Returns an `EResult`.
    fn send_message_to_user(
        &mut self,
        remote: SteamId,
        data: &[u8],
        flags: u32,
        channel: i32,
    ) -> i32;
    /// `ReceiveMessagesOnChannel`: up to `max` messages from accepted sessions, oldest first.
    fn receive_messages_on_channel(&mut self, channel: i32, max: usize) -> Vec<ChannelMessage>;
    /// `AcceptSessionWithUser`: false when the user has no session with us.
    fn accept_session_with_user(&mut self, remote: SteamId) -> bool;
    /// `CloseSessionWithUser`: false when there was none.
    fn close_session_with_user(&mut self, remote: SteamId) -> bool;
    /// `CloseChannelWithUser`; closing the last open channel closes the session.
    fn close_channel_with_user(&mut self, remote: SteamId, channel: i32) -> bool;
    /// `GetSessionConnectionInfo`, `None` when there is no session with the user.
    fn session_connection_info(&self, remote: SteamId) -> Option<SessionInfo>;
}
