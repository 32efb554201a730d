//! Version queries.

use std::ffi::c_char;

use crate::boundary::ffi_boundary;

const VERSION_CSTR: &std::ffi::CStr =
    match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("the version has no NUL"),
    };

/// The library version, e.g. `"0.1.0"`: static NUL-terminated text, never freed. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_version_string() -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { VERSION_CSTR.as_ptr() })
}

/// The library version as `MAJOR * 10000 + MINOR * 100 + PATCH`, to compare with the header's
/// `ALPR_VERSION_NUMBER` at run time. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_version_number() -> u32 {
    ffi_boundary!(default = 0, { version_number() })
}

pub(crate) fn version_number() -> u32 {
    let part = |s: &str| s.parse::<u32>().unwrap_or(0);
    part(env!("CARGO_PKG_VERSION_MAJOR")) * 10_000
        + part(env!("CARGO_PKG_VERSION_MINOR")) * 100
        + part(env!("CARGO_PKG_VERSION_PATCH"))
}
