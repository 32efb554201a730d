//! `alpr_agency`: the agency context (policy, roster, legal holds, clock, audit log) and every
//! guarded operation through it. Reads of stored detections on the C ABI go only through here:
//! the access decision is taken and written to the agency's audit log before anything is read
//! (R-AUDIT-3).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use alpr_core::access::{AccessRequest, User};
use alpr_core::agency::{Agency, Clock, ListLoad, PodEvidence, RosterChange};
use alpr_core::audit::{AuditStore, FileStore, MemoryStore, ReportOptions};
use alpr_core::hotplate::HotPlateForm;
use alpr_core::retention::{ClassId, HoldKind, PlanRecord};
use alpr_core::sharing::ShareRequest;
use alpr_core::{Code, Error};

use crate::alpr_status;
use crate::audit_log::alpr_audit_head;
use crate::boundary::{bytes_in, ffi_boundary, instant_in, need, need_buf, slice_in, str_in, write_out};
use crate::detection_store::{alpr_detection_query, alpr_detection_store, query_in};
use crate::error::FfiError;
use crate::handle::{Castable, arc_free, arc_into_ptr, arc_ref, box_into_ptr};
use crate::hit::{alpr_hit, alpr_read, hit_to_c, hits_out_write, read_in};
use crate::id_list::alpr_id_list;
use crate::load_report::alpr_load_report;
use crate::policy::{alpr_policy, policy_or_default};
use crate::purge_plan::{alpr_purge_plan, alpr_retention_record};
use crate::registry::{alpr_load_options, load_args};
use crate::retro_hits::{alpr_retro_hit, alpr_retro_hits};
use crate::text::{alpr_text, text_into_ptr};

/// The agency behind an `alpr_agency` handle, over a memory or file audit store.
pub(crate) type AgencyLock = Mutex<Agency<Box<dyn AuditStore + Send>>>;

/// The agency context of `alpr-core`: it binds the policy (and a SHA-256 of its settings), the
/// audit log, the legal-hold register, the user roster, the hot lists in force and a clock.
/// Every guarded operation names its user by id (looked up in the roster; an unknown id is a
/// recorded denial), takes its time from the clock and its holds from the register, and writes
/// its audit record before anything is read or changed; when the record cannot be written the
/// operation fails with `ALPR_STATUS_AUDIT_WRITE_FAILED`.
///
/// Operations are serialized by an internal lock, so a handle may be used from multiple threads
/// simultaneously (reads of a detection store run after the record, outside the lock). Free
/// with `alpr_agency_free`.
pub struct alpr_agency {
    _private: [u8; 0],
}

impl Castable for alpr_agency {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = AgencyLock;
}

/// Locks an agency. A panic inside an operation cannot leave a half-written record: the log's
/// head moves only after the store accepted the entry.
pub(crate) fn lock(agency: &AgencyLock) -> MutexGuard<'_, Agency<Box<dyn AuditStore + Send>>> {
    agency.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Borrows an optional string: NULL is absent.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid for 'a.
unsafe fn opt_str<'a>(ptr: *const u8, len: usize) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: `ptr`: non-NULL with `len` readable bytes per the contract.
    Ok(Some(unsafe { str_in(ptr, len)? }))
}

/// Opens an agency over `clock`.
///
/// # Safety
/// Each (pointer, length) pair must be as `alpr_agency_open` documents; `policy` NULL or live.
#[allow(clippy::too_many_arguments)]
unsafe fn open(
    name: *const u8,
    name_len: usize,
    policy: *const alpr_policy,
    audit_path: *const u8,
    audit_path_len: usize,
    roster_json: *const u8,
    roster_json_len: usize,
    clock: Clock,
    agency_out: *mut *const alpr_agency,
) -> Result<(), FfiError> {
    if agency_out.is_null() {
        return Err(FfiError::null("agency_out"));
    }
    // SAFETY: `name`, `audit_path`, `roster_json`: valid as the caller guarantees.
    let (name, path, roster) = unsafe {
        (
            str_in(name, name_len)?,
            opt_str(audit_path, audit_path_len)?,
            str_in(roster_json, roster_json_len)?,
        )
    };
    if name.trim().is_empty() {
        return Err(Error::new(Code::InvalidArgument)
            .with_detail("empty agency name")
            .into());
    }
    // SAFETY: `policy`: NULL or live as the caller guarantees.
    let policy = unsafe { policy_or_default(policy)? };
    let roster = User::list_from_json(roster)?;
    let store: Box<dyn AuditStore + Send> = match path {
        None => Box::new(MemoryStore::new()),
        Some(p) => Box::new(FileStore::open(p)?),
    };
    let agency = if clock.is_system() {
        Agency::open(name, policy, store, roster)?
    } else {
        Agency::for_tests_and_replays(name, policy, store, roster, clock)?
    };
    // SAFETY: `agency_out`: checked non-NULL; valid for writes per the contract.
    unsafe {
        write_out(
            agency_out,
            arc_into_ptr::<alpr_agency>(Mutex::new(agency)),
            "agency_out",
        )
    }
}

/// Opens the agency `name` (e.g. `SPD`) with the system clock: `policy` (NULL: the built-in
/// `sacramento-525.08`), the audit log in the append-only file at `audit_path` (created when
/// missing; its chain is verified and the legal holds and other-use approvals it records are
/// taken back), or in memory when `audit_path` is NULL, and the roster as a JSON array of users
/// (`[{"id","agency","roles":[…],"account","trained_on":"YYYY-MM-DD","clearance":bool,
/// "devices":[…]}, …]`; `devices`, optional, are the ids of the user's ALPR devices: the only
/// rows a `query_own_detections` returns),
/// as the deployment's configuration holds it. The opening is recorded (`agency_open`, with the
/// roster's count and SHA-256).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` (malformed roster JSON, a user without an
/// id, trained in the future or listed twice — with its `index` — or an empty name);
/// `ALPR_STATUS_IO`; `ALPR_STATUS_AUDIT_TORN_RECORD`; `ALPR_STATUS_AUDIT_CHAIN_BROKEN`;
/// `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION` (the clock is behind the
/// log's last record); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `name` and `roster_json` must point to their length in readable bytes; `audit_path` must be
/// NULL or point to `audit_path_len` readable bytes; `policy` must be NULL or a live policy;
/// `agency_out` must be valid for writes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_agency_open(
    name: *const u8,
    name_len: usize,
    policy: *const alpr_policy,
    audit_path: *const u8,
    audit_path_len: usize,
    roster_json: *const u8,
    roster_json_len: usize,
    agency_out: *mut *const alpr_agency,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(agency_out, "agency_out")?;
        // SAFETY: every pointer as the `# Safety` section requires (the caller's guarantees).
        unsafe {
            open(
                name,
                name_len,
                policy,
                audit_path,
                audit_path_len,
                roster_json,
                roster_json_len,
                Clock::system(),
                agency_out,
            )
        }
    })
}

/// As `alpr_agency_open` with a clock that stands at `now_ms` (Unix milliseconds) until
/// `alpr_agency_set_clock_for_tests_and_replays` moves it: for tests and for replaying a recorded
/// day, never for a deployment (the time of every decision and record comes from this clock).
///
/// # Returns
/// As `alpr_agency_open`; `ALPR_STATUS_INVALID_DATE` for a time outside the years 0001–9999.
///
/// # Safety
/// As `alpr_agency_open`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_agency_open_for_tests_and_replays(
    name: *const u8,
    name_len: usize,
    policy: *const alpr_policy,
    audit_path: *const u8,
    audit_path_len: usize,
    roster_json: *const u8,
    roster_json_len: usize,
    now_ms: i64,
    agency_out: *mut *const alpr_agency,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(agency_out, "agency_out")?;
        let clock = Clock::fixed_for_tests_and_replays(instant_in(now_ms, "now_ms")?);
        // SAFETY: every pointer as the `# Safety` section requires (the caller's guarantees).
        unsafe {
            open(
                name,
                name_len,
                policy,
                audit_path,
                audit_path_len,
                roster_json,
                roster_json_len,
                clock,
                agency_out,
            )
        }
    })
}

/// Sets the clock of an agency opened with `alpr_agency_open_for_tests_and_replays` to `now_ms`.
/// A clock set behind the log's last record makes the next operation fail with
/// `ALPR_STATUS_TIME_REGRESSION`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INVALID_ARGUMENT` (the agency runs on the system clock);
/// `ALPR_STATUS_INVALID_DATE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_set_clock_for_tests_and_replays(
    agency: *const alpr_agency,
    now_ms: i64,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `agency`: live as the `# Safety` section requires.
        let a = unsafe { arc_ref(agency, "agency")? };
        let at = instant_in(now_ms, "now_ms")?;
        lock(a).clock().set_for_tests_and_replays(at)?;
        Ok(())
    })
}

/// The head of the agency's audit log (export it to detect a cut tail later).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `head_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_head(agency: *const alpr_agency, head_out: *mut alpr_audit_head) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(head_out, "head_out")?;
        // SAFETY: `agency`: live as the `# Safety` section requires.
        let a = unsafe { arc_ref(agency, "agency")? };
        let head = lock(a).head();
        // SAFETY: `head_out`: valid for writes as the `# Safety` section requires.
        unsafe { write_out(head_out, head.into(), "head_out") }
    })
}

/// An access decision through the agency for an operation the library does not carry out itself
/// (viewing POD video, …): user `user` from the roster, the clock's time, the agency's policy,
/// `request_json` as for `alpr_access_decide_json` (an `other_approved` approval must reference
/// an approval recorded by `alpr_agency_approve_other_use`). The decision is recorded first.
///
/// # Returns
/// `ALPR_STATUS_OK` (allowed); `ALPR_STATUS_ACCESS_DENIED` (recorded; the last error message
/// lists every failed check); `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION`;
/// `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON); `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` and `request_json` must point to their length in
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_authorize_json(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    request_json: *const u8,
    request_json_len: usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `agency`, `user`, `request_json`: as the `# Safety` section requires.
        let (a, user, request) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                str_in(request_json, request_json_len)?,
            )
        };
        let request = AccessRequest::from_json(request)?;
        lock(a).authorize(user, &request)?;
        Ok(())
    })
}

/// Changes the roster (`manage_users`, by `admin`), recorded: `change_json` is
/// `{"change": "put", "user": {…}}` or `{"change": "remove", "id": "…"}`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); `ALPR_STATUS_INVALID_ARGUMENT`
/// (malformed JSON, a user without an id or trained in the future, the removal of an unknown
/// id — recorded); `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION`;
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `admin` and `change_json` must point to their length in
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_manage_users_json(
    agency: *const alpr_agency,
    admin: *const u8,
    admin_len: usize,
    change_json: *const u8,
    change_json_len: usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `agency`, `admin`, `change_json`: as the `# Safety` section requires.
        let (a, admin, change) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(admin, admin_len)?,
                str_in(change_json, change_json_len)?,
            )
        };
        let change: RosterChange = alpr_core::json::from_json_text(change)?;
        lock(a).manage_users(admin, change)?;
        Ok(())
    })
}

/// The guarded partial-plate search or canvass (R-SEARCH-1, R-AUDIT-3): decides
/// `request_json` (`{"action": "query_detections" | "query_own_detections", "purpose",
/// "case_number", "approval"}`) for roster user `user` at the agency clock's time, writes the
/// decision with the query terms, the window and the legal holds that widened it to the audit
/// log — only then, and only when allowed, searches `store` under the policy's `detection`
/// retention with the register's holds and writes the ids to a new list at `*ids_out`.
///
/// A `query_own_detections` returns only the detections read by the user's own devices (the
/// roster's `devices`; none for a user without devices), and its record lists them.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded; the last error message lists every
/// failed check); `ALPR_STATUS_AUDIT_WRITE_FAILED` (nothing searched);
/// `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON, an action that
/// is not a detection query, a bad window or point); `ALPR_STATUS_INVALID_DATE`; the pattern's
/// status (`ALPR_STATUS_PATTERN_TOO_BROAD`, …); `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` and `store` must be live handles; `user` and `request_json` must point to their
/// length in readable bytes; `query` to a valid `alpr_detection_query`; `ids_out` must be valid
/// for writes. Thread-safe.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_agency_search(
    agency: *const alpr_agency,
    store: *const alpr_detection_store,
    user: *const u8,
    user_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    query: *const alpr_detection_query,
    ids_out: *mut *const alpr_id_list,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(ids_out, "ids_out")?;
        // SAFETY: `agency`, `store`, `user`, `request_json`: as the `# Safety` section requires.
        let (a, s, user, request) = unsafe {
            (
                arc_ref(agency, "agency")?,
                arc_ref(store, "store")?,
                str_in(user, user_len)?,
                str_in(request_json, request_json_len)?,
            )
        };
        let request = AccessRequest::from_json(request)?;
        let grant = {
            let mut g = lock(a);
            let policy = Arc::clone(g.policy());
            // SAFETY: `query`: valid as the `# Safety` section requires.
            let query = unsafe { query_in(query, &policy)? };
            g.record_search(user, &request, &query)?
        };
        // The record is written; the read runs outside the agency's lock.
        let ids = s.ids_of(&grant.run(s)?);
        // SAFETY: `ids_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_out(ids_out, arc_into_ptr::<alpr_id_list>(ids), "ids_out") }
    })
}

/// Retro-hits (R-SEARCH-2) through the agency: matches the version of list `list_id` in force in
/// the agency against every detection of `store` observed in the `days` 24-hour days before the
/// clock's time and not due for purge (unless held in the register). The run is an access
/// request (`request_json` as for `alpr_agency_search`) decided and recorded with the list, its
/// version, the window and the holds before anything is read; a run over a `covert` list also
/// needs `view_covert`. The hits go to a new handle at `*hits_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_UNKNOWN_LIST`; `ALPR_STATUS_ACCESS_DENIED` (recorded);
/// `ALPR_STATUS_AUDIT_WRITE_FAILED` (nothing read); `ALPR_STATUS_TIME_REGRESSION`;
/// `ALPR_STATUS_INVALID_ARGUMENT`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` and `store` must be live handles; `user`, `request_json` and `list_id` must point to
/// their length in readable bytes; `hits_out` must be valid for writes. Thread-safe.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_agency_retro_hits(
    agency: *const alpr_agency,
    store: *const alpr_detection_store,
    user: *const u8,
    user_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    list_id: *const u8,
    list_id_len: usize,
    days: u32,
    hits_out: *mut *const alpr_retro_hits,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(hits_out, "hits_out")?;
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, s, user, request, id) = unsafe {
            (
                arc_ref(agency, "agency")?,
                arc_ref(store, "store")?,
                str_in(user, user_len)?,
                str_in(request_json, request_json_len)?,
                str_in(list_id, list_id_len)?,
            )
        };
        let request = AccessRequest::from_json(request)?;
        let grant = lock(a).record_retro_hits(user, &request, id, days)?;
        let rows: Vec<alpr_retro_hit> = grant
            .run(s)?
            .iter()
            .map(|h| alpr_retro_hit {
                detection_id: h.detection_id,
                hit: hit_to_c(0, &h.hit),
            })
            .collect();
        // SAFETY: `hits_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_out(hits_out, arc_into_ptr::<alpr_retro_hits>(rows), "hits_out") }
    })
}

/// A list load through the agency (R-LIST-9, R-AUDIT-1): `user` needs `manage_hot_lists`; the
/// file's bytes are parsed and validated under the agency's policy as `options` describe them
/// (`format`, `id`, `kind`, `priority`, `category`, `source`, as for `alpr_registry_load_bytes`),
/// versioned at the agency clock's time — so `options->loaded_at_ms` must be left
/// `ALPR_TIME_UNSET` (as `alpr_load_options_init` sets it). A `special` list needs `approver`,
/// the user id of an OOI captain or designee allowed `approve_special_list` (NULL when none).
/// The `hot_list_load` record (counts, SHA-256 of the bytes, approver) is written, and only then
/// the version is put in force; a failed load is recorded too and leaves the previous version.
/// `*report_out` (when not NULL) receives the load report.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED`; `ALPR_STATUS_APPROVAL_REQUIRED` (a special
/// list without a valid approver); the file's whole-load statuses as `alpr_registry_load_bytes`;
/// `ALPR_STATUS_AUDIT_WRITE_FAILED` (nothing installed); `ALPR_STATUS_TIME_REGRESSION`;
/// `ALPR_STATUS_INVALID_ARGUMENT` (unknown or unset format or kind, empty id, priority above
/// 255, `loaded_at_ms` set); `ALPR_STATUS_INVALID_CATEGORY`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` and `bytes` must point to their length in readable
/// bytes; `options` must point to valid options whose (pointer, length) pairs are NULL with
/// length 0 or point to that many readable bytes; `approver` must be NULL (with length 0) or
/// point to `approver_len` readable bytes; `report_out` must be NULL or valid for writes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_agency_load_list(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    options: *const alpr_load_options,
    approver: *const u8,
    approver_len: usize,
    bytes: *const u8,
    len: usize,
    report_out: *mut *mut alpr_load_report,
) -> alpr_status {
    ffi_boundary!({
        need(options, "options")?;
        // SAFETY: non-NULL; the options and their pointers are valid as the `# Safety` section requires.
        let o = unsafe { &*options };
        if o.loaded_at_ms != crate::hit::ALPR_TIME_UNSET {
            return Err(FfiError::from(Error::new(Code::InvalidArgument).with_detail(
                "loaded_at_ms: an agency versions a load at its own clock; leave it ALPR_TIME_UNSET",
            )));
        }
        // The version's time is the agency clock's (set by `Agency::load_list`); the placeholder
        // given here is not used.
        // SAFETY: as above; the options' pointers are valid per the contract.
        let (format, meta, default_category, options) =
            unsafe { load_args(o, Some(alpr_core::time::Instant::default()))? };
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, user, approver, bytes) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                opt_str(approver, approver_len)?,
                bytes_in(bytes, len)?,
            )
        };
        let load = ListLoad {
            id: &meta.id,
            kind: meta.kind,
            priority: meta.priority,
            source: &meta.source,
            format,
            bytes,
            default_category,
            approver,
            options,
        };
        let report = lock(a).load_list(user, &load)?;
        if !report_out.is_null() {
            // SAFETY: `report_out`: non-NULL and valid for writes per the contract.
            unsafe { write_out(report_out, box_into_ptr::<alpr_load_report>(report), "report_out")? };
        }
        Ok(())
    })
}

/// Matches one read against the agency's lists at the clock's time (R-MATCH, R-LIST-2). Hits of
/// a `covert` list are delivered only when `viewer` (a roster user id; NULL for none, e.g. a
/// camera with no one at the console) is allowed `view_covert`; every covert hit is recorded
/// (`covert_hit`) before the answer, so an authorized user retrieves withheld hits with
/// `alpr_agency_covert_hits_json`. Hits are copied as `alpr_registry_match` does.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE` (`*hits_n` holds the count needed; nothing
/// is recorded, so the retry records each covert hit once); the read's normalization status;
/// `ALPR_STATUS_AUDIT_WRITE_FAILED` (no hit returned); `ALPR_STATUS_TIME_REGRESSION`;
/// `ALPR_STATUS_INVALID_ARGUMENT`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `viewer` NULL or pointing to `viewer_len` readable bytes;
/// `read` must point to a valid `alpr_read`; `hits_out` must be NULL (with `hits_cap` 0) or
/// valid for `hits_cap` writes; `hits_n` valid for writes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_agency_match(
    agency: *const alpr_agency,
    viewer: *const u8,
    viewer_len: usize,
    read: *const alpr_read,
    hits_out: *mut alpr_hit,
    hits_cap: usize,
    hits_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // The caller's buffer is checked before the match records any covert hit.
        need_buf(hits_out, hits_cap, hits_n, "hits_out", "hits_n")?;
        // SAFETY: `agency`, `viewer`: as the `# Safety` section requires.
        let (a, viewer) = unsafe { (arc_ref(agency, "agency")?, opt_str(viewer, viewer_len)?) };
        if read.is_null() {
            return Err(FfiError::null("read"));
        }
        // SAFETY: `read`: non-NULL and valid per the contract.
        let r = unsafe { read_in(&*read)? };
        // Room first: the answer's size is known before any covert hit is recorded.
        let hits = match lock(a).match_read_within(viewer, &r, hits_cap)? {
            Ok(hits) => hits,
            Err(needed) => {
                // SAFETY: `hits_n`: checked non-NULL above; valid for writes per the contract.
                unsafe { write_out(hits_n, needed, "hits_n")? };
                let mut e = FfiError::insufficient(needed);
                e.message = format!("insufficient_size: {needed} hits, room for {hits_cap}");
                return Err(e);
            }
        };
        // SAFETY: `hits_out`, `hits_n`: as the `# Safety` section requires.
        unsafe { hits_out_write(hits.iter().map(|h| hit_to_c(0, h)), hits_out, hits_cap, hits_n) }
    })
}

/// POD video to book as evidence (G.O. §B.2, §C.3.d(2)), for `alpr_agency_book_pod_evidence`.
/// Plain data; the library keeps no pointer after the call. Make one with
/// `alpr_pod_evidence_init()` and set every field (`property_ref` when known).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_pod_evidence {
    /// The purpose of the download (`crime_canvass`, `stolen_vehicle`, …; R-ACCESS-4).
    pub purpose: *const u8,
    /// Bytes at `purpose`.
    pub purpose_len: usize,
    /// The SPD case or incident number the video is evidence in (required).
    pub case_number: *const u8,
    /// Bytes at `case_number`.
    pub case_number_len: usize,
    /// The POD the video comes from (device id, required).
    pub device_id: *const u8,
    /// Bytes at `device_id`.
    pub device_id_len: usize,
    /// The reference to the video as downloaded: NVR export id, file name or hash (required).
    pub video_ref: *const u8,
    /// Bytes at `video_ref`.
    pub video_ref_len: usize,
    /// The Property Section's item number of the medium it was booked on (NULL with length 0
    /// when not known yet).
    pub property_ref: *const u8,
    /// Bytes at `property_ref`.
    pub property_ref_len: usize,
}

/// POD evidence with nothing set (every pointer NULL, every length 0). The documented way to make
/// an `alpr_pod_evidence`: fields added later get their default here.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_pod_evidence_init() -> alpr_pod_evidence {
    alpr_pod_evidence {
        purpose: std::ptr::null(),
        purpose_len: 0,
        case_number: std::ptr::null(),
        case_number_len: 0,
        device_id: std::ptr::null(),
        device_id_len: 0,
        video_ref: std::ptr::null(),
        video_ref_len: 0,
        property_ref: std::ptr::null(),
        property_ref_len: 0,
    }
}

/// Books POD video as evidence (G.O. §B.2, §C.3.d(2)), recorded (`pod_evidence`: purpose, case
/// number, device, video reference, property item, who, when). Booking is a download of POD
/// video: `user` needs `download_pod_video` (R-ACCESS-3) with a purpose the policy permits
/// (R-ACCESS-4) and, whatever the purpose, a case number. `*sequence_out` (when not NULL)
/// receives the record's sequence number in the audit log, the booking's receipt.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded; the last error message lists every
/// failed check, `case_number_required` among them); `ALPR_STATUS_INVALID_ARGUMENT` (a blank
/// device or video reference; recorded); `ALPR_STATUS_AUDIT_WRITE_FAILED`;
/// `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` must point to `user_len` readable bytes; `evidence`
/// must point to a valid `alpr_pod_evidence` whose (pointer, length) pairs are NULL with length
/// 0 or point to that many readable bytes; `sequence_out` must be NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_book_pod_evidence(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    evidence: *const alpr_pod_evidence,
    sequence_out: *mut u64,
) -> alpr_status {
    ffi_boundary!({
        need(evidence, "evidence")?;
        // SAFETY: `agency`, `user`: as the `# Safety` section requires; `evidence` checked
        // non-NULL and valid per the contract.
        let (a, user, e) = unsafe { (arc_ref(agency, "agency")?, str_in(user, user_len)?, &*evidence) };
        // SAFETY: the evidence's (pointer, length) pairs as the `# Safety` section requires.
        let evidence = unsafe {
            PodEvidence {
                purpose: str_in(e.purpose, e.purpose_len)?,
                case_number: str_in(e.case_number, e.case_number_len)?,
                device_id: str_in(e.device_id, e.device_id_len)?,
                video_ref: str_in(e.video_ref, e.video_ref_len)?,
                property_ref: opt_str(e.property_ref, e.property_ref_len)?,
            }
        };
        let sequence = lock(a).book_pod_evidence(user, &evidence)?;
        if !sequence_out.is_null() {
            // SAFETY: `sequence_out`: non-NULL and valid for writes per the contract.
            unsafe { write_out(sequence_out, sequence, "sequence_out")? };
        }
        Ok(())
    })
}

/// The recorded covert hits (R-LIST-2) with a time in `[from_ms, to_ms)`, for a user allowed
/// `view_covert`; the retrieval is recorded first. `*text_out` receives a JSON array of the
/// `covert_hit` audit records.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); `ALPR_STATUS_INVALID_ARGUMENT`
/// (`to_ms` before `from_ms`); `ALPR_STATUS_INVALID_DATE`; `ALPR_STATUS_AUDIT_WRITE_FAILED`;
/// `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_IO`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` must point to `user_len` readable bytes; `text_out`
/// must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_covert_hits_json(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    from_ms: i64,
    to_ms: i64,
    text_out: *mut *const alpr_text,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(text_out, "text_out")?;
        // SAFETY: `agency`, `user`: as the `# Safety` section requires.
        let (a, user) = unsafe { (arc_ref(agency, "agency")?, str_in(user, user_len)?) };
        let (from, to) = (instant_in(from_ms, "from_ms")?, instant_in(to_ms, "to_ms")?);
        let records = lock(a).covert_hits(user, from, to)?;
        // SAFETY: `text_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_json(&records, text_out) }
    })
}

/// Serializes a core value into a new text at `*text_out`.
///
/// # Safety
/// `text_out` must be valid for writes.
pub(crate) unsafe fn write_json<T: serde::Serialize>(
    value: &T,
    text_out: *mut *const alpr_text,
) -> Result<(), FfiError> {
    let json = serde_json::to_string(value)
        .map_err(|_| Error::new(Code::InvalidArgument).with_detail("result does not serialize"))?;
    // SAFETY: `text_out`: valid for writes per the contract.
    unsafe { write_out(text_out, text_into_ptr(json), "text_out") }
}

/// Enters an officer's hot plate (R-HOTPLATE, R-AUDIT-1) from a form as JSON (the shape
/// `alpr_hot_plate_validate_json` takes; its `entered_at` is replaced by the clock's time):
/// `user` needs `manage_hot_plates`; the form is validated, the `hot_plate_enter` record
/// written, and the agency's `HOT-PLATES` list rebuilt. `*id_out` receives the hot plate's id.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); the form's first violation
/// (recorded with every violation); `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON);
/// `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` and `form_json` must point to their length in readable
/// bytes; `id_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_enter_hot_plate_json(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    form_json: *const u8,
    form_json_len: usize,
    id_out: *mut u64,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(id_out, "id_out")?;
        // SAFETY: `agency`, `user`, `form_json`: as the `# Safety` section requires.
        let (a, user, form) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                str_in(form_json, form_json_len)?,
            )
        };
        let form: HotPlateForm = alpr_core::json::from_json_text(form)?;
        let id = lock(a).enter_hot_plate(user, &form)?;
        // SAFETY: `id_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_out(id_out, id, "id_out") }
    })
}

/// Removes hot plate `id` (`manage_hot_plates`), recorded (`hot_plate_remove`).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); `ALPR_STATUS_INVALID_ARGUMENT` (no
/// such hot plate; recorded); `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION`;
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` must point to `user_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_remove_hot_plate(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    id: u64,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `agency`, `user`: as the `# Safety` section requires.
        let (a, user) = unsafe { (arc_ref(agency, "agency")?, str_in(user, user_len)?) };
        lock(a).remove_hot_plate(user, id)?;
        Ok(())
    })
}

/// Places a legal hold (R-RET-6, `place_legal_hold`) on stored record `record_id` for
/// `case_number`, of `kind` (`litigation`, `evidence`, …), recorded (`legal_hold_place`). Held
/// records stay readable by searches and survive purges until released.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); `ALPR_STATUS_INVALID_ARGUMENT`
/// (unknown kind, empty case number); `ALPR_STATUS_AUDIT_WRITE_FAILED`;
/// `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user`, `case_number` and `kind` must point to their length
/// in readable bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_agency_place_legal_hold(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    record_id: u64,
    case_number: *const u8,
    case_number_len: usize,
    kind: *const u8,
    kind_len: usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, user, case, kind) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                str_in(case_number, case_number_len)?,
                str_in(kind, kind_len)?,
            )
        };
        let kind = HoldKind::parse(kind)?;
        lock(a).place_legal_hold(user, record_id, case, kind)?;
        Ok(())
    })
}

/// Releases the holds on `record_id` for `case_number`, recorded (`legal_hold_release`);
/// `*released_out` (when not NULL) receives how many were released.
///
/// # Returns
/// As `alpr_agency_place_legal_hold`.
///
/// # Safety
/// `agency` must be a live agency; `user` and `case_number` must point to their length in
/// readable bytes; `released_out` must be NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_release_legal_hold(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    record_id: u64,
    case_number: *const u8,
    case_number_len: usize,
    released_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, user, case) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                str_in(case_number, case_number_len)?,
            )
        };
        let n = lock(a).release_legal_hold(user, record_id, case)?;
        if !released_out.is_null() {
            // SAFETY: `released_out`: non-NULL and valid for writes per the contract.
            unsafe { write_out(released_out, n, "released_out")? };
        }
        Ok(())
    })
}

/// Records an approval of another use of ALPR data (G.O. §C.1.c) by `user`, who must hold one
/// of the policy's approver roles: the record is the approval, and an `other_approved` request
/// through the agency must give its `reference`. `for_user` (NULL: anyone) is the only user who
/// may rely on it; `case_number` may be NULL.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); `ALPR_STATUS_INVALID_ARGUMENT` (a
/// blank or already used reference; recorded); `ALPR_STATUS_AUDIT_WRITE_FAILED`;
/// `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user`, `reference` and `description` must point to their
/// length in readable bytes; `for_user` and `case_number` must be NULL (length 0) or point to
/// their length in readable bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_agency_approve_other_use(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    reference: *const u8,
    reference_len: usize,
    for_user: *const u8,
    for_user_len: usize,
    case_number: *const u8,
    case_number_len: usize,
    description: *const u8,
    description_len: usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, user, reference, for_user, case, description) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                str_in(reference, reference_len)?,
                opt_str(for_user, for_user_len)?,
                opt_str(case_number, case_number_len)?,
                str_in(description, description_len)?,
            )
        };
        lock(a).approve_other_use(user, reference, for_user, case, description)?;
        Ok(())
    })
}

/// Decides a share (R-SHARE) for `user` in good standing and records it (`share`) before
/// returning it: `request_json` as for `alpr_sharing_decide_json`, without `approvals` and with
/// the approval as `"approver"` (a roster user id) and `"approval_reference"` (optional). A share
/// that needs an approval (§E.3, §F.3) is allowed only when the agency finds the approver on its
/// roster with a passing decision for `approve_external_sharing` (captain of Investigations or
/// designee) or `approve_special_list_sharing` (OOI captain or designee) at its clock; the
/// decision then carries `"approved_by"` and the record the approver. Without an approver the
/// decision is `needs_approval` naming the role. `*text_out` receives the decision as JSON.
///
/// # Returns
/// `ALPR_STATUS_OK` (for a refused share too: the decision says so);
/// `ALPR_STATUS_ACCESS_DENIED` (a user not in good standing; recorded);
/// `ALPR_STATUS_APPROVAL_REQUIRED` (an approver not on the roster or not allowed to approve this
/// share; recorded); `ALPR_STATUS_INVALID_ARGUMENT` (malformed JSON; a request with `approvals`,
/// recorded); `ALPR_STATUS_AUDIT_WRITE_FAILED`;
/// `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` and `request_json` must point to their length in
/// readable bytes; `text_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_share_json(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    text_out: *mut *const alpr_text,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(text_out, "text_out")?;
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, user, request) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                str_in(request_json, request_json_len)?,
            )
        };
        let request = ShareRequest::from_json(request)?;
        let decision = lock(a).share(user, &request)?;
        // SAFETY: `text_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_json(&decision, text_out) }
    })
}

/// Plans a purge of `records` at the clock's time with the register's legal holds (R-RET-4) and
/// records its receipt (R-RET-5, `purge`) for `user` in good standing; `*plan_out` receives the
/// plan. Delete the plan's due ids only after this returns `ALPR_STATUS_OK`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); `ALPR_STATUS_INVALID_DATE` (with the
/// record's `index`); `ALPR_STATUS_AUDIT_WRITE_FAILED` (purge nothing);
/// `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` must point to `user_len` readable bytes; `records` to
/// `records_len` records (NULL when 0); `plan_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_purge(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    records: *const alpr_retention_record,
    records_len: usize,
    plan_out: *mut *const alpr_purge_plan,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(plan_out, "plan_out")?;
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, user, records) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                slice_in(records, records_len, "records")?,
            )
        };
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
        let (plan, _receipt) = lock(a).purge(user, &plan_records)?;
        // SAFETY: `plan_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_out(plan_out, arc_into_ptr::<alpr_purge_plan>(plan), "plan_out") }
    })
}

/// The end of `operator`'s shift (R-OPS-2, G.O. §C.5.d): `*upload_unverified_out` is true unless
/// the audit log holds an allowed `query_own_detections` of this operator between
/// `shift_started_ms` and now (the check of the unit's detections). Recorded (`shift_end`).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (not on the roster; recorded);
/// `ALPR_STATUS_INVALID_ARGUMENT` (a shift starting after now); `ALPR_STATUS_INVALID_DATE`;
/// `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_IO`;
/// `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `operator` must point to `operator_len` readable bytes;
/// `upload_unverified_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_shift_end(
    agency: *const alpr_agency,
    operator: *const u8,
    operator_len: usize,
    shift_started_ms: i64,
    upload_unverified_out: *mut bool,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(upload_unverified_out, "upload_unverified_out")?;
        // SAFETY: `agency`, `operator`: as the `# Safety` section requires.
        let (a, operator) = unsafe { (arc_ref(agency, "agency")?, str_in(operator, operator_len)?) };
        let started = instant_in(shift_started_ms, "shift_started_ms")?;
        let end = lock(a).shift_end(operator, started)?;
        // SAFETY: `upload_unverified_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_out(upload_unverified_out, end.upload_unverified, "upload_unverified_out") }
    })
}

/// The access review (R-ACCESS-5, G.O. §C.4.d): the roster's active accounts idle for the
/// policy's review period or never active, for `user` allowed `audit_queries`; the request is
/// recorded first. `*text_out` receives a JSON array of `{"user", "last_active_at"}`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); `ALPR_STATUS_AUDIT_WRITE_FAILED`;
/// `ALPR_STATUS_TIME_REGRESSION`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` must point to `user_len` readable bytes; `text_out`
/// must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_access_review_json(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    text_out: *mut *const alpr_text,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(text_out, "text_out")?;
        // SAFETY: `agency`, `user`: as the `# Safety` section requires.
        let (a, user) = unsafe { (arc_ref(agency, "agency")?, str_in(user, user_len)?) };
        let items = lock(a).access_review(user)?;
        // SAFETY: `text_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_json(&items, text_out) }
    })
}

/// The quarterly audit report (R-AUDIT-4, G.O. §C.4.c) of the agency's log, for `user` allowed
/// `audit_queries`; the request is recorded first. `options_json` is `{"from", "to"` (RFC 3339,
/// optional), `"seed", "sample_size", "shifts": {"user": {"start": "HH:MM:SS", "end": …}}}`;
/// `*text_out` receives the report as JSON.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_ACCESS_DENIED` (recorded); `ALPR_STATUS_INVALID_ARGUMENT`
/// (malformed options); `ALPR_STATUS_AUDIT_WRITE_FAILED`; `ALPR_STATUS_TIME_REGRESSION`;
/// `ALPR_STATUS_IO`; `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `agency` must be a live agency; `user` and `options_json` must point to their length in
/// readable bytes; `text_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_quarterly_report_json(
    agency: *const alpr_agency,
    user: *const u8,
    user_len: usize,
    options_json: *const u8,
    options_json_len: usize,
    text_out: *mut *const alpr_text,
) -> alpr_status {
    ffi_boundary!({
        // Every out-pointer is checked before anything is built or recorded.
        need(text_out, "text_out")?;
        // SAFETY: every handle and (pointer, length) pair as the `# Safety` section requires.
        let (a, user, options) = unsafe {
            (
                arc_ref(agency, "agency")?,
                str_in(user, user_len)?,
                str_in(options_json, options_json_len)?,
            )
        };
        let options: ReportOptions = alpr_core::json::from_json_text(options)?;
        let report = lock(a).quarterly_report(user, &options)?;
        // SAFETY: `text_out`: checked non-NULL above; valid for writes per the contract.
        unsafe { write_json(&report, text_out) }
    })
}

/// Releases an agency (a file log's file is closed when the last reference goes); NULL is a
/// no-op.
///
/// # Safety
/// `agency` must be NULL or a live agency, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_agency_free(agency: *const alpr_agency) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(agency) } });
}
