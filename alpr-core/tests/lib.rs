//! Integration tests of `alpr-core`: the conformance vectors through the Rust API, the malformed
//! input corpus, concurrent list swaps (two tests), the module layering of the crate, the JSON
//! parsers' messages, a day of the order through the agency context.

mod agency_day;
mod concurrency;
mod conformance;
mod corpus;
mod hotlist_swap;
mod json_errors;
mod layers;
