//! Integration tests of `alpr-core`: the conformance vectors through the Rust API, the malformed
//! hot-list corpus, concurrent list swaps.

mod conformance;
mod hotlist_corpus;
mod hotlist_swap;
