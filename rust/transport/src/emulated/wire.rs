//! How an emulated endpoint reaches others: the wire, and what comes off it.

use std::time::Instant;

use smp_protocol::SteamId;

/// One link between two endpoints, carrying one connection. Numbered by the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct LinkId(pub u64);

/// Something that came off the wire.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum WireEvent {
    /// A remote opened a link to one of our virtual ports.
    Opened {
        /// The link.
        link: LinkId,
        /// Who opened it.
        from: SteamId,
        /// The virtual port it asks for.
        virtual_port: i32,
        /// The remote's wire version.
        version: u8,
    },
    /// The remote accepted a link we opened.
    Accepted {
        /// The link.
        link: LinkId,
    },
    /// A message.
    Message {
        /// The link.
        link: LinkId,
        /// Its lane.
        lane: u16,
        /// True when sent reliably.
        reliable: bool,
        /// The bytes.
        data: Vec<u8>,
    },
    /// The remote closed the link, saying why.
    Closed {
        /// The link.
        link: LinkId,
        /// Steam's end reason.
        reason: i32,
        /// The remote's explanation.
        debug: String,
    },
    /// The link broke without a word: the remote process ended, or the stream failed.
    Lost {
        /// The link.
        link: LinkId,
        /// What we know.
        debug: String,
    },
}

impl WireEvent {
    /// The link the event concerns.
    pub fn link(&self) -> LinkId {
        match self {
            WireEvent::Opened { link, .. }
            | WireEvent::Accepted { link }
            | WireEvent::Message { link, .. }
            | WireEvent::Closed { link, .. }
            | WireEvent::Lost { link, .. } => *link,
        }
    }
}

/// Bytes a link has not written yet, by the kind of message they belong to: what Steam
/// reports as pending.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Unsent {
    /// Of reliable messages (and the wire's own frames).
    pub reliable: usize,
    /// Of unreliable messages.
    pub unreliable: usize,
}

/// The version of the emulated wire; endpoints of different versions refuse each other.
/// Version 2 added the probes that measure ping and quality.
pub const WIRE_VERSION: u8 = 2;

/// Moves frames between emulated endpoints. The endpoint above it owns all the semantics.
pub trait Wire {
    /// Opens a link to `remote`, asking for `virtual_port`. Fails at once when the remote is
    /// known not to be there.
    fn open(&mut self, remote: SteamId, virtual_port: i32) -> Result<LinkId, String>;

    /// Tells the remote its link is accepted.
    fn send_accept(&mut self, link: LinkId);

    /// Sends `parts` as one message.
    fn send_message(&mut self, link: LinkId, lane: u16, reliable: bool, parts: [&[u8]; 2]);

    /// Writes what [`Wire::send_message`] held back on `link`, for a wire that holds messages
    /// back to write several at once. The memory wire and the legacy P2P API's send each
    /// message as it comes, and have nothing to write.
    fn flush(&mut self, _link: LinkId) {}

    /// Writes what every link holds back (see [`Wire::flush`]).
    fn flush_all(&mut self) {}

    /// What `link` holds back or the kernel has not taken yet; nothing, for a wire that
    /// hands every message on as it comes.
    fn unsent(&self, _link: LinkId) -> Unsent {
        Unsent::default()
    }

    /// Sends the reason, then ends the link. With `discard`, data not yet written is dropped first.
    fn send_close(&mut self, link: LinkId, reason: i32, debug: &str, discard: bool);

    /// Moves data; appends what arrived to `events`.
    fn poll(&mut self, now: Instant, events: &mut Vec<WireEvent>);

    /// The largest message the wire carries; Steam's sockets limit where it carries more.
    fn max_message_size(&self, _reliable: bool) -> usize {
        crate::emulated::MAX_MESSAGE_SIZE
    }

    /// True when every packet the wire loses is one fault injection dropped, so the endpoint
    /// can tell delivery quality; false when a real network below loses packets unseen.
    fn sees_all_loss(&self) -> bool {
        true
    }

    /// Who may open links to us (`None`: anyone), for a wire that can keep others out before
    /// their links open. Memory and TCP links cannot: the endpoint's owner rejects them.
    fn admit_only(&mut self, _remotes: Option<&[SteamId]>) {}

    /// Packets the wire threw away as malformed or stray, for a wire that reads a format
    /// strangers can send (the legacy P2P API's packets); the TCP and memory wires' links
    /// carry only what an endpoint wrote.
    fn dropped(&self) -> u64 {
        0
    }
}
