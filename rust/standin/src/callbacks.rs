//! Manual callback dispatch (`SteamAPI_ManualDispatch_*`): each frame turns what the
//! emulation reports into callbacks ([`crate::dispatch`]), and the application takes them one
//! at a time.

use std::os::raw::c_int;
use std::time::Instant;

use smp_steam::SteamApi;
use smp_transport::Sockets;
use steamworks_sys as sys;

use crate::events;
use crate::init::PIPE;
use crate::state::{STANDIN, Standin, with};

impl Standin {
    /// One frame of Steam's: the emulation moves on, and what it reports becomes callbacks.
    fn run_frame(&mut self) {
        self.steam.pump();
        self.sockets.pump(Instant::now());
        let mut reported = Vec::new();
        self.steam.drain_events(&mut reported);
        for event in reported {
            events::post_event(self, event);
        }
        while let Some(change) = self.sockets.next_status_change() {
            self.net.note_status(&change);
            let bytes = events::status_changed(&change);
            self.dispatch.post(
                sys::SteamNetConnectionStatusChangedCallback_t_k_iCallback as c_int,
                bytes,
            );
        }
        self.net.sort_incoming(&mut self.sockets);
    }
}

/// `SteamAPI_ManualDispatch_Init`: dispatch is always manual here.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ManualDispatch_Init() {}

/// `SteamAPI_ManualDispatch_RunFrame`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ManualDispatch_RunFrame(pipe: sys::HSteamPipe) {
    if pipe == PIPE {
        with((), Standin::run_frame);
    }
}

/// `SteamAPI_ManualDispatch_GetNextCallback`: the oldest callback, valid until
/// `FreeLastCallback`.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ManualDispatch_GetNextCallback(
    pipe: sys::HSteamPipe,
    message: *mut sys::CallbackMsg_t,
) -> bool {
    if pipe != PIPE || message.is_null() {
        return false;
    }
    let mut slot = STANDIN.lock();
    let Some(standin) = slot.as_mut() else {
        return false;
    };
    let Some(current) = standin.dispatch.next() else {
        return false;
    };
    // SAFETY: the caller passes a writable `CallbackMsg_t`; the bytes pointed to stay in
    // `current` until `FreeLastCallback` or the next call.
    unsafe {
        crate::raw::write_fields!(
            message,
            sys::CallbackMsg_t {
                m_hSteamUser: 1 as sys::HSteamUser,
                m_iCallback: current.id,
                m_pubParam: current.bytes.as_mut_ptr(),
                m_cubParam: current.bytes.len() as c_int,
            }
        );
    }
    true
}

/// `SteamAPI_ManualDispatch_FreeLastCallback`.
#[unsafe(no_mangle)]
extern "C" fn SteamAPI_ManualDispatch_FreeLastCallback(pipe: sys::HSteamPipe) {
    if pipe == PIPE {
        with((), |standin| standin.dispatch.free_last());
    }
}

/// `SteamAPI_ManualDispatch_GetAPICallResult`: copies a finished call's result once; false
/// for an unknown call, another callback id, or a buffer too small.
#[unsafe(no_mangle)]
unsafe extern "C" fn SteamAPI_ManualDispatch_GetAPICallResult(
    pipe: sys::HSteamPipe,
    call: sys::SteamAPICall_t,
    out: *mut std::ffi::c_void,
    out_size: c_int,
    expected: c_int,
    failed: *mut bool,
) -> bool {
    if pipe != PIPE || out.is_null() {
        return false;
    }
    with(false, |standin| {
        let Some(result) = standin.dispatch.take_result(call, expected, out_size) else {
            return false;
        };
        // SAFETY: `out` has room for `out_size` bytes, checked to hold the result; `failed` is
        // null or writable.
        unsafe {
            std::ptr::copy_nonoverlapping(result.bytes.as_ptr(), out.cast(), result.bytes.len());
            if !failed.is_null() {
                failed.write(false);
            }
        }
        true
    })
}
