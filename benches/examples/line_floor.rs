//! The memory floor under `matching/edits1`'s target (issue 14: `edits1` ≤ 10× the bare
//! hashbrown probe), measured on the machine at hand with no alpr code at all.
//!
//! An edit-distance-1 match of one read probes its own key and its deletions (8 keys for a
//! 7-character plate) in a table of every list plate's deletions (~7.5 million keys, 128 MiB at
//! 8-byte slots). One read a call (`Matcher::match_read`) cannot start the next read's loads
//! before its own result is known, so each call pays at least the time of 8 independent random
//! cache-line loads issued together. The bare probe of the benchmark, by contrast, is one load a
//! read whose next read does not wait for it, so the core overlaps several reads' misses.
//!
//! This prints, for tables of 32, 64 and 128 MiB (plain `Vec<u64>`, no huge pages):
//! - `throughput, 1 line`: one random line a step, steps independent (the probe's pattern);
//! - `latency, 1 line`: one random line a step, each step's address depending on the last;
//! - `latency, 8 lines`: 8 independent random lines a step, the next step depending on all 8
//!   (one read of `edits1`, with no hashing, no verification and no hits built).
//!
//! `cargo run --release -p alpr-benches --example line_floor [million_steps]`

#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::hint::black_box;
use std::time::Instant;

/// xorshift64*: a cheap address stream the prefetchers cannot follow.
fn next(s: &mut u64) -> u64 {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    s.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// Nanoseconds a step: `k` random line loads, the next step's addresses depending on the sum
/// when `dependent`.
fn run(table: &[u64], k: usize, dependent: bool, steps: usize) -> f64 {
    let lines = table.len() / 8;
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut carry = 0u64;
    let mut total = 0u64;
    let t0 = Instant::now();
    for _ in 0..steps {
        let mut sum = 0u64;
        for _ in 0..k {
            let line = (next(&mut s) ^ carry) as usize % lines;
            sum = sum.wrapping_add(table[line * 8]);
        }
        total = total.wrapping_add(sum);
        // Every value in the table is 0: `carry` stays 0 but the compiler and the core cannot
        // know it, so the next step's addresses wait for this step's loads.
        if dependent {
            carry = sum;
        }
    }
    black_box(total);
    t0.elapsed().as_nanos() as f64 / steps as f64
}

fn main() {
    let millions: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    let steps = millions * 1_000_000;
    for mib in [32usize, 64, 128] {
        // Zeroed and then written, so that every page is really there before timing.
        let mut table = vec![0u64; mib << 17];
        for i in (0..table.len()).step_by(512) {
            table[i] = black_box(0);
        }
        let probe = run(&table, 1, false, steps);
        let one = run(&table, 1, true, steps);
        let eight = run(&table, 8, true, steps / 2);
        println!(
            "{mib:>4} MiB: throughput, 1 line {probe:6.1} ns; latency, 1 line {one:6.1} ns; latency, 8 lines \
             {eight:6.1} ns = {:.1}x the throughput step",
            eight / probe
        );
    }
}
