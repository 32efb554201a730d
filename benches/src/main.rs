//! The benchmarks of alpr: one criterion binary, one module a subsystem.

use criterion::Criterion;

mod normalize;
mod search;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    normalize::define(&mut c);
    search::define(&mut c);
    c.final_summary();
}
