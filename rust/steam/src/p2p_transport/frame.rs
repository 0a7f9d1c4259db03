//! The frames the legacy P2P transport sends on its channel: a link's opening, acceptance,
//! close and messages, each naming its link by the number its opener gave it.
//!
//! `[tag][link number: LEB128 u32][...]`; the tag holds the kind and whether the sender
//! opened the link (numbers are only unique per opener).

/// The longest header a message has: the tag, a five-byte link number, the lane.
pub const MAX_MESSAGE_HEADER: usize = 1 + 5 + 2;

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
    /// A message; its bytes follow the header, from `payload_start`.
    Message {
        /// Its lane.
        lane: u16,
        /// Sent reliably.
        reliable: bool,
        /// Where the message's bytes start in the packet.
        payload_start: usize,
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

/// Writes the header of `frame` for `link` into `out` (cleared first); a message's bytes go
/// after it.
pub fn encode(out: &mut Vec<u8>, link: LinkRef, frame: &Frame<'_>) {
    out.clear();
    let kind = match frame {
        Frame::Open { .. } => OPEN,
        Frame::Accept => ACCEPT,
        Frame::Close { .. } => CLOSE,
        Frame::Message {
            reliable: false, ..
        } => UNRELIABLE,
        Frame::Message { reliable: true, .. } => RELIABLE,
    };
    out.push(kind | if link.from_opener { FROM_OPENER } else { 0 });
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
    match frame {
        Frame::Open {
            virtual_port,
            version,
        } => {
            out.extend_from_slice(&virtual_port.to_le_bytes());
            out.push(*version);
        }
        Frame::Accept => {}
        Frame::Close { reason, debug } => {
            out.extend_from_slice(&reason.to_le_bytes());
            out.extend_from_slice(debug.as_bytes());
        }
        Frame::Message { lane, .. } => out.extend_from_slice(&lane.to_le_bytes()),
    }
}

/// Reads a packet's frame; `None` for anything malformed.
pub fn decode(packet: &[u8]) -> Option<(LinkRef, Frame<'_>)> {
    let (&tag, rest) = packet.split_first()?;
    let mut number: u32 = 0;
    let mut used = 0;
    loop {
        let byte = *rest.get(used)?;
        number |= u32::from(byte & 0x7F).checked_shl(7 * used as u32)?;
        used += 1;
        if byte & 0x80 == 0 {
            break;
        }
        if used == 5 {
            return None;
        }
    }
    let body = &rest[used..];
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
        kind @ (UNRELIABLE | RELIABLE) if body.len() >= 2 => Frame::Message {
            lane: u16::from_le_bytes(body[..2].try_into().ok()?),
            reliable: kind == RELIABLE,
            payload_start: 1 + used + 2,
        },
        _ => return None,
    };
    Some((link, frame))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(link: LinkRef, frame: Frame<'_>, payload: &[u8]) {
        let mut packet = Vec::new();
        encode(&mut packet, link, &frame);
        packet.extend_from_slice(payload);
        let (got_link, got) = decode(&packet).expect("decodes");
        assert_eq!(got_link, link);
        match (got, frame) {
            (
                Frame::Message {
                    lane,
                    reliable,
                    payload_start,
                },
                Frame::Message {
                    lane: sent_lane,
                    reliable: sent_reliable,
                    ..
                },
            ) => {
                assert_eq!((lane, reliable), (sent_lane, sent_reliable));
                assert_eq!(&packet[payload_start..], payload);
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
                        payload_start: 0,
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
            payload_start: 0,
        };
        encode(&mut packet, link, &message);
        assert_eq!(packet.len(), 4, "tag, number, lane");
    }

    #[test]
    fn malformed_packets_are_refused_not_trusted() {
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[OPEN]), None, "no number");
        assert_eq!(
            decode(&[OPEN, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            None,
            "too long a number"
        );
        assert_eq!(decode(&[OPEN, 1, 0, 0]), None, "a short open");
        assert_eq!(decode(&[ACCEPT, 1, 9]), None, "an accept with a tail");
        assert_eq!(
            decode(&[CLOSE, 1, 0xE8, 3, 0, 0, 0xFF]),
            None,
            "a close in bad UTF-8"
        );
        assert_eq!(decode(&[RELIABLE, 1, 0]), None, "half a lane");
        assert_eq!(decode(&[0x7F, 1]), None, "an unknown kind");
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 12) as usize;
            let bytes: Vec<u8> = (0..len).map(|i| (seed >> (i * 5)) as u8).collect();
            if let Some((_, Frame::Message { payload_start, .. })) = decode(&bytes) {
                assert!(payload_start <= bytes.len());
            }
        }
    }
}
