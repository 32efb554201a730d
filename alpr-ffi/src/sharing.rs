//! `alpr_sharing_*`: sharing decisions over requests given as JSON (parsed by the core).

use alpr_core::{Code, Error};

use crate::access::codes_out;
use crate::alpr_status;
use crate::boundary::{bytes_in, ffi_boundary, need, need_buf, str_out, write_out};
use crate::error::FfiError;
use crate::handle::arc_ref;
use crate::policy::alpr_policy;
use crate::vocab::{ALPR_SHARE_ALLOW, ALPR_SHARE_DENY, ALPR_SHARE_NEEDS_APPROVAL};

/// Decides a share (R-SHARE-1…3). `request_json` is `{"data":"detections"|"hits"|
/// "special_hot_list","recipient":{"name","kind","jurisdiction","learn_member"},"approvals":
/// [{"role","reference"}]}`. Writes `ALPR_SHARE_*` to `*decision_out`, the approver role still
/// needed (empty when none) into `approver`, and the reasons as status numbers.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON, unknown data);
/// `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be a live policy; `request_json` must point to its length in readable bytes;
/// `decision_out`, `approver_n` and `reasons_n` must be valid for writes; `approver` must point to
/// `approver_cap` writable bytes; `reasons` to `reasons_cap` writable values (or NULL with 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_sharing_decide_json(
    policy: *const alpr_policy,
    request_json: *const u8,
    request_json_len: usize,
    decision_out: *mut u32,
    approver: *mut u8,
    approver_cap: usize,
    approver_n: *mut usize,
    reasons: *mut u32,
    reasons_cap: usize,
    reasons_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `policy`, `request_json`: as the `# Safety` section requires (the caller's guarantees).
        let (policy, text) = unsafe { (arc_ref(policy, "policy")?, bytes_in(request_json, request_json_len)?) };
        need(decision_out, "decision_out")?;
        need_buf(approver, approver_cap, approver_n, "approver", "approver_n")?;
        need_buf(reasons, reasons_cap, reasons_n, "reasons", "reasons_n")?;

        let text = std::str::from_utf8(text).map_err(|_| FfiError::from(Error::new(Code::InvalidUtf8)))?;
        let request = alpr_core::sharing::ShareRequest::from_json(text)?;
        let d = alpr_core::sharing::decide(&request, policy)?;
        // SAFETY: the caller's guarantees on the outputs are passed on.
        unsafe {
            share_out(
                &d,
                decision_out,
                approver,
                approver_cap,
                approver_n,
                reasons,
                reasons_cap,
                reasons_n,
            )
        }
    })
}

/// Writes a sharing decision to the C outputs of `alpr_sharing_decide_json`.
///
/// # Safety
/// As the outputs of `alpr_sharing_decide_json`.
#[allow(clippy::too_many_arguments)]
unsafe fn share_out(
    d: &alpr_core::sharing::SharingDecision,
    decision_out: *mut u32,
    approver: *mut u8,
    approver_cap: usize,
    approver_n: *mut usize,
    reasons: *mut u32,
    reasons_cap: usize,
    reasons_n: *mut usize,
) -> Result<(), FfiError> {
    let decision = match d.decision {
        alpr_core::sharing::ShareDecision::Allow => ALPR_SHARE_ALLOW,
        alpr_core::sharing::ShareDecision::Deny => ALPR_SHARE_DENY,
        alpr_core::sharing::ShareDecision::NeedsApproval => ALPR_SHARE_NEEDS_APPROVAL,
    };
    // SAFETY: the caller's guarantees on the outputs are passed on.
    unsafe {
        str_out(d.approver.as_deref().unwrap_or(""), approver, approver_cap, approver_n)?;
        codes_out(&d.reasons, reasons, reasons_cap, reasons_n)?;
        write_out(decision_out, decision, "decision_out")
    }
}
