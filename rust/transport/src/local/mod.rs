//! Local mode: several game instances on one machine, each a different local user, talking
//! over loopback with Steam's semantics and no Steam client.
//!
//! The first peer of a process binds the user's port; every later peer shares that endpoint.

pub mod codec;
mod identity;
mod tcp;

use std::sync::Arc;

use parking_lot::Mutex;

pub use identity::{DEFAULT_PORT_BASE, LocalIdentity, port_of, steam_id_of, user_of};
pub use tcp::TcpWire;

use crate::emulated::{EmulatedSockets, Endpoint, SharedEndpoint};
use crate::fault::FaultConfig;

static PROCESS_ENDPOINT: Mutex<Option<SharedEndpoint<TcpWire>>> = Mutex::new(None);

/// The endpoint of this process's local user, bound on first use. Later calls return the
/// same endpoint, whatever they pass.
pub fn process_endpoint(
    identity: &LocalIdentity,
    faults: FaultConfig,
) -> Result<SharedEndpoint<TcpWire>, String> {
    let mut slot = PROCESS_ENDPOINT.lock();
    if let Some(endpoint) = slot.as_ref() {
        return Ok(Arc::clone(endpoint));
    }
    let endpoint = bind(identity, faults)?;
    *slot = Some(Arc::clone(&endpoint));
    Ok(endpoint)
}

/// Lets go of the process's endpoint, so that it closes its streams gracefully once the last
/// peer using it is gone; the extension calls it as the game ends. A later peer binds again.
pub fn release_process_endpoint() {
    let released = PROCESS_ENDPOINT.lock().take();
    drop(released);
}

/// A new local user endpoint, outside the process-wide one (tests run many users in a process).
pub fn bind(
    identity: &LocalIdentity,
    faults: FaultConfig,
) -> Result<SharedEndpoint<TcpWire>, String> {
    let wire = TcpWire::bind(identity.steam_id, identity.port_base)?;
    Ok(Arc::new(Mutex::new(Endpoint::new(
        identity.steam_id,
        wire,
        faults,
    ))))
}

/// A new view of the process's local user, for one peer.
pub fn sockets(
    identity: &LocalIdentity,
    faults: FaultConfig,
) -> Result<EmulatedSockets<TcpWire>, String> {
    process_endpoint(identity, faults).map(EmulatedSockets::new)
}
