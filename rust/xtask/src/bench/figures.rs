//! What the benchmark measures, its targets, and how the rounds of one figure sum up.

use std::collections::BTreeMap;

/// A spread (max - min over the median) above this says the machine was too busy to trust
/// the figure.
pub const NOISY_SPREAD_PCT: f64 = 25.0;

/// Ours within this fraction of a target against ENet meets it: below what the figures resolve
/// (both peers' round trip is one frame, and differs by microseconds of timer jitter).
pub const EQUAL_WITHIN: f64 = 0.01;

/// Which way a figure is good.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Better {
    Higher,
    Lower,
}

/// What a figure must reach.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Target {
    /// Ours against ENet's, measured in the same run: at least (Higher) or at most (Lower)
    /// this many times ENet's.
    TimesEnet(f64),
    /// Ours alone, at most this.
    AtMost(f64),
    /// Shown, not judged.
    None,
}

/// One row of the results.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    /// The scenario letter.
    pub row: &'static str,
    /// The name of the `BENCH` line (or core figure) it comes from.
    pub key: &'static str,
    pub scenario: &'static str,
    pub measure: &'static str,
    pub unit: &'static str,
    pub better: Better,
    pub target: Target,
}

const fn metric(
    row: &'static str,
    key: &'static str,
    scenario: &'static str,
    measure: &'static str,
    unit: &'static str,
    better: Better,
    target: Target,
) -> Metric {
    Metric {
        row,
        key,
        scenario,
        measure,
        unit,
        better,
        target,
    }
}

use Better::{Higher, Lower};

/// Every figure, in the order of the table.
pub const METRICS: [Metric; 15] = [
    metric(
        "a",
        "unreliable_received_per_s",
        "Unreliable 64 B, client to host, flat out",
        "received",
        "packets/s",
        Higher,
        Target::TimesEnet(2.0),
    ),
    metric(
        "a",
        "unreliable_lost_pct",
        "Unreliable 64 B, client to host, flat out",
        "lost",
        "%",
        Lower,
        Target::None,
    ),
    metric(
        "b",
        "rtt_p50_ms",
        "Reliable RPC ping-pong, one at a time",
        "round trip p50",
        "ms",
        Lower,
        Target::TimesEnet(1.0),
    ),
    metric(
        "b",
        "rtt_p99_ms",
        "Reliable RPC ping-pong, one at a time",
        "round trip p99",
        "ms",
        Lower,
        Target::TimesEnet(1.0),
    ),
    metric(
        "b",
        "rtt_p50_frames",
        "Reliable RPC ping-pong, one at a time",
        "round trip p50, in the pinger's frames",
        "frames",
        Lower,
        Target::None,
    ),
    metric(
        "b",
        "rtt_p99_frames",
        "Reliable RPC ping-pong, one at a time",
        "round trip p99, in the pinger's frames",
        "frames",
        Lower,
        Target::None,
    ),
    metric(
        "c",
        "bulk_mb_per_s",
        "Bulk reliable 256 KiB, 4 in flight",
        "throughput",
        "MB/s",
        Higher,
        Target::TimesEnet(2.0),
    ),
    metric(
        "d",
        "broadcast_delivered_per_s",
        "Host RPC to 8 clients, 64 B argument",
        "delivered",
        "messages/s",
        Higher,
        Target::TimesEnet(1.0),
    ),
    metric(
        "d",
        "broadcast_cpu_us_per_delivery",
        "Host RPC to 8 clients, 64 B argument",
        "CPU of all 9 processes per delivery",
        "µs",
        Lower,
        Target::None,
    ),
    metric(
        "e",
        "connect_all_ms",
        "8 clients connecting at once",
        "until every peer_connected",
        "ms",
        Lower,
        Target::TimesEnet(1.0),
    ),
    metric(
        "f",
        "core_unreliable_ns",
        "Core: put → poll → get, 64 B unreliable",
        "time",
        "ns/packet",
        Lower,
        Target::AtMost(1000.0),
    ),
    metric(
        "f",
        "core_reliable_ns",
        "Core: put → poll → get, 64 B reliable",
        "time",
        "ns/packet",
        Lower,
        Target::AtMost(1000.0),
    ),
    metric(
        "f",
        "core_unreliable_allocs",
        "Core: put → poll → get, 64 B unreliable",
        "heap allocations",
        "per packet",
        Lower,
        Target::AtMost(1.0),
    ),
    metric(
        "f",
        "core_reliable_allocs",
        "Core: put → poll → get, 64 B reliable",
        "heap allocations",
        "per packet",
        Lower,
        Target::AtMost(1.0),
    ),
    metric(
        "g",
        "queued_bytes",
        "Memory per queued 64 B packet",
        "heap",
        "bytes",
        Lower,
        Target::AtMost(64.0 + 64.0),
    ),
];

/// The rounds of one figure for one peer.
#[derive(Clone, Debug, Default)]
pub struct Samples(pub Vec<f64>);

/// Rounds summed up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub rounds: usize,
}

impl Summary {
    /// (max - min) / median, in percent.
    pub fn spread_pct(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            100.0 * (self.max - self.min) / self.median.abs()
        }
    }

    pub fn is_noisy(&self) -> bool {
        self.rounds > 1 && self.spread_pct() > NOISY_SPREAD_PCT
    }
}

impl Samples {
    pub fn summary(&self) -> Option<Summary> {
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n == 0 {
            return None;
        }
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Summary {
            median,
            min: sorted[0],
            max: sorted[n - 1],
            rounds: n,
        })
    }
}

/// The figures of one round, by key: from `[process] BENCH key=value` lines. A key printed
/// by several processes (each crowd client's connection time) keeps its worst value.
pub fn parse_round(log: &[String]) -> Result<BTreeMap<String, f64>, String> {
    let mut figures = BTreeMap::new();
    for line in log {
        let Some((_, rest)) = line.split_once("] BENCH ") else {
            continue;
        };
        let (key, value) = rest
            .trim()
            .split_once('=')
            .ok_or_else(|| format!("a BENCH line without '=': {line}"))?;
        let value: f64 = value
            .parse()
            .map_err(|_| format!("a BENCH line without a number: {line}"))?;
        let better = METRICS
            .iter()
            .find(|m| m.key == key)
            .map_or(Lower, |m| m.better);
        figures
            .entry(key.to_owned())
            .and_modify(|old: &mut f64| {
                *old = match better {
                    Higher => old.min(value),
                    Lower => old.max(value),
                }
            })
            .or_insert(value);
    }
    Ok(figures)
}

/// Whether ours meets the target, given both summaries; `None` when there is nothing to judge.
pub fn meets(metric: &Metric, ours: Option<Summary>, enet: Option<Summary>) -> Option<bool> {
    let ours = ours?.median;
    match metric.target {
        Target::None => None,
        Target::AtMost(limit) => Some(ours <= limit),
        Target::TimesEnet(times) => {
            let enet = enet?.median;
            Some(match metric.better {
                Higher => ours >= times * enet * (1.0 - EQUAL_WITHIN),
                Lower => ours <= times * enet * (1.0 + EQUAL_WITHIN),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{METRICS, Samples, meets, parse_round};

    #[test]
    fn sums_up_rounds() {
        let summary = Samples(vec![3.0, 1.0, 2.0, 10.0]).summary().unwrap();
        assert_eq!((summary.median, summary.min, summary.max), (2.5, 1.0, 10.0));
        assert!(summary.is_noisy());
        assert!(
            !Samples(vec![100.0, 101.0, 99.0])
                .summary()
                .unwrap()
                .is_noisy()
        );
        assert!(Samples(Vec::new()).summary().is_none());
    }

    #[test]
    fn parses_figures_keeping_the_worst() {
        let log: Vec<String> = [
            "[c1] BENCH connect_all_ms=40.5",
            "[c2] BENCH connect_all_ms=70",
            "[host] BENCH unreliable_received_per_s=1000",
            "[host] CHECK ok: BENCH in a check",
        ]
        .map(String::from)
        .to_vec();
        let figures = parse_round(&log).unwrap();
        assert_eq!(figures["connect_all_ms"], 70.0);
        assert_eq!(figures["unreliable_received_per_s"], 1000.0);
        assert_eq!(figures.len(), 2);
        assert!(parse_round(&["[a] BENCH x=y".to_owned()]).is_err());
    }

    #[test]
    fn judges_targets() {
        let at = |median| Samples(vec![median]).summary();
        let by_key = |key| METRICS.iter().find(|m| m.key == key).unwrap();
        let rate = by_key("unreliable_received_per_s");
        assert_eq!(meets(rate, at(200.0), at(100.0)), Some(true));
        assert_eq!(meets(rate, at(150.0), at(100.0)), Some(false));
        let rtt = by_key("rtt_p50_ms");
        assert_eq!(meets(rtt, at(8.0), at(8.0)), Some(true));
        assert_eq!(meets(rtt, at(8.328), at(8.327)), Some(true));
        assert_eq!(meets(rtt, at(9.0), at(8.0)), Some(false));
        assert_eq!(meets(by_key("unreliable_lost_pct"), at(1.0), at(1.0)), None);
        let core = by_key("core_reliable_ns");
        assert_eq!(meets(core, at(900.0), None), Some(true));
        assert_eq!(meets(core, at(1100.0), None), Some(false));
    }
}
