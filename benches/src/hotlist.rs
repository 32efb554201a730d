//! `hotlist/*`: parse + validate (+ index, once the matcher builds one in `ListVersion::new`) a
//! 1,000,000-entry CSV and a 1,000,000-record CLEW file, on one core. Memory is measured by the
//! `hotlist_mem` example (a counting allocator would slow every other benchmark).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};

use alpr_core::Policy;
use alpr_core::hotlist::{Format, load_bytes};
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
}
