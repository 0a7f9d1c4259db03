//! Lobby chat: sending a message, and reading an entry that `LobbyChatMsg_t` announced.

use std::os::raw::c_int;

use smp_steam::{SteamApi, SteamId};
use steamworks_sys as sys;

use crate::c_strings::copy_text;
use crate::state::with;

/// `SendLobbyChatMsg`: the body up to its first NUL is the text.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_SendLobbyChatMsg(
    _: *mut sys::ISteamMatchmaking,
    lobby: u64,
    body: *const std::ffi::c_void,
    size: c_int,
) -> bool {
    let size = usize::try_from(size).unwrap_or(0);
    if body.is_null() || size == 0 {
        return false;
    }
    // SAFETY: the caller passes `size` readable bytes.
    let body = unsafe { std::slice::from_raw_parts(body.cast::<u8>(), size) };
    let end = body.iter().position(|&b| b == 0).unwrap_or(body.len());
    let message = String::from_utf8_lossy(&body[..end]).into_owned();
    with(false, |standin| {
        standin
            .steam
            .send_lobby_chat_message(SteamId(lobby), &message)
    })
}

/// `GetLobbyChatEntry`: the entry's sender, text (with its NUL, cut to the buffer) and type;
/// the bytes copied, 0 for an entry no longer kept.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ISteamMatchmaking_GetLobbyChatEntry(
    _: *mut sys::ISteamMatchmaking,
    _lobby: u64,
    chat_id: c_int,
    sender: *mut sys::CSteamID,
    out: *mut std::ffi::c_void,
    out_size: c_int,
    kind: *mut c_int,
) -> c_int {
    let entry = with(None, |standin| {
        let id = u32::try_from(chat_id).ok()?;
        standin.matchmaking.chat.entry(id).cloned()
    });
    let Some((from, message, entry_kind)) = entry else {
        return 0;
    };
    // SAFETY: the caller passes a writable sender and type, or nulls, and `out_size` bytes at
    // `out`.
    unsafe {
        if !sender.is_null() {
            sender.cast::<u64>().write_unaligned(from.0);
        }
        if !kind.is_null() {
            kind.write_unaligned(c_int::from(entry_kind));
        }
        copy_text(message.as_bytes(), out.cast(), out_size) as c_int
    }
}
