//! Frames on a local-mode TCP stream: a little-endian `u32` body length, a kind byte, the body.

use smp_protocol::SteamId;

use crate::emulated::MAX_MESSAGE_SIZE;

const KIND_OPEN: u8 = 1;
const KIND_ACCEPT: u8 = 2;
const KIND_MESSAGE: u8 = 3;
const KIND_CLOSE: u8 = 4;
const LEN: usize = 4;
const FLAG_RELIABLE: u8 = 1;
/// Longest close explanation sent; longer ones are cut.
const MAX_DEBUG: usize = 512;
/// Largest body accepted: a whole message and its few header bytes.
pub const MAX_BODY: usize = MAX_MESSAGE_SIZE + 16;

/// A decoded frame, borrowing from the stream buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// The dialler's first frame.
    Open {
        /// Its wire version.
        version: u8,
        /// Its Steam id.
        from: SteamId,
        /// The virtual port it asks for.
        virtual_port: i32,
    },
    /// The listener accepted.
    Accept,
    /// A message.
    Message {
        /// Its lane.
        lane: u16,
        /// Sent reliably.
        reliable: bool,
        /// The bytes.
        payload: &'a [u8],
    },
    /// The sender closes the link.
    Close {
        /// Steam's end reason.
        reason: i32,
        /// Why, for people.
        debug: &'a str,
    },
}

/// A stream that does not follow the format.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CodecError {
    /// A body length over [`MAX_BODY`].
    TooLong(usize),
    /// An unknown kind, or a body that does not fit its kind.
    Malformed(u8),
}

/// Appends an `Open` frame.
pub fn encode_open(out: &mut Vec<u8>, version: u8, from: SteamId, virtual_port: i32) {
    let mut body = [0u8; 13];
    body[0] = version;
    body[1..9].copy_from_slice(&from.0.to_le_bytes());
    body[9..13].copy_from_slice(&virtual_port.to_le_bytes());
    encode(out, KIND_OPEN, &[&body]);
}

/// Appends an `Accept` frame.
pub fn encode_accept(out: &mut Vec<u8>) {
    encode(out, KIND_ACCEPT, &[]);
}

/// Appends a `Message` frame whose payload is `parts` concatenated.
pub fn encode_message(out: &mut Vec<u8>, lane: u16, reliable: bool, parts: [&[u8]; 2]) {
    let [lo, hi] = lane.to_le_bytes();
    let flags = if reliable { FLAG_RELIABLE } else { 0 };
    encode(out, KIND_MESSAGE, &[&[lo, hi, flags], parts[0], parts[1]]);
}

/// Appends a `Close` frame.
pub fn encode_close(out: &mut Vec<u8>, reason: i32, debug: &str) {
    let mut end = debug.len().min(MAX_DEBUG);
    while !debug.is_char_boundary(end) {
        end -= 1;
    }
    encode(
        out,
        KIND_CLOSE,
        &[&reason.to_le_bytes(), &debug.as_bytes()[..end]],
    );
}

fn encode(out: &mut Vec<u8>, kind: u8, parts: &[&[u8]]) {
    let body: usize = 1 + parts.iter().map(|p| p.len()).sum::<usize>();
    out.reserve(LEN + body);
    out.extend_from_slice(&(body as u32).to_le_bytes());
    out.push(kind);
    for part in parts {
        out.extend_from_slice(part);
    }
}

/// Decodes the frame at the start of `buf`: `None` until it is complete, else the frame and
/// the bytes it took.
pub fn decode(buf: &[u8]) -> Result<Option<(Frame<'_>, usize)>, CodecError> {
    let Some(len) = buf.get(..LEN) else {
        return Ok(None);
    };
    let body_len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
    if body_len > MAX_BODY {
        return Err(CodecError::TooLong(body_len));
    }
    let Some(body) = buf.get(LEN..LEN + body_len) else {
        return Ok(None);
    };
    let (&kind, rest) = body.split_first().ok_or(CodecError::Malformed(0))?;
    let frame = match (kind, rest.len()) {
        (KIND_OPEN, 13) => Frame::Open {
            version: rest[0],
            from: SteamId(u64::from_le_bytes(rest[1..9].try_into().expect("8 bytes"))),
            virtual_port: i32::from_le_bytes(rest[9..13].try_into().expect("4 bytes")),
        },
        (KIND_ACCEPT, 0) => Frame::Accept,
        (KIND_MESSAGE, 3..) => Frame::Message {
            lane: u16::from_le_bytes([rest[0], rest[1]]),
            reliable: rest[2] & FLAG_RELIABLE != 0,
            payload: &rest[3..],
        },
        (KIND_CLOSE, 4..) => Frame::Close {
            reason: i32::from_le_bytes(rest[..4].try_into().expect("4 bytes")),
            debug: std::str::from_utf8(&rest[4..]).map_err(|_| CodecError::Malformed(kind))?,
        },
        _ => return Err(CodecError::Malformed(kind)),
    };
    Ok(Some((frame, LEN + body_len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_wait_for_their_last_byte() {
        let mut buf = Vec::new();
        encode_open(&mut buf, 1, SteamId::individual(3), 7);
        encode_accept(&mut buf);
        encode_message(&mut buf, 5, true, [b"he", b"llo"]);
        encode_close(&mut buf, 1002, "refused");
        let expected = [
            Frame::Open {
                version: 1,
                from: SteamId::individual(3),
                virtual_port: 7,
            },
            Frame::Accept,
            Frame::Message {
                lane: 5,
                reliable: true,
                payload: b"hello",
            },
            Frame::Close {
                reason: 1002,
                debug: "refused",
            },
        ];
        let mut at = 0;
        for frame in expected {
            for cut in at..at + 4 {
                assert_eq!(decode(&buf[at..cut]), Ok(None));
            }
            let (got, used) = decode(&buf[at..]).unwrap().unwrap();
            assert_eq!(got, frame);
            at += used;
        }
        assert_eq!(at, buf.len());
    }

    #[test]
    fn bad_streams_are_errors_not_panics() {
        assert_eq!(
            decode(&[0xFF, 0xFF, 0xFF, 0x7F]),
            Err(CodecError::TooLong(0x7FFF_FFFF))
        );
        assert_eq!(decode(&[0, 0, 0, 0]), Err(CodecError::Malformed(0)));
        assert_eq!(decode(&[1, 0, 0, 0, 9]), Err(CodecError::Malformed(9)));
        assert_eq!(
            decode(&[2, 0, 0, 0, KIND_OPEN, 1]),
            Err(CodecError::Malformed(KIND_OPEN))
        );
        assert_eq!(
            decode(&[6, 0, 0, 0, KIND_CLOSE, 0, 0, 0, 0, 0xFF]),
            Err(CodecError::Malformed(KIND_CLOSE))
        );
        let mut rng = smp_protocol::rng::Rng::new(5);
        for _ in 0..20_000 {
            let len = rng.up_to(12) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let _ = decode(&bytes);
        }
    }

    #[test]
    fn long_explanations_are_cut_on_a_character_boundary() {
        let mut buf = Vec::new();
        encode_close(&mut buf, 1000, &"é".repeat(400));
        let (Frame::Close { debug, .. }, _) = decode(&buf).unwrap().unwrap() else {
            panic!()
        };
        assert!(debug.len() <= MAX_DEBUG && debug.chars().all(|c| c == 'é'));
    }
}
