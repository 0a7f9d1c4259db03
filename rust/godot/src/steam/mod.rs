//! The `Steam` engine singleton: GodotSteam's API for what a multiplayer game calls (init,
//! user and friends, lobbies, the legacy P2P networking, networking messages, relay access),
//! over local mode or Steamworks.
//!
//! Callbacks: the backend queues Steam's callbacks as events whenever it is pumped;
//! [method Steam.run_callbacks] pumps it and emits the queued events as signals. With embedded
//! callbacks it runs once per frame by itself. A `SteamMultiplayerPeer` pumps the backend in its
//! own `poll`, so lobbies and connections stay current even in a game that never dispatches.

pub mod events;
mod matchmaking;
mod messages;
mod networking;
mod results;
pub mod singleton;
mod taps;

use godot::classes::{Engine, SceneTree};
use godot::prelude::*;
use smp_steam::{InitStatus, LobbyFilter, SteamApi, SteamEvent, SteamId};

use crate::log_bridge::{self, FlushOnDrop};
use crate::{backend, settings};
use events::signal_of;
pub use taps::TapId;
use taps::Taps;

/// Steam as GodotSteam's [code]Steam[/code] singleton presents it: init, the user and friends,
/// lobbies, the legacy P2P networking, networking messages and relay access.
///
/// GodotSteam's names, parameter order, defaults, Dictionary keys, signal arguments and enum
/// values, for what a multiplayer game calls. Call [method steamInitEx] first: before it, or when
/// it failed, a call that needs Steam returns a neutral value (0, "", [code]false[/code], an
/// empty Dictionary), does nothing else, and pushes one error naming the call. Steam ids (users
/// and lobbies) are 64-bit [code]int[/code]s.
///
/// [b]Callbacks:[/b] Steam's answers arrive as signals, emitted by [method run_callbacks]: call it
/// every frame, pass [code]embed_callbacks[/code] to [method steamInitEx], or set the project
/// settings [code]steam/initialization/processes/initialize_on_startup[/code] and
/// [code]embed_callbacks[/code]. A [SteamMultiplayerPeer] keeps its own lobby and connections
/// current without them.
///
/// [b]Local mode:[/b] start each game instance with the environment variable
/// [code]STEAM_LOCAL_USER=<n>[/code] (1, 2, ...) to play without a Steam client: user n's Steam
/// id is 76561197960265728 + n, and instances on one machine share lobbies, invitations and P2P
/// sessions over loopback. Otherwise calls go to the Steam client.
///
/// GodotSteam registers a [code]Steam[/code] singleton too, and the two cannot share a process:
/// whichever loads first keeps it, and an error says so. Remove one of them.
#[derive(GodotClass)]
#[class(tool, init, base = Object)]
pub struct Steam {
    base: Base<Object>,
    api: Option<Box<dyn SteamApi>>,
    init_result: Option<VarDictionary>,
    /// What initialization said when it succeeded.
    init_verbal: String,
    /// The filters of the next `requestLobbyList`.
    filter: LobbyFilter,
    embedded: bool,
    /// Readers of Steam's callbacks besides `run_callbacks`.
    taps: Taps,
}

#[godot_api]
impl Steam {
    /// [method steamInitEx] status: initialized.
    #[constant]
    const STEAM_API_INIT_RESULT_OK: i64 = InitStatus::Ok as i64;
    /// [method steamInitEx] status: failed for another reason, which [code]verbal[/code] gives
    /// (among them: another Steam integration already initialized Steam, or local mode could not
    /// start).
    #[constant]
    const STEAM_API_INIT_RESULT_FAILED_GENERIC: i64 = InitStatus::FailedGeneric as i64;
    /// [method steamInitEx] status: no Steam client could be reached.
    #[constant]
    const STEAM_API_INIT_RESULT_NO_STEAM_CLIENT: i64 = InitStatus::NoSteamClient as i64;
    /// [method steamInitEx] status: the Steam client is too old for this game.
    #[constant]
    const STEAM_API_INIT_RESULT_VERSION_MISMATCH: i64 = InitStatus::VersionMismatch as i64;

    /// The local user asked, in the Steam overlay, to join lobby [param lobby_id] through friend
    /// [param steam_id] (both Steam ids), e.g. by accepting their invitation: join it with
    /// [method joinLobby]. In local mode it follows each [signal lobby_invite] at once when the
    /// game runs with [code]STEAM_LOCAL_ACCEPT_INVITES=1[/code].
    #[signal]
    fn join_requested(lobby_id: i64, steam_id: i64);
    /// What Steam knows of user [param steam_id] changed: [param flags] holds Steam's
    /// [code]EPersonaChange[/code] bits (1: the name). In local mode it comes once per user, with
    /// 1, when their name becomes known (see [method getFriendPersonaName]).
    #[signal]
    fn persona_state_change(steam_id: i64, flags: i64);

    /// The answer to [method createLobby]: [param connect] is Steam's [code]EResult[/code] (1:
    /// created; otherwise the reason, e.g. 2 failed, 25 too many lobbies), [param lobby_id] the new
    /// lobby's Steam id (0 on failure). On success we are in it, and [signal lobby_joined] follows.
    #[signal]
    fn lobby_created(connect: i64, lobby_id: i64);
    /// The answer to [method joinLobby], and what follows [method createLobby]: we entered
    /// [param lobby] (a Steam id), or failed to. [param response] is a
    /// `CHAT_ROOM_ENTER_RESPONSE_*` constant ([constant CHAT_ROOM_ENTER_RESPONSE_SUCCESS]:
    /// in). [param permissions] is unused by Steam (0); [param locked] means only invited users
    /// may join (always [code]false[/code] in local mode).
    #[signal]
    fn lobby_joined(lobby: i64, permissions: i64, locked: bool, response: i64);
    /// User [param changed_id] joined or left lobby [param lobby_id], one we are in.
    /// [param chat_state] holds `CHAT_MEMBER_STATE_CHANGE_*` bits;
    /// [param making_change_id] is who caused it (the user, or who kicked them). All ids are Steam
    /// ids. Local mode sends [constant CHAT_MEMBER_STATE_CHANGE_ENTERED],
    /// [constant CHAT_MEMBER_STATE_CHANGE_LEFT] and
    /// [constant CHAT_MEMBER_STATE_CHANGE_DISCONNECTED] (a process that ended, seen within a
    /// second), with [param making_change_id] the user.
    #[signal]
    fn lobby_chat_update(lobby_id: i64, changed_id: i64, making_change_id: i64, chat_state: i64);
    /// The answer to [method requestLobbyList]: [param lobbies] is an Array of lobby Steam ids
    /// ([code]int[/code]), empty when none match or the request failed.
    #[signal]
    fn lobby_match_list(lobbies: VarArray);
    /// A chat message [param message] from [param user] (a Steam id) in lobby [param lobby_id],
    /// one we are in; our own messages come too. [param chat_type] is Steam's
    /// [code]EChatEntryType[/code] (1: a chat message; always 1 in local mode).
    #[signal]
    fn lobby_message(lobby_id: i64, user: i64, message: GString, chat_type: i64);
    /// Data of lobby [param lobby_id], one we are in, changed: the lobby's own data (and, in
    /// local mode, its owner, type, limit or joinability) when [param member_id] is the lobby's
    /// id, else that member's data. [param success] is 1 when the change went through (always,
    /// in local mode).
    #[signal]
    fn lobby_data_update(success: i64, lobby_id: i64, member_id: i64);
    /// [param inviter] (a Steam id) invites us to lobby [param lobby] of game [param game] (its
    /// game id; the app id in local mode). Join with [method joinLobby].
    #[signal]
    fn lobby_invite(inviter: i64, lobby: i64, game: i64);
    /// User [param remote_steam_id] sent us legacy P2P packets we have not accepted: call
    /// [method acceptP2PSessionWithUser] to read them, or ignore it. Raised again while they
    /// keep sending (at most every 5 seconds in local mode).
    #[signal]
    fn p2p_session_request(remote_steam_id: i64);
    /// Our legacy P2P session with user [param remote_steam_id] could not be established:
    /// [param session_error] is a `P2P_SESSION_ERROR_*` constant. Local mode sends
    /// [constant P2P_SESSION_ERROR_TIMEOUT] on a timeout, else
    /// [constant P2P_SESSION_ERROR_NOT_RUNNING_APP] (the user is not running).
    #[signal]
    fn p2p_session_connect_fail(remote_steam_id: i64, session_error: i64);
    /// User [param remote_steam_id] sent us networking messages and we have no session with
    /// them: call [method acceptSessionWithUser] to read them, or ignore it. Raised again while
    /// they keep sending (at most every 5 seconds in local mode).
    #[signal]
    fn network_messages_session_request(remote_steam_id: i64);
    /// Our networking-messages session with [param remote_steam_id] failed: [param reason] is
    /// Steam's [code]ESteamNetConnectionEnd[/code], [param connection_state] the
    /// [code]ESteamNetworkingConnectionState[/code] it ended in, [param debug_message] why.
    /// GodotSteam declares only [param reason] but emits all four, as here.
    #[signal]
    fn network_messages_session_failed(
        reason: i64,
        remote_steam_id: i64,
        connection_state: i64,
        debug_message: GString,
    );

    /// Initializes Steam for app [param app_id] (0: the project setting
    /// [code]steam/initialization/app_data/app_id[/code], default 480). With
    /// [param embed_callbacks], [method run_callbacks] runs once per frame by itself; without,
    /// the game calls it.
    ///
    /// Returns [code]{"status": int, "verbal": String}[/code]: [code]status[/code] is a
    /// `STEAM_API_INIT_RESULT_*` constant, [code]verbal[/code] says what happened (on failure,
    /// why, in Steam's own words when Steam refused; also pushed as a warning). Calling it
    /// again once initialized keeps the first app id and applies [param embed_callbacks] anew.
    ///
    /// In local mode ([code]STEAM_LOCAL_USER[/code] set) it needs no Steam client and returns
    /// [constant STEAM_API_INIT_RESULT_OK], or [constant STEAM_API_INIT_RESULT_FAILED_GENERIC]
    /// when local mode cannot start (an invalid `STEAM_LOCAL_*` or fault-injection
    /// value, or the user's port already taken).
    #[func(rename = steamInitEx)]
    fn steam_init_ex(
        &mut self,
        #[opt(default = 0)] app_id: i64,
        #[opt(default = false)] embed_callbacks: bool,
    ) -> VarDictionary {
        let _flush = FlushOnDrop;
        let (status, verbal) = match self.init(app_id, embed_callbacks) {
            Ok(verbal) => (InitStatus::Ok, verbal),
            Err((status, verbal)) => {
                godot_warn!("Steam.steamInitEx: {verbal}");
                (status, verbal)
            }
        };
        let mut result = VarDictionary::new();
        result.set("status", status as i64);
        result.set("verbal", verbal);
        self.init_result = Some(result.clone());
        result
    }

    /// Initializes Steam, as [method steamInitEx] does; returns [code]true[/code] on success.
    /// [method get_steam_init_result] has the details.
    #[func(rename = steamInit)]
    fn steam_init(
        &mut self,
        #[opt(default = 0)] app_id: i64,
        #[opt(default = false)] embed_callbacks: bool,
    ) -> bool {
        let result = self.steam_init_ex(app_id, embed_callbacks);
        result.get("status").and_then(|s| s.try_to::<i64>().ok()) == Some(InitStatus::Ok as i64)
    }

    /// The Dictionary the last [method steamInitEx] or [method steamInit] returned, including
    /// the initialization on startup (project setting
    /// [code]steam/initialization/processes/initialize_on_startup[/code]); empty if none ran.
    #[func]
    fn get_steam_init_result(&self) -> VarDictionary {
        self.init_result.clone().unwrap_or_default()
    }

    /// [code]true[/code] while Steam is initialized: after a successful [method steamInitEx],
    /// until [method steamShutdown]. Unlike GodotSteam, which asks whether a Steam client is
    /// running. Pushes no error.
    #[func(rename = isSteamRunning)]
    fn is_steam_running(&self) -> bool {
        self.api.is_some()
    }

    /// [code]true[/code] while the local user is logged on to Steam (always, in local mode).
    #[func(rename = loggedOn)]
    fn logged_on(&mut self) -> bool {
        self.with_api("loggedOn", false, |api| api.logged_on())
    }

    /// Emits Steam's pending callbacks as signals, one at a time, oldest first, each after the
    /// state it reports is in place (a handler may call back into [Steam]). Call it every
    /// frame, unless [method steamInitEx] embedded it. Before initialization it does nothing.
    ///
    /// Unread callbacks are kept up to 4096; past that the oldest are dropped, with a warning.
    #[func]
    fn run_callbacks(&mut self) {
        let _flush = FlushOnDrop;
        let Some(api) = self.api.as_mut() else {
            return;
        };
        api.pump();
        self.taps.collect(api.as_mut());
        let events = self.taps.take_pending();
        // One at a time: handlers may call back into Steam.
        for event in events {
            let (signal, args) = signal_of(event);
            self.base_mut().emit_signal(signal, &args);
        }
    }

    /// Shuts Steam down for this addon and stops embedded callbacks; later calls behave as
    /// before initialization until [method steamInitEx] again. [SteamMultiplayerPeer]s already
    /// running keep their connections.
    #[func(rename = steamShutdown)]
    fn steam_shutdown(&mut self) {
        let _flush = FlushOnDrop;
        self.set_embedded(false);
        self.api = None;
    }

    /// [code]true[/code] when this process plays in local mode: [code]STEAM_LOCAL_USER[/code]
    /// holds a valid user number. Works before initialization. Not in GodotSteam.
    #[func(rename = isLocalMode)]
    fn is_local_mode(&self) -> bool {
        matches!(backend::local_identity(), Ok(Some(_)))
    }

    /// [code]true[/code] when the local user owns this app (always, in local mode).
    #[func(rename = isSubscribed)]
    fn is_subscribed(&mut self) -> bool {
        self.with_api("isSubscribed", false, |api| api.is_subscribed())
    }

    /// [code]true[/code] when Steam runs on a Steam Deck (never, in local mode).
    #[func(rename = isSteamRunningOnSteamDeck)]
    fn is_steam_running_on_steam_deck(&mut self) -> bool {
        self.with_api("isSteamRunningOnSteamDeck", false, |api| {
            api.is_running_on_steam_deck()
        })
    }

    /// The local user's Steam id. In local mode, 76561197960265728 + the
    /// [code]STEAM_LOCAL_USER[/code] number.
    #[func(rename = getSteamID)]
    fn get_steam_id(&mut self) -> i64 {
        self.with_api("getSteamID", 0, |api| api.steam_id().0 as i64)
    }

    /// The local user's persona name. In local mode, [code]STEAM_LOCAL_NAME[/code], else
    /// [code]Player <n>[/code].
    #[func(rename = getPersonaName)]
    fn get_persona_name(&mut self) -> GString {
        self.with_api("getPersonaName", GString::new(), |api| {
            api.persona_name().as_str().into()
        })
    }

    /// The persona name of user [param steam_id]; "" while Steam does not know it yet: it
    /// fetches it, and [signal persona_state_change] says when it is known. In local mode, the
    /// name of a running instance's user at once, "" for a user never seen running.
    #[func(rename = getFriendPersonaName)]
    fn get_friend_persona_name(&mut self, steam_id: i64) -> GString {
        self.with_api("getFriendPersonaName", GString::new(), |api| {
            user_id("getFriendPersonaName", steam_id)
                .map(|user| api.friend_persona_name(user))
                .unwrap_or_default()
                .as_str()
                .into()
        })
    }

    /// Opens the Steam overlay's dialog to invite friends to lobby [param lobby_id]. In local mode
    /// there is no overlay: every other running instance (same port base) is invited and gets
    /// [signal lobby_invite].
    #[func(rename = activateGameOverlayInviteDialog)]
    fn activate_game_overlay_invite_dialog(&mut self, lobby_id: i64) {
        self.with_lobby("activateGameOverlayInviteDialog", lobby_id, |api, lobby| {
            api.activate_invite_dialog(lobby)
        });
    }
}

impl Steam {
    /// Runs `call` on the initialized backend; before initialization, pushes one error and
    /// returns `neutral`.
    fn with_api<R>(
        &mut self,
        name: &str,
        neutral: R,
        call: impl FnOnce(&mut (dyn SteamApi + 'static)) -> R,
    ) -> R {
        let _flush = FlushOnDrop;
        match self.api.as_deref_mut() {
            Some(api) => call(api),
            None => {
                godot_error!(
                    "Steam.{name}: Steam is not initialized; call Steam.steamInitEx() first \
                     (set STEAM_LOCAL_USER=<n> to play without Steam)"
                );
                neutral
            }
        }
    }

    fn init(&mut self, app_id: i64, embed_callbacks: bool) -> Result<String, (InitStatus, String)> {
        let app_id = u32::try_from(app_id)
            .ok()
            .filter(|&id| id != 0)
            .unwrap_or_else(settings::app_id);
        if self.api.is_none() {
            let (mut api, verbal) = backend::init_steam(app_id)?;
            api.hook_debug_output(log_bridge::steam_output());
            self.api = Some(api);
            self.init_verbal = verbal;
        }
        self.set_embedded(embed_callbacks);
        Ok(self.init_verbal.clone())
    }

    /// Dispatches callbacks once per frame (true) or only on request (false).
    fn set_embedded(&mut self, embedded: bool) {
        if embedded == self.embedded {
            return;
        }
        let Some(mut tree) = Engine::singleton()
            .get_main_loop()
            .and_then(|l| l.try_cast::<SceneTree>().ok())
        else {
            // Too early (initialized on startup): hook the frames once the tree exists.
            Callable::from_fn("smp_embed_steam_callbacks", move |_| {
                if let Some(mut steam) = singleton::ours() {
                    steam.bind_mut().set_embedded(embedded);
                }
            })
            .call_deferred(&[]);
            return;
        };
        let callable = Callable::from_object_method(&self.to_gd(), "run_callbacks");
        if embedded {
            tree.connect("process_frame", &callable);
        } else if tree.is_connected("process_frame", &callable) {
            tree.disconnect("process_frame", &callable);
        }
        self.embedded = embedded;
    }

    /// The initialized backend, for the multiplayer peers.
    pub(crate) fn api_mut(&mut self) -> Option<&mut (dyn SteamApi + 'static)> {
        self.api.as_deref_mut()
    }

    /// Starts handing a copy of Steam's callbacks to a new reader.
    pub(crate) fn open_tap(&mut self) -> TapId {
        self.taps.open()
    }

    /// Stops handing callbacks to `tap`.
    pub(crate) fn close_tap(&mut self, tap: TapId) {
        self.taps.close(tap);
    }

    /// Moves Steam along and takes what `tap` has not read; empty before initialization.
    pub(crate) fn read_tap(&mut self, tap: TapId) -> Vec<SteamEvent> {
        let Some(api) = self.api.as_deref_mut() else {
            return Vec::new();
        };
        api.pump();
        self.taps.collect(api);
        self.taps.take(tap)
    }
}

/// Initializes Steam as the game starts, before any script runs, when the project asks for it
/// (not in the editor).
/// `steam_id` as a user's Steam id, for the calls that name a user; `None`, with an error
/// pushed for `call`, when it is 0, a lobby's, a clan's or any other account's.
fn user_id(call: &str, steam_id: i64) -> Option<SteamId> {
    let id = SteamId(steam_id as u64);
    if id.is_user() {
        return Some(id);
    }
    godot_error!("Steam.{call}: {steam_id} is not a user's Steam id (0, a lobby's or a clan's)");
    None
}

pub fn initialize_on_startup() {
    if Engine::singleton().is_editor_hint() || !settings::initialize_on_startup() {
        return;
    }
    if let Some(mut steam) = singleton::ours() {
        steam
            .bind_mut()
            .steam_init_ex(0, settings::embed_callbacks());
    }
    log_bridge::flush();
}
