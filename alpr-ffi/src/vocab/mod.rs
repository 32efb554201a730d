//! The vocabulary numbers of the C ABI (`ALPR_FORMAT_*`, `ALPR_LIST_KIND_*`, …) and their
//! static names (`alpr_tier_str`, …). The numbers and name tables are generated from the core's
//! `vocab!` enums into `numbers.rs` (`make header`); `tests/header_vocab.rs` checks every name and
//! number in `include/alpr.h` against the core's vocabularies.

use std::ffi::{CStr, c_char};

use crate::boundary::ffi_boundary;

mod numbers;
pub use numbers::*;

fn name_of(names: &[&'static CStr], value: u32) -> *const c_char {
    names.get(value as usize).map_or(std::ptr::null(), |c| c.as_ptr())
}

/// The snake_case name of an `ALPR_MATCH_KIND_*` value (`exact`, `confusable`, `edit`, `pattern`).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_match_kind_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(MATCH_KIND_NAMES, value) })
}

/// The snake_case name of an `ALPR_TIER_*` value (`strong`, `moderate`, `weak`).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_tier_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(TIER_NAMES, value) })
}

/// The snake_case name of an `ALPR_JURISDICTION_*` outcome (`match`, `unknown`, `mismatch`).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_jurisdiction_outcome_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), {
        name_of(JURISDICTION_OUTCOME_NAMES, value)
    })
}

/// The snake_case name of an `ALPR_ORIGIN_*` value (`vehicle`, `fixed`, `desktop`).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_origin_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(ORIGIN_NAMES, value) })
}

/// The snake_case name of an `ALPR_LIST_KIND_*` value.
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_list_kind_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(LIST_KIND_NAMES, value) })
}

/// The snake_case name of an `alpr_hit.category` value (`stolen_vehicle`, …).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_category_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(CATEGORY_NAMES, value) })
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use alpr_core::matching::{JurisdictionOutcome, MatchKind, Tier};
    use alpr_core::vocab::{Category, Origin};

    use super::*;

    #[test]
    fn name_tables_follow_the_core_vocabularies() {
        fn same<T: Copy>(all: &[T], names: &[&CStr], name: fn(T) -> &'static str) {
            assert_eq!(all.len(), names.len());
            for (v, c) in all.iter().zip(names) {
                assert_eq!(name(*v), c.to_str().unwrap());
            }
        }
        same(MatchKind::ALL, MATCH_KIND_NAMES, MatchKind::as_str);
        same(Tier::ALL, TIER_NAMES, Tier::as_str);
        same(
            JurisdictionOutcome::ALL,
            JURISDICTION_OUTCOME_NAMES,
            JurisdictionOutcome::as_str,
        );
        same(Origin::ALL, ORIGIN_NAMES, Origin::as_str);
        same(
            alpr_core::vocab::ListKind::ALL,
            LIST_KIND_NAMES,
            alpr_core::vocab::ListKind::as_str,
        );
        same(Category::ALL, CATEGORY_NAMES, Category::as_str);
        assert_eq!(MatchKind::ALL[ALPR_MATCH_KIND_PATTERN as usize], MatchKind::Pattern);
        assert_eq!(Tier::ALL[ALPR_TIER_WEAK as usize], Tier::Weak);
        assert_eq!(
            JurisdictionOutcome::ALL[ALPR_JURISDICTION_MISMATCH as usize],
            JurisdictionOutcome::Mismatch
        );
        assert_eq!(Origin::ALL[ALPR_ORIGIN_DESKTOP as usize], Origin::Desktop);
        assert_eq!(
            alpr_core::vocab::ListKind::ALL[ALPR_LIST_KIND_COVERT as usize],
            alpr_core::vocab::ListKind::Covert
        );
    }
}
