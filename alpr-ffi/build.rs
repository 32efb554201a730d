//! Build script of `alpr-ffi`: gives the shared library its SONAME.
//!
//! On ELF platforms `libalpr.so` is linked with `-soname libalpr.so.MAJOR` (the crate's major
//! version), so a program linked against it records `libalpr.so.0` and keeps loading any
//! ABI-compatible release installed as `libalpr.so.0.MINOR.PATCH` (README, "ABI policy"). The
//! flag applies to the cdylib only; the static library and the rlib are unaffected.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos" | "solaris"
    );
    if elf {
        let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libalpr.so.{major}");
    }
}
