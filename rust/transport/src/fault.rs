//! Fault injection settings, in the spirit of Steam's `FakePacketLoss`/`FakePacketLag` options.
//!
//! They apply to what an endpoint receives. Each comes from an environment variable, or from
//! whatever the caller looks up (the Godot layer adds project settings):
//!
//! | variable | meaning |
//! |---|---|
//! | `STEAM_FAKE_PACKET_LOSS` | percent of unreliable packets lost (per 1200-byte fragment); reliable ones are delayed by a retransmission instead |
//! | `STEAM_FAKE_PACKET_LAG` | milliseconds added to every packet |
//! | `STEAM_FAKE_PACKET_JITTER` | up to this many more milliseconds, at random |
//! | `STEAM_FAKE_PACKET_REORDER` | percent of unreliable packets held back so that later ones overtake them |
//! | `STEAM_FAKE_PACKET_DUP` | percent of unreliable packets delivered twice |
//! | `STEAM_FAKE_PACKET_SEED` | seed of the random choices, for repeatable runs; 0 picks one |

use std::time::Duration;

/// How received traffic is degraded.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct FaultConfig {
    /// Percent of unreliable packets lost.
    pub loss_percent: f64,
    /// Delay added to every packet.
    pub lag: Duration,
    /// Up to this much more delay, at random.
    pub jitter: Duration,
    /// Percent of unreliable packets held back.
    pub reorder_percent: f64,
    /// Percent of unreliable packets duplicated.
    pub duplicate_percent: f64,
    /// Seed of the random choices; `None` picks one.
    pub seed: Option<u64>,
}

/// The setting names, without prefix; `STEAM_FAKE_PACKET_` plus the upper-case name is the variable.
pub const SETTING_NAMES: [&str; 6] = ["loss", "lag", "jitter", "reorder", "dup", "seed"];

impl FaultConfig {
    /// True when any fault is set.
    pub fn is_active(&self) -> bool {
        self.loss_percent > 0.0
            || !self.lag.is_zero()
            || !self.jitter.is_zero()
            || self.reorder_percent > 0.0
            || self.duplicate_percent > 0.0
    }

    /// Reads the settings from the environment.
    pub fn from_env() -> Result<Self, String> {
        FaultConfig::from_lookup(|name| {
            std::env::var(format!("STEAM_FAKE_PACKET_{}", name.to_uppercase())).ok()
        })
    }

    /// Reads the settings through `lookup`, which maps a name of [`SETTING_NAMES`] to its text.
    pub fn from_lookup(mut lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = FaultConfig::default();
        for name in SETTING_NAMES {
            let Some(text) = lookup(name) else {
                continue;
            };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let number = |max: f64| -> Result<f64, String> {
                text.parse::<f64>()
                    .ok()
                    .filter(|v| (0.0..=max).contains(v))
                    .ok_or_else(|| {
                        format!("fake packet {name} must be a number from 0 to {max}, not {text:?}")
                    })
            };
            match name {
                "loss" => config.loss_percent = number(100.0)?,
                "reorder" => config.reorder_percent = number(100.0)?,
                "dup" => config.duplicate_percent = number(100.0)?,
                "lag" => config.lag = Duration::from_secs_f64(number(60_000.0)? / 1000.0),
                "jitter" => config.jitter = Duration::from_secs_f64(number(60_000.0)? / 1000.0),
                _ => {
                    config.seed = Some(text.parse().map_err(|_| {
                        format!("fake packet seed must be an integer, not {text:?}")
                    })?)
                }
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_setting() {
        let config = FaultConfig::from_lookup(|name| {
            Some(
                match name {
                    "loss" => "12.5",
                    "lag" => "40",
                    "jitter" => "10",
                    "reorder" => "5",
                    "dup" => "2",
                    _ => "99",
                }
                .to_owned(),
            )
        })
        .unwrap();
        assert_eq!(config.loss_percent, 12.5);
        assert_eq!(config.lag, Duration::from_millis(40));
        assert_eq!(config.jitter, Duration::from_millis(10));
        assert_eq!(config.reorder_percent, 5.0);
        assert_eq!(config.duplicate_percent, 2.0);
        assert_eq!(config.seed, Some(99));
        assert!(config.is_active());
    }

    #[test]
    fn nothing_set_is_inactive_and_bad_values_are_named() {
        assert!(!FaultConfig::from_lookup(|_| None).unwrap().is_active());
        let err =
            FaultConfig::from_lookup(|n| (n == "loss").then(|| "150".to_owned())).unwrap_err();
        assert!(err.contains("loss"), "{err}");
        assert!(FaultConfig::from_lookup(|n| (n == "lag").then(|| "soon".to_owned())).is_err());
    }
}
