//! Manual callback dispatch (`SteamAPI_ManualDispatch_*`): callbacks and call results queue
//! up as the SDK's structs, and the application takes them one at a time.

use std::collections::{HashMap, VecDeque};
use std::os::raw::c_int;
use std::time::Instant;

use smp_steam::SteamApi;
use smp_transport::Sockets;
use steamworks_sys as sys;

use crate::init::{PIPE, Standin};
use crate::raw::callback_bytes;
use crate::{STANDIN, events, with};

/// Callbacks kept for an application that never dispatches: past this the oldest go, as
/// the emulation's own event queue does.
const MAX_PENDING: usize = 4096;

/// A callback waiting for dispatch: its id and its struct's bytes.
struct Pending {
    id: c_int,
    bytes: Vec<u8>,
}

/// What waits for `SteamAPI_ManualDispatch_GetNextCallback` and `GetAPICallResult`.
#[derive(Default)]
pub struct Dispatch {
    pending: VecDeque<Pending>,
    /// The callback handed out last; its bytes stay put until `FreeLastCallback`.
    current: Option<Pending>,
    /// Finished calls' results, by call handle: the result's callback id and bytes.
    results: HashMap<sys::SteamAPICall_t, Pending>,
    last_call: sys::SteamAPICall_t,
}

impl Dispatch {
    /// Queues a callback.
    pub fn post(&mut self, id: c_int, bytes: Vec<u8>) {
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(Pending { id, bytes });
    }

    /// A new call handle, never `k_uAPICallInvalid` (0).
    pub fn new_call(&mut self) -> sys::SteamAPICall_t {
        self.last_call += 1;
        self.last_call
    }

    /// Finishes `call` with result `bytes` (of callback `id`), announced by a
    /// `SteamAPICallCompleted_t`, as Steam does.
    pub fn complete(&mut self, call: sys::SteamAPICall_t, id: c_int, bytes: Vec<u8>) {
        let completed = callback_bytes!(sys::SteamAPICallCompleted_t {
            m_hAsyncCall: call,
            m_iCallback: id,
            m_cubParam: bytes.len() as u32,
        });
        self.results.insert(call, Pending { id, bytes });
        self.post(sys::SteamAPICallCompleted_t_k_iCallback as c_int, completed);
    }
}

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
    let dispatch = &mut standin.dispatch;
    let Some(next) = dispatch.pending.pop_front() else {
        return false;
    };
    let current = dispatch.current.insert(next);
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
        with((), |standin| standin.dispatch.current = None);
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
        let results = &mut standin.dispatch.results;
        let fits = results.get(&call).is_some_and(|result| {
            result.id == expected
                && usize::try_from(out_size).is_ok_and(|n| n >= result.bytes.len())
        });
        if !fits {
            return false;
        }
        let result = results.remove(&call).expect("checked above");
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
