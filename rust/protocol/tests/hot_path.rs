//! The packet path allocates nothing per packet: sending builds headers on the stack, and
//! receiving moves the buffer it is given into the queue.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Instant;

use smp_protocol::{Action, Config, ConnectionId, Session, SteamId, TransferMode};

/// Counts the allocations made by the thread that asked for counting.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations_during(body: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|c| c.set(true));
    body();
    COUNTING.with(|c| c.set(false));
    COUNT.with(Cell::get)
}

type Peer = Session<Vec<u8>>;

/// A host with three connected clients, joined by hand over a perfect link; also each
/// client's connection to the host.
fn host_with_clients() -> (Peer, Vec<Peer>, Vec<ConnectionId>) {
    let now = Instant::now();
    let host_id = SteamId::individual(1);
    let mut host = Session::new(Config::default(), host_id, 1);
    host.start_host().unwrap();
    let mut clients = Vec::new();
    let mut conns = Vec::new();
    for i in 0..3u32 {
        let steam = SteamId::individual(2 + i);
        let (on_client, on_host) = (ConnectionId(100 + i), ConnectionId(200 + i));
        let mut client = Session::new(Config::default(), steam, 10 + u64::from(i));
        client.start_client(host_id, now).unwrap();
        client.on_dialed(on_client, host_id, now);
        host.on_connection_request(on_host, steam, now);
        host.on_connected(on_host, now);
        client.on_connected(on_client, now);
        // Cross the handshake messages until both sides are quiet.
        for _ in 0..4 {
            while let Some(action) = host.poll_action() {
                if let Action::SendControl { message, .. } = action {
                    client.on_message(on_client, message.as_slice().to_vec(), now);
                }
            }
            while let Some(action) = client.poll_action() {
                if let Action::SendControl { message, .. } = action {
                    host.on_message(on_host, message.as_slice().to_vec(), now);
                }
            }
        }
        while client.poll_event().is_some() {}
        clients.push(client);
        conns.push(on_client);
    }
    while host.poll_event().is_some() {}
    assert_eq!(host.peer_ids().count(), 3);
    (host, clients, conns)
}

#[test]
fn sending_allocates_nothing() {
    let (mut host, _, _) = host_with_clients();
    let payload = [7u8; 200];
    let mut sent = 0usize;
    for mode in [
        TransferMode::Reliable,
        TransferMode::Unreliable,
        TransferMode::UnreliableOrdered,
    ] {
        let allocations = allocations_during(|| {
            for n in 0..10_000 {
                host.send(0, n % 4, mode, payload.len(), |_, _, _, header| {
                    sent += header.len();
                    Ok::<(), ()>(())
                })
                .unwrap();
            }
        });
        assert_eq!(
            allocations, 0,
            "{mode:?}: broadcasting 10 000 packets to 3 peers allocated"
        );
    }
    assert_eq!(
        sent,
        3 * 10_000 * (1 + 3 + 3),
        "header bytes per packet: 1 reliable, 3 unreliable"
    );
}

#[test]
fn receiving_allocates_nothing_beyond_the_buffer() {
    let (mut host, mut clients, conns) = host_with_clients();
    let now = Instant::now();
    let client_id = clients[0].unique_id();
    let mut messages: Vec<Vec<u8>> = Vec::with_capacity(30_000);
    for mode in [
        TransferMode::Reliable,
        TransferMode::Unreliable,
        TransferMode::UnreliableOrdered,
    ] {
        for n in 0..10_000 {
            host.send(client_id, n % 4, mode, 8, |_, _, _, header| {
                let mut message = header.to_vec();
                message.extend_from_slice(&[1; 8]);
                messages.push(message);
                Ok::<(), ()>(())
            })
            .unwrap();
        }
    }
    // Warm the queue up once, as a running game has.
    clients[0].on_message(conns[0], messages.remove(0), now);
    clients[0].pop_packet().unwrap();
    let mut delivered = 0;
    let allocations = allocations_during(|| {
        for message in messages.drain(..) {
            clients[0].on_message(conns[0], message, now);
            while let Some(packet) = clients[0].pop_packet() {
                delivered += packet.payload().len();
            }
        }
    });
    assert_eq!(allocations, 0, "receiving 30 000 packets allocated");
    assert_eq!(delivered, (30_000 - 1) * 8);
}
