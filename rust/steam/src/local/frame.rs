//! How local mode's session APIs frame what they send: `[channel: i32][flags: u8][bytes]`,
//! reliable payloads cut into pieces the emulated sockets can carry.

/// Reliable payloads are cut into pieces of this size (the sockets carry at most 512 KiB).
const FRAGMENT: usize = 256 * 1024;
const FLAG_MORE: u8 = 1;
/// Bytes each piece carries before its payload.
pub const HEADER: usize = 5;

/// The messages a payload travels as, reliable ones cut in pieces.
pub fn fragments(data: &[u8], reliable: bool, channel: i32) -> Vec<Vec<u8>> {
    let chunk = if reliable {
        FRAGMENT
    } else {
        data.len().max(1)
    };
    let pieces: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(chunk).collect()
    };
    let last = pieces.len() - 1;
    pieces
        .into_iter()
        .enumerate()
        .map(|(index, piece)| {
            let mut message = Vec::with_capacity(HEADER + piece.len());
            message.extend_from_slice(&channel.to_le_bytes());
            message.push(if index < last { FLAG_MORE } else { 0 });
            message.extend_from_slice(piece);
            message
        })
        .collect()
}

/// A piece's channel, whether more pieces follow, and its bytes; `None` when malformed.
pub fn parse(message: &[u8]) -> Option<(i32, bool, &[u8])> {
    let channel = i32::from_le_bytes(message.get(..4)?.try_into().ok()?);
    let flags = *message.get(4)?;
    Some((channel, flags & FLAG_MORE != 0, &message[HEADER..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_reliable_packets_are_cut_and_unreliable_ones_are_not() {
        let data = vec![9u8; FRAGMENT * 2 + 10];
        let pieces = fragments(&data, true, 3);
        assert_eq!(pieces.len(), 3);
        let parsed: Vec<(i32, bool, usize)> = pieces
            .iter()
            .map(|p| parse(p).map(|(c, m, b)| (c, m, b.len())).unwrap())
            .collect();
        assert_eq!(
            parsed,
            [(3, true, FRAGMENT), (3, true, FRAGMENT), (3, false, 10)]
        );
        assert_eq!(fragments(&[1; 100], false, -2).len(), 1);
        assert_eq!(
            parse(&fragments(&[], true, 0)[0]),
            Some((0, false, &[][..]))
        );
        assert_eq!(parse(&[1, 2]), None);
    }
}
