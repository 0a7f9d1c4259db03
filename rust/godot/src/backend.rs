//! What the peers take from the `Steam` singleton: the networking sockets they run on (local
//! mode's without it), its lobbies, and a copy of Steam's callbacks.

use smp_steam::{LobbyId, LobbyType, SteamApi, SteamEvent, SteamId};
use smp_transport::Sockets;
use smp_transport::local;

use crate::settings;
use crate::steam::{TapId, singleton};
use crate::which_steam::local_identity;

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
    singleton::ours().map_or_else(Vec::new, |mut steam| steam.bind_mut().drain_tap(tap))
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
