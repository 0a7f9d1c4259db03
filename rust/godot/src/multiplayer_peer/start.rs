//! Starting the peer: hosting, connecting to a host, and connecting to one more user, on a
//! driver made for the chosen transport.

use std::time::Instant;

use godot::global::{Error, godot_error};
use godot::prelude::*;
use smp_peer::{Config, PeerDriver, PeerError, SteamId};
use smp_protocol::rng::Rng;

use super::SteamMultiplayerPeer;
use crate::errors::{already_active, godot_error};
use crate::log_bridge::FlushOnDrop;
use crate::{backend, settings};

#[godot_api(secondary)]
impl SteamMultiplayerPeer {
    /// Starts hosting: this peer becomes peer 1, is [constant MultiplayerPeer.CONNECTION_CONNECTED]
    /// at once, and accepts clients on Steam virtual port [param virtual_port].
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] if the peer is already active;
    /// [constant ERR_CANT_CREATE] if Steam networking is not available (on Steam before
    /// [method Steam.steamInitEx], or with [constant TRANSPORT_LEGACY_P2P] before it even in
    /// local mode) or another peer of this process listens on [param virtual_port]. Each error
    /// also pushes one saying why.
    #[func]
    fn create_host(&mut self, #[opt(default = 0)] virtual_port: i32) -> Error {
        let _flush = FlushOnDrop;
        self.start("create_host", |driver| driver.create_host(virtual_port))
    }

    /// Connects to the host whose Steam id is [param steam_id], on Steam virtual port
    /// [param virtual_port]. The peer is [constant MultiplayerPeer.CONNECTION_CONNECTING] until
    /// the host admits it ([signal MultiplayerAPI.connected_to_server]) or the attempt fails
    /// ([signal MultiplayerAPI.connection_failed]): refused, unreachable, or no handshake within
    /// 10 seconds. In local mode a user who is not running fails at once.
    ///
    /// The client also listens on [param virtual_port], for mesh links from other clients, and
    /// (with [member auto_mesh]) connects to them by themselves on that port.
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] if the peer is already active;
    /// [constant ERR_INVALID_PARAMETER] for our own Steam id, or one that is no user's (0, a
    /// lobby's, a clan's); [constant ERR_CANT_CREATE] if Steam
    /// networking is not available (as for [method create_host]) or the connection cannot be
    /// started. Each error also pushes one saying why.
    #[func]
    fn create_client(&mut self, steam_id: i64, #[opt(default = 0)] virtual_port: i32) -> Error {
        let _flush = FlushOnDrop;
        let server = SteamId(steam_id as u64);
        self.start("create_client", |driver| {
            driver.create_client(server, virtual_port, Instant::now())
        })
    }

    /// Connects to one more user, Steam id [param steam_id], on Steam virtual port
    /// [param virtual_port]: in a full mesh (the host's [member server_relay] is
    /// [code]false[/code]), a client can add another client this way, which [member auto_mesh]
    /// otherwise does by itself. A user already connected or connecting is left alone
    /// ([constant OK]), and two clients adding each other at once end with one connection. The
    /// new peer arrives with [signal MultiplayerPeer.peer_connected] once the host has admitted
    /// it to the session.
    ///
    /// Returns [constant OK]; [constant ERR_UNCONFIGURED] if the peer is not active;
    /// [constant ERR_INVALID_PARAMETER] for our own Steam id, or one that is no user's;
    /// [constant ERR_UNAVAILABLE] on a
    /// connected client whose host relays; [constant ERR_CANT_CREATE] if the connection cannot be
    /// started. Each error also pushes one saying why.
    #[func]
    fn add_peer(&mut self, steam_id: i64, #[opt(default = 0)] virtual_port: i32) -> Error {
        let _flush = FlushOnDrop;
        let Some(driver) = self.driver.as_mut() else {
            godot_error!(
                "SteamMultiplayerPeer.add_peer: the peer is not active; call create_host() or create_client() first"
            );
            return Error::ERR_UNCONFIGURED;
        };
        match driver.add_peer(SteamId(steam_id as u64), virtual_port, Instant::now()) {
            Ok(()) => Error::OK,
            Err(err) => {
                godot_error!("SteamMultiplayerPeer.add_peer({steam_id}): {err}");
                godot_error(&err, Error::ERR_CANT_CREATE)
            }
        }
    }
}

impl SteamMultiplayerPeer {
    /// Starts hosting or connecting with a driver, creating it on first use.
    pub(super) fn start(
        &mut self,
        call: &str,
        start: impl FnOnce(&mut PeerDriver) -> Result<(), PeerError>,
    ) -> Error {
        if self.is_active() {
            return already_active(call);
        }
        if self.driver.is_none() {
            let sockets = if self.transport == Self::TRANSPORT_LEGACY_P2P {
                backend::open_p2p_sockets()
            } else {
                backend::open_sockets()
            };
            match sockets {
                Ok(sockets) => {
                    let config = Config {
                        channels: settings::max_channels(),
                        ..Config::default()
                    };
                    self.driver = Some(PeerDriver::new(
                        sockets,
                        config,
                        Rng::from_entropy().next_u64(),
                    ));
                }
                Err(why) => {
                    godot_error!(
                        "SteamMultiplayerPeer.{call}: Steam networking is not available: {why}"
                    );
                    return Error::ERR_CANT_CREATE;
                }
            }
        }
        let options = self.config_options();
        let driver = self.driver.as_mut().expect("created above");
        driver.set_options(&options);
        driver.set_no_delay(self.no_delay);
        driver.set_no_nagle(self.no_nagle);
        driver.set_auto_mesh(self.auto_mesh);
        let started = driver
            .set_server_relay(self.server_relay)
            .and_then(|()| start(driver));
        self.current = None;
        match started {
            Ok(()) => Error::OK,
            Err(err) => {
                godot_error!("SteamMultiplayerPeer.{call}: {err}");
                godot_error(&err, Error::ERR_CANT_CREATE)
            }
        }
    }

    /// Whether the peer is hosting, connecting or connected.
    pub(super) fn is_active(&self) -> bool {
        self.driver
            .as_ref()
            .is_some_and(|d| d.session().is_active())
    }
}
