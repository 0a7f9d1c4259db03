//! The end-to-end scenarios: who plays, with which local user, started when.

use std::path::Path;
use std::time::Duration;

use smp_transport::local::steam_id_of;

use crate::e2e::{Process, Scenario};

/// Mild faults for every scenario, so that each mode's guarantee is checked for real.
fn faults() -> Vec<(&'static str, String)> {
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

/// Every scenario, run in this order.
pub fn all(project: &Path) -> Vec<Scenario> {
    let host = || ("host", steam(1));
    vec![
        Scenario {
            name: "star",
            project: project.to_owned(),
            script: "res://e2e/main.gd",
            processes: vec![
                Process {
                    name: "host",
                    user: 1,
                    args: args("star", "host", &[host(), ("a", steam(2)), ("b", steam(3))]),
                    start_after: None,
                    kill_on: None,
                },
                Process {
                    name: "a",
                    user: 2,
                    args: args("star", "a", &[host(), ("me", steam(2))]),
                    start_after: Some(("host", "READY")),
                    kill_on: None,
                },
                Process {
                    name: "b",
                    user: 3,
                    args: args("star", "b", &[host(), ("me", steam(3))]),
                    start_after: Some(("host", "READY")),
                    kill_on: None,
                },
            ],
            env: faults(),
            port_base: 29_400,
            timeout: Duration::from_secs(120),
        },
        Scenario {
            name: "mesh",
            project: project.to_owned(),
            script: "res://e2e/main.gd",
            processes: vec![
                Process {
                    name: "host",
                    user: 1,
                    args: args("mesh", "host", &[host()]),
                    start_after: None,
                    kill_on: Some("KILL ME"),
                },
                Process {
                    name: "a",
                    user: 2,
                    args: args("mesh", "a", &[host(), ("other", steam(3))]),
                    start_after: Some(("host", "READY")),
                    kill_on: None,
                },
                Process {
                    name: "b",
                    user: 3,
                    args: args("mesh", "b", &[host(), ("other", steam(2))]),
                    start_after: Some(("host", "READY")),
                    kill_on: None,
                },
            ],
            env: faults(),
            port_base: 29_500,
            timeout: Duration::from_secs(90),
        },
        crowd(project),
    ]
}

/// Eight instances in a full mesh.
fn crowd(project: &Path) -> Scenario {
    let clients: Vec<u32> = (2..=8).collect();
    let others = clients
        .iter()
        .map(|&user| steam(user))
        .collect::<Vec<_>>()
        .join(",");
    let mut processes = vec![Process {
        name: "host",
        user: 1,
        args: args("crowd", "host", &[]),
        start_after: None,
        kill_on: None,
    }];
    const NAMES: [&str; 7] = ["c2", "c3", "c4", "c5", "c6", "c7", "c8"];
    for (&user, name) in clients.iter().zip(NAMES) {
        processes.push(Process {
            name,
            user,
            args: args(
                "crowd",
                name,
                &[
                    ("host", steam(1)),
                    ("me", steam(user)),
                    ("others", others.clone()),
                ],
            ),
            start_after: Some(("host", "READY")),
            kill_on: None,
        });
    }
    Scenario {
        name: "crowd",
        project: project.to_owned(),
        script: "res://e2e/main.gd",
        processes,
        env: faults(),
        port_base: 29_600,
        timeout: Duration::from_secs(120),
    }
}
