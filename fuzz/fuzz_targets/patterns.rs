//! Fuzz target `patterns`: see `checks/patterns.rs` for what it checks.
#![no_main]

#[allow(dead_code)]
#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::patterns::run(data));
