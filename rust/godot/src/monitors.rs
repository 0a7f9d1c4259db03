//! Steam's numbers in the Monitors tab of Godot's debugger, as `Performance` custom monitors:
//! for every connected peer (`Steam peer <id>/...`) and in total (`Steam/...`). They come and
//! go with the peers.

use std::cell::RefCell;

use godot::classes::Performance;
use godot::obj::InstanceId;
use godot::prelude::*;
use smp_peer::ConnectionQuality;

use crate::peer_handle::PeerHandle;

/// A measure of one connection: its name in the Monitors tab, and how to read it. The
/// debugger wants zero or more, so "not measured yet" reads as 0.
type Measure = (&'static str, fn(&ConnectionQuality) -> f64);

const PER_PEER: [Measure; 6] = [
    ("Ping (ms)", |q| f64::from(q.ping_ms.max(0))),
    ("Packets in per second", |q| f64::from(q.in_packets_per_sec)),
    ("Packets out per second", |q| {
        f64::from(q.out_packets_per_sec)
    }),
    ("Bytes in per second", |q| f64::from(q.in_bytes_per_sec)),
    ("Bytes out per second", |q| f64::from(q.out_bytes_per_sec)),
    ("Loss (%)", loss_percent),
];

const TOTAL_CATEGORY: &str = "Steam";
const PEERS: &str = "Peers";
const AVERAGE_PING: &str = "Ping, average (ms)";
const AVERAGE_LOSS: &str = "Loss, average (%)";

fn loss_percent(quality: &ConnectionQuality) -> f64 {
    if quality.quality_local < 0.0 {
        0.0
    } else {
        (1.0 - f64::from(quality.quality_local)) * 100.0
    }
}

/// The connected peers that have monitors, and their category in the Monitors tab.
#[derive(Default)]
struct Registry {
    peers: Vec<(PeerHandle, String)>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::default();
}

/// Adds the monitors of `peer`, and the totals with the first peer.
pub fn peer_connected(peer: PeerHandle) {
    let PeerHandle { owner, peer_id, .. } = peer;
    let mut performance = Performance::singleton();
    let category = REGISTRY.with_borrow(|registry| {
        let taken = |name: &str| registry.peers.iter().any(|(_, c)| c == name);
        let plain = format!("Steam peer {peer_id}");
        // Two multiplayer peers of one process can both have a peer with this id.
        if taken(&plain) {
            format!("Steam peer {peer_id} of {owner}")
        } else {
            plain
        }
    });
    if REGISTRY.with_borrow(|registry| registry.peers.is_empty()) {
        add_totals(&mut performance);
    }
    for (name, read) in PER_PEER {
        let monitor = Callable::from_fn("smp_peer_monitor", move |_| {
            peer.quality().map_or(0.0, |quality| read(&quality))
        });
        performance.add_custom_monitor(&format!("{category}/{name}"), &monitor);
    }
    REGISTRY.with_borrow_mut(|registry| registry.peers.push((peer, category)));
}

/// Removes the monitors of peer `peer_id` of `owner`, and the totals with the last peer.
pub fn peer_disconnected(owner: InstanceId, peer_id: i32) {
    forget(|(peer, _)| peer.owner == owner && peer.peer_id == peer_id);
}

/// Removes the monitors of every peer of `owner` (closed or freed).
pub fn owner_closed(owner: InstanceId) {
    forget(|(peer, _)| peer.owner == owner);
}

fn forget(which: impl Fn(&(PeerHandle, String)) -> bool) {
    let (gone, now_empty) = REGISTRY.with_borrow_mut(|registry| {
        let (gone, kept) = std::mem::take(&mut registry.peers)
            .into_iter()
            .partition::<Vec<_>, _>(&which);
        registry.peers = kept;
        (gone, registry.peers.is_empty())
    });
    if gone.is_empty() {
        return;
    }
    let mut performance = Performance::singleton();
    for (_, category) in gone {
        for (name, _) in PER_PEER {
            performance.remove_custom_monitor(&format!("{category}/{name}"));
        }
    }
    if now_empty {
        for name in total_names() {
            performance.remove_custom_monitor(&format!("{TOTAL_CATEGORY}/{name}"));
        }
    }
}

fn total_names() -> impl Iterator<Item = &'static str> {
    [PEERS, AVERAGE_PING, AVERAGE_LOSS]
        .into_iter()
        .chain(PER_PEER[1..5].iter().map(|(name, _)| *name))
}

fn add_totals(performance: &mut Gd<Performance>) {
    let count = Callable::from_fn("smp_total_monitor", |_| every_quality().len() as f64);
    performance.add_custom_monitor(&format!("{TOTAL_CATEGORY}/{PEERS}"), &count);
    let average = |read: fn(&ConnectionQuality) -> f64| {
        Callable::from_fn("smp_total_monitor", move |_| {
            let qualities = every_quality();
            let sum: f64 = qualities.iter().map(read).sum();
            sum / qualities.len().max(1) as f64
        })
    };
    let (ping, loss) = (PER_PEER[0].1, PER_PEER[5].1);
    performance.add_custom_monitor(&format!("{TOTAL_CATEGORY}/{AVERAGE_PING}"), &average(ping));
    performance.add_custom_monitor(&format!("{TOTAL_CATEGORY}/{AVERAGE_LOSS}"), &average(loss));
    for (name, read) in &PER_PEER[1..5] {
        let read = *read;
        let sum = Callable::from_fn("smp_total_monitor", move |_| {
            every_quality().iter().map(read).sum::<f64>()
        });
        performance.add_custom_monitor(&format!("{TOTAL_CATEGORY}/{name}"), &sum);
    }
}

fn every_quality() -> Vec<ConnectionQuality> {
    let peers: Vec<PeerHandle> =
        REGISTRY.with_borrow(|registry| registry.peers.iter().map(|(peer, _)| *peer).collect());
    peers.iter().filter_map(PeerHandle::quality).collect()
}
