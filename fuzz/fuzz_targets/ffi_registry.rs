//! Fuzz target `ffi_registry`: see `checks/ffi_registry.rs` for what it checks.
#![no_main]

#[allow(dead_code)]
#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::ffi_registry::run(data));
