//! The core alone, without Godot or sockets: a client's session and driver put a 64-byte
//! packet, the host's poll takes it from the in-memory transport, and the host gets it, as
//! Godot's `put_packet`, `poll` and `get_packet` do. Time and heap allocations per packet.
//!
//! `cargo bench -p smp_peer --bench core`; `cargo xtask bench` runs it and reads the figures.

mod support;

use std::time::Instant;

use smp_peer::{HOST_PEER_ID, TransferMode};
use support::{Pair, connected_pair};

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

const PAYLOAD: [u8; 64] = [7; 64];

fn put_poll_get(bencher: divan::Bencher, mode: TransferMode) {
    let mut pair: Pair = connected_pair();
    // Let every queue reach its working size before measuring the steady state.
    for _ in 0..1000 {
        round_trip(&mut pair, mode);
    }
    bencher.bench_local(|| round_trip(&mut pair, mode));
}

fn round_trip(pair: &mut Pair, mode: TransferMode) {
    pair.client
        .send(HOST_PEER_ID, 0, mode, &PAYLOAD)
        .expect("the host is connected");
    pair.host.poll(Instant::now());
    let packet = pair.host.pop_packet().expect("the packet arrived");
    divan::black_box(packet.payload());
}

#[divan::bench]
fn unreliable(bencher: divan::Bencher) {
    put_poll_get(bencher, TransferMode::Unreliable);
}

#[divan::bench]
fn reliable(bencher: divan::Bencher) {
    put_poll_get(bencher, TransferMode::Reliable);
}
