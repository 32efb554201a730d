//! `alpr_purge_plan`: retention purge plans over `alpr_retention_record`s.

use alpr_core::retention::{ClassId, PlanRecord, PurgePlan, RetentionRules};
use alpr_core::{Code, Error};

use crate::alpr_status;
use crate::boundary::{ffi_boundary, instant_in, ms, need, need_buf, str_in, write_out};
use crate::error::FfiError;
use crate::handle::{Castable, arc_free, arc_into_ptr, arc_ref};
use crate::policy::alpr_policy;

/// The `due` set of a purge plan (past delete-after, not held).
pub const ALPR_PURGE_DUE: u32 = 0;

/// The `held` set (past delete-after, under legal hold).
pub const ALPR_PURGE_HELD: u32 = 1;

/// The `eligible` set (past keep-at-least, no delete-after, not held).
pub const ALPR_PURGE_ELIGIBLE: u32 = 2;

/// One record for a purge plan.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_retention_record {
    /// The record's id.
    pub id: u64,
    /// Its data class, from `alpr_retention_class`.
    pub class_id: u32,
    /// When it was captured, Unix milliseconds.
    pub captured_at_ms: i64,
}

/// A purge plan: exact sets of ids. Immutable; may be used from multiple threads simultaneously.
/// Free with `alpr_purge_plan_free`.
pub struct alpr_purge_plan {
    _private: [u8; 0],
}

impl Castable for alpr_purge_plan {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = PurgePlan;
}

/// The id of a data class (`detection`, `pod_video`, `hit`, `audit_record`, or one of the
/// policy's own) for `alpr_retention_record.class_id`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` for a class the policy does not define;
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be a live policy; `name` must point to `name_len` readable bytes; `class_out`
/// must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_retention_class(
    policy: *const alpr_policy,
    name: *const u8,
    name_len: usize,
    class_out: *mut u32,
) -> alpr_status {
    ffi_boundary!({
        need(class_out, "class_out")?;
        // SAFETY: `policy`, `name`: as the `# Safety` section requires (the caller's guarantees).
        let (policy, name) = unsafe { (arc_ref(policy, "policy")?, str_in(name, name_len)?) };
        let c = RetentionRules::from_policy(policy).class(name)?;
        // SAFETY: the caller's guarantee on class_out is passed on.
        unsafe { write_out(class_out, u32::from(c.0), "class_out") }
    })
}

/// Computes the purge plan (R-RET-4) over `records` at `now_ms`, with the ids in `holds` under
/// legal hold. Records of a class id the policy does not define are ignored.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_DATE` (a time outside the years 0001–9999, with the
/// record's index in `alpr_last_error_position` for `captured_at_ms`);
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `policy` must be a live policy; `records` must point to `records_len` records and `holds` to
/// `holds_len` ids (each may be NULL with length 0); `plan_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_purge_plan_new(
    policy: *const alpr_policy,
    records: *const alpr_retention_record,
    records_len: usize,
    holds: *const u64,
    holds_len: usize,
    now_ms: i64,
    plan_out: *mut *const alpr_purge_plan,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on policy is passed on.
        let policy = unsafe { arc_ref(policy, "policy")? };
        need(plan_out, "plan_out")?;
        let records: &[alpr_retention_record] = if records.is_null() {
            if records_len != 0 {
                return Err(FfiError::null("records"));
            }
            &[]
        } else {
            // SAFETY: non-NULL; the caller guarantees records_len records.
            unsafe { std::slice::from_raw_parts(records, records_len) }
        };
        let holds: &[u64] = if holds.is_null() {
            if holds_len != 0 {
                return Err(FfiError::null("holds"));
            }
            &[]
        } else {
            // SAFETY: non-NULL; the caller guarantees holds_len ids.
            unsafe { std::slice::from_raw_parts(holds, holds_len) }
        };
        let rules = RetentionRules::from_policy(policy);
        let mut plan_records = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let captured_at = alpr_core::time::instant_from_unix_ms(r.captured_at_ms)
                .map_err(|e| e.at_index(u32::try_from(i).unwrap_or(u32::MAX)))?;
            plan_records.push(PlanRecord {
                id: r.id,
                class: ClassId(u8::try_from(r.class_id).unwrap_or(u8::MAX)),
                captured_at,
            });
        }
        let plan = rules.plan(
            &plan_records,
            &holds.iter().copied().collect(),
            instant_in(now_ms, "now_ms")?,
        );
        // SAFETY: the caller's guarantee on plan_out is passed on.
        unsafe { write_out(plan_out, arc_into_ptr::<alpr_purge_plan>(plan), "plan_out") }
    })
}

/// Copies one set of a plan (`ALPR_PURGE_DUE`, `_HELD`, `_ELIGIBLE`) in ascending order into
/// `ids`; `*ids_n` receives the set's size, also when `ids_cap` is too small.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_INVALID_ARGUMENT` (unknown set);
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `plan` must be a live plan; `ids` must be NULL (with `ids_cap` 0) or point to `ids_cap`
/// writable ids; `ids_n` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_purge_plan_ids(
    plan: *const alpr_purge_plan,
    set: u32,
    ids: *mut u64,
    ids_cap: usize,
    ids_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on plan is passed on.
        let plan = unsafe { arc_ref(plan, "plan")? };
        need_buf(ids, ids_cap, ids_n, "ids", "ids_n")?;
        let bitmap = match set {
            ALPR_PURGE_DUE => &plan.due,
            ALPR_PURGE_HELD => &plan.held,
            ALPR_PURGE_ELIGIBLE => &plan.eligible,
            _ => {
                return Err(Error::new(Code::InvalidArgument)
                    .with_detail("unknown purge set")
                    .into());
            }
        };
        let n = usize::try_from(bitmap.len()).unwrap_or(usize::MAX);
        // SAFETY: the caller's guarantee on ids_n is passed on.
        unsafe { write_out(ids_n, n, "ids_n")? };
        if ids_cap < n {
            return Err(FfiError::insufficient(n));
        }
        if n > 0 {
            if ids.is_null() {
                return Err(FfiError::null("ids"));
            }
            // SAFETY: non-NULL with at least n writable ids (checked above).
            let out = unsafe { std::slice::from_raw_parts_mut(ids, n) };
            for (o, id) in out.iter_mut().zip(bitmap.iter()) {
                *o = id;
            }
        }
        Ok(())
    })
}

/// The earliest time a record not yet due becomes due: `*has_out` is false when none will.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `plan` must be a live plan; `at_ms_out` and `has_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_purge_plan_next_due_at(
    plan: *const alpr_purge_plan,
    at_ms_out: *mut i64,
    has_out: *mut bool,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on plan is passed on.
        let plan = unsafe { arc_ref(plan, "plan")? };
        need(at_ms_out, "at_ms_out")?;
        need(has_out, "has_out")?;
        // SAFETY: the caller's guarantees on the out-pointers are passed on.
        unsafe {
            write_out(has_out, plan.next_due_at.is_some(), "has_out")?;
            write_out(at_ms_out, plan.next_due_at.map_or(0, ms), "at_ms_out")
        }
    })
}

/// Releases a plan; NULL is a no-op.
///
/// # Safety
/// `plan` must be NULL or a live plan, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_purge_plan_free(plan: *const alpr_purge_plan) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(plan) } });
}
