//! Both session APIs between two users over an in-process network, on simulated time.

use std::time::Duration;

use smp_transport::FaultConfig;
use smp_transport::memory::MemoryNetwork;

use super::*;
use crate::local::frame::pieces;
use crate::messages::{MAX_MESSAGE_SIZE, SEND_RELIABLE};

const ALICE: SteamId = SteamId::individual(1);
const BOB: SteamId = SteamId::individual(2);

fn pair(api: SessionApi) -> (MemoryNetwork, Sessions, Sessions) {
    let mut net = MemoryNetwork::new();
    net.add_user(ALICE, FaultConfig::default());
    net.add_user(BOB, FaultConfig::default());
    let alice = Sessions::new(api, Box::new(net.sockets(ALICE)));
    let bob = Sessions::new(api, Box::new(net.sockets(BOB)));
    (net, alice, bob)
}

/// Pumps both until `done` holds, on simulated time.
fn pump_until(
    alice: &mut Sessions,
    bob: &mut Sessions,
    events: &mut Vec<SteamEvent>,
    mut done: impl FnMut(&mut Sessions, &[SteamEvent]) -> bool,
) {
    let mut now = Instant::now();
    for _ in 0..200 {
        now += Duration::from_millis(5);
        alice.pump(now);
        bob.pump(now);
        bob.drain_events(events);
        if done(bob, events) {
            return;
        }
    }
    panic!("gave up; events so far: {events:?}");
}

#[test]
fn messages_wait_for_the_session_to_be_accepted() {
    let (_net, mut alice, mut bob) = pair(SessionApi::Messages);
    assert!(!bob.accept(ALICE), "no session with alice yet");
    assert_eq!(
        alice.send_message(ALICE, b"me", SEND_RELIABLE, 0),
        result::INVALID_PARAM
    );
    let too_big = vec![0; MAX_MESSAGE_SIZE + 1];
    assert_eq!(
        alice.send_message(BOB, &too_big, SEND_RELIABLE, 0),
        result::INVALID_PARAM
    );
    assert_eq!(
        alice.send_message(BOB, b"hello", SEND_RELIABLE, 3),
        result::OK
    );
    let mut events = Vec::new();
    pump_until(&mut alice, &mut bob, &mut events, |_, events| {
        !events.is_empty()
    });
    assert_eq!(
        events,
        [SteamEvent::NetworkMessagesSessionRequest { remote: ALICE }]
    );
    assert!(
        bob.receive_messages(3, 10).is_empty(),
        "unreadable before accepting"
    );
    assert!(bob.accept(ALICE));
    let got = bob.receive_messages(3, 10);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].data.as_slice(), got[0].sender),
        (&b"hello"[..], ALICE)
    );
    assert!(got[0].reliable);
    assert_eq!(got[0].message_number, 1);
    assert_eq!(
        bob.session_info(ALICE).map(|i| i.state),
        Some(ConnectionState::Connected)
    );
    assert!(bob.close_channel(ALICE, 3));
    assert!(
        bob.session_info(ALICE).is_none(),
        "the last channel closed the session"
    );
    assert!(!bob.close_session(ALICE));
}

#[test]
fn an_unreachable_user_fails_the_session() {
    let (mut net, mut alice, mut bob) = pair(SessionApi::Messages);
    net.remove_user(BOB);
    assert_eq!(alice.send_message(BOB, b"anyone?", 0, 0), result::OK);
    let mut events = Vec::new();
    pump_until(&mut bob, &mut alice, &mut events, |_, events| {
        !events.is_empty()
    });
    assert!(
        matches!(
            events[0],
            SteamEvent::NetworkMessagesSessionFailed { remote: BOB, state, .. }
                if state == ConnectionState::ProblemDetectedLocally as i32
        ),
        "{events:?}"
    );
}

#[test]
fn a_session_both_users_dialled_outlives_the_first_of_its_connections_to_end() {
    let mut net = MemoryNetwork::new();
    let faults = FaultConfig {
        lag: Duration::from_millis(10),
        jitter: Duration::from_millis(30),
        seed: Some(3),
        ..FaultConfig::default()
    };
    net.add_user(ALICE, faults);
    net.add_user(BOB, faults);
    let mut p2p_a = Sessions::new(SessionApi::LegacyP2P, Box::new(net.sockets(ALICE)));
    let mut p2p_b = Sessions::new(SessionApi::LegacyP2P, Box::new(net.sockets(BOB)));
    let mut now = Instant::now();
    // Both send first, so each dials: two connections carry one session.
    p2p_a.send(BOB, b"hi", P2PSend::Reliable, 0).unwrap();
    p2p_b.send(ALICE, b"hi", P2PSend::Reliable, 0).unwrap();
    for _ in 0..40 {
        now += Duration::from_millis(5);
        p2p_a.pump(now);
        p2p_b.pump(now);
    }
    assert!(p2p_a.read(100, 0).is_some() && p2p_b.read(100, 0).is_some());
    // Alice's last words, then Alice is gone: Bob hears each connection end on its own clock.
    for n in 0..20u8 {
        p2p_a.send(BOB, &[n], P2PSend::Reliable, 0).unwrap();
    }
    p2p_a.pump(now);
    net.remove_user(ALICE);
    for _ in 0..40 {
        now += Duration::from_millis(5);
        p2p_b.pump(now);
    }
    let mut got = Vec::new();
    while let Some((data, from)) = p2p_b.read(100, 0) {
        assert_eq!(from, ALICE);
        got.extend(data);
    }
    assert_eq!(
        got,
        (0..20).collect::<Vec<u8>>(),
        "every last packet arrived, in order"
    );
    assert_eq!(p2p_b.state(ALICE), None, "then the session ended");
}

#[test]
fn pieces_that_never_end_and_packets_nobody_accepts_stay_bounded() {
    for api in [SessionApi::LegacyP2P, SessionApi::Messages] {
        let max_buffered = api.max_buffered();
        let mut net = MemoryNetwork::new();
        net.add_user(ALICE, FaultConfig::default());
        net.add_user(BOB, FaultConfig::default());
        let mut sessions = Sessions::new(api, Box::new(net.sockets(BOB)));
        // A raw connection, to send what no honest sender sends.
        let mut raw = net.sockets(ALICE);
        let conn = raw.connect(BOB, api.virtual_port()).unwrap();
        let mut now = Instant::now();
        let mut step = |raw: &mut dyn Sockets, sessions: &mut Sessions| {
            now += Duration::from_millis(5);
            raw.pump(now);
            sessions.pump(now);
        };
        for _ in 0..10 {
            step(&mut raw, &mut sessions);
        }
        // The first piece of a long reliable packet says more follow; send it again and again.
        let long = vec![0xAB; 600 * 1024];
        let (first, trailer) = pieces(&long, true, 7).next().unwrap();
        let piece = [first, &trailer].concat();
        for _ in 0..16 {
            raw.send(conn, 0, SendFlags::RELIABLE, [&piece, &[]])
                .unwrap();
            step(&mut raw, &mut sessions);
            let partial: usize = sessions.sessions[&ALICE]
                .partial
                .values()
                .map(Vec::len)
                .sum();
            assert!(
                partial <= max_buffered,
                "{api:?}: {partial} bytes of pieces held"
            );
        }
        // Whole packets the game never accepts: at most one packet's worth waits.
        let whole = vec![0xCD; 200 * 1024];
        let (only, trailer) = pieces(&whole, true, 3).next().unwrap();
        let packet = [only, &trailer].concat();
        for _ in 0..16 {
            raw.send(conn, 0, SendFlags::RELIABLE, [&packet, &[]])
                .unwrap();
            step(&mut raw, &mut sessions);
        }
        let held: usize = sessions.sessions[&ALICE]
            .held
            .iter()
            .map(|(_, held)| held.data.len())
            .sum();
        assert!(
            held > 0 && held <= max_buffered,
            "{api:?}: {held} bytes wait for acceptance"
        );
    }
}
