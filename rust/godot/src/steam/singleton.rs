//! Registering the `Steam` engine singleton ourselves, so that a second Steam integration in the
//! process is reported instead of corrupting memory.
//!
//! GodotSteam also registers a `Steam` class and singleton. When it loads first (its
//! `addons/godotsteam` sorts before ours), Godot refuses our class; a singleton created through
//! gdext would then be an object of GodotSteam's class that gdext frees as ours at exit. So the
//! singleton is created only when the name is free and the class named `Steam` really is ours.

use std::cell::Cell;

use godot::classes::{ClassDb, Engine, GDExtensionManager};
use godot::prelude::*;

use super::Steam;

/// Its name, in GDScript.
const NAME: &str = "Steam";
/// A method only our `Steam` class has: proof that Godot registered ours.
const OUR_METHOD: &str = "isLocalMode";

thread_local! {
    static OURS: Cell<Option<InstanceId>> = const { Cell::new(None) };
}

fn conflict(what: &str) {
    godot_error!(
        "{what}: another Steam integration (GodotSteam, most likely) is loaded in this game. \
         This addon replaces it and the two cannot share Steam: remove the other one \
         (for GodotSteam, its addons/godotsteam folder, or a Godot build with the GodotSteam module). \
         Until then, Steam.* goes to the other integration, and SteamMultiplayerPeer runs in local mode only."
    );
}

/// Creates and registers the singleton, unless another integration holds the name.
pub fn register() {
    let mut engine = Engine::singleton();
    if engine.has_singleton(NAME) || !ClassDb::singleton().class_has_method(NAME, OUR_METHOD) {
        conflict("the Steam singleton belongs to something else");
        return;
    }
    let steam = Steam::new_alloc();
    engine.register_singleton(NAME, &steam);
    OURS.set(Some(steam.instance_id()));
}

/// Unregisters and frees the singleton, if it is ours.
pub fn unregister() {
    if let Some(steam) = ours() {
        Engine::singleton().unregister_singleton(NAME);
        steam.free();
    }
    OURS.set(None);
}

/// Our singleton, when we registered it.
pub fn ours() -> Option<Gd<Steam>> {
    Gd::try_from_instance_id(OURS.get()?).ok()
}

/// Reports another Steam integration loaded after us (its own registration then fails with
/// Godot's less telling errors).
pub fn report_other_integrations() {
    let loaded = GDExtensionManager::singleton().get_loaded_extensions();
    for path in loaded.as_slice() {
        let path = path.to_string();
        if path.to_lowercase().contains("godotsteam") {
            conflict(&format!("{path} is loaded too"));
        }
    }
}
