//! Steam's networking messages (`ISteamNetworkingMessages`), through the flat API: the
//! crate's wrapper registers its session callbacks itself, in place of ours, and hands out
//! messages only as objects to release later.

use std::ffi::c_void;
use std::os::raw::c_int;

use log::warn;
use steamworks::{Callback, CallbackHandle, Client, sys};

use super::convert::text_until_nul;
use super::events::{SharedQueue, on};
use super::sockets::raw::{
    SteamConnectionInfo, identity_steam_id, read_connection_info, read_quality, steam_identity,
};
use crate::api::NetworkingMessages;
use crate::messages::{ChannelMessage, MAX_MESSAGE_SIZE, SEND_RELIABLE, SessionInfo};
use crate::types::{SteamEvent, SteamId, result};

/// Messages taken from Steam per call; a larger `max` takes several.
const BATCH: usize = 256;

/// The calls that answer an enum, declared as answering the integer it is: a value newer than
/// the bindings' list would be undefined behaviour as the bindings' Rust enum.
mod integer_calls {
    use std::os::raw::c_int;

    use steamworks::sys;

    // SAFETY: the same functions of the same library the bindings declare, with the same
    // parameters; only the return type differs, `c_int` being the C enum's representation.
    unsafe extern "C" {
        /// `ISteamNetworkingMessages::SendMessageToUser`: an `EResult`.
        #[link_name = "SteamAPI_ISteamNetworkingMessages_SendMessageToUser"]
        pub fn send_message_to_user(
            messages: *mut sys::ISteamNetworkingMessages,
            remote: *const sys::SteamNetworkingIdentity,
            data: *const std::ffi::c_void,
            size: u32,
            flags: c_int,
            channel: c_int,
        ) -> c_int;

        /// `ISteamNetworkingMessages::GetSessionConnectionInfo`: an
        /// `ESteamNetworkingConnectionState`.
        #[link_name = "SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo"]
        pub fn get_session_connection_info(
            messages: *mut sys::ISteamNetworkingMessages,
            remote: *const sys::SteamNetworkingIdentity,
            info: *mut sys::SteamNetConnectionInfo_t,
            status: *mut sys::SteamNetConnectionRealTimeStatus_t,
        ) -> c_int;
    }
}

/// `ISteamNetworkingMessages` of an initialized Steam.
pub struct Messages {
    /// Valid while `_client` keeps Steam initialized.
    net: *mut sys::ISteamNetworkingMessages,
    _client: Client,
}

impl Messages {
    /// The interface of an initialized `client`; `None` if Steam does not provide it.
    pub fn new(client: &Client) -> Option<Self> {
        // SAFETY: Steam is initialized (we hold a client), which is all the accessor needs.
        let net = unsafe { sys::SteamAPI_SteamNetworkingMessages_SteamAPI_v002() };
        (!net.is_null()).then(|| Messages {
            net,
            _client: client.clone(),
        })
    }
}

impl NetworkingMessages for Messages {
    /// `SendMessageToUser`: an `EResult`. An oversized message is refused here, with the reason
    /// logged.
    fn send_message_to_user(
        &mut self,
        remote: SteamId,
        data: &[u8],
        flags: u32,
        channel: i32,
    ) -> i32 {
        if data.len() > MAX_MESSAGE_SIZE {
            warn!(
                "sendMessageToUser to {remote}: a message of {} bytes exceeds the maximum of {MAX_MESSAGE_SIZE}",
                data.len()
            );
            return result::INVALID_PARAM;
        }
        let identity = steam_identity(remote);
        // SAFETY (here and below): `net` is valid, see the field; `identity` and `data` are
        // live, and `data` is `len` bytes long (the check above keeps it within u32).
        unsafe {
            integer_calls::send_message_to_user(
                self.net,
                &identity,
                data.as_ptr().cast(),
                data.len() as u32,
                flags as c_int,
                channel,
            )
        }
    }

    /// `ReceiveMessagesOnChannel`: up to `max` messages, copied out and released.
    fn receive_messages_on_channel(&mut self, channel: i32, max: usize) -> Vec<ChannelMessage> {
        let mut out = Vec::new();
        let mut batch = vec![std::ptr::null_mut::<sys::SteamNetworkingMessage_t>(); BATCH];
        while out.len() < max {
            let want = (max - out.len()).min(BATCH);
            // SAFETY: `batch` has room for `want` pointers.
            let got = unsafe {
                sys::SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel(
                    self.net,
                    channel,
                    batch.as_mut_ptr(),
                    want as c_int,
                )
            };
            let got = usize::try_from(got).unwrap_or(0).min(want);
            for &message in &batch[..got] {
                // SAFETY: Steam handed out `got` live messages, each taken once.
                out.push(unsafe { take_message(message) });
            }
            if got < want {
                break;
            }
        }
        out
    }

    /// `AcceptSessionWithUser`.
    fn accept_session_with_user(&mut self, remote: SteamId) -> bool {
        let identity = steam_identity(remote);
        unsafe { sys::SteamAPI_ISteamNetworkingMessages_AcceptSessionWithUser(self.net, &identity) }
    }

    /// `CloseSessionWithUser`.
    fn close_session_with_user(&mut self, remote: SteamId) -> bool {
        let identity = steam_identity(remote);
        unsafe { sys::SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser(self.net, &identity) }
    }

    /// `CloseChannelWithUser`.
    fn close_channel_with_user(&mut self, remote: SteamId, channel: i32) -> bool {
        let identity = steam_identity(remote);
        unsafe {
            sys::SteamAPI_ISteamNetworkingMessages_CloseChannelWithUser(
                self.net, &identity, channel,
            )
        }
    }

    /// `GetSessionConnectionInfo`, `None` when Steam has no session with the user.
    fn session_connection_info(&self, remote: SteamId) -> Option<SessionInfo> {
        let identity = steam_identity(remote);
        // SAFETY: all zeroes is a valid info and status; both are live for Steam to fill, and
        // are read field by field afterwards.
        unsafe {
            let mut info: sys::SteamNetConnectionInfo_t = std::mem::zeroed();
            let mut status: sys::SteamNetConnectionRealTimeStatus_t = std::mem::zeroed();
            let state = integer_calls::get_session_connection_info(
                self.net,
                &identity,
                &mut info,
                &mut status,
            );
            if state
                == sys::ESteamNetworkingConnectionState::k_ESteamNetworkingConnectionState_None
                    as c_int
            {
                return None;
            }
            let steam = read_connection_info(&raw const info);
            let description = (&raw const info.m_szConnectionDescription)
                .read_unaligned()
                .map(|c| c as u8);
            let connected = steam.info.state == smp_transport::ConnectionState::Connected;
            Some(SessionInfo {
                remote,
                state: steam.info.state,
                end_reason: steam.info.end_reason,
                end_debug: steam.info.end_debug.clone(),
                description: text_until_nul(&description),
                flags: steam.flags,
                quality: connected.then(|| read_quality(&raw const status, &[], steam.relayed())),
            })
        }
    }
}

/// Copies a received message out and releases it.
///
/// # Safety
///
/// `message` came from `ReceiveMessagesOnChannel` and was not released yet; after this call
/// it is gone.
unsafe fn take_message(message: *mut sys::SteamNetworkingMessage_t) -> ChannelMessage {
    // SAFETY: see above: Steam's message holds `m_cbSize` readable bytes at `m_pData` until
    // released, which happens only after they are copied.
    unsafe {
        let data = (*message).m_pData.cast::<u8>();
        let size = usize::try_from((*message).m_cbSize).unwrap_or(0);
        let taken = ChannelMessage {
            data: if data.is_null() || size == 0 {
                Vec::new()
            } else {
                std::slice::from_raw_parts(data, size).to_vec()
            },
            sender: identity_steam_id(&raw const (*message).m_identityPeer),
            channel: (*message).m_nChannel,
            // Steam sets only the reliable bit on received messages.
            reliable: (*message).m_nFlags as u32 & SEND_RELIABLE != 0,
            message_number: (*message).m_nMessageNumber,
            time_received_usec: (*message).m_usecTimeReceived,
        };
        sys::SteamAPI_SteamNetworkingMessage_t_Release(message);
        taken
    }
}

/// `SteamNetworkingMessagesSessionRequest_t`: who asks.
struct SessionRequest(SteamId);

// SAFETY: the crate calls `from_raw` only for this callback's id, with a pointer to its struct,
// valid during the call; the identity is read field by field.
unsafe impl Callback for SessionRequest {
    const ID: i32 = sys::SteamNetworkingMessagesSessionRequest_t_k_iCallback as i32;

    unsafe fn from_raw(raw: *mut c_void) -> Self {
        let raw = raw.cast::<sys::SteamNetworkingMessagesSessionRequest_t>();
        // SAFETY: see above.
        SessionRequest(unsafe { identity_steam_id(&raw const (*raw).m_identityRemote) })
    }
}

/// `SteamNetworkingMessagesSessionFailed_t`: the session's connection as it failed.
struct SessionFailed(SteamConnectionInfo);

// SAFETY: as for `SessionRequest`; the info is read field by field.
unsafe impl Callback for SessionFailed {
    const ID: i32 = sys::SteamNetworkingMessagesSessionFailed_t_k_iCallback as i32;

    unsafe fn from_raw(raw: *mut c_void) -> Self {
        let raw = raw.cast::<sys::SteamNetworkingMessagesSessionFailed_t>();
        // SAFETY: see above.
        SessionFailed(unsafe { read_connection_info(&raw const (*raw).m_info) })
    }
}

/// Registers the two session callbacks, which become [`SteamEvent`]s in `queue`.
pub fn register(client: &Client, queue: &SharedQueue) -> Vec<CallbackHandle> {
    vec![
        on(client, queue, |raw: SessionRequest| {
            Some(SteamEvent::NetworkMessagesSessionRequest { remote: raw.0 })
        }),
        on(client, queue, |raw: SessionFailed| {
            Some(session_failed(&raw.0))
        }),
    ]
}

fn session_failed(failed: &SteamConnectionInfo) -> SteamEvent {
    SteamEvent::NetworkMessagesSessionFailed {
        reason: failed.info.end_reason,
        remote: failed.info.remote,
        state: failed.info.state as i32,
        debug: failed.info.end_debug.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const ALICE: SteamId = SteamId::individual(1);

    static RELEASED: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn count_release(_message: *mut sys::SteamNetworkingMessage_t) {
        RELEASED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn received_messages_keep_sender_channel_and_numbers_then_are_released() {
        let mut buffer = *b"chat";
        // SAFETY: all zeroes is a valid message: null pointers, no functions, zero numbers.
        let mut message: sys::SteamNetworkingMessage_t = unsafe { std::mem::zeroed() };
        message.m_pData = buffer.as_mut_ptr().cast();
        message.m_cbSize = buffer.len() as c_int;
        message.m_identityPeer = steam_identity(ALICE);
        message.m_nChannel = 3;
        message.m_nFlags = sys::k_nSteamNetworkingSend_Reliable;
        message.m_nMessageNumber = 41;
        message.m_usecTimeReceived = 1_500;
        message.m_pfnRelease = Some(count_release);
        // SAFETY: a live message whose release function is ours; the SDK's Release calls it.
        let taken = unsafe { take_message(&mut message) };
        assert_eq!(
            taken,
            ChannelMessage {
                data: b"chat".to_vec(),
                sender: ALICE,
                channel: 3,
                reliable: true,
                message_number: 41,
                time_received_usec: 1_500,
            }
        );
        assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_failed_session_keeps_who_why_and_the_state() {
        // SAFETY: all zeroes is a valid callback struct: an empty identity, state None.
        let mut raw: sys::SteamNetworkingMessagesSessionFailed_t = unsafe { std::mem::zeroed() };
        raw.m_info.m_identityRemote = steam_identity(ALICE);
        raw.m_info.m_eState =
            sys::ESteamNetworkingConnectionState::k_ESteamNetworkingConnectionState_ProblemDetectedLocally;
        raw.m_info.m_eEndReason = 5008;
        for (slot, byte) in raw.m_info.m_szEndDebug.iter_mut().zip(b"no route".iter()) {
            *slot = *byte as std::ffi::c_char;
        }
        // SAFETY: a pointer to a live callback struct, as Steam passes.
        let failed = unsafe { SessionFailed::from_raw((&raw mut raw).cast()) };
        assert_eq!(
            session_failed(&failed.0),
            SteamEvent::NetworkMessagesSessionFailed {
                reason: 5008,
                remote: ALICE,
                state: 5,
                debug: "no route".into(),
            }
        );
        let mut request = sys::SteamNetworkingMessagesSessionRequest_t {
            m_identityRemote: steam_identity(ALICE),
        };
        // SAFETY: as above.
        let asked = unsafe { SessionRequest::from_raw((&raw mut request).cast()) };
        assert_eq!(asked.0, ALICE);
    }
}
