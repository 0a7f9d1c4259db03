//! The Godot face of the Steam multiplayer peer: type conversion, signals and registration.
//! The protocol lives in `smp_protocol`, the transports in `smp_transport`, their binding in
//! `smp_peer`.

mod backend;
mod editor_docs_race;
mod errors;
mod log_bridge;
mod monitors;
mod multiplayer_peer;
mod packet_peer;
mod peer_handle;
mod settings;
mod steam;
mod which_steam;

use godot::init::{ExtensionLibrary, InitStage, gdextension};

struct SteamMultiplayerPeerLibrary;

// SAFETY: the only entry point gdext generates for this library.
#[gdextension]
unsafe impl ExtensionLibrary for SteamMultiplayerPeerLibrary {
    fn on_stage_init(stage: InitStage) {
        match stage {
            InitStage::Scene => {
                log_bridge::install();
                settings::register();
                steam::singleton::register();
            }
            // Also reached when the editor loads us mid-session, on a project's first scan.
            InitStage::MainLoop => {
                editor_docs_race::schedule();
                steam::singleton::report_other_integrations();
                steam::initialize_on_startup();
            }
            _ => {}
        }
    }

    fn on_stage_deinit(stage: InitStage) {
        if stage == InitStage::Scene {
            steam::singleton::unregister();
            // Peers and Steam are gone: the local-mode streams close now, gracefully, so
            // what the game sent last still arrives.
            smp_transport::local::release_process_endpoint();
        }
    }
}
