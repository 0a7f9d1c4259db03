//! Local mode's Steam across users: lobbies, chat, ownership, filters, invites, legacy P2P,
//! and a killed process counting as disconnected.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use smp_steam::local::LocalSteam;
use smp_steam::local::store::Store;
use smp_steam::{
    ChatRoomEnterResponse, LobbyComparison, LobbyFilter, LobbyId, LobbyType, P2PSend, SteamApi,
    SteamEvent, SteamId, chat_member_state, result,
};
use smp_transport::FaultConfig;
use smp_transport::local::{self, LocalIdentity};

static NEXT_BASE: AtomicU16 = AtomicU16::new(23_000);

/// One local network: a port range and a store folder of its own.
struct Network {
    base: u16,
    root: PathBuf,
}

impl Network {
    fn new() -> Self {
        let base = NEXT_BASE.fetch_add(20, Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("smp-steam-test-{}-{base}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        Network { base, root }
    }

    fn user(&self, n: u32) -> Box<dyn SteamApi> {
        local_user(n, self.base, self.root.clone(), true)
    }
}

/// Local user `n` of app 480 on the network of ports from `base`, sharing lobbies in `root`.
fn local_user(n: u32, base: u16, root: PathBuf, accept_invites: bool) -> Box<dyn SteamApi> {
    let identity = LocalIdentity::new(n, None, base).unwrap();
    let endpoint = local::bind(&identity, FaultConfig::default()).unwrap();
    Box::new(LocalSteam::new(identity, 480, endpoint, Store::at(root), accept_invites).unwrap())
}

impl Drop for Network {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn steam(n: u32) -> SteamId {
    SteamId::individual(n)
}

/// Pumps every user until `wanted` events arrived at user `who`; returns them all.
fn events_until(
    users: &mut [Box<dyn SteamApi>],
    who: usize,
    what: &str,
    mut wanted: impl FnMut(&[SteamEvent]) -> bool,
) -> Vec<SteamEvent> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        for (index, user) in users.iter_mut().enumerate() {
            user.pump();
            if index == who {
                user.drain_events(&mut seen);
            }
        }
        if wanted(&seen) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; saw {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Pumps every user until the lobby data update that follows its owner, user 1, going arrives
/// at user `who`, and checks that `who` was told the owner went as `state` says.
fn owner_gone(users: &mut [Box<dyn SteamApi>], who: usize, lobby: LobbyId, what: &str, state: u32) {
    let seen = events_until(users, who, what, |e| {
        e.contains(&SteamEvent::LobbyDataUpdate {
            success: true,
            lobby,
            member: lobby,
        })
    });
    assert!(seen.contains(&SteamEvent::LobbyChatUpdate {
        lobby,
        changed: steam(1),
        making_change: steam(1),
        state
    }));
}

fn drain(users: &mut [Box<dyn SteamApi>]) {
    for user in users.iter_mut() {
        user.pump();
        user.drain_events(&mut Vec::new());
    }
}

fn create(users: &mut [Box<dyn SteamApi>], who: usize, kind: LobbyType, max: u32) -> LobbyId {
    users[who].create_lobby(kind, max);
    let events = events_until(users, who, "the lobby", |e| e.len() >= 2);
    let SteamEvent::LobbyCreated {
        result: result::OK,
        lobby,
    } = events[0]
    else {
        panic!("{events:?}");
    };
    assert_eq!(
        events[1],
        SteamEvent::LobbyJoined {
            lobby,
            permissions: 0,
            locked: false,
            response: ChatRoomEnterResponse::Success as i32
        }
    );
    lobby
}

fn join(users: &mut [Box<dyn SteamApi>], who: usize, lobby: LobbyId) -> i32 {
    users[who].join_lobby(lobby);
    let events = events_until(users, who, "the join", |e| {
        e.iter()
            .any(|e| matches!(e, SteamEvent::LobbyJoined { .. }))
    });
    events
        .into_iter()
        .find_map(|e| match e {
            SteamEvent::LobbyJoined { response, .. } => Some(response),
            _ => None,
        })
        .unwrap()
}

#[test]
fn a_lobby_from_creation_to_its_owner_leaving() {
    let net = Network::new();
    let mut users = vec![net.user(1), net.user(2), net.user(3)];
    let lobby = create(&mut users, 0, LobbyType::Public, 3);
    assert!(users[0].set_lobby_data(lobby, "name", "Ada's game"));
    assert!(users[0].set_lobby_data(lobby, "level", "12"));
    assert!(
        !users[1].set_lobby_data(lobby, "name", "mine"),
        "only the owner sets lobby data"
    );

    users[1].request_lobby_list(LobbyFilter::default());
    let listed = events_until(&mut users, 1, "the list", |e| {
        e.iter()
            .any(|e| matches!(e, SteamEvent::LobbyMatchList { .. }))
    });
    assert!(listed.contains(&SteamEvent::LobbyMatchList {
        lobbies: vec![lobby]
    }));
    assert_eq!(
        users[1].lobby_data(lobby, "name"),
        "Ada's game",
        "listed lobbies' data is readable"
    );
    assert_eq!(users[1].lobby_member_count(lobby), 1);

    assert_eq!(
        join(&mut users, 1, lobby),
        ChatRoomEnterResponse::Success as i32
    );
    let seen = events_until(&mut users, 0, "b entering", |e| {
        e.iter()
            .any(|e| matches!(e, SteamEvent::LobbyChatUpdate { .. }))
    });
    assert!(seen.contains(&SteamEvent::LobbyChatUpdate {
        lobby,
        changed: steam(2),
        making_change: steam(2),
        state: chat_member_state::ENTERED
    }));
    assert!(seen.contains(&SteamEvent::PersonaStateChange {
        user: steam(2),
        flags: 1
    }));
    assert_eq!(users[0].friend_persona_name(steam(2)), "Player 2");
    assert_eq!(users[1].friend_persona_name(steam(1)), "Player 1");
    assert_eq!(users[1].lobby_owner(lobby), steam(1));
    let members: Vec<SteamId> = (0..users[1].lobby_member_count(lobby))
        .map(|i| users[1].lobby_member(lobby, i))
        .collect();
    assert_eq!(members, [steam(1), steam(2)]);

    users[1].set_lobby_member_data(lobby, "ready", "yes");
    let seen = events_until(&mut users, 0, "b's member data", |e| {
        e.contains(&SteamEvent::LobbyDataUpdate {
            success: true,
            lobby,
            member: steam(2),
        })
    });
    assert!(!seen.is_empty());
    assert_eq!(users[0].lobby_member_data(lobby, steam(2), "ready"), "yes");

    assert!(users[1].send_lobby_chat_message(lobby, "hello there"));
    for who in [0, 1] {
        events_until(&mut users, who, "the chat message", |e| {
            e.contains(&SteamEvent::LobbyMessage {
                lobby,
                user: steam(2),
                message: "hello there".into(),
                chat_type: 1,
            })
        });
    }

    assert_eq!(
        join(&mut users, 2, lobby),
        ChatRoomEnterResponse::Success as i32
    );
    drain(&mut users);
    users[0].leave_lobby(lobby);
    owner_gone(
        &mut users,
        1,
        lobby,
        "the owner leaving",
        chat_member_state::LEFT,
    );
    assert_eq!(
        users[1].lobby_owner(lobby),
        steam(2),
        "ownership passed to the longest-standing member"
    );
    assert!(users[1].set_lobby_data(lobby, "name", "Bo's game now"));
}

#[test]
fn joining_says_why_it_cannot() {
    let net = Network::new();
    let mut users = vec![net.user(1), net.user(2), net.user(3)];
    let lobby = create(&mut users, 0, LobbyType::Public, 2);
    assert_eq!(
        join(&mut users, 1, lobby),
        ChatRoomEnterResponse::Success as i32
    );
    assert_eq!(
        join(&mut users, 2, lobby),
        ChatRoomEnterResponse::Full as i32
    );
    users[1].leave_lobby(lobby);
    assert!(users[0].set_lobby_joinable(lobby, false));
    assert_eq!(
        join(&mut users, 2, lobby),
        ChatRoomEnterResponse::NotAllowed as i32
    );
    assert_eq!(
        join(&mut users, 2, smp_steam::lobby_id(12345)),
        ChatRoomEnterResponse::DoesntExist as i32
    );
    users[2].create_lobby(LobbyType::PrivateUnique, 4);
    let events = events_until(&mut users, 2, "the refusal", |e| {
        e.iter()
            .any(|e| matches!(e, SteamEvent::LobbyCreated { .. }))
    });
    assert!(
        events.contains(&SteamEvent::LobbyCreated {
            result: smp_steam::result::INVALID_PARAM,
            lobby: SteamId(0)
        }),
        "only the Web API creates private unique lobbies: {events:?}"
    );
}

#[test]
fn lobby_lists_honour_the_filters() {
    let net = Network::new();
    let mut users = vec![net.user(1), net.user(2), net.user(3), net.user(4)];
    let mut lobbies = Vec::new();
    for (owner, (mode, level)) in [(0, ("ctf", "5")), (1, ("ctf", "20")), (2, ("dm", "20"))] {
        let lobby = create(&mut users, owner, LobbyType::Public, 4);
        users[owner].set_lobby_data(lobby, "mode", mode);
        users[owner].set_lobby_data(lobby, "level", level);
        lobbies.push(lobby);
    }
    let hidden = create(&mut users, 2, LobbyType::FriendsOnly, 4);
    let list = |users: &mut Vec<Box<dyn SteamApi>>, filter: LobbyFilter| {
        users[3].request_lobby_list(filter);
        let events = events_until(users, 3, "the list", |e| {
            e.iter()
                .any(|e| matches!(e, SteamEvent::LobbyMatchList { .. }))
        });
        let Some(SteamEvent::LobbyMatchList { lobbies }) = events
            .into_iter()
            .find(|e| matches!(e, SteamEvent::LobbyMatchList { .. }))
        else {
            unreachable!()
        };
        lobbies
    };
    let sorted = |mut lobbies: Vec<LobbyId>| {
        lobbies.sort();
        lobbies
    };
    let mut all = lobbies.clone();
    all.sort();
    assert_eq!(
        sorted(list(&mut users, LobbyFilter::default())),
        all,
        "public ones, not the friends-only one"
    );
    assert!(!all.contains(&hidden));
    let ctf = LobbyFilter {
        strings: vec![("mode".into(), "ctf".into(), LobbyComparison::Equal)],
        ..Default::default()
    };
    let mut expected = vec![lobbies[0], lobbies[1]];
    expected.sort();
    assert_eq!(sorted(list(&mut users, ctf.clone())), expected);
    let hard_ctf = LobbyFilter {
        numbers: vec![("level".into(), 10, LobbyComparison::GreaterThan)],
        ..ctf
    };
    assert_eq!(list(&mut users, hard_ctf), [lobbies[1]]);
    let one = LobbyFilter {
        max_results: Some(1),
        ..Default::default()
    };
    assert_eq!(list(&mut users, one).len(), 1);
    let near_19 = LobbyFilter {
        near: vec![("level".into(), 19)],
        ..Default::default()
    };
    assert_eq!(
        list(&mut users, near_19)[2],
        lobbies[0],
        "level 5 is farthest"
    );
    let near_6 = LobbyFilter {
        near: vec![("level".into(), 6)],
        ..Default::default()
    };
    assert_eq!(
        list(&mut users, near_6)[0],
        lobbies[0],
        "level 5 is nearest"
    );
    assert_eq!(join(&mut users, 3, lobbies[1]), 1, "joined");
    let three_free = LobbyFilter {
        slots_available: Some(3),
        ..Default::default()
    };
    let mut with_room = vec![lobbies[0], lobbies[2]];
    with_room.sort();
    assert_eq!(
        sorted(list(&mut users, three_free)),
        with_room,
        "the lobby we joined has 2 free slots of 4"
    );
}

#[test]
fn invitations_reach_the_other_instances() {
    let net = Network::new();
    let mut users = vec![net.user(1), net.user(2)];
    let lobby = create(&mut users, 0, LobbyType::FriendsOnly, 4);
    users[0].activate_invite_dialog(lobby);
    let seen = events_until(&mut users, 1, "the invitation", |e| {
        e.iter()
            .any(|e| matches!(e, SteamEvent::JoinRequested { .. }))
    });
    assert!(seen.contains(&SteamEvent::LobbyInvite {
        inviter: steam(1),
        lobby,
        game: 480
    }));
    assert!(seen.contains(&SteamEvent::JoinRequested {
        lobby,
        friend: steam(1)
    }));
}

#[test]
fn legacy_p2p_sessions_are_requested_accepted_and_closed() {
    let net = Network::new();
    let mut users = vec![net.user(1), net.user(2), net.user(3)];
    assert!(users[0].send_p2p_packet(steam(2), b"hi", P2PSend::Reliable, 3));
    let seen = events_until(&mut users, 1, "the session request", |e| !e.is_empty());
    assert_eq!(seen, [SteamEvent::P2PSessionRequest { remote: steam(1) }]);
    assert_eq!(
        users[1].available_p2p_packet_size(3),
        None,
        "not readable before accepting"
    );
    assert!(users[1].accept_p2p_session(steam(1)));
    assert_eq!(users[1].available_p2p_packet_size(3), Some(2));
    assert_eq!(
        users[1].read_p2p_packet(100, 3),
        Some((b"hi".to_vec(), steam(1)))
    );

    let big: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    assert!(users[0].send_p2p_packet(steam(2), &big, P2PSend::Reliable, 0));
    assert!(
        !users[0].send_p2p_packet(steam(2), &[0; 1201], P2PSend::Unreliable, 0),
        "unreliable is at most 1200 bytes"
    );
    assert!(!users[0].send_p2p_packet(steam(2), &vec![0; 1024 * 1024 + 1], P2PSend::Reliable, 0));
    assert!(users[0].send_p2p_packet(steam(2), &[7; 1200], P2PSend::Unreliable, 1));
    let deadline = Instant::now() + Duration::from_secs(10);
    while users[1].available_p2p_packet_size(0).is_none()
        || users[1].available_p2p_packet_size(1).is_none()
    {
        assert!(Instant::now() < deadline, "the 1 MB packet never arrived");
        drain(&mut users);
    }
    assert_eq!(
        users[1].read_p2p_packet(2 * 1024 * 1024, 0),
        Some((big, steam(1)))
    );
    assert_eq!(
        users[1].read_p2p_packet(10, 1),
        Some((vec![7; 10], steam(1))),
        "cut to the buffer size"
    );

    let state = users[0].p2p_session_state(steam(2)).unwrap();
    assert!(state.connection_active && !state.connecting);
    assert!(users[1].send_p2p_packet(steam(1), b"back", P2PSend::Reliable, 0));
    drain(&mut users);
    assert!(users[0].close_p2p_session(steam(2)));
    assert!(users[0].p2p_session_state(steam(2)).is_none());
    assert!(!users[0].close_p2p_session(steam(2)));

    // User 3 never accepts: its queue stays closed to the game.
    assert!(users[0].send_p2p_packet(steam(3), b"ignored", P2PSend::Reliable, 0));
    events_until(&mut users, 2, "the request", |e| {
        e.contains(&SteamEvent::P2PSessionRequest { remote: steam(1) })
    });
    assert_eq!(users[2].available_p2p_packet_size(0), None);

    // Nobody runs user 9.
    assert!(users[0].send_p2p_packet(steam(9), b"anyone?", P2PSend::Reliable, 0));
    events_until(&mut users, 0, "the failure", |e| {
        e.iter().any(|e| matches!(e, SteamEvent::P2PSessionConnectFail { remote, .. } if *remote == steam(9)))
    });
}

#[test]
fn closing_the_last_channel_closes_the_session() {
    let net = Network::new();
    let mut users = [net.user(1), net.user(2)];
    assert!(users[0].send_p2p_packet(steam(2), b"a", P2PSend::Reliable, 0));
    assert!(users[0].send_p2p_packet(steam(2), b"b", P2PSend::Reliable, 5));
    assert!(users[0].close_p2p_channel(steam(2), 0));
    assert!(users[0].p2p_session_state(steam(2)).is_some());
    assert!(!users[0].close_p2p_channel(steam(2), 0), "already closed");
    assert!(users[0].close_p2p_channel(steam(2), 5));
    assert!(users[0].p2p_session_state(steam(2)).is_none());
}

/// A killed process's membership ends as DISCONNECTED, and its lobby passes on.
#[test]
fn a_killed_owner_is_disconnected_and_its_lobby_passes_on() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let net = Network::new();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_owner", "--nocapture", "--test-threads=1"])
        .env("CHILD_PORT_BASE", net.base.to_string())
        .env("CHILD_STORE", &net.root)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let lobby = loop {
        let line = lines.next().expect("the child ended").unwrap();
        // The harness prints "test child_owner ... " on the same line.
        if let Some((_, id)) = line.split_once("LOBBY ") {
            break SteamId(id.trim().parse().unwrap());
        }
    };
    let mut users = vec![net.user(2)];
    assert_eq!(
        join(&mut users, 0, lobby),
        ChatRoomEnterResponse::Success as i32
    );
    assert_eq!(users[0].lobby_owner(lobby), steam(1));
    child.kill().unwrap();
    child.wait().unwrap();
    owner_gone(
        &mut users,
        0,
        lobby,
        "the owner's loss",
        chat_member_state::DISCONNECTED,
    );
    assert_eq!(users[0].lobby_owner(lobby), steam(2));
}

/// Runs only as the child of the test above: creates a lobby and waits to be killed.
#[test]
fn child_owner() {
    let (Ok(base), Ok(root)) = (
        std::env::var("CHILD_PORT_BASE"),
        std::env::var("CHILD_STORE"),
    ) else {
        return;
    };
    let mut users = vec![local_user(1, base.parse().unwrap(), root.into(), false)];
    let lobby = create(&mut users, 0, LobbyType::Public, 4);
    println!("LOBBY {}", lobby.0);
    loop {
        drain(&mut users);
        std::thread::sleep(Duration::from_millis(5));
    }
}
