//! What the session knows about one connection and the peer behind it.

use std::time::Instant;

use crate::ids::{PeerId, SteamId};
use crate::sequence::{DedupWindow, OrderedWindow};

/// Where a connection stands in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Phase {
    /// The transport is still connecting.
    Connecting,
    /// The transport is up; the handshake is under way.
    Handshaking,
    /// The handshake completed: the peer is known to Godot.
    Established,
}

/// Sequence state of one channel of one peer, both directions.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct ChannelState {
    pub next_unreliable: u16,
    pub next_ordered: u16,
    pub unreliable_window: DedupWindow,
    pub ordered_window: OrderedWindow,
}

/// One connection the session tracks.
#[derive(Debug)]
pub(crate) struct Remote<B> {
    pub steam_id: SteamId,
    /// True when we dialled it.
    pub dialed: bool,
    pub phase: Phase,
    /// The remote's peer id; 0 until its `Hello` (or, for our host, our `Welcome`) tells it.
    pub peer_id: PeerId,
    pub opened_at: Instant,
    pub hello_sent_at: Option<Instant>,
    pub hello_received: bool,
    /// Data that arrived before the handshake completed, delivered once it does.
    pub early: Vec<B>,
    pub early_bytes: usize,
    pub channels: Box<[ChannelState]>,
}

impl<B> Remote<B> {
    pub fn new(steam_id: SteamId, dialed: bool, channels: usize, now: Instant) -> Self {
        Remote {
            steam_id,
            dialed,
            phase: Phase::Connecting,
            peer_id: 0,
            opened_at: now,
            hello_sent_at: None,
            hello_received: false,
            early: Vec::new(),
            early_bytes: 0,
            channels: vec![ChannelState::default(); channels].into_boxed_slice(),
        }
    }
}
