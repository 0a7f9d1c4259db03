//! The process-wide stand-in, and the lock every exported function takes to reach it.

use parking_lot::Mutex;
use smp_steam::local::LocalSteam;
use smp_transport::emulated::EmulatedSockets;
use smp_transport::local::TcpWire;

use crate::c_strings::Names;
use crate::dispatch::Dispatch;
use crate::matchmaking::state::Matchmaking;
use crate::poll_groups::SocketsState;

/// Everything an initialized stand-in holds.
pub struct Standin {
    /// Local mode's Steam: the user, friends, lobbies and legacy P2P.
    pub steam: LocalSteam,
    /// Local mode's networking sockets: one view for the whole process, as Steam has one
    /// `ISteamNetworkingSockets`.
    pub sockets: EmulatedSockets<TcpWire>,
    /// Poll groups, and the messages waiting in them.
    pub net: SocketsState,
    /// Callbacks and call results waiting for dispatch.
    pub dispatch: Dispatch,
    /// Lobby-list filters being built, pending calls, the last list, the chat log.
    pub matchmaking: Matchmaking,
    /// Texts handed out by pointer, kept until the next call of the same kind.
    pub names: Names,
}

/// The initialized stand-in; `None` outside `SteamAPI_InitFlat` .. `SteamAPI_Shutdown`.
pub static STANDIN: Mutex<Option<Standin>> = Mutex::new(None);

/// Runs `call` on the initialized stand-in, or answers `neutral` when there is none.
///
/// Nothing inside may call back into the application: the lock is held. The debug-output
/// hook is the one exception, and it lives outside this lock ([`crate::output`]).
pub fn with<R>(neutral: R, call: impl FnOnce(&mut Standin) -> R) -> R {
    match STANDIN.lock().as_mut() {
        Some(standin) => call(standin),
        None => neutral,
    }
}
