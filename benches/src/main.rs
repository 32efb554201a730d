//! The benchmarks of alpr: one criterion binary, one module a subsystem.

use criterion::Criterion;

mod ffi;
mod governance;
mod hotlist;
mod hotlist_data;
mod matching;
mod normalize;
mod search;
mod workflow;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    normalize::define(&mut c);
    workflow::define(&mut c);
    hotlist::define(&mut c);
    search::define(&mut c);
    governance::define(&mut c);
    matching::define(&mut c);
    ffi::define(&mut c);
    c.final_summary();
}
