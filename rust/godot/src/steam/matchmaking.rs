//! Lobbies: GodotSteam's matchmaking functions, signals and enums.

use godot::prelude::*;
use smp_steam::{
    ChatRoomEnterResponse, LobbyComparison, LobbyDistanceFilter, LobbyType, SteamId,
    chat_member_state,
};

use super::Steam;

fn id(value: i64) -> SteamId {
    SteamId(value as u64)
}

#[godot_api(secondary)]
impl Steam {
    /// Lobby type: joined only by invitation.
    #[constant]
    const LOBBY_TYPE_PRIVATE: i64 = LobbyType::Private as i64;
    /// Lobby type: joinable by friends and invitees.
    #[constant]
    const LOBBY_TYPE_FRIENDS_ONLY: i64 = LobbyType::FriendsOnly as i64;
    /// Lobby type: listed and joinable by anyone.
    #[constant]
    const LOBBY_TYPE_PUBLIC: i64 = LobbyType::Public as i64;
    /// Lobby type: joinable with its id, never listed.
    #[constant]
    const LOBBY_TYPE_INVISIBLE: i64 = LobbyType::Invisible as i64;
    /// Lobby type: private, and a user may be in only one such lobby.
    #[constant]
    const LOBBY_TYPE_PRIVATE_UNIQUE: i64 = LobbyType::PrivateUnique as i64;
    /// Lobby list filter: the lobby's value is at most the filter's.
    #[constant]
    const LOBBY_COMPARISON_EQUAL_TO_OR_LESS_THAN: i64 = LobbyComparison::EqualToOrLessThan as i64;
    /// Lobby list filter: the lobby's value is below the filter's.
    #[constant]
    const LOBBY_COMPARISON_LESS_THAN: i64 = LobbyComparison::LessThan as i64;
    /// Lobby list filter: equal.
    #[constant]
    const LOBBY_COMPARISON_EQUAL: i64 = LobbyComparison::Equal as i64;
    /// Lobby list filter: the lobby's value is above the filter's.
    #[constant]
    const LOBBY_COMPARISON_GREATER_THAN: i64 = LobbyComparison::GreaterThan as i64;
    /// Lobby list filter: the lobby's value is at least the filter's.
    #[constant]
    const LOBBY_COMPARISON_EQUAL_TO_GREATER_THAN: i64 =
        LobbyComparison::EqualToOrGreaterThan as i64;
    /// Lobby list filter: different.
    #[constant]
    const LOBBY_COMPARISON_NOT_EQUAL: i64 = LobbyComparison::NotEqual as i64;
    /// Lobby search distance: the same region (local mode: every instance).
    #[constant]
    const LOBBY_DISTANCE_FILTER_CLOSE: i64 = LobbyDistanceFilter::Close as i64;
    /// Lobby search distance: the same or nearby regions.
    #[constant]
    const LOBBY_DISTANCE_FILTER_DEFAULT: i64 = LobbyDistanceFilter::Default as i64;
    /// Lobby search distance: half the world.
    #[constant]
    const LOBBY_DISTANCE_FILTER_FAR: i64 = LobbyDistanceFilter::Far as i64;
    /// Lobby search distance: anywhere.
    #[constant]
    const LOBBY_DISTANCE_FILTER_WORLDWIDE: i64 = LobbyDistanceFilter::Worldwide as i64;
    /// `lobby_chat_update` bit: the user joined.
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_ENTERED: i64 = chat_member_state::ENTERED as i64;
    /// `lobby_chat_update` bit: the user left.
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_LEFT: i64 = chat_member_state::LEFT as i64;
    /// `lobby_chat_update` bit: the user's connection was lost (in local mode: its process ended).
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_DISCONNECTED: i64 = chat_member_state::DISCONNECTED as i64;
    /// `lobby_chat_update` bit: the user was kicked.
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_KICKED: i64 = chat_member_state::KICKED as i64;
    /// `lobby_chat_update` bit: the user was banned.
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_BANNED: i64 = chat_member_state::BANNED as i64;
    /// `lobby_joined` response: joined.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_SUCCESS: i64 = ChatRoomEnterResponse::Success as i64;
    /// `lobby_joined` response: no such lobby.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_DOESNT_EXIST: i64 = ChatRoomEnterResponse::DoesntExist as i64;
    /// `lobby_joined` response: not joinable.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_NOT_ALLOWED: i64 = ChatRoomEnterResponse::NotAllowed as i64;
    /// `lobby_joined` response: at its member limit.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_FULL: i64 = ChatRoomEnterResponse::Full as i64;
    /// `lobby_joined` response: something else went wrong.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_ERROR: i64 = ChatRoomEnterResponse::Error as i64;
    /// `lobby_joined` response: banned from it.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_BANNED: i64 = ChatRoomEnterResponse::Banned as i64;
    /// `lobby_joined` response: a limited account.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_LIMITED: i64 = ChatRoomEnterResponse::Limited as i64;
    /// `lobby_joined` response: locked or disabled by its clan.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_CLAN_DISABLED: i64 = ChatRoomEnterResponse::ClanDisabled as i64;
    /// `lobby_joined` response: a community-banned account.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_COMMUNITY_BAN: i64 = ChatRoomEnterResponse::CommunityBan as i64;
    /// `lobby_joined` response: a member blocked us.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_MEMBER_BLOCKED_YOU: i64 =
        ChatRoomEnterResponse::MemberBlockedYou as i64;
    /// `lobby_joined` response: we blocked a member.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_YOU_BLOCKED_MEMBER: i64 =
        ChatRoomEnterResponse::YouBlockedMember as i64;
    /// `lobby_joined` response: too many joins too fast.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_RATE_LIMIT_EXCEEDED: i64 =
        ChatRoomEnterResponse::RatelimitExceeded as i64;

    /// Creates a lobby of `lobby_type` for up to `max_members` (at most 250): `lobby_created`
    /// follows, then `lobby_joined`.
    #[func(rename = createLobby)]
    fn create_lobby(&mut self, lobby_type: i64, #[opt(default = 2)] max_members: i64) {
        let Some(kind) = LobbyType::from_raw(lobby_type) else {
            godot_error!("Steam.createLobby: {lobby_type} is not a LOBBY_TYPE_* constant");
            return;
        };
        let max = u32::try_from(max_members).unwrap_or(0);
        self.with_api("createLobby", (), |api| api.create_lobby(kind, max));
    }

    /// Joins a lobby: `lobby_joined` follows, with the outcome.
    #[func(rename = joinLobby)]
    fn join_lobby(&mut self, lobby_id: i64) {
        self.with_api("joinLobby", (), |api| api.join_lobby(id(lobby_id)));
    }

    /// Leaves a lobby; if we owned it, ownership passes to another member.
    #[func(rename = leaveLobby)]
    fn leave_lobby(&mut self, lobby_id: i64) {
        self.with_api("leaveLobby", (), |api| api.leave_lobby(id(lobby_id)));
    }

    /// The owner of a lobby we are in, or 0.
    #[func(rename = getLobbyOwner)]
    fn get_lobby_owner(&mut self, lobby_id: i64) -> i64 {
        self.with_api("getLobbyOwner", 0, |api| {
            api.lobby_owner(id(lobby_id)).0 as i64
        })
    }

    /// Hands a lobby we own to another member. Returns `false` when we do not own it or
    /// `new_owner` is not a member.
    #[func(rename = setLobbyOwner)]
    fn set_lobby_owner(&mut self, lobby_id: i64, new_owner: i64) -> bool {
        self.with_api("setLobbyOwner", false, |api| {
            api.set_lobby_owner(id(lobby_id), id(new_owner))
        })
    }

    /// How many members a lobby has (a lobby we are in, or one [method requestLobbyList] found).
    #[func(rename = getNumLobbyMembers)]
    fn get_num_lobby_members(&mut self, lobby_id: i64) -> i64 {
        self.with_api("getNumLobbyMembers", 0, |api| {
            api.lobby_member_count(id(lobby_id)) as i64
        })
    }

    /// The Steam id of member number `member` of a lobby we are in, or 0.
    #[func(rename = getLobbyMemberByIndex)]
    fn get_lobby_member_by_index(&mut self, lobby_id: i64, member: i64) -> i64 {
        let index = usize::try_from(member).unwrap_or(usize::MAX);
        self.with_api("getLobbyMemberByIndex", 0, |api| {
            api.lobby_member(id(lobby_id), index).0 as i64
        })
    }

    /// Sets a lobby data key; only the owner can. Members get `lobby_data_update`.
    #[func(rename = setLobbyData)]
    fn set_lobby_data(&mut self, lobby_id: i64, key: GString, value: GString) -> bool {
        self.with_api("setLobbyData", false, |api| {
            api.set_lobby_data(id(lobby_id), &key.to_string(), &value.to_string())
        })
    }

    /// A lobby data value, or "" when unset.
    #[func(rename = getLobbyData)]
    fn get_lobby_data(&mut self, lobby_id: i64, key: GString) -> GString {
        self.with_api("getLobbyData", GString::new(), |api| {
            api.lobby_data(id(lobby_id), &key.to_string())
                .as_str()
                .into()
        })
    }

    /// Removes a lobby data key; only the owner can.
    #[func(rename = deleteLobbyData)]
    fn delete_lobby_data(&mut self, lobby_id: i64, key: GString) -> bool {
        self.with_api("deleteLobbyData", false, |api| {
            api.delete_lobby_data(id(lobby_id), &key.to_string())
        })
    }

    /// Every lobby data entry, as `{index: {"index": int, "key": String, "value": String}}`.
    #[func(rename = getAllLobbyData)]
    fn get_all_lobby_data(&mut self, lobby_id: i64) -> VarDictionary {
        let entries = self.with_api("getAllLobbyData", Vec::new(), |api| {
            api.all_lobby_data(id(lobby_id))
        });
        let mut all = VarDictionary::new();
        for (index, (key, value)) in entries.into_iter().enumerate() {
            let mut entry = VarDictionary::new();
            entry.set("index", index as i64);
            entry.set("key", key);
            entry.set("value", value);
            all.set(index as i64, &entry);
        }
        all
    }

    /// Sets one of our member data keys in a lobby we are in. Members get `lobby_data_update`.
    #[func(rename = setLobbyMemberData)]
    fn set_lobby_member_data(&mut self, lobby_id: i64, key: GString, value: GString) {
        self.with_api("setLobbyMemberData", (), |api| {
            api.set_lobby_member_data(id(lobby_id), &key.to_string(), &value.to_string())
        });
    }

    /// A member's data value, or "" when unset.
    #[func(rename = getLobbyMemberData)]
    fn get_lobby_member_data(&mut self, lobby_id: i64, steam_id: i64, key: GString) -> GString {
        self.with_api("getLobbyMemberData", GString::new(), |api| {
            api.lobby_member_data(id(lobby_id), id(steam_id), &key.to_string())
                .as_str()
                .into()
        })
    }

    /// Lets users join a lobby we own (true) or not.
    #[func(rename = setLobbyJoinable)]
    fn set_lobby_joinable(&mut self, lobby_id: i64, joinable: bool) -> bool {
        self.with_api("setLobbyJoinable", false, |api| {
            api.set_lobby_joinable(id(lobby_id), joinable)
        })
    }

    /// Changes the type of a lobby we own.
    #[func(rename = setLobbyType)]
    fn set_lobby_type(&mut self, lobby_id: i64, lobby_type: i64) -> bool {
        let Some(kind) = LobbyType::from_raw(lobby_type) else {
            godot_error!("Steam.setLobbyType: {lobby_type} is not a LOBBY_TYPE_* constant");
            return false;
        };
        self.with_api("setLobbyType", false, |api| {
            api.set_lobby_type(id(lobby_id), kind)
        })
    }

    /// Changes the member limit of a lobby we own.
    #[func(rename = setLobbyMemberLimit)]
    fn set_lobby_member_limit(&mut self, lobby_id: i64, max_members: i64) -> bool {
        let max = u32::try_from(max_members).unwrap_or(0);
        self.with_api("setLobbyMemberLimit", false, |api| {
            api.set_lobby_member_limit(id(lobby_id), max)
        })
    }

    /// A lobby's member limit, or 0.
    #[func(rename = getLobbyMemberLimit)]
    fn get_lobby_member_limit(&mut self, lobby_id: i64) -> i64 {
        self.with_api("getLobbyMemberLimit", 0, |api| {
            i64::from(api.lobby_member_limit(id(lobby_id)))
        })
    }

    /// Lists public, joinable lobbies that pass the filters added since the last list:
    /// `lobby_match_list` follows.
    #[func(rename = requestLobbyList)]
    fn request_lobby_list(&mut self) {
        let filter = std::mem::take(&mut self.filter);
        self.with_api("requestLobbyList", (), |api| api.request_lobby_list(filter));
    }

    /// The next list keeps lobbies whose data `key_to_match` compares so to `value_to_match`.
    #[func(rename = addRequestLobbyListStringFilter)]
    fn add_request_lobby_list_string_filter(
        &mut self,
        key_to_match: GString,
        value_to_match: GString,
        comparison_type: i64,
    ) {
        match LobbyComparison::from_raw(comparison_type) {
            Some(cmp) => self.filter.strings.push((
                key_to_match.to_string(),
                value_to_match.to_string(),
                cmp,
            )),
            None => godot_error!(
                "Steam.addRequestLobbyListStringFilter: {comparison_type} is not a LOBBY_COMPARISON_* constant"
            ),
        }
    }

    /// The next list keeps lobbies whose data `key_to_match`, read as a number, compares so to
    /// `value_to_match`.
    #[func(rename = addRequestLobbyListNumericalFilter)]
    fn add_request_lobby_list_numerical_filter(
        &mut self,
        key_to_match: GString,
        value_to_match: i64,
        comparison_type: i64,
    ) {
        match LobbyComparison::from_raw(comparison_type) {
            Some(cmp) => self
                .filter
                .numbers
                .push((key_to_match.to_string(), value_to_match, cmp)),
            None => godot_error!(
                "Steam.addRequestLobbyListNumericalFilter: {comparison_type} is not a LOBBY_COMPARISON_* constant"
            ),
        }
    }

    /// Sorts the next list by how close lobby data `key_to_match`, read as a number, is to
    /// `value_to_be_close_to`; filters added first sort first.
    #[func(rename = addRequestLobbyListNearValueFilter)]
    fn add_request_lobby_list_near_value_filter(
        &mut self,
        key_to_match: GString,
        value_to_be_close_to: i64,
    ) {
        self.filter
            .near
            .push((key_to_match.to_string(), value_to_be_close_to));
    }

    /// The next list keeps lobbies with at least `slots_available` free member slots.
    #[func(rename = addRequestLobbyListFilterSlotsAvailable)]
    fn add_request_lobby_list_filter_slots_available(&mut self, slots_available: i64) {
        self.filter.slots_available = Some(u32::try_from(slots_available).unwrap_or(0));
    }

    /// How far the next list searches; local mode sees every instance whatever the distance.
    #[func(rename = addRequestLobbyListDistanceFilter)]
    fn add_request_lobby_list_distance_filter(&mut self, distance_filter: i64) {
        match LobbyDistanceFilter::from_raw(distance_filter) {
            Some(distance) => self.filter.distance = Some(distance),
            None => godot_error!(
                "Steam.addRequestLobbyListDistanceFilter: {distance_filter} is not a LOBBY_DISTANCE_FILTER_* constant"
            ),
        }
    }

    /// The next list returns at most `max_results` lobbies.
    #[func(rename = addRequestLobbyListResultCountFilter)]
    fn add_request_lobby_list_result_count_filter(&mut self, max_results: i64) {
        self.filter.max_results = Some(u32::try_from(max_results).unwrap_or(0));
    }

    /// Sends a chat message to a lobby we are in; every member (us too) gets `lobby_message`.
    #[func(rename = sendLobbyChatMsg)]
    fn send_lobby_chat_msg(&mut self, lobby_id: i64, message_body: GString) -> bool {
        self.with_api("sendLobbyChatMsg", false, |api| {
            api.send_lobby_chat_message(id(lobby_id), &message_body.to_string())
        })
    }
}
