//! Fuzz target `audit_verify`: see `checks/audit_verify.rs` for what it checks.
#![no_main]

#[allow(dead_code)]
#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::audit_verify::run(data));
