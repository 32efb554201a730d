//! Integration tests of `alpr-core`: the conformance vectors through the Rust API, the malformed
//! hot-list corpus, concurrent list swaps, the module layering of the crate, a day of the order
//! through the agency context.

mod agency_day;
mod conformance;
mod hotlist_corpus;
mod hotlist_swap;
mod json_errors;
mod layers;
