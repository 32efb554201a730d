//! The one boundary every exported function goes through: panics are caught, failures become a
//! status and the thread's last-error detail, and raw inputs are checked before use.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{FfiError, alpr_status};

thread_local! {
    /// The detail of this thread's last failure (never contains a plate).
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
    /// Where this thread's last failure happened.
    static LAST_POSITION: std::cell::Cell<alpr_core::Position> = const { std::cell::Cell::new(
        alpr_core::Position { line: None, column: None, character: None, index: None }) };
}

/// Records a failure detail for `alpr_last_error_message` and clears the position.
pub(crate) fn set_last_error(msg: String) {
    set_last_error_at(msg, alpr_core::Position::default());
}

/// Records a failure detail and its position.
pub(crate) fn set_last_error_at(msg: String, position: alpr_core::Position) {
    LAST_ERROR.with(|e| *e.borrow_mut() = msg);
    LAST_POSITION.with(|p| p.set(position));
}

/// This thread's last failure position.
pub(crate) fn last_error_position() -> alpr_core::Position {
    LAST_POSITION.with(std::cell::Cell::get)
}

/// Reads this thread's last failure detail.
pub(crate) fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    LAST_ERROR.with(|e| f(&e.borrow()))
}

/// Runs a status-returning body: `Ok` is `ALPR_STATUS_OK`; an error or a panic becomes its status
/// and the last-error detail (and a `ALPR_LOG_DEBUG` / `ALPR_LOG_ERROR` message to the log
/// callback, when one is set).
pub(crate) fn guard(body: impl FnOnce() -> Result<(), FfiError>) -> alpr_status {
    match catch(body) {
        Ok(Ok(())) => alpr_status::Ok,
        Ok(Err(e)) => {
            crate::log::debug(|| {
                format!(
                    "{}: {}",
                    alpr_status::name(e.status as u32).to_string_lossy(),
                    e.message
                )
            });
            set_last_error_at(e.message, e.position);
            e.status
        }
        Err(msg) => {
            set_last_error(msg);
            alpr_status::Panic
        }
    }
}

/// As [`guard`], but never touches the thread's last error: for the functions that read it
/// (`alpr_last_error_message`, `alpr_last_error_position`), which must not destroy what they
/// report, even when they fail themselves (libgit2's `git_error_last` model).
pub(crate) fn guard_quiet(body: impl FnOnce() -> Result<(), FfiError>) -> alpr_status {
    match catch(body) {
        Ok(Ok(())) => alpr_status::Ok,
        Ok(Err(e)) => e.status,
        Err(_) => alpr_status::Panic,
    }
}

/// Runs a body that returns a plain value; a panic returns `default` and records the detail.
pub(crate) fn guard_or<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch(body).unwrap_or_else(|msg| {
        set_last_error(msg);
        default
    })
}

thread_local! {
    /// How many alpr calls are running on this thread (the panic hook's test: is this panic ours?).
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Leaves the library on drop (also when unwinding).
struct Inside;

impl Drop for Inside {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Calls `body` with panics caught: `Err` carries the panic's detail. Installs the panic hook on
/// the first call and marks the thread as inside the library while `body` runs.
fn catch<T>(body: impl FnOnce() -> T) -> Result<T, String> {
    install_panic_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let inside = Inside;
    // AssertUnwindSafe: on a panic nothing the closure touched is used again; we only report.
    let r = catch_unwind(AssertUnwindSafe(body));
    drop(inside);
    r.map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        format!("panic inside alpr: {msg}")
    })
}

/// Installs, once per process, a panic hook that keeps the library silent: a panic raised inside
/// an alpr call goes to the log callback (`ALPR_LOG_ERROR`, with its source location) and is never
/// printed; any other panic (the host's own, in a Rust host) goes to the hook that was installed
/// before, unchanged. See DESIGN.md, "C ABI conventions".
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if DEPTH.with(std::cell::Cell::get) > 0 {
                crate::log::error(|| {
                    let at = info
                        .location()
                        .map(|l| format!(" at {}:{}", l.file(), l.line()))
                        .unwrap_or_default();
                    let msg = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".to_owned());
                    format!("panic inside alpr{at}: {msg}")
                });
            } else {
                previous(info);
            }
        }));
    });
}

/// Every exported function body: `ffi_boundary!({ …; Ok(()) })` returns an `alpr_status`.
macro_rules! ffi_boundary {
    ($body:block) => {
        $crate::boundary::guard(move || -> Result<(), $crate::error::FfiError> { $body })
    };
    (quiet, $body:block) => {
        $crate::boundary::guard_quiet(move || -> Result<(), $crate::error::FfiError> { $body })
    };
    (default = $default:expr, $body:block) => {
        $crate::boundary::guard_or($default, move || $body)
    };
}
pub(crate) use ffi_boundary;

/// `NULL_PARAMETER` when a required pointer (an out-pointer, a record) is NULL. Called at the top
/// of a function, before any input is parsed and before anything is built, so a NULL argument
/// wins over a parse error and never leaks a built object.
pub(crate) fn need<T>(ptr: *const T, name: &'static str) -> Result<(), FfiError> {
    if ptr.is_null() {
        Err(FfiError::null(name))
    } else {
        Ok(())
    }
}

/// Checks a caller array or buffer and its count out-pointer before anything is computed: `n`
/// is required; `buf` may be NULL only with `cap` 0 (a size query).
pub(crate) fn need_buf<T>(
    buf: *const T,
    cap: usize,
    n: *const usize,
    buf_name: &'static str,
    n_name: &'static str,
) -> Result<(), FfiError> {
    need(n, n_name)?;
    if buf.is_null() && cap != 0 {
        return Err(FfiError::null(buf_name));
    }
    Ok(())
}

/// Borrows a caller's string: NULL with length 0 is the empty string; NULL with a length is
/// `NULL_PARAMETER`; invalid UTF-8 is `INVALID_UTF8` at the 1-based column, in characters (as
/// in files), of the first bad byte.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid for `'a`.
pub(crate) unsafe fn str_in<'a>(ptr: *const u8, len: usize) -> Result<&'a str, FfiError> {
    let bytes = unsafe { bytes_in(ptr, len)? };
    std::str::from_utf8(bytes).map_err(|e| {
        // The prefix before the first bad byte is UTF-8 by construction.
        let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).map_or(0, |s| s.chars().count());
        FfiError::from(
            alpr_core::Error::new(alpr_core::Code::InvalidUtf8).at_column(u32::try_from(good + 1).unwrap_or(u32::MAX)),
        )
    })
}

/// Borrows a caller's byte buffer (see [`str_in`]).
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid for `'a`.
pub(crate) unsafe fn bytes_in<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], FfiError> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(FfiError::null("input pointer"))
        };
    }
    if len > isize::MAX as usize {
        return Err(FfiError::from(alpr_core::Error::new(alpr_core::Code::TooLong)));
    }
    // SAFETY: non-NULL, and the caller guarantees `len` readable bytes for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Copies `text` NUL-terminated into `buf`, reporting its length in `*out_n` (also when `buf` is
/// too small, then returning `INSUFFICIENT_SIZE`).
///
/// # Safety
/// `buf` must be NULL or point to `buf_len` writable bytes; `out_n` must be NULL or writable.
pub(crate) unsafe fn str_out(text: &str, buf: *mut u8, buf_len: usize, out_n: *mut usize) -> Result<(), FfiError> {
    if out_n.is_null() {
        return Err(FfiError::null("out_n"));
    }
    // SAFETY: checked non-NULL; the caller guarantees it is writable.
    unsafe { *out_n = text.len() };
    if buf.is_null() && buf_len != 0 {
        return Err(FfiError::null("buf"));
    }
    if buf_len < text.len() + 1 {
        return Err(FfiError::insufficient(text.len() + 1));
    }
    // SAFETY: `buf` has at least text.len() + 1 writable bytes (checked above), and does not
    // overlap `text`, which the library owns.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len());
        *buf.add(text.len()) = 0;
    }
    Ok(())
}

/// Writes a value through an out-pointer, or fails with `NULL_PARAMETER`.
///
/// # Safety
/// `out` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, name: &'static str) -> Result<(), FfiError> {
    if out.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: checked non-NULL; the caller guarantees it is valid for writes.
    unsafe { out.write(value) };
    Ok(())
}

/// The instant of Unix milliseconds `ms` from C (`alpr_core::time::instant_from_unix_ms`: the
/// years 0001–9999), or `invalid_date` naming the argument.
pub(crate) fn instant_in(ms: i64, what: &str) -> Result<alpr_core::time::Instant, FfiError> {
    alpr_core::time::instant_from_unix_ms(ms)
        .map_err(|e| FfiError::from(e.with_detail(format!("{what} outside the years 0001 to 9999"))))
}

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// 1970-01-01, the day an [`Instants`] remembers before it converted any time (a real day, so
/// that its check needs no "nothing yet" case).
const EPOCH_DATE: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!("1970-01-01 is a date"),
};

thread_local! {
    /// The start (Unix ms) of the last UTC day [`Instants`] converted on this thread, and its
    /// date (a pure function of the day, so never stale): a single-read call starts from it.
    static LAST_DAY: std::cell::Cell<(i64, chrono::NaiveDate)> = const { std::cell::Cell::new((0, EPOCH_DATE)) };
}

/// The time `in_day` milliseconds after midnight as one word: its seconds in the low half, its
/// nanoseconds in the high half.
///
/// Never inlined, and one word: a `NaiveTime` is two 32-bit fields, which inlined code (or a
/// `NaiveTime` returned as two registers) stored one by one and read back as one 64-bit word to
/// move the instant — a store-forwarding stall; the single-read call had two, about half of its
/// own samples (benches/README.md, C ABI session 7). Built from one register, the two halves are
/// stored as one word.
#[inline(never)]
fn time_of_day(in_day: u32) -> u64 {
    u64::from(in_day / 1000) | u64::from(in_day % 1000 * 1_000_000) << 32
}

/// Converts Unix milliseconds as [`instant_in`] (the same instants, the same errors), remembering
/// the UTC date of the last one: a time on that date is put together from the date and a time of
/// day, without chrono's date-from-day-number. One lives for one call; it starts from the last
/// day converted on the thread.
pub(crate) struct Instants {
    /// The Unix ms of 00:00 UTC on `date` (a multiple of `DAY_MS`, the start of a day in the
    /// accepted range).
    start: i64,
    /// The UTC date the remembered day is.
    date: chrono::NaiveDate,
    /// That day as the high half of its [`DayTime`]s (derived from `start` once a day, not once
    /// a read).
    day: u64,
}

impl Instants {
    /// A converter that remembers the thread's last day.
    pub(crate) fn new() -> Instants {
        let (start, date) = LAST_DAY.with(std::cell::Cell::get);
        Instants {
            start,
            date,
            day: DayTime::day_bits(start),
        }
    }

    /// The instant of `ms`, or `invalid_date` naming `what`.
    #[inline]
    pub(crate) fn get(&mut self, ms: i64, what: &str) -> Result<alpr_core::time::Instant, crate::hit::ReadError> {
        let t = self.day_time(ms, what)?;
        // `day_time` leaves `date` at `ms`'s day.
        Ok(instant_at(self.date, t.in_day()))
    }

    /// `ms` checked as [`Instants::get`] (the same errors), as its UTC date and time of day,
    /// without building the instant (a batch read's time is needed only on an entry with an
    /// expiry: [`DayTime::instant`] then).
    #[inline]
    pub(crate) fn day_time(&mut self, ms: i64, what: &str) -> Result<DayTime, crate::hit::ReadError> {
        // The milliseconds since the remembered day's start, when `ms` is on that day: one
        // subtraction and one unsigned comparison, no division by the day (the reads of a batch,
        // and a read and the call's `now`, mostly share a day). The wrapping difference is below
        // `DAY_MS` only for a time on that day: `start` is within ±2^49, so no `ms` wraps into it.
        #[allow(clippy::cast_sign_loss)]
        let in_day = ms.wrapping_sub(self.start) as u64;
        if in_day < DAY_MS as u64 {
            // That day lies in the accepted range, which is whole days (0001-01-01T00:00Z ..=
            // 9999-12-31T23:59:59.999Z): every time on it does too. `in_day` < 86,400,000 fits
            // the low half.
            return Ok(DayTime(self.day | in_day));
        }
        self.new_day(ms, what)
    }

    /// [`Instants::day_time`] for a time on another day than the last: the full check and
    /// calendar conversion.
    #[cold]
    fn new_day(&mut self, ms: i64, what: &str) -> Result<DayTime, crate::hit::ReadError> {
        let t = instant_in(ms, what)?;
        self.start = ms.div_euclid(DAY_MS) * DAY_MS;
        self.date = t.date_naive();
        self.day = DayTime::day_bits(self.start);
        LAST_DAY.with(|c| c.set((self.start, self.date)));
        // Below `DAY_MS`: `start` is the start of `ms`'s day.
        #[allow(clippy::cast_sign_loss)]
        Ok(DayTime(self.day | (ms - self.start) as u64))
    }
}

/// A time checked by [`Instants`], not yet an instant: the number of its UTC day since
/// 1970-01-01 in the high half, the milliseconds since that day's midnight (below 86,400,000) in
/// the low half.
///
/// One word, built in a register: as a struct of a date and a time of day it was stored as two
/// 32-bit fields and read back as one 64-bit word when the read was put together, a
/// store-forwarding stall on every single-read call (benches/README.md, C ABI, session 9).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DayTime(u64);

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

impl DayTime {
    /// The high half of the `DayTime`s on the day starting at `start` (Unix ms, a multiple of
    /// `DAY_MS` in the accepted range): its day number; a time on it is this `|` its ms in the day.
    fn day_bits(start: i64) -> u64 {
        // The day number fits 32 bits: the accepted years 0001–9999 are within ±2.9 million days.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let day = (start.div_euclid(DAY_MS) as i32) as u32;
        u64::from(day) << 32
    }

    /// The milliseconds since midnight.
    #[inline]
    fn in_day(self) -> u32 {
        // The low half, by construction.
        #[allow(clippy::cast_possible_truncation)]
        let ms = self.0 as u32;
        ms
    }

    /// The instant (the date is computed here: a batch read's time is asked only on an entry
    /// with an expiry).
    #[inline]
    pub(crate) fn instant(self) -> alpr_core::time::Instant {
        // The high half is the day number `new` stored, a day of the accepted range, so the date
        // always exists (the default is never reached).
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let day = (self.0 >> 32) as u32 as i32;
        let date = chrono::NaiveDate::from_num_days_from_ce_opt(day + EPOCH_DAYS_FROM_CE).unwrap_or_default();
        instant_at(date, self.in_day())
    }
}

/// The instant `in_day` ms (below 86,400,000) after midnight UTC on `date`.
#[inline]
fn instant_at(date: chrono::NaiveDate, in_day: u32) -> alpr_core::time::Instant {
    let t = time_of_day(in_day);
    // Always `Some`: `in_day` < 86,400,000, so the seconds are < 86,400 and the nanoseconds
    // < 10^9 (midnight otherwise, never reached).
    #[allow(clippy::cast_possible_truncation)]
    let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(t as u32, (t >> 32) as u32).unwrap_or_default();
    date.and_time(time).and_utc()
}

pub(crate) fn ms(t: alpr_core::time::Instant) -> i64 {
    t.timestamp_millis()
}

/// Borrows `n` elements at `ptr` (NULL only with `n == 0`).
///
/// # Safety
/// `ptr` must be NULL or point to `n` readable, initialized elements that stay valid for 'a.
pub(crate) unsafe fn slice_in<'a, T>(ptr: *const T, n: usize, name: &'static str) -> Result<&'a [T], FfiError> {
    if n == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: non-NULL, and the caller guarantees n readable elements for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr, n) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alpr_core::time::{MAX_INPUT_MS, MIN_INPUT_MS};

    /// The same answer as `instant_in` (instant or status) for `ms`, from a converter in any state.
    fn same(times: &mut Instants, ms: i64) {
        let want = instant_in(ms, "t").map_err(|e| e.status);
        let got = times.get(ms, "t").map_err(|e| e.status());
        assert_eq!(got, want, "ms {ms}");
    }

    #[test]
    fn instants_agree_with_instant_in_around_day_and_range_edges() {
        let edges = [
            MIN_INPUT_MS - 1,
            MIN_INPUT_MS,
            MIN_INPUT_MS + 1,
            MIN_INPUT_MS + DAY_MS - 1,
            -DAY_MS - 1,
            -DAY_MS,
            -1,
            0,
            1,
            DAY_MS - 1,
            DAY_MS,
            1_795_800_000_000,
            1_795_800_000_001,
            MAX_INPUT_MS - DAY_MS + 1,
            MAX_INPUT_MS - 1,
            MAX_INPUT_MS,
            MAX_INPUT_MS + 1,
            i64::MIN,
            i64::MIN + 1,
            i64::MAX,
            i64::MAX - DAY_MS,
            // A whole day outside either end: one subtraction from a remembered day's start
            // must not take them for a time on it.
            MIN_INPUT_MS - DAY_MS,
            MAX_INPUT_MS + DAY_MS,
        ];
        // Every ordered pair: the second converted by a converter that has seen the first.
        for &a in &edges {
            for &b in &edges {
                let mut times = Instants::new();
                same(&mut times, a);
                same(&mut times, b);
            }
        }
    }

    #[test]
    fn instants_agree_with_instant_in_over_a_sweep() {
        let mut times = Instants::new();
        // Steps of a prime number of ms across several days, both sides of the epoch.
        let mut ms = -3 * DAY_MS;
        while ms < 3 * DAY_MS {
            same(&mut times, ms);
            ms += 7_919_993;
        }
    }
}
