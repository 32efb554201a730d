//! Policy profiles: the built-in `sacramento-525.08`, or an agency's own from TOML or JSON.

use std::sync::Arc;

use alpr_core::Policy;

use crate::alpr_status;
use crate::boundary::{ffi_boundary, need, need_buf, str_in, str_out, write_out};
use crate::error::FfiError;
use crate::handle::{Castable, arc_clone, arc_free, arc_into_ptr, arc_ref, arc_to_ptr};

/// A policy profile: every number of the specification as data. Immutable; may be used from
/// multiple threads simultaneously. Free with `alpr_policy_free`; objects built with it (a
/// registry) keep their own reference, so it may be freed right after.
pub struct alpr_policy {
    _private: [u8; 0],
}

impl Castable for alpr_policy {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = alpr_core::Policy;
}

/// Gives the built-in profile `sacramento-525.08` in `*policy_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_policy_default(policy_out: *mut *const alpr_policy) -> alpr_status {
    ffi_boundary!({
        need(policy_out, "policy_out")?;
        // SAFETY: checked non-NULL; valid for writes per the contract.
        unsafe { write_out(policy_out, arc_to_ptr(alpr_core::Policy::builtin()), "policy_out") }
    })
}

/// Parses a TOML profile (fields left out keep the built-in values; unknown fields are errors).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_POLICY` (the detail names the field);
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `text` must point to `text_len` readable bytes; `policy_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_policy_from_toml(
    text: *const u8,
    text_len: usize,
    policy_out: *mut *const alpr_policy,
) -> alpr_status {
    ffi_boundary!({
        need(policy_out, "policy_out")?;
        // SAFETY: the caller's guarantee on text is passed on.
        let text = unsafe { str_in(text, text_len)? };
        let p = alpr_core::Policy::from_toml(text)?;
        // SAFETY: the caller's guarantee on policy_out is passed on.
        unsafe { write_out(policy_out, arc_into_ptr(p), "policy_out") }
    })
}

/// Parses a JSON profile (as `alpr_policy_from_toml`).
///
/// # Returns
/// As `alpr_policy_from_toml`.
///
/// # Safety
/// As `alpr_policy_from_toml`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_policy_from_json(
    text: *const u8,
    text_len: usize,
    policy_out: *mut *const alpr_policy,
) -> alpr_status {
    ffi_boundary!({
        need(policy_out, "policy_out")?;
        // SAFETY: the caller's guarantee on text is passed on.
        let text = unsafe { str_in(text, text_len)? };
        let p = alpr_core::Policy::from_json(text)?;
        // SAFETY: the caller's guarantee on policy_out is passed on.
        unsafe { write_out(policy_out, arc_into_ptr(p), "policy_out") }
    })
}

/// A new profile: `policy` with the fields of a JSON object replaced (`{"max_edits": 1}`); an
/// object merges field by field (`{"retention": {"pod_video": {"keep_at_least": "30d"}}}` keeps
/// the other classes), any other value replaces.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_POLICY`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be a live policy; `json` must point to `json_len` readable bytes; `policy_out`
/// must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_policy_with_overrides_json(
    policy: *const alpr_policy,
    json: *const u8,
    json_len: usize,
    policy_out: *mut *const alpr_policy,
) -> alpr_status {
    ffi_boundary!({
        need(policy_out, "policy_out")?;
        // SAFETY: `policy`, `json`: as the `# Safety` section requires (the caller's guarantees).
        let (base, json) = unsafe { (arc_ref(policy, "policy")?, str_in(json, json_len)?) };
        let p = base.with_overrides_json(json)?;
        // SAFETY: the caller's guarantee on policy_out is passed on.
        unsafe { write_out(policy_out, arc_into_ptr(p), "policy_out") }
    })
}

/// Copies the profile's name (e.g. `sacramento-525.08`) into `buf` (see the string-out rules).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be a live policy; `buf` must point to `buf_len` writable bytes; `out_n` must be
/// valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_policy_name(
    policy: *const alpr_policy,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let p = unsafe { arc_ref(policy, "policy")? };
        need_buf(buf, buf_len, out_n, "buf", "out_n")?;
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(&p.name, buf, buf_len, out_n) }
    })
}

/// Releases a policy; NULL is a no-op.
///
/// # Safety
/// `policy` must be NULL or a live policy, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_policy_free(policy: *const alpr_policy) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(policy) } });
}

/// The findings of `alpr_policy`'s `check` — settings contradicting General Order 525.08 or
/// California law — as a JSON array of `{"code", "field", "detail"}` (`[]` when none) copied
/// into `buf` (see the string-out rules).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be a live policy; `buf` must be NULL (with `buf_len` 0) or point to `buf_len`
/// writable bytes; `out_n` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_policy_check_json(
    policy: *const crate::policy::alpr_policy,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let p = unsafe { arc_ref(policy, "policy")? };
        need_buf(buf, buf_len, out_n, "buf", "out_n")?;
        let text = serde_json::to_string(&p.check()).unwrap_or_else(|_| "[]".to_owned());
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(&text, buf, buf_len, out_n) }
    })
}

/// The policy behind a possibly NULL handle (NULL is the built-in profile).
///
/// # Safety
/// `policy` must be NULL or a live policy.
pub(crate) unsafe fn policy_or_default(policy: *const alpr_policy) -> Result<Arc<Policy>, FfiError> {
    if policy.is_null() {
        Ok(Policy::builtin())
    } else {
        // SAFETY: non-NULL and live per the caller's contract.
        unsafe { arc_clone(policy, "policy") }
    }
}
