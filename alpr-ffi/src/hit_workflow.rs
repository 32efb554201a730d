//! `alpr_hit_workflow`: one hit and its workflow (R-HIT-1…6).

use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::workflow::{self, ClearsResponse, DispatchInput, Disposition, Event, HitWorkflow, Outcome};
use alpr_core::{Code, Policy};

use crate::alpr_status;
use crate::boundary::{ffi_boundary, need, need_buf, str_in, str_out};
use crate::error::FfiError;
use crate::handle::{Castable, box_free, box_into_ptr, box_mut, box_ref};
use crate::policy::{alpr_policy, policy_or_default};

/// One hit walking through the workflow of R-HIT-6, with its dispatch packet. Created with
/// `alpr_hit_workflow_new` or `alpr_hit_workflow_new_json` in status `alerted`; each event call either succeeds
/// (`ALPR_STATUS_OK`) or returns the refusal's status and changes nothing. Owned by the caller
/// (free with `alpr_hit_workflow_free`); not safe for concurrent use: one thread at a time.
pub struct alpr_hit_workflow {
    _private: [u8; 0],
}

/// What an `alpr_hit_workflow` points to.
pub(crate) struct HitHandle {
    workflow: HitWorkflow,
    packet_json: String,
}

impl Castable for alpr_hit_workflow {
    type Ownership = crate::handle::OwnershipBox;
    type Rust = HitHandle;
}

/// Writes a new hit handle.
///
/// # Safety
/// `hit_out` must be NULL or valid for writes.
unsafe fn new_hit(
    input: &DispatchInput,
    policy: &Policy,
    hit_out: *mut *mut alpr_hit_workflow,
) -> Result<(), FfiError> {
    if hit_out.is_null() {
        return Err(FfiError::null("hit_out"));
    }
    let handle = HitHandle {
        workflow: input.workflow(policy),
        packet_json: workflow::dispatch_packet(input, policy).to_json(),
    };
    // SAFETY: checked non-NULL; valid for writes per the contract.
    unsafe { hit_out.write(box_into_ptr::<alpr_hit_workflow>(handle)) };
    Ok(())
}

/// A new hit in status `alerted` from the list kind (`standard`, `special`, `hot_plate`,
/// `covert`), the entry's category (`stolen_vehicle`, …) and the read's origin (`vehicle`,
/// `fixed`, `desktop`), under `policy` (NULL for the built-in `sacramento-525.08`; the call
/// types come from it). Its dispatch packet has no match explanation: use `alpr_hit_workflow_new_json`
/// for one.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` (unknown kind or origin);
/// `ALPR_STATUS_INVALID_CATEGORY`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be NULL or a live policy; each string must point to its length in readable
/// bytes; `hit_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_new(
    policy: *const alpr_policy,
    list_kind: *const u8,
    list_kind_len: usize,
    category: *const u8,
    category_len: usize,
    origin: *const u8,
    origin_len: usize,
    hit_out: *mut *mut alpr_hit_workflow,
) -> alpr_status {
    ffi_boundary!({
        need(hit_out, "hit_out")?;
        // SAFETY: the caller's guarantees are passed on.
        let (kind, cat, org) = unsafe {
            (
                str_in(list_kind, list_kind_len)?,
                str_in(category, category_len)?,
                str_in(origin, origin_len)?,
            )
        };
        let input = DispatchInput::new(ListKind::parse(kind)?, Category::parse(cat)?, Origin::parse(org)?);
        // SAFETY: `policy`: valid as the `# Safety` section requires.
        let policy = unsafe { policy_or_default(policy)? };
        // SAFETY: `hit_out`: valid as the `# Safety` section requires.
        unsafe { new_hit(&input, &policy, hit_out) }
    })
}

/// A new hit from a JSON object in the core's `DispatchInput` shape: `list_kind`, `category`,
/// `origin` (required) and the match explanation and entry a matcher gives (`list_id`, `entry`,
/// `entry_jurisdiction`, `match_kind`, `positions`, `jurisdiction_outcome`, `tier`, `stale`,
/// `plate_type_mismatch`, `list_age_seconds`, `observed_at`, `device_id`, `record_id`, `vehicle`,
/// `caution`).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON, with its line and column in
/// `alpr_last_error_position`); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be NULL or a live policy; `json` must point to `json_len` readable bytes;
/// `hit_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_new_json(
    policy: *const alpr_policy,
    json: *const u8,
    json_len: usize,
    hit_out: *mut *mut alpr_hit_workflow,
) -> alpr_status {
    ffi_boundary!({
        need(hit_out, "hit_out")?;
        // SAFETY: the caller's guarantees are passed on.
        let text = unsafe { str_in(json, json_len)? };
        let input: DispatchInput = alpr_core::json::from_json_text(text)?;
        // SAFETY: `policy`: valid as the `# Safety` section requires.
        let policy = unsafe { policy_or_default(policy)? };
        // SAFETY: `hit_out`: valid as the `# Safety` section requires.
        unsafe { new_hit(&input, &policy, hit_out) }
    })
}

/// Applies an event to a live hit.
///
/// # Safety
/// `hit` must be NULL or a live hit, not used concurrently.
unsafe fn apply(hit: *mut alpr_hit_workflow, event: Event) -> Result<(), FfiError> {
    // SAFETY: the caller's guarantee is passed on.
    let h = unsafe { box_mut(hit, "hit")? };
    Ok(h.workflow.apply(event)?)
}

/// `acknowledge`: `alerted` → `acknowledged`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_TRANSITION` from any other status;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit, not used concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_acknowledge(hit: *mut alpr_hit_workflow) -> alpr_status {
    // SAFETY: the caller's guarantee is passed on.
    ffi_boundary!({ unsafe { apply(hit, Event::Acknowledge) } })
}

/// `broadcast`: from `acknowledged` (a car) or `confirmed` → `broadcast` (R-HIT-4).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INFORMATIONAL_ONLY` (special or covert hit);
/// `ALPR_STATUS_NOT_ACKNOWLEDGED`; `ALPR_STATUS_CONFIRMATION_REQUIRED` (a desk origin before
/// confirmation); `ALPR_STATUS_INVALID_TRANSITION`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit, not used concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_broadcast(hit: *mut alpr_hit_workflow) -> alpr_status {
    // SAFETY: the caller's guarantee is passed on.
    ffi_boundary!({ unsafe { apply(hit, Event::Broadcast) } })
}

/// `mdc_query`: the plate was run on the car's MDC. Status unchanged; for a car before any
/// broadcast, records the violation `mdc_query_before_broadcast` (R-HIT-4; not refused).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_TRANSITION` on a closed hit;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit, not used concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_mdc_query(hit: *mut alpr_hit_workflow) -> alpr_status {
    // SAFETY: the caller's guarantee is passed on.
    ffi_boundary!({ unsafe { apply(hit, Event::MdcQuery) } })
}

/// `record_basis`: an independent reasonable suspicion or probable cause was recorded.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit, not used concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_record_basis(hit: *mut alpr_hit_workflow) -> alpr_status {
    // SAFETY: the caller's guarantee is passed on.
    ffi_boundary!({ unsafe { apply(hit, Event::RecordBasis) } })
}

/// `stop`: allowed only once the hit was confirmed (and not rejected) and a basis recorded
/// (R-HIT-1). Status unchanged.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_CONFIRMATION_REQUIRED`;
/// `ALPR_STATUS_INDEPENDENT_BASIS_REQUIRED`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit, not used concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_stop(hit: *mut alpr_hit_workflow) -> alpr_status {
    // SAFETY: the caller's guarantee is passed on.
    ffi_boundary!({ unsafe { apply(hit, Event::Stop) } })
}

/// `confirm` with the CLETS/NCIC response: from `acknowledged` or `broadcast`, `rejected` with
/// disposition `record_not_active`, `incorrect_read` or `wrong_jurisdiction` (checked in that
/// order), else `confirmed`.
///
/// # Returns
/// `ALPR_STATUS_OK` (also when the response rejects the hit: see `alpr_hit_workflow_status`);
/// `ALPR_STATUS_NOT_ACKNOWLEDGED`; `ALPR_STATUS_INVALID_TRANSITION`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit, not used concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_confirm(
    hit: *mut alpr_hit_workflow,
    record_active: bool,
    plate_verified: bool,
    jurisdiction_verified: bool,
    occupied: bool,
) -> alpr_status {
    let response = ClearsResponse {
        record_active,
        plate_verified,
        jurisdiction_verified,
        occupied,
    };
    // SAFETY: the caller's guarantee is passed on.
    ffi_boundary!({ unsafe { apply(hit, Event::Confirm { response }) } })
}

/// `reject` with a disposition (`correct_read`, `incorrect_read`, `wrong_jurisdiction`,
/// `record_not_active`, `duplicate`, `dismissed`): from `acknowledged`, `broadcast` or
/// `confirmed` → `rejected`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NOT_ACKNOWLEDGED`; `ALPR_STATUS_INVALID_TRANSITION`;
/// `ALPR_STATUS_INVALID_ARGUMENT` (unknown disposition); `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit, not used concurrently; `disposition` must point to
/// `disposition_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_reject(
    hit: *mut alpr_hit_workflow,
    disposition: *const u8,
    disposition_len: usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let d = Disposition::parse(unsafe { str_in(disposition, disposition_len)? })?;
        // SAFETY: `hit`, `disposition`: valid as the `# Safety` section requires.
        unsafe { apply(hit, Event::Reject { disposition: d }) }
    })
}

/// `close` with an outcome (`recovered`, `not_recovered`, `other`): any status but `closed` →
/// `closed`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_TRANSITION`; `ALPR_STATUS_INVALID_ARGUMENT` (unknown
/// outcome); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit, not used concurrently; `outcome` must point to `outcome_len`
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_close(
    hit: *mut alpr_hit_workflow,
    outcome: *const u8,
    outcome_len: usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let o = Outcome::parse(unsafe { str_in(outcome, outcome_len)? })?;
        // SAFETY: `hit`, `outcome`: valid as the `# Safety` section requires.
        unsafe { apply(hit, Event::Close { outcome: o }) }
    })
}

/// Copies the hit's status (`alerted`, `acknowledged`, `broadcast`, `confirmed`, `rejected`,
/// `closed`) into `buf` (see the string-out rules; 16 bytes always suffice).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit; `buf` must point to `buf_len` writable bytes; `out_n` must be valid
/// for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_status(
    hit: *const alpr_hit_workflow,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let h = unsafe { box_ref(hit, "hit")? };
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(h.workflow.status().as_str(), buf, buf_len, out_n) }
    })
}

/// Copies the hit's disposition (empty when none yet) into `buf` (see the string-out rules).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// As `alpr_hit_workflow_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_disposition(
    hit: *const alpr_hit_workflow,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let h = unsafe { box_ref(hit, "hit")? };
        let d = h.workflow.disposition().map_or("", Disposition::as_str);
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(d, buf, buf_len, out_n) }
    })
}

/// Copies status codes into a caller array, reporting the count in `*out_n` (also when the array
/// is too small, then returning `INSUFFICIENT_SIZE` and copying nothing).
///
/// # Safety
/// `codes_out` must be NULL or point to `cap` writable `u32`; `out_n` must be NULL or writable.
pub(crate) unsafe fn codes_out(
    codes: &[Code],
    codes_out: *mut u32,
    cap: usize,
    out_n: *mut usize,
) -> Result<(), FfiError> {
    // A NULL array with a capacity is an error whatever the count (also when there is nothing to
    // copy), so a caller's bug shows on the first call.
    need_buf(codes_out, cap, out_n, "codes_out", "out_n")?;
    // SAFETY: checked non-NULL; writable per the contract.
    unsafe { *out_n = codes.len() };
    if codes.is_empty() {
        return Ok(());
    }
    if cap < codes.len() {
        return Err(FfiError::insufficient(codes.len()));
    }
    for (i, c) in codes.iter().enumerate() {
        // SAFETY: i < codes.len() <= cap writable elements.
        unsafe { codes_out.add(i).write(c.number()) };
    }
    Ok(())
}

/// Copies the violations recorded on the hit (R-HIT-4: `ALPR_STATUS_MDC_QUERY_BEFORE_BROADCAST`),
/// as status numbers, into `codes_out`; `*out_n` receives their count (also when `cap` is too
/// small). Print them with `alpr_status_str`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hit` must be a live hit; `codes_out` must be NULL (with `cap` 0) or point to `cap` writable
/// `uint32_t`; `out_n` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_violations(
    hit: *const alpr_hit_workflow,
    codes_out_ptr: *mut u32,
    cap: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let h = unsafe { box_ref(hit, "hit")? };
        // SAFETY: `codes_out_ptr`, `out_n`: valid as the `# Safety` section requires.
        unsafe { codes_out(h.workflow.violations(), codes_out_ptr, cap, out_n) }
    })
}

/// Copies the hit's call types (R-HIT-8, e.g. `["POD","503P/503T"]`) as a JSON array of strings
/// into `buf` (see the string-out rules).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// As `alpr_hit_workflow_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_call_types_json(
    hit: *const alpr_hit_workflow,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let h = unsafe { box_ref(hit, "hit")? };
        let text = serde_json::to_string(h.workflow.call_types()).unwrap_or_default();
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(&text, buf, buf_len, out_n) }
    })
}

/// Copies the hit's dispatch packet (R-HIT-2, R-HIT-3) as JSON into `buf`: `requires_confirmation`,
/// `informational`, `alert`, `confirm_before_broadcast`, `call_for_service` (`call_type`,
/// `priority`, or null), `steps` (G.O. §C.2.b), `match` (kind, positions, jurisdiction, tier,
/// stale, plate_type_mismatch, list_age_seconds) and `entry` (plate, jurisdiction, category,
/// record_id, vehicle, caution). Call with `buf_len` 0 to learn the size in `*out_n`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// As `alpr_hit_workflow_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_dispatch_packet_json(
    hit: *const alpr_hit_workflow,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let h = unsafe { box_ref(hit, "hit")? };
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(&h.packet_json, buf, buf_len, out_n) }
    })
}

/// Releases a hit; NULL is a no-op.
///
/// # Safety
/// `hit` must be NULL or a live hit, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_workflow_free(hit: *mut alpr_hit_workflow) {
    // SAFETY: the caller gives back the handle it owned.
    ffi_boundary!(default = (), { unsafe { box_free(hit) } });
}
