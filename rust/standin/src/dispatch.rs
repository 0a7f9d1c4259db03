//! The queue of callbacks and call results waiting for the application, as the SDK's structs.

use std::collections::{HashMap, VecDeque};
use std::os::raw::c_int;

use steamworks_sys as sys;

use crate::raw::callback_bytes;

/// Callbacks kept for an application that never dispatches: past this the oldest go, as
/// the emulation's own event queue does.
const MAX_PENDING: usize = 4096;

/// A callback waiting for dispatch: its id and its struct's bytes.
pub struct Pending {
    /// The callback id.
    pub id: c_int,
    /// The callback's struct.
    pub bytes: Vec<u8>,
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

    /// Hands out the oldest callback, which stays put until [`Dispatch::free_last`] or the
    /// next one; `None` when none waits.
    pub fn next(&mut self) -> Option<&mut Pending> {
        let next = self.pending.pop_front()?;
        Some(self.current.insert(next))
    }

    /// Lets go of the callback handed out last.
    pub fn free_last(&mut self) {
        self.current = None;
    }

    /// Takes the result of `call` if it is of callback `expected` and fits in `room` bytes;
    /// otherwise it stays.
    pub fn take_result(
        &mut self,
        call: sys::SteamAPICall_t,
        expected: c_int,
        room: c_int,
    ) -> Option<Pending> {
        let fits = self.results.get(&call).is_some_and(|result| {
            result.id == expected && usize::try_from(room).is_ok_and(|n| n >= result.bytes.len())
        });
        if !fits {
            return None;
        }
        self.results.remove(&call)
    }
}
