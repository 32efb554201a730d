//! The stable C ABI of `alpr`: a thin skin over `alpr-core` for vendor camera SDKs and VMS
//! software in C and C++. The header `include/alpr.h` is generated from this crate by a pinned
//! cbindgen and committed; it is the primary documentation of the ABI.
//!
//! # Conventions
//!
//! - Every function returns an `alpr_status` (`ALPR_STATUS_OK` = 0) unless documented otherwise.
//! - Strings in are `const uint8_t *ptr, size_t len`, validated as UTF-8
//!   (`ALPR_STATUS_INVALID_UTF8`); a NULL pointer is accepted only with length 0.
//! - Strings out are copied, NUL-terminated, into caller buffers; `*out_n` receives the length
//!   without the NUL, also when the buffer is too small (`ALPR_STATUS_INSUFFICIENT_SIZE`), so a
//!   caller can retry with `*out_n + 1` bytes.
//! - Other outputs are written only on `ALPR_STATUS_OK`.
//! - Required pointers (handles, out-pointers, count pointers, arrays with a capacity) are checked
//!   before any input is parsed and before anything is built: a NULL one is
//!   `ALPR_STATUS_NULL_PARAMETER` whatever else is wrong, and nothing leaks.
//! - Plain input structs have an initializer (`alpr_read_init`, `alpr_load_options_init`) that
//!   sets every optional field to "unknown"; use it, then set the fields you know.
//! - A panic inside the library never unwinds into C: it returns `ALPR_STATUS_PANIC`.
//! - The library never writes to stdout or stderr; diagnostics go to `alpr_set_log_callback`.
//! - `alpr_last_error_message` copies the calling thread's last failure detail; reading it (also
//!   a failed read) never changes it.
//! - Times cross as `int64_t` Unix milliseconds.
#![allow(non_camel_case_types)]
#![deny(missing_docs)]

// One module per C type (as rustls-ffi): `registry.rs` holds every `alpr_registry_*`.
pub mod access;
pub mod agency;
pub mod audit_log;
mod boundary;
pub mod detection_store;
pub mod error;
mod handle;
pub mod hit;
pub mod hit_case;
pub mod hit_workflow;
pub mod hot_plate;
pub mod id_list;
pub mod load_report;
pub mod log;
pub mod ops;
pub mod plate;
pub mod policy;
pub mod purge_plan;
pub mod registry;
pub mod retro_hits;
pub mod sharing;
pub mod text;
pub mod version;
pub mod vocab;

pub use error::alpr_status;

// The whole C ABI also at the crate root, as the header has it (for Rust callers: examples,
// tests, benches).
pub use crate::{
    access::*, agency::*, audit_log::*, detection_store::*, error::*, hit::*, hit_case::*, hit_workflow::*,
    hot_plate::*, id_list::*, load_report::*, log::*, ops::*, plate::*, policy::*, purge_plan::*, registry::*,
    retro_hits::*, sharing::*, text::*, version::*, vocab::*,
};
