//! Lobbies: GodotSteam's matchmaking functions, signals and enums.

use godot::prelude::*;
use smp_steam::{
    ChatRoomEnterResponse, LobbyComparison, LobbyDistanceFilter, LobbyType, SteamApi, SteamId,
    chat_member_state,
};

use super::{Steam, user_id};

impl Steam {
    /// Runs `call` on lobby `lobby_id` of the initialized backend. Before initialization, or
    /// when `lobby_id` is not a lobby's Steam id (0, a user's, a clan's), pushes one error and
    /// returns the neutral value.
    pub(super) fn with_lobby<R: Default>(
        &mut self,
        name: &str,
        lobby_id: i64,
        call: impl FnOnce(&mut (dyn SteamApi + 'static), SteamId) -> R,
    ) -> R {
        self.with_api(name, R::default(), |api| {
            let lobby = SteamId(lobby_id as u64);
            if lobby.is_lobby() {
                call(api, lobby)
            } else {
                godot_error!("Steam.{name}: {lobby_id} is not a lobby's Steam id");
                R::default()
            }
        })
    }
}

#[godot_api(secondary)]
impl Steam {
    /// Lobby type: joined only by invitation; never listed. In local mode, joined with its id.
    #[constant]
    const LOBBY_TYPE_PRIVATE: i64 = LobbyType::Private as i64;
    /// Lobby type: joinable by friends and invitees, not listed. In local mode, joined with its id.
    #[constant]
    const LOBBY_TYPE_FRIENDS_ONLY: i64 = LobbyType::FriendsOnly as i64;
    /// Lobby type: listed by [method requestLobbyList] and joinable by anyone.
    #[constant]
    const LOBBY_TYPE_PUBLIC: i64 = LobbyType::Public as i64;
    /// Lobby type: listed by [method requestLobbyList] but not visible to friends; a user can be
    /// in up to two such lobbies besides a regular one. Local mode does not list these: join them
    /// with their id.
    #[constant]
    const LOBBY_TYPE_INVISIBLE: i64 = LobbyType::Invisible as i64;
    /// Lobby type: private, unique, and kept when empty. Steam creates these only through its
    /// Web API: [method createLobby] gets [signal lobby_created] with 8 (invalid parameter).
    /// Local mode creates it as a private lobby.
    #[constant]
    const LOBBY_TYPE_PRIVATE_UNIQUE: i64 = LobbyType::PrivateUnique as i64;
    /// Lobby list filter comparison: the lobby's value is at most the filter's (lobby <= filter).
    #[constant]
    const LOBBY_COMPARISON_EQUAL_TO_OR_LESS_THAN: i64 = LobbyComparison::EqualToOrLessThan as i64;
    /// Lobby list filter comparison: the lobby's value is below the filter's (lobby < filter).
    #[constant]
    const LOBBY_COMPARISON_LESS_THAN: i64 = LobbyComparison::LessThan as i64;
    /// Lobby list filter comparison: the lobby's value equals the filter's.
    #[constant]
    const LOBBY_COMPARISON_EQUAL: i64 = LobbyComparison::Equal as i64;
    /// Lobby list filter comparison: the lobby's value is above the filter's (lobby > filter).
    #[constant]
    const LOBBY_COMPARISON_GREATER_THAN: i64 = LobbyComparison::GreaterThan as i64;
    /// Lobby list filter comparison: the lobby's value is at least the filter's (lobby >= filter).
    #[constant]
    const LOBBY_COMPARISON_EQUAL_TO_GREATER_THAN: i64 =
        LobbyComparison::EqualToOrGreaterThan as i64;
    /// Lobby list filter comparison: the lobby's value differs from the filter's.
    #[constant]
    const LOBBY_COMPARISON_NOT_EQUAL: i64 = LobbyComparison::NotEqual as i64;
    /// [method addRequestLobbyListDistanceFilter]: the same region only. Local mode lists every
    /// instance's lobbies whatever the distance.
    #[constant]
    const LOBBY_DISTANCE_FILTER_CLOSE: i64 = LobbyDistanceFilter::Close as i64;
    /// [method addRequestLobbyListDistanceFilter]: the same or nearby regions (Steam's default).
    #[constant]
    const LOBBY_DISTANCE_FILTER_DEFAULT: i64 = LobbyDistanceFilter::Default as i64;
    /// [method addRequestLobbyListDistanceFilter]: up to half the world away.
    #[constant]
    const LOBBY_DISTANCE_FILTER_FAR: i64 = LobbyDistanceFilter::Far as i64;
    /// [method addRequestLobbyListDistanceFilter]: anywhere in the world.
    #[constant]
    const LOBBY_DISTANCE_FILTER_WORLDWIDE: i64 = LobbyDistanceFilter::Worldwide as i64;
    /// [signal lobby_chat_update] bit (1): the user joined.
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_ENTERED: i64 = chat_member_state::ENTERED as i64;
    /// [signal lobby_chat_update] bit (2): the user left.
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_LEFT: i64 = chat_member_state::LEFT as i64;
    /// [signal lobby_chat_update] bit (4): the user's connection was lost (in local mode: its
    /// process ended).
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_DISCONNECTED: i64 = chat_member_state::DISCONNECTED as i64;
    /// [signal lobby_chat_update] bit (8): the user was kicked (never in local mode).
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_KICKED: i64 = chat_member_state::KICKED as i64;
    /// [signal lobby_chat_update] bit (16): the user was banned (never in local mode).
    #[constant]
    const CHAT_MEMBER_STATE_CHANGE_BANNED: i64 = chat_member_state::BANNED as i64;
    /// [signal lobby_joined] response: joined.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_SUCCESS: i64 = ChatRoomEnterResponse::Success as i64;
    /// [signal lobby_joined] response: no such lobby.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_DOESNT_EXIST: i64 = ChatRoomEnterResponse::DoesntExist as i64;
    /// [signal lobby_joined] response: not allowed in (in local mode: the lobby is not joinable).
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_NOT_ALLOWED: i64 = ChatRoomEnterResponse::NotAllowed as i64;
    /// [signal lobby_joined] response: the lobby is at its member limit.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_FULL: i64 = ChatRoomEnterResponse::Full as i64;
    /// [signal lobby_joined] response: something else went wrong (in local mode: the shared
    /// lobby folder could not be updated).
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_ERROR: i64 = ChatRoomEnterResponse::Error as i64;
    /// [signal lobby_joined] response: banned from the lobby. Never in local mode.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_BANNED: i64 = ChatRoomEnterResponse::Banned as i64;
    /// [signal lobby_joined] response: our account is limited. Never in local mode.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_LIMITED: i64 = ChatRoomEnterResponse::Limited as i64;
    /// [signal lobby_joined] response: the lobby is locked or disabled by its clan. Never in
    /// local mode.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_CLAN_DISABLED: i64 = ChatRoomEnterResponse::ClanDisabled as i64;
    /// [signal lobby_joined] response: our account is community-banned. Never in local mode.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_COMMUNITY_BAN: i64 = ChatRoomEnterResponse::CommunityBan as i64;
    /// [signal lobby_joined] response: a member blocked us. Never in local mode.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_MEMBER_BLOCKED_YOU: i64 =
        ChatRoomEnterResponse::MemberBlockedYou as i64;
    /// [signal lobby_joined] response: we blocked a member. Never in local mode.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_YOU_BLOCKED_MEMBER: i64 =
        ChatRoomEnterResponse::YouBlockedMember as i64;
    /// [signal lobby_joined] response: too many joins too fast. Never in local mode.
    #[constant]
    const CHAT_ROOM_ENTER_RESPONSE_RATE_LIMIT_EXCEEDED: i64 =
        ChatRoomEnterResponse::RatelimitExceeded as i64;

    /// Creates a lobby of [param lobby_type] (a `LOBBY_TYPE_*` constant) for up to
    /// [param max_members] members, us included (clamped to 1 .. 250), and enters it:
    /// [signal lobby_created] follows, then [signal lobby_joined]. We become its owner.
    ///
    /// A [param lobby_type] that is no such constant pushes an error and creates nothing.
    #[func(rename = createLobby)]
    fn create_lobby(&mut self, lobby_type: i64, #[opt(default = 2)] max_members: i64) {
        let Some(kind) = LobbyType::from_raw(lobby_type) else {
            godot_error!("Steam.createLobby: {lobby_type} is not a LOBBY_TYPE_* constant");
            return;
        };
        let max = u32::try_from(max_members).unwrap_or(0);
        self.with_api("createLobby", (), |api| api.create_lobby(kind, max));
    }

    /// Enters lobby [param lobby_id]: [signal lobby_joined] follows, with the outcome; then
    /// members hear of us through [signal lobby_chat_update]. Local mode lets anyone in who has
    /// the id, whatever the lobby's type, unless it is full or not joinable.
    #[func(rename = joinLobby)]
    fn join_lobby(&mut self, lobby_id: i64) {
        self.with_lobby("joinLobby", lobby_id, |api, lobby| api.join_lobby(lobby));
    }

    /// Leaves lobby [param lobby_id] at once; the others get [signal lobby_chat_update]. If we
    /// owned it, another member becomes owner (in local mode the longest-standing); the last to
    /// leave ends it. Nothing happens for a lobby we are not in.
    #[func(rename = leaveLobby)]
    fn leave_lobby(&mut self, lobby_id: i64) {
        self.with_lobby("leaveLobby", lobby_id, |api, lobby| api.leave_lobby(lobby));
    }

    /// The Steam id of the owner of lobby [param lobby_id], which we must be in; 0 when unknown.
    #[func(rename = getLobbyOwner)]
    fn get_lobby_owner(&mut self, lobby_id: i64) -> i64 {
        self.with_lobby("getLobbyOwner", lobby_id, |api, lobby| {
            api.lobby_owner(lobby).0 as i64
        })
    }

    /// Hands lobby [param lobby_id], which we own, to member [param new_owner] (a Steam id).
    /// Returns [code]true[/code] when done; [code]false[/code] when we do not own the lobby or
    /// [param new_owner] is not a member.
    #[func(rename = setLobbyOwner)]
    fn set_lobby_owner(&mut self, lobby_id: i64, new_owner: i64) -> bool {
        self.with_lobby("setLobbyOwner", lobby_id, |api, lobby| {
            user_id("setLobbyOwner", new_owner)
                .is_some_and(|owner| api.set_lobby_owner(lobby, owner))
        })
    }

    /// How many members lobby [param lobby_id] has: one we are in, or one
    /// [method requestLobbyList] found. 0 when unknown.
    #[func(rename = getNumLobbyMembers)]
    fn get_num_lobby_members(&mut self, lobby_id: i64) -> i64 {
        self.with_lobby("getNumLobbyMembers", lobby_id, |api, lobby| {
            api.lobby_member_count(lobby) as i64
        })
    }

    /// The Steam id of member number [param member] (0 to [method getNumLobbyMembers] - 1) of
    /// lobby [param lobby_id], which we must be in; 0 otherwise. In local mode members keep the
    /// order they joined in.
    #[func(rename = getLobbyMemberByIndex)]
    fn get_lobby_member_by_index(&mut self, lobby_id: i64, member: i64) -> i64 {
        let index = usize::try_from(member).unwrap_or(usize::MAX);
        self.with_lobby("getLobbyMemberByIndex", lobby_id, |api, lobby| {
            api.lobby_member(lobby, index).0 as i64
        })
    }

    /// Sets lobby [param lobby_id]'s data [param key] to [param value]; only its owner can.
    /// Everyone, listing or in the lobby, can read it; members get [signal lobby_data_update].
    /// Returns [code]false[/code] when we do not own the lobby.
    #[func(rename = setLobbyData)]
    fn set_lobby_data(&mut self, lobby_id: i64, key: GString, value: GString) -> bool {
        self.with_lobby("setLobbyData", lobby_id, |api, lobby| {
            api.set_lobby_data(lobby, &key.to_string(), &value.to_string())
        })
    }

    /// The value of lobby [param lobby_id]'s data [param key]: for a lobby we are in or one
    /// [method requestLobbyList] found; "" when unset or unknown.
    #[func(rename = getLobbyData)]
    fn get_lobby_data(&mut self, lobby_id: i64, key: GString) -> GString {
        self.with_lobby("getLobbyData", lobby_id, |api, lobby| {
            api.lobby_data(lobby, &key.to_string()).as_str().into()
        })
    }

    /// Removes lobby [param lobby_id]'s data [param key]; only its owner can. Returns
    /// [code]false[/code] when we do not own the lobby (in local mode, also when the key was not
    /// set). Members get [signal lobby_data_update].
    #[func(rename = deleteLobbyData)]
    fn delete_lobby_data(&mut self, lobby_id: i64, key: GString) -> bool {
        self.with_lobby("deleteLobbyData", lobby_id, |api, lobby| {
            api.delete_lobby_data(lobby, &key.to_string())
        })
    }

    /// Every data entry of lobby [param lobby_id], as
    /// [code]{index: {"index": int, "key": String, "value": String}}[/code] with indices from 0
    /// (local mode orders the keys by their bytes). Empty for an unknown lobby.
    #[func(rename = getAllLobbyData)]
    fn get_all_lobby_data(&mut self, lobby_id: i64) -> VarDictionary {
        let entries = self.with_lobby("getAllLobbyData", lobby_id, |api, lobby| {
            api.all_lobby_data(lobby)
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

    /// Sets our own member data [param key] to [param value] in lobby [param lobby_id], which we
    /// must be in (else nothing happens). Members get [signal lobby_data_update] with our Steam
    /// id as [code]member_id[/code].
    #[func(rename = setLobbyMemberData)]
    fn set_lobby_member_data(&mut self, lobby_id: i64, key: GString, value: GString) {
        self.with_lobby("setLobbyMemberData", lobby_id, |api, lobby| {
            api.set_lobby_member_data(lobby, &key.to_string(), &value.to_string())
        });
    }

    /// The value of member [param steam_id]'s data [param key] in lobby [param lobby_id], which
    /// we must be in; "" when unset or unknown.
    #[func(rename = getLobbyMemberData)]
    fn get_lobby_member_data(&mut self, lobby_id: i64, steam_id: i64, key: GString) -> GString {
        self.with_lobby("getLobbyMemberData", lobby_id, |api, lobby| {
            user_id("getLobbyMemberData", steam_id)
                .map(|member| api.lobby_member_data(lobby, member, &key.to_string()))
                .unwrap_or_default()
                .as_str()
                .into()
        })
    }

    /// Lets users join lobby [param lobby_id] ([code]true[/code], the default for a new lobby)
    /// or not, even when invited; a lobby that is not joinable is not listed either. Only its
    /// owner can: returns [code]false[/code] otherwise.
    #[func(rename = setLobbyJoinable)]
    fn set_lobby_joinable(&mut self, lobby_id: i64, joinable: bool) -> bool {
        self.with_lobby("setLobbyJoinable", lobby_id, |api, lobby| {
            api.set_lobby_joinable(lobby, joinable)
        })
    }

    /// Changes lobby [param lobby_id]'s type to [param lobby_type], a `LOBBY_TYPE_*`
    /// constant. Only its owner can: returns [code]false[/code] otherwise, and for a value that is
    /// no such constant (which also pushes an error).
    #[func(rename = setLobbyType)]
    fn set_lobby_type(&mut self, lobby_id: i64, lobby_type: i64) -> bool {
        let Some(kind) = LobbyType::from_raw(lobby_type) else {
            godot_error!("Steam.setLobbyType: {lobby_type} is not a LOBBY_TYPE_* constant");
            return false;
        };
        self.with_lobby("setLobbyType", lobby_id, |api, lobby| {
            api.set_lobby_type(lobby, kind)
        })
    }

    /// Changes how many members lobby [param lobby_id] takes. Only its owner can: returns
    /// [code]false[/code] otherwise. Local mode clamps the limit to 1 .. 250.
    #[func(rename = setLobbyMemberLimit)]
    fn set_lobby_member_limit(&mut self, lobby_id: i64, max_members: i64) -> bool {
        let max = u32::try_from(max_members).unwrap_or(0);
        self.with_lobby("setLobbyMemberLimit", lobby_id, |api, lobby| {
            api.set_lobby_member_limit(lobby, max)
        })
    }

    /// How many members lobby [param lobby_id] takes; 0 when unknown or without a limit.
    #[func(rename = getLobbyMemberLimit)]
    fn get_lobby_member_limit(&mut self, lobby_id: i64) -> i64 {
        self.with_lobby("getLobbyMemberLimit", lobby_id, |api, lobby| {
            i64::from(api.lobby_member_limit(lobby))
        })
    }

    /// Asks for the lobbies that pass the filters added since the last request (the
    /// `addRequestLobbyList*` methods), which it then clears: [signal lobby_match_list]
    /// follows. Steam lists this app's joinable public and invisible lobbies that are not full;
    /// so does local mode, across every running instance with the same port base.
    #[func(rename = requestLobbyList)]
    fn request_lobby_list(&mut self) {
        let filter = std::mem::take(&mut self.filter);
        self.with_api("requestLobbyList", (), |api| api.request_lobby_list(filter));
    }

    /// Makes the next [method requestLobbyList] keep only lobbies whose data
    /// [param key_to_match] compares to [param value_to_match] as [param comparison_type] (a
    /// `LOBBY_COMPARISON_*` constant) says. Local mode compares the strings byte by byte,
    /// a missing key as "". Another [param comparison_type] pushes an error and adds nothing.
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

    /// Makes the next [method requestLobbyList] keep only lobbies whose data
    /// [param key_to_match], read as an integer, compares to [param value_to_match] as
    /// [param comparison_type] (a `LOBBY_COMPARISON_*` constant) says. Steam takes 32-bit
    /// values (larger ones are clamped, with a warning); in local mode a key that is missing or
    /// not a number never matches. Another [param comparison_type] pushes an error and adds
    /// nothing.
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

    /// Makes the next [method requestLobbyList] sort lobbies by how close their data
    /// [param key_to_match], read as an integer, is to [param value_to_be_close_to]; a filter
    /// added earlier weighs more. Steam takes 32-bit values (larger ones are clamped, with a
    /// warning); local mode sorts a key that is missing or not a number last.
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

    /// Makes the next [method requestLobbyList] keep only lobbies with at least
    /// [param slots_available] free member slots.
    #[func(rename = addRequestLobbyListFilterSlotsAvailable)]
    fn add_request_lobby_list_filter_slots_available(&mut self, slots_available: i64) {
        self.filter.slots_available = Some(u32::try_from(slots_available).unwrap_or(0));
    }

    /// Sets how far away, by region, the next [method requestLobbyList] looks:
    /// [param distance_filter] is a `LOBBY_DISTANCE_FILTER_*` constant (another value pushes
    /// an error). Local mode lists every instance's lobbies whatever the distance.
    #[func(rename = addRequestLobbyListDistanceFilter)]
    fn add_request_lobby_list_distance_filter(&mut self, distance_filter: i64) {
        match LobbyDistanceFilter::from_raw(distance_filter) {
            Some(distance) => self.filter.distance = Some(distance),
            None => godot_error!(
                "Steam.addRequestLobbyListDistanceFilter: {distance_filter} is not a LOBBY_DISTANCE_FILTER_* constant"
            ),
        }
    }

    /// Makes the next [method requestLobbyList] return at most [param max_results] lobbies.
    #[func(rename = addRequestLobbyListResultCountFilter)]
    fn add_request_lobby_list_result_count_filter(&mut self, max_results: i64) {
        self.filter.max_results = Some(u32::try_from(max_results).unwrap_or(0));
    }

    /// Sends [param message_body] as a chat message to lobby [param lobby_id], which we must be
    /// in; every member, us included, gets [signal lobby_message]. Returns [code]true[/code] when
    /// sent, [code]false[/code] otherwise. Steam takes up to 4 KiB: the text's UTF-8 bytes plus
    /// a terminating zero.
    #[func(rename = sendLobbyChatMsg)]
    fn send_lobby_chat_msg(&mut self, lobby_id: i64, message_body: GString) -> bool {
        self.with_lobby("sendLobbyChatMsg", lobby_id, |api, lobby| {
            api.send_lobby_chat_message(lobby, &message_body.to_string())
        })
    }
}
