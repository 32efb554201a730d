//! The vocabulary numbers of the C ABI (`ALPR_FORMAT_*`, `ALPR_LIST_KIND_*`, …) and their
//! static names (`alpr_tier_str`, …). `tests/header_vocab.rs` checks every name and number in
//! `include/alpr.h` against the core's vocabularies.

use std::ffi::{CStr, c_char};

use crate::boundary::ffi_boundary;

/// Outcome `allow` of an audit record.
pub const ALPR_OUTCOME_ALLOW: u32 = 0;

/// Outcome `deny`.
pub const ALPR_OUTCOME_DENY: u32 = 1;

/// Outcome `needs_approval`.
pub const ALPR_OUTCOME_NEEDS_APPROVAL: u32 = 2;

/// Outcome `ok` (an operation carried out).
pub const ALPR_OUTCOME_OK: u32 = 3;

/// Outcome `failed`.
pub const ALPR_OUTCOME_FAILED: u32 = 4;

/// Sharing decision `allow`.
pub const ALPR_SHARE_ALLOW: u32 = 0;

/// Sharing decision `deny`.
pub const ALPR_SHARE_DENY: u32 = 1;

/// Sharing decision `needs_approval`.
pub const ALPR_SHARE_NEEDS_APPROVAL: u32 = 2;

/// CSV with a header row (`format` argument of the load functions).
pub const ALPR_FORMAT_CSV: u32 = 0;

/// CA DOJ CLEW fixed width (`svs.tbl`, `sfr.tbl`, `slr.tbl`).
pub const ALPR_FORMAT_CA_DOJ_CLEW: u32 = 1;

/// NCIC LPR extract, fixed width.
pub const ALPR_FORMAT_NCIC_EXTRACT: u32 = 2;
// The numbers above are literals because cbindgen cannot evaluate the core's; the build fails when
// they drift from it (`tests/header_vocab.rs` checks every name and number of the header too).
const _: () = {
    use alpr_core::hotlist::Format;
    assert!(ALPR_FORMAT_CSV == Format::Csv.number());
    assert!(ALPR_FORMAT_CA_DOJ_CLEW == Format::CaDojClew.number());
    assert!(ALPR_FORMAT_NCIC_EXTRACT == Format::NcicExtract.number());
    assert!(Format::ALL.len() == 3, "a new format needs its ALPR_FORMAT_* constant");
};

/// A `standard` list (CA DOJ / NCIC): `kind` argument of the load functions.
pub const ALPR_LIST_KIND_STANDARD: u32 = 0;

/// A `special` list (informational only).
pub const ALPR_LIST_KIND_SPECIAL: u32 = 1;

/// The officers' `hot_plate` list.
pub const ALPR_LIST_KIND_HOT_PLATE: u32 = 2;

/// A `covert` list.
pub const ALPR_LIST_KIND_COVERT: u32 = 3;

/// Match kind `exact`.
pub const ALPR_MATCH_KIND_EXACT: u32 = 0;

/// Match kind `confusable`.
pub const ALPR_MATCH_KIND_CONFUSABLE: u32 = 1;

/// Match kind `edit`.
pub const ALPR_MATCH_KIND_EDIT: u32 = 2;

/// Match kind `pattern`.
pub const ALPR_MATCH_KIND_PATTERN: u32 = 3;

/// Tier `strong`.
pub const ALPR_TIER_STRONG: u32 = 0;

/// Tier `moderate`.
pub const ALPR_TIER_MODERATE: u32 = 1;

/// Tier `weak`.
pub const ALPR_TIER_WEAK: u32 = 2;

/// Jurisdiction outcome `match`.
pub const ALPR_JURISDICTION_MATCH: u32 = 0;

/// Jurisdiction outcome `unknown`.
pub const ALPR_JURISDICTION_UNKNOWN: u32 = 1;

/// Jurisdiction outcome `mismatch`.
pub const ALPR_JURISDICTION_MISMATCH: u32 = 2;

/// Origin `vehicle` (a car-mounted unit).
pub const ALPR_ORIGIN_VEHICLE: u32 = 0;

/// Origin `fixed` (a POD or pole camera).
pub const ALPR_ORIGIN_FIXED: u32 = 1;

/// Origin `desktop` (TAS on a desk).
pub const ALPR_ORIGIN_DESKTOP: u32 = 2;

/// Static NUL-terminated names, in the order of each vocabulary's `ALL` (checked by a test).
const MATCH_KIND_NAMES: &[&CStr] = &[c"exact", c"confusable", c"edit", c"pattern"];

const TIER_NAMES: &[&CStr] = &[c"strong", c"moderate", c"weak"];

const OUTCOME_NAMES: &[&CStr] = &[c"match", c"unknown", c"mismatch"];

const ORIGIN_NAMES: &[&CStr] = &[c"vehicle", c"fixed", c"desktop"];

const LIST_KIND_NAMES: &[&CStr] = &[c"standard", c"special", c"hot_plate", c"covert"];

const CATEGORY_NAMES: &[&CStr] = &[
    c"stolen_vehicle",
    c"stolen_plate",
    c"felony_vehicle",
    c"wanted_person",
    c"missing_person",
    c"amber_alert",
    c"protection_order",
    c"supervised_release",
    c"sex_offender",
    c"violent_person",
    c"protective_interest",
    c"gang",
    c"terrorism",
    c"immigration_violator",
    c"investigation",
    c"other",
    c"gang_or_terrorist",
];

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
    ffi_boundary!(default = std::ptr::null(), { name_of(OUTCOME_NAMES, value) })
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
        same(JurisdictionOutcome::ALL, OUTCOME_NAMES, JurisdictionOutcome::as_str);
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
