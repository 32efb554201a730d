//! The registry of lists in force: the handle hot-list loading and matching share.

use crate::alpr_status;
use crate::boundary::{ffi_boundary, write_out};
use crate::handle::{Castable, arc_free, arc_into_ptr, arc_ref, box_free, box_into_ptr, box_ref};
use crate::policy::alpr_policy;

/// The set of hot lists in force, governed by one policy. May be used from multiple threads
/// simultaneously: loading a new version of a list replaces the old one atomically, and every
/// match sees either the whole old version or the whole new one (R-LIST-4). Free with
/// `alpr_registry_free`.
pub struct alpr_registry {
    _private: [u8; 0],
}

impl Castable for alpr_registry {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = alpr_core::hotlist::Registry;
}

/// A new, empty registry governed by `policy` (NULL for the built-in `sacramento-525.08`). The
/// registry keeps its own reference to the policy.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER` when `registry_out` is NULL.
///
/// # Safety
/// `policy` must be NULL or a live policy; `registry_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_new(
    policy: *const alpr_policy,
    registry_out: *mut *const alpr_registry,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on policy is passed on.
        let policy = unsafe { crate::workflow::policy_or_default(policy)? };
        let r = alpr_core::hotlist::Registry::new(policy);
        // SAFETY: the caller's guarantee on registry_out is passed on.
        unsafe { write_out(registry_out, arc_into_ptr(r), "registry_out") }
    })
}

/// The number of lists in force in `*count_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `count_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_list_count(
    registry: *const alpr_registry,
    count_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        // SAFETY: as above.
        unsafe { write_out(count_out, r.snapshot().len(), "count_out") }
    })
}

/// Releases a registry; NULL is a no-op. Lists in use by a running match stay alive until it
/// returns.
///
/// # Safety
/// `registry` must be NULL or a live registry, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_free(registry: *const alpr_registry) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(registry) } });
}

/// What a load did: the number of distinct entries kept, the duplicates folded, and each rejected
/// record with its position and code. Owned by the caller; free with `alpr_load_report_free`. Not
/// for concurrent use.
pub struct alpr_load_report {
    _private: [u8; 0],
}

impl Castable for alpr_load_report {
    type Ownership = crate::handle::OwnershipBox;
    type Rust = alpr_core::hotlist::LoadReport;
}

/// Loads a list given as JSON text — `{"id", "kind", "priority", "loaded_at", "source"?,
/// "entries": [{"plate" | "pattern", "jurisdiction"?, "plate_type"?, "category"?, …}]}` — validates
/// it with the registry's policy and, if the load as a whole succeeds, puts it in force in place of
/// the previous version of the same id (atomically for concurrent matches). `*report_out` (when not
/// NULL) receives the load report on `ALPR_STATUS_OK`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_TOO_MANY_REJECTED` (the previous version stays in force);
/// `ALPR_STATUS_INVALID_ARGUMENT` for JSON that is not such a list (`alpr_last_error_position`
/// gives line and column); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `json` must point to `json_len` readable bytes;
/// `report_out` must be NULL or valid for writes. Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_load_json(
    registry: *const alpr_registry,
    json: *const u8,
    json_len: usize,
    report_out: *mut *mut alpr_load_report,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        // SAFETY: as above.
        let text = unsafe { crate::boundary::str_in(json, json_len)? };
        let list = alpr_core::hotlist::RawList::from_json(text)?;
        let report = r.load(list.meta, &list.entries)?;
        if !report_out.is_null() {
            // SAFETY: non-NULL and valid for writes per the contract.
            unsafe { write_out(report_out, box_into_ptr(report), "report_out")? };
        }
        Ok(())
    })
}

/// The counts of a load report: distinct entries accepted, duplicates merged, records rejected.
/// Each out-pointer may be NULL.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER` when `report` is NULL.
///
/// # Safety
/// `report` must be a live report; each out-pointer NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_load_report_counts(
    report: *const alpr_load_report,
    accepted_out: *mut usize,
    merged_out: *mut usize,
    rejected_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let rep = unsafe { box_ref(report, "report")? };
        for (out, v) in [
            (accepted_out, rep.accepted),
            (merged_out, rep.merged),
            (rejected_out, rep.rejected.len()),
        ] {
            if !out.is_null() {
                // SAFETY: non-NULL and valid for writes per the contract.
                unsafe { out.write(v) };
            }
        }
        Ok(())
    })
}

/// The `i`-th rejected record (in input order): its code (an `alpr_status` value) and position.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` when `i` is out of range;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `report` must be a live report; `code_out` and `position_out` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_load_report_rejected(
    report: *const alpr_load_report,
    i: usize,
    code_out: *mut u32,
    position_out: *mut crate::error::alpr_position,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let rep = unsafe { box_ref(report, "report")? };
        let rej = rep.rejected.get(i).ok_or_else(|| {
            alpr_core::Error::new(alpr_core::Code::InvalidArgument).with_detail("rejection index out of range")
        })?;
        if code_out.is_null() || position_out.is_null() {
            return Err(crate::error::FfiError::null("code_out or position_out"));
        }
        // SAFETY: both checked non-NULL and valid for writes per the contract.
        unsafe {
            code_out.write(rej.code.number());
            position_out.write(rej.position.into());
        }
        Ok(())
    })
}

/// Frees a load report; NULL is a no-op.
///
/// # Safety
/// `report` must be NULL or a live report, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_load_report_free(report: *mut alpr_load_report) {
    // SAFETY: the caller gives back the report it owned.
    ffi_boundary!(default = (), { unsafe { box_free(report) } });
}
