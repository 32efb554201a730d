//! The benchmarks of alpr: one criterion binary, one module a subsystem.

use criterion::Criterion;

mod governance;
mod normalize;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    normalize::define(&mut c);
    governance::define(&mut c);
    c.final_summary();
}
