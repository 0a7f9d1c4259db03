//! Which Steam the process talks to: local mode when `STEAM_LOCAL_USER` is set, else the Steam
//! client; and the networking sockets the peers run on.

use std::sync::OnceLock;

use smp_steam::local::LocalSteam;
use smp_steam::local::store::Store;
use smp_steam::real::RealSteam;
use smp_steam::{InitStatus, LobbyId, LobbyType, SteamApi, SteamEvent, SteamId};
use smp_transport::Sockets;
use smp_transport::local::{self, LocalIdentity};

use crate::settings;
use crate::steam::{TapId, singleton};

/// The local-mode identity of this process, read once: `None` outside local mode.
pub fn local_identity() -> Result<Option<&'static LocalIdentity>, String> {
    static IDENTITY: OnceLock<Result<Option<LocalIdentity>, String>> = OnceLock::new();
    IDENTITY
        .get_or_init(LocalIdentity::from_env)
        .as_ref()
        .map(Option::as_ref)
        .map_err(Clone::clone)
}

/// Initializes Steam for `app_id`: local mode's, or the Steam client's. On success, also says
/// what happened in words.
pub fn init_steam(app_id: u32) -> Result<(Box<dyn SteamApi>, String), (InitStatus, String)> {
    let identity = local_identity().map_err(|why| (InitStatus::FailedGeneric, why))?;
    let Some(identity) = identity else {
        let steam = RealSteam::init(app_id)?;
        return Ok((Box::new(steam), "Steamworks active.".to_owned()));
    };
    let faults = settings::fault_config().map_err(|why| (InitStatus::FailedGeneric, why))?;
    let endpoint = local::process_endpoint(identity, faults)
        .map_err(|why| (InitStatus::FailedGeneric, why))?;
    let accept_invites = std::env::var("STEAM_LOCAL_ACCEPT_INVITES").is_ok_and(|v| v == "1");
    let store = Store::for_port_base(identity.port_base);
    let steam = LocalSteam::new(identity.clone(), app_id, endpoint, store, accept_invites)
        .map_err(|why| (InitStatus::FailedGeneric, why))?;
    let verbal = format!("Steamworks active (local mode, user {}).", identity.user);
    Ok((Box::new(steam), verbal))
}

/// Runs `call` on the initialized Steam, if it is.
fn with_steam<R>(call: impl FnOnce(Option<&mut (dyn SteamApi + 'static)>) -> R) -> R {
    match singleton::ours() {
        Some(mut steam) => call(steam.bind_mut().api_mut()),
        None => call(None),
    }
}

/// A new view of the networking sockets, for one peer: initialized Steam's, or local mode's
/// without initialization.
pub fn open_sockets() -> Result<Box<dyn Sockets>, String> {
    if let Some(sockets) = with_steam(|api| api.map(|api| api.open_sockets())) {
        return sockets;
    }
    match local_identity()? {
        Some(identity) => {
            let faults = settings::fault_config()?;
            Ok(Box::new(local::sockets(identity, faults)?))
        }
        None => Err("Steam is not initialized: call Steam.steamInitEx() first \
                     (or start the game with STEAM_LOCAL_USER=<n> for local mode)"
            .to_owned()),
    }
}

/// A new view of the legacy P2P transport, for one peer: it runs on the legacy P2P API of an
/// initialized Steam (local mode's or the client's).
pub fn open_p2p_sockets() -> Result<Box<dyn Sockets>, String> {
    with_steam(|api| api.map(|api| api.open_p2p_sockets())).unwrap_or_else(|| {
        Err(
            "the legacy P2P transport runs on the Steam singleton's P2P sessions: \
             call Steam.steamInitEx() first"
                .to_owned(),
        )
    })
}

/// Routes the initialized Steam's own output into the log: its warnings always, its
/// informational output when `DEBUG_LEVEL_STEAM` asks for it.
pub fn hook_steam_output() {
    with_steam(|api| {
        if let Some(api) = api {
            api.hook_debug_output(crate::log_bridge::steam_output());
        }
    });
}

/// What a peer needs to know of a lobby: its owner, us, and its members.
pub struct LobbyView {
    /// The owner, or 0.
    pub owner: SteamId,
    /// The local user.
    pub me: SteamId,
    /// The members, in order.
    pub members: Vec<SteamId>,
}

/// Brings Steam up to date and reads `lobby`; `None` before Steam is initialized.
pub fn lobby_view(lobby: LobbyId) -> Option<LobbyView> {
    with_steam(|api| {
        let api = api?;
        api.pump();
        let members = (0..api.lobby_member_count(lobby))
            .map(|index| api.lobby_member(lobby, index))
            .filter(|id| id.0 != 0)
            .collect();
        Some(LobbyView {
            owner: api.lobby_owner(lobby),
            me: api.steam_id(),
            members,
        })
    })
}

/// Opens a reader of Steam's callbacks, and asks Steam to create a lobby (`Some(kind)`, for up
/// to `max_members`) or to join `lobby`; `None` before Steam is initialized.
pub fn start_lobby(kind: Option<LobbyType>, max_members: u32, lobby: LobbyId) -> Option<TapId> {
    let mut steam = singleton::ours()?;
    let mut steam = steam.bind_mut();
    let api = steam.api_mut()?;
    match kind {
        Some(kind) => api.create_lobby(kind, max_members),
        None => api.join_lobby(lobby),
    }
    Some(steam.open_tap())
}

/// Moves Steam along and takes what reader `tap` has not read.
pub fn read_tap(tap: TapId) -> Vec<SteamEvent> {
    singleton::ours().map_or_else(Vec::new, |mut steam| steam.bind_mut().read_tap(tap))
}

/// Closes reader `tap`, and leaves `lobby` when given.
pub fn end_lobby(tap: TapId, lobby: Option<LobbyId>) {
    if let Some(mut steam) = singleton::ours() {
        let mut steam = steam.bind_mut();
        steam.close_tap(tap);
        if let (Some(lobby), Some(api)) = (lobby, steam.api_mut()) {
            api.leave_lobby(lobby);
        }
    }
}
