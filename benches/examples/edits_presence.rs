//! How many of the `matching` bench's reads find a string in the depth-1 deletion table under
//! `max_edits = 1` (issue 14, `edits1`): a read probes its deletions (and itself, when some list
//! plate is one character longer), and a read none of whose strings is in the table is the only
//! kind a filter in front of the table could spare its memory round trip.
//!
//! Counted with a plain `HashSet` of every list plate and its deletions, from the bench's data
//! (same generator and seed), not from the index: `cargo run --release -p alpr-benches --example
//! edits_presence [reads]` (default 200,000).

#![allow(dead_code, clippy::cast_precision_loss)]

#[path = "../src/matching.rs"]
mod matching;

use std::collections::HashSet;

/// The strings of `s` without one character, one a position.
fn deletions(s: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    (0..s.len()).map(|i| {
        let mut v = s.to_vec();
        v.remove(i);
        v
    })
}

fn main() {
    let reads: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let d = matching::data(1_000_000);
    let mut table: HashSet<Vec<u8>> = HashSet::new();
    let mut lengths = 0u32;
    for p in &d.plates {
        let b = p.as_bytes();
        lengths |= 1 << b.len();
        table.insert(b.to_vec());
        table.extend(deletions(b));
    }
    let (mut with_any, mut present, mut probed) = (0usize, 0usize, 0usize);
    let reads = reads.min(d.reads.len());
    for r in &d.reads[..reads] {
        let b = r.as_bytes();
        let mut strings: Vec<Vec<u8>> = deletions(b).collect();
        if lengths >> (b.len() + 1) & 1 == 1 {
            strings.push(b.to_vec());
        }
        let found = strings.iter().filter(|s| table.contains(*s)).count();
        probed += strings.len();
        present += found;
        with_any += usize::from(found > 0);
    }
    println!(
        "{reads} reads: {:.1} % find at least one string in the table; {:.2} of their {:.2} strings a read are there",
        100.0 * with_any as f64 / reads as f64,
        present as f64 / reads as f64,
        probed as f64 / reads as f64
    );
}
