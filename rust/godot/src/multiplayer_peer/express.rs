//! expressobits' peer: its Steam id lookups, its networking options and its connection status
//! signal (its properties are registered with the others, in `properties`).

use godot::global::godot_error;
use godot::prelude::*;
use smp_peer::SteamId;
use smp_transport::options::keys::CONNECTION_USER_DATA;
use smp_transport::{ConfigOption, ConfigValue, StatusChange};

use super::SteamMultiplayerPeer;

#[godot_api(secondary)]
impl SteamMultiplayerPeer {
    /// expressobits' and GodotSteam's earlier lookup: the Steam id of peer [param peer_id],
    /// ours for our own id, or -1 when no connected peer has it. (The current
    /// [method get_steam_id_for_peer_id] answers 0 instead.)
    #[func]
    fn get_steam64_from_peer_id(&self, peer_id: i64) -> i64 {
        let id = i32::try_from(peer_id).ok();
        self.driver
            .as_ref()
            .zip(id)
            .and_then(|(d, id)| d.session().steam_id_for_peer_id(id))
            .map_or(-1, |steam_id| steam_id.0 as i64)
    }

    /// expressobits' and GodotSteam's earlier lookup: the peer id of the user with Steam id
    /// [param steam_id], our own for our Steam id, or -1 when no connected peer has it. (The
    /// current [method get_peer_id_for_steam_id] answers 0 instead.)
    #[func]
    fn get_peer_id_from_steam64(&self, steam_id: i64) -> i64 {
        self.driver
            .as_ref()
            .and_then(|d| d.session().peer_id_for_steam_id(SteamId(steam_id as u64)))
            .map_or(-1, i64::from)
    }

    /// Sets networking option [param steam_networking_config] (a `NETWORKING_CONFIG_*`
    /// constant) to [param value] in [member options], for the connections the peer makes
    /// from its next start on.
    #[func]
    fn set_config(&mut self, steam_networking_config: i64, value: Variant) {
        self.networking_options.set(steam_networking_config, &value);
    }

    /// Removes networking option [param steam_networking_config] from [member options].
    #[func]
    fn clear_config(&mut self, steam_networking_config: i64) {
        self.networking_options.remove(steam_networking_config);
    }

    /// Removes every networking option from [member options].
    #[func]
    fn clear_all_configs(&mut self) {
        self.networking_options.clear();
    }
}

impl SteamMultiplayerPeer {
    /// [member options] as the transport takes them: ints as 32-bit (the connection's user data
    /// as 64-bit), floats and Strings as they are. A key or value of another type is left out,
    /// with an error.
    pub(super) fn config_options(&self) -> Vec<ConfigOption> {
        let mut options = Vec::new();
        for (key, value) in self.networking_options.iter_shared() {
            let Ok(key) = key.try_to::<i32>() else {
                godot_error!(
                    "SteamMultiplayerPeer.options: {key} is not a NETWORKING_CONFIG_* key"
                );
                continue;
            };
            let value = match value.get_type() {
                VariantType::INT if key == CONNECTION_USER_DATA => {
                    ConfigValue::Int64(value.to::<i64>())
                }
                VariantType::INT => ConfigValue::Int32(value.to::<i64>() as i32),
                VariantType::FLOAT => ConfigValue::Float(value.to::<f64>() as f32),
                VariantType::STRING => ConfigValue::String(value.to::<GString>().to_string()),
                other => {
                    godot_error!(
                        "SteamMultiplayerPeer.options: option {key} is a {other:?}; use an int, a float or a String"
                    );
                    continue;
                }
            };
            options.push(ConfigOption { key, value });
        }
        options
    }

    /// Emits `network_connection_status_changed` for what the peer's connections did.
    pub(super) fn emit_status_changes(&mut self) {
        let changes = self
            .driver
            .as_mut()
            .map(|d| d.take_status_changes())
            .unwrap_or_default();
        for change in changes {
            let args = [
                (change.conn.0 as i64).to_variant(),
                connection_dictionary(&change).to_variant(),
                (change.old_state as i64).to_variant(),
            ];
            self.base_mut()
                .emit_signal("network_connection_status_changed", &args);
        }
    }
}

/// A status change as GodotSteam's connection Dictionary.
fn connection_dictionary(change: &StatusChange) -> VarDictionary {
    let mut out = VarDictionary::new();
    out.set("identity", change.remote.0 as i64);
    out.set("user_data", 0);
    out.set(
        "listen_socket",
        change.listen_socket.map_or(0, |socket| i64::from(socket.0)),
    );
    out.set("remote_address", "");
    out.set("remote_pop", 0);
    out.set("pop_relay", 0);
    out.set("connection_state", change.state as i64);
    out.set("end_reason", i64::from(change.end_reason));
    out.set("end_debug", change.end_debug.as_str());
    out.set(
        "debug_description",
        format!("#{} P2P steamid:{}", change.conn.0, change.remote),
    );
    out
}
