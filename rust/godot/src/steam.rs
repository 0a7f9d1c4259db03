//! The `Steam` engine singleton: the part of GodotSteam's API a multiplayer game calls first.

use godot::prelude::*;

use crate::backend;
use crate::log_bridge::FlushOnDrop;

/// `SteamAPIInitResult`: everything went fine.
const INIT_OK: i64 = 0;
/// `SteamAPIInitResult`: no Steam client could be reached.
const INIT_NO_STEAM_CLIENT: i64 = 2;

/// Steam, as GodotSteam's `Steam` singleton presents it, for the calls a multiplayer game
/// makes. In local mode (`STEAM_LOCAL_USER=<n>`), this process is local user `n`.
#[derive(GodotClass)]
#[class(init, singleton)]
pub struct Steam {
    base: Base<Object>,
    init_result: Option<VarDictionary>,
}

#[godot_api]
impl Steam {
    /// `steamInitEx` succeeded.
    #[constant]
    const STEAM_API_INIT_RESULT_OK: i64 = INIT_OK;
    /// `steamInitEx` failed for a reason not listed.
    #[constant]
    const STEAM_API_INIT_RESULT_FAILED_GENERIC: i64 = 1;
    /// `steamInitEx` found no running Steam client.
    #[constant]
    const STEAM_API_INIT_RESULT_NO_STEAM_CLIENT: i64 = INIT_NO_STEAM_CLIENT;
    /// `steamInitEx` found a Steam client too old for this game.
    #[constant]
    const STEAM_API_INIT_RESULT_VERSION_MISMATCH: i64 = 3;

    /// Initializes Steam. Returns `true` on success; see [method steamInitEx] for why not.
    #[func(rename = steamInit)]
    fn steam_init(
        &mut self,
        #[opt(default = 0)] app_id: i64,
        #[opt(default = false)] embed_callbacks: bool,
    ) -> bool {
        self.steam_init_ex(app_id, embed_callbacks)
            .get("status")
            .and_then(|s| s.try_to::<i64>().ok())
            == Some(INIT_OK)
    }

    /// Initializes Steam. Returns `{"status": int, "verbal": String}`: status is one of the
    /// `STEAM_API_INIT_RESULT_*` constants, verbal says why in words. In local mode the
    /// status is `STEAM_API_INIT_RESULT_OK`.
    #[func(rename = steamInitEx)]
    fn steam_init_ex(
        &mut self,
        #[opt(default = 0)] _app_id: i64,
        #[opt(default = false)] _embed_callbacks: bool,
    ) -> VarDictionary {
        let _flush = FlushOnDrop;
        let (status, verbal) = match backend::local_identity() {
            Ok(Some(identity)) => (INIT_OK, format!("Steamworks active (local mode, user {}).", identity.user)),
            Ok(None) => (
                INIT_NO_STEAM_CLIENT,
                "Steam is not available: this build supports local mode only; start the game with STEAM_LOCAL_USER=<n>.".to_owned(),
            ),
            Err(why) => (INIT_NO_STEAM_CLIENT, why),
        };
        let mut result = VarDictionary::new();
        result.set("status", status);
        result.set("verbal", verbal);
        self.init_result = Some(result.clone());
        result
    }

    /// The result of the last [method steamInitEx], or an empty Dictionary.
    #[func]
    fn get_steam_init_result(&self) -> VarDictionary {
        self.init_result.clone().unwrap_or_default()
    }

    /// The local user's Steam id, or 0 without Steam.
    #[func(rename = getSteamID)]
    fn get_steam_id(&self) -> i64 {
        match backend::local_identity() {
            Ok(Some(identity)) => identity.steam_id.0 as i64,
            _ => 0,
        }
    }

    /// The local user's persona name: `Player <n>` in local mode unless `STEAM_LOCAL_NAME` says
    /// otherwise; empty without Steam.
    #[func(rename = getPersonaName)]
    fn get_persona_name(&self) -> GString {
        match backend::local_identity() {
            Ok(Some(identity)) => GString::from(identity.name.as_str()),
            _ => GString::new(),
        }
    }

    /// Dispatches Steam's callbacks; call it every frame, as with GodotSteam. The multiplayer
    /// peers serve their own connections in their `poll`, so in local mode there is nothing
    /// else to dispatch yet; this prints the addon's pending log messages.
    #[func]
    fn run_callbacks(&mut self) {
        crate::log_bridge::flush();
    }
}
