//! A loop of one search shape over the benchmark store, for a profiler: `cargo run --release -p
//! alpr-benches --example search_profile -- 'EV*74' 200000` (under `perf record -g` for a
//! profile). Each search goes through an agency (its access decision and audit record first,
//! R-AUDIT-1), a fresh one every 4,096 searches so that its in-memory log stays small. Prints the
//! mean time a query.

use std::hint::black_box;
use std::time::Instant as Clock;

use alpr_core::access::AccessRequest;
use alpr_core::search::DetectionQuery;
use alpr_core::{PlateOrPattern, Policy};

#[allow(dead_code)] // The criterion half of the module is not used here.
#[path = "../src/search.rs"]
mod search;

#[allow(dead_code)] // Only the list-building helpers are used (by `search`).
#[path = "../src/matching.rs"]
mod matching;

fn main() {
    let mut args = std::env::args().skip(1);
    let pattern = args.next().unwrap_or_else(|| "EV*74".to_owned());
    let iterations: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let t0 = Clock::now();
    let s = search::store(10_000_000, 4_000_000);
    eprintln!("store built in {:.2?}", t0.elapsed());
    let policy = Policy::sacramento();
    let now = alpr_core::time::instant_of_ms(search::NOW_MS).expect("valid time");
    let request: AccessRequest = serde_json::from_str(r#"{"action": "query_detections", "purpose": "stolen_vehicle"}"#)
        .expect("a valid request");
    let term = PlateOrPattern::parse(&pattern, policy.pattern_limits()).expect("valid pattern");
    let q = DetectionQuery::new(term);
    let mut a = search::agency(&policy, now);
    let rows = a.search(&s, "c1", &request, &q).expect("allowed").len();
    let t = Clock::now();
    for i in 0..iterations {
        if i > 0 && i % 4096 == 0 {
            a = search::agency(&policy, now);
        }
        black_box(a.search(&s, "c1", &request, black_box(&q)).expect("allowed"));
    }
    println!("{pattern}: {rows} rows, {:.2?} a query", t.elapsed() / iterations);
}
