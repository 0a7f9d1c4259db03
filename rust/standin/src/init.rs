//! Initialization, shutdown, the pipe, and the interface accessors.

use std::os::raw::c_int;

use smp_steam::local::LocalSteam;
use smp_steam::local::store::Store;
use smp_transport::FaultConfig;
use smp_transport::emulated::EmulatedSockets;
use smp_transport::local::{self, LocalIdentity};
use steamworks_sys as sys;

use crate::c_strings::{Names, copy_text};
use crate::dispatch::Dispatch;
use crate::matchmaking::state::Matchmaking;
use crate::output;
use crate::poll_groups::SocketsState;
use crate::state::{STANDIN, Standin, with};

/// The variable that names this process's local user, as `STEAM_LOCAL_USER` does in local
/// mode (whose other variables, `STEAM_LOCAL_NAME` and `STEAM_LOCAL_PORT_BASE`, apply as they
/// are).
pub const USER_VARIABLE: &str = "STEAM_STANDIN_USER";

/// The one pipe this library hands out; 0 means "not initialized", as in the SDK.
pub const PIPE: sys::HSteamPipe = 1;

impl Standin {
    /// The stand-in of the user the environment names.
    fn from_env() -> Result<Standin, String> {
        let env = |name: &str| std::env::var(name).ok();
        let identity = LocalIdentity::from_lookup(|name| match name {
            "STEAM_LOCAL_USER" => env(USER_VARIABLE),
            other => env(other),
        })
        .map_err(|why| why.replace("STEAM_LOCAL_USER", USER_VARIABLE))?
        .ok_or_else(|| {
            format!(
                "this libsteam_api is the project's stand-in, not Valve's: set {USER_VARIABLE}=<n> \
                 to run as local user n"
            )
        })?;
        let app_id = app_id()?;
        let faults = FaultConfig::from_env()?;
        let endpoint = local::process_endpoint(&identity, faults)?;
        let accept_invites = env("STEAM_LOCAL_ACCEPT_INVITES").is_some_and(|v| v == "1");
        let store = Store::for_port_base(identity.port_base);
        let steam = LocalSteam::new(identity, app_id, endpoint.clone(), store, accept_invites)?;
        Ok(Standin {
            steam,
            sockets: EmulatedSockets::new(endpoint),
            net: SocketsState::default(),
            dispatch: Dispatch::default(),
            matchmaking: Matchmaking::default(),
            names: Names::default(),
        })
    }
}

/// The app id, as Steam finds it outside the Steam client: `SteamAppId` (which
/// `Client::init_app` sets), else `steam_appid.txt` in the working directory.
fn app_id() -> Result<u32, String> {
    let text = std::env::var("SteamAppId")
        .ok()
        .or_else(|| std::fs::read_to_string("steam_appid.txt").ok())
        .ok_or("no app id: set SteamAppId or write steam_appid.txt, as Steam needs")?;
    text.trim()
        .parse()
        .map_err(|_| format!("the app id {:?} is not a number", text.trim()))
}

/// `SteamAPI_InitFlat`: becomes local user `STEAM_STANDIN_USER`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_InitFlat(error: *mut sys::SteamErrMsg) -> c_int {
    use sys::ESteamAPIInitResult as R;
    let mut slot = STANDIN.lock();
    if slot.is_some() {
        return R::k_ESteamAPIInitResult_OK as c_int;
    }
    match Standin::from_env() {
        Ok(standin) => {
            *slot = Some(standin);
            output::forward_log();
            R::k_ESteamAPIInitResult_OK as c_int
        }
        Err(why) => {
            let room = std::mem::size_of::<sys::SteamErrMsg>() as c_int;
            // SAFETY: Steam's callers pass a `SteamErrMsg` or null.
            unsafe { copy_text(why.as_bytes(), error.cast(), room) };
            R::k_ESteamAPIInitResult_FailedGeneric as c_int
        }
    }
}

/// `SteamAPI_Shutdown`: leaves every lobby (the emulation's drop does) and closes every
/// connection.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_Shutdown() {
    let standin = STANDIN.lock().take();
    drop(standin);
    local::release_process_endpoint();
    output::unhook();
}

/// `SteamAPI_GetHSteamPipe`: the pipe while initialized, else 0.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_GetHSteamPipe() -> sys::HSteamPipe {
    with(0, |_| PIPE)
}

/// `SteamGameServer_GetHSteamPipe`: no game server runs here.
#[unsafe(no_mangle)]
extern "C" fn SteamGameServer_GetHSteamPipe() -> sys::HSteamPipe {
    0
}

/// `SteamGameServer_Shutdown`: nothing to shut down.
#[unsafe(no_mangle)]
extern "C" fn SteamGameServer_Shutdown() {}

/// Distinct, never dereferenced addresses standing for Steam's interface objects.
static INTERFACES: [u8; 9] = [0; 9];

/// The token of interface `index`, or null before initialization, as Steam's accessors.
fn interface<T>(index: usize) -> *mut T {
    with(std::ptr::null_mut(), |_| {
        (&raw const INTERFACES[index]).cast_mut().cast()
    })
}

/// Exports Steam's interface accessors, each answering the token of its index.
macro_rules! accessors {
    ($($(#[$doc:meta])* $index:literal => fn $name:ident() -> $interface:ty;)*) => {$(
        $(#[$doc])*
        #[unsafe(no_mangle)]
        extern "C" fn $name() -> *mut $interface {
            interface($index)
        }
    )*};
}

accessors! {
    /// `SteamUser()`.
    0 => fn SteamAPI_SteamUser_v023() -> sys::ISteamUser;
    /// `SteamFriends()`.
    1 => fn SteamAPI_SteamFriends_v018() -> sys::ISteamFriends;
    /// `SteamApps()`.
    2 => fn SteamAPI_SteamApps_v009() -> sys::ISteamApps;
    /// `SteamUtils()`.
    3 => fn SteamAPI_SteamUtils_v010() -> sys::ISteamUtils;
    /// `SteamMatchmaking()`.
    4 => fn SteamAPI_SteamMatchmaking_v009() -> sys::ISteamMatchmaking;
    /// `SteamNetworking()`.
    5 => fn SteamAPI_SteamNetworking_v006() -> sys::ISteamNetworking;
    /// `SteamNetworkingSockets()`.
    6 => fn SteamAPI_SteamNetworkingSockets_SteamAPI_v012() -> sys::ISteamNetworkingSockets;
    /// `SteamNetworkingUtils()`.
    7 => fn SteamAPI_SteamNetworkingUtils_SteamAPI_v004() -> sys::ISteamNetworkingUtils;
    /// `SteamNetworkingMessages()`.
    8 => fn SteamAPI_SteamNetworkingMessages_SteamAPI_v002() -> sys::ISteamNetworkingMessages;
}
