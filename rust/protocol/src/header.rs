//! The per-message header: one byte for reliable packets, three for unreliable ones.
//!
//! The first byte holds the message kind in its top two bits and the channel (or, for control
//! messages, the control type) in the low six. Unreliable packets add a 16-bit sequence number
//! per channel so the receiver can drop duplicates and, for `UnreliableOrdered`, stale packets.

use crate::mode::TransferMode;

/// Channels a session can use; the channel travels in six bits.
pub const MAX_CHANNELS: usize = 64;

/// The largest header a data message carries.
pub const MAX_HEADER_LEN: usize = 3;

const KIND_SHIFT: u8 = 6;
const LOW_BITS: u8 = (1 << KIND_SHIFT) - 1;
const KIND_RELIABLE: u8 = 0;
const KIND_UNRELIABLE: u8 = 1;
const KIND_ORDERED: u8 = 2;
pub(crate) const KIND_CONTROL: u8 = 3;

/// The first byte of a control message of type `control_type` (below 64).
pub(crate) const fn control_tag(control_type: u8) -> u8 {
    (KIND_CONTROL << KIND_SHIFT) | control_type
}

/// What a data message says about itself.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DataHeader {
    /// Godot's transfer channel, below [`MAX_CHANNELS`].
    pub channel: u8,
    /// The mode the sender used.
    pub mode: TransferMode,
    /// Per-channel sequence number; zero and not sent for reliable packets.
    pub sequence: u16,
}

/// An encoded header, kept on the stack.
#[derive(Clone, Copy, Debug)]
pub struct EncodedHeader {
    bytes: [u8; MAX_HEADER_LEN],
    len: u8,
}

impl EncodedHeader {
    /// The header bytes to put before the payload.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl DataHeader {
    /// The number of header bytes a packet of `mode` carries.
    pub const fn len_for(mode: TransferMode) -> usize {
        match mode {
            TransferMode::Reliable => 1,
            TransferMode::Unreliable | TransferMode::UnreliableOrdered => 3,
        }
    }

    /// Encodes the header. The channel must be below [`MAX_CHANNELS`].
    pub fn encode(&self) -> EncodedHeader {
        debug_assert!(usize::from(self.channel) < MAX_CHANNELS);
        let kind = match self.mode {
            TransferMode::Reliable => KIND_RELIABLE,
            TransferMode::Unreliable => KIND_UNRELIABLE,
            TransferMode::UnreliableOrdered => KIND_ORDERED,
        };
        let [lo, hi] = self.sequence.to_le_bytes();
        EncodedHeader {
            bytes: [(kind << KIND_SHIFT) | (self.channel & LOW_BITS), lo, hi],
            len: DataHeader::len_for(self.mode) as u8,
        }
    }
}

/// A message as it arrived, split by kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Parsed {
    /// A packet for Godot; its payload starts at `payload_offset`.
    Data {
        /// The decoded header.
        header: DataHeader,
        /// Where the payload starts in the message.
        payload_offset: usize,
    },
    /// A protocol message; decode it with [`crate::control::Control::decode`].
    Control,
}

/// Why a message could not be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Malformed {
    /// The message is shorter than its header.
    Truncated,
}

/// Splits a received message into its header and payload, without copying.
pub fn parse(message: &[u8]) -> Result<Parsed, Malformed> {
    let first = *message.first().ok_or(Malformed::Truncated)?;
    let channel = first & LOW_BITS;
    let mode = match first >> KIND_SHIFT {
        KIND_CONTROL => return Ok(Parsed::Control),
        KIND_RELIABLE => TransferMode::Reliable,
        KIND_UNRELIABLE => TransferMode::Unreliable,
        _ => TransferMode::UnreliableOrdered,
    };
    let header_len = DataHeader::len_for(mode);
    if message.len() < header_len {
        return Err(Malformed::Truncated);
    }
    let sequence = if header_len == 3 {
        u16::from_le_bytes([message[1], message[2]])
    } else {
        0
    };
    Ok(Parsed::Data {
        header: DataHeader {
            channel,
            mode,
            sequence,
        },
        payload_offset: header_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_and_channel_round_trips() {
        for mode in [
            TransferMode::Reliable,
            TransferMode::Unreliable,
            TransferMode::UnreliableOrdered,
        ] {
            for channel in 0..MAX_CHANNELS as u8 {
                let sequence = if mode.is_reliable() { 0 } else { 0xBEEF };
                let header = DataHeader {
                    channel,
                    mode,
                    sequence,
                };
                let mut message = header.encode().as_slice().to_vec();
                message.extend_from_slice(b"payload");
                let Ok(Parsed::Data {
                    header: parsed,
                    payload_offset,
                }) = parse(&message)
                else {
                    panic!("not data: {message:?}");
                };
                assert_eq!(parsed, header);
                assert_eq!(&message[payload_offset..], b"payload");
            }
        }
    }

    #[test]
    fn overhead_is_one_byte_reliable_and_three_unreliable() {
        assert_eq!(DataHeader::len_for(TransferMode::Reliable), 1);
        assert_eq!(DataHeader::len_for(TransferMode::Unreliable), 3);
        assert_eq!(DataHeader::len_for(TransferMode::UnreliableOrdered), 3);
    }

    #[test]
    fn short_messages_are_malformed_not_panics() {
        assert_eq!(parse(&[]), Err(Malformed::Truncated));
        assert_eq!(
            parse(&[KIND_UNRELIABLE << KIND_SHIFT]),
            Err(Malformed::Truncated)
        );
        assert_eq!(
            parse(&[KIND_ORDERED << KIND_SHIFT, 1]),
            Err(Malformed::Truncated)
        );
        assert_eq!(parse(&[control_tag(1)]), Ok(Parsed::Control));
    }
}
