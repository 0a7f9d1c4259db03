//! Links over the legacy P2P API: the emulated endpoint's [`Wire`], so that the legacy
//! transport keeps every semantic of Steam's sockets (states, listen sockets, lanes, limits,
//! lingering closes) without a line of it written twice.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use log::debug;
use smp_transport::SteamId;
use smp_transport::emulated::{LinkId, Wire, WireEvent};

use super::P2PNetworking;
use super::frame::{self, Frame, LinkRef};
use crate::types::P2PSend;

/// The P2P channel the peer's links use; games keep their own packets on other channels.
pub const PEER_CHANNEL: i32 = 1000;

/// A link as both ends name it: the remote, who opened it, and the opener's number for it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct LinkKey {
    remote: SteamId,
    opened_by_us: bool,
    number: u32,
}

/// The emulated endpoint's wire over legacy P2P sessions, on [`PEER_CHANNEL`].
pub struct LegacyWire<P> {
    p2p: P,
    links: HashMap<LinkId, LinkKey>,
    by_key: HashMap<LinkKey, LinkId>,
    next_link: u64,
    next_number: u32,
    /// Who may open links to us; `None`: anyone.
    admitted: Option<HashSet<SteamId>>,
    /// Reused for every frame sent.
    outgoing: Vec<u8>,
    /// Reused for every poll's session requests.
    requests: Vec<SteamId>,
    dropped: u64,
}

impl<P: P2PNetworking> LegacyWire<P> {
    /// Links over `p2p`.
    pub fn new(p2p: P) -> Self {
        LegacyWire {
            p2p,
            links: HashMap::new(),
            by_key: HashMap::new(),
            next_link: 1,
            next_number: 1,
            admitted: None,
            outgoing: Vec::new(),
            requests: Vec::new(),
            dropped: 0,
        }
    }

    fn add_link(&mut self, key: LinkKey) -> LinkId {
        let link = LinkId(self.next_link);
        self.next_link += 1;
        self.links.insert(link, key);
        self.by_key.insert(key, link);
        link
    }

    fn remove_link(&mut self, link: LinkId) -> Option<LinkKey> {
        let key = self.links.remove(&link)?;
        self.by_key.remove(&key);
        Some(key)
    }

    /// Sends `frame` (then `payload`) on `key`'s link.
    fn send_frame(
        &mut self,
        key: LinkKey,
        frame: &Frame<'_>,
        payload: [&[u8]; 2],
        send: P2PSend,
    ) -> Result<(), String> {
        let link = LinkRef {
            number: key.number,
            from_opener: key.opened_by_us,
        };
        frame::encode(&mut self.outgoing, link, frame);
        self.outgoing.extend_from_slice(payload[0]);
        self.outgoing.extend_from_slice(payload[1]);
        self.p2p
            .send(key.remote, &self.outgoing, send, PEER_CHANNEL)
    }

    fn accept_admitted_sessions(&mut self) {
        self.requests.clear();
        self.p2p.requested_sessions(&mut self.requests);
        for &remote in &self.requests {
            if self.admitted.as_ref().is_none_or(|a| a.contains(&remote)) {
                self.p2p.accept_session(remote);
            }
        }
    }

    fn read_packets(&mut self, events: &mut Vec<WireEvent>) {
        while let Some((packet, remote)) = self.p2p.read(PEER_CHANNEL) {
            if !self.on_packet(packet, remote, events) {
                self.dropped += 1;
                debug!("legacy P2P transport: dropped a stray or malformed packet from {remote}");
            }
        }
    }

    /// Turns one packet into its event; false when it makes no sense.
    fn on_packet(
        &mut self,
        mut packet: Vec<u8>,
        remote: SteamId,
        events: &mut Vec<WireEvent>,
    ) -> bool {
        let Some((link_ref, frame)) = frame::decode(&packet) else {
            return false;
        };
        let key = LinkKey {
            remote,
            opened_by_us: !link_ref.from_opener,
            number: link_ref.number,
        };
        let known = self.by_key.get(&key).copied();
        let event = match (frame, known) {
            (
                Frame::Open {
                    virtual_port,
                    version,
                },
                None,
            ) if link_ref.from_opener => WireEvent::Opened {
                link: self.add_link(key),
                from: remote,
                virtual_port,
                version,
            },
            (Frame::Accept, Some(link)) if key.opened_by_us => WireEvent::Accepted { link },
            (Frame::Close { reason, debug }, Some(link)) => {
                let debug = debug.to_owned();
                self.remove_link(link);
                WireEvent::Closed {
                    link,
                    reason,
                    debug,
                }
            }
            (
                Frame::Message {
                    lane,
                    reliable,
                    payload_start,
                },
                Some(link),
            ) => {
                packet.drain(..payload_start);
                WireEvent::Message {
                    link,
                    lane,
                    reliable,
                    data: packet,
                }
            }
            _ => return false,
        };
        events.push(event);
        true
    }

    /// Links whose session ended (the remote left, or the game closed the session) are lost.
    fn lose_links_without_session(&mut self, events: &mut Vec<WireEvent>) {
        let lost: Vec<LinkId> = self
            .links
            .iter()
            .filter(|(_, key)| !self.p2p.has_session(key.remote))
            .map(|(&link, _)| link)
            .collect();
        for link in lost {
            if let Some(key) = self.remove_link(link) {
                events.push(WireEvent::Lost {
                    link,
                    debug: format!("the P2P session with {} ended", key.remote),
                });
            }
        }
    }
}

impl<P: P2PNetworking> Wire for LegacyWire<P> {
    fn open(&mut self, remote: SteamId, virtual_port: i32) -> Result<LinkId, String> {
        let key = LinkKey {
            remote,
            opened_by_us: true,
            number: self.next_number,
        };
        self.next_number = self.next_number.wrapping_add(1);
        let open = Frame::Open {
            virtual_port,
            version: smp_transport::emulated::wire::WIRE_VERSION,
        };
        self.send_frame(key, &open, [&[], &[]], P2PSend::Reliable)?;
        Ok(self.add_link(key))
    }

    fn send_accept(&mut self, link: LinkId) {
        if let Some(&key) = self.links.get(&link)
            && let Err(why) = self.send_frame(key, &Frame::Accept, [&[], &[]], P2PSend::Reliable)
        {
            debug!(
                "legacy P2P transport: an acceptance to {} failed: {why}",
                key.remote
            );
        }
    }

    fn send_message(&mut self, link: LinkId, lane: u16, reliable: bool, parts: [&[u8]; 2]) {
        let Some(&key) = self.links.get(&link) else {
            return;
        };
        let message = Frame::Message {
            lane,
            reliable,
            payload_start: 0,
        };
        let send = if reliable {
            P2PSend::Reliable
        } else {
            P2PSend::Unreliable
        };
        // A reliable send fails only when the session is gone, which the next poll reports.
        if let Err(why) = self.send_frame(key, &message, parts, send) {
            debug!(
                "legacy P2P transport: a message to {} failed: {why}",
                key.remote
            );
        }
    }

    fn send_close(&mut self, link: LinkId, reason: i32, debug: &str, _discard: bool) {
        // Packets already handed to Steam cannot be taken back: the close only follows them.
        if let Some(key) = self.remove_link(link) {
            let close = Frame::Close { reason, debug };
            if let Err(why) = self.send_frame(key, &close, [&[], &[]], P2PSend::Reliable) {
                debug!(
                    "legacy P2P transport: a close to {} failed: {why}",
                    key.remote
                );
            }
        }
    }

    fn poll(&mut self, now: Instant, events: &mut Vec<WireEvent>) {
        self.p2p.pump(now);
        self.accept_admitted_sessions();
        self.read_packets(events);
        self.lose_links_without_session(events);
    }

    fn max_message_size(&self, reliable: bool) -> usize {
        let header = frame::MAX_MESSAGE_HEADER;
        if reliable {
            crate::types::P2P_MAX_RELIABLE - header
        } else {
            crate::types::P2P_MAX_UNRELIABLE - header
        }
    }

    /// Steam's P2P sessions (or local mode's) lose packets below us, unseen.
    fn sees_all_loss(&self) -> bool {
        false
    }

    fn admit_only(&mut self, remotes: Option<&[SteamId]>) {
        self.admitted = remotes.map(|r| r.iter().copied().collect());
    }

    fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
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
        let mut out = Vec::new();
        frame::encode(
            &mut out,
            LinkRef {
                number,
                from_opener,
            },
            &frame,
        );
        out.extend_from_slice(payload);
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
            payload_start: 0,
        };
        let events = poll(
            &mut wire,
            &script,
            vec![
                packet(7, true, open, b""),
                packet(7, true, message, b"hello"),
            ],
        );
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
        assert_eq!(data, b"hello", "the header is stripped");
        let link = *link;
        wire.send_message(link, 0, false, [b"a", b"b"]);
        let (to, sent, send, _) = script.0.lock().sent.pop().unwrap();
        assert_eq!((to, send), (REMOTE, P2PSend::Unreliable));
        let Some((
            LinkRef {
                number: 7,
                from_opener: false,
            },
            Frame::Message { payload_start, .. },
        )) = frame::decode(&sent)
        else {
            panic!("{sent:?}");
        };
        assert_eq!(&sent[payload_start..], b"ab");
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
            payload_start: 0,
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
}
