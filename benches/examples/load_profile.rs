//! Repeated CSV loads for `perf record`: `cargo run --release -p alpr-benches --example
//! load_profile`. `ALPR_FILE=2` loads the 2-column list of `benches/peers/py_peers.py`
//! (`plate,category`), otherwise the 9-column file of the other hot-list benches; `ALPR_THREADS`
//! (default 1) as `LoadOptions::with_threads`; `ALPR_LOADS` loads (default 5), each timed.
//! `ALPR_PATH=<file>` loads that CSV file instead (read once, before the loads), to set a Rust
//! load beside a Python `load_file` of the same bytes.

use std::time::Instant;

#[path = "../src/hotlist_data.rs"]
#[allow(dead_code)]
mod data;

#[path = "../src/cpu_time.rs"]
#[allow(dead_code)] // This example reads only the process's time.
mod cpu_time;

fn main() {
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let threads = env("ALPR_THREADS", 1);
    let loads = env("ALPR_LOADS", 5);
    let n = 1_000_000;
    let bytes = if let Ok(path) = std::env::var("ALPR_PATH") {
        std::fs::read(path).expect("the file reads")
    } else if env("ALPR_FILE", 9) == 2 {
        data::csv2(n)
    } else {
        data::csv(n)
    };
    // The policy of Python's `Registry()`.
    let policy = alpr_core::Policy::builtin();
    println!("entry: {} bytes", std::mem::size_of::<alpr_core::hotlist::Entry>());
    for _ in 0..loads {
        let t = Instant::now();
        let cpu = cpu_time::process_seconds();
        let (v, r) = alpr_core::hotlist::load_bytes_with(
            alpr_core::hotlist::Format::Csv,
            &bytes,
            data::meta(),
            Some(alpr_core::vocab::Category::StolenVehicle),
            &policy,
            alpr_core::hotlist::LoadOptions::with_threads(threads),
        )
        .expect("loads");
        println!(
            "{} entries in {:.3} s, cpu {:.2} s",
            r.accepted,
            t.elapsed().as_secs_f64(),
            cpu_time::process_seconds() - cpu
        );
        drop(v);
    }
}
