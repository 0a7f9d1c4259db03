//! What an emulated connection measures of itself, as Steam's real-time status reports it:
//! the ping, from probes the endpoints exchange once a second; the delivery quality each side
//! sees, from what fault injection dropped; and the rates, from what was sent and received.
//! Steam knows the ping once a connection is up, so until a first answer arrives the probes
//! go out more often: fault injection may drop the first one.

use std::time::{Duration, Instant};

use crate::emulated::wire::Unsent;
use crate::sockets::ConnectionQuality;

/// The lane probes travel on: above every lane a connection can have, so never a game's.
pub const PROBE_LANE: u16 = u16::MAX;
/// How often each side probes, and the window rates are measured over.
const PROBE_INTERVAL: Duration = Duration::from_secs(1);
/// How often to probe while no answer has measured the ping yet.
const FIRST_PING_RETRY: Duration = Duration::from_millis(100);
const PING: u8 = 0;
const PONG: u8 = 1;
/// A probe: its kind, the prober's clock in microseconds, and the sender's local quality.
pub const PROBE_SIZE: usize = 1 + 8 + 4;

/// A probe, ready to send.
pub type Probe = [u8; PROBE_SIZE];

#[derive(Default, Clone, Copy)]
struct Counts {
    out_packets: u64,
    out_bytes: u64,
    in_packets: u64,
    in_bytes: u64,
    /// Packets the network delivered to us, and those it dropped (fault injection).
    delivered: u64,
    lost: u64,
}

/// One connection's measurements.
pub struct Traffic {
    window_start: Option<Instant>,
    last_probe: Option<Instant>,
    counts: Counts,
    /// Per second, over the last complete window.
    rates: [f32; 4],
    ping_ms: i32,
    quality_local: f32,
    quality_remote: f32,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic {
            window_start: None,
            last_probe: None,
            counts: Counts::default(),
            rates: [0.0; 4],
            ping_ms: -1,
            quality_local: -1.0,
            quality_remote: -1.0,
        }
    }
}

impl Traffic {
    /// Counts a message we sent.
    pub fn sent(&mut self, bytes: usize) {
        self.counts.out_packets += 1;
        self.counts.out_bytes += bytes as u64;
    }

    /// Counts what the network did with packets on their way to us: `delivered` arrived,
    /// `lost` were dropped (or had to be sent again).
    pub fn delivery(&mut self, delivered: u64, lost: u64) {
        self.counts.delivered += delivered;
        self.counts.lost += lost;
    }

    /// Counts a message we received.
    pub fn received(&mut self, bytes: usize) {
        self.counts.in_packets += 1;
        self.counts.in_bytes += bytes as u64;
    }

    /// Closes the measuring window when it is a second old and returns the probe to send
    /// then, at once the first time, and every [`FIRST_PING_RETRY`] until the ping is known.
    pub fn tick(&mut self, now: Instant, clock_us: u64) -> Option<Probe> {
        let Some(start) = self.window_start else {
            self.window_start = Some(now);
            return Some(self.ping(now, clock_us));
        };
        let elapsed = now.saturating_duration_since(start);
        if elapsed < PROBE_INTERVAL {
            let since_probe = now.saturating_duration_since(self.last_probe.unwrap_or(start));
            return (self.ping_ms < 0 && since_probe >= FIRST_PING_RETRY)
                .then(|| self.ping(now, clock_us));
        }
        let seconds = elapsed.as_secs_f32();
        let counts = std::mem::take(&mut self.counts);
        self.rates = [
            counts.out_packets as f32 / seconds,
            counts.out_bytes as f32 / seconds,
            counts.in_packets as f32 / seconds,
            counts.in_bytes as f32 / seconds,
        ];
        if counts.delivered + counts.lost > 0 {
            self.quality_local = counts.delivered as f32 / (counts.delivered + counts.lost) as f32;
        }
        self.window_start = Some(now);
        Some(self.ping(now, clock_us))
    }

    fn ping(&mut self, now: Instant, clock_us: u64) -> Probe {
        self.last_probe = Some(now);
        self.probe(PING, clock_us)
    }

    /// Takes a probe from the remote; returns the answer to send, if it asks for one.
    pub fn on_probe(&mut self, data: &[u8], clock_us: u64) -> Option<Probe> {
        let probe: &Probe = data.try_into().ok()?;
        let stamp = u64::from_le_bytes(probe[1..9].try_into().expect("8 bytes"));
        let remote_quality = f32::from_le_bytes(probe[9..13].try_into().expect("4 bytes"));
        if (0.0..=1.0).contains(&remote_quality) {
            self.quality_remote = remote_quality;
        }
        match probe[0] {
            PING => Some(self.probe(PONG, stamp)),
            PONG => {
                let round_trip_us = clock_us.saturating_sub(stamp);
                self.ping_ms = i32::try_from(round_trip_us / 1000).unwrap_or(i32::MAX);
                None
            }
            _ => None,
        }
    }

    /// The measurements, with the `pending` bytes not sent yet.
    pub fn quality(&self, pending: Unsent) -> ConnectionQuality {
        ConnectionQuality {
            ping_ms: self.ping_ms,
            quality_local: self.quality_local,
            quality_remote: self.quality_remote,
            out_packets_per_sec: self.rates[0],
            out_bytes_per_sec: self.rates[1],
            in_packets_per_sec: self.rates[2],
            in_bytes_per_sec: self.rates[3],
            // Local mode has no bandwidth limit to estimate.
            send_rate_bytes_per_sec: 0,
            pending_unreliable: i32::try_from(pending.unreliable).unwrap_or(i32::MAX),
            pending_reliable: i32::try_from(pending.reliable).unwrap_or(i32::MAX),
            sent_unacked_reliable: 0,
            queue_time_usec: 0,
            relayed: false,
        }
    }

    fn probe(&self, kind: u8, stamp: u64) -> Probe {
        let mut probe = [0; PROBE_SIZE];
        probe[0] = kind;
        probe[1..9].copy_from_slice(&stamp.to_le_bytes());
        probe[9..13].copy_from_slice(&self.quality_local.to_le_bytes());
        probe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ping_answered_measures_the_round_trip() {
        let start = Instant::now();
        let mut near = Traffic::default();
        let mut far = Traffic::default();
        let ping = near.tick(start, 1_000).expect("the first tick probes");
        assert!(near.tick(start, 1_000).is_none(), "once");
        let pong = far.on_probe(&ping, 77).expect("a ping is answered");
        assert!(near.on_probe(&pong, 43_000).is_none(), "a pong is not");
        assert_eq!(near.quality(Unsent::default()).ping_ms, 42);
        assert_eq!(
            far.quality(Unsent::default()).ping_ms,
            -1,
            "the answering side measured nothing"
        );
    }

    #[test]
    fn an_unanswered_ping_is_sent_again_until_one_is_answered() {
        let start = Instant::now();
        let mut near = Traffic::default();
        let mut far = Traffic::default();
        near.tick(start, 0).expect("the first tick probes");
        let soon = start + FIRST_PING_RETRY / 2;
        assert!(
            near.tick(soon, 0).is_none(),
            "not before the retry interval"
        );
        let retry = start + FIRST_PING_RETRY;
        let ping = near.tick(retry, 100_000).expect("the first ping was lost");
        let pong = far.on_probe(&ping, 0).expect("answered");
        near.on_probe(&pong, 120_000);
        assert_eq!(near.quality(Unsent::default()).ping_ms, 20);
        let next = retry + FIRST_PING_RETRY;
        assert!(
            near.tick(next, 0).is_none(),
            "once measured, probes wait for the window"
        );
    }

    #[test]
    fn each_window_measures_rates_and_quality() {
        let start = Instant::now();
        let mut traffic = Traffic::default();
        traffic.tick(start, 0);
        for _ in 0..10 {
            traffic.sent(100);
        }
        traffic.received(50);
        traffic.delivery(9, 1);
        let later = start + Duration::from_secs(2);
        let probe = traffic.tick(later, 0).expect("a probe every window");
        let quality = traffic.quality(Unsent {
            reliable: 7,
            unreliable: 3,
        });
        assert_eq!(
            (quality.out_packets_per_sec, quality.out_bytes_per_sec),
            (5.0, 500.0)
        );
        assert_eq!(
            (quality.in_packets_per_sec, quality.in_bytes_per_sec),
            (0.5, 25.0)
        );
        assert_eq!(
            (
                quality.quality_local,
                quality.pending_reliable,
                quality.pending_unreliable
            ),
            (0.9, 7, 3)
        );
        let mut remote = Traffic::default();
        remote.on_probe(&probe, 0);
        assert_eq!(
            remote.quality(Unsent::default()).quality_remote,
            0.9,
            "the remote learns our quality"
        );
    }

    #[test]
    fn malformed_probes_are_ignored() {
        let mut traffic = Traffic::default();
        assert!(traffic.on_probe(b"short", 0).is_none());
        let mut odd = [9; PROBE_SIZE];
        odd[9..13].copy_from_slice(&f32::NAN.to_le_bytes());
        assert!(traffic.on_probe(&odd, 0).is_none());
        assert_eq!(traffic.quality(Unsent::default()).quality_remote, -1.0);
    }
}
