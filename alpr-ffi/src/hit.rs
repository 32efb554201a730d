//! `alpr_read` and `alpr_hit`: the value structs of matching, and their conversions.

use alpr_core::matching::{Hit, JurisdictionOutcome, Location, MatchKind, Read, Tier};
use alpr_core::vocab::{Category, Origin};
use alpr_core::{Code, Error, Jurisdiction, PlateType};

use crate::boundary::{instant_in, str_in};
use crate::error::FfiError;

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
        list_kind: index_of(alpr_core::vocab::ListKind::ALL, &h.list_kind()),
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
pub(crate) unsafe fn read_in(r: &alpr_read) -> Result<Read<'_>, FfiError> {
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
pub(crate) unsafe fn hits_out_write(
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
