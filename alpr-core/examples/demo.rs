//! `make demo`: the main job on the embedded default profile and the bundled sample data.
//!
//! Today: the policy profile and normalization of sample OCR reads. It grows into the whole
//! pipeline (lists, matching, hits and their workflow) as those land.

use alpr_core::{Policy, normalize};

const READS: &str = include_str!("../data/reads.csv");

fn main() {
    let policy = Policy::sacramento();
    println!(
        "alpr {} — policy profile {} ({}), time zone {}",
        alpr_core::VERSION,
        policy.name,
        policy.version,
        policy.time_zone
    );
    let reads: Vec<&str> = READS.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
    println!("\n== normalizing {} sample reads ==", reads.len());
    for (i, raw) in reads.into_iter().enumerate() {
        match normalize(raw) {
            Ok(n) => println!(
                "read {i:>2}: plate {}{}",
                n.plate,
                if n.folded {
                    "  (folded from look-alike characters)"
                } else {
                    ""
                }
            ),
            // The error never echoes the read: plates are personal data.
            Err(e) => println!("read {i:>2}: rejected: {e}"),
        }
    }
}
