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
//! This prints, for tables of 8 to 128 MiB (plain `Vec<u64>`, no huge pages):
//! - `throughput, 1 line`: one random line a step, steps independent (the probe's pattern);
//! - `latency, 1 line`: one random line a step, each step's address depending on the last;
//! - `latency, 8 lines`: 8 independent random lines a step, the next step depending on all 8
//!   (one read of `edits1`, with no hashing, no verification and no hits built).
//!
//! And the floor of the one layout that would skip most of those lines, a small filter in front of
//! the table (`filter first`): 8 independent loads in an 8 MiB array (which this host's 32 MiB L3
//! keeps), then, for the share of reads that does have a string in the table, 2 independent lines
//! of the 128 MiB table after them (a read of the bench finds 1.92 of its 7 strings there, and
//! 74 % of its reads find at least one: `benches/examples/edits_presence.rs`).
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

/// The sum of `k` independent loads of random lines of `table` (the first word of each), their
/// addresses from the stream `s` xor `carry` (so that they wait for whatever `carry` came from).
#[inline]
fn loads(table: &[u64], k: usize, s: &mut u64, carry: u64) -> u64 {
    let lines = table.len() / 8;
    let mut sum = 0u64;
    for _ in 0..k {
        let line = (next(s) ^ carry) as usize % lines;
        sum = sum.wrapping_add(table[line * 8]);
    }
    sum
}

/// Nanoseconds a step: `k` random line loads, the next step's addresses depending on the sum
/// when `dependent`.
fn run(table: &[u64], k: usize, dependent: bool, steps: usize) -> f64 {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut carry = 0u64;
    let mut total = 0u64;
    let t0 = Instant::now();
    for _ in 0..steps {
        let sum = loads(table, k, &mut s, carry);
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

/// Nanoseconds a step of the filter-first layout: `k` independent loads in `filter`, then, for
/// `share_pct` % of the steps, `lines` independent loads in `table` that wait for the filter's;
/// the next step waits for all of them.
fn filtered(filter: &[u64], table: &[u64], k: usize, share_pct: u64, lines: usize, steps: usize) -> f64 {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut carry = 0u64;
    let mut total = 0u64;
    let t0 = Instant::now();
    for _ in 0..steps {
        let mut sum = loads(filter, k, &mut s, carry);
        if next(&mut s) % 100 < share_pct {
            // The lines' addresses depend on the filter's answer (`sum`, always 0).
            sum = sum.wrapping_add(loads(table, lines, &mut s, sum));
        }
        total = total.wrapping_add(sum);
        carry = sum;
    }
    black_box(total);
    t0.elapsed().as_nanos() as f64 / steps as f64
}

/// A zeroed table of `mib` MiB with every page written, so that all of it is there before timing.
fn table_of(mib: usize) -> Vec<u64> {
    let mut table = vec![0u64; mib << 17];
    for i in (0..table.len()).step_by(512) {
        table[i] = black_box(0);
    }
    table
}

fn main() {
    let millions: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    let steps = millions * 1_000_000;
    let mut probe128 = 0.0;
    for mib in [8usize, 16, 32, 64, 128] {
        let table = table_of(mib);
        let probe = run(&table, 1, false, steps);
        let one = run(&table, 1, true, steps);
        let eight = run(&table, 8, true, steps / 2);
        println!(
            "{mib:>4} MiB: throughput, 1 line {probe:6.1} ns; latency, 1 line {one:6.1} ns; latency, 8 lines \
             {eight:6.1} ns = {:.1}x the throughput step",
            eight / probe
        );
        probe128 = probe;
    }
    let (filter, table) = (table_of(8), table_of(128));
    for share in [0u64, 26, 74, 100] {
        let t = filtered(&filter, &table, 8, share, 2, steps / 2);
        println!(
            "filter first: 8 lines in 8 MiB, then 2 lines in 128 MiB for {share:>3} % of the steps: {t:6.1} ns = \
             {:.1}x the 128 MiB throughput step",
            t / probe128
        );
    }
}
