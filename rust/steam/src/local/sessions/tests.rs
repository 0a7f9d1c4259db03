//! Both session APIs between two users over an in-process network, on simulated time.

use std::time::Duration;

use smp_transport::FaultConfig;
use smp_transport::memory::MemoryNetwork;

use super::*;
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
