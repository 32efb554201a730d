//! The conformance vectors of `tests/vectors` through the Rust API, as a `cargo test`.

#[path = "../examples/conformance/surface/mod.rs"]
#[allow(dead_code, unreachable_pub)]
mod surface;

#[test]
fn vectors_pass() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    // Every suite, like the runners: a vector file of a suite the surface lacks fails.
    let cases = alpr_conformance::load_dir(&dir).expect("vectors load");
    assert!(cases.len() > 20, "the vectors are present");
    let t = alpr_conformance::run_cases(&cases, &mut surface::RustSurface);
    assert_eq!(
        t.failed, 0,
        "{} conformance cases failed (see the lines above)",
        t.failed
    );
}
