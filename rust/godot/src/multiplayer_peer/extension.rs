//! What Godot calls on a `MultiplayerPeer`: the packets in and out, polling, closing and the
//! connection status.

use std::time::Instant;

use godot::classes::multiplayer_peer::{
    ConnectionStatus as GodotStatus, TransferMode as GodotMode,
};
use godot::classes::{IMultiplayerPeerExtension, MultiplayerPeerExtension};
use godot::global::{Error, godot_error, godot_warn};
use godot::meta::conv::RawPtr;
use godot::prelude::*;
use godot::register::property::PhantomVar;
use smp_peer::{
    Config, ConnectionStatus, HOST_PEER_ID, Packet, PeerDriver, PeerError, TransferMode,
};
use smp_protocol::header::MAX_HEADER_LEN;
use smp_steam::lobby_start::{LobbyStart, LobbyState};

use super::SteamMultiplayerPeer;
use crate::errors::godot_error;
use crate::log_bridge::FlushOnDrop;

#[godot_api]
impl IMultiplayerPeerExtension for SteamMultiplayerPeer {
    fn init(base: Base<MultiplayerPeerExtension>) -> Self {
        SteamMultiplayerPeer {
            base,
            driver: None,
            current: None,
            target_peer: 0,
            transfer_channel: 0,
            transfer_mode: TransferMode::Reliable,
            debug_level: 0,
            no_delay: false,
            no_nagle: false,
            server_relay: false,
            auto_mesh: true,
            transport: Self::TRANSPORT_SOCKETS,
            as_relay: PhantomVar::default(),
            options: PhantomVar::default(),
            listen_socket: PhantomVar::default(),
            networking_options: VarDictionary::new(),
            lobby: None,
            lobby_start: LobbyStart::default(),
            tap: None,
            monitored_as: None,
        }
    }

    fn get_available_packet_count(&self) -> i32 {
        self.driver
            .as_ref()
            .map_or(0, |d| d.session().available_packets() as i32)
    }

    fn get_max_packet_size(&self) -> i32 {
        self.driver
            .as_ref()
            .map_or(Config::default().max_message_size - MAX_HEADER_LEN, |d| {
                d.session().max_payload()
            }) as i32
    }

    unsafe fn get_packet_rawptr(
        &mut self,
        r_buffer: RawPtr<*mut RawPtr<*const u8>>,
        r_buffer_size: RawPtr<*mut i32>,
    ) -> Error {
        self.current = self.driver.as_mut().and_then(PeerDriver::pop_packet);
        let Some(packet) = &self.current else {
            godot_error!("SteamMultiplayerPeer.get_packet: no packet is available");
            return Error::ERR_UNAVAILABLE;
        };
        let payload = packet.payload();
        // SAFETY: Godot passes valid out-pointers; the bytes stay in `self.current` until the next call.
        unsafe {
            *r_buffer.ptr() = RawPtr::new(payload.as_ptr());
            *r_buffer_size.ptr() = payload.len() as i32;
        }
        Error::OK
    }

    unsafe fn put_packet_rawptr(
        &mut self,
        p_buffer: RawPtr<*const u8>,
        p_buffer_size: i32,
    ) -> Error {
        let _flush = FlushOnDrop;
        let Some(driver) = self.driver.as_mut() else {
            godot_error!(
                "SteamMultiplayerPeer.put_packet: the peer is not active; call create_host() or create_client() first"
            );
            return Error::ERR_UNCONFIGURED;
        };
        let len = usize::try_from(p_buffer_size).unwrap_or(0);
        let payload = if len == 0 {
            &[][..]
        } else {
            // SAFETY: Godot passes `p_buffer_size` readable bytes at `p_buffer`, valid for this call.
            unsafe { std::slice::from_raw_parts(p_buffer.ptr(), len) }
        };
        let was_holding_back = driver.holds_back();
        let sent = driver.send(
            self.target_peer,
            self.transfer_channel,
            self.transfer_mode,
            payload,
        );
        if !was_holding_back && driver.holds_back() {
            self.queue_flush();
        }
        match sent {
            Ok(()) => Error::OK,
            Err(err) => {
                godot_error!("SteamMultiplayerPeer.put_packet: {err}");
                godot_error(&err, Error::ERR_CONNECTION_ERROR)
            }
        }
    }

    fn get_packet_channel(&self) -> i32 {
        self.next_packet().map_or(0, |p| i32::from(p.channel))
    }

    fn get_packet_mode(&self) -> GodotMode {
        self.next_packet()
            .map_or(GodotMode::RELIABLE, |p| to_godot_mode(p.mode))
    }

    fn set_transfer_channel(&mut self, channel: i32) {
        self.transfer_channel = channel;
    }

    fn get_transfer_channel(&self) -> i32 {
        self.transfer_channel
    }

    fn set_transfer_mode(&mut self, mode: GodotMode) {
        self.transfer_mode =
            TransferMode::from_godot(mode.ord().into()).unwrap_or(TransferMode::Reliable);
    }

    fn get_transfer_mode(&self) -> GodotMode {
        to_godot_mode(self.transfer_mode)
    }

    fn set_target_peer(&mut self, peer: i32) {
        self.target_peer = peer;
    }

    fn get_packet_peer(&self) -> i32 {
        self.next_packet().map_or(0, |p| p.from)
    }

    fn is_server(&self) -> bool {
        self.driver.as_ref().is_some_and(|d| d.session().is_host())
    }

    fn poll(&mut self) {
        let _flush = FlushOnDrop;
        self.current = None;
        self.poll_lobby_start();
        let Some(driver) = self.driver.as_mut() else {
            return;
        };
        let now = Instant::now();
        driver.poll(now);
        self.emit_status_changes();
        self.follow_lobby(now);
        self.emit_peer_events();
    }

    fn close(&mut self) {
        let _flush = FlushOnDrop;
        self.current = None;
        self.forget_monitors();
        if let Some(driver) = self.driver.as_mut() {
            driver.close();
        }
        // As GodotSteam's earlier peer did, a peer from create_lobby/connect_lobby leaves it.
        let lobby = self.lobby_start.lobby();
        self.end_lobby_start(lobby);
    }

    fn disconnect_peer(&mut self, peer: i32, force: bool) {
        let _flush = FlushOnDrop;
        let result = match self.driver.as_mut() {
            Some(driver) => driver.disconnect_peer(peer, force),
            None => Err(PeerError::Api(smp_peer::ApiError::NotActive)),
        };
        if let Err(err) = result {
            godot_error!("SteamMultiplayerPeer.disconnect_peer({peer}): {err}");
        }
    }

    fn get_unique_id(&self) -> i32 {
        if self.lobby_start.state() == LobbyState::HostPending {
            // The earlier peer was peer 1 from create_lobby on.
            return HOST_PEER_ID;
        }
        self.driver.as_ref().map_or(0, |d| d.session().unique_id())
    }

    fn set_refuse_new_connections(&mut self, enable: bool) {
        match self.driver.as_mut() {
            Some(driver) if driver.session().is_active() => {
                driver.set_refuse_new_connections(enable)
            }
            // As with ENet, the flag does not outlive create_host/create_client; say so.
            _ if enable => godot_warn!(
                "SteamMultiplayerPeer.refuse_new_connections: the peer is not active, and \
                 create_host() and create_client() start out accepting connections; set it after them"
            ),
            _ => {}
        }
    }

    fn is_refusing_new_connections(&self) -> bool {
        self.driver
            .as_ref()
            .is_some_and(|d| d.session().refuse_new_connections())
    }

    fn is_server_relay_supported(&self) -> bool {
        // A client relays when its host does, whatever its own property says.
        self.driver
            .as_ref()
            .filter(|d| d.session().is_active())
            .map_or(self.server_relay, |d| d.session().relays())
    }

    fn get_connection_status(&self) -> GodotStatus {
        if self.lobby_start.is_pending() {
            return GodotStatus::CONNECTING;
        }
        match self.driver.as_ref().map(|d| d.session().status()) {
            Some(ConnectionStatus::Connected) => GodotStatus::CONNECTED,
            Some(ConnectionStatus::Connecting) => GodotStatus::CONNECTING,
            _ => GodotStatus::DISCONNECTED,
        }
    }
}

impl SteamMultiplayerPeer {
    /// Sends what the packets put so far held back once this frame's calls are done: one
    /// deferred call per frame, however many packets the frame puts.
    fn queue_flush(&self) {
        let id = self.base().instance_id();
        Callable::from_fn("flush_held_back", move |_| {
            if let Ok(mut peer) = Gd::<SteamMultiplayerPeer>::try_from_instance_id(id)
                && let Some(driver) = peer.bind_mut().driver.as_mut()
            {
                driver.flush();
            }
        })
        .call_deferred(&[]);
    }

    fn next_packet(&self) -> Option<&Packet<Vec<u8>>> {
        self.driver.as_ref()?.next_packet()
    }
}

fn to_godot_mode(mode: TransferMode) -> GodotMode {
    match mode {
        TransferMode::Unreliable => GodotMode::UNRELIABLE,
        TransferMode::UnreliableOrdered => GodotMode::UNRELIABLE_ORDERED,
        TransferMode::Reliable => GodotMode::RELIABLE,
    }
}
