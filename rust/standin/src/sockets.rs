//! `ISteamNetworkingSockets` over the emulation's sockets: listen sockets, connections, lanes,
//! connection info and status, and poll groups.

use std::collections::{HashMap, VecDeque};
use std::os::raw::c_int;

use smp_transport::{
    ConnectionId, ConnectionInfo, ConnectionQuality, ConnectionState, ListenSocketId,
    ReceivedMessage, SocketError, Sockets, StatusChange, SteamId,
};
use steamworks_sys as sys;

use crate::init::text;
use crate::raw::{c_chars, write_fields};
use crate::utils::{read_identity, write_identity};
use crate::{output, with};

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

/// Poll groups and what waits in them. Steam holds a connection's messages until it joins a
/// poll group; those wait per connection here.
#[derive(Default)]
pub struct SocketsState {
    groups: HashMap<sys::HSteamNetPollGroup, VecDeque<ReceivedMessage>>,
    group_of: HashMap<ConnectionId, sys::HSteamNetPollGroup>,
    unsorted: HashMap<ConnectionId, VecDeque<ReceivedMessage>>,
    /// The listen socket each incoming connection arrived on, for its connection info.
    arrived_on: HashMap<ConnectionId, ListenSocketId>,
    last_group: sys::HSteamNetPollGroup,
    received: Vec<ReceivedMessage>,
    /// Messages sent so far: the last one's number.
    pub sent: i64,
    /// Messages handed out so far: the last one's number.
    pub received_count: i64,
}

impl SocketsState {
    /// Remembers where an incoming connection arrived.
    pub fn note_status(&mut self, change: &StatusChange) {
        if let Some(socket) = change.listen_socket {
            self.arrived_on.insert(change.conn, socket);
        }
    }

    /// Takes what arrived and puts each message in its connection's poll group.
    pub fn sort_incoming(&mut self, sockets: &mut dyn Sockets) {
        let mut received = std::mem::take(&mut self.received);
        sockets.receive(&mut received, usize::MAX);
        for message in received.drain(..) {
            match self.group_of.get(&message.conn) {
                Some(group) => self.groups.entry(*group).or_default().push_back(message),
                None => self
                    .unsorted
                    .entry(message.conn)
                    .or_default()
                    .push_back(message),
            }
        }
        self.received = received;
    }

    /// Up to `max` messages of `group`, oldest first; `None` for an unknown group.
    pub fn take(
        &mut self,
        group: sys::HSteamNetPollGroup,
        max: usize,
    ) -> Option<impl Iterator<Item = ReceivedMessage> + '_> {
        let queue = self.groups.get_mut(&group)?;
        let count = queue.len().min(max);
        Some(queue.drain(..count))
    }

    /// Forgets a connection and what waits for it.
    fn forget(&mut self, conn: ConnectionId) {
        self.unsorted.remove(&conn);
        self.arrived_on.remove(&conn);
        if let Some(group) = self.group_of.remove(&conn)
            && let Some(queue) = self.groups.get_mut(&group)
        {
            queue.retain(|message| message.conn != conn);
        }
    }
}

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
        match standin.sockets.accept(ConnectionId(conn)) {
            Ok(()) => eresult::OK,
            Err(why) => eresult_of(&why),
        }
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
        match standin.sockets.configure_lanes(ConnectionId(conn), lanes) {
            Ok(()) => eresult::OK,
            Err(why) => eresult_of(&why),
        }
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
            let listen = standin.net.arrived_on.get(&conn).copied();
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
        let net = &mut standin.net;
        net.last_group += 1;
        net.groups.insert(net.last_group, VecDeque::new());
        net.last_group
    })
}

/// `DestroyPollGroup`: its connections belong to no group, and what waited in it is gone.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingSockets_DestroyPollGroup(
    _: *mut sys::ISteamNetworkingSockets,
    group: sys::HSteamNetPollGroup,
) -> bool {
    with(false, |standin| {
        let net = &mut standin.net;
        net.group_of.retain(|_, of| *of != group);
        net.groups.remove(&group).is_some()
    })
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
        let net = &mut standin.net;
        if group == sys::k_HSteamNetPollGroup_Invalid {
            net.group_of.remove(&conn);
            return true;
        }
        let Some(queue) = net.groups.get_mut(&group) else {
            return false;
        };
        queue.extend(net.unsorted.remove(&conn).into_iter().flatten());
        net.group_of.insert(conn, group);
        true
    })
}
