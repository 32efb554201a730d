//! Operations (R-OPS-1…3) and public-records referrals (R-PRA-1): small checks with plain
//! arguments, or JSON in and JSON out where the input is a structure.

use std::collections::BTreeMap;

use alpr_core::{ops, records, time};

use crate::alpr_status;
use crate::boundary::{ffi_boundary, need, need_buf, str_in, str_out, write_out};
use crate::policy::{alpr_policy, policy_or_default};

/// Whether a device's inspection is due and overdue (R-OPS-1): `last_inspected` and `today` are
/// `YYYY-MM-DD` dates in the agency zone; overdue when the last inspection is more than the
/// policy's interval (3 calendar months) ago, due from the day it is exactly that.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_DATE`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be NULL or a live policy; the dates must point to their lengths in readable
/// bytes; `due_out` and `overdue_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_inspection_check(
    policy: *const alpr_policy,
    last_inspected: *const u8,
    last_inspected_len: usize,
    today: *const u8,
    today_len: usize,
    due_out: *mut bool,
    overdue_out: *mut bool,
) -> alpr_status {
    ffi_boundary!({
        need(due_out, "due_out")?;
        need(overdue_out, "overdue_out")?;
        // SAFETY: the caller's guarantees are passed on.
        let (last, today) = unsafe { (str_in(last_inspected, last_inspected_len)?, str_in(today, today_len)?) };
        let (last, today) = (time::parse_date(last)?, time::parse_date(today)?);
        // SAFETY: `policy`: valid as the `# Safety` section requires.
        let policy = unsafe { policy_or_default(policy)? };
        let i = ops::inspection(last, today, &policy);
        // SAFETY: both checked non-NULL above; valid for writes per the contract.
        unsafe {
            write_out(due_out, i.due, "due_out")?;
            write_out(overdue_out, i.overdue, "overdue_out")
        }
    })
}

/// The shift-start checklist (R-OPS-2): `checks_json` is an object of check name → boolean
/// (`{"cameras_affixed": true, "gps_green": false, …}`); the policy's checks that are false or
/// missing fail. Copies `{"ready": bool, "failed": [names in the policy's order]}` into `buf`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_INVALID_ARGUMENT` (malformed
/// JSON); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be NULL or a live policy; `checks_json` must point to `checks_json_len` readable
/// bytes; `buf` must point to `buf_len` writable bytes; `out_n` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_shift_start_json(
    policy: *const alpr_policy,
    checks_json: *const u8,
    checks_json_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        need_buf(buf, buf_len, out_n, "buf", "out_n")?;
        // SAFETY: the caller's guarantees are passed on.
        let text = unsafe { str_in(checks_json, checks_json_len)? };
        let checks: BTreeMap<String, bool> = alpr_core::json::from_json_text(text)?;
        // SAFETY: `policy`: valid as the `# Safety` section requires.
        let policy = unsafe { policy_or_default(policy)? };
        let out = serde_json::to_string(&ops::shift_start(&checks, &policy)).unwrap_or_default();
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(&out, buf, buf_len, out_n) }
    })
}

/// The out-of-service rule for damaged or inoperable equipment (R-OPS-3, G.O. §B.5), as JSON:
/// `{"out_of_service": true, "operator_may_repair": false, "notify": ["alpr_administrator",
/// "psit"], "crime_report_required": vandalism}`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `buf` must point to `buf_len` writable bytes; `out_n` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_damaged_equipment_json(
    vandalism: bool,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        let out = serde_json::to_string(&ops::damaged_equipment(vandalism)).unwrap_or_default();
        // SAFETY: the caller's guarantees are passed on.
        unsafe { str_out(&out, buf, buf_len, out_n) }
    })
}

/// A public-records request for POD video or detections (R-PRA-1): `citizen_json` is an object
/// with optional `name`, `phone`, `email`, `description` (NULL with length 0 for none). Copies
/// `{"channels": {phone, phone_hours, email, web}, "violations": [codes], "record": {…} or null}`
/// into `buf`: the clerk's channels from the policy always; when `refused_referral`, what the
/// refused-referral record lacks, or the record itself.
///
/// # Returns
/// `ALPR_STATUS_OK` (whatever the violations); `ALPR_STATUS_INSUFFICIENT_SIZE`;
/// `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON); `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be NULL or a live policy; `citizen_json` must be NULL (with length 0) or point to
/// `citizen_json_len` readable bytes; `buf` must point to `buf_len` writable bytes; `out_n` must be
/// valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_pra_request_json(
    policy: *const alpr_policy,
    refused_referral: bool,
    citizen_json: *const u8,
    citizen_json_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        need_buf(buf, buf_len, out_n, "buf", "out_n")?;
        // SAFETY: the caller's guarantees are passed on.
        let text = unsafe { str_in(citizen_json, citizen_json_len)? };
        let citizen: records::Citizen = if text.trim().is_empty() {
            records::Citizen::default()
        } else {
            alpr_core::json::from_json_text(text)?
        };
        // SAFETY: `policy`: valid as the `# Safety` section requires.
        let policy = unsafe { policy_or_default(policy)? };
        let out = serde_json::to_string(&records::pra_request(refused_referral, &citizen, &policy)).unwrap_or_default();
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(&out, buf, buf_len, out_n) }
    })
}
