//! `hotlist/*`: parse + validate + index a 1,000,000-entry CSV (`csv_1m`: 9 columns; `csv2_1m`:
//! the 2-column list of `benches/peers/py_peers.py`) and a 1,000,000-record CLEW file, on one
//! core; `hotlist/tokenize_csv_1m/*`: the CSV's tokenizer against the `csv` crate's; and `hotlist/load_file_edits1_*`: a registry under `max_edits = 1` loading a
//! 200,000-entry CSV through `Registry::load_file` (the C and Python load path), then matching
//! reads against it — a version indexed for another policy would make every read rebuild its
//! index (issue 14). Memory is measured by the `hotlist_mem` example and `benches/mem/` (a
//! counting allocator would slow every other benchmark).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput};

use alpr_core::Policy;
use alpr_core::hotlist::{Format, load_bytes};
use alpr_core::matching::Read;
use alpr_core::registry::Registry;
use alpr_core::vocab::Category;

use crate::hotlist_data as data;

const N: u64 = 1_000_000;

pub(crate) fn define(c: &mut Criterion) {
    let policy = Policy::sacramento();
    let mut g = c.benchmark_group("hotlist");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(N));
    for (name, format, bytes) in [
        ("csv_1m", Format::Csv, data::csv(N)),
        ("csv2_1m", Format::Csv, data::csv2(N)),
        ("clew_1m", Format::CaDojClew, data::clew(N)),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let (v, r) = load_bytes(
                    format,
                    black_box(&bytes),
                    data::meta(),
                    Some(Category::StolenVehicle),
                    &policy,
                )
                .expect("bench file loads");
                assert_eq!(r.accepted as u64, N);
                v
            });
        });
    }
    g.finish();
    define_tokenize(c);
    define_policy_load(c);
}

/// `hotlist/tokenize_csv_1m/*`: the 9-column CSV tokenized alone, by alpr's tokenizer (as a load
/// splits records: the file decoded as UTF-8, each record's fields borrowed from it) and by the
/// `csv` crate's reader into one reused `ByteRecord` (after the same UTF-8 check), counting
/// records and fields.
fn define_tokenize(c: &mut Criterion) {
    let bytes = data::csv(N);
    let mut g = c.benchmark_group("hotlist");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    let want = (N as usize + 1, (N as usize + 1) * 9);
    g.bench_function("tokenize_csv_1m/alpr", |b| {
        b.iter(|| {
            let got = alpr_core::hotlist::tokenize_csv(black_box(&bytes)).expect("bench file is UTF-8");
            assert_eq!(got, want);
            got
        });
    });
    g.bench_function("tokenize_csv_1m/csv_crate", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(&bytes)).expect("bench file is UTF-8");
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut record = csv::ByteRecord::new();
            let (mut records, mut fields) = (0, 0);
            while reader.read_byte_record(&mut record).expect("bench file parses") {
                records += 1;
                fields += record.len();
            }
            assert_eq!((records, fields), want);
            (records, fields)
        });
    });
    g.finish();
}

/// `load_file` under a non-default matching policy, then matches: the load and the reads after it.
fn define_policy_load(c: &mut Criterion) {
    const ENTRIES: u64 = 200_000;
    const READS: u64 = 1_000;
    let policy = Arc::new(Policy {
        max_edits: 1,
        ..Policy::sacramento()
    });
    let bytes = data::csv(ENTRIES);
    let now = data::meta().loaded_at;
    // Half the reads are list plates, half one substitution away from one.
    let texts: Vec<String> = (0..READS)
        .map(|i| {
            let mut p = data::plate(i * 97);
            if i % 2 == 1 {
                p[3] = if p[3] == b'Q' { b'R' } else { b'Q' };
            }
            String::from_utf8_lossy(&p).into_owned()
        })
        .collect();
    let load = |reg: &Registry| {
        reg.load_file(Format::Csv, &bytes, data::meta(), Some(Category::StolenVehicle))
            .expect("bench file loads")
    };
    let mut g = c.benchmark_group("hotlist");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(ENTRIES));
    g.bench_function("load_file_edits1_200k_then_1k_reads", |b| {
        b.iter(|| {
            let reg = Registry::new(Arc::clone(&policy));
            load(&reg);
            let hits: usize = texts
                .iter()
                .map(|t| reg.match_read(&Read::new(t, now), now).expect("read normalizes").len())
                .sum();
            black_box(hits)
        });
    });
    g.throughput(Throughput::Elements(READS));
    let reg = Registry::new(Arc::clone(&policy));
    load(&reg);
    g.bench_function("load_file_edits1_200k_1k_reads_after", |b| {
        b.iter(|| {
            let hits: usize = texts
                .iter()
                .map(|t| {
                    reg.match_read(&Read::new(black_box(t), now), now)
                        .expect("read normalizes")
                        .len()
                })
                .sum();
            assert!(hits >= texts.len() / 2, "every list plate hits");
            hits
        });
    });
    g.finish();
}
