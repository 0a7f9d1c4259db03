//! One peer's view of Steam's networking sockets: the [`Sockets`] the multiplayer peer runs on.

use std::ffi::CStr;
use std::os::raw::c_int;
use std::ptr;
use std::time::Instant;

use smp_protocol::{ConnectionId, SteamId};
use smp_transport::end_reason::APP_GENERIC;
use smp_transport::{
    ConfigOption, ConnectionInfo, ConnectionQuality, ConnectionState, ListenSocketId,
    ReceivedMessage, SendFlags, SocketError, Sockets, StatusChange,
};
use steamworks::sys;

use super::SocketsInterfaces;
use super::hub::{OwnerId, SharedHub};
use super::mapping::{check_lane_count, check_message, eresult_error, is_ok, send_result};
use super::message::{fill_outgoing, take_incoming};
use super::options::RawOptions;
use super::raw::{
    SteamConnectionInfo, eresult_calls, read_connection_info, read_quality, steam_identity,
};
use crate::real::convert::c_string;

/// Received-message pointers taken per call at first; the buffer doubles whenever Steam fills
/// it and the caller wants more.
const FIRST_RECEIVE_BATCH: usize = 32;

/// A view of Steam's networking sockets for one multiplayer peer: it sees only the listen
/// sockets and connections it created or that arrived on its listen sockets, receives on its
/// own poll group, and closes everything it holds when dropped.
///
/// Not `Send` (it holds Steam's interface pointers), nor is [`crate::real::RealSteam`], which
/// opens it: both stay on one thread. Steam runs our callbacks only inside a dispatch (manual
/// dispatch), so none can come between a Steam call here and the hub update after it.
pub struct SocketsView {
    owner: OwnerId,
    identity: SteamId,
    poll_group: sys::HSteamNetPollGroup,
    hub: SharedHub,
    steam: SocketsInterfaces,
    /// Where `ReceiveMessagesOnPollGroup` puts message pointers; reused, grown as needed.
    inbox: Vec<*mut sys::SteamNetworkingMessage_t>,
    /// The peer's networking options, for the listen sockets and connections it makes.
    options: Vec<ConfigOption>,
}

impl SocketsView {
    /// A view for `owner`, who is `identity`, receiving on `poll_group`.
    pub(super) fn new(
        owner: OwnerId,
        identity: SteamId,
        poll_group: sys::HSteamNetPollGroup,
        hub: SharedHub,
        steam: SocketsInterfaces,
    ) -> Self {
        SocketsView {
            owner,
            identity,
            poll_group,
            hub,
            steam,
            inbox: vec![ptr::null_mut(); FIRST_RECEIVE_BATCH],
            options: Vec::new(),
        }
    }

    /// `GetConnectionInfo`; `None` when Steam does not know the connection.
    fn steam_info(&self, conn: ConnectionId) -> Option<SteamConnectionInfo> {
        // SAFETY: all zeroes is a valid info struct; the interface is valid (see
        // `SocketsInterfaces`). What Steam wrote is read field by field, never whole.
        unsafe {
            let mut info: sys::SteamNetConnectionInfo_t = std::mem::zeroed();
            let known = sys::SteamAPI_ISteamNetworkingSockets_GetConnectionInfo(
                self.steam.sockets,
                conn.0,
                &mut info,
            );
            known.then(|| read_connection_info(&raw const info))
        }
    }

    /// The connection's state now, `None` when Steam does not know it; for error messages.
    fn steam_state(&self, conn: ConnectionId) -> Option<ConnectionState> {
        self.steam_info(conn).map(|steam| steam.info.state)
    }

    /// Closes a connection in Steam; with `linger`, reliable data already queued goes first.
    fn close_in_steam(&self, conn: ConnectionId, reason: i32, debug: &CStr, linger: bool) {
        // SAFETY: the interface is valid (see `SocketsInterfaces`) and `debug` is a C string.
        // Steam answers false only for a handle it has already forgotten: nothing is left to
        // close.
        unsafe {
            sys::SteamAPI_ISteamNetworkingSockets_CloseConnection(
                self.steam.sockets,
                conn.0,
                reason,
                debug.as_ptr(),
                linger,
            );
        }
    }

    /// Puts a connection's messages into this view's poll group; false when Steam does not
    /// know the connection.
    fn join_poll_group(&self, conn: ConnectionId) -> bool {
        // SAFETY: the interface is valid (see `SocketsInterfaces`); the poll group is ours.
        unsafe {
            sys::SteamAPI_ISteamNetworkingSockets_SetConnectionPollGroup(
                self.steam.sockets,
                conn.0,
                self.poll_group,
            )
        }
    }
}

impl Drop for SocketsView {
    fn drop(&mut self) {
        let holdings = self.hub.lock().remove_owner(self.owner);
        for conn in holdings.conns {
            self.close_in_steam(conn, APP_GENERIC, c"the peer was freed", false);
        }
        // SAFETY: the interface is valid (see `SocketsInterfaces`); the sockets and poll group
        // are ours.
        unsafe {
            for socket in holdings.listen_sockets {
                sys::SteamAPI_ISteamNetworkingSockets_CloseListenSocket(
                    self.steam.sockets,
                    socket.0,
                );
            }
            sys::SteamAPI_ISteamNetworkingSockets_DestroyPollGroup(
                self.steam.sockets,
                self.poll_group,
            );
        }
    }
}

impl Sockets for SocketsView {
    fn identity(&self) -> SteamId {
        self.identity
    }

    /// `CreateListenSocketP2P`. Steam allows one listen socket per virtual port in a process.
    fn listen(&mut self, virtual_port: i32) -> Result<ListenSocketId, SocketError> {
        let options = RawOptions::new(&self.options);
        // SAFETY: the interface is valid (see `SocketsInterfaces`); Steam reads the options
        // during the call, and they live until after it.
        let socket = unsafe {
            sys::SteamAPI_ISteamNetworkingSockets_CreateListenSocketP2P(
                self.steam.sockets,
                virtual_port,
                options.count(),
                options.as_ptr(),
            )
        };
        if socket == sys::k_HSteamListenSocket_Invalid {
            return Err(SocketError::InvalidParam(format!(
                "Steam refused to listen on virtual port {virtual_port}; another listen socket \
                 in this process may have it (each peer of a process needs its own virtual port)"
            )));
        }
        let socket = ListenSocketId(socket);
        self.hub.lock().add_listen_socket(self.owner, socket);
        Ok(socket)
    }

    /// `CloseListenSocket`, after closing what arrived on it with our reason (Steam would
    /// close those without one).
    fn close_listen(&mut self, socket: ListenSocketId) {
        let Some(arrived) = self.hub.lock().remove_listen_socket(self.owner, socket) else {
            return;
        };
        for conn in arrived {
            self.close_in_steam(conn, APP_GENERIC, c"the listen socket closed", false);
        }
        // SAFETY: the interface is valid (see `SocketsInterfaces`); the socket is ours.
        unsafe {
            sys::SteamAPI_ISteamNetworkingSockets_CloseListenSocket(self.steam.sockets, socket.0);
        }
    }

    /// `ConnectP2P`; the connection receives on this view's poll group.
    fn connect(&mut self, remote: SteamId, virtual_port: i32) -> Result<ConnectionId, SocketError> {
        if remote == self.identity {
            return Err(SocketError::InvalidParam(
                "cannot connect to our own Steam id".into(),
            ));
        }
        let identity = steam_identity(remote);
        let options = RawOptions::new(&self.options);
        // SAFETY: the interface is valid (see `SocketsInterfaces`); Steam copies the identity
        // and reads the options during the call, and both live until after it.
        let conn = unsafe {
            sys::SteamAPI_ISteamNetworkingSockets_ConnectP2P(
                self.steam.sockets,
                &identity,
                virtual_port,
                options.count(),
                options.as_ptr(),
            )
        };
        if conn == sys::k_HSteamNetConnection_Invalid {
            return Err(SocketError::Failed(format!(
                "Steam could not start a connection to {remote} on virtual port {virtual_port}"
            )));
        }
        let conn = ConnectionId(conn);
        if !self.join_poll_group(conn) {
            self.close_in_steam(conn, APP_GENERIC, c"could not receive on it", false);
            return Err(SocketError::Failed(format!(
                "Steam forgot the connection to {remote} as soon as it started"
            )));
        }
        self.hub.lock().add_connection(self.owner, conn);
        Ok(conn)
    }

    /// `AcceptConnection`, after putting the connection in this view's poll group (nothing
    /// arrives on a connection before it is accepted).
    fn accept(&mut self, conn: ConnectionId) -> Result<(), SocketError> {
        let ours = self.hub.lock().holds(self.owner, conn);
        if !ours || !self.join_poll_group(conn) {
            return Err(SocketError::InvalidHandle);
        }
        // SAFETY: the interface is valid (see `SocketsInterfaces`).
        let result = unsafe { eresult_calls::accept_connection(self.steam.sockets, conn.0) };
        if is_ok(result) {
            Ok(())
        } else {
            Err(eresult_error(result, self.steam_state(conn)))
        }
    }

    /// `CloseConnection`; a reason of 0 is Steam's `App_Generic`.
    fn close(&mut self, conn: ConnectionId, reason: i32, debug: &str, linger: bool) {
        if !self.hub.lock().remove_connection(self.owner, conn) {
            return;
        }
        let debug = c_string("a connection's close reason", debug);
        self.close_in_steam(conn, reason, &debug, linger);
    }

    /// `ConfigureConnectionLanes` with every lane at the same priority and weight (null
    /// arrays, as the SDK allows): the lanes share the bandwidth evenly and never hold each
    /// other up.
    fn configure_lanes(&mut self, conn: ConnectionId, lanes: u16) -> Result<(), SocketError> {
        let current = self
            .hub
            .lock()
            .lanes(self.owner, conn)
            .ok_or(SocketError::InvalidHandle)?;
        check_lane_count(lanes, current)?;
        // SAFETY: the interface is valid (see `SocketsInterfaces`); null priorities and weights
        // mean "all equal".
        let result = unsafe {
            eresult_calls::configure_connection_lanes(
                self.steam.sockets,
                conn.0,
                c_int::from(lanes),
                ptr::null(),
                ptr::null(),
            )
        };
        if !is_ok(result) {
            return Err(eresult_error(result, self.steam_state(conn)));
        }
        self.hub.lock().set_lanes(self.owner, conn, lanes);
        Ok(())
    }

    /// `FlushMessagesOnConnection`, for a connection of this view. Steam's answer only says
    /// whether the handle was valid, which the hub already knows.
    fn flush_messages(&mut self, conn: ConnectionId) {
        if !self.hub.lock().holds(self.owner, conn) {
            return;
        }
        // SAFETY: the interface is valid (see `SocketsInterfaces`).
        unsafe {
            eresult_calls::flush_messages_on_connection(self.steam.sockets, conn.0);
        }
    }

    /// `SendMessages` with one message from `AllocateMessage`, into whose buffer the parts are
    /// copied: the only copy. Size and lane are checked first, as Steam would, and Steam's
    /// answer for the message is checked (see [`send_result`]).
    fn send(
        &mut self,
        conn: ConnectionId,
        lane: u16,
        flags: SendFlags,
        parts: [&[u8]; 2],
    ) -> Result<(), SocketError> {
        let lanes = self
            .hub
            .lock()
            .lanes(self.owner, conn)
            .ok_or(SocketError::InvalidHandle)?;
        let size = parts[0].len() + parts[1].len();
        check_message(size, lane, lanes)?;
        // SAFETY: the interface is valid (see `SocketsInterfaces`); `size` is at most 512 KiB,
        // so it fits a `c_int`.
        let message = unsafe {
            sys::SteamAPI_ISteamNetworkingUtils_AllocateMessage(self.steam.utils, size as c_int)
        };
        if message.is_null() {
            return Err(SocketError::Failed(format!(
                "Steam could not allocate a message of {size} bytes"
            )));
        }
        let mut result: i64 = 0;
        // SAFETY: `message` is new, with a buffer of `size` bytes (none when `size` is 0).
        // `SendMessages` takes it over (and frees it, even on failure), reads one pointer and
        // writes one result.
        unsafe {
            fill_outgoing(message, conn, lane, flags, parts);
            sys::SteamAPI_ISteamNetworkingSockets_SendMessages(
                self.steam.sockets,
                1,
                &message,
                &mut result,
            );
        }
        send_result(result, flags, || self.steam_state(conn))
    }

    /// `ReceiveMessagesOnPollGroup`, each message copied out and released.
    fn receive(&mut self, out: &mut Vec<ReceivedMessage>, max: usize) {
        let mut wanted = max;
        while wanted > 0 {
            let batch = wanted.min(self.inbox.len()).min(c_int::MAX as usize);
            // SAFETY: the interface is valid (see `SocketsInterfaces`); the poll group is ours,
            // and `inbox` has room for `batch` pointers.
            let got = unsafe {
                sys::SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnPollGroup(
                    self.steam.sockets,
                    self.poll_group,
                    self.inbox.as_mut_ptr(),
                    batch as c_int,
                )
            };
            // -1 for an invalid poll group: nothing arrived.
            let got = usize::try_from(got).unwrap_or(0).min(batch);
            for &message in &self.inbox[..got] {
                // SAFETY: Steam just returned it, unreleased; it is released here, once.
                out.push(unsafe { take_incoming(message) });
            }
            wanted -= got;
            if got < batch {
                return;
            }
            if self.inbox.len() < wanted {
                let grown = self.inbox.len() * 2;
                self.inbox.resize(grown, ptr::null_mut());
            }
        }
    }

    fn next_status_change(&mut self) -> Option<StatusChange> {
        self.hub.lock().next_change(self.owner)
    }

    /// `GetConnectionInfo`.
    fn connection_info(&self, conn: ConnectionId) -> Option<ConnectionInfo> {
        if !self.hub.lock().holds(self.owner, conn) {
            return None;
        }
        self.steam_info(conn).map(|steam| steam.info)
    }

    /// `GetConnectionRealTimeStatus` (with every lane's queue when there are several), and
    /// whether the route is relayed, from the connection's info flags; only while connected.
    fn quality(&self, conn: ConnectionId) -> Option<ConnectionQuality> {
        let lanes = self.hub.lock().lanes(self.owner, conn)?;
        let steam = self.steam_info(conn)?;
        if steam.info.state != ConnectionState::Connected {
            return None;
        }
        let lane_count = if lanes > 1 { usize::from(lanes) } else { 0 };
        // SAFETY: all zeroes is a valid status and lane status; the interface is valid (see
        // `SocketsInterfaces`); Steam writes at most `lane_count` lane statuses, and none
        // through the null pointer passed when there are none to read.
        unsafe {
            let mut status: sys::SteamNetConnectionRealTimeStatus_t = std::mem::zeroed();
            let mut lane_status =
                vec![std::mem::zeroed::<sys::SteamNetConnectionRealTimeLaneStatus_t>(); lane_count];
            let lanes_out = if lane_count == 0 {
                ptr::null_mut()
            } else {
                lane_status.as_mut_ptr()
            };
            let result = eresult_calls::get_connection_real_time_status(
                self.steam.sockets,
                conn.0,
                &mut status,
                lane_count as c_int,
                lanes_out,
            );
            is_ok(result).then(|| read_quality(&raw const status, &lane_status, steam.relayed()))
        }
    }

    /// Keeps nothing: Steam's sockets learn of an outsider only as a connection request on a
    /// listen socket, which reaches the peer as a status change and which the peer rejects
    /// itself. There is no earlier gate in this API to close.
    fn admit_only(&mut self, _remotes: Option<&[SteamId]>) {}

    /// Keeps `options` for the listen sockets and connections made from now on: Steam applies
    /// them as each is created.
    fn set_options(&mut self, options: &[ConfigOption]) {
        self.options = options.to_vec();
    }

    /// Runs Steam's callbacks, so status changes arrive even in a game that never calls
    /// `Steam.run_callbacks`. Steam keeps its own clock: `now` is not needed.
    fn pump(&mut self, _now: Instant) {
        self.steam.dispatcher.run();
    }
}
