//! `alpr_audit_log`: the hash-chained audit log (`alpr_audit_record` in, `alpr_audit_head` out).

use std::ffi::c_void;
use std::sync::Mutex;

use alpr_core::audit::{AuditKey, AuditLog, AuditRecord, AuditStore, FileStore, Head, MemoryStore, Outcome};
use alpr_core::{Code, Error};

use crate::alpr_status;
use crate::boundary::{bytes_in, ffi_boundary, instant_in, str_in, write_out};
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

/// The log behind an `alpr_audit_log` handle.
pub(crate) struct Log {
    log: Mutex<AuditLog<Box<dyn AuditStore + Send>>>,
    /// Set when the log was opened over an agency's file (it holds an `agency_open` record):
    /// its records are the agency's to write, and `alpr_audit_log_append` refuses.
    agency: bool,
}

impl Log {
    /// Wraps an opened log, noting whether an agency wrote it.
    fn new(log: AuditLog<Box<dyn AuditStore + Send>>) -> Result<Log, FfiError> {
        let agency = alpr_core::agency::written_by_agency(&log)?;
        Ok(Log {
            log: Mutex::new(log),
            agency,
        })
    }
}

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
    Ok(arc_into_ptr::<alpr_audit_log>(Log::new(AuditLog::open(store)?)?))
}

pub(crate) fn lock(log: &Log) -> std::sync::MutexGuard<'_, AuditLog<Box<dyn AuditStore + Send>>> {
    // A panic while holding the lock cannot leave the chain half-written: append updates the
    // head only after the store accepted the entry.
    log.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
/// written as one line and synced to disk before it returns. The log holds the file's exclusive
/// lock until it is freed: one writer at a time (an open `alpr_agency` over the file holds it
/// too). Only regular files are opened. A file an agency has written (it holds an `agency_open`
/// record) opens for verification, heads and reports, but `alpr_audit_log_append` refuses.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_AUDIT_LOCKED` (another writer, process or handle, has it open);
/// `ALPR_STATUS_IO` (also: not a regular file); `ALPR_STATUS_AUDIT_TORN_RECORD` (a crash cut the
/// last line: see `alpr_audit_log_recover_file`); `ALPR_STATUS_AUDIT_CHAIN_BROKEN` (the file was
/// changed; `alpr_last_error_position` gives the first broken record's index);
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
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
/// `ALPR_STATUS_OK`; `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION` (the time is
/// before the last record's); `ALPR_STATUS_AUDIT_FILE_CHANGED` (a file log's file is not as this
/// log left it: another writer or an edit); `ALPR_STATUS_INVALID_ARGUMENT` (an unknown outcome, a
/// blank user, agency or action; a log opened over an agency's file, one that holds an
/// `agency_open` record: its records are the agency's to write, through `alpr_agency_*`);
/// `ALPR_STATUS_INVALID_DATE` (a time outside the years 0001–9999); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER` (also for a NULL user,
/// agency or action).
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
        if log.agency {
            return Err(Error::new(Code::InvalidArgument)
                .with_detail("this audit file is an agency's (it holds agency_open): its records are written through the alpr_agency_* functions")
                .into());
        }
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

// Audit file safety: an agency key, recovery of a torn tail, heads on a cadence.

/// Opens a file log's chain (verifying it) under `key` when it is not NULL.
///
/// # Safety
/// `key` must be NULL or point to `key_len` readable bytes.
unsafe fn open_chain(
    store: FileStore,
    key: *const u8,
    key_len: usize,
) -> Result<AuditLog<Box<dyn AuditStore + Send>>, FfiError> {
    let store: Box<dyn AuditStore + Send> = Box::new(store);
    Ok(if key.is_null() {
        AuditLog::open(store)?
    } else {
        // SAFETY: the caller's guarantee on key is passed on.
        AuditLog::open_keyed(store, AuditKey::new(unsafe { bytes_in(key, key_len)? })?)?
    })
}

/// Like `alpr_audit_log_open_file`, with the agency's secret key: the chain is then HMAC-SHA256
/// under the key, so a chain rebuilt without it fails verification. A file written without this
/// key (or with another) fails at its first record. The key is at least 16 bytes.
///
/// # Returns
/// As `alpr_audit_log_open_file`; `ALPR_STATUS_AUDIT_LOCKED` (another writer, process or
/// handle, has the file open); `ALPR_STATUS_INVALID_ARGUMENT` (a key shorter than 16 bytes).
///
/// # Safety
/// `path` must point to `path_len` readable bytes, `key` to `key_len`; `log_out` must be valid
/// for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_open_file_keyed(
    path: *const u8,
    path_len: usize,
    key: *const u8,
    key_len: usize,
    log_out: *mut *const alpr_audit_log,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on path is passed on.
        let path = unsafe { str_in(path, path_len)? };
        if key.is_null() {
            return Err(FfiError::null("key"));
        }
        if log_out.is_null() {
            return Err(FfiError::null("log_out"));
        }
        // SAFETY: the caller's guarantee on key is passed on.
        let log = unsafe { open_chain(FileStore::open(path)?, key, key_len)? };
        let log = arc_into_ptr::<alpr_audit_log>(Log::new(log)?);
        // SAFETY: checked non-NULL; valid for writes per the contract.
        unsafe { write_out(log_out, log, "log_out") }
    })
}

/// What `alpr_audit_log_recover_file` cut.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct alpr_audit_recovery {
    /// Whether a torn tail was cut (false: the file was whole, nothing was written).
    pub recovered: bool,
    /// How many bytes were cut.
    pub cut_bytes: u64,
    /// Their SHA-256.
    pub cut_sha256: [u8; 32],
    /// The sequence number of the last complete record before them.
    pub last_good_sequence: u64,
    /// The head after the recovery record (the log's head when nothing was cut).
    pub head: alpr_audit_head,
}

/// Opens an audit file whose last line may be torn (a crash mid-write): verifies the complete
/// records (under `key` when not NULL), then replaces the torn tail by a record saying what was
/// cut (action `audit_recovered`, outcome ok, by `user` of `agency` at `time_ms`; details
/// `cut_bytes`, `cut_sha256`, `last_good_sequence`), so the log continues and the loss is on the
/// record. A whole file is opened as it is. Either way the log is returned open for appending.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_AUDIT_CHAIN_BROKEN` (the complete records do not verify:
/// nothing is cut); `ALPR_STATUS_TIME_REGRESSION` (`time_ms` before the last record's);
/// `ALPR_STATUS_AUDIT_LOCKED`; `ALPR_STATUS_IO`; `ALPR_STATUS_AUDIT_WRITE_FAILED`;
/// `ALPR_STATUS_INVALID_ARGUMENT` (a short key, a time out of range); `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `path`, `user` and `agency` must point to their lengths in readable bytes, `key` to `key_len`
/// or be NULL; `log_out` and `recovery_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_recover_file(
    path: *const u8,
    path_len: usize,
    key: *const u8,
    key_len: usize,
    time_ms: i64,
    user: *const u8,
    user_len: usize,
    agency: *const u8,
    agency_len: usize,
    log_out: *mut *const alpr_audit_log,
    recovery_out: *mut alpr_audit_recovery,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY (three calls): the caller's guarantees are passed on.
        let path = unsafe { str_in(path, path_len)? };
        let user = unsafe { str_in(user, user_len)? };
        let agency = unsafe { str_in(agency, agency_len)? };
        let time = instant_in(time_ms, "time_ms")?;
        if log_out.is_null() {
            return Err(FfiError::null("log_out"));
        }
        if recovery_out.is_null() {
            return Err(FfiError::null("recovery_out"));
        }
        // SAFETY: the caller's guarantee on key is passed on.
        let mut log = unsafe { open_chain(FileStore::open_for_recovery(path)?, key, key_len)? };
        let out = match log.recover(time, user, agency)? {
            Some(r) => alpr_audit_recovery {
                recovered: true,
                cut_bytes: r.cut_bytes,
                cut_sha256: r.cut_sha256,
                last_good_sequence: r.last_good_sequence,
                head: r.head.into(),
            },
            None => alpr_audit_recovery {
                head: log.head().into(),
                ..alpr_audit_recovery::default()
            },
        };
        let log = arc_into_ptr::<alpr_audit_log>(Log::new(log)?);
        // SAFETY: both checked non-NULL; valid for writes per the contract.
        unsafe {
            recovery_out.write(out);
            log_out.write(log);
        }
        Ok(())
    })
}

/// Receives an audit log's head (see `alpr_audit_log_set_head_callback`); `head` is valid for the
/// call only.
pub type alpr_audit_head_callback = Option<unsafe extern "C" fn(userdata: *mut c_void, head: *const alpr_audit_head)>;

/// A C callback and its userdata, moved into the log.
struct HeadCallback {
    f: unsafe extern "C" fn(*mut c_void, *const alpr_audit_head),
    userdata: *mut c_void,
}

// SAFETY: `alpr_audit_log_set_head_callback` requires that the callback and `userdata` may be
// used from any thread that appends to the log; the log's lock serializes the calls.
unsafe impl Send for HeadCallback {}

impl HeadCallback {
    fn call(&self, head: Head) {
        let head = alpr_audit_head::from(head);
        // SAFETY: the function pointer and userdata are the caller's, valid per the contract of
        // alpr_audit_log_set_head_callback; head lives for the call.
        unsafe { (self.f)(self.userdata, &raw const head) }
    }
}

/// Hands the log's head to `callback(userdata, head)` after every append whose sequence number
/// is a multiple of `every`, so that heads reach another system without anyone remembering to
/// export them (replaces an earlier callback; a NULL callback stops the calls). Verify later
/// against the last head received to catch a cut tail.
///
/// The callback runs on the appending thread, inside the append, with the log locked: keep it
/// short, and never call a function on this log from it (that would deadlock).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` (`every` is 0 with a callback);
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `log` must be a live log. `callback` and `userdata` must stay usable, from any thread that
/// appends to the log, until the callback is replaced or the log is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_audit_log_set_head_callback(
    log: *const alpr_audit_log,
    every: u64,
    callback: alpr_audit_head_callback,
    userdata: *mut c_void,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantee on log is passed on.
        let log = unsafe { arc_ref(log, "log")? };
        let Some(f) = callback else {
            lock(log).stop_exporting_heads();
            return Ok(());
        };
        let every = std::num::NonZeroU64::new(every)
            .ok_or_else(|| Error::new(Code::InvalidArgument).with_detail("every must be at least 1"))?;
        let cb = HeadCallback { f, userdata };
        lock(log).export_heads(every, move |h| cb.call(h));
        Ok(())
    })
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
