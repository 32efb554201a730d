//! Loading hot-list files into a registry, reading back entries, list health (R-LIST-4, 5, 7).
//!
//! Every rule is in `alpr_core::hotlist`; this module translates C arguments and results.

use std::sync::Arc;

use alpr_core::hotlist::{Category, Format, ListKind, ListMeta, Registry};
use alpr_core::{Code, Error};

use crate::alpr_status;
use crate::boundary::{bytes_in, ffi_boundary, instant_in, str_in, str_out, write_out};
use crate::error::FfiError;
use crate::handle::{arc_ref, box_into_ptr, box_ref};
use crate::registry::{alpr_load_report, alpr_registry};

/// CSV with a header row (`format` argument of the load functions).
pub const ALPR_FORMAT_CSV: u32 = 0;
/// CA DOJ CLEW fixed width (`svs.tbl`, `sfr.tbl`, `slr.tbl`).
pub const ALPR_FORMAT_CA_DOJ_CLEW: u32 = 1;
/// NCIC LPR extract, fixed width.
pub const ALPR_FORMAT_NCIC_EXTRACT: u32 = 2;

/// A `standard` list (CA DOJ / NCIC): `kind` argument of the load functions.
pub const ALPR_LIST_KIND_STANDARD: u32 = 0;
/// A `special` list (informational only).
pub const ALPR_LIST_KIND_SPECIAL: u32 = 1;
/// The officers' `hot_plate` list.
pub const ALPR_LIST_KIND_HOT_PLATE: u32 = 2;
/// A `covert` list.
pub const ALPR_LIST_KIND_COVERT: u32 = 3;

/// The health of one list at a moment (R-LIST-5), filled by `alpr_registry_list_health`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct alpr_list_health {
    /// `ALPR_LIST_KIND_*`.
    pub kind: u32,
    /// 0 = most urgent … 100.
    pub priority: u32,
    /// Distinct entries in force.
    pub entries: usize,
    /// When this version was downloaded, Unix ms.
    pub loaded_at_ms: i64,
    /// Whether `generated_at_ms` is set.
    pub has_generated_at: bool,
    /// When the source generated it (the CLEW header time), Unix ms; 0 when unknown.
    pub generated_at_ms: i64,
    /// `now - loaded_at`, ms.
    pub age_ms: i64,
    /// The kind's maximum age in hours; -1 when it has none.
    pub max_age_hours: i64,
    /// Older than its kind's maximum age (still matched; hits carry `stale`).
    pub stale: bool,
}

fn invalid(detail: &'static str) -> FfiError {
    FfiError::from(Error::new(Code::InvalidArgument).with_detail(detail))
}

/// The metadata and default category of a load, from C arguments.
///
/// # Safety
/// Each pointer must be NULL (with length 0) or point to its length in readable bytes.
#[allow(clippy::too_many_arguments)]
unsafe fn load_args(
    format: u32,
    id: *const u8,
    id_len: usize,
    kind: u32,
    priority: u8,
    loaded_at_ms: i64,
    category: *const u8,
    category_len: usize,
    source: *const u8,
    source_len: usize,
) -> Result<(Format, ListMeta, Option<Category>), FfiError> {
    let format = Format::from_number(format).ok_or_else(|| invalid("unknown format"))?;
    let kind = *ListKind::ALL
        .get(kind as usize)
        .ok_or_else(|| invalid("unknown list kind"))?;
    // SAFETY: the caller's guarantees are passed on.
    let id = unsafe { str_in(id, id_len)? };
    if id.trim().is_empty() {
        return Err(invalid("empty list id"));
    }
    // SAFETY: as above.
    let category = unsafe { str_in(category, category_len)? };
    let category = if category.is_empty() {
        None
    } else {
        Some(Category::parse(category)?)
    };
    // SAFETY: as above.
    let source = unsafe { str_in(source, source_len)? };
    let meta = ListMeta {
        id: id.to_owned(),
        kind,
        priority,
        loaded_at: instant_in(loaded_at_ms, "loaded_at_ms")?,
        source: source.to_owned(),
        generated_at: None,
    };
    Ok((format, meta, category))
}

/// Loads and installs a file's bytes; writes the report.
///
/// # Safety
/// `report_out` must be NULL or valid for writes.
unsafe fn load_and_report(
    registry: &Registry,
    format: Format,
    bytes: &[u8],
    meta: ListMeta,
    category: Option<Category>,
    report_out: *mut *mut alpr_load_report,
) -> Result<(), FfiError> {
    let report = registry.load_file(format, bytes, meta, category)?;
    if !report_out.is_null() {
        // SAFETY: non-NULL and valid for writes per the contract.
        unsafe { write_out(report_out, box_into_ptr(report), "report_out")? };
    }
    Ok(())
}

/// Parses a hot-list file given as bytes (`ALPR_FORMAT_*`), validates it with the registry's
/// policy and, if the load as a whole succeeds, puts it in force as list `id` in place of its
/// previous version, atomically for concurrent matches (R-LIST-4). The bytes are UTF-8 with an
/// optional byte-order mark and `\n` or `\r\n` line ends (R-LIST-7).
///
/// `kind` is an `ALPR_LIST_KIND_*`; `category` (NULL/0 for none) is the category of records
/// that name none, e.g. `stolen_vehicle` for a CLEW SVS file; `source` is free text (NULL/0 for
/// none). `*report_out` (when not NULL) receives the load report on `ALPR_STATUS_OK`; its
/// rejections carry line, column and code. The bytes are not kept.
///
/// # Returns
/// `ALPR_STATUS_OK`; on a whole-file failure the previous version stays in force and
/// `alpr_last_error_position` gives the line: `ALPR_STATUS_INVALID_UTF8`, `ALPR_STATUS_EMPTY_FILE`,
/// `ALPR_STATUS_NO_RECORDS`, `ALPR_STATUS_INVALID_HEADER`, `ALPR_STATUS_MISSING_COLUMN`,
/// `ALPR_STATUS_TRUNCATED_FILE`, `ALPR_STATUS_RECORD_COUNT_MISMATCH`, `ALPR_STATUS_INVALID_DATE`
/// (CLEW header), `ALPR_STATUS_LINE_TOO_LONG` (CSV header), `ALPR_STATUS_TOO_MANY_REJECTED`;
/// `ALPR_STATUS_INVALID_ARGUMENT` (unknown format or kind, empty id), `ALPR_STATUS_INVALID_DATE`
/// (`loaded_at_ms` outside the years 0001–9999),
/// `ALPR_STATUS_INVALID_CATEGORY`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; each (pointer, length) pair must be NULL with length 0 or
/// point to that many readable bytes; `report_out` must be NULL or valid for writes. Thread-safe.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_registry_load_bytes(
    registry: *const alpr_registry,
    format: u32,
    id: *const u8,
    id_len: usize,
    kind: u32,
    priority: u8,
    loaded_at_ms: i64,
    category: *const u8,
    category_len: usize,
    source: *const u8,
    source_len: usize,
    bytes: *const u8,
    len: usize,
    report_out: *mut *mut alpr_load_report,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        // SAFETY: as above.
        let (format, meta, category) = unsafe {
            load_args(
                format,
                id,
                id_len,
                kind,
                priority,
                loaded_at_ms,
                category,
                category_len,
                source,
                source_len,
            )?
        };
        // SAFETY: as above.
        let bytes = unsafe { bytes_in(bytes, len)? };
        // SAFETY: as above.
        unsafe { load_and_report(r, format, bytes, meta, category, report_out) }
    })
}

/// `alpr_registry_load_bytes` reading the file at `path` (UTF-8, `path_len` bytes, no NUL needed).
/// Reading is the only I/O; the file is read whole before parsing, so a file being rewritten is
/// either loaded whole or fails (`truncated_file` for a cut-off CLEW download).
///
/// # Returns
/// As `alpr_registry_load_bytes`, and `ALPR_STATUS_IO` when the file cannot be read.
///
/// # Safety
/// As `alpr_registry_load_bytes`, with `path` for `bytes`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn alpr_registry_load_path(
    registry: *const alpr_registry,
    format: u32,
    id: *const u8,
    id_len: usize,
    kind: u32,
    priority: u8,
    loaded_at_ms: i64,
    category: *const u8,
    category_len: usize,
    source: *const u8,
    source_len: usize,
    path: *const u8,
    path_len: usize,
    report_out: *mut *mut alpr_load_report,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        // SAFETY: as above.
        let (format, meta, category) = unsafe {
            load_args(
                format,
                id,
                id_len,
                kind,
                priority,
                loaded_at_ms,
                category,
                category_len,
                source,
                source_len,
            )?
        };
        // SAFETY: as above.
        let path = unsafe { str_in(path, path_len)? };
        let bytes = std::fs::read(path).map_err(|e| {
            FfiError::from(Error::new(Code::Io).with_detail(format!("cannot read the file: {}", e.kind())))
        })?;
        // SAFETY: as above.
        unsafe { load_and_report(r, format, &bytes, meta, category, report_out) }
    })
}

/// The file's generation time (the CLEW header) of a load report: `*has_out` is false when the
/// format has none (CSV, NCIC extract, JSON lists), and `*ms_out` is then 0.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `report` must be a live report; `has_out` and `ms_out` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_load_report_generated_at(
    report: *const alpr_load_report,
    has_out: *mut bool,
    ms_out: *mut i64,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let rep = unsafe { box_ref(report, "report")? };
        let g = rep.generated_at;
        // SAFETY: as above.
        unsafe {
            write_out(has_out, g.is_some(), "has_out")?;
            write_out(ms_out, g.map_or(0, |t| t.timestamp_millis()), "ms_out")
        }
    })
}

/// The version of list `id` in force.
///
/// # Safety
/// As the exported functions' `registry`, `id`, `id_len`.
unsafe fn version(
    registry: *const alpr_registry,
    id: *const u8,
    id_len: usize,
) -> Result<Arc<alpr_core::hotlist::ListVersion>, FfiError> {
    // SAFETY: the caller's guarantees are passed on.
    let r = unsafe { arc_ref(registry, "registry")? };
    // SAFETY: as above.
    let id = unsafe { str_in(id, id_len)? };
    r.get(id).ok_or_else(|| FfiError::from(Error::new(Code::UnknownList)))
}

/// The number of distinct entries of list `id` in force (to read them back with
/// `alpr_registry_list_entry_json`).
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_UNKNOWN_LIST`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `id` must point to `id_len` readable bytes; `count_out`
/// must be valid for writes. Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_list_entry_count(
    registry: *const alpr_registry,
    id: *const u8,
    id_len: usize,
    count_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let v = unsafe { version(registry, id, id_len)? };
        // SAFETY: as above.
        unsafe { write_out(count_out, v.entries().len(), "count_out") }
    })
}

/// The `i`-th entry (in file order) of list `id` in force as a JSON object: `plate` or
/// `pattern`, and where set `jurisdiction`, `plate_type`, `category`, `record_id`,
/// `incident_date` (`YYYY-MM-DD`), `expires_at`, `vehicle` {`year`, `make`, `model`, `color`,
/// `style`}, `caution`, `attributes`. Meant for administration tools and tests, not for the
/// match path. The text contains plates: handle it as personal data.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE` (`*out_n` has the length; retry with
/// `*out_n + 1` bytes); `ALPR_STATUS_UNKNOWN_LIST`; `ALPR_STATUS_INVALID_ARGUMENT` when `i` is out
/// of range; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `id` must point to `id_len` readable bytes; `buf` must be
/// NULL (with `buf_len` 0) or point to `buf_len` writable bytes; `out_n` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_list_entry_json(
    registry: *const alpr_registry,
    id: *const u8,
    id_len: usize,
    i: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let v = unsafe { version(registry, id, id_len)? };
        let e = v.entries().get(i).ok_or_else(|| invalid("entry index out of range"))?;
        // SAFETY: as above.
        unsafe { str_out(&e.to_json().to_string(), buf, buf_len, out_n) }
    })
}

/// The health of list `id` at `now_ms` (R-LIST-5) into `*health_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_UNKNOWN_LIST`; `ALPR_STATUS_INVALID_ARGUMENT` (time out of
/// range); `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `id` must point to `id_len` readable bytes; `health_out`
/// must be valid for writes. Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_list_health(
    registry: *const alpr_registry,
    id: *const u8,
    id_len: usize,
    now_ms: i64,
    health_out: *mut alpr_list_health,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        // SAFETY: as above.
        let v = unsafe { version(registry, id, id_len)? };
        let h = v.health(instant_in(now_ms, "now_ms")?, r.policy());
        let out = alpr_list_health {
            kind: ListKind::ALL.iter().position(|k| *k == h.kind).unwrap_or(0) as u32,
            priority: u32::from(h.priority),
            entries: h.entries,
            loaded_at_ms: h.loaded_at.timestamp_millis(),
            has_generated_at: h.generated_at.is_some(),
            generated_at_ms: h.generated_at.map_or(0, |t| t.timestamp_millis()),
            age_ms: (instant_in(now_ms, "now_ms")? - h.loaded_at).num_milliseconds(),
            max_age_hours: h.max_age_hours.map_or(-1, i64::from),
            stale: h.stale,
        };
        // SAFETY: as above.
        unsafe { write_out(health_out, out, "health_out") }
    })
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
        let text = serde_json::to_string(&p.check()).unwrap_or_else(|_| "[]".to_owned());
        // SAFETY: as above.
        unsafe { str_out(&text, buf, buf_len, out_n) }
    })
}

/// As `alpr_policy_check_json` for the registry's policy, plus a `forbidden_category_loaded`
/// finding for each list in force holding entries of a forbidden category.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `buf` and `out_n` as for `alpr_policy_check_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_check_policy_json(
    registry: *const alpr_registry,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        let text = serde_json::to_string(&r.check_policy()).unwrap_or_else(|_| "[]".to_owned());
        // SAFETY: as above.
        unsafe { str_out(&text, buf, buf_len, out_n) }
    })
}
