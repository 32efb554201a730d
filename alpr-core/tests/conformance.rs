//! The conformance vectors of `tests/vectors` through the Rust API, as a `cargo test`.

#[path = "../examples/conformance/surface/mod.rs"]
#[allow(dead_code, unreachable_pub)]
mod surface;

/// Suites the Rust surface implements; every one of them must pass every vector.
const SUITES: &[&str] = &[
    "normalize",
    "jurisdiction",
    "hotlist_load",
    "hotlist_file",
    "match",
    "hot_plate",
    "hit_workflow",
    "operations",
    "public_records",
    "search",
    "retention",
    "access",
    "sharing",
];

#[test]
fn vectors_pass() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut cases = alpr_conformance::load_dir(&dir).expect("vectors load");
    cases.retain(|c| SUITES.contains(&c.suite.as_str()));
    assert!(cases.len() > 20, "the vectors are present");
    let t = alpr_conformance::run_cases(&cases, &mut surface::RustSurface);
    assert_eq!(
        t.failed, 0,
        "{} conformance cases failed (see the lines above)",
        t.failed
    );
}
