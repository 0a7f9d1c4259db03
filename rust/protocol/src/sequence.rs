//! Sequence numbers for unreliable packets: what the receiver delivers and what it drops.
//!
//! Numbers are 16 bits and wrap; "newer" is serial-number arithmetic, so ordering holds as long
//! as fewer than 32768 packets of one channel are in flight at once.

/// True when `a` comes after `b` in wrapping sequence space.
pub const fn is_newer(a: u16, b: u16) -> bool {
    (a.wrapping_sub(b) as i16) > 0
}

/// `UnreliableOrdered`: delivers a packet only if it is newer than every packet delivered before.
#[derive(Clone, Copy, Default, Debug)]
pub struct OrderedWindow {
    last: Option<u16>,
}

impl OrderedWindow {
    /// Whether to deliver the packet numbered `sequence`; remembers it when so.
    pub fn accept(&mut self, sequence: u16) -> bool {
        match self.last {
            Some(last) if !is_newer(sequence, last) => false,
            _ => {
                self.last = Some(sequence);
                true
            }
        }
    }
}

/// `Unreliable`: delivers each packet at most once, in whatever order it comes.
///
/// Remembers the newest number and which of the 63 before it arrived; anything older is
/// dropped, which unreliable delivery allows.
#[derive(Clone, Copy, Default, Debug)]
pub struct DedupWindow {
    newest: Option<u16>,
    /// Bit `k` set: packet `newest - k` was delivered.
    seen: u64,
}

impl DedupWindow {
    /// Whether to deliver the packet numbered `sequence`; remembers it when so.
    pub fn accept(&mut self, sequence: u16) -> bool {
        let Some(newest) = self.newest else {
            self.newest = Some(sequence);
            self.seen = 1;
            return true;
        };
        let ahead = sequence.wrapping_sub(newest) as i16;
        if ahead > 0 {
            let shift = ahead as u32;
            self.seen = if shift >= 64 { 0 } else { self.seen << shift };
            self.seen |= 1;
            self.newest = Some(sequence);
            return true;
        }
        let behind = u32::from(ahead.unsigned_abs());
        if behind >= 64 {
            return false;
        }
        let bit = 1u64 << behind;
        if self.seen & bit != 0 {
            return false;
        }
        self.seen |= bit;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_wraps() {
        assert!(is_newer(1, 0));
        assert!(is_newer(0, u16::MAX));
        assert!(!is_newer(5, 5));
        assert!(!is_newer(u16::MAX, 0));
    }

    #[test]
    fn ordered_drops_stale_and_duplicates() {
        let mut window = OrderedWindow::default();
        let delivered: Vec<u16> = [3, 1, 4, 4, 2, 9, 5]
            .into_iter()
            .filter(|&s| window.accept(s))
            .collect();
        assert_eq!(delivered, [3, 4, 9]);
    }

    #[test]
    fn ordered_survives_wraparound() {
        let mut window = OrderedWindow::default();
        assert!(window.accept(u16::MAX - 1));
        assert!(window.accept(u16::MAX));
        assert!(window.accept(0));
        assert!(!window.accept(u16::MAX));
        assert!(window.accept(1));
    }

    #[test]
    fn dedup_delivers_reordered_packets_once() {
        let mut window = DedupWindow::default();
        let delivered: Vec<u16> = [5, 3, 5, 4, 3, 7, 6, 6, 1]
            .into_iter()
            .filter(|&s| window.accept(s))
            .collect();
        assert_eq!(delivered, [5, 3, 4, 7, 6, 1]);
    }

    #[test]
    fn dedup_forgets_beyond_its_window() {
        let mut window = DedupWindow::default();
        assert!(window.accept(0));
        assert!(window.accept(100));
        assert!(!window.accept(0), "older than the window: dropped");
        assert!(window.accept(37));
        assert!(!window.accept(37));
    }

    #[test]
    fn dedup_survives_wraparound() {
        let mut window = DedupWindow::default();
        assert!(window.accept(u16::MAX - 5));
        assert!(window.accept(3));
        assert!(window.accept(u16::MAX - 4));
        assert!(!window.accept(3));
        assert!(!window.accept(u16::MAX - 5));
    }
}
