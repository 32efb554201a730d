//! `alpr_read` and `alpr_hit`: the value structs of matching, and their conversions.

use alpr_core::matching::{Hit, Location, MatchFields, Read};
use alpr_core::vocab::Origin;
use alpr_core::{Code, Error, Jurisdiction, PlateOrPattern, PlateType};

use crate::boundary::{DayTime, Instants, str_in};
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

/// Bytes of `alpr_hit.record_id`: ids up to 31 bytes, NUL-terminated (longer ids are cut at a
/// character boundary and `ALPR_HIT_RECORD_ID_TRUNCATED` is set).
pub const ALPR_RECORD_ID_BUF_LEN: usize = 32;

/// `alpr_hit.flags`: the entry's record id did not fit `record_id` and was cut.
pub const ALPR_HIT_RECORD_ID_TRUNCATED: u32 = 8;

/// A required `uint32_t` vocabulary field not set yet, as the initializers leave it
/// (`alpr_read.origin`, `alpr_load_options.format` and `.kind`): the call fails with
/// `ALPR_STATUS_INVALID_ARGUMENT` until it is one of the field's constants.
pub const ALPR_UNSET: u32 = 0xFFFF_FFFF;

/// `alpr_read.observed_at_ms` as set by `alpr_read_init`: not set yet (matching fails with
/// `ALPR_STATUS_INVALID_DATE` until it is a time).
pub const ALPR_TIME_UNSET: i64 = i64::MIN;

/// One read to match. Plain data; the library does not keep any pointer after the call.
///
/// Make one with `alpr_read_init()`, which sets every optional field to "unknown" (a zeroed
/// struct would mean latitude 0, longitude 0 and confidence 0), then set `plate`, `origin` and
/// `observed_at_ms` (required: left unset they fail the match) and what else the camera knows.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct alpr_read {
    /// Raw plate text (UTF-8, not NUL-terminated).
    pub plate: *const u8,
    /// Bytes at `plate`.
    pub plate_len: usize,
    /// Two-letter jurisdiction code (ASCII), or `{0, 0}` when unknown.
    pub jurisdiction: [u8; 2],
    /// Two-character NCIC plate type, or `{0, 0}` when unknown.
    pub plate_type: [u8; 2],
    /// One of `ALPR_ORIGIN_*` (required; `ALPR_UNSET` after `alpr_read_init`).
    pub origin: u32,
    /// When the plate was seen, Unix milliseconds (required; `ALPR_TIME_UNSET` after
    /// `alpr_read_init`).
    pub observed_at_ms: i64,
    /// Device id (UTF-8), or NULL with length 0.
    pub device_id: *const u8,
    /// Bytes at `device_id`.
    pub device_id_len: usize,
    /// Latitude in degrees (-90 to 90), or NaN when unknown (longitude is then ignored).
    pub lat: f64,
    /// Longitude in degrees (-180 to 180).
    pub lon: f64,
    /// OCR confidence 0 to 1, or a negative value when unknown.
    pub confidence: f32,
}

/// A read with every optional field "unknown": no plate (`NULL`, 0), jurisdiction and plate type
/// `{0, 0}`, no device, latitude and longitude NaN, confidence -1; `origin` is
/// `ALPR_UNSET` and `observed_at_ms` is `ALPR_TIME_UNSET`, which a match refuses until
/// they are set. The documented way to make an `alpr_read`: fields added later get their
/// "unknown" value here.
#[unsafe(no_mangle)]
pub extern "C" fn alpr_read_init() -> alpr_read {
    alpr_read {
        plate: std::ptr::null(),
        plate_len: 0,
        jurisdiction: [0; 2],
        plate_type: [0; 2],
        origin: ALPR_UNSET,
        observed_at_ms: ALPR_TIME_UNSET,
        device_id: std::ptr::null(),
        device_id_len: 0,
        lat: f64::NAN,
        lon: f64::NAN,
        confidence: -1.0,
    }
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
    /// The number of the list version hit (`alpr_registry_list_version`): with `list_id` it names
    /// the version `entry_index` points into. `alpr_registry_list_entry_json` given this number
    /// fails with `ALPR_STATUS_VERSION_NOT_IN_FORCE` once another version replaced it.
    pub list_version: u64,
    /// The entry's two-letter jurisdiction, or `{0, 0}` when the entry has none.
    pub entry_jurisdiction: [u8; 2],
    /// The entry's record id (NCIC number or case number), NUL-terminated; empty when none.
    pub record_id: [u8; ALPR_RECORD_ID_BUF_LEN],
}

/// Copies `text` NUL-terminated into `buf`, cut at a character boundary; true when it was cut.
fn copy_cut<const N: usize>(text: &str, buf: &mut [u8; N]) -> bool {
    let mut cut = text.len().min(N - 1);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    buf[..cut].copy_from_slice(&text.as_bytes()[..cut]);
    cut < text.len()
}

/// A `fmt::Write` into a fixed buffer (keeps the NUL), so an entry's text is written without a
/// `String` per hit.
struct FixedBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl std::fmt::Write for FixedBuf<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let room = self.buf.len() - 1 - self.len;
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        if n < s.len() { Err(std::fmt::Error) } else { Ok(()) }
    }
}

pub(crate) fn hit_to_c(read_index: usize, h: &Hit) -> alpr_hit {
    let mut list_id = [0u8; ALPR_LIST_ID_BUF_LEN];
    let id_cut = copy_cut(h.list_id(), &mut list_id);
    let e = h.entry();
    let mut entry = [0u8; ALPR_ENTRY_BUF_LEN];
    match e.key {
        // A plate's text straight from its packed form (most hits), without the formatter.
        PlateOrPattern::Plate(p) => {
            let (bytes, n) = p.to_bytes();
            entry[..n].copy_from_slice(&bytes[..n]);
        }
        // An entry's text is at most 22 bytes (checked at compile time above), so it always fits.
        PlateOrPattern::Pattern(_) => {
            let _ = std::fmt::Write::write_fmt(
                &mut FixedBuf {
                    buf: &mut entry,
                    len: 0,
                },
                format_args!("{}", e.key),
            );
        }
    }
    let mut record_id = [0u8; ALPR_RECORD_ID_BUF_LEN];
    let record_cut = e.record_id.as_deref().is_some_and(|r| copy_cut(r, &mut record_id));
    let mut entry_jurisdiction = [0u8; 2];
    if let Some(j) = e.jurisdiction {
        let b = j.as_str().as_bytes();
        let n = b.len().min(2);
        entry_jurisdiction[..n].copy_from_slice(&b[..n]);
    }
    let mut flags = 0;
    if h.stale {
        flags |= ALPR_HIT_STALE;
    }
    if h.plate_type_mismatch {
        flags |= ALPR_HIT_PLATE_TYPE_MISMATCH;
    }
    if id_cut {
        flags |= ALPR_HIT_LIST_ID_TRUNCATED;
    }
    if record_cut {
        flags |= ALPR_HIT_RECORD_ID_TRUNCATED;
    }
    alpr_hit {
        read_index,
        list_id,
        entry,
        entry_index: h.entry_index,
        list_kind: h.list_kind().number(),
        priority: u32::from(h.priority()),
        kind: h.kind.number(),
        tier: h.tier.number(),
        jurisdiction: h.jurisdiction.number(),
        positions: u32::from(h.positions.bits()),
        flags,
        category: h.category().number(),
        list_age_ms: h.list_age.num_milliseconds(),
        list_version: h.list.number(),
        entry_jurisdiction,
        record_id,
    }
}

/// Asks the CPU to start loading the entry of each hit before any is converted by [`hit_to_c`],
/// so that the cache misses on a large list's entries overlap instead of coming one after another
/// (each `alpr_hit` carries its entry's text, record id and jurisdiction; benches/README.md, C ABI
/// session 6). A hint only: nothing is read, and on other targets it does nothing.
pub(crate) fn prefetch_entries<'a>(hits: impl Iterator<Item = &'a Hit>) {
    #[cfg(target_arch = "x86_64")]
    for h in hits {
        // The fields `hit_to_c` reads, which may straddle two cache lines: their addresses are
        // computed without reading the entry.
        let e = h.entry();
        let fields: [*const i8; 3] = [
            (&raw const e.key).cast(),
            (&raw const e.record_id).cast(),
            (&raw const e.jurisdiction).cast(),
        ];
        for f in fields {
            // SAFETY: `_mm_prefetch` needs SSE, which every x86-64 CPU has (it is in the baseline
            // target); a prefetch is a hint that never faults and reads nothing into the
            // program, and `f` points into a live entry anyway.
            unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(f) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = hits;
}

/// Converts a C read; borrows its strings for the call.
///
/// # Safety
/// The pointers of `r` must be valid as documented on `alpr_read`.
pub(crate) unsafe fn read_in(r: &alpr_read) -> Result<Read<'_>, FfiError> {
    // SAFETY: passed on from the caller.
    unsafe { read_in_at(r, &mut Instants::new()) }.map_err(FfiError::from)
}

/// A read that could not be converted: boxed, so that a converted read (`Result<Read,
/// ReadError>`) moves as little more than the `Read` itself — the batch call moves one a read,
/// and failures are rare.
#[derive(Debug)]
pub(crate) struct ReadError(Box<FfiError>);

impl From<FfiError> for ReadError {
    #[cold]
    fn from(e: FfiError) -> ReadError {
        ReadError(Box::new(e))
    }
}

impl From<Error> for ReadError {
    #[cold]
    fn from(e: Error) -> ReadError {
        ReadError(Box::new(FfiError::from(e)))
    }
}

impl ReadError {
    /// The status the read fails with.
    pub(crate) fn status(&self) -> crate::error::alpr_status {
        self.0.status
    }
}

impl From<ReadError> for FfiError {
    fn from(e: ReadError) -> FfiError {
        *e.0
    }
}

/// Converts a C read as [`read_in`], its time through `times` (which remembers the UTC day of the
/// last time it converted: the reads of a batch, and a read and the call's `now`, mostly share
/// one).
///
/// # Safety
/// The pointers of `r` must be valid as documented on `alpr_read`.
// Always inlined: in the batch's iterator the read is then built in place instead of being moved
// through a returned `Result` (with the plain plate text of `hit_to_c`, measured together: batch
// C/Rust 1.24–1.29× → 1.06× by CPU time, benches/README.md, C ABI session 5).
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) unsafe fn read_in_at<'a>(r: &'a alpr_read, times: &mut Instants) -> Result<Read<'a>, ReadError> {
    // The instant is built first (`read_parts_at` calls `time` before converting the rest): this
    // early, chrono's time of day has left the store buffer by the time the read is put together
    // and copied as 64-bit words, instead of stalling that copy (benches/README.md, C ABI,
    // session 6).
    // SAFETY: passed on from the caller.
    let p = unsafe { read_parts_at(r, |ms| times.get(ms, "observed_at_ms"))? };
    Ok(Read {
        plate: p.plate,
        jurisdiction: p.jurisdiction,
        plate_type: p.plate_type,
        observed_at: p.observed_at,
        origin: p.origin,
        device_id: p.device_id,
        location: p.location,
        confidence: p.confidence,
    })
}

/// A C read converted for the batch matcher: the fields matching looks at ([`MatchFields`]),
/// every other field checked as [`read_in_at`] does (the same errors, in the same order) and not
/// kept, and the time checked but not built into an instant until an entry's expiry asks for it.
/// A block of these is a quarter of the size of one of `Read`s, and no time of day is computed a
/// read (benches/README.md, C ABI session 8).
pub(crate) struct BatchRead<'a> {
    plate: &'a str,
    jurisdiction: Option<Jurisdiction>,
    plate_type: Option<PlateType>,
    observed_at: DayTime,
}

impl MatchFields for BatchRead<'_> {
    #[inline]
    fn plate(&self) -> &str {
        self.plate
    }
    #[inline]
    fn jurisdiction(&self) -> Option<Jurisdiction> {
        self.jurisdiction
    }
    #[inline]
    fn plate_type(&self) -> Option<PlateType> {
        self.plate_type
    }
    fn observed_at(&self) -> alpr_core::time::Instant {
        self.observed_at.instant()
    }
}

/// Converts a C read for the batch matcher: the same checks and errors as [`read_in_at`].
///
/// # Safety
/// The pointers of `r` must be valid as documented on `alpr_read`.
// Always inlined, as `read_in_at`: the fields are then written straight into the batch's block.
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) unsafe fn batch_read_at<'a>(r: &'a alpr_read, times: &mut Instants) -> Result<BatchRead<'a>, ReadError> {
    // SAFETY: passed on from the caller.
    let p = unsafe { read_parts_at(r, |ms| times.day_time(ms, "observed_at_ms"))? };
    Ok(BatchRead {
        plate: p.plate,
        jurisdiction: p.jurisdiction,
        plate_type: p.plate_type,
        observed_at: p.observed_at,
    })
}

/// A C read's fields, converted and checked; the time as `time` gives it.
struct ReadParts<'a, T> {
    plate: &'a str,
    jurisdiction: Option<Jurisdiction>,
    plate_type: Option<PlateType>,
    observed_at: T,
    origin: Origin,
    device_id: Option<&'a str>,
    location: Option<Location>,
    confidence: Option<f32>,
}

/// The one conversion of a C read's fields, and the order in which their errors are reported:
/// plate, device, jurisdiction, plate type, origin, time, location, confidence. The time is
/// converted first by `time` (for the codegen reason in [`read_in_at`]) and its error checked in
/// its place.
///
/// # Safety
/// The pointers of `r` must be valid as documented on `alpr_read`.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn read_parts_at<T>(
    r: &alpr_read,
    time: impl FnOnce(i64) -> Result<T, ReadError>,
) -> Result<ReadParts<'_, T>, ReadError> {
    let observed_at = time(r.observed_at_ms);
    // SAFETY: passed on from the caller.
    let plate = unsafe { text_in(r.plate, r.plate_len)? };
    let device_id = if r.device_id_len == 0 {
        None
    } else {
        // SAFETY: passed on from the caller.
        Some(unsafe { text_in(r.device_id, r.device_id_len)? })
    };
    let jurisdiction = match r.jurisdiction {
        [0, 0] => None,
        b => Some(Jurisdiction::parse(two_chars(&b, "jurisdiction")?)?),
    };
    let plate_type = match r.plate_type {
        [0, 0] => None,
        b => Some(PlateType::parse(two_chars(&b, "plate_type")?)?),
    };
    let Some(origin) = Origin::from_number(r.origin) else {
        return Err(unknown_origin());
    };
    Ok(ReadParts {
        plate,
        jurisdiction,
        plate_type,
        observed_at: observed_at?,
        origin,
        device_id,
        location: location(r.lat, r.lon)?,
        confidence: confidence(r.confidence)?,
    })
}

#[cold]
fn unknown_origin() -> ReadError {
    ReadError::from(Error::new(Code::InvalidArgument).with_detail("unknown origin"))
}

/// A read's string field, as [`str_in`] (the same errors) with a small error type.
///
/// # Safety
/// As [`str_in`].
// Always inlined: as a call (it was, once `ascii` made it longer) it cost the batch about 4% of
// the C read conversion's profile.
#[allow(clippy::inline_always)]
#[inline(always)]
unsafe fn text_in<'a>(ptr: *const u8, len: usize) -> Result<&'a str, ReadError> {
    if ptr.is_null() || len > isize::MAX as usize {
        // SAFETY: passed on from the caller.
        return unsafe { text_in_slow(ptr, len) };
    }
    // SAFETY: non-NULL, and the caller guarantees `len` readable bytes for 'a.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    if ascii(bytes) {
        // SAFETY: every byte is below 0x80, and a sequence of ASCII bytes is valid UTF-8 (each
        // byte is a one-byte character). Plates and device ids are ASCII in practice; this skips
        // the out-of-line call of `from_utf8` for them (see benches/README.md, C ABI).
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s),
        // SAFETY: passed on from the caller.
        Err(_) => unsafe { text_in_slow(ptr, len) },
    }
}

/// `b.is_ascii()`, for a short field (a plate, a device id) in two overlapping word loads
/// instead of a loop over its bytes (the standard one goes byte by byte below 8 bytes, where
/// most plates are).
#[inline]
fn ascii(b: &[u8]) -> bool {
    const HIGH4: u32 = 0x8080_8080;
    const HIGH8: u64 = 0x8080_8080_8080_8080;
    if b.len() > 16 {
        return b.is_ascii();
    }
    if let (Some(head), Some(tail)) = (b.first_chunk::<8>(), b.last_chunk::<8>()) {
        return (u64::from_le_bytes(*head) | u64::from_le_bytes(*tail)) & HIGH8 == 0;
    }
    if let (Some(head), Some(tail)) = (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        return (u32::from_le_bytes(*head) | u32::from_le_bytes(*tail)) & HIGH4 == 0;
    }
    // 0 to 3 bytes: the first, the middle and the last are all of them.
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    (at(0) | at(b.len() / 2) | at(b.len().wrapping_sub(1))) < 0x80
}

/// [`str_in`]'s answer, for the rare inputs [`text_in`] does not take.
///
/// # Safety
/// As [`str_in`].
#[cold]
unsafe fn text_in_slow<'a>(ptr: *const u8, len: usize) -> Result<&'a str, ReadError> {
    // SAFETY: passed on from the caller.
    Ok(unsafe { str_in(ptr, len)? })
}

/// A two-byte code as text: bytes that are not UTF-8 are `invalid_utf8` (as for every string
/// crossing the ABI), with the 1-based byte in `column`.
fn two_chars<'a>(b: &'a [u8; 2], what: &str) -> Result<&'a str, ReadError> {
    std::str::from_utf8(b).map_err(|e| {
        ReadError::from(
            Error::new(Code::InvalidUtf8)
                .at_column(e.valid_up_to() as u32 + 1)
                .with_detail(format!("read {what} is not UTF-8")),
        )
    })
}

/// NaN latitude is "unknown"; otherwise both coordinates must be finite and in range.
#[inline]
fn location(lat: f64, lon: f64) -> Result<Option<Location>, ReadError> {
    if lat.is_nan() {
        return Ok(None);
    }
    if !alpr_core::geo::valid_lat_lon(lat, lon) {
        return Err(bad_location());
    }
    Ok(Some(Location { lat, lon }))
}

#[cold]
fn bad_location() -> ReadError {
    Error::new(Code::InvalidArgument)
        .with_detail("read location outside -90..90 latitude or -180..180 longitude")
        .into()
}

/// A negative or NaN confidence is "unknown"; otherwise it must be at most 1.
#[inline]
fn confidence(c: f32) -> Result<Option<f32>, ReadError> {
    if c.is_nan() || c < 0.0 {
        return Ok(None);
    }
    if c > 1.0 {
        return Err(confidence_above_one());
    }
    Ok(Some(c))
}

#[cold]
fn confidence_above_one() -> ReadError {
    Error::new(Code::InvalidArgument)
        .with_detail("read confidence above 1")
        .into()
}

/// Copies hits into the caller's array, or reports the count needed.
///
/// # Safety
/// `hits_out` must be NULL (with `hits_cap` 0) or valid for `hits_cap` writes; `hits_n` valid
/// for writes.
#[inline]
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
    // Most reads have no hit: nothing to check or copy then (any `hits_out` and `hits_cap` do).
    if needed == 0 {
        return Ok(());
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::alpr_status;

    /// The word-wise ASCII check agrees with the standard one at every length up to past its
    /// cut-off, with a non-ASCII byte at every position or none.
    #[test]
    fn ascii_agrees_with_is_ascii() {
        for n in 0..=20 {
            let clean = vec![b'7'; n];
            assert!(ascii(&clean), "{n} ASCII bytes");
            for at in 0..n {
                let mut b = clean.clone();
                b[at] = 0xC3;
                assert_eq!(ascii(&b), b.is_ascii(), "{n} bytes, a high byte at {at}");
                assert!(!ascii(&b), "{n} bytes, a high byte at {at}");
            }
        }
    }

    /// A batch read gives the matcher the same plate, jurisdiction, plate type and time as the
    /// `Read` of the single call, also for a time on another day than the converter's last and
    /// before the epoch.
    #[test]
    fn batch_read_gives_the_fields_of_the_read() {
        let plate = b"7ABC123";
        let mut r = alpr_read_init();
        r.plate = plate.as_ptr();
        r.plate_len = plate.len();
        r.origin = crate::vocab::ALPR_ORIGIN_VEHICLE;
        r.jurisdiction = *b"CA";
        r.plate_type = *b"PC";
        let mut times = Instants::new();
        for ms in [
            1_764_000_000_000,
            1_764_000_000_001,
            1_764_086_399_999,
            -1,
            0,
            -86_400_001,
            // The first and the last accepted milliseconds (0001-01-01T00:00Z, 9999-12-31T23:59:59.999Z).
            -62_135_596_800_000,
            253_402_300_799_999,
        ] {
            r.observed_at_ms = ms;
            // SAFETY: the plate pointer points to a live array of its length.
            let (read, batch) = unsafe { (read_in_at(&r, &mut Instants::new()), batch_read_at(&r, &mut times)) };
            let (read, batch) = (read.expect("a valid read"), batch.expect("a valid read"));
            assert_eq!(batch.plate(), read.plate);
            assert_eq!(batch.jurisdiction(), read.jurisdiction);
            assert_eq!(batch.plate_type(), read.plate_type);
            assert_eq!(batch.observed_at(), read.observed_at, "ms {ms}");
        }
    }

    /// The first bad field in `read_in_at`'s order is the one reported, although the time is
    /// converted before the others (for speed): a bad plate, device, jurisdiction, plate type or
    /// origin still wins over a bad time, and a bad time over a bad location or confidence.
    #[test]
    fn the_first_bad_field_wins_whatever_is_converted_first() {
        let bad_utf8 = [0xFFu8, 0x41];
        let plate = b"7ABC123";
        // The single call's conversion and the batch's give the same status.
        let status = |r: &alpr_read| {
            // SAFETY: every pointer set below points to a live array of the given length.
            let one = unsafe { read_in_at(r, &mut Instants::new()) }.map_or_else(|e| e.status(), |_| alpr_status::Ok);
            // SAFETY: as above.
            let batch =
                unsafe { batch_read_at(r, &mut Instants::new()) }.map_or_else(|e| e.status(), |_| alpr_status::Ok);
            assert_eq!(one, batch, "the batch conversion reports what the single one does");
            one
        };
        let mut r = alpr_read_init();
        r.plate = plate.as_ptr();
        r.plate_len = plate.len();
        r.origin = crate::vocab::ALPR_ORIGIN_VEHICLE;
        r.observed_at_ms = 1_764_000_000_000;
        assert_eq!(status(&r), alpr_status::Ok);
        // A time outside the years 0001–9999.
        r.observed_at_ms = i64::MAX;
        assert_eq!(status(&r), alpr_status::InvalidDate);
        r.lat = 200.0;
        assert_eq!(
            status(&r),
            alpr_status::InvalidDate,
            "the time comes before the location"
        );
        r.jurisdiction = *b"Q9";
        assert_eq!(
            status(&r),
            alpr_status::InvalidJurisdiction,
            "the jurisdiction comes before the time"
        );
        r.plate = bad_utf8.as_ptr();
        r.plate_len = bad_utf8.len();
        assert_eq!(status(&r), alpr_status::InvalidUtf8, "the plate comes first");
    }
}
