//! Integration tests of the C ABI through the rlib: conformance vectors and hostile input.

mod abi;
mod agency;
mod batch;
mod conformance;
mod errors;
mod header_vocab;
