//! `alpr_detection_store`: stored detections and their (audited) search.

use std::collections::HashSet;

use alpr_core::analytics::record_search;
use alpr_core::search::{DetectionQuery, DetectionStore, DetectionStoreBuilder, Near, Retention};
use alpr_core::time::Instant;
use alpr_core::{Error, PlateOrPattern, Policy, Position};

use crate::access::user_and_request;
use crate::alpr_status;
use crate::audit_log::{alpr_audit_log, lock};
use crate::boundary::{ffi_boundary, instant_in, slice_in, str_in, write_out};
use crate::error::FfiError;
use crate::handle::{Castable, arc_free, arc_into_ptr, arc_ref};
use crate::id_list::alpr_id_list;
use crate::policy::{alpr_policy, policy_or_default};

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
        // SAFETY: `store`, `log`: as the `# Safety` section requires (the caller's guarantees).
        let (s, log, policy) = unsafe {
            (
                arc_ref(store, "store")?,
                arc_ref(log, "log")?,
                policy_or_default(policy)?,
            )
        };
        crate::boundary::need(ids_out, "ids_out")?;
        // SAFETY: `user_json`, `request_json`: valid as the `# Safety` section requires.
        let (user, request) = unsafe { user_and_request(user_json, user_json_len, request_json, request_json_len)? };
        // SAFETY: `query`: valid as the `# Safety` section requires.
        let query = unsafe { query_in(query, &policy)? };
        // SAFETY: `held`: valid as the `# Safety` section requires.
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

/// An immutable, indexed set of stored detections. May be used from multiple threads
/// simultaneously. Free with `alpr_detection_store_free`.
pub struct alpr_detection_store {
    _private: [u8; 0],
}

impl Castable for alpr_detection_store {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = DetectionStore;
}

fn at_index(e: Error, i: usize) -> Error {
    let p = e.position();
    e.with_position(Position {
        index: Some(u32::try_from(i).unwrap_or(u32::MAX)),
        ..p
    })
}

/// Builds a store from `n` detections given as columns: `ids` (unique), `plates[i]` (pointer to
/// `plate_lens[i]` bytes of UTF-8, normalized as R-NORM), `observed_ms` (Unix milliseconds),
/// `lat`, `lon` (degrees). Every array is read during the call only.
///
/// # Returns
/// `ALPR_STATUS_OK`; a normalization status (`ALPR_STATUS_INVALID_CHARACTER`, …) for a bad
/// plate; `ALPR_STATUS_INVALID_DATE` for a time outside the years 0001–9999;
/// `ALPR_STATUS_INVALID_ARGUMENT` for a coordinate outside its range or an id given twice — all
/// with the detection's position `index`
/// (`alpr_last_error_position`); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// Each array must point to `n` readable elements (NULL allowed when `n` is 0); each
/// `plates[i]` to `plate_lens[i]` readable bytes; `store_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_detection_store_new(
    ids: *const u64,
    plates: *const *const u8,
    plate_lens: *const usize,
    observed_ms: *const i64,
    lat: *const f64,
    lon: *const f64,
    n: usize,
    store_out: *mut *const alpr_detection_store,
) -> alpr_status {
    ffi_boundary!({
        if store_out.is_null() {
            return Err(FfiError::null("store_out"));
        }
        // SAFETY (all five): the caller guarantees n readable elements in each array.
        let ids = unsafe { slice_in(ids, n, "ids")? };
        // SAFETY: `plates`, `plate_lens`, `observed_ms`, `lat`, `lon`: as the `# Safety` section requires (the caller's guarantees).
        let (plates, plate_lens, observed, lat, lon) = unsafe {
            (
                slice_in(plates, n, "plates")?,
                slice_in(plate_lens, n, "plate_lens")?,
                slice_in(observed_ms, n, "observed_ms")?,
                slice_in(lat, n, "lat")?,
                slice_in(lon, n, "lon")?,
            )
        };
        let mut b = DetectionStoreBuilder::with_capacity(n);
        for i in 0..n {
            // SAFETY: the caller guarantees plate_lens[i] readable bytes at plates[i].
            let text = unsafe { str_in(plates[i], plate_lens[i])? };
            let plate = alpr_core::normalize(text).map_err(|e| at_index(e, i))?.plate;
            alpr_core::time::instant_from_unix_ms(observed[i]).map_err(|e| at_index(e, i))?;
            b.push_ms(ids[i], plate, None, observed[i], lat[i], lon[i], None)?;
        }
        let store = b.build()?;
        // SAFETY: checked non-NULL; valid for writes per the contract.
        unsafe { write_out(store_out, arc_into_ptr(store), "store_out") }
    })
}

/// Builds a store from a JSON array of detections, each `{"id", "plate", "observed_at"
/// (RFC 3339), "lat", "lon"}` with optional `"jurisdiction"` and `"device_id"`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` for text that is not such an array; the
/// status of the first bad detection with its position `index`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `json` must point to `json_len` readable bytes; `store_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_detection_store_from_json(
    json: *const u8,
    json_len: usize,
    store_out: *mut *const alpr_detection_store,
) -> alpr_status {
    ffi_boundary!({
        if store_out.is_null() {
            return Err(FfiError::null("store_out"));
        }
        // SAFETY: the caller's guarantee on json is passed on.
        let text = unsafe { str_in(json, json_len)? };
        let store = DetectionStore::from_json(text)?;
        // SAFETY: checked non-NULL; valid for writes per the contract.
        unsafe { write_out(store_out, arc_into_ptr(store), "store_out") }
    })
}

/// The number of detections in `*len_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `store` must be a live store; `len_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_detection_store_len(
    store: *const alpr_detection_store,
    len_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let s = unsafe { arc_ref(store, "store")? };
        // SAFETY: `len_out`: valid as the `# Safety` section requires.
        unsafe { write_out(len_out, s.len(), "len_out") }
    })
}

/// A partial-plate search (R-SEARCH-1): which plates, when and where. Plain data; the library
/// keeps no pointer after the call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_detection_query {
    /// A plate (exact search) or a pattern (`?` one character, `*` zero or more), UTF-8.
    pub pattern: *const u8,
    /// Bytes at `pattern`.
    pub pattern_len: usize,
    /// Earliest observation, Unix milliseconds, inclusive; `INT64_MIN`: open.
    pub from_ms: i64,
    /// End of the window, Unix milliseconds, exclusive; `INT64_MAX`: open.
    pub to_ms: i64,
    /// Whether to keep only detections within `radius_m` metres of (`lat`, `lon`) (canvassing).
    pub has_near: bool,
    /// Latitude of the point, degrees.
    pub lat: f64,
    /// Longitude of the point, degrees.
    pub lon: f64,
    /// Radius, metres (great-circle distance).
    pub radius_m: f64,
}

/// Converts a C query, parsing its pattern under `policy`'s limits.
///
/// # Safety
/// `query` must be NULL or point to a valid `alpr_detection_query` whose pattern is readable.
pub(crate) unsafe fn query_in(query: *const alpr_detection_query, policy: &Policy) -> Result<DetectionQuery, FfiError> {
    if query.is_null() {
        return Err(FfiError::null("query"));
    }
    // SAFETY: non-NULL and valid per the contract.
    let q = unsafe { &*query };
    // SAFETY: the caller's guarantee on the pattern is passed on.
    let text = unsafe { str_in(q.pattern, q.pattern_len)? };
    let open = |ms: i64, open: i64, what: &str| (ms != open).then(|| instant_in(ms, what)).transpose();
    Ok(DetectionQuery {
        term: PlateOrPattern::parse(text, policy.pattern_limits())?,
        from: open(q.from_ms, i64::MIN, "from_ms")?,
        to: open(q.to_ms, i64::MAX, "to_ms")?,
        near: q.has_near.then_some(Near {
            lat: q.lat,
            lon: q.lon,
            radius_m: q.radius_m,
        }),
    })
}

/// The time of the search and the held ids.
///
/// # Safety
/// `held` must point to `held_len` readable ids (NULL when 0).
pub(crate) unsafe fn now_and_holds(
    now_ms: i64,
    held: *const u64,
    held_len: usize,
) -> Result<(Instant, HashSet<u64>), FfiError> {
    // SAFETY: the caller's guarantee on held is passed on.
    let held = unsafe { slice_in(held, held_len, "held")? }.iter().copied().collect();
    Ok((instant_in(now_ms, "now_ms")?, held))
}

/// Partial-plate search (R-SEARCH-1): the ids of the detections matching `query` and not due
/// for purge at `now_ms` under the `detection` retention rule of `policy` (NULL: the built-in
/// profile) unless their id is one of the `held_len` ids at `held` (R-RET-6). The ids are
/// written ascending to `ids_out`.
///
/// This call neither decides access nor writes an audit record: it is the building block for
/// callers that do both themselves. `alpr_detection_store_search_audited` is the search that
/// R-SEARCH-1 allows on its own.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE` when more than `cap` ids match (`*n_out`
/// holds the number needed, `ids_out` is untouched); `ALPR_STATUS_PATTERN_TOO_BROAD`,
/// `ALPR_STATUS_INVALID_PATTERN` or a normalization status for the pattern;
/// `ALPR_STATUS_INVALID_ARGUMENT` for a window ending before it starts or a point or radius
/// outside its domain; `ALPR_STATUS_INVALID_DATE` for a time outside the years 0001–9999; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `store` must be a live store; `policy` NULL or a live policy; `query` must point to a valid
/// `alpr_detection_query`; `held` to `held_len` readable ids (NULL when 0); `ids_out` to `cap`
/// writable ids (NULL when 0); `n_out` must be valid for writes. Thread-safe.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_detection_store_search(
    store: *const alpr_detection_store,
    policy: *const alpr_policy,
    query: *const alpr_detection_query,
    now_ms: i64,
    held: *const u64,
    held_len: usize,
    ids_out: *mut u64,
    cap: usize,
    n_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `store`: as the `# Safety` section requires (the caller's guarantees).
        let (s, policy) = unsafe { (arc_ref(store, "store")?, crate::policy::policy_or_default(policy)?) };
        crate::boundary::need_buf(ids_out, cap, n_out, "ids_out", "n_out")?;
        // SAFETY: `query`: valid as the `# Safety` section requires.
        let query = unsafe { query_in(query, &policy)? };
        // SAFETY: `held`: valid as the `# Safety` section requires.
        let (now, held) = unsafe { now_and_holds(now_ms, held, held_len)? };
        let ids = s.search_ids(&query, &Retention::for_detections(&policy, now, held))?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { *n_out = ids.len() };
        if ids.len() > cap {
            return Err(FfiError {
                message: format!("insufficient_size: {} ids match, room for {cap}", ids.len()),
                ..FfiError::insufficient(ids.len())
            });
        }
        if !ids.is_empty() {
            if ids_out.is_null() {
                return Err(FfiError::null("ids_out"));
            }
            // SAFETY: ids_out has cap >= ids.len() writable elements and does not overlap ids.
            unsafe { std::ptr::copy_nonoverlapping(ids.as_ptr(), ids_out, ids.len()) };
        }
        Ok(())
    })
}

/// Releases a store; NULL is a no-op.
///
/// # Safety
/// `store` must be NULL or a live store, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_detection_store_free(store: *const alpr_detection_store) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(store) } });
}
