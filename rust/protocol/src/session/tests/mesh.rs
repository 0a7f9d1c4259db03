//! The full mesh: introductions, automatic dials, admission, departures and endings.

use std::collections::HashSet;

use super::{Delivery, Net, manual_mesh, star, steam};
use crate::control::{Control, Member};
use crate::event::{Action, Event};
use crate::header::DataHeader;
use crate::ids::{ConnectionId, PeerId};
use crate::mode::{ConnectionStatus, TransferMode};
use crate::reason::CloseReason;
use crate::session::Config;

fn ids(net: &Net) -> Vec<PeerId> {
    net.sessions.iter().map(|s| s.unique_id()).collect()
}

/// How many live links join sessions `a` and `b`.
fn links_between(net: &Net, a: usize, b: usize) -> usize {
    net.links
        .iter()
        .filter(|((from, _), (to, _))| *from == a && *to == b)
        .count()
}

/// The connection session `index` holds to its host (session 0).
fn host_link(net: &Net, index: usize) -> ConnectionId {
    *net.links
        .iter()
        .find(|((from, _), (to, _))| *from == index && *to == 0)
        .map(|((_, conn), _)| conn)
        .expect("a link to the host")
}

fn connected(events: &[Event]) -> HashSet<PeerId> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::PeerConnected(id) => Some(*id),
            _ => None,
        })
        .collect()
}

#[test]
fn every_client_meets_every_other_by_itself() {
    let mut net = star(3, false);
    let ids = ids(&net);
    for client in 1..=3 {
        let events = net.take_events(client);
        let expected: HashSet<PeerId> = (0..=3).filter(|&i| i != client).map(|i| ids[i]).collect();
        assert_eq!(connected(&events), expected, "client {client} met everyone");
        assert_eq!(events.len(), 3, "once each: {events:?}");
        let peers: HashSet<PeerId> = net.sessions[client].peer_ids().collect();
        assert_eq!(peers, expected);
    }
    for a in 1..=3 {
        for b in 1..=3 {
            if a != b {
                assert_eq!(links_between(&net, a, b), 1, "one link between {a} and {b}");
            }
        }
    }
    // Direct traffic between clients.
    net.send(1, ids[3], 0, TransferMode::Reliable, b"hi")
        .unwrap();
    net.run();
    assert_eq!(
        net.received(3),
        [(ids[1], 0, TransferMode::Reliable, b"hi".to_vec())]
    );
    // add_peer for a connected client does nothing.
    assert!(!net.sessions[1].should_dial(steam(3)).unwrap());
}

#[test]
fn a_late_joiner_meets_everyone_at_once() {
    let mut net = star(2, false);
    net.sessions
        .push(crate::Session::new(Config::default(), steam(3), 999));
    net.events.push(Vec::new());
    for client in 1..=2 {
        net.take_events(client);
    }
    net.client(3, 0);
    net.run(); // No time passes: the smaller Steam id of each pair dials at once.
    let ids = ids(&net);
    assert_eq!(
        connected(&net.take_events(3)),
        HashSet::from([ids[0], ids[1], ids[2]])
    );
    for client in 1..=2 {
        assert_eq!(net.take_events(client), [Event::PeerConnected(ids[3])]);
    }
}

#[test]
fn a_leaving_client_is_heard_once_by_everyone() {
    let mut net = star(3, false);
    let ids = ids(&net);
    net.forget_events();
    net.sessions[2].close();
    net.run();
    net.advance(Config::default().admission_grace * 2);
    for index in [0, 1, 3] {
        assert_eq!(
            net.take_events(index),
            [Event::PeerDisconnected(ids[2])],
            "session {index}"
        );
    }
}

#[test]
fn a_client_the_host_drops_is_dropped_by_everyone() {
    // It keeps its links with the others (a buggy or hostile client): the host's word wins.
    let mut net = star(2, false);
    let ids = ids(&net);
    net.forget_events();
    net.sessions[0].disconnect_peer(ids[2], true).unwrap();
    net.drain_actions();
    // Client 2 never hears that the host closed: its session and its link with 1 stay up.
    net.queue.retain(|(to, _)| *to != 2);
    net.run();
    assert!(net.take_events(1).is_empty(), "a grace first");
    net.advance(Config::default().admission_grace);
    assert_eq!(net.take_events(1), [Event::PeerDisconnected(ids[2])]);
    assert!(
        net.take_events(0).is_empty(),
        "a forced disconnect is silent"
    );
    assert_eq!(links_between(&net, 1, 2), 0);
}

#[test]
fn a_client_dropping_another_keeps_it_dropped_until_added_again() {
    let mut net = star(2, false);
    let ids = ids(&net);
    net.forget_events();
    net.sessions[1].disconnect_peer(ids[2], false).unwrap();
    net.run();
    net.advance(std::time::Duration::from_secs(3));
    assert_eq!(
        links_between(&net, 1, 2),
        0,
        "neither side's mesh dials again"
    );
    assert_eq!(net.take_events(1), [Event::PeerDisconnected(ids[2])]);
    assert_eq!(net.take_events(2), [Event::PeerDisconnected(ids[1])]);
    // The game adds it again; from then on the mesh keeps it.
    assert!(net.sessions[2].should_dial(steam(1)).unwrap());
    net.dial(2, 1);
    net.run();
    assert_eq!(net.take_events(1), [Event::PeerConnected(ids[2])]);
    assert_eq!(net.take_events(0), [], "the host saw nothing of it");
}

#[test]
fn when_the_host_quits_each_client_hears_only_that() {
    let mut net = star(2, false);
    net.forget_events();
    net.sessions[0].close();
    net.drain_actions();
    // Client 1 hears first, ends its session, and its link with 2 closes before the host's
    // own close reaches 2.
    let late = net.queue.iter().position(|(to, _)| *to == 2).unwrap();
    let host_close_for_2 = net.queue.remove(late).unwrap();
    net.run();
    assert_eq!(net.take_events(1), [Event::PeerDisconnected(1)]);
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Disconnected);
    net.run();
    assert!(net.take_events(2).is_empty(), "1's going is held");
    net.queue.push_back(host_close_for_2);
    net.run();
    net.advance(Config::default().admission_grace * 2);
    assert_eq!(net.take_events(2), [Event::PeerDisconnected(1)]);
    assert_eq!(net.sessions[2].status(), ConnectionStatus::Disconnected);
}

#[test]
fn a_client_that_leaves_its_host_is_heard_once_its_host_says_so() {
    let mut net = star(2, false);
    let ids = ids(&net);
    net.forget_events();
    // Client 1 leaves its host: its link with 2 closes with HostLeft, and 2 holds that
    // until the host, still here, says 1 left.
    net.sessions[1].disconnect_peer(1, false).unwrap();
    net.run();
    net.run();
    assert_eq!(net.take_events(2), [Event::PeerDisconnected(ids[1])]);
    assert_eq!(net.take_events(0), [Event::PeerDisconnected(ids[1])]);
    assert_eq!(net.sessions[2].status(), ConnectionStatus::Connected);
}

#[test]
fn once_the_host_is_gone_other_clients_packets_stop() {
    let mut net = star(2, false);
    let ids = ids(&net);
    net.send(2, ids[1], 0, TransferMode::Reliable, b"read")
        .unwrap();
    net.run();
    assert_eq!(net.received(1).len(), 1);
    // What arrives with the host's close: its own last packet, and client 2's.
    net.send(0, ids[1], 0, TransferMode::Reliable, b"host's last")
        .unwrap();
    net.send(2, ids[1], 0, TransferMode::Reliable, b"too late")
        .unwrap();
    net.sessions[0].close();
    net.run();
    let got: Vec<Vec<u8>> = net.received(1).into_iter().map(|p| p.3).collect();
    assert_eq!(got, [b"host's last".to_vec()]);
}

#[test]
fn a_client_admits_only_whom_its_host_introduced() {
    let config = Config::default();
    let grace = config.admission_grace;
    let mut net = Net::new(3, config);
    net.host(0);
    net.client(1, 0);
    net.run();
    net.sessions[0].set_refuse_new_connections(true);
    // Session 2 claims our session (its host is 0) but the host never admitted it.
    net.sessions[2].start_client(steam(0), net.now).unwrap();
    net.dial(2, 1);
    net.run();
    net.take_events(1);
    net.advance(grace / 2);
    assert!(net.take_events(1).is_empty());
    net.advance(grace);
    assert!(net.take_events(1).is_empty(), "refused");
    assert_eq!(links_between(&net, 1, 2), 0);
}

#[test]
fn a_client_presenting_another_id_than_its_introduction_is_refused() {
    let mut net = manual_mesh(2);
    net.take_events(1);
    // Client 2's Hello to 1 claims a different peer id than the host gave it.
    let conn = net.dial(1, 2);
    net.queue.clear();
    let (_, other) = net.links[&(1, conn)];
    net.sessions[2].on_connection_request(other, steam(1), net.now);
    net.sessions[2].on_connected(other, net.now);
    net.sessions[1].on_connected(conn, net.now);
    while net.sessions[2].poll_action().is_some() {}
    let forged = Control::Hello(crate::control::Hello {
        is_host: false,
        peer_id: 424_242,
        session_host: steam(0),
    })
    .encode();
    net.sessions[1].on_message(conn, forged.as_slice().to_vec(), net.now);
    let closes: Vec<CloseReason> = std::iter::from_fn(|| net.sessions[1].poll_action())
        .filter_map(|action| match action {
            Action::Close { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(closes, [CloseReason::WrongSession]);
    net.run();
    assert!(net.take_events(1).is_empty());
}

#[test]
fn a_hostile_hosts_list_is_ignored_and_counted() {
    let mut net = star(1, false);
    let me = net.sessions[1].unique_id();
    let conn = host_link(&net, 1);
    let member = |peer_id, account: u32| Member {
        peer_id,
        steam_id: crate::ids::SteamId::individual(account),
    };
    let real = member(5000, 40);
    let bad = [
        Control::PeerJoined(member(5001, 2)), // our own Steam id
        Control::PeerJoined(member(5002, 1)), // the host's
        Control::PeerJoined(member(1, 41)),   // the host's peer id
        Control::PeerJoined(member(0, 42)),   // no client's id
        Control::PeerJoined(member(me, 43)),  // ours
        Control::PeerJoined(Member {
            peer_id: 5003,
            steam_id: crate::ids::SteamId(0),
        }),
        Control::PeerJoined(member(5004, 40)), // `real` again, another id
        Control::PeerJoined(member(5000, 44)), // `real`'s id, another user
        Control::PeerLeft(member(6000, 45)),   // never introduced
        Control::PeerLeft(member(5004, 40)),   // introduced, under another id
    ];
    let before = net.sessions[1].drops().malformed;
    net.push_message(
        0,
        host_link_of_host(&net, 1),
        Control::PeerJoined(real).encode().as_slice().to_vec(),
    );
    for message in bad {
        net.push_message(
            0,
            host_link_of_host(&net, 1),
            message.encode().as_slice().to_vec(),
        );
    }
    // Truncated, and one byte too long.
    let joined = Control::PeerJoined(real).encode().as_slice().to_vec();
    net.push_message(0, host_link_of_host(&net, 1), joined[..5].to_vec());
    net.push_message(
        0,
        host_link_of_host(&net, 1),
        [joined.clone(), vec![0]].concat(),
    );
    net.run();
    assert_eq!(net.sessions[1].drops().malformed - before, 12);
    assert_eq!(net.sessions[1].introduced_as(real.steam_id), Some(5000));
    assert_eq!(net.sessions[1].status(), ConnectionStatus::Connected);
    // Introductions from anyone but the host are refused too: the host's own session, for one.
    let before = net.sessions[0].drops().malformed;
    net.push_message(
        1,
        conn,
        Control::PeerJoined(member(7000, 46))
            .encode()
            .as_slice()
            .to_vec(),
    );
    net.run();
    assert_eq!(net.sessions[0].drops().malformed - before, 1);
    // A flood of introductions stops at the bound.
    let before = net.sessions[1].drops().malformed;
    for n in 0..1100 {
        let message = Control::PeerJoined(member(10_000 + n, 1000 + n as u32));
        net.push_message(
            0,
            host_link_of_host(&net, 1),
            message.encode().as_slice().to_vec(),
        );
    }
    net.run();
    assert_eq!(net.sessions[1].drops().malformed - before, 1100 - 1023);
}

/// The host's end of its link with client `index`.
fn host_link_of_host(net: &Net, index: usize) -> ConnectionId {
    *net.links
        .iter()
        .find(|((from, _), (to, _))| *from == 0 && *to == index)
        .map(|((_, conn), _)| conn)
        .expect("a link from the host")
}

#[test]
fn with_server_relay_the_host_introduces_no_one() {
    let mut net = star(2, true);
    assert_eq!(links_between(&net, 1, 2), 0);
    assert_eq!(net.take_events(1), [Event::PeerConnected(1)]);
    assert_eq!(net.sessions[1].introduced_as(steam(2)), None);
}

#[test]
fn without_auto_mesh_clients_wait_for_add_peer_and_the_larger_id_falls_back() {
    let mut net = manual_mesh(2);
    net.advance(std::time::Duration::from_secs(3));
    assert_eq!(links_between(&net, 1, 2), 0, "nobody dials by itself");
    // The larger id turns auto_mesh on: it dials after its wait, as the smaller one never does.
    net.sessions[2].set_auto_mesh(true);
    net.advance(std::time::Duration::from_secs(1));
    assert_eq!(links_between(&net, 1, 2), 1);
    let ids = ids(&net);
    assert!(net.take_events(1).contains(&Event::PeerConnected(ids[2])));
    assert!(!net.sessions[1].should_dial(steam(2)).unwrap());
}

#[test]
fn automatic_dials_that_cross_end_with_one_connection() {
    let mut net = manual_mesh(2);
    for index in 1..=2 {
        net.take_events(index);
    }
    // Both due on the same tick: the smaller id at once, the larger after its wait.
    net.sessions[1].set_auto_mesh(true);
    net.sessions[2].set_auto_mesh(true);
    net.now += std::time::Duration::from_secs(1);
    let mut dialled = Vec::new();
    for index in 1..=2 {
        let now = net.now;
        net.sessions[index].on_tick(now);
        while let Some(action) = net.sessions[index].poll_action() {
            if let Action::Dial(remote) = action {
                dialled.push(index);
                net.dial(index, remote.account_id() as usize - 1);
            }
        }
    }
    assert_eq!(dialled, [1, 2], "the dials cross");
    net.run();
    net.advance(std::time::Duration::from_secs(3));
    assert_eq!(links_between(&net, 1, 2), 1);
    let ids = ids(&net);
    assert_eq!(net.take_events(1), [Event::PeerConnected(ids[2])]);
    assert_eq!(net.take_events(2), [Event::PeerConnected(ids[1])]);
}

#[test]
fn a_peer_following_a_lobby_is_not_dialled_for() {
    let mut net = Net::new(3, Config::default());
    net.host(0);
    let everyone = Some((0..3).map(steam).collect());
    for client in 1..=2 {
        net.sessions[client].set_admitted(everyone.clone(), net.now);
        net.client(client, 0);
    }
    net.run();
    net.advance(std::time::Duration::from_secs(3));
    assert_eq!(
        links_between(&net, 1, 2),
        0,
        "the lobby's driver dials, not the mesh"
    );
    // The lobby's dial is admitted, and the introduction still checks its id.
    net.dial(1, 2);
    net.run();
    assert_eq!(links_between(&net, 1, 2), 1);
}

#[test]
fn a_data_packet_on_the_host_link_cannot_pose_as_an_introduction() {
    // Data never reaches the control path, whatever its bytes.
    let mut net = star(1, false);
    let data = [
        DataHeader {
            channel: 0,
            mode: TransferMode::Reliable,
            sequence: 0,
        }
        .encode()
        .as_slice(),
        Control::PeerJoined(Member {
            peer_id: 77,
            steam_id: steam(5),
        })
        .encode()
        .as_slice(),
    ]
    .concat();
    net.push_message(0, host_link_of_host(&net, 1), data);
    net.run();
    assert_eq!(net.sessions[1].introduced_as(steam(5)), None);
    assert_eq!(net.received(1).len(), 1);
}

#[test]
fn a_lobby_link_up_before_the_hosts_introduction_stays_up() {
    // Lobby members dial each other by themselves, so their link can be up before the host's
    // word that the other joined arrives; that word must not cut it.
    let mut net = Net::new(3, Config::default());
    net.host(0);
    let everyone = Some((0..3).map(steam).collect());
    for client in 1..=2 {
        net.sessions[client].set_admitted(everyone.clone(), net.now);
    }
    net.client(1, 0);
    net.run();
    net.take_events(1);
    net.client(2, 0);
    net.dial(2, 1);
    let from_host = host_link(&net, 1);
    net.run_holding(|to, delivery| {
        to == 1 && matches!(delivery, Delivery::Message { conn, .. } if *conn == from_host)
    });
    net.advance(std::time::Duration::from_secs(3));
    assert_eq!(links_between(&net, 1, 2), 1);
    let ids = ids(&net);
    assert_eq!(net.take_events(1), [Event::PeerConnected(ids[2])]);
    assert_eq!(net.sessions[1].introduced_as(steam(2)), Some(ids[2]));
}
