//! The frames the legacy P2P transport sends on its channel: a link's opening, acceptance,
//! close and messages, each naming its link by the number its opener gave it.
//!
//! `[body][link number: LEB128 u32, its bytes from the end][tag]`: everything that frames a
//! packet trails it, so a received message's bytes start the packet and are handed on where
//! they are, the trailer cut off. The tag holds the kind and whether the sender opened the
//! link (numbers are only unique per opener); a message's body is its bytes, then its lane.

/// The longest trailer a message has: the lane, a five-byte link number, the tag.
pub const MAX_MESSAGE_TRAILER: usize = 2 + 5 + 1;

/// The sender opened the link the frame belongs to.
const FROM_OPENER: u8 = 0x80;
const OPEN: u8 = 1;
const ACCEPT: u8 = 2;
const CLOSE: u8 = 3;
const UNRELIABLE: u8 = 4;
const RELIABLE: u8 = 5;

/// One frame, borrowed from the packet it came in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Frame<'a> {
    /// The sender opens a link to our `virtual_port`.
    Open {
        /// The virtual port.
        virtual_port: i32,
        /// The sender's wire version.
        version: u8,
    },
    /// The link we opened is accepted.
    Accept,
    /// The link is closed.
    Close {
        /// Steam's end reason.
        reason: i32,
        /// The sender's explanation.
        debug: &'a str,
    },
    /// A message; its bytes start the packet, up to `payload_end`.
    Message {
        /// Its lane.
        lane: u16,
        /// Sent reliably.
        reliable: bool,
        /// Where the message's bytes end in the packet (ignored when encoding: the bytes
        /// are already there).
        payload_end: usize,
    },
}

/// A decoded frame's link: its number, and whether the sender opened it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LinkRef {
    /// The opener's number for it.
    pub number: u32,
    /// The sender of the frame opened the link.
    pub from_opener: bool,
}

/// Appends the trailer of `frame` for `link` to `out`; a message's bytes must be in `out`
/// already (`out` holds only them, or nothing for other frames).
pub fn encode(out: &mut Vec<u8>, link: LinkRef, frame: &Frame<'_>) {
    let kind = match frame {
        Frame::Open {
            virtual_port,
            version,
        } => {
            out.extend_from_slice(&virtual_port.to_le_bytes());
            out.push(*version);
            OPEN
        }
        Frame::Accept => ACCEPT,
        Frame::Close { reason, debug } => {
            out.extend_from_slice(&reason.to_le_bytes());
            out.extend_from_slice(debug.as_bytes());
            CLOSE
        }
        Frame::Message { lane, reliable, .. } => {
            out.extend_from_slice(&lane.to_le_bytes());
            if *reliable { RELIABLE } else { UNRELIABLE }
        }
    };
    // LEB128, written from its last byte to its first, so that it reads from the end.
    let start = out.len();
    let mut number = link.number;
    loop {
        let low = (number & 0x7F) as u8;
        number >>= 7;
        if number == 0 {
            out.push(low);
            break;
        }
        out.push(low | 0x80);
    }
    out[start..].reverse();
    out.push(kind | if link.from_opener { FROM_OPENER } else { 0 });
}

/// Reads a packet's frame; `None` for anything malformed.
pub fn decode(packet: &[u8]) -> Option<(LinkRef, Frame<'_>)> {
    let (&tag, rest) = packet.split_last()?;
    let mut number: u32 = 0;
    let mut used = 0;
    loop {
        let byte = *rest.get(rest.len().checked_sub(used + 1)?)?;
        number |= u32::from(byte & 0x7F).checked_shl(7 * used as u32)?;
        used += 1;
        if byte & 0x80 == 0 {
            break;
        }
        if used == 5 {
            return None;
        }
    }
    let body = &rest[..rest.len() - used];
    let link = LinkRef {
        number,
        from_opener: tag & FROM_OPENER != 0,
    };
    let frame = match tag & !FROM_OPENER {
        OPEN if body.len() == 5 => Frame::Open {
            virtual_port: i32::from_le_bytes(body[..4].try_into().ok()?),
            version: body[4],
        },
        ACCEPT if body.is_empty() => Frame::Accept,
        CLOSE if body.len() >= 4 => Frame::Close {
            reason: i32::from_le_bytes(body[..4].try_into().ok()?),
            debug: std::str::from_utf8(&body[4..]).ok()?,
        },
        kind @ (UNRELIABLE | RELIABLE) if body.len() >= 2 => {
            let payload_end = body.len() - 2;
            Frame::Message {
                lane: u16::from_le_bytes(body[payload_end..].try_into().ok()?),
                reliable: kind == RELIABLE,
                payload_end,
            }
        }
        _ => return None,
    };
    Some((link, frame))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(link: LinkRef, frame: Frame<'_>, payload: &[u8]) {
        let mut packet = payload.to_vec();
        encode(&mut packet, link, &frame);
        let (got_link, got) = decode(&packet).expect("decodes");
        assert_eq!(got_link, link);
        match (got, frame) {
            (
                Frame::Message {
                    lane,
                    reliable,
                    payload_end,
                },
                Frame::Message {
                    lane: sent_lane,
                    reliable: sent_reliable,
                    ..
                },
            ) => {
                assert_eq!((lane, reliable), (sent_lane, sent_reliable));
                assert_eq!(&packet[..payload_end], payload);
            }
            (got, sent) => assert_eq!(got, sent),
        }
    }

    #[test]
    fn every_frame_round_trips() {
        for number in [0, 1, 127, 128, 300_000, u32::MAX] {
            for from_opener in [false, true] {
                let link = LinkRef {
                    number,
                    from_opener,
                };
                round_trip(
                    link,
                    Frame::Open {
                        virtual_port: -3,
                        version: 2,
                    },
                    b"",
                );
                round_trip(link, Frame::Accept, b"");
                round_trip(
                    link,
                    Frame::Close {
                        reason: 1002,
                        debug: "full ✓",
                    },
                    b"",
                );
                for reliable in [false, true] {
                    let message = Frame::Message {
                        lane: u16::MAX,
                        reliable,
                        payload_end: 0,
                    };
                    round_trip(link, message, b"payload");
                    round_trip(link, message, b"");
                }
            }
        }
    }

    #[test]
    fn a_small_link_number_costs_one_byte() {
        let mut packet = Vec::new();
        let link = LinkRef {
            number: 5,
            from_opener: true,
        };
        let message = Frame::Message {
            lane: 1,
            reliable: true,
            payload_end: 0,
        };
        encode(&mut packet, link, &message);
        assert_eq!(packet.len(), 4, "lane, number, tag");
    }

    #[test]
    fn malformed_packets_are_refused_not_trusted() {
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[OPEN]), None, "no number");
        assert_eq!(
            decode(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, OPEN]),
            None,
            "too long a number"
        );
        assert_eq!(decode(&[0, 0, 1, OPEN]), None, "a short open");
        assert_eq!(decode(&[9, 1, ACCEPT]), None, "an accept with a body");
        assert_eq!(
            decode(&[0xE8, 3, 0, 0, 0xFF, 1, CLOSE]),
            None,
            "a close in bad UTF-8"
        );
        assert_eq!(decode(&[0, 1, RELIABLE]), None, "half a lane");
        assert_eq!(decode(&[1, 0x7F]), None, "an unknown kind");
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 12) as usize;
            let bytes: Vec<u8> = (0..len).map(|i| (seed >> (i * 5)) as u8).collect();
            if let Some((_, Frame::Message { payload_end, .. })) = decode(&bytes) {
                assert!(payload_end <= bytes.len());
            }
        }
    }
}
