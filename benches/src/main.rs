//! The benchmarks of alpr: one criterion binary, one module a subsystem.

use criterion::Criterion;

mod matching;
mod normalize;
mod workflow;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    normalize::define(&mut c);
    workflow::define(&mut c);
    matching::define(&mut c);
    c.final_summary();
}
