//! How a packet's mode and the peer's options become Steam send flags.

use smp_transport::SendFlags;

/// The flags for one message: reliable or not, plus `NO_NAGLE` and, for unreliable messages,
/// `NO_DELAY` when the peer asks for them (GodotSteam's `no_nagle` and `no_delay`).
pub fn send_flags(reliable: bool, no_nagle: bool, no_delay: bool) -> SendFlags {
    let mut flags = if reliable {
        SendFlags::RELIABLE
    } else {
        SendFlags::UNRELIABLE
    };
    if no_nagle {
        flags = flags.with(SendFlags::NO_NAGLE);
    }
    // Steam ignores NO_DELAY on reliable messages, which are never dropped.
    if no_delay && !reliable {
        flags = flags.with(SendFlags::NO_DELAY);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_options_map_to_steams_flags() {
        assert_eq!(send_flags(true, false, false), SendFlags(8));
        assert_eq!(send_flags(false, false, false), SendFlags(0));
        assert_eq!(send_flags(true, true, true), SendFlags(8 | 1));
        assert_eq!(send_flags(false, true, true), SendFlags(1 | 4));
        assert_eq!(send_flags(false, false, true), SendFlags(4));
    }
}
