//! Fuzz target `policy_json`: see `checks/policy.rs` for what it checks.
#![no_main]

#[allow(dead_code)]
#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::policy::run_json(data));
