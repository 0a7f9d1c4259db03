//! The end-to-end scenarios: who plays, with which local user, started when.

use std::path::Path;
use std::time::Duration;

use smp_transport::local::steam_id_of;

use crate::e2e::{CONFLICT_ERRORS, Process, Scenario, Screen};

/// Mild faults for every scenario, so that each mode's guarantee is checked for real.
pub fn faults() -> Vec<(&'static str, String)> {
    vec![
        ("STEAM_FAKE_PACKET_LOSS", "2".into()),
        ("STEAM_FAKE_PACKET_LAG", "5".into()),
        ("STEAM_FAKE_PACKET_JITTER", "5".into()),
        ("STEAM_FAKE_PACKET_REORDER", "2".into()),
        ("STEAM_FAKE_PACKET_DUP", "2".into()),
    ]
}

fn steam(user: u32) -> String {
    steam_id_of(user).0.to_string()
}

fn args(scenario: &str, role: &str, extra: &[(&str, String)]) -> Vec<String> {
    let mut args = vec![format!("--scenario={scenario}"), format!("--role={role}")];
    args.extend(extra.iter().map(|(key, value)| format!("--{key}={value}")));
    args
}

/// The first process of a scenario, started at once.
fn host(scenario: &str, extra: &[(&str, String)], kill_on: Option<&'static str>) -> Process {
    Process {
        name: "host",
        user: 1,
        args: args(scenario, "host", extra),
        start_after: None,
        kill_on,
    }
}

/// A client, started once the host prints `READY`.
fn client(scenario: &str, name: &'static str, user: u32, extra: &[(&str, String)]) -> Process {
    Process {
        name,
        user,
        args: args(scenario, name, extra),
        start_after: Some(("host", "READY")),
        kill_on: None,
    }
}

/// Which integration a conflict scenario loads first, and so expects to own `Steam`.
#[derive(Clone, Copy)]
pub enum LoadedFirst {
    /// The other integration (`addons/godotsteam` sorts first, as GodotSteam's folder does).
    Other,
    /// This addon.
    Ours,
}

/// A game with this addon and another Steam integration: the conflict is reported whichever
/// loads first, `Steam.*` goes to the first, the peer still works in local mode, and nothing
/// crashes.
pub fn conflict(project: &Path, first: LoadedFirst) -> Scenario {
    let (name, winner) = match first {
        LoadedFirst::Other => ("conflict", "other"),
        LoadedFirst::Ours => ("conflict_reversed", "ours"),
    };
    Scenario {
        name,
        project: project.to_owned(),
        script: Some("res://check.gd"),
        screen: Screen::Headless,
        processes: vec![Process {
            args: vec![format!("--expect-winner={winner}")],
            ..host(name, &[], None)
        }],
        env: Vec::new(),
        port_base: 30_100,
        timeout: Duration::from_secs(30),
        allowed_errors: CONFLICT_ERRORS.to_vec(),
        required: vec!["another Steam integration"],
        agreement: None,
        no_warnings: false,
    }
}

/// Every scenario, run in this order. Each port base leaves room for its local users above
/// it, and every base stays below 32768, where Linux's ephemeral ports start: an outgoing
/// connection may take any port there, a listening local user's included.
pub fn all(project: &Path) -> Vec<Scenario> {
    let scenario = |name, processes, port_base, seconds| Scenario {
        name,
        project: project.to_owned(),
        script: Some("res://e2e/main.gd"),
        screen: Screen::Headless,
        processes,
        env: faults(),
        port_base,
        timeout: Duration::from_secs(seconds),
        allowed_errors: Vec::new(),
        required: Vec::new(),
        agreement: None,
        no_warnings: false,
    };
    vec![
        scenario("star", star(), 29_400, 120),
        scenario("mesh", mesh(), 29_500, 90),
        scenario("crowd", crowd(), 29_600, 120),
        scenario(
            "lobby",
            vec![
                host("lobby", &[("a", steam(2)), ("b", steam(3))], None),
                client("lobby", "a", 2, &[host_id(), ("b", steam(3))]),
                Process {
                    start_after: Some(("a", "JOINED")),
                    kill_on: Some("KILL ME"),
                    ..client("lobby", "b", 3, &[])
                },
            ],
            29_800,
            90,
        ),
        scenario("lobby_peer", lobby_peer(), 29_900, 120),
        on_legacy_p2p(scenario("star_legacy", star(), 30_200, 120)),
        on_legacy_p2p(scenario("mesh_legacy", mesh(), 30_300, 90)),
        on_legacy_p2p(scenario("lobby_peer_legacy", lobby_peer(), 30_400, 120)),
        scenario(
            "no_steam",
            vec![Process {
                user: 0,
                ..host("no_steam", &[], None)
            }],
            30_000,
            30,
        ),
        // Code written for the earlier peers and for GodotSteam's NetworkingMessages.
        scenario(
            "legacy_lobby",
            earlier_generation("legacy_lobby"),
            31_000,
            90,
        ),
        scenario(
            "legacy_express",
            earlier_generation("legacy_express"),
            31_100,
            90,
        ),
        scenario("net_messages", net_messages(), 31_200, 90),
        scenario(
            "legacy_names",
            vec![host("legacy_names", &[], None)],
            31_300,
            30,
        ),
        // Every wrong call refused at once, with one error each (the README's table).
        scenario(
            "wrong_calls",
            vec![host("wrong_calls", &[("other", steam(2))], None)],
            31_500,
            60,
        ),
        // Faults from project settings alone: no STEAM_FAKE_PACKET_* in the environment.
        Scenario {
            env: Vec::new(),
            ..scenario(
                "settings",
                vec![
                    host("settings", &[], None),
                    client("settings", "a", 2, &[host_id()]),
                ],
                29_700,
                60,
            )
        },
    ]
}

/// The same scenario with every peer on the legacy P2P transport.
fn on_legacy_p2p(mut scenario: Scenario) -> Scenario {
    for process in &mut scenario.processes {
        process.args.push("--transport=legacy_p2p".into());
    }
    scenario
}

fn host_id() -> (&'static str, String) {
    ("host", steam(1))
}

/// A host and two clients in a star.
fn star() -> Vec<Process> {
    vec![
        host("star", &[host_id(), ("a", steam(2)), ("b", steam(3))], None),
        client("star", "a", 2, &[host_id(), ("me", steam(2))]),
        client("star", "b", 3, &[host_id(), ("me", steam(3))]),
    ]
}

/// A host and two clients in a full mesh; the host is killed at the end.
fn mesh() -> Vec<Process> {
    vec![
        host("mesh", &[host_id()], Some("KILL ME")),
        client("mesh", "a", 2, &[host_id(), ("other", steam(3))]),
        client("mesh", "b", 3, &[host_id(), ("other", steam(2))]),
    ]
}

/// A lobby's owner, two members, a late joiner, and a stranger who is not in the lobby.
fn lobby_peer() -> Vec<Process> {
    vec![
        host("lobby_peer", &[("b", steam(3)), ("late", steam(4))], None),
        client(
            "lobby_peer",
            "a",
            2,
            &[
                host_id(),
                ("me", steam(2)),
                ("other", steam(3)),
                ("late", steam(4)),
            ],
        ),
        client(
            "lobby_peer",
            "b",
            3,
            &[
                host_id(),
                ("me", steam(3)),
                ("other", steam(2)),
                ("late", steam(4)),
            ],
        ),
        Process {
            start_after: Some(("b", "MESHED")),
            ..client(
                "lobby_peer",
                "late",
                4,
                &[
                    host_id(),
                    ("me", steam(4)),
                    ("a", steam(2)),
                    ("b", steam(3)),
                ],
            )
        },
        client("lobby_peer", "stranger", 5, &[host_id()]),
    ]
}

/// Eight instances in a full mesh: a host and seven clients that know each other's ids.
fn crowd() -> Vec<Process> {
    const NAMES: [&str; 7] = ["c2", "c3", "c4", "c5", "c6", "c7", "c8"];
    let users = 2..=8;
    let others = users.clone().map(steam).collect::<Vec<_>>().join(",");
    let mut processes = vec![host("crowd", &[], None)];
    for (user, name) in users.zip(NAMES) {
        let extra = [
            ("host", steam(1)),
            ("me", steam(user)),
            ("others", others.clone()),
        ];
        processes.push(client("crowd", name, user, &extra));
    }
    processes
}

/// A host and two clients of a game written for one of the earlier peers; each client knows
/// the other's Steam id.
fn earlier_generation(scenario: &str) -> Vec<Process> {
    vec![
        host(
            scenario,
            &[host_id(), ("a", steam(2)), ("b", steam(3))],
            None,
        ),
        client(
            scenario,
            "a",
            2,
            &[host_id(), ("me", steam(2)), ("other", steam(3))],
        ),
        client(
            scenario,
            "b",
            3,
            &[host_id(), ("me", steam(3)), ("other", steam(2))],
        ),
    ]
}

/// A host and two players talking through networking messages alone; user 9 never runs.
fn net_messages() -> Vec<Process> {
    let player = |name, user, other| {
        let extra = [
            host_id(),
            ("me", steam(user)),
            ("other", steam(other)),
            ("nobody", steam(9)),
        ];
        client("net_messages", name, user, &extra)
    };
    vec![
        host("net_messages", &[("a", steam(2)), ("b", steam(3))], None),
        player("a", 2, 3),
        player("b", 3, 2),
    ]
}
