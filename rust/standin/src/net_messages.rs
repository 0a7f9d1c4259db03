//! `ISteamNetworkingMessages`: messages to users over local mode's sessions.

use std::os::raw::c_int;

use smp_steam::{NetworkingMessages, SteamApi, SteamId};
use steamworks_sys as sys;

use crate::conn_info::{write_info_fields, write_status};
use crate::identity::read_identity;
use crate::messages::on_channel;
use crate::sockets::eresult;
use crate::state::with;

/// Runs `call` on the emulation's networking messages with the user `identity` names;
/// `refused` when it names no user (Steam refuses those), `neutral` before initialization.
///
/// # Safety
///
/// `identity` is null or points to a readable identity.
unsafe fn with_user<R>(
    identity: *const sys::SteamNetworkingIdentity,
    (refused, neutral): (R, R),
    call: impl FnOnce(&mut dyn NetworkingMessages, SteamId) -> R,
) -> R {
    // SAFETY: see above.
    let Some(user) = (unsafe { read_identity(identity) }) else {
        return refused;
    };
    with(neutral, |standin| {
        call(standin.steam.networking_messages(), user)
    })
}

/// `SendMessageToUser`: an `EResult`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingMessages_SendMessageToUser(
    _: *mut sys::ISteamNetworkingMessages,
    identity: *const sys::SteamNetworkingIdentity,
    data: *const std::ffi::c_void,
    size: u32,
    flags: c_int,
    channel: c_int,
) -> c_int {
    let data = if data.is_null() || size == 0 {
        &[][..]
    } else {
        // SAFETY: the caller passes `size` readable bytes.
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size as usize) }
    };
    let answers = (eresult::INVALID_PARAM, eresult::NO_CONNECTION);
    // SAFETY: the caller passes an identity, or null.
    unsafe {
        with_user(identity, answers, |messages, to| {
            messages.send_message_to_user(to, data, flags as u32, channel)
        })
    }
}

/// `ReceiveMessagesOnChannel`: up to `max` messages, oldest first.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingMessages_ReceiveMessagesOnChannel(
    _: *mut sys::ISteamNetworkingMessages,
    channel: c_int,
    out: *mut *mut sys::SteamNetworkingMessage_t,
    max: c_int,
) -> c_int {
    let max = usize::try_from(max).unwrap_or(0);
    if out.is_null() || max == 0 {
        return 0;
    }
    let received = with(Vec::new(), |standin| {
        let messages = standin.steam.networking_messages();
        messages.receive_messages_on_channel(channel, max)
    });
    let count = received.len().min(max);
    for (index, message) in received.into_iter().take(count).enumerate() {
        // SAFETY: the caller has room for `max` pointers at `out`.
        unsafe { out.add(index).write(on_channel(message)) };
    }
    count as c_int
}

/// `AcceptSessionWithUser`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingMessages_AcceptSessionWithUser(
    _: *mut sys::ISteamNetworkingMessages,
    identity: *const sys::SteamNetworkingIdentity,
) -> bool {
    // SAFETY: the caller passes an identity, or null.
    unsafe {
        with_user(identity, (false, false), |messages, from| {
            messages.accept_session_with_user(from)
        })
    }
}

/// `CloseSessionWithUser`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingMessages_CloseSessionWithUser(
    _: *mut sys::ISteamNetworkingMessages,
    identity: *const sys::SteamNetworkingIdentity,
) -> bool {
    // SAFETY: the caller passes an identity, or null.
    unsafe {
        with_user(identity, (false, false), |messages, user| {
            messages.close_session_with_user(user)
        })
    }
}

/// `CloseChannelWithUser`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingMessages_CloseChannelWithUser(
    _: *mut sys::ISteamNetworkingMessages,
    identity: *const sys::SteamNetworkingIdentity,
    channel: c_int,
) -> bool {
    // SAFETY: the caller passes an identity, or null.
    unsafe {
        with_user(identity, (false, false), |messages, user| {
            messages.close_channel_with_user(user, channel)
        })
    }
}

/// `GetSessionConnectionInfo`: the session's state (`k_ESteamNetworkingConnectionState_None`
/// when there is none), with its info and, while connected, its measurements.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamNetworkingMessages_GetSessionConnectionInfo(
    _: *mut sys::ISteamNetworkingMessages,
    identity: *const sys::SteamNetworkingIdentity,
    info: *mut sys::SteamNetConnectionInfo_t,
    status: *mut sys::SteamNetConnectionRealTimeStatus_t,
) -> c_int {
    const NONE: c_int =
        sys::ESteamNetworkingConnectionState::k_ESteamNetworkingConnectionState_None as c_int;
    // SAFETY: the caller passes an identity, or null.
    let session = unsafe {
        with_user(identity, (None, None), |messages, user| {
            Some((user, messages.session_connection_info(user)?))
        })
    };
    let Some((user, session)) = session else {
        return NONE;
    };
    let state = session.state as i32;
    // SAFETY: the caller passes a writable info and status, or nulls.
    unsafe {
        if !info.is_null() {
            let end = (session.end_reason, session.end_debug.as_str());
            write_info_fields(info.cast(), user, state, end, &session.description, None);
            let flags = (&raw mut (*info).m_nFlags).cast::<c_int>();
            flags.write_unaligned(session.flags);
        }
        if !status.is_null()
            && let Some(quality) = &session.quality
        {
            write_status(status, state, quality);
        }
    }
    state
}
