//! Which Steam the process talks to: local mode when `STEAM_LOCAL_USER` is set, else the Steam
//! client.

use std::sync::OnceLock;

use smp_steam::local::LocalSteam;
use smp_steam::local::store::Store;
use smp_steam::real::RealSteam;
use smp_steam::{InitStatus, SteamApi};
use smp_transport::local::{self, LocalIdentity};

use crate::settings;

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
