//! The `matching/*` and `ffi/*` comparisons in CPU time, interleaved, for a shared machine.
//!
//! Criterion's wall-clock medians on a machine whose load average is several times its core count
//! mostly measure the scheduler. This runs the same workloads (the `matching` bench's data: a
//! 1,000,000-plate list, its reads, 10,000 patterns) round-robin, each round timing every variant
//! over the same 819,200 reads (the probe 4 times; edits1 and edits1_batch: 409,600) by this thread's CPU time (`/proc/thread-self/schedstat`, which counts in scheduler ticks here, so a
//! round must be long), and
//! prints each variant's median per read and its ratio to the bare hashbrown probe measured in the
//! same rounds (and the C ABI against the Rust API).
//!
//! `cargo run --profile bench -p alpr-benches --example match_cpu [rounds]`; `ALPR_BENCH_ENTRIES`
//! scales the list down, `ALPR_ONLY=<n>` runs only the n-th variant (0 = the probe; for `perf`),
//! `ALPR_ONLY=5,6,7,8` only the C ABI pairs, `ALPR_ONLY=0,4,9` the edit-distance ones.
//! `ALPR_CLOCK=wall` times the rounds by the monotonic clock instead (not quantised, but a
//! round in which the thread was descheduled counts that time: read the paired medians).

#![allow(dead_code, clippy::cast_precision_loss)]

#[path = "../src/matching.rs"]
mod matching;

use std::hint::black_box;
use std::sync::Arc;

use alpr::{
    ALPR_FORMAT_CSV, ALPR_LIST_KIND_STANDARD, ALPR_ORIGIN_VEHICLE, alpr_hit, alpr_load_options_init, alpr_read,
    alpr_read_init, alpr_registry, alpr_registry_load_bytes, alpr_registry_match, alpr_registry_match_batch,
    alpr_registry_new, alpr_status,
};
use alpr_core::hotlist::{Format, ListMeta, ListVersion, Snapshot};
use alpr_core::matching::{Matcher, Read};
use alpr_core::registry::Registry;
use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::{Pattern, Plate, PlateOrPattern, Policy, time};

const NOW_MS: i64 = 1_795_800_000_000;
const CHUNK: usize = 4096;
const PER_ROUND: usize = 200 * CHUNK;
/// Reads a round of the edit-distance variants (4 and 9).
const EDITS_PER_ROUND: usize = PER_ROUND / 2;
/// Passes a round of the bare probe makes over its reads: the thread's CPU time counts in
/// scheduler ticks (4 ms here), so a round must last many of them (≈ 110 ms at 34 ns a read).
const PROBE_PASSES: usize = 4;

/// CPU time of this thread, nanoseconds (first field of schedstat); with `ALPR_CLOCK=wall`, the
/// monotonic time since the first call.
fn cpu_ns() -> u64 {
    static WALL: std::sync::OnceLock<Option<std::time::Instant>> = std::sync::OnceLock::new();
    if let Some(t0) =
        WALL.get_or_init(|| (std::env::var("ALPR_CLOCK").as_deref() == Ok("wall")).then(std::time::Instant::now))
    {
        return u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX);
    }
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn blank_hit() -> alpr_hit {
    // SAFETY: `alpr_hit` is plain C data, for which all-zero bytes are a valid value.
    unsafe { std::mem::zeroed() }
}

#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // Bench set-up: n, d, o, k, m, s, t are the usual names.
fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    // `ALPR_ONLY=<variant number>[,<n>…]` runs only those variants (one, for a profile; `5,6,7,8`
    // for the C ABI pairs).
    let only: Option<Vec<usize>> = std::env::var("ALPR_ONLY")
        .ok()
        .map(|s| s.split(',').filter_map(|v| v.trim().parse().ok()).collect());
    let n: usize = std::env::var("ALPR_BENCH_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let d = matching::data(n);
    let now = time::instant_from_unix_ms(NOW_MS).expect("time");
    let entries: Vec<_> = d
        .plates
        .iter()
        .map(|p| matching::entry(PlateOrPattern::Plate(p.parse::<Plate>().expect("plate"))))
        .collect();
    let default = Policy::sacramento();
    let edits = Policy {
        max_edits: 1,
        ..Policy::sacramento()
    };
    let plates_list = Arc::new(ListVersion::build(
        matching::meta("SVS", ListKind::Standard, now),
        entries,
        &edits,
    ));
    let pattern_entries: Vec<_> = d
        .patterns
        .iter()
        .map(|p| {
            matching::entry(PlateOrPattern::Pattern(
                Pattern::parse(p, default.pattern_limits()).expect("pattern"),
            ))
        })
        .collect();
    let patterns_list = Arc::new(ListVersion::build(
        matching::meta("OOI", ListKind::Special, now),
        pattern_entries,
        &default,
    ));
    let snap: Snapshot = Arc::new([("SVS".to_owned(), Arc::clone(&plates_list))].into_iter().collect());
    let snap_patterns: Snapshot = Arc::new(
        [
            ("SVS".to_owned(), Arc::clone(&plates_list)),
            ("OOI".to_owned(), Arc::clone(&patterns_list)),
        ]
        .into_iter()
        .collect(),
    );
    let m_default = Matcher::new(Arc::new(default.clone()));
    let m_edits = Matcher::new(Arc::new(edits));
    let set: hashbrown::HashSet<u64> = d
        .plates
        .iter()
        .map(|p| p.parse::<Plate>().expect("plate").packed())
        .collect();

    // The ffi bench's registries: the same CSV bytes into Rust and C.
    let mut csv = String::from("plate\n");
    for p in &d.plates {
        csv.push_str(p);
        csv.push('\n');
    }
    let rust = Registry::new(Policy::builtin());
    let meta = ListMeta {
        id: "SVS".to_owned(),
        kind: ListKind::Standard,
        priority: 10,
        loaded_at: now,
        source: String::new(),
        generated_at: None,
    };
    rust.load_file(Format::Csv, csv.as_bytes(), meta, Some(Category::StolenVehicle))
        .expect("the list loads");
    let mut reg: *const alpr_registry = std::ptr::null();
    // SAFETY: a valid out-pointer; NULL policy is the built-in one.
    assert_eq!(
        unsafe { alpr_registry_new(std::ptr::null(), &raw mut reg) },
        alpr_status::Ok
    );
    let mut o = alpr_load_options_init();
    o.id = b"SVS".as_ptr();
    o.id_len = 3;
    o.format = ALPR_FORMAT_CSV;
    o.kind = ALPR_LIST_KIND_STANDARD;
    o.priority = 10;
    o.loaded_at_ms = NOW_MS;
    o.category = b"stolen_vehicle".as_ptr();
    o.category_len = 14;
    // SAFETY: live registry, options and bytes valid for the call.
    let rc = unsafe { alpr_registry_load_bytes(reg, &raw const o, csv.as_ptr(), csv.len(), std::ptr::null_mut()) };
    assert_eq!(rc, alpr_status::Ok);
    drop(csv);

    let reads: Vec<Read<'_>> = d
        .reads
        .iter()
        .map(|p| Read {
            origin: Origin::Vehicle,
            ..Read::new(p, now)
        })
        .collect();
    let c_reads: Vec<alpr_read> = d
        .reads
        .iter()
        .map(|p| {
            let mut r = alpr_read_init();
            r.plate = p.as_ptr();
            r.plate_len = p.len();
            r.origin = ALPR_ORIGIN_VEHICLE;
            r.observed_at_ms = NOW_MS;
            r
        })
        .collect();
    let mut hits = (0..4 * CHUNK).map(|_| blank_hit()).collect::<Vec<_>>();
    let mut one: Vec<alpr_hit> = (0..16).map(|_| blank_hit()).collect();

    let names = [
        "hashbrown_probe",
        "default",
        "default_batch",
        "default+10k_patterns",
        "edits1",
        "ffi/single/rust",
        "ffi/single/c",
        "ffi/batch/rust",
        "ffi/batch/c",
        "edits1_batch",
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let span = d.reads.len().saturating_sub(PER_ROUND).max(1);
    for round in 0..rounds {
        let s = (round * PER_ROUND) % span;
        let strs = &d.reads[s..s + PER_ROUND];
        let rs = &reads[s..s + PER_ROUND];
        let cs = &c_reads[s..s + PER_ROUND];
        for (v, t) in times.iter_mut().enumerate() {
            if only.as_ref().is_some_and(|o| !o.contains(&v)) {
                t.push(1.0);
                continue;
            }
            let t0 = cpu_ns();
            let mut k = 0usize;
            match v {
                0 => {
                    for _ in 0..PROBE_PASSES {
                        for r in strs {
                            k += usize::from(
                                Plate::from_canonical(black_box(r).as_bytes())
                                    .is_some_and(|p| set.contains(&p.packed())),
                            );
                        }
                    }
                }
                1 => {
                    for r in strs {
                        k += m_default
                            .match_read(&snap, &Read::new(black_box(r), now), now)
                            .map_or(0, |h| h.len());
                    }
                }
                2 => {
                    for c in rs.chunks(CHUNK) {
                        k += m_default.match_batch(&snap, black_box(c), now).hits.len();
                    }
                }
                3 => {
                    for r in strs {
                        k += m_default
                            .match_read(&snap_patterns, &Read::new(black_box(r), now), now)
                            .map_or(0, |h| h.len());
                    }
                }
                4 => {
                    for r in &strs[..EDITS_PER_ROUND] {
                        k += m_edits
                            .match_read(&snap, &Read::new(black_box(r), now), now)
                            .map_or(0, |h| h.len());
                    }
                }
                5 => {
                    for r in rs {
                        k += rust.match_read(black_box(r), now).map_or(0, |h| h.len());
                    }
                }
                6 => {
                    for r in cs {
                        let mut m = 0usize;
                        // SAFETY: live registry; the read and the 16-slot buffer are valid.
                        let rc = unsafe {
                            alpr_registry_match(reg, black_box(r), NOW_MS, one.as_mut_ptr(), one.len(), &raw mut m)
                        };
                        debug_assert_eq!(rc, alpr_status::Ok);
                        k += m;
                    }
                }
                7 => {
                    for c in rs.chunks(CHUNK) {
                        k += rust.match_batch(black_box(c), now).hits.len();
                    }
                }
                9 => {
                    for c in rs[..EDITS_PER_ROUND].chunks(CHUNK) {
                        k += m_edits.match_batch(&snap, black_box(c), now).hits.len();
                    }
                }
                _ => {
                    for c in cs.chunks(CHUNK) {
                        let mut m = 0usize;
                        // SAFETY: live registry; reads and hits valid for their lengths.
                        let rc = unsafe {
                            alpr_registry_match_batch(
                                reg,
                                black_box(c.as_ptr()),
                                c.len(),
                                NOW_MS,
                                hits.as_mut_ptr(),
                                hits.len(),
                                &raw mut m,
                                std::ptr::null_mut(),
                            )
                        };
                        assert_eq!(rc, alpr_status::Ok);
                        k += m;
                    }
                }
            }
            black_box(k);
            let per = match v {
                0 => PROBE_PASSES * PER_ROUND,
                4 | 9 => EDITS_PER_ROUND,
                _ => PER_ROUND,
            };
            t.push((cpu_ns() - t0) as f64 / per as f64);
        }
    }
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let med: Vec<f64> = times.iter().map(|t| median(t)).collect();
    println!(
        "{rounds} rounds of {PER_ROUND} reads (probe: {PROBE_PASSES} passes; edits1 and edits1_batch: {EDITS_PER_ROUND}), CPU ns a read (median)"
    );
    for (i, name) in names.iter().enumerate() {
        let peer = match i {
            6 => format!("  C/Rust {:.3}", med[6] / med[5]),
            8 => format!("  C/Rust {:.3}", med[8] / med[7]),
            _ => String::new(),
        };
        println!("{name:24} {:8.1} ns  {:6.2}× probe{peer}", med[i], med[i] / med[0]);
    }
    println!(
        "patterns add {:.1} ns = {:.2} probes",
        med[3] - med[1],
        (med[3] - med[1]) / med[0]
    );
    // Per-round C/Rust ratios (paired), median: steadier than the ratio of medians.
    let paired = |a: usize, b: usize| {
        let r: Vec<f64> = times[a].iter().zip(&times[b]).map(|(x, y)| x / y).collect();
        median(&r)
    };
    println!(
        "paired medians: single C/Rust {:.3}, batch C/Rust {:.3}, default/probe {:.2}, batch/probe {:.2}, edits1/probe {:.2}, edits1_batch/probe {:.2}",
        paired(6, 5),
        paired(8, 7),
        paired(1, 0),
        paired(2, 0),
        paired(4, 0),
        paired(9, 0)
    );
    // Means over all rounds: a round's CPU time is counted in 4 ms ticks, so one round's value
    // (and a median of them) moves in steps of several percent, while the mean of many rounds
    // is not quantised (benches/README.md, C ABI session 8).
    let mean = |v: usize| times[v].iter().sum::<f64>() / times[v].len() as f64;
    println!(
        "means: single Rust {:.2} ns, C {:.2} ns, C/Rust {:.3}; batch Rust {:.2} ns, C {:.2} ns, C/Rust {:.3}",
        mean(5),
        mean(6),
        mean(6) / mean(5),
        mean(7),
        mean(8),
        mean(8) / mean(7)
    );
    // Per round: what the pattern list adds, in probes of the same round.
    let mut add: Vec<f64> = (0..times[0].len())
        .map(|r| (times[3][r] - times[1][r]) / times[0][r])
        .collect();
    add.sort_by(f64::total_cmp);
    println!("paired median: patterns add {:.2} probes", add[add.len() / 2]);
}
