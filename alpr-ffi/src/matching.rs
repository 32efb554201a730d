//! Matching reads against a registry (SPEC §3): plain C value structs in and out, no allocation
//! the caller must free.

use std::ffi::{CStr, c_char};

use alpr_core::hotlist::Category;
use alpr_core::matching::{Hit, JurisdictionOutcome, Location, MatchKind, Origin, Read, Tier};
use alpr_core::{Code, Error, Jurisdiction, PlateType};

use crate::alpr_status;
use crate::boundary::{ffi_boundary, instant_in, str_in};
use crate::error::FfiError;
use crate::handle::arc_ref;
use crate::registry::alpr_registry;

/// Match kind `exact`.
pub const ALPR_MATCH_KIND_EXACT: u32 = 0;
/// Match kind `confusable`.
pub const ALPR_MATCH_KIND_CONFUSABLE: u32 = 1;
/// Match kind `edit`.
pub const ALPR_MATCH_KIND_EDIT: u32 = 2;
/// Match kind `pattern`.
pub const ALPR_MATCH_KIND_PATTERN: u32 = 3;
/// Tier `strong`.
pub const ALPR_TIER_STRONG: u32 = 0;
/// Tier `moderate`.
pub const ALPR_TIER_MODERATE: u32 = 1;
/// Tier `weak`.
pub const ALPR_TIER_WEAK: u32 = 2;
/// Jurisdiction outcome `match`.
pub const ALPR_JURISDICTION_MATCH: u32 = 0;
/// Jurisdiction outcome `unknown`.
pub const ALPR_JURISDICTION_UNKNOWN: u32 = 1;
/// Jurisdiction outcome `mismatch`.
pub const ALPR_JURISDICTION_MISMATCH: u32 = 2;
/// Origin `vehicle` (a car-mounted unit).
pub const ALPR_ORIGIN_VEHICLE: u32 = 0;
/// Origin `fixed` (a POD or pole camera).
pub const ALPR_ORIGIN_FIXED: u32 = 1;
/// Origin `desktop` (TAS on a desk).
pub const ALPR_ORIGIN_DESKTOP: u32 = 2;
/// `alpr_hit.flags`: the list is stale (R-LIST-5).
pub const ALPR_HIT_STALE: u32 = 1;
/// `alpr_hit.flags`: both sides have a plate type and they differ (R-MATCH-4).
pub const ALPR_HIT_PLATE_TYPE_MISMATCH: u32 = 2;
/// Bytes of `alpr_hit.list_id`: ids up to 63 bytes, NUL-terminated (longer ids are cut at a
/// character boundary and `ALPR_HIT_LIST_ID_TRUNCATED` is set).
pub const ALPR_LIST_ID_BUF_LEN: usize = 64;
/// `alpr_hit.flags`: the list id did not fit `list_id` and was cut.
pub const ALPR_HIT_LIST_ID_TRUNCATED: u32 = 4;
/// Bytes of `alpr_hit.entry`: a normalized plate or pattern (at most 22 characters) and its NUL.
pub const ALPR_ENTRY_BUF_LEN: usize = 24;

const _: () = assert!(ALPR_ENTRY_BUF_LEN == 2 * alpr_core::PLATE_MAX_LEN + 4);

/// One read to match. Plain data; the library does not keep any pointer after the call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_read {
    /// Raw plate text (UTF-8, not NUL-terminated).
    pub plate: *const u8,
    /// Bytes at `plate`.
    pub plate_len: usize,
    /// Two-letter jurisdiction code, or `{0, 0}` when unknown.
    pub jurisdiction: [u8; 2],
    /// Two-character NCIC plate type, or `{0, 0}` when unknown.
    pub plate_type: [u8; 2],
    /// One of `ALPR_ORIGIN_*`.
    pub origin: u32,
    /// When the plate was seen, Unix milliseconds.
    pub observed_at_ms: i64,
    /// Device id (UTF-8), or NULL with length 0.
    pub device_id: *const u8,
    /// Bytes at `device_id`.
    pub device_id_len: usize,
    /// Latitude in degrees, or NaN when unknown (longitude is then ignored).
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// OCR confidence 0 to 1, or a negative value when unknown.
    pub confidence: f32,
}

/// One hit, as a value: everything a person deciding on it needs (R-MATCH-2).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_hit {
    /// Index of the read (0 for `alpr_registry_match`).
    pub read_index: usize,
    /// The list id, NUL-terminated.
    pub list_id: [u8; ALPR_LIST_ID_BUF_LEN],
    /// The entry's normalized plate or pattern (`7ABC123`, `7AB*`), NUL-terminated.
    pub entry: [u8; ALPR_ENTRY_BUF_LEN],
    /// The entry's index in its list version (load order after merging).
    pub entry_index: u32,
    /// One of `ALPR_LIST_KIND_*`.
    pub list_kind: u32,
    /// List priority (0 = most urgent).
    pub priority: u32,
    /// One of `ALPR_MATCH_KIND_*`.
    pub kind: u32,
    /// One of `ALPR_TIER_*` (after the stale drop).
    pub tier: u32,
    /// One of `ALPR_JURISDICTION_*`.
    pub jurisdiction: u32,
    /// Differing positions in the read: bit `i` is position `i` (0-based).
    pub positions: u32,
    /// `ALPR_HIT_STALE`, `ALPR_HIT_PLATE_TYPE_MISMATCH`, `ALPR_HIT_LIST_ID_TRUNCATED`.
    pub flags: u32,
    /// The entry's category: an index for `alpr_category_str`.
    pub category: u32,
    /// The list's age at matching time, milliseconds.
    pub list_age_ms: i64,
}

fn index_of<T: PartialEq>(all: &[T], v: &T) -> u32 {
    all.iter().position(|x| x == v).unwrap_or(0) as u32
}

pub(crate) fn hit_to_c(read_index: usize, h: &Hit) -> alpr_hit {
    let mut list_id = [0u8; ALPR_LIST_ID_BUF_LEN];
    let id = h.list_id();
    let mut cut = id.len().min(ALPR_LIST_ID_BUF_LEN - 1);
    while !id.is_char_boundary(cut) {
        cut -= 1;
    }
    list_id[..cut].copy_from_slice(&id.as_bytes()[..cut]);
    let mut entry = [0u8; ALPR_ENTRY_BUF_LEN];
    let text = h.entry_text();
    let n = text.len().min(ALPR_ENTRY_BUF_LEN - 1);
    entry[..n].copy_from_slice(&text.as_bytes()[..n]);
    let mut flags = 0;
    if h.stale {
        flags |= ALPR_HIT_STALE;
    }
    if h.plate_type_mismatch {
        flags |= ALPR_HIT_PLATE_TYPE_MISMATCH;
    }
    if cut < id.len() {
        flags |= ALPR_HIT_LIST_ID_TRUNCATED;
    }
    alpr_hit {
        read_index,
        list_id,
        entry,
        entry_index: h.entry_index,
        list_kind: index_of(alpr_core::hotlist::ListKind::ALL, &h.list_kind()),
        priority: u32::from(h.priority()),
        kind: index_of(MatchKind::ALL, &h.kind),
        tier: index_of(Tier::ALL, &h.tier),
        jurisdiction: index_of(JurisdictionOutcome::ALL, &h.jurisdiction),
        positions: u32::from(h.positions.bits()),
        flags,
        category: index_of(Category::ALL, &h.category()),
        list_age_ms: h.list_age.num_milliseconds(),
    }
}

/// Converts a C read; borrows its strings for the call.
///
/// # Safety
/// The pointers of `r` must be valid as documented on `alpr_read`.
unsafe fn read_in(r: &alpr_read) -> Result<Read<'_>, FfiError> {
    // SAFETY: passed on from the caller.
    let plate = unsafe { str_in(r.plate, r.plate_len)? };
    // SAFETY: passed on from the caller.
    let device = unsafe { str_in(r.device_id, r.device_id_len)? };
    let jurisdiction = match r.jurisdiction {
        [0, 0] => None,
        b => Some(Jurisdiction::parse(
            std::str::from_utf8(&b).map_err(|_| Error::new(Code::InvalidJurisdiction))?,
        )?),
    };
    let plate_type = match r.plate_type {
        [0, 0] => None,
        b => Some(PlateType::parse(
            std::str::from_utf8(&b).map_err(|_| Error::new(Code::InvalidPlateType))?,
        )?),
    };
    let origin = *Origin::ALL
        .get(r.origin as usize)
        .ok_or_else(|| FfiError::from(Error::new(Code::InvalidArgument).with_detail("unknown origin")))?;
    Ok(Read {
        plate,
        jurisdiction,
        plate_type,
        observed_at: instant_in(r.observed_at_ms, "observed_at_ms")?,
        origin,
        device_id: (!device.is_empty()).then_some(device),
        location: (!r.lat.is_nan()).then_some(Location { lat: r.lat, lon: r.lon }),
        confidence: (r.confidence >= 0.0).then_some(r.confidence),
    })
}

/// Copies hits into the caller's array, or reports the count needed.
///
/// # Safety
/// `hits_out` must be NULL (with `hits_cap` 0) or valid for `hits_cap` writes; `hits_n` valid
/// for writes.
unsafe fn hits_out_write(
    rows: impl ExactSizeIterator<Item = alpr_hit>,
    hits_out: *mut alpr_hit,
    hits_cap: usize,
    hits_n: *mut usize,
) -> Result<(), FfiError> {
    if hits_n.is_null() {
        return Err(FfiError::null("hits_n"));
    }
    let needed = rows.len();
    // SAFETY: checked non-NULL; valid for writes per the contract.
    unsafe { hits_n.write(needed) };
    if needed > hits_cap {
        let mut e = FfiError::insufficient(needed);
        e.message = format!("insufficient_size: {needed} hits, room for {hits_cap}");
        return Err(e);
    }
    if needed > 0 && hits_out.is_null() {
        return Err(FfiError::null("hits_out"));
    }
    for (i, row) in rows.enumerate() {
        // SAFETY: i < needed <= hits_cap, and hits_out is valid for hits_cap writes.
        unsafe { hits_out.add(i).write(row) };
    }
    Ok(())
}

/// Matches one read against the lists in force at `now_ms` (SPEC §3, R-MATCH-1…10) and copies
/// the hits, in the order of R-MATCH-9, into `hits_out`. `*hits_n` receives the number of hits —
/// also when `hits_cap` is too small (then `ALPR_STATUS_INSUFFICIENT_SIZE` and nothing is
/// copied: retry with `*hits_n` slots). Allocates nothing the caller must free.
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
        if read.is_null() {
            return Err(FfiError::null("read"));
        }
        // SAFETY: non-NULL and valid per the contract.
        let r = unsafe { read_in(&*read)? };
        let hits = reg.match_read(&r, instant_in(now_ms, "now_ms")?)?;
        // SAFETY: the caller's guarantees on hits_out/hits_n are passed on.
        unsafe { hits_out_write(hits.iter().map(|h| hit_to_c(0, h)), hits_out, hits_cap, hits_n) }
    })
}

/// Matches `reads_len` reads against one snapshot of the lists in force; the hits of read `i`
/// are exactly those `alpr_registry_match` gives for it, with `read_index = i`, grouped by read
/// in input order. `*hits_n` receives the total number of hits (also when `hits_cap` is too small:
/// `ALPR_STATUS_INSUFFICIENT_SIZE`, nothing copied).
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
        let reads: &[alpr_read] = if reads.is_null() {
            if reads_len != 0 {
                return Err(FfiError::null("reads"));
            }
            &[]
        } else {
            // SAFETY: non-NULL; the caller guarantees reads_len valid elements.
            unsafe { std::slice::from_raw_parts(reads, reads_len) }
        };
        let now = instant_in(now_ms, "now_ms")?;
        let mut converted: Vec<Read<'_>> = Vec::with_capacity(reads.len());
        let mut ok_index: Vec<u32> = Vec::with_capacity(reads.len());
        let mut statuses: Vec<u32> = vec![0; reads.len()];
        for (i, r) in reads.iter().enumerate() {
            // SAFETY: each read's pointers are valid per the contract.
            let res = unsafe { read_in(r) }.and_then(|read| {
                alpr_core::normalize(read.plate)?;
                Ok(read)
            });
            match res {
                Ok(read) => {
                    converted.push(read);
                    ok_index.push(i as u32);
                }
                Err(mut e) if statuses_out.is_null() => {
                    e.position.index = Some(i as u32);
                    return Err(e);
                }
                Err(e) => statuses[i] = e.status as u32,
            }
        }
        let out = reg.matcher().match_batch(&reg.snapshot(), &converted, now);
        if let Some((i, e)) = out.errors.into_iter().next() {
            // Normalization was checked above; kept for safety.
            let mut e = FfiError::from(e);
            e.position.index = Some(ok_index[i as usize]);
            return Err(e);
        }
        let rows = out
            .hits
            .iter()
            .map(|b| hit_to_c(ok_index[b.read as usize] as usize, &b.hit));
        // SAFETY: the caller's guarantees on hits_out/hits_n are passed on.
        unsafe { hits_out_write(rows, hits_out, hits_cap, hits_n)? };
        if !statuses_out.is_null() {
            // SAFETY: non-NULL and valid for reads_len writes per the contract.
            unsafe { std::ptr::copy_nonoverlapping(statuses.as_ptr(), statuses_out, statuses.len()) };
        }
        Ok(())
    })
}

/// Static NUL-terminated names, in the order of each vocabulary's `ALL` (checked by a test).
const MATCH_KIND_NAMES: &[&CStr] = &[c"exact", c"confusable", c"edit", c"pattern"];
const TIER_NAMES: &[&CStr] = &[c"strong", c"moderate", c"weak"];
const OUTCOME_NAMES: &[&CStr] = &[c"match", c"unknown", c"mismatch"];
const ORIGIN_NAMES: &[&CStr] = &[c"vehicle", c"fixed", c"desktop"];
const LIST_KIND_NAMES: &[&CStr] = &[c"standard", c"special", c"hot_plate", c"covert"];
const CATEGORY_NAMES: &[&CStr] = &[
    c"stolen_vehicle",
    c"stolen_plate",
    c"felony_vehicle",
    c"wanted_person",
    c"missing_person",
    c"amber_alert",
    c"protection_order",
    c"supervised_release",
    c"sex_offender",
    c"violent_person",
    c"protective_interest",
    c"gang",
    c"terrorism",
    c"immigration_violator",
    c"investigation",
    c"other",
];

fn name_of(names: &[&'static CStr], value: u32) -> *const c_char {
    names.get(value as usize).map_or(std::ptr::null(), |c| c.as_ptr())
}

/// The snake_case name of an `ALPR_MATCH_KIND_*` value (`exact`, `confusable`, `edit`, `pattern`).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_match_kind_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(MATCH_KIND_NAMES, value) })
}

/// The snake_case name of an `ALPR_TIER_*` value (`strong`, `moderate`, `weak`).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_tier_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(TIER_NAMES, value) })
}

/// The snake_case name of an `ALPR_JURISDICTION_*` outcome (`match`, `unknown`, `mismatch`).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_jurisdiction_outcome_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(OUTCOME_NAMES, value) })
}

/// The snake_case name of an `ALPR_ORIGIN_*` value (`vehicle`, `fixed`, `desktop`).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_origin_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(ORIGIN_NAMES, value) })
}

/// The snake_case name of an `ALPR_LIST_KIND_*` value.
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_list_kind_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(LIST_KIND_NAMES, value) })
}

/// The snake_case name of an `alpr_hit.category` value (`stolen_vehicle`, …).
///
/// # Returns
/// Static NUL-terminated text (never freed), or NULL for an unknown value. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_category_str(value: u32) -> *const c_char {
    ffi_boundary!(default = std::ptr::null(), { name_of(CATEGORY_NAMES, value) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hotlist::ALPR_LIST_KIND_COVERT;

    #[test]
    fn name_tables_follow_the_core_vocabularies() {
        fn same<T: Copy>(all: &[T], names: &[&CStr], name: fn(T) -> &'static str) {
            assert_eq!(all.len(), names.len());
            for (v, c) in all.iter().zip(names) {
                assert_eq!(name(*v), c.to_str().unwrap());
            }
        }
        same(MatchKind::ALL, MATCH_KIND_NAMES, MatchKind::as_str);
        same(Tier::ALL, TIER_NAMES, Tier::as_str);
        same(JurisdictionOutcome::ALL, OUTCOME_NAMES, JurisdictionOutcome::as_str);
        same(Origin::ALL, ORIGIN_NAMES, Origin::as_str);
        same(
            alpr_core::hotlist::ListKind::ALL,
            LIST_KIND_NAMES,
            alpr_core::hotlist::ListKind::as_str,
        );
        same(Category::ALL, CATEGORY_NAMES, Category::as_str);
        assert_eq!(MatchKind::ALL[ALPR_MATCH_KIND_PATTERN as usize], MatchKind::Pattern);
        assert_eq!(Tier::ALL[ALPR_TIER_WEAK as usize], Tier::Weak);
        assert_eq!(
            JurisdictionOutcome::ALL[ALPR_JURISDICTION_MISMATCH as usize],
            JurisdictionOutcome::Mismatch
        );
        assert_eq!(Origin::ALL[ALPR_ORIGIN_DESKTOP as usize], Origin::Desktop);
        assert_eq!(
            alpr_core::hotlist::ListKind::ALL[ALPR_LIST_KIND_COVERT as usize],
            alpr_core::hotlist::ListKind::Covert
        );
    }
}
