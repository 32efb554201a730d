//! Detection analytics as the order allows them (SPEC §8): the guarded partial-plate search and
//! retro-hits, each preceded by its access decision and audit record (R-SEARCH-1, R-SEARCH-2,
//! R-AUDIT-3). Results are read-only handles whose data the caller borrows until it frees them,
//! so a search is decided, audited and run exactly once whatever the size of its result.

use alpr_core::analytics::{record_retro_hits, record_search};

use crate::alpr_status;
use crate::boundary::{ffi_boundary, str_in, write_out};
use crate::error::FfiError;
use crate::governance::{alpr_audit_log, lock, user_and_request};
use crate::handle::{Castable, arc_free, arc_into_ptr, arc_ref};
use crate::matching::{alpr_hit, hit_to_c};
use crate::policy::alpr_policy;
use crate::registry::alpr_registry;
use crate::search::{alpr_detection_query, alpr_detection_store, now_and_holds, query_in};
use crate::workflow::policy_or_default;

/// A read-only list of detection ids, ascending. Free with `alpr_id_list_free`. May be read from
/// multiple threads simultaneously.
pub struct alpr_id_list {
    _private: [u8; 0],
}

impl Castable for alpr_id_list {
    type Rust = Vec<u64>;
}

/// One retro-hit: a stored detection and the hit an entry of the new list version gives it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_retro_hit {
    /// The detection's id.
    pub detection_id: u64,
    /// The hit, as `alpr_registry_match` gives it (`read_index` is 0).
    pub hit: alpr_hit,
}

/// The retro-hits of one run, ordered by detection id, then by the hit order of R-MATCH-9.
/// Free with `alpr_retro_hits_free`. May be read from multiple threads simultaneously.
pub struct alpr_retro_hits {
    _private: [u8; 0],
}

impl Castable for alpr_retro_hits {
    type Rust = Vec<alpr_retro_hit>;
}

/// Borrows the elements of a result handle: `*data_out` points to `*len_out` elements, valid
/// until the handle is freed (NULL when there are none).
///
/// # Safety
/// `handle` must be a live handle; `data_out` and `len_out` must be valid for writes.
unsafe fn borrow_data<C: Castable<Rust = Vec<T>>, T>(
    handle: *const C,
    data_out: *mut *const T,
    len_out: *mut usize,
) -> Result<(), FfiError> {
    // SAFETY: the caller's guarantees are passed on.
    let items = unsafe { arc_ref(handle, "handle")? };
    if data_out.is_null() {
        return Err(FfiError::null("data_out"));
    }
    let data = if items.is_empty() {
        std::ptr::null()
    } else {
        items.as_ptr()
    };
    // SAFETY: as above.
    unsafe { write_out(len_out, items.len(), "len_out")? };
    // SAFETY: checked non-NULL; valid for writes per the contract.
    unsafe { write_out(data_out, data, "data_out") }
}

/// The guarded partial-plate search (R-SEARCH-1): decides the access request
/// (`{"action": "query_detections" | "query_own_detections", "purpose", "case_number",
/// "approval"}`) for the user (JSON as for `alpr_access_decide_json`), writes the decision with the
/// query terms to `log` — only then, and only when allowed, searches as
/// `alpr_detection_store_search` does, and writes the ids to a new list at `*ids_out`.
///
/// For `query_own_detections` the caller keeps only the ids of the user's own devices.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (the denial is audited; the last error message
/// lists every failed check); `ALPR_STATUS_AUDIT_WRITE_FAILED` (nothing searched);
/// `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON, an action that is not a detection query, a bad
/// window, point or time); the pattern's status (`ALPR_STATUS_PATTERN_TOO_BROAD`, …);
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `store` and `log` must be live handles; `policy` NULL (the built-in profile) or live; the
/// JSON pointers must point to their length in readable bytes; `query` to a valid
/// `alpr_detection_query`; `held` to `held_len` readable ids (NULL when 0); `ids_out` must be
/// valid for writes. Thread-safe (appends to `log` are serialized).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_detection_store_search_audited(
    store: *const alpr_detection_store,
    log: *const alpr_audit_log,
    policy: *const alpr_policy,
    user_json: *const u8,
    user_json_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    query: *const alpr_detection_query,
    now_ms: i64,
    held: *const u64,
    held_len: usize,
    ids_out: *mut *const alpr_id_list,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on (here and below).
        let s = unsafe { arc_ref(store, "store")? };
        // SAFETY: as above.
        let log = unsafe { arc_ref(log, "log")? };
        // SAFETY: as above.
        let policy = unsafe { policy_or_default(policy)? };
        // SAFETY: as above.
        let (user, request) = unsafe { user_and_request(user_json, user_json_len, request_json, request_json_len)? };
        // SAFETY: as above.
        let query = unsafe { query_in(query, &policy)? };
        // SAFETY: as above.
        let (now, held) = unsafe { now_and_holds(now_ms, held, held_len)? };
        if ids_out.is_null() {
            return Err(FfiError::null("ids_out"));
        }
        // The log is locked for the record only (the guard ends with the statement), not for
        // the read.
        let recorded = record_search(&mut lock(log), &user, &request, &query, now, &policy)?;
        let ids = s.ids_of(&recorded.run(s, held)?);
        // SAFETY: checked non-NULL; valid for writes per the contract.
        unsafe { write_out(ids_out, arc_into_ptr::<alpr_id_list>(ids), "ids_out") }
    })
}

/// Borrows the ids of a list: `*data_out` points to `*len_out` ids, ascending, valid until the
/// list is freed (NULL when empty).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `list` must be a live list; `data_out` and `len_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_id_list_data(
    list: *const alpr_id_list,
    data_out: *mut *const u64,
    len_out: *mut usize,
) -> alpr_status {
    // SAFETY: the caller's guarantees are passed on.
    ffi_boundary!({ unsafe { borrow_data(list, data_out, len_out) } })
}

/// Releases a list; NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or a live list, not used again by the caller (nor any pointer borrowed
/// from it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_id_list_free(list: *const alpr_id_list) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(list) } });
}

/// Retro-hits (R-SEARCH-2): matches the version of list `list_id` now in force in `registry`
/// against every detection of `store` observed in the `days` 24-hour days before `now_ms` and not
/// due for purge (unless its id is one of the `held_len` ids at `held`), with the rules of live
/// matching under the registry's policy — each detection is a read with its own plate,
/// jurisdiction, time and device. Like a search, the run is an access request
/// (`query_detections`, with its purpose) decided and written to `log` with the list, its load
/// time and the number of days before anything is read; the hits go to a new handle at
/// `*hits_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_UNKNOWN_LIST`; `ALPR_STATUS_ACCESS_DENIED` (audited);
/// `ALPR_STATUS_AUDIT_WRITE_FAILED` (nothing read); `ALPR_STATUS_INVALID_ARGUMENT` (malformed
/// JSON, an action that is not a detection query); `ALPR_STATUS_INVALID_DATE` (a time outside
/// the years 0001–9999);
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry`, `store` and `log` must be live handles; the JSON and `list_id` pointers must point
/// to their length in readable bytes; `held` to `held_len` readable ids (NULL when 0); `hits_out`
/// must be valid for writes. Thread-safe.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_registry_retro_hits(
    registry: *const alpr_registry,
    store: *const alpr_detection_store,
    log: *const alpr_audit_log,
    user_json: *const u8,
    user_json_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    list_id: *const u8,
    list_id_len: usize,
    days: u32,
    now_ms: i64,
    held: *const u64,
    held_len: usize,
    hits_out: *mut *const alpr_retro_hits,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on (here and below).
        let reg = unsafe { arc_ref(registry, "registry")? };
        // SAFETY: as above.
        let s = unsafe { arc_ref(store, "store")? };
        // SAFETY: as above.
        let log = unsafe { arc_ref(log, "log")? };
        // SAFETY: as above.
        let (user, request) = unsafe { user_and_request(user_json, user_json_len, request_json, request_json_len)? };
        // SAFETY: as above.
        let id = unsafe { str_in(list_id, list_id_len)? };
        // SAFETY: as above.
        let (now, held) = unsafe { now_and_holds(now_ms, held, held_len)? };
        if hits_out.is_null() {
            return Err(FfiError::null("hits_out"));
        }
        let list = reg
            .get(id)
            .ok_or_else(|| alpr_core::Error::new(alpr_core::Code::UnknownList))?;
        // The log is locked for the record only, not for the (long) match.
        let recorded = record_retro_hits(&mut lock(log), &user, &request, list, days, now, reg.policy())?;
        let hits = recorded.run(s, held)?;
        let rows: Vec<alpr_retro_hit> = hits
            .iter()
            .map(|h| alpr_retro_hit {
                detection_id: h.detection_id,
                hit: hit_to_c(0, &h.hit),
            })
            .collect();
        // SAFETY: checked non-NULL; valid for writes per the contract.
        unsafe { write_out(hits_out, arc_into_ptr::<alpr_retro_hits>(rows), "hits_out") }
    })
}

/// Borrows the retro-hits of a run: `*data_out` points to `*len_out` hits, valid until the handle
/// is freed (NULL when empty).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `hits` must be a live handle; `data_out` and `len_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_retro_hits_data(
    hits: *const alpr_retro_hits,
    data_out: *mut *const alpr_retro_hit,
    len_out: *mut usize,
) -> alpr_status {
    // SAFETY: the caller's guarantees are passed on.
    ffi_boundary!({ unsafe { borrow_data(hits, data_out, len_out) } })
}

/// Releases retro-hits; NULL is a no-op.
///
/// # Safety
/// `hits` must be NULL or a live handle, not used again by the caller (nor any pointer borrowed
/// from it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_retro_hits_free(hits: *const alpr_retro_hits) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(hits) } });
}
