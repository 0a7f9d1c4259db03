//! The `Steam` engine singleton: GodotSteam's API for what a multiplayer game calls (init,
//! user and friends, lobbies, the legacy P2P networking, relay access), over local mode or
//! Steamworks.
//!
//! Callbacks: the backend queues Steam's callbacks as events whenever it is pumped;
//! [method Steam.run_callbacks] pumps it and emits the queued events as signals. With embedded
//! callbacks it runs once per frame by itself. A `SteamMultiplayerPeer` pumps the backend in its
//! own `poll`, so lobbies and connections stay current even in a game that never dispatches.

mod matchmaking;
mod networking;
pub mod singleton;

use godot::classes::{Engine, SceneTree};
use godot::prelude::*;
use smp_steam::{InitStatus, LobbyFilter, SteamApi, SteamEvent, SteamId};

use crate::log_bridge::{self, FlushOnDrop};
use crate::{backend, settings};

/// Steam as GodotSteam's `Steam` singleton presents it, for what a multiplayer game calls: init,
/// the user and friends, lobbies, the legacy P2P networking and relay access.
///
/// Start each game instance with `STEAM_LOCAL_USER=<n>` to play without Steam (local mode):
/// instances on one machine share lobbies and talk over loopback. Otherwise it runs on the
/// Steam client.
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
}

#[godot_api]
impl Steam {
    /// `steamInitEx` status: initialized.
    #[constant]
    const STEAM_API_INIT_RESULT_OK: i64 = InitStatus::Ok as i64;
    /// `steamInitEx` status: failed for a reason not listed.
    #[constant]
    const STEAM_API_INIT_RESULT_FAILED_GENERIC: i64 = InitStatus::FailedGeneric as i64;
    /// `steamInitEx` status: no Steam client running.
    #[constant]
    const STEAM_API_INIT_RESULT_NO_STEAM_CLIENT: i64 = InitStatus::NoSteamClient as i64;
    /// `steamInitEx` status: the Steam client is too old for this game.
    #[constant]
    const STEAM_API_INIT_RESULT_VERSION_MISMATCH: i64 = InitStatus::VersionMismatch as i64;

    /// A user accepted an invitation to `lobby_id` from `steam_id` (through the overlay; in local
    /// mode with `STEAM_LOCAL_ACCEPT_INVITES=1`, as soon as the invitation arrives).
    #[signal]
    fn join_requested(lobby_id: i64, steam_id: i64);
    /// What Steam knows of a user changed; `flags` are `EPersonaChange` bits (1: the name).
    #[signal]
    fn persona_state_change(steam_id: i64, flags: i64);

    /// A lobby was created: `connect` is an `EResult` (1: OK), `lobby_id` the lobby (0 on failure).
    #[signal]
    fn lobby_created(connect: i64, lobby_id: i64);
    /// We entered `lobby`, or failed to: `response` is a `CHAT_ROOM_ENTER_RESPONSE_*`.
    #[signal]
    fn lobby_joined(lobby: i64, permissions: i64, locked: bool, response: i64);
    /// Someone joined or left a lobby we are in: `chat_state` holds `CHAT_MEMBER_STATE_CHANGE_*` bits.
    #[signal]
    fn lobby_chat_update(lobby_id: i64, changed_id: i64, making_change_id: i64, chat_state: i64);
    /// The lobbies [method requestLobbyList] found.
    #[signal]
    fn lobby_match_list(lobbies: VarArray);
    /// A chat message in a lobby we are in (our own included); `chat_type` 1 is a message.
    #[signal]
    fn lobby_message(lobby_id: i64, user: i64, message: GString, chat_type: i64);
    /// Lobby data changed (`member_id` is the lobby) or a member's data changed (`member_id`
    /// is the member); `success` is 1 when the change went through.
    #[signal]
    fn lobby_data_update(success: i64, lobby_id: i64, member_id: i64);
    /// `inviter` invites us to `lobby` of game `game`.
    #[signal]
    fn lobby_invite(inviter: i64, lobby: i64, game: i64);
    /// `remote_steam_id` sent us a first packet: accept its session to read what it sends.
    #[signal]
    fn p2p_session_request(remote_steam_id: i64);
    /// Our packets to `remote_steam_id` could not be delivered: `session_error` is a
    /// `P2P_SESSION_ERROR_*`.
    #[signal]
    fn p2p_session_connect_fail(remote_steam_id: i64, session_error: i64);

    /// Initializes Steam for `app_id` (0: the project setting
    /// `steam/initialization/app_data/app_id`). With `embed_callbacks`, callbacks are
    /// dispatched once per frame without calling [method run_callbacks].
    ///
    /// Returns `{"status": int, "verbal": String}`: status is one of the
    /// `STEAM_API_INIT_RESULT_*` constants, verbal is Steam's own explanation. In local mode the
    /// status is `STEAM_API_INIT_RESULT_OK`.
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

    /// Initializes Steam, as [method steamInitEx] does; returns `true` on success.
    #[func(rename = steamInit)]
    fn steam_init(
        &mut self,
        #[opt(default = 0)] app_id: i64,
        #[opt(default = false)] embed_callbacks: bool,
    ) -> bool {
        let result = self.steam_init_ex(app_id, embed_callbacks);
        result.get("status").and_then(|s| s.try_to::<i64>().ok()) == Some(InitStatus::Ok as i64)
    }

    /// The result of the last [method steamInitEx] (or of the initialization on startup), or an
    /// empty Dictionary.
    #[func]
    fn get_steam_init_result(&self) -> VarDictionary {
        self.init_result.clone().unwrap_or_default()
    }

    /// `true` once Steam is initialized (always, in local mode, after [method steamInitEx]).
    #[func(rename = isSteamRunning)]
    fn is_steam_running(&self) -> bool {
        self.api.is_some()
    }

    /// `true` while logged on to Steam.
    #[func(rename = loggedOn)]
    fn logged_on(&mut self) -> bool {
        self.with_api("loggedOn", false, |api| api.logged_on())
    }

    /// Dispatches Steam's callbacks as signals. Call it every frame, unless callbacks are
    /// embedded.
    #[func]
    fn run_callbacks(&mut self) {
        let _flush = FlushOnDrop;
        let Some(api) = self.api.as_mut() else {
            return;
        };
        api.pump();
        let mut events = Vec::new();
        api.drain_events(&mut events);
        // One at a time: handlers may call back into Steam.
        for event in events {
            let (signal, args) = signal_of(event);
            self.base_mut().emit_signal(signal, &args);
        }
    }

    /// Shuts Steam down: lobbies and P2P sessions end; peers already running keep their
    /// connections.
    #[func(rename = steamShutdown)]
    fn steam_shutdown(&mut self) {
        let _flush = FlushOnDrop;
        self.set_embedded(false);
        self.api = None;
    }

    /// `true` when this process plays in local mode (`STEAM_LOCAL_USER` is set), without Steam.
    #[func(rename = isLocalMode)]
    fn is_local_mode(&self) -> bool {
        matches!(backend::local_identity(), Ok(Some(_)))
    }

    /// `true` when the local user owns this app (always, in local mode).
    #[func(rename = isSubscribed)]
    fn is_subscribed(&mut self) -> bool {
        self.with_api("isSubscribed", false, |api| api.is_subscribed())
    }

    /// `true` when Steam runs on a Steam Deck (never, in local mode).
    #[func(rename = isSteamRunningOnSteamDeck)]
    fn is_steam_running_on_steam_deck(&mut self) -> bool {
        self.with_api("isSteamRunningOnSteamDeck", false, |api| {
            api.is_running_on_steam_deck()
        })
    }

    /// The local user's Steam id, or 0 before initialization.
    #[func(rename = getSteamID)]
    fn get_steam_id(&mut self) -> i64 {
        self.with_api("getSteamID", 0, |api| api.steam_id().0 as i64)
    }

    /// The local user's persona name: `Player <n>` in local mode unless `STEAM_LOCAL_NAME` says
    /// otherwise.
    #[func(rename = getPersonaName)]
    fn get_persona_name(&mut self) -> GString {
        self.with_api("getPersonaName", GString::new(), |api| {
            api.persona_name().as_str().into()
        })
    }

    /// Another user's persona name; "" until Steam knows it (`persona_state_change` says when).
    #[func(rename = getFriendPersonaName)]
    fn get_friend_persona_name(&mut self, steam_id: i64) -> GString {
        self.with_api("getFriendPersonaName", GString::new(), |api| {
            api.friend_persona_name(SteamId(steam_id as u64))
                .as_str()
                .into()
        })
    }

    /// Opens the overlay's dialog to invite friends to `lobby_id`. In local mode every other
    /// running instance is invited (`lobby_invite`).
    #[func(rename = activateGameOverlayInviteDialog)]
    fn activate_game_overlay_invite_dialog(&mut self, lobby_id: i64) {
        self.with_api("activateGameOverlayInviteDialog", (), |api| {
            api.activate_invite_dialog(SteamId(lobby_id as u64))
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
}

/// Initializes Steam as the game starts, before any script runs, when the project asks for it
/// (not in the editor).
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

/// The GodotSteam signal for an event, and its arguments.
fn signal_of(event: SteamEvent) -> (&'static str, Vec<Variant>) {
    let id = |id: SteamId| (id.0 as i64).to_variant();
    match event {
        SteamEvent::LobbyCreated { result, lobby } => {
            ("lobby_created", vec![result.to_variant(), id(lobby)])
        }
        SteamEvent::LobbyJoined {
            lobby,
            permissions,
            locked,
            response,
        } => (
            "lobby_joined",
            vec![
                id(lobby),
                permissions.to_variant(),
                locked.to_variant(),
                response.to_variant(),
            ],
        ),
        SteamEvent::LobbyChatUpdate {
            lobby,
            changed,
            making_change,
            state,
        } => (
            "lobby_chat_update",
            vec![
                id(lobby),
                id(changed),
                id(making_change),
                state.to_variant(),
            ],
        ),
        SteamEvent::LobbyMatchList { lobbies } => {
            let list: VarArray = lobbies.into_iter().map(id).collect();
            ("lobby_match_list", vec![list.to_variant()])
        }
        SteamEvent::LobbyMessage {
            lobby,
            user,
            message,
            chat_type,
        } => (
            "lobby_message",
            vec![
                id(lobby),
                id(user),
                message.to_variant(),
                chat_type.to_variant(),
            ],
        ),
        SteamEvent::LobbyDataUpdate {
            success,
            lobby,
            member,
        } => (
            "lobby_data_update",
            vec![i64::from(success).to_variant(), id(lobby), id(member)],
        ),
        SteamEvent::LobbyInvite {
            inviter,
            lobby,
            game,
        } => (
            "lobby_invite",
            vec![id(inviter), id(lobby), (game as i64).to_variant()],
        ),
        SteamEvent::JoinRequested { lobby, friend } => {
            ("join_requested", vec![id(lobby), id(friend)])
        }
        SteamEvent::PersonaStateChange { user, flags } => {
            ("persona_state_change", vec![id(user), flags.to_variant()])
        }
        SteamEvent::P2PSessionRequest { remote } => ("p2p_session_request", vec![id(remote)]),
        SteamEvent::P2PSessionConnectFail { remote, error } => (
            "p2p_session_connect_fail",
            vec![id(remote), error.to_variant()],
        ),
    }
}
