#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smp_fuzzing::legacy_wire::run(data));
