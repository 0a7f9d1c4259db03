#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smp_fuzzing::local_sessions::run(data));
