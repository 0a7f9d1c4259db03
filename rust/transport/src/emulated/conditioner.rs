//! Fault injection on what an endpoint receives: loss, lag, jitter, reordering, duplication.
//!
//! Reliable messages are never lost or duplicated, as on Steam: a "lost" one arrives later, as
//! if retransmitted, and never before an earlier message of its lane. Link events (open,
//! accept, close) keep their place after every reliable message before them.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use rustc_hash::FxHashMap;
use std::time::{Duration, Instant};

use smp_protocol::rng::Rng;

use super::wire::{LinkId, WireEvent};
use crate::fault::FaultConfig;

/// Payload Steam fits in one packet; losing any fragment of a message loses all of it.
const FRAGMENT: usize = 1200;
/// How long a reliable retransmission takes beyond twice the lag.
const RETRANSMIT: Duration = Duration::from_millis(20);
/// Bounds the retransmissions of one message, so that 100% loss still delivers.
const MAX_RETRANSMITS: u32 = 8;

struct Scheduled {
    at: Instant,
    order: u64,
    event: WireEvent,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.order) == (other.at, other.order)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.order).cmp(&(other.at, other.order))
    }
}

/// When each link may next release something without overtaking what came before it.
#[derive(Default)]
struct LinkClock {
    /// Per lane, the release time of the last reliable message.
    lanes: HashMap<u16, Instant>,
    /// The release time of the last link event; nothing of the link comes before it.
    floor: Option<Instant>,
}

/// What the network did with the packets of one wire event.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Delivery {
    /// Packets that got through.
    pub delivered: u64,
    /// Packets lost on the way (for reliable messages, the copies that had to be resent).
    pub lost: u64,
}

/// Delays, drops and duplicates wire events according to a [`FaultConfig`].
pub struct Conditioner {
    config: FaultConfig,
    rng: Rng,
    queue: BinaryHeap<Reverse<Scheduled>>,
    order: u64,
    clocks: FxHashMap<LinkId, LinkClock>,
}

impl Conditioner {
    /// A conditioner applying `config`.
    pub fn new(config: FaultConfig) -> Self {
        let rng = config.seed.map_or_else(Rng::from_entropy, Rng::new);
        Conditioner {
            config,
            rng,
            queue: BinaryHeap::new(),
            order: 0,
            clocks: FxHashMap::default(),
        }
    }

    /// The faults applied.
    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Applies `config` from now on; what is already scheduled keeps its time.
    pub fn set_config(&mut self, config: FaultConfig) {
        self.config = config;
    }

    /// Takes an event off the wire; it comes back out of [`Self::release`] when due, if at all.
    /// Returns how many packets of it the network delivered and how many it lost (a reliable
    /// message's retransmissions count as lost packets, as Steam counts them).
    pub fn admit(&mut self, event: WireEvent, now: Instant, out: &mut Vec<WireEvent>) -> Delivery {
        let delivered = Delivery {
            delivered: 1,
            lost: 0,
        };
        if !self.config.is_active() {
            out.push(event);
            return delivered;
        }
        let link = event.link();
        let lag = self.config.lag;
        let jitter = self.jitter();
        match &event {
            WireEvent::Message {
                reliable: false,
                data,
                ..
            } => {
                let fragments = data.len().div_ceil(FRAGMENT).max(1) as i32;
                let survives = (1.0 - self.config.loss_percent / 100.0).powi(fragments);
                if self.rng.next_f64() >= survives {
                    return Delivery {
                        delivered: 0,
                        lost: 1,
                    };
                }
                let mut delay = lag + jitter;
                if self.rng.chance(self.config.reorder_percent) {
                    delay += self.reorder_delay();
                }
                let floor = self.clock(link).floor;
                if self.rng.chance(self.config.duplicate_percent) {
                    let again = delay + self.jitter() + Duration::from_millis(1);
                    self.schedule(later(now + again, floor), event.clone());
                }
                self.schedule(later(now + delay, floor), event);
                delivered
            }
            WireEvent::Message { lane, .. } => {
                let lane = *lane;
                let mut delay = lag + jitter;
                let mut retransmits = 0;
                while retransmits < MAX_RETRANSMITS && self.rng.chance(self.config.loss_percent) {
                    delay += lag * 2 + RETRANSMIT;
                    retransmits += 1;
                }
                let clock = self.clock(link);
                let at = later(
                    later(now + delay, clock.lanes.get(&lane).copied()),
                    clock.floor,
                );
                clock.lanes.insert(lane, at);
                self.schedule(at, event);
                Delivery {
                    delivered: 1,
                    lost: retransmits.into(),
                }
            }
            _ => {
                let ends = matches!(event, WireEvent::Closed { .. } | WireEvent::Lost { .. });
                let clock = self.clock(link);
                let at = clock
                    .lanes
                    .values()
                    .copied()
                    .fold(later(now + lag, clock.floor), |a, b| a.max(b));
                clock.floor = Some(at);
                if ends {
                    self.clocks.remove(&link);
                }
                self.schedule(at, event);
                delivered
            }
        }
    }

    /// Moves every event due by `now` into `out`, in due order.
    pub fn release(&mut self, now: Instant, out: &mut Vec<WireEvent>) {
        while self.queue.peek().is_some_and(|next| next.0.at <= now) {
            out.push(self.queue.pop().expect("peeked").0.event);
        }
    }

    fn clock(&mut self, link: LinkId) -> &mut LinkClock {
        self.clocks.entry(link).or_default()
    }

    fn jitter(&mut self) -> Duration {
        let max = self.config.jitter.as_micros() as u64;
        Duration::from_micros(self.rng.up_to(max))
    }

    fn reorder_delay(&self) -> Duration {
        (self.config.jitter * 2).max(Duration::from_millis(15))
    }

    fn schedule(&mut self, at: Instant, event: WireEvent) {
        self.order += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            order: self.order,
            event,
        }));
    }
}

fn later(at: Instant, floor: Option<Instant>) -> Instant {
    floor.map_or(at, |floor| at.max(floor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(lane: u16, reliable: bool, n: u32) -> WireEvent {
        WireEvent::Message {
            link: LinkId(1),
            lane,
            reliable,
            data: n.to_le_bytes().to_vec(),
        }
    }

    fn number(event: &WireEvent) -> u32 {
        match event {
            WireEvent::Message { data, .. } => u32::from_le_bytes(data[..4].try_into().unwrap()),
            other => panic!("{other:?}"),
        }
    }

    fn run(config: FaultConfig, events: Vec<WireEvent>) -> Vec<WireEvent> {
        let mut conditioner = Conditioner::new(config);
        let start = Instant::now();
        let mut out = Vec::new();
        for (i, event) in events.into_iter().enumerate() {
            conditioner.admit(event, start + Duration::from_millis(i as u64), &mut out);
        }
        conditioner.release(start + Duration::from_secs(3600), &mut out);
        out
    }

    fn faults() -> FaultConfig {
        FaultConfig {
            loss_percent: 20.0,
            lag: Duration::from_millis(30),
            jitter: Duration::from_millis(40),
            reorder_percent: 20.0,
            duplicate_percent: 20.0,
            seed: Some(3),
        }
    }

    #[test]
    fn inactive_passes_everything_through_at_once() {
        let out = run(
            FaultConfig::default(),
            (0..10).map(|n| message(0, false, n)).collect(),
        );
        assert_eq!(
            out.iter().map(number).collect::<Vec<_>>(),
            (0..10).collect::<Vec<_>>()
        );
    }

    #[test]
    fn reliable_messages_all_arrive_in_lane_order() {
        let events = (0..2000)
            .map(|n| message((n % 3) as u16, true, n))
            .collect();
        let out = run(faults(), events);
        assert_eq!(out.len(), 2000);
        for lane in 0..3 {
            let got: Vec<u32> = out.iter().map(number).filter(|n| n % 3 == lane).collect();
            let mut sorted = got.clone();
            sorted.sort_unstable();
            assert_eq!(got, sorted, "lane {lane} out of order");
        }
    }

    #[test]
    fn unreliable_messages_are_lost_reordered_and_duplicated() {
        let out = run(faults(), (0..5000).map(|n| message(0, false, n)).collect());
        let got: Vec<u32> = out.iter().map(number).collect();
        let mut unique = got.clone();
        unique.sort_unstable();
        unique.dedup();
        assert!(unique.len() < 4500, "about 20% lost: {}", unique.len());
        assert!(got.len() > unique.len(), "some duplicated");
        assert!(got.windows(2).any(|w| w[0] > w[1]), "some reordered");
    }

    #[test]
    fn a_close_never_overtakes_reliable_data() {
        let mut events: Vec<WireEvent> = (0..100).map(|n| message(1, true, n)).collect();
        events.push(WireEvent::Closed {
            link: LinkId(1),
            reason: 1000,
            debug: String::new(),
        });
        let out = run(faults(), events);
        assert!(matches!(out.last(), Some(WireEvent::Closed { .. })));
        assert_eq!(out.len(), 101);
    }
}
