//! The legacy wire against a scripted P2P API: links opening, carrying messages and closing, and
//! what makes no sense dropped and counted.

use std::collections::VecDeque;
use std::sync::Arc;

use parking_lot::Mutex;

use super::*;

const REMOTE: SteamId = SteamId::individual(2);

/// The P2P API as a script: packets to read, sessions that exist, what was sent.
#[derive(Default)]
struct Script {
    inbox: VecDeque<(Vec<u8>, SteamId)>,
    sessions: HashSet<SteamId>,
    sent: Vec<(SteamId, Vec<u8>, P2PSend, i32)>,
}

#[derive(Clone, Default)]
struct Scripted(Arc<Mutex<Script>>);

impl P2PNetworking for Scripted {
    fn identity(&self) -> SteamId {
        SteamId::individual(1)
    }

    fn send(
        &mut self,
        remote: SteamId,
        data: &[u8],
        send: P2PSend,
        channel: i32,
    ) -> Result<(), String> {
        let mut script = self.0.lock();
        script.sessions.insert(remote);
        script.sent.push((remote, data.to_vec(), send, channel));
        Ok(())
    }

    fn read(&mut self, channel: i32) -> Option<(Vec<u8>, SteamId)> {
        assert_eq!(channel, PEER_CHANNEL);
        self.0.lock().inbox.pop_front()
    }

    fn accept_session(&mut self, _remote: SteamId) {}

    fn requested_sessions(&self, _out: &mut Vec<SteamId>) {}

    fn has_session(&self, remote: SteamId) -> bool {
        self.0.lock().sessions.contains(&remote)
    }

    fn pump(&mut self, _now: Instant) {}
}

fn packet(number: u32, from_opener: bool, frame: Frame<'_>, payload: &[u8]) -> Vec<u8> {
    let mut out = payload.to_vec();
    frame::encode(
        &mut out,
        LinkRef {
            number,
            from_opener,
        },
        &frame,
    );
    out
}

fn poll(
    wire: &mut LegacyWire<Scripted>,
    script: &Scripted,
    packets: Vec<Vec<u8>>,
) -> Vec<WireEvent> {
    script
        .0
        .lock()
        .inbox
        .extend(packets.into_iter().map(|p| (p, REMOTE)));
    let mut events = Vec::new();
    wire.poll(Instant::now(), &mut events);
    events
}

#[test]
fn a_remote_link_opens_carries_messages_and_closes() {
    let script = Scripted::default();
    script.0.lock().sessions.insert(REMOTE);
    let mut wire = LegacyWire::new(script.clone());
    let open = Frame::Open {
        virtual_port: 4,
        version: 2,
    };
    let message = Frame::Message {
        lane: 3,
        reliable: true,
        payload_end: 0,
    };
    let hello = packet(7, true, message, b"hello");
    let received_into = hello.as_ptr();
    let events = poll(&mut wire, &script, vec![packet(7, true, open, b""), hello]);
    let [
        WireEvent::Opened {
            link,
            from: REMOTE,
            virtual_port: 4,
            version: 2,
        },
        WireEvent::Message {
            lane: 3,
            reliable: true,
            data,
            ..
        },
    ] = events.as_slice()
    else {
        panic!("{events:?}");
    };
    assert_eq!(data, b"hello", "the trailer is cut off");
    assert_eq!(
        data.as_ptr(),
        received_into,
        "handed on in the buffer it arrived in"
    );
    let link = *link;
    wire.send_message(link, 0, false, [b"a", b"b"]);
    let (to, sent, send, _) = script.0.lock().sent.pop().unwrap();
    assert_eq!((to, send), (REMOTE, P2PSend::Unreliable));
    let Some((
        LinkRef {
            number: 7,
            from_opener: false,
        },
        Frame::Message { payload_end, .. },
    )) = frame::decode(&sent)
    else {
        panic!("{sent:?}");
    };
    assert_eq!(&sent[..payload_end], b"ab");
    let close = Frame::Close {
        reason: 1000,
        debug: "bye",
    };
    let events = poll(
        &mut wire,
        &script,
        vec![
            packet(7, true, close, b""),
            packet(7, true, message, b"late"),
        ],
    );
    assert_eq!(
        events,
        [WireEvent::Closed {
            link,
            reason: 1000,
            debug: "bye".into()
        }]
    );
    assert_eq!(wire.dropped(), 1, "the message after the close");
}

#[test]
fn strays_and_garbage_are_dropped_and_counted() {
    let script = Scripted::default();
    let mut wire = LegacyWire::new(script.clone());
    let stray = Frame::Message {
        lane: 0,
        reliable: false,
        payload_end: 0,
    };
    let events = poll(
        &mut wire,
        &script,
        vec![
            vec![0xFF, 0xFF],
            vec![],
            packet(1, true, stray, b"x"),
            packet(1, false, Frame::Accept, b""),
            packet(
                1,
                false,
                Frame::Open {
                    virtual_port: 0,
                    version: 2,
                },
                b"",
            ),
        ],
    );
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(wire.dropped(), 5);
}

#[test]
fn links_end_with_their_session() {
    let script = Scripted::default();
    let mut wire = LegacyWire::new(script.clone());
    let link = wire.open(REMOTE, 0).unwrap();
    assert!(poll(&mut wire, &script, Vec::new()).is_empty());
    script.0.lock().sessions.clear();
    let events = poll(&mut wire, &script, Vec::new());
    assert!(
        matches!(events.as_slice(), [WireEvent::Lost { link: lost, .. }] if *lost == link),
        "{events:?}"
    );
}
