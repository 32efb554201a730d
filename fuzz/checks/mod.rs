//! The properties the fuzz targets check, one module per target. Each `run` takes the raw fuzz
//! input and panics on a property violation (a crash, a disagreement with the oracle or model).
//!
//! This tree is included by path (`#[path = ".../fuzz/checks/mod.rs"]`) into every fuzz target
//! (nightly, cargo-fuzz) and into the stable replay test `alpr-ffi/tests/fuzz_regressions.rs`,
//! so a regression file is replayed through exactly the logic that found it. It depends only on
//! `alpr-core`, `alpr` (the C ABI crate), `arbitrary` and `serde_json`.

pub(crate) mod audit_verify;
pub(crate) mod ffi_bytes;
pub(crate) mod ffi_registry;
pub(crate) mod matcher;
pub(crate) mod normalize;
pub(crate) mod parsers;
pub(crate) mod patterns;
pub(crate) mod policy;
pub(crate) mod workflow;

/// A target's check: panics when the input breaks a property.
pub(crate) type Check = fn(&[u8]);

/// Every target by name (the directory names under `fuzz/regressions/` and `fuzz/seeds/`), with
/// its check.
pub(crate) const TARGETS: &[(&str, Check)] = &[
    ("normalize", normalize::run),
    ("patterns", patterns::run),
    ("parse_csv", parsers::run_csv),
    ("parse_ca_doj_clew", parsers::run_clew),
    ("parse_ncic_extract", parsers::run_ncic),
    ("policy_json", policy::run_json),
    ("policy_toml", policy::run_toml),
    ("policy_overrides", policy::run_overrides),
    ("audit_verify", audit_verify::run),
    ("workflow", workflow::run),
    ("matcher", matcher::run),
    ("ffi_bytes", ffi_bytes::run),
    ("ffi_registry", ffi_registry::run),
];

/// The fuzz input as text (invalid UTF-8 replaced, so every input exercises the parser).
pub(crate) fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}
