//! Steam's networking configuration values (`SteamNetworkingConfigValue_t`), as a peer's
//! options carry them to the listen sockets and connections it makes, and what the emulation's
//! fault injection makes of the fake-packet ones.

use std::time::Duration;

use crate::fault::FaultConfig;

/// `ESteamNetworkingConfigValue` numbers the emulation acts on.
pub mod keys {
    /// `k_ESteamNetworkingConfig_FakePacketLoss_Send`, percent.
    pub const FAKE_PACKET_LOSS_SEND: i32 = 2;
    /// `k_ESteamNetworkingConfig_FakePacketLoss_Recv`, percent.
    pub const FAKE_PACKET_LOSS_RECV: i32 = 3;
    /// `k_ESteamNetworkingConfig_FakePacketLag_Send`, milliseconds.
    pub const FAKE_PACKET_LAG_SEND: i32 = 4;
    /// `k_ESteamNetworkingConfig_FakePacketLag_Recv`, milliseconds.
    pub const FAKE_PACKET_LAG_RECV: i32 = 5;
    /// `k_ESteamNetworkingConfig_FakePacketReorder_Send`, percent.
    pub const FAKE_PACKET_REORDER_SEND: i32 = 6;
    /// `k_ESteamNetworkingConfig_FakePacketReorder_Recv`, percent.
    pub const FAKE_PACKET_REORDER_RECV: i32 = 7;
    /// `k_ESteamNetworkingConfig_FakePacketDup_Send`, percent.
    pub const FAKE_PACKET_DUP_SEND: i32 = 26;
    /// `k_ESteamNetworkingConfig_FakePacketDup_Recv`, percent.
    pub const FAKE_PACKET_DUP_RECV: i32 = 27;
    /// `k_ESteamNetworkingConfig_ConnectionUserData`, the one 64-bit integer option.
    pub const CONNECTION_USER_DATA: i32 = 40;
}

/// A value, of one of `ESteamNetworkingConfigDataType`'s types.
#[derive(Clone, PartialEq, Debug)]
pub enum ConfigValue {
    /// `k_ESteamNetworkingConfig_Int32`.
    Int32(i32),
    /// `k_ESteamNetworkingConfig_Int64`.
    Int64(i64),
    /// `k_ESteamNetworkingConfig_Float`.
    Float(f32),
    /// `k_ESteamNetworkingConfig_String`.
    String(String),
}

impl ConfigValue {
    fn as_f64(&self) -> Option<f64> {
        match self {
            ConfigValue::Int32(v) => Some(f64::from(*v)),
            ConfigValue::Int64(v) => Some(*v as f64),
            ConfigValue::Float(v) => Some(f64::from(*v)),
            ConfigValue::String(_) => None,
        }
    }
}

/// One option: an `ESteamNetworkingConfigValue` number and its value.
#[derive(Clone, PartialEq, Debug)]
pub struct ConfigOption {
    /// Which option.
    pub key: i32,
    /// Its value.
    pub value: ConfigValue,
}

/// The faults `options` ask for on top of `base`, `None` when they hold no fake-packet option.
/// The emulation degrades only what a user receives, so a `_Send` option acts there too, and
/// a `_Send` and `_Recv` pair combines as two links in a row would.
pub fn faults_with(base: &FaultConfig, options: &[ConfigOption]) -> Option<FaultConfig> {
    let value = |key| {
        options
            .iter()
            .rev()
            .find(|option| option.key == key)
            .and_then(|option| option.value.as_f64())
    };
    let pair = |send, recv| match (value(send), value(recv)) {
        (None, None) => None,
        (s, r) => Some((s.unwrap_or(0.0), r.unwrap_or(0.0))),
    };
    // Two chances to be lost (or reordered, or copied) in a row.
    let both = |(s, r): (f64, f64)| {
        let (s, r) = (s.clamp(0.0, 100.0) / 100.0, r.clamp(0.0, 100.0) / 100.0);
        100.0 * (1.0 - (1.0 - s) * (1.0 - r))
    };
    let loss = pair(keys::FAKE_PACKET_LOSS_SEND, keys::FAKE_PACKET_LOSS_RECV);
    let lag = pair(keys::FAKE_PACKET_LAG_SEND, keys::FAKE_PACKET_LAG_RECV);
    let reorder = pair(
        keys::FAKE_PACKET_REORDER_SEND,
        keys::FAKE_PACKET_REORDER_RECV,
    );
    let dup = pair(keys::FAKE_PACKET_DUP_SEND, keys::FAKE_PACKET_DUP_RECV);
    if loss.is_none() && lag.is_none() && reorder.is_none() && dup.is_none() {
        return None;
    }
    let mut faults = *base;
    if let Some(loss) = loss {
        faults.loss_percent = both(loss);
    }
    if let Some((s, r)) = lag {
        faults.lag = Duration::from_secs_f64((s.max(0.0) + r.max(0.0)) / 1000.0);
    }
    if let Some(reorder) = reorder {
        faults.reorder_percent = both(reorder);
    }
    if let Some(dup) = dup {
        faults.duplicate_percent = both(dup);
    }
    Some(faults)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(key: i32, value: ConfigValue) -> ConfigOption {
        ConfigOption { key, value }
    }

    #[test]
    fn fake_packet_options_become_faults() {
        let base = FaultConfig {
            jitter: Duration::from_millis(3),
            ..FaultConfig::default()
        };
        assert_eq!(faults_with(&base, &[]), None);
        let other = [option(keys::CONNECTION_USER_DATA, ConfigValue::Int64(7))];
        assert_eq!(faults_with(&base, &other), None, "no fake-packet option");
        let options = [
            option(keys::FAKE_PACKET_LOSS_SEND, ConfigValue::Float(50.0)),
            option(keys::FAKE_PACKET_LOSS_RECV, ConfigValue::Int32(50)),
            option(keys::FAKE_PACKET_LAG_RECV, ConfigValue::Int32(40)),
            option(keys::FAKE_PACKET_DUP_SEND, ConfigValue::Int32(10)),
        ];
        let faults = faults_with(&base, &options).unwrap();
        assert_eq!(faults.loss_percent, 75.0);
        assert_eq!(faults.lag, Duration::from_millis(40));
        assert!((faults.duplicate_percent - 10.0).abs() < 1e-9);
        assert_eq!(faults.reorder_percent, 0.0);
        assert_eq!(faults.jitter, base.jitter, "the rest stays as it was");
    }
}
