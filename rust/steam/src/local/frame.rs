//! How local mode's session APIs frame what they send: `[bytes][channel: i32][flags: u8]`,
//! reliable payloads cut into pieces the emulated sockets can carry. The trailer follows the
//! bytes so that a piece is sent from the game's buffer as it is, and received in place.

/// Reliable payloads are cut into pieces of this size (the sockets carry at most 512 KiB).
const FRAGMENT: usize = 256 * 1024;
const FLAG_MORE: u8 = 1;
/// Bytes each piece carries after its payload.
pub const TRAILER: usize = 5;

/// The pieces a payload travels as, reliable ones cut to [`FRAGMENT`], each with the trailer
/// to send after it.
pub fn pieces(
    data: &[u8],
    reliable: bool,
    channel: i32,
) -> impl Iterator<Item = (&[u8], [u8; TRAILER])> {
    let chunk = if reliable {
        FRAGMENT
    } else {
        data.len().max(1)
    };
    let count = data.len().div_ceil(chunk).max(1);
    let [a, b, c, d] = channel.to_le_bytes();
    (0..count).map(move |index| {
        let start = (index * chunk).min(data.len());
        let end = (start + chunk).min(data.len());
        let more = if index + 1 < count { FLAG_MORE } else { 0 };
        (&data[start..end], [a, b, c, d, more])
    })
}

/// A piece's channel, whether more pieces follow, and where its bytes end; `None` when
/// malformed.
pub fn parse(message: &[u8]) -> Option<(i32, bool, usize)> {
    let end = message.len().checked_sub(TRAILER)?;
    let channel = i32::from_le_bytes(message[end..end + 4].try_into().ok()?);
    Some((channel, message[end + 4] & FLAG_MORE != 0, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_reliable_packets_are_cut_and_unreliable_ones_are_not() {
        let data = vec![9u8; FRAGMENT * 2 + 10];
        let parsed: Vec<(i32, bool, usize)> = pieces(&data, true, 3)
            .map(|(piece, trailer)| parse(&[piece, &trailer].concat()).unwrap())
            .collect();
        assert_eq!(
            parsed,
            [(3, true, FRAGMENT), (3, true, FRAGMENT), (3, false, 10)]
        );
        assert_eq!(pieces(&[1; 100], false, -2).count(), 1);
        let (empty, trailer) = pieces(&[], true, 0).next().unwrap();
        assert_eq!(parse(&[empty, &trailer].concat()), Some((0, false, 0)));
        assert_eq!(parse(&[1, 2]), None);
    }
}
