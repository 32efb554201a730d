//! `search/*`: partial-plate search (R-SEARCH-1) over 10,000,000 stored detections of 4,000,000
//! distinct synthetic US-style plates (deterministic seed), one core, returning sorted row ids.
//! Every search goes through an agency, as every read of stored detections must (R-AUDIT-1): a
//! figure is the access decision, its audit record and the search.
//!
//! Sizes are fixed; set `ALPR_BENCH_SEARCH_ROWS` / `ALPR_BENCH_SEARCH_PLATES` only for a quick
//! local look (the figures in `benches/README.md` are at the full size).

use std::collections::HashSet;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant as Clock};

use alpr_core::access::{AccessRequest, User};
use alpr_core::agency::{Agency, Clock as AgencyClock};
use alpr_core::audit::MemoryStore;
use alpr_core::search::{DetectionQuery, DetectionStore, DetectionStoreBuilder};
use alpr_core::{Plate, PlateOrPattern, Policy};
use criterion::Criterion;

/// SplitMix64: a small deterministic generator (no dependency, same sequence everywhere).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// One synthetic US-style plate: California `1ABC234` (half), `ABC1234`, `ABC123`, `123ABC`,
/// `AB12345`, and vanity plates of 2 to 7 characters.
fn plate(rng: &mut Rng) -> Plate {
    let mut b = Vec::with_capacity(8);
    let mut pick = |set: &[u8], rng: &mut Rng| b.push(set[rng.below(set.len() as u64) as usize]);
    let shape = rng.below(100);
    let fmt: &[&[u8]] = match shape {
        0..50 => &[b"123456789", LETTERS, LETTERS, LETTERS, DIGITS, DIGITS, DIGITS],
        50..70 => &[LETTERS, LETTERS, LETTERS, DIGITS, DIGITS, DIGITS, DIGITS],
        70..80 => &[LETTERS, LETTERS, LETTERS, DIGITS, DIGITS, DIGITS],
        80..85 => &[DIGITS, DIGITS, DIGITS, LETTERS, LETTERS, LETTERS],
        85..90 => &[LETTERS, LETTERS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS],
        _ => &[ALNUM; 7][..2 + rng.below(6) as usize],
    };
    for set in fmt {
        pick(set, rng);
    }
    Plate::from_canonical(&b).expect("generated plates are canonical")
}

/// Two years of detections up to `NOW_MS` (2026-11-28T12:00:00-08:00).
pub(crate) const NOW_MS: i64 = 1_795_896_000_000;
const SPAN_MS: i64 = 2 * 365 * 86_400_000;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The store of the benchmark: `rows` detections of `plates` distinct plates (each plate at least
/// once), times uniform over two years, positions around Sacramento.
pub(crate) fn store(rows: usize, plates: usize) -> DetectionStore {
    let mut rng = Rng(0x5EED_A1B2_C3D4_E5F6);
    let mut seen = HashSet::with_capacity(plates);
    let mut distinct = Vec::with_capacity(plates);
    while distinct.len() < plates {
        let p = plate(&mut rng);
        if seen.insert(p) {
            distinct.push(p);
        }
    }
    drop(seen);
    let mut b = DetectionStoreBuilder::with_capacity(rows);
    for i in 0..rows {
        let p = if i < plates {
            distinct[i]
        } else {
            distinct[rng.below(plates as u64) as usize]
        };
        let t = NOW_MS - rng.below(SPAN_MS.cast_unsigned()).cast_signed();
        let lat = 38.58 + (rng.below(40_000) as f64 - 20_000.0) * 1e-5;
        let lon = -121.49 + (rng.below(40_000) as f64 - 20_000.0) * 1e-5;
        b.push_ms(i as u64, p, None, t, lat, lon, None)
            .expect("valid detection");
    }
    b.build().expect("unique ids")
}

/// An agency opened for tests at `now` whose roster has an investigator `c1` (who searches) and
/// an administrator `admin` (who loads lists).
pub(crate) fn agency(policy: &Policy, now: alpr_core::time::Instant) -> Agency<MemoryStore> {
    let roster: Vec<User> = serde_json::from_value(serde_json::json!([
        {"id": "c1", "agency": "SPD", "roles": ["investigator"], "account": "active",
         "trained_on": "2026-06-01", "clearance": true},
        {"id": "admin", "agency": "SPD", "roles": ["administrator"], "account": "active",
         "trained_on": "2026-06-01", "clearance": true},
    ]))
    .expect("a valid roster");
    let clock = AgencyClock::fixed_for_tests_and_replays(now);
    Agency::for_tests_and_replays("SPD", Arc::new(policy.clone()), MemoryStore::new(), roster, clock)
        .expect("an agency opens")
}

/// The investigator's request: a `query_detections` for a stolen vehicle.
fn request() -> AccessRequest {
    serde_json::from_str(r#"{"action": "query_detections", "purpose": "stolen_vehicle"}"#).expect("a valid request")
}

/// Searches made by one agency before the next is opened: its in-memory audit log grows by one
/// record a search, and criterion may run millions.
const SEARCHES_AN_AGENCY: u64 = 4096;

pub(crate) fn define(c: &mut Criterion) {
    let rows = env_or("ALPR_BENCH_SEARCH_ROWS", 10_000_000);
    let plates = env_or("ALPR_BENCH_SEARCH_PLATES", 4_000_000);
    let t0 = Clock::now();
    let s = store(rows, plates);
    eprintln!(
        "search: built a store of {} detections, {} distinct plates in {:.2?}",
        s.len(),
        s.distinct_plates(),
        t0.elapsed()
    );
    eprintln!(
        "search: time index (retro-hits windows) {} bytes, {:.3} bytes a detection",
        s.time_index_bytes(),
        s.time_index_bytes() as f64 / s.len().max(1) as f64
    );
    let policy = Policy::sacramento();
    let now = alpr_core::time::instant_of_ms(NOW_MS).expect("valid time");
    let month_from = alpr_core::time::instant_of_ms(NOW_MS - 30 * 86_400_000);
    let request = request();
    let mut g = c.benchmark_group("search");
    g.sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    // An exact search for a plate that is stored (row 1234 of the generated data).
    let stored = s.row(1234).plate.to_string();
    let mut counting = agency(&policy, now);
    for (name, pat) in [
        ("literal_prefix", "7AB?1?3"),
        ("leading_wildcard", "?ABC12?"),
        ("star", "EV*74"),
        ("floating_star", "*ABC1*"),
        ("exact", stored.as_str()),
    ] {
        let term = PlateOrPattern::parse(pat, policy.pattern_limits()).expect("valid pattern");
        let all = DetectionQuery::new(term.clone());
        let mut win = DetectionQuery::new(term);
        win.from = month_from;
        win.to = Some(now);
        let mut rows = |q: &DetectionQuery| counting.search(&s, "c1", &request, q).expect("allowed").len();
        eprintln!(
            "search: {name}: {} rows; {} in the last 30 days",
            rows(&all),
            rows(&win)
        );
        for (bench, q) in [(name.to_owned(), &all), (format!("{name}_window_30d"), &win)] {
            g.bench_function(bench, |b| {
                b.iter_custom(|iters| {
                    let mut spent = Duration::ZERO;
                    let mut searcher = agency(&policy, now);
                    for i in 0..iters {
                        if i > 0 && i % SEARCHES_AN_AGENCY == 0 {
                            searcher = agency(&policy, now);
                        }
                        let t = Clock::now();
                        black_box(searcher.search(&s, "c1", &request, black_box(q)).expect("allowed"));
                        spent += t.elapsed();
                    }
                    spent
                });
            });
        }
    }
    g.finish();
    retro_hits(c, &s, &policy, now);
}

/// `retro_hits/*` (R-SEARCH-2): a new version of a 100,000-entry standard list (1,000 of its
/// plates are stored plates, the rest drawn like them) against the detections of the last 7 and
/// 30 days of the same store, one core, with the live matcher's default rules, run through an
/// agency (the list loaded as a CSV file by an administrator; each run decided and recorded
/// first). The window's plates come from the store's time index, so these cost in proportion to
/// the window.
fn retro_hits(c: &mut Criterion, s: &DetectionStore, policy: &Policy, now: alpr_core::time::Instant) {
    use alpr_core::agency::ListLoad;
    use alpr_core::hotlist::{Format, LoadOptions};
    use alpr_core::vocab::{Category, ListKind};
    use std::fmt::Write as _;
    let mut rng = Rng(0xB0B5_1DE5_0000_0001);
    // 1,000 stored plates: those of evenly spaced rows (the generator's rows are in no order).
    let stride = (s.len() / 1000).max(1);
    let mut seen: HashSet<Plate> = HashSet::new();
    let mut plates: Vec<Plate> = (0..s.len())
        .step_by(stride)
        .map(|r| s.row(u32::try_from(r).expect("rows fit u32")).plate)
        .filter(|p| seen.insert(*p))
        .take(1000)
        .collect();
    while plates.len() < 100_000 {
        let p = plate(&mut rng);
        if seen.insert(p) {
            plates.push(p);
        }
    }
    let mut csv = String::from("plate,category\n");
    for p in &plates {
        // Writing to a String cannot fail.
        let _ = writeln!(csv, "{p},stolen_vehicle");
    }
    let mut ag = agency(policy, now);
    let load = ListLoad {
        id: "SVS-NEW",
        kind: ListKind::Standard,
        priority: 10,
        source: "bench",
        format: Format::Csv,
        bytes: csv.as_bytes(),
        default_category: Some(Category::StolenVehicle),
        approver: None,
        options: LoadOptions::default(),
    };
    ag.load_list("admin", &load).expect("the list loads");
    let request = request();
    let mut g = c.benchmark_group("retro_hits");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    for days in [7u32, 30] {
        let hits = ag.retro_hits(s, "c1", &request, "SVS-NEW", days).expect("allowed");
        eprintln!("retro_hits: {days} days: {} hits", hits.len());
        g.bench_function(format!("list_100k_{days}d"), |b| {
            b.iter(|| {
                ag.retro_hits(s, "c1", &request, "SVS-NEW", black_box(days))
                    .expect("allowed")
            });
        });
    }
    g.finish();
}
