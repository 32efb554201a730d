//! Integration tests of `alpr-core`: the conformance vectors through the Rust API, the malformed
//! input corpus, concurrent list swaps (two tests), the module layering of the crate.

mod concurrency;
mod conformance;
mod corpus;
mod hotlist_swap;
mod layers;
