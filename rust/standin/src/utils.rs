//! `ISteamNetworkingUtils` (relay access, debug output) and the `SteamNetworkingIdentity`
//! helpers.

use std::os::raw::c_int;

use smp_steam::{SteamApi, SteamId};
use steamworks_sys as sys;

use crate::raw::{c_chars, write_fields};
use crate::{output, with};

/// `k_ESteamNetworkingIdentityType_SteamID`.
const STEAM_ID_TYPE: c_int =
    sys::ESteamNetworkingIdentityType::k_ESteamNetworkingIdentityType_SteamID as c_int;

/// Writes a Steam id identity (type, size, id) into a `SteamNetworkingIdentity`.
///
/// # Safety
///
/// `out` points to a writable `SteamNetworkingIdentity`.
pub unsafe fn write_identity(out: *mut u8, id: SteamId) {
    // SAFETY: see above; the union's Steam id lies at its offset.
    unsafe {
        write_fields!(
            out,
            sys::SteamNetworkingIdentity {
                m_eType: STEAM_ID_TYPE,
                m_cbSize: 8_i32,
            }
        );
        let union = out.add(std::mem::offset_of!(
            sys::SteamNetworkingIdentity,
            __bindgen_anon_1
        ));
        crate::raw::put(union, 0, id.0);
    }
}

/// The Steam id a `SteamNetworkingIdentity` holds; `None` for null or another kind.
///
/// # Safety
///
/// `identity` is null or points to a readable `SteamNetworkingIdentity`.
pub unsafe fn read_identity(identity: *const sys::SteamNetworkingIdentity) -> Option<SteamId> {
    if identity.is_null() {
        return None;
    }
    // SAFETY: see above; the type is read as the integer its enum is.
    unsafe {
        let kind = (&raw const (*identity).m_eType)
            .cast::<c_int>()
            .read_unaligned();
        (kind == STEAM_ID_TYPE).then(|| {
            SteamId((&raw const (*identity).__bindgen_anon_1.m_steamID64).read_unaligned())
        })
    }
}

/// `SteamNetworkingIdentity::SetSteamID64`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_SteamNetworkingIdentity_SetSteamID64(
    identity: *mut sys::SteamNetworkingIdentity,
    id: u64,
) {
    if !identity.is_null() {
        // SAFETY: the caller passes a writable identity.
        unsafe { write_identity(identity.cast(), SteamId(id)) };
    }
}

/// `SteamNetworkingIdentity::GetSteamID64`: 0 for an identity of another kind.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_SteamNetworkingIdentity_GetSteamID64(
    identity: *mut sys::SteamNetworkingIdentity,
) -> u64 {
    // SAFETY: the caller passes a readable identity.
    unsafe { read_identity(identity) }.map_or(0, |id| id.0)
}

/// `InitRelayNetworkAccess`: there are no relays to reach.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingUtils_InitRelayNetworkAccess(
    _: *mut sys::ISteamNetworkingUtils,
) {
    with((), |standin| standin.steam.init_relay_network_access());
}

/// `GetRelayNetworkStatus`: the emulation's availability, which is always current.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingUtils_GetRelayNetworkStatus(
    _: *mut sys::ISteamNetworkingUtils,
    details: *mut sys::SteamRelayNetworkStatus_t,
) -> c_int {
    let status = with(
        sys::ESteamNetworkingAvailability::k_ESteamNetworkingAvailability_CannotTry as c_int,
        |standin| standin.steam.relay_network_status(),
    );
    if !details.is_null() {
        // SAFETY: the caller passes a writable status.
        unsafe {
            write_fields!(
                details,
                sys::SteamRelayNetworkStatus_t {
                    m_eAvail: status,
                    m_bPingMeasurementInProgress: 0_i32,
                    m_eAvailNetworkConfig: status,
                    m_eAvailAnyRelay: status,
                    m_debugMsg: c_chars::<256>("local emulation: no relays"),
                }
            );
        }
    }
    status
}

/// `SetDebugOutputFunction`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingUtils_SetDebugOutputFunction(
    _: *mut sys::ISteamNetworkingUtils,
    detail: c_int,
    function: sys::FSteamNetworkingSocketsDebugOutput,
) {
    output::set_debug_output(detail, function);
    output::emit(
        sys::ESteamNetworkingSocketsDebugOutputType::k_ESteamNetworkingSocketsDebugOutputType_Msg,
        "debug output from the stand-in libsteam_api (local emulation, not Steam)",
    );
}
