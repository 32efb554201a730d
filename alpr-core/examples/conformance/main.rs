//! The conformance runner for the Rust API: `cargo run --release -p alpr-core --example
//! conformance -- [DIR …] [--suite NAME …]`. Reads `tests/vectors` by default and every
//! directory in `ALPR_VECTORS`; prints one line per failing case and `N passed, M failed`.

mod surface;

fn main() -> std::process::ExitCode {
    alpr_conformance::main_with("rust", &mut surface::RustSurface)
}
