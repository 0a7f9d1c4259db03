//! The ENet-style game (`tests/godot/e2e/enet_game.gd`): one script, run on our peer in both
//! topologies, on both transports, with and without fault injection, and on Godot's
//! `ENetMultiplayerPeer` as the control.

use std::path::Path;
use std::time::Duration;

use smp_transport::local::steam_id_of;

use crate::e2e::{Backend, Process, Scenario, Screen};
use crate::scenarios::faults;

/// Where a run's peers come from.
#[derive(Clone, Copy)]
enum Peers {
    /// `SteamMultiplayerPeer` in local mode: the host's `server_relay`, and the legacy P2P
    /// transport or not.
    Steam { relay: bool, legacy_p2p: bool },
    /// Godot's `ENetMultiplayerPeer` over loopback UDP.
    Enet,
}

/// How the host's game ends.
#[derive(Clone, Copy)]
enum Ending {
    /// It quits, its peer and world in place (a window closed).
    Quit,
    /// It stops, closes its peer, then quits.
    Close,
}

/// Every run of the game. Port bases 24000 to 24900 (below Linux's ephemeral
/// ports, 32768 and up, which outgoing connections take); an ENet control's UDP port is its base + 1.
pub fn scenarios(project: &Path) -> Vec<Scenario> {
    let mut runs = Vec::new();
    let mut port_base = 24_000;
    for (relay, legacy_p2p, faulty, name) in [
        (false, false, true, "enet_game"),
        (false, false, false, "enet_game_clean"),
        (true, false, true, "enet_game_relay"),
        (true, false, false, "enet_game_relay_clean"),
        (false, true, true, "enet_game_legacy"),
        (false, true, false, "enet_game_legacy_clean"),
        (true, true, true, "enet_game_relay_legacy"),
        (true, true, false, "enet_game_relay_legacy_clean"),
    ] {
        let peers = Peers::Steam { relay, legacy_p2p };
        // With faults the host quits as it is; without, it closes its peer first.
        let ending = if faulty { Ending::Quit } else { Ending::Close };
        runs.push(game(project, name, peers, faulty, ending, port_base));
        port_base += 100;
    }
    for (ending, name) in [
        (Ending::Quit, "enet_game_enet"),
        (Ending::Close, "enet_game_enet_close"),
    ] {
        runs.push(game(project, name, Peers::Enet, false, ending, port_base));
        port_base += 100;
    }
    runs
}

fn game(
    project: &Path,
    name: &'static str,
    peers: Peers,
    faulty: bool,
    ending: Ending,
    port_base: u16,
) -> Scenario {
    let mut extra = vec![
        "--scenario=enet_game".to_owned(),
        format!("--host={}", steam_id_of(1).0),
    ];
    if let Ending::Close = ending {
        extra.push("--host-ends=close".to_owned());
    }
    match peers {
        Peers::Steam { relay, legacy_p2p } => {
            extra.push(format!("--relay={relay}"));
            if legacy_p2p {
                extra.push("--transport=legacy_p2p".to_owned());
            }
        }
        Peers::Enet => {
            extra.push("--peer=enet".to_owned());
            extra.push(format!("--enet-port={}", port_base + 1));
        }
    }
    let process = |name, user, start_after| Process::in_role(name, user, &extra, start_after);
    Scenario {
        name,
        project: project.to_owned(),
        script: Some("res://e2e/main.gd"),
        screen: Screen::Headless,
        processes: vec![
            process("host", 1, None),
            process("a", 2, Some(("host", "READY"))),
            process("b", 3, Some(("host", "READY"))),
            process("late", 4, Some(("host", "START LATE"))),
        ],
        env: if faulty { faults() } else { Vec::new() },
        port_base,
        timeout: Duration::from_secs(90),
        allowed_errors: Vec::new(),
        required: vec!["FIGURE: the late joiner was connected"],
        agreement: Some("AGREE"),
        no_warnings: true,
        backend: Backend::Local,
    }
}
