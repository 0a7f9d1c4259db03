//! Replays every fuzz target's seeds and committed corpus (`fuzz/corpus/<target>/`): each input
//! must run without a panic, as it did when libFuzzer kept it.

use std::path::Path;

#[test]
fn every_corpus_input_runs_cleanly() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    for &(name, target) in smp_fuzzing::TARGETS {
        let folder = corpus.join(name);
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("no corpus for {name} at {}: {e}", folder.display()));
        let mut inputs = 0;
        for seed in smp_fuzzing::seeds::of(name) {
            target(&seed);
        }
        for entry in entries {
            let path = entry.expect("a corpus entry").path();
            let data = std::fs::read(&path).expect("a corpus file");
            target(&data);
            inputs += 1;
        }
        assert!(inputs > 0, "the corpus for {name} is empty");
        println!("{name}: {inputs} inputs replayed");
    }
}
