//! The conformance runner for the C ABI: `cargo run --release -p alpr-ffi --example conformance
//! -- [DIR …] [--suite NAME …]`. Every answer is computed only through the exported
//! `extern "C"` functions, exactly as a C caller would call them.

mod surface;

fn main() -> std::process::ExitCode {
    alpr_conformance::main_with("c-abi", &mut surface::CSurface)
}
