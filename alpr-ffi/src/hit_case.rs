//! `alpr_hit_case`: a hit's workflow as a record (R-HIT-9), opened and advanced through an
//! `alpr_agency`.

use alpr_core::agency::{HitCase, TimedEvent};
use alpr_core::workflow::Event;
use alpr_core::{Code, Error};

use crate::agency::{alpr_agency, lock};
use crate::alpr_status;
use crate::boundary::{ffi_boundary, instant_in, need, str_in, str_out, write_out};
use crate::error::FfiError;
use crate::handle::{Castable, arc_ref, box_free, box_into_ptr, box_mut, box_ref};
use crate::hit::{alpr_hit, alpr_read, read_in};

/// One hit's workflow (R-HIT-6) whose every event, applied or refused, is an audit record of
/// the agency that opened it (R-HIT-9). Created by `alpr_agency_open_hit` in status `alerted`.
/// Owned by the caller (free with `alpr_hit_case_free`); not safe for concurrent use: one
/// thread at a time.
pub struct alpr_hit_case {
    _private: [u8; 0],
}

impl Castable for alpr_hit_case {
    type Ownership = crate::handle::OwnershipBox;
    type Rust = HitCase;
}

/// The NUL-terminated prefix of a fixed buffer.
fn c_prefix(buf: &[u8]) -> &[u8] {
    let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    &buf[..n]
}

/// Opens a hit case (R-HIT-9) from a hit that `alpr_agency_match` returned and the read it was
/// matched from, in one call: the read is matched again against the agency's lists at the
/// clock's time and the hit of the same list (`list_id`) and entry (`entry_index`) becomes the
/// case, with its dispatch packet and the read (R-HIT-10). The opening is recorded (`hit_open`).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` (the hit is not one of the read's hits
/// against the lists now in force, e.g. its list was replaced or its id truncated); the read's
/// normalization status; `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION`;
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `read` must point to a valid `alpr_read`; `hit` to an
/// `alpr_hit`; `case_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_open_hit(
    agency: *const alpr_agency,
    read: *const alpr_read,
    hit: *const alpr_hit,
    case_out: *mut *mut alpr_hit_case,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(case_out, "case_out")?;
        // SAFETY: `agency`: live as the `# Safety` section requires.
        let a = unsafe { arc_ref(agency, "agency")? };
        if read.is_null() {
            return Err(FfiError::null("read"));
        }
        if hit.is_null() {
            return Err(FfiError::null("hit"));
        }
        // SAFETY: `read`: non-NULL and valid per the contract.
        let r = unsafe { read_in(&*read)? };
        // SAFETY: `hit`: non-NULL and points to an `alpr_hit` per the contract.
        let h = unsafe { &*hit };
        let list_id = c_prefix(&h.list_id);
        let mut g = lock(a);
        let now = g.clock().now();
        let found = g
            .registry()
            .match_read(&r, now)?
            .into_iter()
            .find(|x| x.list_id().as_bytes() == list_id && x.entry_index == h.entry_index)
            .ok_or_else(|| {
                Error::new(Code::InvalidArgument)
                    .with_detail("the hit is not one of the read's hits on the lists in force")
            })?;
        let case = g.open_hit(&found, &r)?;
        drop(g);
        // SAFETY: `case_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_out(case_out, box_into_ptr::<alpr_hit_case>(case), "case_out") }
    })
}

/// Applies a timed event to a case (R-HIT-9): `event_json` is the workflow event
/// (`{"event": "acknowledge"}`, `{"event": "confirm", "response": {…}}`, `{"event": "reject",
/// "disposition": "…"}`, `{"event": "record_basis"}`, `{"event": "stop"}`, `{"event":
/// "close", "outcome": "…"}`, …), `at_ms` when it happened (not after the agency's clock, not
/// before the case's previous event), `actor` the roster user (allowed `view_hits`) and
/// `reference` (NULL for none) e.g. the CAD incident or the CLETS message id. One `hit_event`
/// record is written before the case changes, for a refused event too; on any failure the case
/// is unchanged.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_TIME_REGRESSION` (dated before the previous event, or the
/// clock behind the log); `ALPR_STATUS_ACCESS_DENIED`; `ALPR_STATUS_INVALID_ARGUMENT` (malformed
/// event JSON, an event dated after the clock); the workflow's refusal
/// (`ALPR_STATUS_BROADCAST_BEFORE_CONFIRMATION`, …) — each recorded;
/// `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_INVALID_DATE`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency and `case` a live case opened by it, not used concurrently;
/// `event_json` and `actor` must point to their length in readable bytes; `reference` must be
/// NULL (length 0) or point to `reference_len` readable bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_hit_case_event_json(
    agency: *const alpr_agency,
    case: *mut alpr_hit_case,
    event_json: *const u8,
    event_json_len: usize,
    at_ms: i64,
    actor: *const u8,
    actor_len: usize,
    reference: *const u8,
    reference_len: usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, c, event, actor) = unsafe {
            (
                arc_ref(agency, "agency")?,
                box_mut(case, "case")?,
                str_in(event_json, event_json_len)?,
                str_in(actor, actor_len)?,
            )
        };
        let reference = if reference.is_null() {
            None
        } else {
            // SAFETY: `reference`: non-NULL with `reference_len` readable bytes per the contract.
            Some(unsafe { str_in(reference, reference_len)? })
        };
        let event: Event = alpr_core::json::from_json_text(event)?;
        let mut timed = TimedEvent::new(event, instant_in(at_ms, "at_ms")?, actor);
        if let Some(r) = reference {
            timed = timed.with_reference(r);
        }
        lock(a).hit_event(c, &timed)?;
        Ok(())
    })
}

/// The case's hit id (unique in its agency's log) in `*id_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `case` must be a live case; `id_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_case_id(case: *const alpr_hit_case, id_out: *mut u64) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(id_out, "id_out")?;
        // SAFETY: `case`: live as the `# Safety` section requires.
        let c = unsafe { box_ref(case, "case")? };
        // SAFETY: `id_out`: valid for writes as the `# Safety` section requires.
        unsafe { write_out(id_out, c.id(), "id_out") }
    })
}

/// Copies the case's status (`alerted`, `acknowledged`, `broadcast`, `confirmed`, `rejected`,
/// `closed`) into `buf` (see the string-out rules; 16 bytes always suffice).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `case` must be a live case; `buf` must point to `buf_len` writable bytes; `out_n` must be
/// valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_case_status(
    case: *const alpr_hit_case,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `case`: live as the `# Safety` section requires.
        let c = unsafe { box_ref(case, "case")? };
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(c.workflow().status().as_str(), buf, buf_len, out_n) }
    })
}

/// Copies the case's dispatch packet (R-HIT-8, R-HIT-10) as JSON into `buf`: the dispatch packet
/// of `alpr_hit_workflow_dispatch_packet_json` under the agency's policy, with `read` (the plate
/// as read and normalized, jurisdiction, plate type, time, origin, device, position). Call with
/// `buf_len` 0 to learn the size in `*out_n`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `case` a live case; `buf` must point to `buf_len` writable
/// bytes (NULL when 0); `out_n` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_case_packet_json(
    agency: *const alpr_agency,
    case: *const alpr_hit_case,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `agency`, `case`: live as the `# Safety` section requires.
        let (a, c) = unsafe { (arc_ref(agency, "agency")?, box_ref(case, "case")?) };
        let policy = std::sync::Arc::clone(lock(a).policy());
        let json = c.packet(&policy).to_json();
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(&json, buf, buf_len, out_n) }
    })
}

/// Sets the heading of the case's read (R-HIT-10: "heading when known"), in degrees clockwise
/// from north in `[0, 360)`, as the camera or the officer knows it; the packet of
/// `alpr_hit_case_packet_json` then carries it as `read.heading`. `alpr_read` has no heading, so
/// this is how a C caller gives one. Not a workflow event: nothing is recorded.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` (NaN, infinite, negative or 360 and more; the
/// case unchanged); `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `case` must be a live case, not used concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_case_set_heading(case: *mut alpr_hit_case, degrees: f64) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `case`: live and not used concurrently as the `# Safety` section requires.
        let c = unsafe { box_mut(case, "case")? };
        c.set_heading(degrees)?;
        Ok(())
    })
}

/// Releases a case; NULL is a no-op. Its record stays in the agency's log.
///
/// # Safety
/// `case` must be NULL or a live case, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_hit_case_free(case: *mut alpr_hit_case) {
    // SAFETY: the caller gives back the handle it owned.
    ffi_boundary!(default = (), { unsafe { box_free(case) } });
}
