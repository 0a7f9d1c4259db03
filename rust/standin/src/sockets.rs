//! `ISteamNetworkingSockets` over the emulation's sockets: listen sockets, connections, lanes,
//! connection info and status, and poll groups (kept in [`crate::poll_groups`]).

use std::os::raw::c_int;

use smp_transport::{ConnectionId, ConnectionState, ListenSocketId, SocketError, Sockets};
use steamworks_sys as sys;

use crate::c_strings::text;
use crate::conn_info::{write_info, write_status};
use crate::identity::read_identity;
use crate::output;
use crate::raw::write_fields;
use crate::state::with;

/// `EResult` numbers this interface answers with.
pub mod eresult {
    use steamworks_sys::EResult;
    /// Success.
    pub const OK: i32 = EResult::k_EResultOK as i32;
    /// A generic failure.
    pub const FAIL: i32 = EResult::k_EResultFail as i32;
    /// No such connection any more, or not connected.
    pub const NO_CONNECTION: i32 = EResult::k_EResultNoConnection as i32;
    /// A bad handle or argument.
    pub const INVALID_PARAM: i32 = EResult::k_EResultInvalidParam as i32;
    /// The connection is in the wrong state for this.
    pub const INVALID_STATE: i32 = EResult::k_EResultInvalidState as i32;
}

/// The `EResult` Steam answers with for what the emulation refused.
pub fn eresult_of(error: &SocketError) -> i32 {
    match error {
        SocketError::InvalidHandle
        | SocketError::InvalidParam(_)
        | SocketError::TooLarge { .. } => eresult::INVALID_PARAM,
        SocketError::InvalidState(state) if state.has_ended() => eresult::NO_CONNECTION,
        SocketError::InvalidState(_) => eresult::INVALID_STATE,
        SocketError::Failed(why) => {
            output::warning(why);
            eresult::FAIL
        }
    }
}

/// The `EResult` Steam answers with for a call the emulation did, or refused.
fn eresult_of_call(result: Result<(), SocketError>) -> i32 {
    match result {
        Ok(()) => eresult::OK,
        Err(why) => eresult_of(&why),
    }
}

/// `CreateListenSocketP2P`; options are not modelled.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_CreateListenSocketP2P(
    _: *mut sys::ISteamNetworkingSockets,
    virtual_port: c_int,
    _options: c_int,
    _option_values: *const sys::SteamNetworkingConfigValue_t,
) -> sys::HSteamListenSocket {
    with(sys::k_HSteamListenSocket_Invalid, |standin| {
        match standin.sockets.listen(virtual_port) {
            Ok(socket) => socket.0,
            Err(why) => {
                output::warning(&format!("CreateListenSocketP2P({virtual_port}): {why}"));
                sys::k_HSteamListenSocket_Invalid
            }
        }
    })
}

/// `ConnectP2P` to a Steam id identity; options are not modelled.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingSockets_ConnectP2P(
    _: *mut sys::ISteamNetworkingSockets,
    identity: *const sys::SteamNetworkingIdentity,
    virtual_port: c_int,
    _options: c_int,
    _option_values: *const sys::SteamNetworkingConfigValue_t,
) -> sys::HSteamNetConnection {
    // SAFETY: the caller passes an identity, or null.
    let Some(remote) = (unsafe { read_identity(identity) }) else {
        return sys::k_HSteamNetConnection_Invalid;
    };
    with(sys::k_HSteamNetConnection_Invalid, |standin| match standin
        .sockets
        .connect(remote, virtual_port)
    {
        Ok(conn) => conn.0,
        Err(why) => {
            output::warning(&format!("ConnectP2P({remote}, {virtual_port}): {why}"));
            sys::k_HSteamNetConnection_Invalid
        }
    })
}

/// `AcceptConnection`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_AcceptConnection(
    _: *mut sys::ISteamNetworkingSockets,
    conn: sys::HSteamNetConnection,
) -> c_int {
    with(eresult::NO_CONNECTION, |standin| {
        eresult_of_call(standin.sockets.accept(ConnectionId(conn)))
    })
}

/// `FlushMessagesOnConnection`: what sends held back to coalesce is written now;
/// `InvalidParam` for a handle Steam does not know.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_FlushMessagesOnConnection(
    _: *mut sys::ISteamNetworkingSockets,
    conn: sys::HSteamNetConnection,
) -> c_int {
    with(eresult::NO_CONNECTION, |standin| {
        let conn = ConnectionId(conn);
        if standin.sockets.connection_info(conn).is_none() {
            return eresult::INVALID_PARAM;
        }
        standin.sockets.flush_messages(conn);
        eresult::OK
    })
}

/// `CloseConnection`; false for a handle Steam does not know.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingSockets_CloseConnection(
    _: *mut sys::ISteamNetworkingSockets,
    conn: sys::HSteamNetConnection,
    reason: c_int,
    debug: *const std::ffi::c_char,
    linger: bool,
) -> bool {
    // SAFETY: the caller passes a C string, or null.
    let debug = unsafe { text(debug) };
    with(false, |standin| {
        let conn = ConnectionId(conn);
        let known = standin.sockets.connection_info(conn).is_some();
        if known {
            standin.sockets.close(conn, reason, &debug, linger);
            standin.net.forget(conn);
        }
        known
    })
}

/// `CloseListenSocket`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_CloseListenSocket(
    _: *mut sys::ISteamNetworkingSockets,
    socket: sys::HSteamListenSocket,
) -> bool {
    with(false, |standin| {
        standin.sockets.close_listen(ListenSocketId(socket));
        true
    })
}

/// `ConfigureConnectionLanes`; priorities and weights are not modelled (every lane is
/// independent in the emulation).
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_ConfigureConnectionLanes(
    _: *mut sys::ISteamNetworkingSockets,
    conn: sys::HSteamNetConnection,
    lanes: c_int,
    _priorities: *const c_int,
    _weights: *const u16,
) -> c_int {
    let Ok(lanes) = u16::try_from(lanes) else {
        return eresult::INVALID_PARAM;
    };
    with(eresult::NO_CONNECTION, |standin| {
        eresult_of_call(standin.sockets.configure_lanes(ConnectionId(conn), lanes))
    })
}

/// `GetConnectionInfo`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingSockets_GetConnectionInfo(
    _: *mut sys::ISteamNetworkingSockets,
    conn: sys::HSteamNetConnection,
    out: *mut sys::SteamNetConnectionInfo_t,
) -> bool {
    with(false, |standin| {
        let conn = ConnectionId(conn);
        let Some(info) = standin.sockets.connection_info(conn) else {
            return false;
        };
        if !out.is_null() {
            let listen = standin.net.arrived_on(conn);
            // SAFETY: the caller passes a writable info struct.
            unsafe { write_info(out.cast(), &info, listen) };
        }
        true
    })
}

/// `GetConnectionRealTimeStatus`: the emulation's measurements; each lane reports the
/// connection's queue time, the emulation having no queue per lane.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingSockets_GetConnectionRealTimeStatus(
    _: *mut sys::ISteamNetworkingSockets,
    conn: sys::HSteamNetConnection,
    status: *mut sys::SteamNetConnectionRealTimeStatus_t,
    lane_count: c_int,
    lanes: *mut sys::SteamNetConnectionRealTimeLaneStatus_t,
) -> c_int {
    with(eresult::NO_CONNECTION, |standin| {
        let conn = ConnectionId(conn);
        let state = standin
            .sockets
            .connection_info(conn)
            .map_or(ConnectionState::None, |info| info.state);
        let Some(quality) = standin.sockets.quality(conn) else {
            return eresult::NO_CONNECTION;
        };
        // SAFETY: the caller passes a writable status, or null, and room for `lane_count`
        // lane statuses at `lanes`, or null.
        unsafe {
            if !status.is_null() {
                write_status(status, state as i32, &quality);
            }
            if !lanes.is_null() {
                for index in 0..usize::try_from(lane_count).unwrap_or(0) {
                    write_fields!(
                        lanes.add(index),
                        sys::SteamNetConnectionRealTimeLaneStatus_t {
                            m_usecQueueTime: quality.queue_time_usec,
                        }
                    );
                }
            }
        }
        eresult::OK
    })
}

/// `CreatePollGroup`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_CreatePollGroup(
    _: *mut sys::ISteamNetworkingSockets,
) -> sys::HSteamNetPollGroup {
    with(sys::k_HSteamNetPollGroup_Invalid, |standin| {
        standin.net.create_group()
    })
}

/// `DestroyPollGroup`: its connections belong to no group, and what waited in it is gone.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_DestroyPollGroup(
    _: *mut sys::ISteamNetworkingSockets,
    group: sys::HSteamNetPollGroup,
) -> bool {
    with(false, |standin| standin.net.destroy_group(group))
}

/// `SetConnectionPollGroup`; `k_HSteamNetPollGroup_Invalid` takes the connection out of its
/// group. Messages that waited for a group move along with the connection.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_SetConnectionPollGroup(
    _: *mut sys::ISteamNetworkingSockets,
    conn: sys::HSteamNetConnection,
    group: sys::HSteamNetPollGroup,
) -> bool {
    with(false, |standin| {
        let conn = ConnectionId(conn);
        if standin.sockets.connection_info(conn).is_none() {
            return false;
        }
        standin.net.sort_incoming(&mut standin.sockets);
        standin.net.set_group(conn, group)
    })
}
