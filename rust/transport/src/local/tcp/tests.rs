//! The TCP wire holding messages back and writing them together.

use super::*;

/// A port base no other test uses.
const PORT_BASE: u16 = 31_800;

/// What `wire` heard once `done` holds.
fn poll_until(
    wire: &mut TcpWire,
    what: &str,
    mut done: impl FnMut(&[WireEvent]) -> bool,
) -> Vec<WireEvent> {
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done(&events) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        wire.poll(Instant::now(), &mut events);
        std::thread::sleep(Duration::from_millis(1));
    }
    events
}

fn messages(events: &[WireEvent]) -> usize {
    let is_message = |e: &&WireEvent| matches!(e, WireEvent::Message { .. });
    events.iter().filter(is_message).count()
}

#[test]
fn messages_wait_for_a_flush_and_leave_in_one_write() {
    let (a, b) = (SteamId::individual(1), SteamId::individual(2));
    let mut sender = TcpWire::bind(a, PORT_BASE).unwrap();
    let mut receiver = TcpWire::bind(b, PORT_BASE).unwrap();
    let link = sender.open(b, 0).unwrap();
    poll_until(&mut receiver, "the link to open", |events| {
        !events.is_empty()
    });
    for n in 0..3u8 {
        sender.send_message(link, 0, n != 1, [&[n; 64], &[]]);
    }
    let mut frame = Vec::new();
    codec::encode_message(&mut frame, 0, true, [&[0; 64], &[]]);
    let held = &sender.links[&link];
    assert_eq!(
        (held.outgoing.len(), held.written),
        (3 * frame.len(), 0),
        "all three held back, nothing written"
    );
    assert_eq!(
        sender.unsent(link),
        Unsent {
            reliable: 2 * frame.len(),
            unreliable: frame.len()
        },
        "and reported pending, by kind"
    );
    sender.flush(link);
    assert!(
        sender.links[&link].outgoing.is_empty(),
        "one flush wrote all"
    );
    assert_eq!(sender.unsent(link), Unsent::default(), "nothing pending");
    poll_until(&mut receiver, "the three messages", |events| {
        messages(events) == 3
    });
}

#[test]
fn a_link_holding_back_too_much_writes_at_once() {
    let (a, b) = (SteamId::individual(3), SteamId::individual(4));
    let mut sender = TcpWire::bind(a, PORT_BASE).unwrap();
    let _receiver = TcpWire::bind(b, PORT_BASE).unwrap();
    let link = sender.open(b, 0).unwrap();
    sender.send_message(link, 0, true, [&vec![7; HOLD_BACK], &[]]);
    let held = &sender.links[&link];
    assert!(
        held.outgoing.is_empty() || held.written > 0,
        "a write was made"
    );
}

#[test]
fn closing_sends_what_was_held_back_first() {
    let (a, b) = (SteamId::individual(5), SteamId::individual(6));
    let mut sender = TcpWire::bind(a, PORT_BASE).unwrap();
    let mut receiver = TcpWire::bind(b, PORT_BASE).unwrap();
    let link = sender.open(b, 0).unwrap();
    sender.send_message(link, 0, true, [b"last words", &[]]);
    sender.send_close(link, 0, "bye", true);
    let heard = poll_until(&mut receiver, "the close", |events| {
        events.iter().any(|e| matches!(e, WireEvent::Closed { .. }))
    });
    assert_eq!(messages(&heard), 1, "the message arrived before the close");
}
