//! Steam's callbacks for more than one reader. `run_callbacks` turns them into the [Steam]
//! singleton's signals; a peer started with GodotSteam's earlier lobby calls also needs those
//! of its lobby, and the backend hands each event out only once. While a peer has a tap open,
//! whoever pumps Steam moves its events here, where every tap and `run_callbacks` get a copy.

use std::collections::{HashMap, VecDeque};

use godot::global::godot_warn;
use smp_steam::{SteamApi, SteamEvent};

/// Events kept for a game that never dispatches them, as the backends keep.
const MAX_PENDING: usize = 4096;

/// One reader's handle.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TapId(u64);

/// The readers of Steam's events besides `run_callbacks`.
#[derive(Default)]
pub struct Taps {
    next: u64,
    taps: HashMap<TapId, Vec<SteamEvent>>,
    /// What `run_callbacks` has not emitted yet, once taps drain the backend.
    pending: VecDeque<SteamEvent>,
    warned: bool,
}

impl Taps {
    /// A new reader: it gets every event from now on.
    pub fn open(&mut self) -> TapId {
        self.next += 1;
        let id = TapId(self.next);
        self.taps.insert(id, Vec::new());
        id
    }

    /// Forgets a reader.
    pub fn close(&mut self, tap: TapId) {
        self.taps.remove(&tap);
    }

    /// Moves what `api` queued to every reader and to `run_callbacks`.
    pub fn collect(&mut self, api: &mut dyn SteamApi) {
        let mut events = Vec::new();
        api.drain_events(&mut events);
        for queue in self.taps.values_mut() {
            queue.extend(events.iter().cloned());
        }
        self.pending.extend(events);
        let excess = self.pending.len().saturating_sub(MAX_PENDING);
        if excess > 0 && !self.warned {
            self.warned = true;
            godot_warn!(
                "Steam callbacks are piling up: call Steam.run_callbacks() every frame, or enable embedded callbacks"
            );
        }
        self.pending.drain(..excess);
    }

    /// What `run_callbacks` emits now, oldest first.
    pub fn take_pending(&mut self) -> Vec<SteamEvent> {
        self.pending.drain(..).collect()
    }

    /// What reader `tap` has not read yet, oldest first; nothing for a closed tap.
    pub fn take(&mut self, tap: TapId) -> Vec<SteamEvent> {
        self.taps
            .get_mut(&tap)
            .map(std::mem::take)
            .unwrap_or_default()
    }
}
