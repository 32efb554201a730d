//! `alpr_audit_log`: the hash-chained audit log (`alpr_audit_record` in, `alpr_audit_head` out).

use std::sync::Mutex;

use alpr_core::audit::{AuditLog, AuditRecord, AuditStore, FileStore, Head, MemoryStore, Outcome};
use alpr_core::{Code, Error};

use crate::alpr_status;
use crate::boundary::{ffi_boundary, instant_in, str_in, write_out};
use crate::error::FfiError;
use crate::handle::{Castable, arc_free, arc_into_ptr, arc_ref};

/// The head of an audit log: the last record's sequence number (0 when empty) and its SHA-256
/// chain hash. Export it to detect a cut tail later.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct alpr_audit_head {
    /// Sequence number of the last record.
    pub sequence: u64,
    /// Its chain hash.
    pub hash: [u8; 32],
}

impl From<Head> for alpr_audit_head {
    fn from(h: Head) -> alpr_audit_head {
        alpr_audit_head {
            sequence: h.sequence,
            hash: h.hash,
        }
    }
}

/// One audit record to append. `user`, `agency` and `action` are required (not NULL, not blank);
/// optional strings are absent when their pointer is NULL.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_audit_record {
    /// When it happened, Unix milliseconds.
    pub time_ms: i64,
    /// User id (UTF-8).
    pub user: *const u8,
    /// Its length.
    pub user_len: usize,
    /// Agency.
    pub agency: *const u8,
    /// Its length.
    pub agency_len: usize,
    /// Action. The library's own records use the access actions of R-ACCESS-3
    /// (`operate_alpr_vehicle`, `view_hits`, `confirm_hits`, `query_detections`,
    /// `query_own_detections`, `manage_hot_plates`, `view_pod_video`, `download_pod_video`,
    /// `manage_users`, `audit_queries`, `manage_hot_lists`, `approve_other_use`,
    /// `place_legal_hold`, `approve_external_sharing`, `approve_special_list_sharing`,
    /// `approve_special_list`, `view_covert`) and `share` (a sharing decision) and `purge` (a
    /// retention purge); a host's records should use the same names for the same acts.
    pub action: *const u8,
    /// Its length.
    pub action_len: usize,
    /// Purpose, or NULL.
    pub purpose: *const u8,
    /// Its length.
    pub purpose_len: usize,
    /// Case number, or NULL.
    pub case_number: *const u8,
    /// Its length.
    pub case_number_len: usize,
    /// Query terms, or NULL.
    pub query_terms: *const u8,
    /// Their length.
    pub query_terms_len: usize,
    /// `ALPR_OUTCOME_*`.
    pub outcome: u32,
}

pub(crate) type Log = Mutex<AuditLog<Box<dyn AuditStore + Send>>>;

/// A hash-chained audit log (memory or append-only file). Appends are serialized by an internal
/// lock, so it may be used from multiple threads simultaneously. Free with `alpr_audit_log_free`.
pub struct alpr_audit_log {
    _private: [u8; 0],
}

impl Castable for alpr_audit_log {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = Log;
}

fn new_log(store: Box<dyn AuditStore + Send>) -> Result<*const alpr_audit_log, FfiError> {
    Ok(arc_into_ptr::<alpr_audit_log>(Mutex::new(AuditLog::open(store)?)))
}

pub(crate) fn lock(log: &Log) -> std::sync::MutexGuard<'_, AuditLog<Box<dyn AuditStore + Send>>> {
    // A panic while holding the lock cannot leave the chain half-written: append updates the
    // head only after the store accepted the entry.
    log.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A new, empty audit log in memory.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `log_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_new_memory(log_out: *mut *const alpr_audit_log) -> alpr_status {
    ffi_boundary!({
        if log_out.is_null() {
            return Err(FfiError::null("log_out"));
        }
        let log = new_log(Box::new(MemoryStore::new()))?;
        // SAFETY: checked non-NULL; valid for writes per the contract.
        unsafe { write_out(log_out, log, "log_out") }
    })
}

/// Opens (creating if missing) an append-only audit file and verifies its chain. Each append is
/// written as one line and synced to disk before it returns.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_IO`; `ALPR_STATUS_AUDIT_TORN_RECORD` (a crash cut the last
/// line); `ALPR_STATUS_AUDIT_CHAIN_BROKEN` (the file was changed; `alpr_last_error_position`
/// gives the first broken record's index); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `path` must point to `path_len` readable bytes; `log_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_open_file(
    path: *const u8,
    path_len: usize,
    log_out: *mut *const alpr_audit_log,
) -> alpr_status {
    ffi_boundary!({
        if log_out.is_null() {
            return Err(FfiError::null("log_out"));
        }
        // SAFETY: the caller's guarantee on path is passed on.
        let path = unsafe { str_in(path, path_len)? };
        let log = new_log(Box::new(FileStore::open(path)?))?;
        // SAFETY: checked non-NULL; valid for writes per the contract.
        unsafe { write_out(log_out, log, "log_out") }
    })
}

/// Borrows a required, non-blank string field of a record.
///
/// # Safety
/// As `str_in`.
unsafe fn required_str<'a>(ptr: *const u8, len: usize, name: &'static str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: the caller's guarantee is passed on.
    let s = unsafe { str_in(ptr, len)? };
    if s.trim().is_empty() {
        return Err(Error::new(Code::InvalidArgument)
            .with_detail(format!("{name} is empty"))
            .into());
    }
    Ok(s)
}

/// Borrows an optional string (NULL = absent).
///
/// # Safety
/// As `str_in`.
unsafe fn opt_str(ptr: *const u8, len: usize) -> Result<Option<String>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's guarantee is passed on.
    Ok(Some(unsafe { str_in(ptr, len)? }.to_owned()))
}

/// Appends a record and writes the new head to `*head_out` (may be NULL). Fails closed: when the
/// store cannot take the record the status is `ALPR_STATUS_AUDIT_WRITE_FAILED` and the audited
/// operation must not proceed.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_INVALID_ARGUMENT` (an unknown
/// outcome, a blank user, agency or action); `ALPR_STATUS_INVALID_DATE` (a time outside the years 0001–9999);
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER` (also for a NULL user, agency or
/// action).
///
/// # Safety
/// `log` must be a live log; `record` must point to a valid record whose string pointers are each
/// NULL (optional fields only) or point to their length in readable bytes; `head_out` must be
/// NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_append(
    log: *const alpr_audit_log,
    record: *const alpr_audit_record,
    head_out: *mut alpr_audit_head,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on log is passed on.
        let log = unsafe { arc_ref(log, "log")? };
        if record.is_null() {
            return Err(FfiError::null("record"));
        }
        // SAFETY: checked non-NULL; the caller guarantees it points to a valid record.
        let r = unsafe { &*record };
        // SAFETY: the caller guarantees each pointer/length pair.
        let (user, agency, action) = unsafe {
            (
                required_str(r.user, r.user_len, "record.user")?,
                required_str(r.agency, r.agency_len, "record.agency")?,
                required_str(r.action, r.action_len, "record.action")?,
            )
        };
        let outcome = Outcome::from_index(r.outcome)
            .ok_or_else(|| Error::new(Code::InvalidArgument).with_detail("unknown outcome"))?;
        // SAFETY (all below): the caller guarantees each pointer/length pair.
        let mut rec = AuditRecord::new(instant_in(r.time_ms, "time_ms")?, user, agency, action, outcome);
        rec.purpose = unsafe { opt_str(r.purpose, r.purpose_len)? };
        rec.case_number = unsafe { opt_str(r.case_number, r.case_number_len)? };
        rec.query_terms = unsafe { opt_str(r.query_terms, r.query_terms_len)? };
        let head = lock(log).append(rec)?;
        if !head_out.is_null() {
            // SAFETY: non-NULL, valid for writes per the contract.
            unsafe { head_out.write(head.into()) };
        }
        Ok(())
    })
}

/// The log's current head.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `log` must be a live log; `head_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_head(
    log: *const alpr_audit_log,
    head_out: *mut alpr_audit_head,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on log is passed on.
        let log = unsafe { arc_ref(log, "log")? };
        let head = lock(log).head();
        // SAFETY: the caller's guarantee on head_out is passed on.
        unsafe { write_out(head_out, head.into(), "head_out") }
    })
}

/// Verifies the whole hash chain, and against an exported head when `expected` is not NULL.
/// Writes the verified head to `*head_out` (may be NULL).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_AUDIT_CHAIN_BROKEN` (`alpr_last_error_position` gives the
/// 0-based index of the first broken record); `ALPR_STATUS_AUDIT_TRUNCATED` (the log ends before
/// `expected`); `ALPR_STATUS_AUDIT_TORN_RECORD`; `ALPR_STATUS_IO`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `log` must be a live log; `expected` must be NULL or point to a head; `head_out` must be NULL
/// or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_verify(
    log: *const alpr_audit_log,
    expected: *const alpr_audit_head,
    head_out: *mut alpr_audit_head,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on log is passed on.
        let log = unsafe { arc_ref(log, "log")? };
        let expected = if expected.is_null() {
            None
        } else {
            // SAFETY: non-NULL; the caller guarantees it points to a head.
            let e = unsafe { *expected };
            Some(Head {
                sequence: e.sequence,
                hash: e.hash,
            })
        };
        let head = lock(log).verify(expected.as_ref())?;
        if !head_out.is_null() {
            // SAFETY: non-NULL, valid for writes per the contract.
            unsafe { head_out.write(head.into()) };
        }
        Ok(())
    })
}

/// Releases a log (a file log's file is closed when the last reference goes); NULL is a no-op.
///
/// # Safety
/// `log` must be NULL or a live log, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_free(log: *const alpr_audit_log) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(log) } });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::purge_plan::alpr_purge_plan_free;
    use crate::vocab::ALPR_OUTCOME_OK;

    #[test]
    fn null_parameters_and_round_trip() {
        let mut log: *const alpr_audit_log = std::ptr::null();
        // SAFETY: valid out-pointer.
        assert_eq!(unsafe { alpr_audit_log_new_memory(&raw mut log) }, alpr_status::Ok);
        let user = "u1";
        let rec = alpr_audit_record {
            time_ms: 1_700_000_000_000,
            user: user.as_ptr(),
            user_len: user.len(),
            agency: user.as_ptr(),
            agency_len: user.len(),
            action: user.as_ptr(),
            action_len: 1,
            purpose: std::ptr::null(),
            purpose_len: 0,
            case_number: std::ptr::null(),
            case_number_len: 0,
            query_terms: std::ptr::null(),
            query_terms_len: 0,
            outcome: ALPR_OUTCOME_OK,
        };
        let mut head = alpr_audit_head::default();
        // SAFETY: live log and valid pointers.
        unsafe {
            assert_eq!(
                alpr_audit_log_append(log, &raw const rec, &raw mut head),
                alpr_status::Ok
            );
            assert_eq!(head.sequence, 1);
            let bad = alpr_audit_record { outcome: 99, ..rec };
            assert_eq!(
                alpr_audit_log_append(log, &raw const bad, &raw mut head),
                alpr_status::InvalidArgument
            );
            assert_eq!(
                alpr_audit_log_append(log, std::ptr::null(), &raw mut head),
                alpr_status::NullParameter
            );
            assert_eq!(
                alpr_audit_log_verify(log, &raw const head, std::ptr::null_mut()),
                alpr_status::Ok
            );
            let ahead = alpr_audit_head { sequence: 2, ..head };
            assert_eq!(
                alpr_audit_log_verify(log, &raw const ahead, std::ptr::null_mut()),
                alpr_status::AuditTruncated
            );
            assert_eq!(
                alpr_audit_log_head(std::ptr::null(), &raw mut head),
                alpr_status::NullParameter
            );
            alpr_audit_log_free(log);
            alpr_audit_log_free(std::ptr::null());
            alpr_purge_plan_free(std::ptr::null());
        }
    }
}
