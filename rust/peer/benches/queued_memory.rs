//! Heap held per packet that waits for Godot to read it: a host receives a backlog of 64-byte
//! packets without reading them, and a counting allocator measures what the backlog holds.
//!
//! `cargo bench -p smp_peer --bench queued_memory` prints `queued_bytes=<bytes per packet>`.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

use smp_peer::{HOST_PEER_ID, TransferMode};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// A backlog of about 8 frames of 125 packets.
const BACKLOG: usize = 1000;

fn main() {
    let mut pair = support::connected_pair();
    let payload = [7u8; 64];
    let before = LIVE.load(Ordering::Relaxed);
    for _ in 0..BACKLOG {
        pair.client
            .send(HOST_PEER_ID, 0, TransferMode::Unreliable, &payload)
            .expect("the host is connected");
        pair.host.poll(Instant::now());
    }
    let held = LIVE.load(Ordering::Relaxed) - before;
    assert_eq!(pair.host.session().available_packets(), BACKLOG);
    println!(
        "queued_bytes={:.1} (payload {} bytes, {BACKLOG} packets waiting)",
        held as f64 / BACKLOG as f64,
        payload.len()
    );
}
