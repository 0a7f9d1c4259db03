//! The SDK's connection structs, `SteamNetConnectionInfo_t` and
//! `SteamNetConnectionRealTimeStatus_t`, written from the emulation's answers.

use smp_transport::{ConnectionInfo, ConnectionQuality, ListenSocketId, SteamId};
use steamworks_sys as sys;

use crate::identity::write_identity;
use crate::raw::{c_chars, write_fields};

/// Writes a `SteamNetConnectionInfo_t`: the remote, state, end and the listen socket; no
/// route goes through a relay here.
///
/// # Safety
///
/// `out` points to a writable `SteamNetConnectionInfo_t`.
pub unsafe fn write_info(out: *mut u8, info: &ConnectionInfo, listen: Option<ListenSocketId>) {
    let description = format!("local user {}", info.remote);
    let end = (info.end_reason, info.end_debug.as_str());
    // SAFETY: see above.
    unsafe {
        write_info_fields(
            out,
            info.remote,
            info.state as i32,
            end,
            &description,
            listen,
        )
    };
}

/// Writes a `SteamNetConnectionInfo_t` from its fields: the state as Steam's number, the end
/// reason and its text.
///
/// # Safety
///
/// `out` points to a writable `SteamNetConnectionInfo_t`.
pub unsafe fn write_info_fields(
    out: *mut u8,
    remote: SteamId,
    state: i32,
    (end_reason, end_debug): (i32, &str),
    description: &str,
    listen: Option<ListenSocketId>,
) {
    // SAFETY: see above; the identity lies inside the info struct, at its offset.
    unsafe {
        write_fields!(
            out,
            sys::SteamNetConnectionInfo_t {
                m_hListenSocket: listen.map_or(sys::k_HSteamListenSocket_Invalid, |s| s.0),
                m_eState: state,
                m_eEndReason: end_reason,
                m_szEndDebug: c_chars::<128>(end_debug),
                m_szConnectionDescription: c_chars::<128>(description),
                m_nFlags: sys::k_nSteamNetworkConnectionInfoFlags_Fast,
            }
        );
        write_identity(
            out.add(std::mem::offset_of!(
                sys::SteamNetConnectionInfo_t,
                m_identityRemote
            )),
            remote,
        );
    }
}

/// Writes a `SteamNetConnectionRealTimeStatus_t`: the emulation's measurements.
///
/// # Safety
///
/// `status` points to a writable `SteamNetConnectionRealTimeStatus_t`.
pub unsafe fn write_status(
    status: *mut sys::SteamNetConnectionRealTimeStatus_t,
    state: i32,
    quality: &ConnectionQuality,
) {
    // SAFETY: see above.
    unsafe {
        write_fields!(
            status,
            sys::SteamNetConnectionRealTimeStatus_t {
                m_eState: state,
                m_nPing: quality.ping_ms,
                m_flConnectionQualityLocal: quality.quality_local,
                m_flConnectionQualityRemote: quality.quality_remote,
                m_flOutPacketsPerSec: quality.out_packets_per_sec,
                m_flOutBytesPerSec: quality.out_bytes_per_sec,
                m_flInPacketsPerSec: quality.in_packets_per_sec,
                m_flInBytesPerSec: quality.in_bytes_per_sec,
                m_nSendRateBytesPerSecond: quality.send_rate_bytes_per_sec,
                m_cbPendingUnreliable: quality.pending_unreliable,
                m_cbPendingReliable: quality.pending_reliable,
                m_cbSentUnackedReliable: quality.sent_unacked_reliable,
                m_usecQueueTime: quality.queue_time_usec,
                m_usecMaxJitter: -1_i32,
            }
        );
    }
}
