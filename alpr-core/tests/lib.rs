//! Integration tests of `alpr-core`: the conformance vectors through the Rust API, the malformed
//! hot-list corpus, concurrent list swaps, the module layering of the crate.

mod conformance;
mod corpus;
mod hotlist_swap;
mod layers;
