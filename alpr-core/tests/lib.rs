//! Integration tests of `alpr-core`: the conformance vectors through the Rust API.

mod conformance;
