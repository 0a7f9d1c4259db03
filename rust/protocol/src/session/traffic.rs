//! Data packets: routing what Godot sends, filtering and queueing what arrives.

use std::time::Instant;

use log::debug;

use super::remote::Phase;
use super::{PeerSlot, Session};
use crate::event::{ApiError, Packet, SendError};
use crate::header::{self, DataHeader, Parsed};
use crate::ids::ConnectionId;
use crate::mode::{ConnectionStatus, TransferMode};
use crate::reason::CloseReason;

impl<B: AsRef<[u8]>> Session<B> {
    /// Sends a packet of `payload_len` bytes to `target` (0: everyone, > 0: that peer,
    /// < 0: everyone but that peer).
    ///
    /// For each destination, `transmit(conn, lane, reliable, header)` must send `header`
    /// followed by the payload. A peer that is leaving is skipped silently. Every destination
    /// is tried; the first transport error is returned.
    pub fn send<E>(
        &mut self,
        target: i32,
        channel: i32,
        mode: TransferMode,
        payload_len: usize,
        mut transmit: impl FnMut(ConnectionId, u16, bool, &[u8]) -> Result<(), E>,
    ) -> Result<(), SendError<E>> {
        match self.status {
            ConnectionStatus::Connected => {}
            ConnectionStatus::Connecting => return Err(SendError::Api(ApiError::NotConnected)),
            ConnectionStatus::Disconnected => return Err(SendError::Api(ApiError::NotActive)),
        }
        let channels = self.config.channels;
        let lane = usize::try_from(channel)
            .ok()
            .filter(|&c| c < channels)
            .ok_or(SendError::Api(ApiError::InvalidChannel {
                channel,
                channels,
            }))?;
        let max = self.config.max_message_size - DataHeader::len_for(mode);
        if payload_len > max {
            return Err(SendError::Api(ApiError::TooLarge {
                size: payload_len,
                max,
            }));
        }
        let excluded = match target {
            0 => None,
            t if t > 0 => {
                return match self.peers.get(&t) {
                    Some(&PeerSlot::Live(conn)) => self
                        .transmit_to(conn, lane, mode, &mut transmit)
                        .map_err(SendError::Transport),
                    Some(PeerSlot::Departing) => Ok(()),
                    None => Err(SendError::Api(ApiError::UnknownTarget(target))),
                };
            }
            t => match t.checked_neg() {
                Some(id) if id == self.unique_id || self.peers.contains_key(&id) => Some(id),
                _ => return Err(SendError::Api(ApiError::UnknownTarget(target))),
            },
        };
        let mut first_error = None;
        for (&id, slot) in &self.peers {
            let &PeerSlot::Live(conn) = slot else {
                continue;
            };
            if Some(id) == excluded {
                continue;
            }
            let Some(remote) = self.remotes.get_mut(&conn) else {
                continue;
            };
            let header = Self::next_header(&mut remote.channels[lane], lane, mode);
            if let Err(err) = transmit(conn, lane as u16, mode.is_reliable(), header.as_slice()) {
                first_error.get_or_insert(err);
            }
        }
        first_error.map_or(Ok(()), |err| Err(SendError::Transport(err)))
    }

    fn transmit_to<E>(
        &mut self,
        conn: ConnectionId,
        lane: usize,
        mode: TransferMode,
        transmit: &mut impl FnMut(ConnectionId, u16, bool, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some(remote) = self.remotes.get_mut(&conn) else {
            return Ok(());
        };
        let header = Self::next_header(&mut remote.channels[lane], lane, mode);
        transmit(conn, lane as u16, mode.is_reliable(), header.as_slice())
    }

    fn next_header(
        state: &mut super::remote::ChannelState,
        lane: usize,
        mode: TransferMode,
    ) -> header::EncodedHeader {
        let counter = match mode {
            TransferMode::Reliable => None,
            TransferMode::Unreliable => Some(&mut state.next_unreliable),
            TransferMode::UnreliableOrdered => Some(&mut state.next_ordered),
        };
        let sequence = counter.map_or(0, |next| {
            let sequence = *next;
            *next = next.wrapping_add(1);
            sequence
        });
        DataHeader {
            channel: lane as u8,
            mode,
            sequence,
        }
        .encode()
    }

    /// A message arrived on `conn`.
    pub fn on_message(&mut self, conn: ConnectionId, data: B, now: Instant) {
        let Some(remote) = self.remotes.get_mut(&conn) else {
            self.drops.unknown_connection += 1;
            return;
        };
        match header::parse(data.as_ref()) {
            Err(err) => {
                self.drops.malformed += 1;
                debug!(
                    "dropped a malformed message from {}: {err:?}",
                    remote.steam_id
                );
            }
            Ok(Parsed::Control) => self.on_control(conn, data.as_ref(), now),
            Ok(Parsed::Data { .. }) if remote.phase == Phase::Established => {
                self.deliver(conn, data)
            }
            Ok(Parsed::Data { .. }) => {
                // Lanes are independent, so data can overtake the handshake on lane 0.
                remote.early_bytes += data.as_ref().len();
                if remote.early_bytes > self.config.max_early_bytes {
                    self.drop_connection(
                        conn,
                        CloseReason::Overflow,
                        CloseReason::Overflow.describe(),
                    );
                } else {
                    remote.early.push(data);
                }
            }
        }
    }

    /// Queues a data message from an established peer for Godot, unless its mode says drop it.
    pub(super) fn deliver(&mut self, conn: ConnectionId, data: B) {
        let Some(remote) = self.remotes.get_mut(&conn) else {
            return;
        };
        let Ok(Parsed::Data {
            header,
            payload_offset,
        }) = header::parse(data.as_ref())
        else {
            self.drops.malformed += 1;
            return;
        };
        if self.mesh.drops_from(remote.peer_id) {
            return;
        }
        let Some(state) = remote.channels.get_mut(usize::from(header.channel)) else {
            self.drops.malformed += 1;
            debug!(
                "dropped a packet from {} on channel {}, which we do not have",
                remote.steam_id, header.channel
            );
            return;
        };
        let fresh = match header.mode {
            TransferMode::Reliable => true,
            TransferMode::Unreliable => state.unreliable_window.accept(header.sequence),
            TransferMode::UnreliableOrdered => state.ordered_window.accept(header.sequence),
        };
        if !fresh {
            match header.mode {
                TransferMode::UnreliableOrdered => self.drops.stale += 1,
                _ => self.drops.duplicate += 1,
            }
            return;
        }
        self.inbox.push_back(Packet::new(
            remote.peer_id,
            header.channel,
            header.mode,
            data,
            payload_offset,
        ));
    }
}
