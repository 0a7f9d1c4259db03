//! A game that follows a Steam lobby: hosted by its owner, joined by its members, who come and
//! go with the lobby's.

use std::time::Instant;

use godot::global::{Error, godot_error};
use godot::prelude::*;
use smp_peer::{PeerDriver, PeerError, SteamId};

use super::SteamMultiplayerPeer;
use crate::backend;
use crate::errors::already_active;
use crate::log_bridge::FlushOnDrop;

#[godot_api(secondary)]
impl SteamMultiplayerPeer {
    /// Hosts the game of lobby [param lobby_id] (a Steam id), which we must own: call it from
    /// [signal Steam.lobby_created]. Like [method create_host] on virtual port 0, then the peer
    /// follows the lobby on every poll: it connects members (who join later too), disconnects
    /// members who leave (everyone, if we leave), and refuses connections from anyone else
    /// after 5 seconds' grace (a join Steam has not reported yet), saying so in the log.
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] if the peer is already active;
    /// [constant ERR_CANT_CREATE] before [method Steam.steamInitEx] (local mode included), when we
    /// do not own the lobby, or as for [method create_host]. Each error also pushes one saying
    /// why.
    #[func]
    pub(super) fn host_with_lobby(&mut self, lobby_id: i64) -> Error {
        let _flush = FlushOnDrop;
        let lobby = SteamId(lobby_id as u64);
        let view = match self.lobby_view("host_with_lobby", lobby) {
            Ok(view) => view,
            Err(error) => return error,
        };
        if view.owner != view.me {
            godot_error!(
                "SteamMultiplayerPeer.host_with_lobby: we do not own lobby {lobby_id} (its owner is {})",
                view.owner
            );
            return Error::ERR_CANT_CREATE;
        }
        self.start_following("host_with_lobby", lobby, |driver| driver.create_host(0))
    }

    /// Joins the game of lobby [param lobby_id] (a Steam id), which we must be in but not own:
    /// call it from [signal Steam.lobby_joined]. Like [method create_client] to the lobby's owner
    /// on virtual port 0, and in a full mesh to every other member; from then on the peer follows
    /// the lobby as [method host_with_lobby] does. Leaving the lobby, or its owner leaving, ends
    /// the game.
    ///
    /// Returns [constant OK]; [constant ERR_ALREADY_IN_USE] when the peer is already active;
    /// [constant ERR_CANT_CREATE] before [method Steam.steamInitEx] (local mode included), when
    /// we are not in the lobby, when we own it (use [method host_with_lobby]), or as for
    /// [method create_client]. Each error also pushes one saying why.
    #[func]
    pub(super) fn connect_to_lobby(&mut self, lobby_id: i64) -> Error {
        let _flush = FlushOnDrop;
        let lobby = SteamId(lobby_id as u64);
        let view = match self.lobby_view("connect_to_lobby", lobby) {
            Ok(view) => view,
            Err(error) => return error,
        };
        if view.owner.0 == 0 || !view.members.contains(&view.me) {
            godot_error!(
                "SteamMultiplayerPeer.connect_to_lobby: we are not in lobby {lobby_id}; join it first"
            );
            return Error::ERR_CANT_CREATE;
        }
        if view.owner == view.me {
            godot_error!(
                "SteamMultiplayerPeer.connect_to_lobby: we own lobby {lobby_id}; host it with host_with_lobby()"
            );
            return Error::ERR_CANT_CREATE;
        }
        let owner = view.owner;
        self.start_following("connect_to_lobby", lobby, |driver| {
            driver.create_client(owner, 0, Instant::now())
        })
    }
}

impl SteamMultiplayerPeer {
    /// The lobby a call starts from, or the error to return: `ERR_ALREADY_IN_USE` when the
    /// peer is active, `ERR_CANT_CREATE` before Steam is initialized.
    fn lobby_view(&self, call: &str, lobby: SteamId) -> Result<backend::LobbyView, Error> {
        if self.is_active() {
            return Err(already_active(call));
        }
        backend::lobby_view(lobby).ok_or_else(|| {
            godot_error!(
                "SteamMultiplayerPeer.{call}: Steam is not initialized; call Steam.steamInitEx() first"
            );
            Error::ERR_CANT_CREATE
        })
    }

    fn start_following(
        &mut self,
        call: &str,
        lobby: SteamId,
        start: impl FnOnce(&mut PeerDriver) -> Result<(), PeerError>,
    ) -> Error {
        let error = self.start(call, start);
        if error == Error::OK {
            self.lobby = Some(lobby);
            self.follow_lobby(Instant::now());
        }
        error
    }

    /// Keeps a peer started from a lobby in step with its members.
    pub(super) fn follow_lobby(&mut self, now: Instant) {
        let Some(lobby) = self.lobby else {
            return;
        };
        let Some(driver) = self.driver.as_mut().filter(|d| d.session().is_active()) else {
            self.lobby = None;
            return;
        };
        if let Some(view) = backend::lobby_view(lobby) {
            driver.follow_members(&view.members, 0, now);
        }
    }
}
