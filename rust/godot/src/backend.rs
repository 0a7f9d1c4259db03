//! Which Steam the process talks to: local mode when `STEAM_LOCAL_USER` is set, else real Steam.

use std::sync::OnceLock;

use smp_transport::Sockets;
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

/// A new view of the networking sockets, for one peer.
pub fn open_sockets() -> Result<Box<dyn Sockets>, String> {
    match local_identity()? {
        Some(identity) => {
            let faults = settings::fault_config()?;
            let sockets = local::sockets(identity, faults)?;
            Ok(Box::new(sockets))
        }
        None => Err(
            "this build supports local mode only: start each instance with \
                     STEAM_LOCAL_USER=<n> (1, 2, ...)"
                .to_owned(),
        ),
    }
}
