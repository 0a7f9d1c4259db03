//! Steam's networking structs, read field by field through raw pointers.
//!
//! Several of them hold C enums (`ESteamNetworkingConnectionState`,
//! `ESteamNetworkingIdentityType`) that the bindings declare as Rust enums. A number the
//! bindings lack, read as one of those, would be undefined behaviour, so those fields are read
//! as the integers they are and no such struct is ever read whole as its Rust type. The structs
//! are packed, so every read is unaligned.

use std::ffi::c_void;

use smp_protocol::{ConnectionId, SteamId};
use smp_transport::{ConnectionInfo, ConnectionQuality, ListenSocketId, StatusChange};
use steamworks::{Callback, sys};

use super::mapping::{connection_state, listen_socket};
use crate::real::convert::text_until_nul;

/// `SteamNetConnectionStatusChangedCallback_t`, decoded as the crate hands it over.
pub struct StatusChanged(pub StatusChange);

// SAFETY: the crate calls `from_raw` only for callbacks whose id is `ID`, with a pointer to that
// callback's struct, valid during the call.
unsafe impl Callback for StatusChanged {
    const ID: i32 = sys::SteamNetConnectionStatusChangedCallback_t_k_iCallback as i32;

    unsafe fn from_raw(raw: *mut c_void) -> Self {
        // SAFETY: see above.
        StatusChanged(unsafe { read_status_change(raw.cast()) })
    }
}

/// What this crate uses of a `SteamNetConnectionInfo_t`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SteamConnectionInfo {
    /// The remote, state and end.
    pub info: ConnectionInfo,
    /// The listen socket it arrived on; `None` for connections we dialled.
    pub listen_socket: Option<ListenSocketId>,
    /// `k_nSteamNetworkConnectionInfoFlags_*`.
    pub flags: i32,
}

impl SteamConnectionInfo {
    /// True when the route goes through Valve's relays.
    pub fn relayed(&self) -> bool {
        self.flags & sys::k_nSteamNetworkConnectionInfoFlags_Relayed != 0
    }
}

/// Reads a `SteamNetConnectionInfo_t`.
///
/// # Safety
///
/// `info` points to a readable `SteamNetConnectionInfo_t`.
pub unsafe fn read_connection_info(
    info: *const sys::SteamNetConnectionInfo_t,
) -> SteamConnectionInfo {
    // SAFETY: every read stays inside `*info`; the state is read as the `i32` its enum is.
    unsafe {
        let end_debug = (&raw const (*info).m_szEndDebug)
            .read_unaligned()
            .map(|c| c as u8);
        SteamConnectionInfo {
            info: ConnectionInfo {
                remote: identity_steam_id(&raw const (*info).m_identityRemote),
                state: connection_state(
                    (&raw const (*info).m_eState).cast::<i32>().read_unaligned(),
                ),
                end_reason: (&raw const (*info).m_eEndReason).read_unaligned(),
                end_debug: text_until_nul(&end_debug),
            },
            listen_socket: listen_socket((&raw const (*info).m_hListenSocket).read_unaligned()),
            flags: (&raw const (*info).m_nFlags).read_unaligned(),
        }
    }
}

/// Reads a `SteamNetConnectionStatusChangedCallback_t`.
///
/// # Safety
///
/// `raw` points to a readable `SteamNetConnectionStatusChangedCallback_t`.
pub unsafe fn read_status_change(
    raw: *const sys::SteamNetConnectionStatusChangedCallback_t,
) -> StatusChange {
    // SAFETY: every read stays inside `*raw`; the old state is read as the `i32` its enum is.
    let (conn, steam, old_state) = unsafe {
        (
            (&raw const (*raw).m_hConn).read_unaligned(),
            read_connection_info(&raw const (*raw).m_info),
            (&raw const (*raw).m_eOldState)
                .cast::<i32>()
                .read_unaligned(),
        )
    };
    StatusChange {
        conn: ConnectionId(conn),
        remote: steam.info.remote,
        listen_socket: steam.listen_socket,
        old_state: connection_state(old_state),
        state: steam.info.state,
        end_reason: steam.info.end_reason,
        end_debug: steam.info.end_debug,
    }
}

/// Reads a `SteamNetConnectionRealTimeStatus_t` as the transport's quality. `lanes` are the
/// connection's lane statuses when it has several: the connection-wide queue time is only
/// valid for a single lane, so the longest lane queue stands for it then.
///
/// # Safety
///
/// `status` points to a readable `SteamNetConnectionRealTimeStatus_t`.
pub unsafe fn read_quality(
    status: *const sys::SteamNetConnectionRealTimeStatus_t,
    lanes: &[sys::SteamNetConnectionRealTimeLaneStatus_t],
    relayed: bool,
) -> ConnectionQuality {
    let longest_lane_queue = lanes.iter().map(|lane| lane.m_usecQueueTime).max();
    // SAFETY: every read stays inside `*status`; none is of an enum field.
    unsafe {
        ConnectionQuality {
            ping_ms: (&raw const (*status).m_nPing).read_unaligned(),
            quality_local: (&raw const (*status).m_flConnectionQualityLocal).read_unaligned(),
            quality_remote: (&raw const (*status).m_flConnectionQualityRemote).read_unaligned(),
            out_packets_per_sec: (&raw const (*status).m_flOutPacketsPerSec).read_unaligned(),
            out_bytes_per_sec: (&raw const (*status).m_flOutBytesPerSec).read_unaligned(),
            in_packets_per_sec: (&raw const (*status).m_flInPacketsPerSec).read_unaligned(),
            in_bytes_per_sec: (&raw const (*status).m_flInBytesPerSec).read_unaligned(),
            send_rate_bytes_per_sec: (&raw const (*status).m_nSendRateBytesPerSecond)
                .read_unaligned(),
            pending_unreliable: (&raw const (*status).m_cbPendingUnreliable).read_unaligned(),
            pending_reliable: (&raw const (*status).m_cbPendingReliable).read_unaligned(),
            sent_unacked_reliable: (&raw const (*status).m_cbSentUnackedReliable).read_unaligned(),
            queue_time_usec: longest_lane_queue
                .unwrap_or_else(|| (&raw const (*status).m_usecQueueTime).read_unaligned()),
            relayed,
        }
    }
}

/// The Steam id a `SteamNetworkingIdentity` holds, 0 when it holds another kind of identity
/// (as the SDK's `GetSteamID64`).
///
/// # Safety
///
/// `identity` points to a readable `SteamNetworkingIdentity`.
pub unsafe fn identity_steam_id(identity: *const sys::SteamNetworkingIdentity) -> SteamId {
    const STEAM_ID: u32 =
        sys::ESteamNetworkingIdentityType::k_ESteamNetworkingIdentityType_SteamID as u32;
    // SAFETY: both reads stay inside `*identity`; the type is read as the `u32` its enum is, and
    // the union's Steam id view is a plain integer.
    unsafe {
        let kind = (&raw const (*identity).m_eType)
            .cast::<u32>()
            .read_unaligned();
        if kind != STEAM_ID {
            return SteamId(0);
        }
        SteamId((&raw const (*identity).__bindgen_anon_1.m_steamID64).read_unaligned())
    }
}

/// The identity of Steam user `id`, built by the SDK's own `SetSteamID64`.
pub fn steam_identity(id: SteamId) -> sys::SteamNetworkingIdentity {
    // SAFETY: all zeroes is a valid identity (type Invalid, size 0). `SetSteamID64` is an
    // inline helper of the SDK that only writes the type, size and Steam id of the identity
    // it is given; it needs no initialized Steam.
    unsafe {
        let mut identity: sys::SteamNetworkingIdentity = std::mem::zeroed();
        sys::SteamAPI_SteamNetworkingIdentity_SetSteamID64(&mut identity, id.0);
        identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smp_transport::ConnectionState;
    use sys::ESteamNetworkingConnectionState as S;

    const ALICE: SteamId = SteamId::individual(1);

    fn debug_text(text: &str) -> [std::ffi::c_char; 128] {
        let mut buffer = [0; 128];
        for (slot, byte) in buffer.iter_mut().zip(text.bytes()) {
            *slot = byte as std::ffi::c_char;
        }
        buffer
    }

    #[test]
    fn identities_round_trip_through_the_sdk() {
        let identity = steam_identity(ALICE);
        // SAFETY: a live identity.
        assert_eq!(unsafe { identity_steam_id(&identity) }, ALICE);
        let mut copy = identity;
        // SAFETY: the SDK's reader on a live identity.
        let sdk = unsafe { sys::SteamAPI_SteamNetworkingIdentity_GetSteamID64(&mut copy) };
        assert_eq!(sdk, ALICE.0);
        // SAFETY: zeroes are a valid (invalid-type) identity.
        let mut other: sys::SteamNetworkingIdentity = unsafe { std::mem::zeroed() };
        // SAFETY: the SDK's setter on a live identity and a live C string.
        unsafe {
            sys::SteamAPI_SteamNetworkingIdentity_SetGenericString(&mut other, c"lobby".as_ptr());
        }
        // SAFETY: a live identity.
        assert_eq!(unsafe { identity_steam_id(&other) }, SteamId(0));
    }

    #[test]
    fn status_changes_are_read_from_the_callback() {
        // SAFETY: all zeroes is a valid callback struct (every enum has a zero value).
        let mut raw: sys::SteamNetConnectionStatusChangedCallback_t = unsafe { std::mem::zeroed() };
        raw.m_hConn = 0x0002_0005;
        raw.m_eOldState = S::k_ESteamNetworkingConnectionState_Connecting;
        raw.m_info.m_identityRemote = steam_identity(ALICE);
        raw.m_info.m_hListenSocket = 0x0001_0001;
        raw.m_info.m_eState = S::k_ESteamNetworkingConnectionState_ClosedByPeer;
        raw.m_info.m_eEndReason = 1003;
        raw.m_info.m_szEndDebug = debug_text("host left");
        // SAFETY: the crate passes a pointer to the callback's struct, as here.
        let StatusChanged(change) = unsafe { StatusChanged::from_raw((&raw mut raw).cast()) };
        assert_eq!(
            change,
            StatusChange {
                conn: ConnectionId(0x0002_0005),
                remote: ALICE,
                listen_socket: Some(ListenSocketId(0x0001_0001)),
                old_state: ConnectionState::Connecting,
                state: ConnectionState::ClosedByPeer,
                end_reason: 1003,
                end_debug: "host left".into(),
            }
        );
        assert_eq!(
            StatusChanged::ID,
            1221,
            "k_iSteamNetworkingSocketsCallbacks + 21"
        );
    }

    #[test]
    fn connection_info_carries_the_relay_flag() {
        // SAFETY: all zeroes is a valid info struct.
        let mut raw: sys::SteamNetConnectionInfo_t = unsafe { std::mem::zeroed() };
        raw.m_identityRemote = steam_identity(ALICE);
        raw.m_eState = S::k_ESteamNetworkingConnectionState_FindingRoute;
        raw.m_nFlags = sys::k_nSteamNetworkConnectionInfoFlags_Relayed
            | sys::k_nSteamNetworkConnectionInfoFlags_Fast;
        // SAFETY: a live info struct.
        let read = unsafe { read_connection_info(&raw) };
        assert_eq!(read.info.remote, ALICE);
        assert_eq!(read.info.state, ConnectionState::FindingRoute);
        assert_eq!(read.info.end_debug, "");
        assert_eq!(read.listen_socket, None, "dialled");
        assert!(read.relayed());
        raw.m_nFlags = sys::k_nSteamNetworkConnectionInfoFlags_Fast;
        // SAFETY: a live info struct.
        assert!(!unsafe { read_connection_info(&raw) }.relayed());
    }

    #[test]
    fn quality_copies_every_field_and_takes_the_longest_lane_queue() {
        // SAFETY: all zeroes is a valid status (state None).
        let mut raw: sys::SteamNetConnectionRealTimeStatus_t = unsafe { std::mem::zeroed() };
        raw.m_eState = S::k_ESteamNetworkingConnectionState_Connected;
        raw.m_nPing = 42;
        raw.m_flConnectionQualityLocal = 0.99;
        raw.m_flConnectionQualityRemote = 0.5;
        raw.m_flOutPacketsPerSec = 60.0;
        raw.m_flOutBytesPerSec = 6000.0;
        raw.m_flInPacketsPerSec = 30.0;
        raw.m_flInBytesPerSec = 3000.0;
        raw.m_nSendRateBytesPerSecond = 256_000;
        raw.m_cbPendingUnreliable = 10;
        raw.m_cbPendingReliable = 20;
        raw.m_cbSentUnackedReliable = 30;
        raw.m_usecQueueTime = 1500;
        // SAFETY: a live status.
        let single = unsafe { read_quality(&raw, &[], true) };
        assert_eq!(
            single,
            ConnectionQuality {
                ping_ms: 42,
                quality_local: 0.99,
                quality_remote: 0.5,
                out_packets_per_sec: 60.0,
                out_bytes_per_sec: 6000.0,
                in_packets_per_sec: 30.0,
                in_bytes_per_sec: 3000.0,
                send_rate_bytes_per_sec: 256_000,
                pending_unreliable: 10,
                pending_reliable: 20,
                sent_unacked_reliable: 30,
                queue_time_usec: 1500,
                relayed: true,
            }
        );
        let lane = |queue| sys::SteamNetConnectionRealTimeLaneStatus_t {
            m_cbPendingUnreliable: 0,
            m_cbPendingReliable: 0,
            m_cbSentUnackedReliable: 0,
            _reservePad1: 0,
            m_usecQueueTime: queue,
            reserved: [0; 10],
        };
        // SAFETY: a live status.
        let lanes = unsafe { read_quality(&raw, &[lane(100), lane(9000), lane(0)], false) };
        assert_eq!(lanes.queue_time_usec, 9000);
        assert!(!lanes.relayed);
    }
}

/// The networking-sockets calls that answer an `EResult`, declared as answering the integer it
/// is: the bindings declare Rust's `EResult` enum, and a value newer than the bindings' list (a
/// newer Steam client may answer one) would be undefined behaviour there.
pub mod eresult_calls {
    use std::os::raw::c_int;

    use steamworks::sys;

    // SAFETY: the same functions of the same library the bindings declare, with the same
    // parameters; only the return type differs, `c_int` being the C enum's representation.
    unsafe extern "C" {
        /// `ISteamNetworkingSockets::AcceptConnection`.
        #[link_name = "SteamAPI_ISteamNetworkingSockets_AcceptConnection"]
        pub fn accept_connection(
            sockets: *mut sys::ISteamNetworkingSockets,
            conn: sys::HSteamNetConnection,
        ) -> c_int;

        /// `ISteamNetworkingSockets::ConfigureConnectionLanes`.
        #[link_name = "SteamAPI_ISteamNetworkingSockets_ConfigureConnectionLanes"]
        pub fn configure_connection_lanes(
            sockets: *mut sys::ISteamNetworkingSockets,
            conn: sys::HSteamNetConnection,
            lanes: c_int,
            priorities: *const c_int,
            weights: *const u16,
        ) -> c_int;

        /// `ISteamNetworkingSockets::FlushMessagesOnConnection`.
        #[link_name = "SteamAPI_ISteamNetworkingSockets_FlushMessagesOnConnection"]
        pub fn flush_messages_on_connection(
            sockets: *mut sys::ISteamNetworkingSockets,
            conn: sys::HSteamNetConnection,
        ) -> c_int;

        /// `ISteamNetworkingSockets::GetConnectionRealTimeStatus`.
        #[link_name = "SteamAPI_ISteamNetworkingSockets_GetConnectionRealTimeStatus"]
        pub fn get_connection_real_time_status(
            sockets: *mut sys::ISteamNetworkingSockets,
            conn: sys::HSteamNetConnection,
            status: *mut sys::SteamNetConnectionRealTimeStatus_t,
            lanes: c_int,
            lane_status: *mut sys::SteamNetConnectionRealTimeLaneStatus_t,
        ) -> c_int;
    }
}
