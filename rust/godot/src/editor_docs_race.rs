//! Workaround for a Godot editor shutdown crash (godotengine/godot#111048, #111645).
//!
//! When the editor loads a GDExtension during a session (first scan of a project whose
//! `.godot/extension_list.cfg` does not list it yet), `EditorNode::_gdextensions_reloaded`
//! calls `EditorHelp::generate_doc()`. That starts a worker thread which, when done, queues
//! `EditorHelp::_gen_extensions_docs` with `call_deferred`. If the editor quits before the next
//! message-queue flush (`--headless --editor --quit`, `--import`, CI), `EditorHelp::cleanup_doc()`
//! joins the thread and deletes the doc data, and `Main::cleanup()` then runs the queued call on
//! a null `DocTools`: SIGSEGV in `DocTools::generate` as soon as any extension class exists.
//!
//! The workaround joins that worker thread early, from a deferred call of our own, so that its
//! queued `_gen_extensions_docs` runs in the same flush while the doc data still exists.
//! `ScriptEditor.clear_docs_from_script()` calls `EditorHelp::get_doc_data()`, which joins the
//! thread; given a throwaway script whose (unnamed) doc is not in the help, it removes nothing.

use godot::classes::{ClassDb, Engine};
use godot::prelude::*;

/// Queues the join; call on `InitStage::MainLoop` (also reached when the editor hot-loads us).
pub fn schedule() {
    if !Engine::singleton().is_editor_hint() {
        return;
    }
    Callable::from_fn("smp_join_editor_doc_thread", |_| join_editor_doc_thread())
        .call_deferred(&[]);
}

fn join_editor_doc_thread() {
    let engine = Engine::singleton();
    if !engine.has_singleton("EditorInterface") {
        return;
    }
    let Some(mut editor) = engine.get_singleton("EditorInterface") else {
        return;
    };
    let Ok(Ok(mut script_editor)) = editor
        .try_call("get_script_editor", &[])
        .map(|v| v.try_to::<Gd<Object>>())
    else {
        return;
    };
    let Ok(mut script) = ClassDb::singleton()
        .instantiate("GDScript")
        .try_to::<Gd<RefCounted>>()
    else {
        return;
    };
    script.set("source_code", &"extends RefCounted\n".to_variant());
    let _ = script.try_call("reload", &[]);
    let _ = script_editor.try_call("clear_docs_from_script", &[script.to_variant()]);
}
