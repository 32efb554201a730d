//! `alpr_registry`: the hot lists in force (load, inspect, match). Retro-hits read stored
//! detections and run only through an agency (`alpr_agency_retro_hits`).

use std::sync::Arc;

use alpr_core::hotlist::{Format, ListMeta, LoadOptions};
use alpr_core::registry::Registry;
use alpr_core::vocab::{Category, ListKind};
use alpr_core::{Code, Error};

use crate::alpr_status;
use crate::boundary::{Instants, bytes_in, ffi_boundary, instant_in, need, need_buf, str_in, str_out, write_out};
use crate::error::FfiError;
use crate::handle::{Castable, arc_free, arc_into_ptr, arc_ref, box_into_ptr};
use crate::hit::{ReadError, alpr_hit, alpr_read, batch_read_at, hit_to_c, hits_out_write, prefetch_entries};
use crate::load_report::alpr_load_report;
use crate::policy::alpr_policy;

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
    /// The number of the version in force (as `alpr_hit.list_version`).
    pub version: u64,
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

/// How to load a hot-list file: what the list is and where it came from. Plain data; the library
/// keeps no pointer after the call. Make one with `alpr_load_options_init()` and set `format`,
/// `id`, `kind` and `loaded_at_ms` (required: left unset they fail the load), and `priority`,
/// `category`, `source` and `threads` when wanted.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_load_options {
    /// One of `ALPR_FORMAT_*` (required; `ALPR_UNSET` after `alpr_load_options_init`).
    pub format: u32,
    /// The list id (UTF-8, not blank): `SVS`, `NCIC`, `HOT-PLATES`, ….
    pub id: *const u8,
    /// Bytes at `id`.
    pub id_len: usize,
    /// One of `ALPR_LIST_KIND_*` (required; `ALPR_UNSET` after the init).
    pub kind: u32,
    /// 0 = most urgent … 100 (as `alpr_hit.priority`); above 255 is `INVALID_ARGUMENT`. 100 after
    /// the init.
    pub priority: u32,
    /// When this version was downloaded, Unix ms (required; `ALPR_TIME_UNSET` after the init).
    pub loaded_at_ms: i64,
    /// The category of records that name none (e.g. `stolen_vehicle` for a CLEW SVS file), or
    /// NULL with length 0 for none.
    pub category: *const u8,
    /// Bytes at `category`.
    pub category_len: usize,
    /// Free text such as `CA DOJ` (NULL with length 0 for none).
    pub source: *const u8,
    /// Bytes at `source`.
    pub source_len: usize,
    /// The most threads the load may use: 1 (after the init) loads on the calling thread only
    /// (the library starts no thread unasked); 0 is taken as 1. A CSV file of at least 2 MiB is
    /// cut at line starts into chunks parsed and validated on scoped threads that end before
    /// the call returns. The result is the same whatever the count: entries and their order,
    /// merges, rejections and their positions, failures.
    pub threads: u32,
}

/// Load options with nothing set: format and kind `ALPR_UNSET`, no id, priority 100 (least urgent),
/// `loaded_at_ms` `ALPR_TIME_UNSET`, no category, no source, one thread. The documented way to make an
/// `alpr_load_options`: fields added later get their default here.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_load_options_init() -> alpr_load_options {
    alpr_load_options {
        format: crate::hit::ALPR_UNSET,
        id: std::ptr::null(),
        id_len: 0,
        kind: crate::hit::ALPR_UNSET,
        priority: 100,
        loaded_at_ms: crate::hit::ALPR_TIME_UNSET,
        category: std::ptr::null(),
        category_len: 0,
        source: std::ptr::null(),
        source_len: 0,
        threads: 1,
    }
}

fn invalid(detail: &'static str) -> FfiError {
    FfiError::from(Error::new(Code::InvalidArgument).with_detail(detail))
}

/// The format, metadata, default category and load options of a load, from its options; the
/// version's time is `loaded_at` when given (an agency's load: its clock sets it later), else the
/// options'.
///
/// # Safety
/// `o`'s pointers must each be NULL (with length 0) or point to their length in readable bytes.
pub(crate) unsafe fn load_args(
    o: &alpr_load_options,
    loaded_at: Option<alpr_core::time::Instant>,
) -> Result<(Format, ListMeta, Option<Category>, LoadOptions<'static>), FfiError> {
    let format = Format::from_number(o.format).ok_or_else(|| invalid("unknown or unset format"))?;
    let kind = ListKind::from_number(o.kind).ok_or_else(|| invalid("unknown or unset list kind"))?;
    let priority = u8::try_from(o.priority).map_err(|_| invalid("priority above 255"))?;
    // SAFETY: the caller's guarantees are passed on.
    let id = unsafe { str_in(o.id, o.id_len)? };
    if id.trim().is_empty() {
        return Err(invalid("empty list id"));
    }
    // SAFETY: `category`: valid as the `# Safety` section requires.
    let category = unsafe { str_in(o.category, o.category_len)? };
    let category = if category.is_empty() {
        None
    } else {
        Some(Category::parse(category)?)
    };
    // SAFETY: `source`: valid as the `# Safety` section requires.
    let source = unsafe { str_in(o.source, o.source_len)? };
    let meta = ListMeta {
        id: id.to_owned(),
        kind,
        priority,
        loaded_at: match loaded_at {
            Some(t) => t,
            None => instant_in(o.loaded_at_ms, "loaded_at_ms")?,
        },
        source: source.to_owned(),
        generated_at: None,
    };
    let threads = usize::try_from(o.threads).unwrap_or(usize::MAX);
    Ok((format, meta, category, LoadOptions::with_threads(threads)))
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
    options: LoadOptions<'_>,
    report_out: *mut *mut alpr_load_report,
) -> Result<(), FfiError> {
    let id = meta.id.clone();
    let report = registry
        .load_file_with(format, bytes, meta, category, options)
        .inspect_err(|e| {
            crate::log::warn(|| format!("list {id}: load failed, previous version stays in force: {e}"));
        })?;
    log_installed(registry, &id, &report);
    if !report_out.is_null() {
        // SAFETY: non-NULL and valid for writes per the contract.
        unsafe { write_out(report_out, box_into_ptr(report), "report_out")? };
    }
    Ok(())
}

/// The `ALPR_LOG_INFO` message of a list put in force (ids and counts only, no entry).
fn log_installed(registry: &Registry, id: &str, report: &alpr_core::hotlist::LoadReport) {
    crate::log::info(|| {
        let number = registry.get(id).map_or(0, |v| v.number());
        format!(
            "list {id}: version {number} in force, {} entries, {} rejected",
            report.accepted,
            report.rejected.len()
        )
    });
}

/// Parses a hot-list file given as bytes (`options->format`), validates it with the registry's
/// policy and, if the load as a whole succeeds, puts it in force as list `options->id` in place of
/// its previous version, atomically for concurrent matches (R-LIST-4), under a new version number
/// (`alpr_registry_list_version`). The bytes are UTF-8 with an optional byte-order mark and `\n`
/// or `\r\n` line ends (R-LIST-7).
///
/// `*report_out` (when not NULL) receives the load report on `ALPR_STATUS_OK`; its rejections
/// carry line, column and code. Neither the bytes nor the options are kept.
///
/// # Returns
/// `ALPR_STATUS_OK`; on a whole-file failure the previous version stays in force and
/// `alpr_last_error_position` gives the line: `ALPR_STATUS_INVALID_UTF8`, `ALPR_STATUS_EMPTY_FILE`,
/// `ALPR_STATUS_NO_RECORDS`, `ALPR_STATUS_INVALID_HEADER`, `ALPR_STATUS_MISSING_COLUMN`,
/// `ALPR_STATUS_TRUNCATED_FILE`, `ALPR_STATUS_RECORD_COUNT_MISMATCH`, `ALPR_STATUS_INVALID_DATE`
/// (CLEW header), `ALPR_STATUS_LINE_TOO_LONG` (CSV header), `ALPR_STATUS_TOO_MANY_REJECTED`;
/// `ALPR_STATUS_INVALID_ARGUMENT` (unknown or unset format or kind, empty id, priority above
/// 255), `ALPR_STATUS_INVALID_DATE` (`loaded_at_ms` unset or outside the years 0001–9999),
/// `ALPR_STATUS_INVALID_CATEGORY`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `options` must point to valid options whose (pointer,
/// length) pairs are NULL with length 0 or point to that many readable bytes; `bytes` likewise;
/// `report_out` must be NULL or valid for writes. Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_load_bytes(
    registry: *const alpr_registry,
    options: *const alpr_load_options,
    bytes: *const u8,
    len: usize,
    report_out: *mut *mut alpr_load_report,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        need(options, "options")?;
        // SAFETY: non-NULL; the options and their pointers are valid as the `# Safety` section requires.
        let (format, meta, category, load) = unsafe { load_args(&*options, None)? };
        // SAFETY: `bytes`: valid as the `# Safety` section requires.
        let bytes = unsafe { bytes_in(bytes, len)? };
        // SAFETY: `report_out`: valid as the `# Safety` section requires.
        unsafe { load_and_report(r, format, bytes, meta, category, load, report_out) }
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
pub unsafe extern "C" fn alpr_registry_load_path(
    registry: *const alpr_registry,
    options: *const alpr_load_options,
    path: *const u8,
    path_len: usize,
    report_out: *mut *mut alpr_load_report,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        need(options, "options")?;
        // SAFETY: non-NULL; the options and their pointers are valid as the `# Safety` section requires.
        let (format, meta, category, load) = unsafe { load_args(&*options, None)? };
        // SAFETY: `path`: valid as the `# Safety` section requires.
        let path = unsafe { str_in(path, path_len)? };
        let bytes = std::fs::read(path).map_err(|e| {
            FfiError::from(Error::new(Code::Io).with_detail(format!("cannot read the file: {}", e.kind())))
        })?;
        // SAFETY: `report_out`: valid as the `# Safety` section requires.
        unsafe { load_and_report(r, format, &bytes, meta, category, load, report_out) }
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
    // SAFETY: `registry`, `id`: as the `# Safety` section requires (the caller's guarantees).
    let (r, id) = unsafe { (arc_ref(registry, "registry")?, str_in(id, id_len)?) };
    r.get(id).ok_or_else(|| FfiError::from(Error::new(Code::UnknownList)))
}

/// The number of the version of list `id` in force (`alpr_hit.list_version` of its hits): 1 for
/// the registry's first install, increasing with every install, never reused.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_UNKNOWN_LIST`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `id` must point to `id_len` readable bytes; `version_out`
/// must be valid for writes. Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_list_version(
    registry: *const alpr_registry,
    id: *const u8,
    id_len: usize,
    version_out: *mut u64,
) -> alpr_status {
    ffi_boundary!({
        need(version_out, "version_out")?;
        // SAFETY: the caller's guarantees are passed on.
        let v = unsafe { version(registry, id, id_len)? };
        // SAFETY: `version_out`: valid as the `# Safety` section requires.
        unsafe { write_out(version_out, v.number(), "version_out") }
    })
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
        need(count_out, "count_out")?;
        // SAFETY: the caller's guarantees are passed on.
        let v = unsafe { version(registry, id, id_len)? };
        // SAFETY: `count_out`: valid as the `# Safety` section requires.
        unsafe { write_out(count_out, v.entries().len(), "count_out") }
    })
}

/// The `i`-th entry (in file order) of version `version` of list `id` as a JSON object: `plate` or
/// `pattern`, and where set `jurisdiction`, `plate_type`, `category`, `record_id`,
/// `incident_date` (`YYYY-MM-DD`), `expires_at`, `vehicle` {`year`, `make`, `model`, `color`,
/// `style`}, `caution`, `attributes`. Meant for administration tools and tests, not for the
/// match path. The text contains plates: handle it as personal data.
///
/// `version` is a hit's `list_version` (or `alpr_registry_list_version`): when that version is no
/// longer in force the call fails instead of answering from the newer one, where the same index
/// is another entry. `version` 0 means whichever version is in force.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_INSUFFICIENT_SIZE` (`*out_n` has the length; retry with
/// `*out_n + 1` bytes); `ALPR_STATUS_UNKNOWN_LIST`; `ALPR_STATUS_VERSION_NOT_IN_FORCE`;
/// `ALPR_STATUS_INVALID_ARGUMENT` when `i` is out of range; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `id` must point to `id_len` readable bytes; `buf` must be
/// NULL (with `buf_len` 0) or point to `buf_len` writable bytes; `out_n` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_list_entry_json(
    registry: *const alpr_registry,
    id: *const u8,
    id_len: usize,
    version_number: u64,
    i: usize,
    buf: *mut u8,
    buf_len: usize,
    out_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        need_buf(buf, buf_len, out_n, "buf", "out_n")?;
        // SAFETY: the caller's guarantees are passed on.
        let v = unsafe { version(registry, id, id_len)? };
        if version_number != 0 && v.number() != version_number {
            return Err(FfiError {
                status: alpr_status::VersionNotInForce,
                message: format!(
                    "version_not_in_force: version {version_number} of the list was replaced by version {}",
                    v.number()
                ),
                position: alpr_core::Position::default(),
            });
        }
        let e = v.entries().get(i).ok_or_else(|| invalid("entry index out of range"))?;
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
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
        need(health_out, "health_out")?;
        // SAFETY: `registry`: as the `# Safety` section requires (the caller's guarantees).
        let (r, v) = unsafe { (arc_ref(registry, "registry")?, version(registry, id, id_len)?) };
        let h = v.health(instant_in(now_ms, "now_ms")?, r.policy());
        let out = alpr_list_health {
            kind: h.kind.number(),
            priority: u32::from(h.priority),
            entries: h.entries,
            version: v.number(),
            loaded_at_ms: h.loaded_at.timestamp_millis(),
            has_generated_at: h.generated_at.is_some(),
            generated_at_ms: h.generated_at.map_or(0, |t| t.timestamp_millis()),
            age_ms: (instant_in(now_ms, "now_ms")? - h.loaded_at).num_milliseconds(),
            max_age_hours: h.max_age_hours.map_or(-1, i64::from),
            stale: h.stale,
        };
        // SAFETY: `health_out`: valid as the `# Safety` section requires.
        unsafe { write_out(health_out, out, "health_out") }
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
        need_buf(buf, buf_len, out_n, "buf", "out_n")?;
        let text = serde_json::to_string(&r.check_policy()).unwrap_or_else(|_| "[]".to_owned());
        // SAFETY: `buf`, `out_n`: valid as the `# Safety` section requires.
        unsafe { str_out(&text, buf, buf_len, out_n) }
    })
}

/// Matches one read against the lists in force at `now_ms` (SPEC §3, R-MATCH-1…10) and copies
/// the hits, in the order of R-MATCH-9, into `hits_out`. `*hits_n` receives the number of hits —
/// also when `hits_cap` is too small (then `ALPR_STATUS_INSUFFICIENT_SIZE` and nothing is
/// copied: retry with `*hits_n` slots). Allocates nothing the caller must free.
///
/// Hits of `covert` lists are never returned here (R-LIST-2): a registry has no viewer and no
/// audit log. Covert hits go only to a viewer allowed `view_covert`, and are recorded, through
/// `alpr_agency_match`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_EMPTY`, `ALPR_STATUS_INVALID_CHARACTER`,
/// `ALPR_STATUS_TOO_LONG` when the plate cannot be normalized (an unreadable read is an error,
/// not an empty result); `ALPR_STATUS_INVALID_JURISDICTION`, `ALPR_STATUS_INVALID_PLATE_TYPE`,
/// `ALPR_STATUS_INVALID_ARGUMENT` (origin out of range); `ALPR_STATUS_INVALID_DATE` (a time
/// outside the years 0001–9999); `ALPR_STATUS_INVALID_UTF8`;
/// `ALPR_STATUS_INSUFFICIENT_SIZE`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `read` must point to a valid `alpr_read` whose pointers
/// are valid for their lengths; `hits_out` must be valid for `hits_cap` writes (or NULL with
/// `hits_cap` 0); `hits_n` valid for writes. Thread-safe: any number of threads may match while
/// lists are loaded.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_match(
    registry: *const alpr_registry,
    read: *const alpr_read,
    now_ms: i64,
    hits_out: *mut alpr_hit,
    hits_cap: usize,
    hits_n: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let reg = unsafe { arc_ref(registry, "registry")? };
        need(read, "read")?;
        need_buf(hits_out, hits_cap, hits_n, "hits_out", "hits_n")?;
        let mut times = Instants::new();
        // SAFETY: non-NULL and valid per the contract. Every field is checked, as for the
        // batch; the read's time is built only if an entry's expiry asks for it.
        let r = unsafe { batch_read_at(&*read, &mut times)? };
        // Usually the read's own day: no second calendar conversion.
        let now = times.get(now_ms, "now_ms")?;
        let mut hits = Vec::new();
        reg.match_into(&r, now, &mut hits)?;
        // SAFETY: the caller's guarantees on hits_out/hits_n are passed on.
        unsafe { hits_out_write(hits.iter().map(|h| hit_to_c(0, h)), hits_out, hits_cap, hits_n) }
    })
}

/// Matches `reads_len` reads against one snapshot of the lists in force; the hits of read `i`
/// are exactly those `alpr_registry_match` gives for it (never a `covert` list's), with
/// `read_index = i`, grouped by read in input order. `*hits_n` receives the total number of hits (also when `hits_cap` is too small:
/// `ALPR_STATUS_INSUFFICIENT_SIZE`, nothing copied).
///
/// Sizing `hits_out`: there is no fixed bound on the hits of one read under a policy — a read
/// hits at most one time per entry in force, and pattern entries (`7AB*`) can all match the same
/// read, so the only bound is the number of entries in force (`alpr_registry_list_entry_count`
/// summed over the lists). Size from the call instead: on `ALPR_STATUS_INSUFFICIENT_SIZE`,
/// `*hits_n` is exactly the number of hits this batch needs against the snapshot it saw; retry
/// with at least that many slots (a list swapped in between can change the count: retry until
/// `ALPR_STATUS_OK`). Calling with `hits_cap` 0 first is a valid size query.
///
/// Reads that cannot be converted or normalized: when `statuses_out` is NULL the whole call fails
/// with the first such read's status (`alpr_last_error_position` gives its `index`); otherwise
/// `statuses_out[i]` receives each read's status (`ALPR_STATUS_OK` or its error) and the others are
/// matched.
///
/// # Returns
/// As `alpr_registry_match`.
///
/// # Safety
/// `reads` must point to `reads_len` valid `alpr_read`s (or be NULL with `reads_len` 0);
/// `statuses_out` NULL or valid for `reads_len` writes; otherwise as `alpr_registry_match`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_match_batch(
    registry: *const alpr_registry,
    reads: *const alpr_read,
    reads_len: usize,
    now_ms: i64,
    hits_out: *mut alpr_hit,
    hits_cap: usize,
    hits_n: *mut usize,
    statuses_out: *mut u32,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let reg = unsafe { arc_ref(registry, "registry")? };
        need_buf(hits_out, hits_cap, hits_n, "hits_out", "hits_n")?;
        let reads: &[alpr_read] = if reads.is_null() {
            if reads_len != 0 {
                return Err(FfiError::null("reads"));
            }
            &[]
        } else {
            // SAFETY: non-NULL; the caller guarantees reads_len valid elements.
            unsafe { std::slice::from_raw_parts(reads, reads_len) }
        };
        let mut times = Instants::new();
        let now = times.get(now_ms, "now_ms")?;
        let (mut hits, mut errors) = (Vec::new(), Vec::<(u32, ReadError)>::new());
        reg.match_batch_indexed(
            // SAFETY: each read's pointers are valid per the contract.
            reads.iter().map(|r| unsafe { batch_read_at(r, &mut times) }),
            now,
            &mut hits,
            &mut errors,
        );
        if statuses_out.is_null() && !errors.is_empty() {
            // The first failed read, in input order.
            let (i, e) = errors.swap_remove(0);
            let mut e = FfiError::from(e);
            e.position.index = Some(i);
            return Err(e);
        }
        prefetch_entries(hits.iter().map(|b| &b.hit));
        let rows = hits.iter().map(|b| hit_to_c(b.read as usize, &b.hit));
        // SAFETY: the caller's guarantees on hits_out/hits_n are passed on.
        unsafe { hits_out_write(rows, hits_out, hits_cap, hits_n)? };
        if !statuses_out.is_null() {
            // SAFETY: non-NULL and valid for reads_len writes per the contract.
            let statuses = unsafe { std::slice::from_raw_parts_mut(statuses_out, reads.len()) };
            statuses.fill(alpr_status::Ok as u32);
            for (i, e) in &errors {
                statuses[*i as usize] = e.status() as u32;
            }
        }
        Ok(())
    })
}

/// The set of hot lists in force, governed by one policy. May be used from multiple threads
/// simultaneously: loading a new version of a list replaces the old one atomically, and every
/// match sees either the whole old version or the whole new one (R-LIST-4). Free with
/// `alpr_registry_free`.
pub struct alpr_registry {
    _private: [u8; 0],
}

impl Castable for alpr_registry {
    type Ownership = crate::handle::OwnershipArc;
    type Rust = alpr_core::registry::Registry;
}

/// A new, empty registry governed by `policy` (NULL for the built-in `sacramento-525.08`). The
/// registry keeps its own reference to the policy.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER` when `registry_out` is NULL.
///
/// # Safety
/// `policy` must be NULL or a live policy; `registry_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_new(
    policy: *const alpr_policy,
    registry_out: *mut *const alpr_registry,
) -> alpr_status {
    ffi_boundary!({
        need(registry_out, "registry_out")?;
        // SAFETY: the caller's guarantee on policy is passed on.
        let policy = unsafe { crate::policy::policy_or_default(policy)? };
        let r = alpr_core::registry::Registry::new(policy);
        // SAFETY: the caller's guarantee on registry_out is passed on.
        unsafe { write_out(registry_out, arc_into_ptr(r), "registry_out") }
    })
}

/// The number of lists in force in `*count_out`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `count_out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_list_count(
    registry: *const alpr_registry,
    count_out: *mut usize,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: the caller's guarantees are passed on.
        let r = unsafe { arc_ref(registry, "registry")? };
        // SAFETY: `count_out`: valid as the `# Safety` section requires.
        unsafe { write_out(count_out, r.snapshot().len(), "count_out") }
    })
}

/// Releases a registry; NULL is a no-op. Lists in use by a running match stay alive until it
/// returns.
///
/// # Safety
/// `registry` must be NULL or a live registry, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_free(registry: *const alpr_registry) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(registry) } });
}

/// Loads a list given as JSON text — `{"id", "kind", "priority", "loaded_at", "source"?,
/// "entries": [{"plate" | "pattern", "jurisdiction"?, "plate_type"?, "category"?, …}]}` — validates
/// it with the registry's policy and, if the load as a whole succeeds, puts it in force in place of
/// the previous version of the same id (atomically for concurrent matches). `*report_out` (when not
/// NULL) receives the load report on `ALPR_STATUS_OK`.
///
/// # Returns
/// `ALPR_STATUS_OK`; `ALPR_STATUS_TOO_MANY_REJECTED` (the previous version stays in force);
/// `ALPR_STATUS_INVALID_ARGUMENT` for JSON that is not such a list (`alpr_last_error_position`
/// gives line and column); `ALPR_STATUS_INVALID_UTF8`; `ALPR_STATUS_NULL_PARAMETER`.
///
/// # Safety
/// `registry` must be a live registry; `json` must point to `json_len` readable bytes;
/// `report_out` must be NULL or valid for writes. Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_registry_load_json(
    registry: *const alpr_registry,
    json: *const u8,
    json_len: usize,
    report_out: *mut *mut alpr_load_report,
) -> alpr_status {
    ffi_boundary!({
        // SAFETY: `registry`, `json`: as the `# Safety` section requires (the caller's guarantees).
        let (r, text) = unsafe { (arc_ref(registry, "registry")?, crate::boundary::str_in(json, json_len)?) };
        let list = alpr_core::registry::RawList::from_json(text)?;
        let id = list.meta.id.clone();
        let report = r.load(list.meta, &list.entries).inspect_err(|e| {
            crate::log::warn(|| format!("list {id}: load failed, previous version stays in force: {e}"));
        })?;
        log_installed(r, &id, &report);
        if !report_out.is_null() {
            // SAFETY: non-NULL and valid for writes per the contract.
            unsafe { write_out(report_out, box_into_ptr(report), "report_out")? };
        }
        Ok(())
    })
}
