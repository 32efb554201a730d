//! Policy profiles from JSON, TOML and JSON overrides of the built-in profile: parsing never
//! panics; a parsed profile can be checked (`Policy::check`) and written back to TOML, and that
//! TOML parses to a profile that writes the same TOML.

use alpr_core::Policy;

fn accepted(policy: &Policy) {
    let _findings = policy.check();
    let toml = policy.to_toml();
    let again = Policy::from_toml(&toml).expect("a profile's own TOML parses");
    assert_eq!(again.to_toml(), toml, "TOML round trip");
}

pub(crate) fn run_json(data: &[u8]) {
    if let Ok(p) = Policy::from_json(&super::text(data)) {
        accepted(&p);
    }
}

pub(crate) fn run_toml(data: &[u8]) {
    if let Ok(p) = Policy::from_toml(&super::text(data)) {
        accepted(&p);
    }
}

pub(crate) fn run_overrides(data: &[u8]) {
    if let Ok(p) = Policy::sacramento().with_overrides_json(&super::text(data)) {
        accepted(&p);
    }
}
