//! `alpr_load_report`: what a hot-list load accepted and rejected.

use crate::alpr_status;
use crate::boundary::{ffi_boundary, write_out};
use crate::handle::{Castable, box_free, box_ref};

/// The file's generation time (the CLEW header) of a load report: `*has_out` is false when the
/// format has none (CSV, NCIC extract, JSON lists), and `*ms_out` is then 0.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `report` must be a live report; `has_out` and `ms_out` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_load_report_generated_at(
    report: *const alpr_load_report,
    has_out: *mut bool,
    ms_out: *mut i64,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let rep = unsafe { box_ref(report, "report")? };
        let g = rep.generated_at;
        // SAFETY: `has_out`, `ms_out`: valid as the `# Safety` section requires.
        unsafe {
            write_out(has_out, g.is_some(), "has_out")?;
            write_out(ms_out, g.map_or(0, |t| t.timestamp_millis()), "ms_out")
        }
    })
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
        crate::boundary::need(code_out, "code_out")?;
        crate::boundary::need(position_out, "position_out")?;
        let rej = rep.rejected.get(i).ok_or_else(|| {
            alpr_core::Error::new(alpr_core::Code::InvalidArgument).with_detail("rejection index out of range")
        })?;
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
