//! `SteamNetworkingIdentity`: the Steam id kind, the one this emulation has, read and written
//! at the SDK's layout, and its exported accessors.

use std::os::raw::c_int;

use smp_steam::SteamId;
use steamworks_sys as sys;

use crate::raw::write_fields;

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
