//! `SteamNetworkingMessage_t`: allocating, sending, receiving and releasing messages.
//!
//! A message is the SDK's struct followed by the buffer it points into, in one allocation of
//! ours; its release function frees both, whoever calls it.

use std::os::raw::c_int;
use std::ptr;

use smp_transport::{ConnectionId, ReceivedMessage, SendFlags, Sockets, SteamId};
use steamworks_sys as sys;

use crate::identity::write_identity;
use crate::raw::write_fields;
use crate::sockets::eresult_of;
use crate::state::with;

/// One message and its buffer. `message` comes first, so a pointer to it is a pointer to this.
#[repr(C)]
struct Owned {
    message: sys::SteamNetworkingMessage_t,
    buffer: Vec<u8>,
}

/// A new message over `buffer`, with its release function set.
fn new_message(buffer: Vec<u8>) -> *mut sys::SteamNetworkingMessage_t {
    // SAFETY: all zeroes is a valid message (null pointers, no functions, zero numbers).
    let message: sys::SteamNetworkingMessage_t = unsafe { std::mem::zeroed() };
    let owned = Box::into_raw(Box::new(Owned { message, buffer }));
    // SAFETY: `owned` is live; its buffer does not move while the box lives.
    unsafe {
        let size = (*owned).buffer.len() as c_int;
        let data: *mut std::ffi::c_void = if size == 0 {
            ptr::null_mut()
        } else {
            (*owned).buffer.as_mut_ptr().cast()
        };
        write_fields!(
            &raw mut (*owned).message,
            sys::SteamNetworkingMessage_t {
                m_pData: data,
                m_cbSize: size,
                m_pfnRelease: Some(release as unsafe extern "C" fn(_)),
            }
        );
    }
    owned.cast()
}

/// The message's release function: frees it and its buffer.
///
/// # Safety
///
/// `message` came from [`new_message`] and was not released yet.
unsafe extern "C" fn release(message: *mut sys::SteamNetworkingMessage_t) {
    // SAFETY: see above: it is the first field of a boxed `Owned`.
    drop(unsafe { Box::from_raw(message.cast::<Owned>()) });
}

/// A received message over `data` as Steam hands it out: with its sender and reliability; the
/// caller writes where it came from.
fn received_message(
    data: Vec<u8>,
    reliable: bool,
    sender: SteamId,
) -> *mut sys::SteamNetworkingMessage_t {
    let flags = if reliable {
        sys::k_nSteamNetworkingSend_Reliable
    } else {
        sys::k_nSteamNetworkingSend_Unreliable
    };
    let message = new_message(data);
    let peer = std::mem::offset_of!(sys::SteamNetworkingMessage_t, m_identityPeer);
    // SAFETY: a live message of ours; the identity lies inside it.
    unsafe {
        write_fields!(message, sys::SteamNetworkingMessage_t { m_nFlags: flags });
        write_identity(message.cast::<u8>().add(peer), sender);
    }
    message
}

/// A message received on a connection, as Steam hands it out: its connection, lane and a
/// message number.
fn incoming(
    received: ReceivedMessage,
    sender: SteamId,
    number: i64,
) -> *mut sys::SteamNetworkingMessage_t {
    let message = received_message(received.data, received.reliable, sender);
    // SAFETY: a live message of ours.
    unsafe {
        write_fields!(
            message,
            sys::SteamNetworkingMessage_t {
                m_conn: received.conn.0,
                m_nMessageNumber: number,
                m_idxLane: received.lane,
            }
        );
    }
    message
}

/// A message received on a networking-messages channel, as Steam hands it out: its channel,
/// number and time.
pub fn on_channel(
    received: smp_steam::messages::ChannelMessage,
) -> *mut sys::SteamNetworkingMessage_t {
    let message = received_message(received.data, received.reliable, received.sender);
    // SAFETY: a live message of ours.
    unsafe {
        write_fields!(
            message,
            sys::SteamNetworkingMessage_t {
                m_nChannel: received.channel,
                m_nMessageNumber: received.message_number,
                m_usecTimeReceived: received.time_received_usec,
            }
        );
    }
    message
}

/// `ISteamNetworkingUtils::AllocateMessage`: a message with a zeroed buffer of `size` bytes.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ISteamNetworkingUtils_AllocateMessage(
    _: *mut sys::ISteamNetworkingUtils,
    size: c_int,
) -> *mut sys::SteamNetworkingMessage_t {
    match usize::try_from(size) {
        Ok(size) => new_message(vec![0; size]),
        Err(_) => ptr::null_mut(),
    }
}

/// `SteamNetworkingMessage_t::Release`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_SteamNetworkingMessage_t_Release(
    message: *mut sys::SteamNetworkingMessage_t,
) {
    if message.is_null() {
        return;
    }
    // SAFETY: the caller passes a live message; its release function frees it.
    unsafe {
        if let Some(release) = (*message).m_pfnRelease {
            release(message);
        }
    }
}

/// `SendMessages`: each message goes to its connection and lane with its flags, its result is
/// a message number or a negative `EResult`, and it is released either way.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingSockets_SendMessages(
    _: *mut sys::ISteamNetworkingSockets,
    count: c_int,
    messages: *const *mut sys::SteamNetworkingMessage_t,
    results: *mut i64,
) {
    let count = usize::try_from(count).unwrap_or(0);
    if messages.is_null() {
        return;
    }
    for index in 0..count {
        // SAFETY: the caller passes `count` live messages, and room for `count` results or
        // null. Each message is read, then released once.
        unsafe {
            let message = *messages.add(index);
            let result = with(
                -i64::from(crate::sockets::eresult::NO_CONNECTION),
                |standin| send_one(&mut standin.sockets, &mut standin.net.sent, message),
            );
            if !results.is_null() {
                results.add(index).write(result);
            }
            SteamAPI_SteamNetworkingMessage_t_Release(message);
        }
    }
}

/// Sends one message; its number, or a negative `EResult`.
///
/// # Safety
///
/// `message` is live.
unsafe fn send_one(
    sockets: &mut dyn Sockets,
    sent: &mut i64,
    message: *const sys::SteamNetworkingMessage_t,
) -> i64 {
    // SAFETY: see above; the payload is `m_cbSize` bytes at `m_pData`.
    let (conn, lane, flags, data) = unsafe {
        let size = usize::try_from((*message).m_cbSize).unwrap_or(0);
        let data = (*message).m_pData.cast::<u8>();
        let data = if data.is_null() || size == 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(data, size)
        };
        (
            ConnectionId((*message).m_conn),
            (*message).m_idxLane,
            SendFlags((*message).m_nFlags as u32),
            data,
        )
    };
    match sockets.send(conn, lane, flags, [data, &[]]) {
        Ok(()) => {
            *sent += 1;
            *sent
        }
        Err(why) => -i64::from(eresult_of(&why)),
    }
}

/// `ReceiveMessagesOnPollGroup`: up to `max` messages, oldest first; -1 for an unknown group.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingSockets_ReceiveMessagesOnPollGroup(
    _: *mut sys::ISteamNetworkingSockets,
    group: sys::HSteamNetPollGroup,
    out: *mut *mut sys::SteamNetworkingMessage_t,
    max: c_int,
) -> c_int {
    let max = usize::try_from(max).unwrap_or(0);
    if out.is_null() {
        return -1;
    }
    with(-1, |standin| {
        standin.net.sort_incoming(&mut standin.sockets);
        let mut taken = Vec::new();
        let Some(messages) = standin.net.take(group, max) else {
            return -1;
        };
        taken.extend(messages);
        let count = taken.len();
        for (index, received) in taken.into_iter().enumerate() {
            let sender = standin
                .sockets
                .connection_info(received.conn)
                .map_or(SteamId(0), |info| info.remote);
            standin.net.received_count += 1;
            let number = standin.net.received_count;
            // SAFETY: the caller has room for `max` pointers at `out`; `count` <= `max`.
            unsafe { out.add(index).write(incoming(received, sender, number)) };
        }
        count as c_int
    })
}
