//! `alpr_access_*`: access decisions over users and requests given as JSON (parsed by the core).

use alpr_core::Code;

use crate::alpr_status;
use crate::boundary::{ffi_boundary, instant_in, need, need_buf, str_in, write_out};
use crate::error::FfiError;
use crate::handle::arc_ref;
use crate::policy::alpr_policy;

/// The user and the access request, from their JSON (the core's serde shapes).
///
/// # Safety
/// Each pointer must point to its length in readable bytes.
pub(crate) unsafe fn user_and_request(
    user_json: *const u8,
    user_json_len: usize,
    request_json: *const u8,
    request_json_len: usize,
) -> Result<(alpr_core::access::User, alpr_core::access::AccessRequest), FfiError> {
    // SAFETY: the caller's guarantee is passed on.
    let user = alpr_core::access::User::from_json(unsafe { str_in(user_json, user_json_len)? })?;
    // SAFETY: `request_json`: valid as the `# Safety` section requires.
    let request = alpr_core::access::AccessRequest::from_json(unsafe { str_in(request_json, request_json_len)? })?;
    Ok((user, request))
}

/// Copies codes as status numbers into a caller array (`*n` always receives the count).
///
/// # Safety
/// `out` must be NULL (with `cap` 0) or point to `cap` writable values; `n` valid for writes.
pub(crate) unsafe fn codes_out(codes: &[Code], out: *mut u32, cap: usize, n: *mut usize) -> Result<(), FfiError> {
    need_buf(out, cap, n, "reasons", "reasons_n")?;
    // SAFETY: the caller's guarantee on n is passed on.
    unsafe { write_out(n, codes.len(), "reasons_n")? };
    if cap < codes.len() {
        return Err(FfiError::insufficient(codes.len()));
    }
    if !codes.is_empty() {
        if out.is_null() {
            return Err(FfiError::null("reasons"));
        }
        // SAFETY: non-NULL with at least codes.len() writable values (checked above).
        let o = unsafe { std::slice::from_raw_parts_mut(out, codes.len()) };
        for (o, c) in o.iter_mut().zip(codes) {
            *o = c.number();
        }
    }
    Ok(())
}

/// Decides an access request (R-ACCESS-1…4). `user_json` is `{"id","agency","roles":[…],
/// "account","trained_on":"YYYY-MM-DD","clearance":bool}`; `request_json` is `{"action",
/// "purpose","case_number","approval":{"approver_role","reference"}}`. Every failed check is
/// written to `reasons` as a status number (`ALPR_STATUS_NOT_TRAINED`, …); `*allowed_out` is true
/// when there is none. 16 reasons always suffice.
///
/// # Returns
/// `ALPR_STATUS_OK` (for a denial too); `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON);
/// `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be a live policy; the JSON pointers must point to their length in readable
/// bytes; `allowed_out` and `reasons_n` must be valid for writes; `reasons` must point to
/// `reasons_cap` writable values (or be NULL with 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_access_decide_json(
    policy: *const alpr_policy,
    user_json: *const u8,
    user_json_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    now_ms: i64,
    allowed_out: *mut bool,
    reasons: *mut u32,
    reasons_cap: usize,
    reasons_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let policy = unsafe { arc_ref(policy, "policy")? };
        need(allowed_out, "allowed_out")?;
        need_buf(reasons, reasons_cap, reasons_n, "reasons", "reasons_n")?;
        // SAFETY: `user_json`, `request_json`: valid as the `# Safety` section requires.
        let (user, request) = unsafe { user_and_request(user_json, user_json_len, request_json, request_json_len)? };
        let d = alpr_core::access::decide(&user, &request, instant_in(now_ms, "now_ms")?, policy);
        // SAFETY: the caller's guarantees on the outputs are passed on.
        unsafe {
            codes_out(&d.reasons, reasons, reasons_cap, reasons_n)?;
            write_out(allowed_out, d.allowed(), "allowed_out")
        }
    })
}
