//! The legacy P2P networking (`ISteamNetworking`), local mode's sessions.

use std::os::raw::c_int;

use smp_steam::{P2PSend, SteamApi, SteamId};
use steamworks_sys as sys;

use crate::output;
use crate::raw::write_fields;
use crate::state::with;

/// `SendP2PPacket`; false for a send type Steam does not have.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworking_SendP2PPacket(
    _: *mut sys::ISteamNetworking,
    remote: u64,
    data: *const std::ffi::c_void,
    size: u32,
    send: c_int,
    channel: c_int,
) -> bool {
    let Some(send) = P2PSend::from_raw(i64::from(send)) else {
        output::api_warning(&format!("SendP2PPacket: no send type {send} in EP2PSend"));
        return false;
    };
    let data = if data.is_null() || size == 0 {
        &[][..]
    } else {
        // SAFETY: the caller passes `size` readable bytes.
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size as usize) }
    };
    with(false, |standin| {
        standin
            .steam
            .send_p2p_packet(SteamId(remote), data, send, channel)
    })
}

/// `IsP2PPacketAvailable`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworking_IsP2PPacketAvailable(
    _: *mut sys::ISteamNetworking,
    size: *mut u32,
    channel: c_int,
) -> bool {
    let available = with(None, |standin| {
        standin.steam.available_p2p_packet_size(channel)
    });
    match available {
        Some(bytes) => {
            if !size.is_null() {
                // SAFETY: the caller passes a writable size, or null.
                unsafe { size.write(bytes as u32) };
            }
            true
        }
        None => false,
    }
}

/// `ReadP2PPacket`: at most `capacity` bytes of the next packet; its whole size and sender
/// are reported.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworking_ReadP2PPacket(
    _: *mut sys::ISteamNetworking,
    out: *mut std::ffi::c_void,
    capacity: u32,
    size: *mut u32,
    sender: *mut sys::CSteamID,
    channel: c_int,
) -> bool {
    if out.is_null() && capacity > 0 {
        return false;
    }
    let read = with(None, |standin| {
        standin.steam.read_p2p_packet(capacity as usize, channel)
    });
    let Some((data, from)) = read else {
        return false;
    };
    // SAFETY: the caller passes room for `capacity` bytes (the packet was cut to fit), and a
    // writable size and sender, or nulls.
    unsafe {
        std::ptr::copy_nonoverlapping(data.as_ptr(), out.cast::<u8>(), data.len());
        if !size.is_null() {
            size.write(data.len() as u32);
        }
        if !sender.is_null() {
            sender.cast::<u64>().write_unaligned(from.0);
        }
    }
    true
}

/// `AcceptP2PSessionWithUser`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworking_AcceptP2PSessionWithUser(
    _: *mut sys::ISteamNetworking,
    remote: u64,
) -> bool {
    with(false, |standin| {
        standin.steam.accept_p2p_session(SteamId(remote))
    })
}

/// `CloseP2PSessionWithUser`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworking_CloseP2PSessionWithUser(
    _: *mut sys::ISteamNetworking,
    remote: u64,
) -> bool {
    with(false, |standin| {
        standin.steam.close_p2p_session(SteamId(remote))
    })
}

/// `CloseP2PChannelWithUser`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworking_CloseP2PChannelWithUser(
    _: *mut sys::ISteamNetworking,
    remote: u64,
    channel: c_int,
) -> bool {
    with(false, |standin| {
        standin.steam.close_p2p_channel(SteamId(remote), channel)
    })
}

/// `GetP2PSessionState`; false when there is no session.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworking_GetP2PSessionState(
    _: *mut sys::ISteamNetworking,
    remote: u64,
    out: *mut sys::P2PSessionState_t,
) -> bool {
    let Some(state) = with(None, |standin| {
        standin.steam.p2p_session_state(SteamId(remote))
    }) else {
        return false;
    };
    if !out.is_null() {
        // SAFETY: the caller passes a writable session state.
        unsafe {
            write_fields!(
                out,
                sys::P2PSessionState_t {
                    m_bConnectionActive: u8::from(state.connection_active),
                    m_bConnecting: u8::from(state.connecting),
                    m_eP2PSessionError: state.session_error,
                    m_bUsingRelay: u8::from(state.using_relay),
                    m_nBytesQueuedForSend: state.bytes_queued_for_send,
                    m_nPacketsQueuedForSend: state.packets_queued_for_send,
                    m_nRemoteIP: state.remote_ip,
                    m_nRemotePort: state.remote_port,
                }
            );
        }
    }
    true
}

/// `AllowP2PPacketRelay`: there are no relays here; the setting is kept by the emulation.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworking_AllowP2PPacketRelay(
    _: *mut sys::ISteamNetworking,
    allow: bool,
) -> bool {
    with(false, |standin| standin.steam.allow_p2p_packet_relay(allow))
}
