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

    /// Sends `payload`, then `frame`'s trailer, on `key`'s link.
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
        self.outgoing.clear();
        self.outgoing.extend_from_slice(payload[0]);
        self.outgoing.extend_from_slice(payload[1]);
        frame::encode(&mut self.outgoing, link, frame);
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
                    payload_end,
                },
                Some(link),
            ) => {
                // The message's bytes start the packet: only the trailer goes, nothing moves.
                packet.truncate(payload_end);
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
            payload_end: 0,
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
        let trailer = frame::MAX_MESSAGE_TRAILER;
        if reliable {
            crate::types::P2P_MAX_RELIABLE - trailer
        } else {
            crate::types::P2P_MAX_UNRELIABLE - trailer
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
mod tests;
