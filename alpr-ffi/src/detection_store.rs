//! `alpr_detection_store`: stored detections. They are read only through an agency
//! (`alpr_agency_search`, `alpr_agency_retro_hits`), which decides and records first.

use alpr_core::search::{DetectionQuery, DetectionStore, DetectionStoreBuilder, Near};
use alpr_core::{Error, PlateOrPattern, Policy, Position};

use crate::alpr_status;
use crate::boundary::{ffi_boundary, instant_in, slice_in, str_in, write_out};
use crate::error::FfiError;
use crate::handle::{Castable, arc_free, arc_into_ptr, arc_ref};

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

/// Releases a store; NULL is a no-op.
///
/// # Safety
/// `store` must be NULL or a live store, not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn alpr_detection_store_free(store: *const alpr_detection_store) {
    // SAFETY: the caller gives back its reference.
    ffi_boundary!(default = (), { unsafe { arc_free(store) } });
}
