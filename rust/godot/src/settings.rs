//! The addon's project settings: registered with defaults so the editor lists them, read when
//! a peer starts. Environment variables override the fault-injection ones.

use godot::classes::ProjectSettings;
use godot::global::godot_warn;
use godot::meta::ToGodot;
use godot::obj::Singleton;
use godot::prelude::*;
use godot::register::info::PropertyHint;
use smp_protocol::header::MAX_CHANNELS;
use smp_transport::FaultConfig;
use smp_transport::fault::SETTING_NAMES;

/// Channels a peer has, GodotSteam's setting.
pub const MAX_CHANNELS_SETTING: &str = "steam/multiplayer_peer/max_channels";
/// The game's Steam app id, GodotSteam 4.20's setting.
const APP_ID_SETTING: &str = "steam/initialization/app_data/app_id";
/// Initialize Steam as the game starts.
const INITIALIZE_ON_STARTUP_SETTING: &str = "steam/initialization/processes/initialize_on_startup";
/// Dispatch callbacks every frame once initialized on startup.
const EMBED_CALLBACKS_SETTING: &str = "steam/initialization/processes/embed_callbacks";
/// Spacewar, Valve's test app, as GodotSteam's examples use.
const DEFAULT_APP_ID: i64 = 480;
const DEFAULT_CHANNELS: i64 = 4;
const FAULT_PREFIX: &str = "steam/local_mode/fake_packet_";

/// Adds the settings the project does not have yet, with their defaults and editor hints.
pub fn register() {
    let mut settings = ProjectSettings::singleton();
    let hint = format!("1,{MAX_CHANNELS},1");
    add(
        &mut settings,
        MAX_CHANNELS_SETTING,
        DEFAULT_CHANNELS.to_variant(),
        VariantType::INT,
        &hint,
    );
    for name in SETTING_NAMES {
        let (default, kind, hint) = match name {
            "loss" | "reorder" | "dup" => {
                (0.0.to_variant(), VariantType::FLOAT, "0,100,0.1,suffix:%")
            }
            "lag" | "jitter" => (
                0.to_variant(),
                VariantType::INT,
                "0,2000,1,or_greater,suffix:ms",
            ),
            _ => (0.to_variant(), VariantType::INT, ""),
        };
        add(
            &mut settings,
            &format!("{FAULT_PREFIX}{name}"),
            default,
            kind,
            hint,
        );
    }
}

fn add(
    settings: &mut Gd<ProjectSettings>,
    name: &str,
    default: Variant,
    kind: VariantType,
    hint: &str,
) {
    if !settings.has_setting(name) {
        settings.set_setting(name, &default);
    }
    settings.set_initial_value(name, &default);
    let mut info = VarDictionary::new();
    info.set("name", name);
    info.set("type", kind.ord());
    if !hint.is_empty() {
        info.set("hint", PropertyHint::RANGE.ord());
        info.set("hint_string", hint);
    }
    settings.add_property_info(&info);
}

/// The game's Steam app id.
pub fn app_id() -> u32 {
    let value = ProjectSettings::singleton().get_setting(APP_ID_SETTING);
    value
        .try_to::<i64>()
        .ok()
        .and_then(|id| u32::try_from(id).ok())
        .filter(|&id| id != 0)
        .unwrap_or(DEFAULT_APP_ID as u32)
}

/// Whether to initialize Steam as the game starts.
pub fn initialize_on_startup() -> bool {
    ProjectSettings::singleton()
        .get_setting(INITIALIZE_ON_STARTUP_SETTING)
        .try_to::<bool>()
        .unwrap_or(false)
}

/// Whether callbacks run every frame when Steam is initialized on startup.
pub fn embed_callbacks() -> bool {
    ProjectSettings::singleton()
        .get_setting(EMBED_CALLBACKS_SETTING)
        .try_to::<bool>()
        .unwrap_or(false)
}

/// The number of channels peers get, within what the header can carry.
pub fn max_channels() -> usize {
    let value = ProjectSettings::singleton()
        .get_setting_ex(MAX_CHANNELS_SETTING)
        .default_value(&DEFAULT_CHANNELS.to_variant())
        .done()
        .try_to::<i64>()
        .unwrap_or(DEFAULT_CHANNELS);
    if !(1..=MAX_CHANNELS as i64).contains(&value) {
        godot_warn!(
            "{MAX_CHANNELS_SETTING} is {value}; using {} (allowed: 1 to {MAX_CHANNELS})",
            value.clamp(1, MAX_CHANNELS as i64)
        );
    }
    value.clamp(1, MAX_CHANNELS as i64) as usize
}

/// Fault injection for local mode: `STEAM_FAKE_PACKET_*` variables, else the project settings.
pub fn fault_config() -> Result<FaultConfig, String> {
    let settings = ProjectSettings::singleton();
    FaultConfig::from_lookup(|name| {
        std::env::var(format!("STEAM_FAKE_PACKET_{}", name.to_uppercase()))
            .ok()
            .or_else(|| {
                let value = settings.get_setting(&format!("{FAULT_PREFIX}{name}"));
                match value.get_type() {
                    VariantType::INT => Some(value.to::<i64>().to_string()),
                    VariantType::FLOAT => Some(value.to::<f64>().to_string()),
                    VariantType::STRING => Some(value.to::<GString>().to_string()),
                    _ => None,
                }
            })
    })
}
