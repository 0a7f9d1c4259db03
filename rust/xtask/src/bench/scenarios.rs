//! The benchmark's Godot scenarios: the same traffic over our peer in local mode and over
//! Godot's `ENetMultiplayerPeer`, in the same process layout (`tests/godot/e2e/bench_*.gd`).

use std::path::Path;
use std::time::Duration;

use smp_transport::local::steam_id_of;

use crate::e2e::{Backend, Process, Scenario, Screen};

/// Which peer a run measures.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Peer {
    /// `SteamMultiplayerPeer` in local mode.
    Steam,
    /// Godot's `ENetMultiplayerPeer` over loopback UDP.
    Enet,
}

impl Peer {
    pub const BOTH: [Peer; 2] = [Peer::Steam, Peer::Enet];

    pub fn name(self) -> &'static str {
        match self {
            Peer::Steam => "steam",
            Peer::Enet => "enet",
        }
    }
}

/// The two layouts: one link (host and one client), and a host with eight clients.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    Link,
    Crowd,
}

impl Layout {
    pub const ALL: [Layout; 2] = [Layout::Link, Layout::Crowd];

    pub fn name(self) -> &'static str {
        match self {
            Layout::Link => "link",
            Layout::Crowd => "crowd",
        }
    }

    fn script_name(self) -> &'static str {
        match self {
            Layout::Link => "bench_link",
            Layout::Crowd => "bench_crowd",
        }
    }
}

const CLIENT_NAMES: [&str; 8] = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"];

/// One run of `layout` over `peer`. Port bases 25000 to 25900: 25000 + 100 × (layout, peer,
/// quick) as bits; an ENet host's UDP port is its base + 1.
pub fn scenario(project: &Path, layout: Layout, peer: Peer, quick: bool) -> Scenario {
    let index = match layout {
        Layout::Link => 0,
        Layout::Crowd => 2,
    } + usize::from(peer == Peer::Enet)
        + if quick { 4 } else { 0 };
    let port_base = 25_000 + 100 * index as u16;
    let name = match (layout, peer, quick) {
        (Layout::Link, Peer::Steam, false) => "bench_link_steam",
        (Layout::Link, Peer::Enet, false) => "bench_link_enet",
        (Layout::Crowd, Peer::Steam, false) => "bench_crowd_steam",
        (Layout::Crowd, Peer::Enet, false) => "bench_crowd_enet",
        (Layout::Link, Peer::Steam, true) => "bench_quick_link_steam",
        (Layout::Link, Peer::Enet, true) => "bench_quick_link_enet",
        (Layout::Crowd, Peer::Steam, true) => "bench_quick_crowd_steam",
        (Layout::Crowd, Peer::Enet, true) => "bench_quick_crowd_enet",
    };
    let mut common = vec![
        format!("--scenario={}", layout.script_name()),
        format!("--host={}", steam_id_of(1).0),
        format!("--peer={}", peer.name()),
        format!("--enet-port={}", port_base + 1),
        format!("--quick={quick}"),
    ];
    if layout == Layout::Crowd {
        // Tells this run's start-up folder from another's (bench_crowd.gd's agree_on_start).
        common.push("--marker-ms={marker_ms}".to_owned());
    }
    let process = |name, user, start_after| Process::in_role(name, user, &common, start_after);
    let clients = match layout {
        Layout::Link => 1,
        Layout::Crowd => CLIENT_NAMES.len(),
    };
    let mut processes = vec![process("host", 1, None)];
    for (user, name) in (2..).zip(&CLIENT_NAMES[..clients]) {
        processes.push(process(name, user, Some(("host", "READY"))));
    }
    Scenario {
        name,
        project: project.to_owned(),
        script: Some("res://e2e/main.gd"),
        screen: Screen::Headless,
        processes,
        env: Vec::new(),
        port_base,
        timeout: Duration::from_secs(120),
        allowed_errors: Vec::new(),
        required: Vec::new(),
        agreement: None,
        no_warnings: true,
        backend: Backend::Local,
    }
}

/// The short form that `cargo xtask test` runs: every layout over both peers, small counts.
pub fn quick(project: &Path) -> Vec<Scenario> {
    Layout::ALL
        .into_iter()
        .flat_map(|layout| Peer::BOTH.map(|peer| scenario(project, layout, peer, true)))
        .collect()
}
