//! `matching/*`: raw read strings to explained hits against a 1,000,000-entry list, with the
//! peers measured in the same run (a bare `hashbrown` probe, `regex::RegexSet`, `fst` with a
//! Levenshtein automaton), and the index build.
//!
//! Data (deterministic seed): 1,000,000 synthetic US-style plates; 1,000,000 reads of which 1%
//! are list plates, 0.5% one look-alike away from one, 0.5% one edit away, the rest random plates;
//! 10,000 pattern entries (`7AB*123`, `?ABC12?` shapes). `ALPR_BENCH_ENTRIES` scales the list down
//! for a quick look.

use std::cell::Cell;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant as Clock};

use criterion::{BenchmarkId, Criterion, Throughput};

use alpr_core::hotlist::{Caution, Entry, ListMeta, ListVersion, Snapshot};
use alpr_core::index::{Index, IndexParams};
use alpr_core::matching::{Matcher, Read};
use alpr_core::vocab::{Category, ListKind};
use alpr_core::{Pattern, Plate, PlateOrPattern, Policy};

/// xorshift64*: deterministic, dependency-free.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn letter(&mut self) -> u8 {
        b"ABCDEFGHJKLMNPRSTUVWXYZ"[self.below(23)]
    }
    fn digit(&mut self) -> u8 {
        b'0' + self.below(10) as u8
    }
}

/// A US-style plate: California `1ABC234`, Texas/New York `ABC1234`, Florida `ABCD12`, older
/// `123ABC`.
pub(crate) fn us_plate(r: &mut Rng) -> String {
    let shape: &[u8] = match r.below(4) {
        0 => b"DLLLDDD",
        1 => b"LLLDDDD",
        2 => b"LLLLDD",
        _ => b"DDDLLL",
    };
    let bytes: Vec<u8> = shape
        .iter()
        .map(|&s| if s == b'D' { r.digit() } else { r.letter() })
        .collect();
    String::from_utf8(bytes).unwrap_or_default()
}

const CLASSES: &[&[u8]] = &[b"0ODQ", b"1I", b"2Z", b"5S", b"8B", b"6G"];

/// One look-alike substitution, if the plate has a character in a class.
fn lookalike(r: &mut Rng, p: &str) -> Option<String> {
    let mut b = p.as_bytes().to_vec();
    let spots: Vec<usize> = (0..b.len())
        .filter(|&i| CLASSES.iter().any(|c| c.contains(&b[i])))
        .collect();
    let i = *spots.get(r.below(spots.len().max(1)))?;
    let class = CLASSES.iter().find(|c| c.contains(&b[i]))?;
    let others: Vec<u8> = class.iter().copied().filter(|&c| c != b[i]).collect();
    b[i] = others[r.below(others.len())];
    String::from_utf8(b).ok()
}

/// One edit that is not a look-alike: a substitution by an unrelated character, an insertion or a
/// deletion.
fn one_edit(r: &mut Rng, p: &str) -> String {
    let mut b = p.as_bytes().to_vec();
    let i = r.below(b.len());
    match r.below(3) {
        0 => b[i] = if b[i] == b'X' { b'Y' } else { b'X' },
        1 => b.insert(i, b'K'),
        _ => {
            b.remove(i);
        }
    }
    String::from_utf8(b).unwrap_or_default()
}

pub(crate) struct Data {
    pub(crate) plates: Vec<String>,
    pub(crate) reads: Vec<String>,
    pub(crate) patterns: Vec<String>,
}

/// The bench data; `n` list entries and `n` reads.
pub(crate) fn data(n: usize) -> Data {
    let mut r = Rng(0x5eed_a1b2_c3d4_e5f6);
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut plates = Vec::with_capacity(n);
    while plates.len() < n {
        let p = us_plate(&mut r);
        if seen.insert(p.clone()) {
            plates.push(p);
        }
    }
    let reads = (0..n)
        .map(|_| {
            let roll = r.below(1000);
            let base = &plates[r.below(n)];
            match roll {
                0..=9 => base.clone(),
                10..=14 => lookalike(&mut r, base).unwrap_or_else(|| base.clone()),
                15..=19 => one_edit(&mut r, base),
                _ => us_plate(&mut r),
            }
        })
        .collect();
    let patterns = (0..10_000)
        .map(|i| {
            let p = us_plate(&mut r);
            let b = p.as_bytes();
            if i % 2 == 0 {
                // `7AB*123`: a prefix and a suffix around a star.
                format!("{}*{}", &p[..3], &p[p.len() - 3..])
            } else {
                // `?ABC12?`: wildcards at the ends.
                format!("?{}?", std::str::from_utf8(&b[1..b.len() - 1]).unwrap_or_default())
            }
        })
        .collect();
    Data {
        plates,
        reads,
        patterns,
    }
}

pub(crate) fn entry(key: PlateOrPattern) -> Entry {
    Entry {
        key,
        jurisdiction: None,
        plate_type: None,
        category: Category::StolenVehicle,
        record_id: None,
        incident_date: None,
        vehicle: None,
        expires_at: None,
        caution: Caution::default(),
        attributes: alpr_core::hotlist::Attributes::new(),
    }
}

pub(crate) fn meta(id: &str, kind: ListKind, now: alpr_core::time::Instant) -> ListMeta {
    ListMeta {
        id: id.to_owned(),
        kind,
        priority: 10,
        loaded_at: now,
        source: String::new(),
        generated_at: None,
    }
}

fn snapshot(lists: Vec<Arc<ListVersion>>) -> Snapshot {
    Arc::new(lists.into_iter().map(|l| (l.meta().id.clone(), l)).collect())
}

/// Runs `f` over the next `CHUNK` reads each iteration (rotating through all reads, so the
/// caches see the whole read set, not 4,096 hot ones).
const CHUNK: usize = 4096;

fn per_read<T>(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    reads: &[String],
    chunk: usize,
    mut f: impl FnMut(&str) -> T,
) {
    let at = Cell::new(0usize);
    c.throughput(Throughput::Elements(chunk as u64));
    c.bench_function(name, |b| {
        b.iter(|| {
            let start = at.get();
            at.set((start + chunk) % (reads.len() - chunk).max(1));
            for r in &reads[start..start + chunk] {
                black_box(f(black_box(r)));
            }
        });
    });
}

#[allow(clippy::many_single_char_names)] // Bench set-up: c, n, d, g, b are the usual names.
pub(crate) fn define(c: &mut Criterion) {
    let n: usize = std::env::var("ALPR_BENCH_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let t0 = Clock::now();
    let d = data(n);
    eprintln!(
        "matching: generated {n} plates, {n} reads, 10,000 patterns in {:?}",
        t0.elapsed()
    );
    let now = alpr_core::time::parse_instant("2026-11-28T12:00:00-08:00").expect("time");
    let entries: Vec<Entry> = d
        .plates
        .iter()
        .map(|p| entry(PlateOrPattern::Plate(p.parse::<Plate>().expect("plate"))))
        .collect();
    let default = Policy::sacramento();
    let edits = Policy {
        max_edits: 1,
        ..Policy::sacramento()
    };

    // Index build: time and memory, reported once here and timed by criterion below.
    for (name, policy) in [("default", &default), ("edits1", &edits)] {
        let t = Clock::now();
        let idx = Index::build(entries.iter().map(|e| &e.key), IndexParams::of(policy));
        let el = t.elapsed();
        eprintln!(
            "matching: index build {name}: {:?}, {} heap bytes = {:.1} bytes/entry",
            el,
            idx.heap_bytes(),
            idx.heap_bytes() as f64 / n as f64
        );
    }

    let plates_list = Arc::new(ListVersion::build(
        meta("SVS", ListKind::Standard, now),
        entries.clone(),
        &edits,
    ));
    let pattern_entries: Vec<Entry> = d
        .patterns
        .iter()
        .map(|p| {
            entry(PlateOrPattern::Pattern(
                Pattern::parse(p, default.pattern_limits()).expect("pattern"),
            ))
        })
        .collect();
    let patterns_list = Arc::new(ListVersion::build(
        meta("OOI", ListKind::Special, now),
        pattern_entries,
        &default,
    ));
    let snap = snapshot(vec![Arc::clone(&plates_list)]);
    let snap_patterns = snapshot(vec![Arc::clone(&plates_list), Arc::clone(&patterns_list)]);
    let m_default = Matcher::new(Arc::new(default.clone()));
    let m_edits = Matcher::new(Arc::new(edits.clone()));

    // Hit counts over all reads, so the mix is visible next to the timings.
    for (name, m, s) in [
        ("default", &m_default, &snap),
        ("edits1", &m_edits, &snap),
        ("default+patterns", &m_default, &snap_patterns),
    ] {
        let mut reads_hit = 0usize;
        let mut hits = 0usize;
        for r in d.reads.iter().take(100_000) {
            let h = m.match_read(s, &Read::new(r, now), now).expect("reads normalize");
            reads_hit += usize::from(!h.is_empty());
            hits += h.len();
        }
        eprintln!("matching: {name}: {reads_hit} of 100,000 reads hit, {hits} hits");
    }

    let set: hashbrown::HashSet<u64> = d
        .plates
        .iter()
        .map(|p| p.parse::<Plate>().expect("plate").packed())
        .collect();

    let mut g = c.benchmark_group("matching");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    per_read(&mut g, "hashbrown_probe", &d.reads, CHUNK, |r| {
        Plate::from_canonical(r.as_bytes()).is_some_and(|p| set.contains(&p.packed()))
    });
    per_read(&mut g, "default", &d.reads, CHUNK, |r| {
        m_default.match_read(&snap, &Read::new(r, now), now)
    });
    per_read(&mut g, "default+10k_patterns", &d.reads, CHUNK, |r| {
        m_default.match_read(&snap_patterns, &Read::new(r, now), now)
    });
    per_read(&mut g, "edits1", &d.reads, CHUNK, |r| {
        m_edits.match_read(&snap, &Read::new(r, now), now)
    });
    // Batch of 4,096 reads through match_batch (one allocation pattern for the whole batch),
    // rotating through all the reads as the per-read benches do: over a 65,536-read window (as
    // before session 7) the window's table lines stayed in the cache and flattered the batch.
    g.throughput(Throughput::Elements(CHUNK as u64));
    let reads: Vec<Read<'_>> = d.reads.iter().map(|r| Read::new(r, now)).collect();
    let at = Cell::new(0usize);
    g.bench_function("default_batch", |b| {
        b.iter(|| {
            let s = at.get();
            at.set((s + CHUNK) % (reads.len() - CHUNK));
            black_box(m_default.match_batch(&snap, &reads[s..s + CHUNK], now))
        });
    });
    // The same under `max_edits = 1`: probes of a block of reads overlapped.
    let at = Cell::new(0usize);
    g.bench_function("edits1_batch", |b| {
        b.iter(|| {
            let s = at.get();
            at.set((s + CHUNK) % (reads.len() - CHUNK));
            black_box(m_edits.match_batch(&snap, &reads[s..s + CHUNK], now))
        });
    });

    // Peers (subsampled: they are 100 to 100,000 times slower).
    let set_re = regex::RegexSetBuilder::new(d.patterns.iter().map(|p| {
        let body: String = p
            .chars()
            .map(|c| match c {
                '*' => ".*".to_owned(),
                '?' => ".".to_owned(),
                c => c.to_string(),
            })
            .collect();
        format!("^{body}$")
    }))
    .size_limit(1 << 30)
    .dfa_size_limit(1 << 30)
    .build()
    .expect("regex set");
    per_read(&mut g, "peer_regexset_10k_patterns", &d.reads, 64, |r| {
        set_re.matches(r).iter().count()
    });
    let mut sorted = d.plates.clone();
    sorted.sort_unstable();
    let fst_set = fst::Set::from_iter(sorted.iter()).expect("fst");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    per_read(&mut g, "peer_fst_levenshtein1", &d.reads, 8, |r| {
        use fst::{IntoStreamer, Streamer};
        let aut = fst::automaton::Levenshtein::new(r, 1).expect("automaton");
        let mut s = fst_set.search(aut).into_stream();
        let mut k = 0usize;
        while s.next().is_some() {
            k += 1;
        }
        k
    });
    g.finish();

    let mut b = c.benchmark_group("matching_build");
    b.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(8));
    for (name, policy) in [("default", &default), ("edits1", &edits)] {
        b.bench_with_input(BenchmarkId::new("index", name), policy, |bch, p| {
            bch.iter(|| Index::build(entries.iter().map(|e| &e.key), IndexParams::of(p)));
        });
    }
    b.finish();
}
