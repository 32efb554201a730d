//! `ffi/*`: the C ABI's cost over the Rust API it wraps, in the same run (issue 12: the batch
//! call within 1.05× of the Rust batch, one read within 1.3× of the Rust single-read call).
//!
//! Data: the `matching` bench's 1,000,000 synthetic plates loaded as one CSV list into a Rust
//! `Registry` and, from the same bytes, into a C `alpr_registry` (the built-in policy: exact and
//! look-alike matching); reads rotate through its 1,000,000 reads (1% on the list, 0.5% one
//! look-alike away), `CHUNK` a timed iteration. Both sides take the same reads already built
//! (`Read` / `alpr_read`), so the difference is the binding: converting the read, copying hits
//! into the caller's `alpr_hit` array. `ALPR_BENCH_ENTRIES` scales the list down.

use std::cell::Cell;
use std::hint::black_box;

use criterion::{Criterion, Throughput};

use alpr::{
    ALPR_FORMAT_CSV, ALPR_LIST_KIND_STANDARD, ALPR_ORIGIN_VEHICLE, alpr_hit, alpr_load_options_init, alpr_read,
    alpr_read_init, alpr_registry, alpr_registry_free, alpr_registry_load_bytes, alpr_registry_match,
    alpr_registry_match_batch, alpr_registry_new, alpr_status,
};
use alpr_core::hotlist::{Format, ListMeta};
use alpr_core::matching::Read;
use alpr_core::registry::Registry;
use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::{Policy, time};

const CHUNK: usize = 4096;

/// An empty hit slot for the caller's array.
fn blank_hit() -> alpr_hit {
    // SAFETY: `alpr_hit` is plain C data (integers and byte arrays), for which all-zero bytes are
    // a valid value.
    unsafe { std::mem::zeroed() }
}
const NOW_MS: i64 = 1_795_800_000_000;

#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // Bench set-up: c, n, d, g, b, o are the usual names.
pub(crate) fn define(c: &mut Criterion) {
    let n: usize = std::env::var("ALPR_BENCH_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let d = crate::matching::data(n);
    let mut csv = String::from("plate\n");
    for p in &d.plates {
        csv.push_str(p);
        csv.push('\n');
    }
    let now = time::instant_from_unix_ms(NOW_MS).expect("a time in range");

    // The Rust registry.
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
        .expect("the bench list loads");

    // The C registry, from the same bytes.
    let mut reg: *const alpr_registry = std::ptr::null();
    // SAFETY: a valid out-pointer; NULL policy is the built-in one.
    assert_eq!(
        unsafe { alpr_registry_new(std::ptr::null(), &raw mut reg) },
        alpr_status::Ok
    );
    let mut o = alpr_load_options_init();
    o.format = ALPR_FORMAT_CSV;
    o.id = b"SVS".as_ptr();
    o.id_len = 3;
    o.kind = ALPR_LIST_KIND_STANDARD;
    o.priority = 10;
    o.loaded_at_ms = NOW_MS;
    o.category = b"stolen_vehicle".as_ptr();
    o.category_len = 14;
    // SAFETY: live registry, options and bytes valid for the call; no report wanted.
    let rc = unsafe { alpr_registry_load_bytes(reg, &raw const o, csv.as_ptr(), csv.len(), std::ptr::null_mut()) };
    assert_eq!(rc, alpr_status::Ok);

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
    // Both sides must agree before either is timed.
    let rust_hits: usize = reads[..CHUNK]
        .iter()
        .map(|r| rust.match_read(r, now).map_or(0, |h| h.len()))
        .sum();
    let mut hits = (0..4 * CHUNK).map(|_| blank_hit()).collect::<Vec<_>>();
    let mut hits_n = 0usize;
    // SAFETY: live registry; reads and hits valid for their lengths.
    let rc = unsafe {
        alpr_registry_match_batch(
            reg,
            c_reads.as_ptr(),
            CHUNK,
            NOW_MS,
            hits.as_mut_ptr(),
            hits.len(),
            &raw mut hits_n,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, alpr_status::Ok);
    assert_eq!(hits_n, rust_hits, "the C ABI and the Rust API disagree");

    let mut g = c.benchmark_group("ffi");
    g.throughput(Throughput::Elements(CHUNK as u64));
    let span = reads.len().saturating_sub(CHUNK).max(1);
    let at = Cell::new(0usize);
    let next = || {
        let s = at.get();
        at.set((s + CHUNK) % span);
        s
    };
    g.bench_function("single/rust", |b| {
        b.iter(|| {
            let s = next();
            let mut n = 0;
            for r in &reads[s..s + CHUNK] {
                n += black_box(rust.match_read(black_box(r), now)).map_or(0, |h| h.len());
            }
            n
        });
    });
    let mut one: Vec<alpr_hit> = (0..16).map(|_| blank_hit()).collect();
    g.bench_function("single/c", |b| {
        b.iter(|| {
            let s = next();
            let mut n = 0;
            for r in &c_reads[s..s + CHUNK] {
                let mut k = 0usize;
                // SAFETY: live registry; the read and the 16-slot buffer are valid.
                let rc =
                    unsafe { alpr_registry_match(reg, black_box(r), NOW_MS, one.as_mut_ptr(), one.len(), &raw mut k) };
                debug_assert_eq!(rc, alpr_status::Ok);
                n += k;
            }
            n
        });
    });
    g.bench_function("batch/rust", |b| {
        b.iter(|| {
            let s = next();
            black_box(rust.match_batch(black_box(&reads[s..s + CHUNK]), now))
                .hits
                .len()
        });
    });
    g.bench_function("batch/c", |b| {
        b.iter(|| {
            let s = next();
            let mut k = 0usize;
            // SAFETY: live registry; reads and hits valid for their lengths.
            let rc = unsafe {
                alpr_registry_match_batch(
                    reg,
                    black_box(c_reads[s..].as_ptr()),
                    CHUNK,
                    NOW_MS,
                    hits.as_mut_ptr(),
                    hits.len(),
                    &raw mut k,
                    std::ptr::null_mut(),
                )
            };
            assert_eq!(rc, alpr_status::Ok);
            k
        });
    });
    g.finish();
    // SAFETY: the registry is not used again.
    unsafe { alpr_registry_free(reg) };
}
