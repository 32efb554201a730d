//! `normalize/*`: raw text to a packed plate.

use std::hint::black_box;

use criterion::{Criterion, Throughput};

pub(crate) fn define(c: &mut Criterion) {
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Elements(1));
    for (name, raw) in [
        ("canonical", "7ABC123"),
        ("separators", " 7abc-123 "),
        ("folded", "７ＡＢＣ１２３"),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let n = alpr_core::normalize(black_box(raw)).expect("sample normalizes");
                assert_eq!(n.plate.len(), 7);
                n
            });
        });
    }
    g.finish();
}
