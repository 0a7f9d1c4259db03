//! `ISteamNetworkingUtils`: relay access and debug output.

use std::os::raw::c_int;

use smp_steam::SteamApi;
use steamworks_sys as sys;

use crate::output;
use crate::raw::{c_chars, write_fields};
use crate::state::with;

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
