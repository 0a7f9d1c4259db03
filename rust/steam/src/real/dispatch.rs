//! Steam's callback dispatch, shared by [`super::RealSteam`] and every networking-sockets view,
//! so that there is one implementation and one "dispatch is broken" flag.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use log::error;
use parking_lot::Mutex;
use steamworks::Client;

/// The latest dispatcher's shared flag: alive while anything (a peer, after `steamShutdown`)
/// still holds one of its clones, and with it Steam's client.
static LATEST: Mutex<Weak<AtomicBool>> = Mutex::new(Weak::new());

/// Runs Steam's pending callbacks through the handlers registered with the crate. Clones share
/// the client and the broken flag.
#[derive(Clone)]
pub struct Dispatcher {
    client: Client,
    /// Set once a dispatch panicked: the crate's callback tables are poisoned then, so every
    /// later dispatch would panic again.
    broken: Arc<AtomicBool>,
}

impl Dispatcher {
    /// Dispatches `client`'s callbacks.
    pub fn new(client: &Client) -> Self {
        let broken = Arc::new(AtomicBool::new(false));
        *LATEST.lock() = Arc::downgrade(&broken);
        Dispatcher {
            client: client.clone(),
            broken,
        }
    }

    /// True while something this addon started on Steam still runs (peers outlive
    /// `Steam.steamShutdown()`), which keeps Steam initialized.
    pub fn still_in_use() -> bool {
        LATEST.lock().strong_count() > 0
    }

    /// Runs every pending callback, wherever it belongs: the `Steam` singleton's events land in
    /// its queue and connection status changes in the sockets hub, whoever dispatches.
    ///
    /// The handlers take the event queue's and the hub's locks, so the caller must hold
    /// neither. Never `Client::process_callbacks`: that runs the crate's `LobbyChatUpdate`
    /// decoder, which panics on combined member-state flags.
    pub fn run(&self) {
        if self.broken.load(Ordering::Relaxed) {
            return;
        }
        // Our handlers only decode and queue; a panic could only come from the crate's own
        // call-result decoding. It must not unwind into Godot.
        let dispatched = catch_unwind(AssertUnwindSafe(|| self.client.run_callbacks()));
        if dispatched.is_err() {
            self.broken.store(true, Ordering::Relaxed);
            error!("Steam callback dispatch panicked; Steam callbacks are off until restart");
        }
    }
}
