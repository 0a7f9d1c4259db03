//! `SteamNetworkingMessage_t`: filling the ones we send, copying out and releasing the ones we
//! receive. Each payload is copied once, into Steam's buffer or out of it.

use std::os::raw::c_int;
use std::ptr;

use smp_protocol::ConnectionId;
use smp_transport::{ReceivedMessage, SendFlags};
use steamworks::sys;

/// Copies `parts`, one after the other, into the buffer of a message from `AllocateMessage`,
/// and addresses it to `lane` of `conn` with `flags`.
///
/// # Safety
///
/// `message` points to a live message not yet handed to Steam whose `m_pData` has room for
/// both parts (it may be null only when both are empty), and their total fits a `c_int`.
pub unsafe fn fill_outgoing(
    message: *mut sys::SteamNetworkingMessage_t,
    conn: ConnectionId,
    lane: u16,
    flags: SendFlags,
    parts: [&[u8]; 2],
) {
    // SAFETY: see above: the copies stay inside the buffer, which no part overlaps (it is
    // Steam's), and every write is to a field of `*message`, which is ours until sent.
    unsafe {
        let buffer = (*message).m_pData.cast::<u8>();
        let mut size = 0;
        for part in parts {
            // Empty parts are skipped: a zero-length copy still needs a non-null pointer.
            if !part.is_empty() {
                ptr::copy_nonoverlapping(part.as_ptr(), buffer.add(size), part.len());
                size += part.len();
            }
        }
        (*message).m_cbSize = size as c_int;
        (*message).m_conn = conn.0;
        (*message).m_idxLane = lane;
        // The flags are Steam's `k_nSteamNetworkingSend_*` bits, passed on as they are.
        (*message).m_nFlags = flags.0 as c_int;
    }
}

/// Copies a received message out (its connection, lane, reliability and bytes) and releases it.
///
/// # Safety
///
/// `message` came from `ReceiveMessagesOnPollGroup` and was not released yet; after this call
/// it is gone.
pub unsafe fn take_incoming(message: *mut sys::SteamNetworkingMessage_t) -> ReceivedMessage {
    // SAFETY: see above: Steam's message holds `m_cbSize` readable bytes at `m_pData` until
    // released, which happens only after they are copied.
    unsafe {
        let data = (*message).m_pData.cast::<u8>();
        let size = usize::try_from((*message).m_cbSize).unwrap_or(0);
        let received = ReceivedMessage {
            conn: ConnectionId((*message).m_conn),
            lane: (*message).m_idxLane,
            // Steam sets only the reliable bit on received messages.
            reliable: (*message).m_nFlags & sys::k_nSteamNetworkingSend_Reliable != 0,
            data: if data.is_null() || size == 0 {
                Vec::new()
            } else {
                std::slice::from_raw_parts(data, size).to_vec()
            },
        };
        sys::SteamAPI_SteamNetworkingMessage_t_Release(message);
        received
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A message as Steam lays it out, over a buffer of ours.
    fn message(buffer: &mut [u8]) -> sys::SteamNetworkingMessage_t {
        // SAFETY: all zeroes is a valid message: null pointers, no functions, zero numbers.
        let mut message: sys::SteamNetworkingMessage_t = unsafe { std::mem::zeroed() };
        message.m_pData = buffer.as_mut_ptr().cast();
        message.m_cbSize = buffer.len() as c_int;
        message
    }

    #[test]
    fn outgoing_messages_carry_both_parts_lane_flags_and_connection() {
        let mut buffer = [0xEE_u8; 8];
        let mut outgoing = message(&mut buffer);
        let flags = SendFlags::RELIABLE.with(SendFlags::NO_NAGLE);
        // SAFETY: the buffer has room for both parts.
        unsafe {
            fill_outgoing(
                &mut outgoing,
                ConnectionId(9),
                3,
                flags,
                [b"\x01", b"hello"],
            )
        };
        assert_eq!(outgoing.m_cbSize, 6);
        assert_eq!((outgoing.m_conn, outgoing.m_idxLane), (9, 3));
        assert_eq!(
            outgoing.m_nFlags,
            sys::k_nSteamNetworkingSend_ReliableNoNagle
        );
        assert_eq!(&buffer[..6], b"\x01hello");
        assert_eq!(buffer[6], 0xEE, "nothing past the message is written");
    }

    #[test]
    fn an_empty_message_needs_no_buffer() {
        let mut outgoing = message(&mut []);
        outgoing.m_pData = ptr::null_mut();
        // SAFETY: both parts are empty, so no buffer is needed.
        unsafe {
            fill_outgoing(
                &mut outgoing,
                ConnectionId(1),
                0,
                SendFlags::UNRELIABLE,
                [b"", b""],
            )
        };
        assert_eq!(outgoing.m_cbSize, 0);
        assert_eq!(outgoing.m_nFlags, sys::k_nSteamNetworkingSend_Unreliable);
    }

    static RELEASED: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn count_release(_message: *mut sys::SteamNetworkingMessage_t) {
        RELEASED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn incoming_messages_are_copied_then_released_once() {
        let mut buffer = *b"payload";
        let mut incoming = message(&mut buffer);
        incoming.m_conn = 0x0003_0002;
        incoming.m_idxLane = 2;
        incoming.m_nFlags = sys::k_nSteamNetworkingSend_Reliable;
        incoming.m_pfnRelease = Some(count_release);
        // SAFETY: a live message whose release function is ours; the SDK's Release calls it.
        let received = unsafe { take_incoming(&mut incoming) };
        assert_eq!(
            received,
            ReceivedMessage {
                conn: ConnectionId(0x0003_0002),
                lane: 2,
                reliable: true,
                data: b"payload".to_vec(),
            }
        );
        assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
        let mut empty = message(&mut []);
        empty.m_pData = ptr::null_mut();
        empty.m_pfnRelease = Some(count_release);
        // SAFETY: as above.
        let received = unsafe { take_incoming(&mut empty) };
        assert!(received.data.is_empty() && !received.reliable);
        assert_eq!(RELEASED.load(Ordering::SeqCst), 2);
    }
}
