//! `retention/*` and `audit/*`: the purge plan over ten million records, audit append and verify.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};

use alpr_core::Policy;
use alpr_core::audit::{AuditLog, AuditRecord, MemoryStore, Outcome};
use alpr_core::retention::{PlanRecord, RetentionRules};
use alpr_core::time::{Instant, parse_instant};
use roaring::RoaringTreemap;

/// A deterministic xorshift generator (no downloaded data, no RNG crate).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn now() -> Instant {
    parse_instant("2026-11-28T12:00:00-08:00").expect("valid time")
}

/// `n` detections captured uniformly over the last three years (so about a third are due), ids
/// ascending as a store's row ids are, and `holds` random ids.
fn records(n: u64, holds: u64) -> (RetentionRules, Vec<PlanRecord>, RoaringTreemap) {
    let rules = RetentionRules::from_policy(&Policy::sacramento());
    let detection = rules.class("detection").expect("built-in class");
    let span_ms = 3 * 365 * 86_400_000i64;
    let start = now().timestamp_millis() - span_ms;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let recs = (0..n)
        .map(|id| PlanRecord {
            id,
            class: detection,
            captured_at: chrono::DateTime::from_timestamp_millis(
                start + (rng.next() % span_ms.cast_unsigned()).cast_signed(),
            )
            .expect("in range"),
        })
        .collect();
    let holds = (0..holds).map(|_| rng.next() % n).collect();
    (rules, recs, holds)
}

fn record(i: u64) -> AuditRecord {
    let mut r = AuditRecord::new(now(), "u00042", "SPD", "query_detections", Outcome::Allow);
    r.purpose = Some("stolen_vehicle".to_owned());
    r.case_number = i.is_multiple_of(2).then(|| "26-004211".to_owned());
    r.query_terms = Some("7AB?12*".to_owned());
    r
}

pub(crate) fn define(c: &mut Criterion) {
    let n = 10_000_000u64;
    let (rules, recs, holds) = records(n, 10_000);
    let reference = rules.plan(&recs, &holds, now());
    let bitmap_bytes =
        reference.due.serialized_size() + reference.held.serialized_size() + reference.eligible.serialized_size();
    eprintln!(
        "retention/plan: {} bytes/record input, {:.3} bytes/record for the result bitmaps (due {}, held {})",
        size_of::<PlanRecord>(),
        bitmap_bytes as f64 / n as f64,
        reference.due.len(),
        reference.held.len()
    );
    let mut g = c.benchmark_group("retention");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(n));
    g.bench_function("plan/10000000/10000_holds", |b| {
        b.iter(|| {
            let p = rules.plan(black_box(&recs), black_box(&holds), now());
            assert_eq!(p.due.len(), reference.due.len());
            p
        });
    });
    g.finish();
    drop(recs);

    let mut g = c.benchmark_group("audit");
    let batch = 10_000u64;
    let prepared: Vec<AuditRecord> = (0..batch).map(record).collect();
    g.throughput(Throughput::Elements(batch));
    g.bench_function("append/memory/10000", |b| {
        b.iter_batched(
            || prepared.clone(),
            |rs| {
                let mut log = AuditLog::open(MemoryStore::new()).expect("empty store opens");
                for r in rs {
                    log.append(r).expect("memory append");
                }
                assert_eq!(log.head().sequence, batch);
                log
            },
            criterion::BatchSize::LargeInput,
        );
    });
    let verify_n = 100_000u64;
    let mut log = AuditLog::open(MemoryStore::new()).expect("empty store opens");
    for i in 0..verify_n {
        log.append(record(i)).expect("memory append");
    }
    let head = log.head();
    g.throughput(Throughput::Elements(verify_n));
    g.bench_function("verify/memory/100000", |b| {
        b.iter(|| {
            let h = log.verify(Some(black_box(&head))).expect("chain holds");
            assert_eq!(h, head);
            h
        });
    });
    g.finish();
}
