//! The legacy P2P networking (`ISteamNetworking`) and relay access
//! (`ISteamNetworkingUtils`).

use std::collections::HashSet;
use std::sync::Arc;

use log::warn;
use parking_lot::Mutex;
use steamworks::{Client, sys};

use super::convert::{p2p_size_error, session_state, sys_p2p_send};
use crate::types::{P2PSend, P2PSessionState, SteamId};

/// The users whose P2P session requests have not been answered: filled by the
/// `P2PSessionRequest` callback, emptied by accepting, closing or a failed session.
pub type SessionRequests = Arc<Mutex<HashSet<SteamId>>>;

/// `ISteamNetworking` and `ISteamNetworkingUtils`, through the flat API: the crate's
/// `Networking` lacks `AllowP2PPacketRelay` and `CloseP2PChannelWithUser`, and its relay
/// status callback is unregistered as soon as it is set (it drops the handle), so the status
/// is read on demand instead. Clones share the session requests.
#[derive(Clone)]
pub struct Networking {
    /// Valid while `_client` keeps Steam initialized.
    net: *mut sys::ISteamNetworking,
    /// Valid while `_client` keeps Steam initialized.
    utils: *mut sys::ISteamNetworkingUtils,
    requests: SessionRequests,
    _client: Client,
}

impl Networking {
    /// The interfaces of an initialized `client`; `None` if Steam does not provide them.
    /// `requests` is what the callbacks record.
    pub fn new(client: &Client, requests: SessionRequests) -> Option<Self> {
        // SAFETY: Steam is initialized (we hold a client), which is all the accessors need.
        let (net, utils) = unsafe {
            (
                sys::SteamAPI_SteamNetworking_v006(),
                sys::SteamAPI_SteamNetworkingUtils_SteamAPI_v004(),
            )
        };
        (!net.is_null() && !utils.is_null()).then(|| Networking {
            net,
            utils,
            requests,
            _client: client.clone(),
        })
    }

    /// `SendP2PPacket`; an oversized packet is refused here, with the reason logged.
    pub fn send(&self, remote: SteamId, data: &[u8], send: P2PSend, channel: i32) -> bool {
        if let Some(why) = p2p_size_error(data.len(), send) {
            warn!("sendP2PPacket to {remote}: {why}");
            return false;
        }
        // The size check above keeps the length within u32.
        let len = data.len() as u32;
        // SAFETY (here and below): `net` and `utils` are valid, see the fields; `data` is live
        // and `len` bytes long.
        unsafe {
            sys::SteamAPI_ISteamNetworking_SendP2PPacket(
                self.net,
                remote.0,
                data.as_ptr().cast(),
                len,
                sys_p2p_send(send),
                channel,
            )
        }
    }

    /// `IsP2PPacketAvailable`.
    pub fn available(&self, channel: i32) -> Option<usize> {
        let mut size = 0_u32;
        let available = unsafe {
            sys::SteamAPI_ISteamNetworking_IsP2PPacketAvailable(self.net, &mut size, channel)
        };
        available.then_some(size as usize)
    }

    /// `ReadP2PPacket` into a buffer of the packet's size or `max_size`, whichever is smaller;
    /// Steam truncates a longer packet, as GodotSteam's `readP2PPacket` does.
    pub fn read(&self, max_size: usize, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        // Sizing by the waiting packet keeps a huge `max_size` from Godot from allocating.
        let size = self.available(channel)?.min(max_size);
        // Not zero-filled first: Steam writes the packet over it, and only what it wrote is kept.
        let mut buffer = Vec::<u8>::with_capacity(size);
        let mut read = 0_u32;
        // SAFETY: a zeroed CSteamID is a valid one (id 0).
        let mut sender: sys::CSteamID = unsafe { std::mem::zeroed() };
        // SAFETY: `buffer` has room for `size` bytes (`size` came from a u32).
        let got = unsafe {
            sys::SteamAPI_ISteamNetworking_ReadP2PPacket(
                self.net,
                buffer.as_mut_ptr().cast(),
                size as u32,
                &mut read,
                &mut sender,
                channel,
            )
        };
        if !got {
            return None;
        }
        // SAFETY: Steam wrote the first `read` bytes, and never more than `size`.
        unsafe { buffer.set_len((read as usize).min(size)) };
        let bits = sender.m_steamid;
        // SAFETY: both views of the union are plain integers.
        Some((buffer, SteamId(unsafe { bits.m_unAll64Bits })))
    }

    /// `AcceptP2PSessionWithUser`.
    pub fn accept(&self, remote: SteamId) -> bool {
        self.requests.lock().remove(&remote);
        unsafe { sys::SteamAPI_ISteamNetworking_AcceptP2PSessionWithUser(self.net, remote.0) }
    }

    /// `CloseP2PSessionWithUser`.
    pub fn close_session(&self, remote: SteamId) -> bool {
        self.requests.lock().remove(&remote);
        unsafe { sys::SteamAPI_ISteamNetworking_CloseP2PSessionWithUser(self.net, remote.0) }
    }

    /// The users whose session requests wait for an answer.
    pub fn requested_sessions(&self, out: &mut Vec<SteamId>) {
        out.extend(self.requests.lock().iter().copied());
    }

    /// `CloseP2PChannelWithUser`.
    pub fn close_channel(&self, remote: SteamId, channel: i32) -> bool {
        unsafe {
            sys::SteamAPI_ISteamNetworking_CloseP2PChannelWithUser(self.net, remote.0, channel)
        }
    }

    /// `GetP2PSessionState`, `None` when there is no session.
    pub fn state(&self, remote: SteamId) -> Option<P2PSessionState> {
        // SAFETY: every field is an integer; zeroes are a valid state.
        let mut raw: sys::P2PSessionState_t = unsafe { std::mem::zeroed() };
        let found = unsafe {
            sys::SteamAPI_ISteamNetworking_GetP2PSessionState(self.net, remote.0, &mut raw)
        };
        found.then(|| session_state(&raw))
    }

    /// `AllowP2PPacketRelay`.
    pub fn allow_relay(&self, allow: bool) -> bool {
        unsafe { sys::SteamAPI_ISteamNetworking_AllowP2PPacketRelay(self.net, allow) }
    }

    /// `InitRelayNetworkAccess`.
    pub fn init_relay_network_access(&self) {
        unsafe { sys::SteamAPI_ISteamNetworkingUtils_InitRelayNetworkAccess(self.utils) }
    }

    /// `GetRelayNetworkStatus`, as its `ESteamNetworkingAvailability` number.
    pub fn relay_network_status(&self) -> i32 {
        let status = unsafe {
            sys::SteamAPI_ISteamNetworkingUtils_GetRelayNetworkStatus(
                self.utils,
                std::ptr::null_mut(),
            )
        };
        status as i32
    }
}
