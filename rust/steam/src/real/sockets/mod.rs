//! Steam's networking sockets (`ISteamNetworkingSockets`, through the flat API) as the
//! multiplayer peer's transport.
//!
//! Each peer gets its own [`SocketsView`]. Steam reports the status changes of every connection
//! of the process through one callback; the [`hub::Hub`] hands each to the view that owns the
//! connection (by handle, or for a new incoming connection by its listen socket) and has the
//! ones nobody owns closed. Views and [`super::RealSteam`] dispatch Steam's callbacks through
//! one shared [`Dispatcher`].

mod hub;
mod mapping;
mod message;
mod options;
pub(super) mod raw;
mod view;

use std::cell::Cell;
use std::sync::Arc;

use log::debug;
use parking_lot::Mutex;
use smp_protocol::SteamId;
use smp_transport::end_reason::APP_GENERIC;
use steamworks::{CallbackHandle, Client, sys};

use super::dispatch::Dispatcher;
use hub::{Hub, Routed, SharedHub};
use raw::StatusChanged;
pub use view::SocketsView;

/// Steam's interfaces and what keeps them working, shared by every view.
#[derive(Clone)]
struct SocketsInterfaces {
    /// Valid while `dispatcher`'s client keeps Steam initialized.
    sockets: *mut sys::ISteamNetworkingSockets,
    /// Valid while `dispatcher`'s client keeps Steam initialized.
    utils: *mut sys::ISteamNetworkingUtils,
    /// Runs Steam's callbacks; its client keeps Steam initialized.
    dispatcher: Dispatcher,
    /// Keeps the status-change callback registered while anything uses the sockets.
    _status_changes: Arc<CallbackHandle>,
}

/// The networking sockets of [`super::RealSteam`]: opens one view per peer.
pub struct NetworkingSockets {
    steam: SocketsInterfaces,
    hub: SharedHub,
    /// Set once the relay network was asked for, by the first view.
    relay_requested: Cell<bool>,
}

impl NetworkingSockets {
    /// The sockets of an initialized `client`, whose callbacks `dispatcher` runs; `None` if
    /// Steam does not provide the interfaces.
    ///
    /// Registers the handler for `SteamNetConnectionStatusChangedCallback_t`. The crate keeps
    /// one handler per callback, so its own (which feeds the events of its `ListenSocket`) is
    /// replaced: the crate's networking-sockets wrappers must not be used on this client.
    pub fn new(client: &Client, dispatcher: &Dispatcher) -> Option<Self> {
        // SAFETY: Steam is initialized (we hold a client), which is all the accessors need.
        let (sockets, utils) = unsafe {
            (
                sys::SteamAPI_SteamNetworkingSockets_SteamAPI_v012(),
                sys::SteamAPI_SteamNetworkingUtils_SteamAPI_v004(),
            )
        };
        if sockets.is_null() || utils.is_null() {
            return None;
        }
        let hub: SharedHub = Arc::new(Mutex::new(Hub::default()));
        let status_changes = register_status_changes(client, &hub);
        Some(NetworkingSockets {
            steam: SocketsInterfaces {
                sockets,
                utils,
                dispatcher: dispatcher.clone(),
                _status_changes: Arc::new(status_changes),
            },
            hub,
            relay_requested: Cell::new(false),
        })
    }

    /// A new view for one peer of the local user `identity`, with its own poll group. The
    /// first one also starts reaching the relay network, which P2P connections go through.
    pub fn open(&self, identity: SteamId) -> Result<SocketsView, String> {
        if !self.relay_requested.replace(true) {
            // SAFETY: the interface is valid (see `SocketsInterfaces`).
            unsafe { sys::SteamAPI_ISteamNetworkingUtils_InitRelayNetworkAccess(self.steam.utils) };
        }
        // SAFETY: the interface is valid (see `SocketsInterfaces`).
        let poll_group =
            unsafe { sys::SteamAPI_ISteamNetworkingSockets_CreatePollGroup(self.steam.sockets) };
        if poll_group == sys::k_HSteamNetPollGroup_Invalid {
            return Err("Steam could not create a poll group for the peer's connections".into());
        }
        let owner = self.hub.lock().add_owner();
        Ok(SocketsView::new(
            owner,
            identity,
            poll_group,
            self.hub.clone(),
            self.steam.clone(),
        ))
    }
}

/// Routes each status change through the hub, and closes the connections no view owns.
fn register_status_changes(client: &Client, hub: &SharedHub) -> CallbackHandle {
    let hub = Arc::clone(hub);
    // The crate holds its callback table locked while this runs: it must not call back into
    // the crate. The hub's lock is released before Steam is called.
    client.register_callback(move |StatusChanged(change)| {
        let routed = hub.lock().route(change);
        if let Routed::Close(conn) = routed {
            debug!("closing connection {conn}: no peer owns it");
            // SAFETY: this runs inside dispatch, so Steam is initialized; the accessor returns
            // the process-wide interface (checked for null), and the debug text is a C string.
            unsafe {
                let sockets = sys::SteamAPI_SteamNetworkingSockets_SteamAPI_v012();
                if !sockets.is_null() {
                    sys::SteamAPI_ISteamNetworkingSockets_CloseConnection(
                        sockets,
                        conn.0,
                        APP_GENERIC,
                        c"no peer owns this connection".as_ptr(),
                        false,
                    );
                }
            }
        }
    })
}
