//! Calendar arithmetic in the agency time zone (R-HOTPLATE-5, R-RET-2).
//!
//! Time is always an input: nothing in the core reads the clock. Instants are
//! `DateTime<Utc>`; calendar spans ("30 days", "2 years", "3 months") are added in the agency's
//! local time, so that "30 calendar days" across the fall-back change is 721 hours, and a date
//! that does not exist clamps to the month's last day (2024-02-29 + 2 years = 2026-02-28).
//!
//! Every function here is total: calendar arithmetic whose result would fall after the last
//! instant chrono represents (`+262142-12-31`) is an `invalid_date` error, never a panic, and
//! instants coming in from the surfaces are checked against [`MIN_INPUT_MS`]..=[`MAX_INPUT_MS`]
//! (years 1 to 9999) by [`instant_from_unix_ms`] and [`check_input_instant`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Code, Error, Result};

/// An instant: UTC with the library's precision.
pub type Instant = DateTime<Utc>;

/// A calendar span of years, months and days, written `2y`, `90d`, `3m`, `1y6m`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CalendarSpan {
    /// Whole years.
    pub years: u32,
    /// Whole months.
    pub months: u32,
    /// Whole days.
    pub days: u32,
}

impl CalendarSpan {
    /// A span of whole years.
    pub const fn years(years: u32) -> CalendarSpan {
        CalendarSpan {
            years,
            months: 0,
            days: 0,
        }
    }
    /// A span of whole months.
    pub const fn months(months: u32) -> CalendarSpan {
        CalendarSpan {
            years: 0,
            months,
            days: 0,
        }
    }
    /// A span of whole days.
    pub const fn days(days: u32) -> CalendarSpan {
        CalendarSpan {
            years: 0,
            months: 0,
            days,
        }
    }

    /// Adds this span to a local date-time: years and months first (clamping a day that does not
    /// exist to the month's last day), then days.
    pub fn add_to_naive(self, t: NaiveDateTime) -> NaiveDateTime {
        let months = self.years.saturating_mul(12).saturating_add(self.months);
        let t = t.checked_add_months(Months::new(months)).unwrap_or(NaiveDateTime::MAX);
        t.checked_add_days(Days::new(u64::from(self.days)))
            .unwrap_or(NaiveDateTime::MAX)
    }

    /// Adds this span to a local date (clamping as [`CalendarSpan::add_to_naive`]).
    pub fn add_to_date(self, d: NaiveDate) -> NaiveDate {
        self.add_to_naive(d.and_time(chrono::NaiveTime::MIN)).date()
    }

    /// Subtracts this span from a local date (clamping the same way).
    pub fn sub_from_date(self, d: NaiveDate) -> NaiveDate {
        let months = self.years.saturating_mul(12).saturating_add(self.months);
        let d = d.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN);
        d.checked_sub_days(Days::new(u64::from(self.days)))
            .unwrap_or(NaiveDate::MIN)
    }

    /// Adds this span to a local date-time, or `None` when the result is after
    /// `NaiveDateTime::MAX` (clamping as [`CalendarSpan::add_to_naive`]).
    pub fn checked_add_to_naive(self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        let months = u32::try_from(u64::from(self.years) * 12 + u64::from(self.months)).ok()?;
        t.checked_add_months(Months::new(months))?
            .checked_add_days(Days::new(u64::from(self.days)))
    }

    /// Adds this span to an instant, counting in the time zone `tz` (see [`add_calendar`]).
    ///
    /// # Errors
    /// `invalid_date` when the result is after the last representable instant.
    pub fn add_to(self, t: Instant, tz: Tz) -> Result<Instant> {
        add_calendar(t, self, tz)
    }
}

/// `t + span`, counted in local time of `tz`, mapped back to an instant.
///
/// A local time that happens twice (fall back) takes the earlier instant; one that does not happen
/// (spring forward) moves forward to the end of the gap (the first minute that exists: 02:30 on a
/// 02:00→03:00 night is 03:00 daylight time). In the first hours of
/// chrono's range, where the local time of `t` is itself not representable, the span is counted
/// in UTC.
///
/// ```
/// use alpr_core::time::{add_calendar, CalendarSpan};
/// use chrono::DateTime;
/// let entered = DateTime::parse_from_rfc3339("2026-10-15T10:00:00-07:00")?.to_utc();
/// let due = add_calendar(entered, CalendarSpan::days(30), chrono_tz::America::Los_Angeles)?;
/// assert_eq!(due, DateTime::parse_from_rfc3339("2026-11-14T10:00:00-08:00")?.to_utc());
/// assert_eq!((due - entered).num_hours(), 721);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// `invalid_date` when the result is after the last instant chrono represents
/// (`+262142-12-31T23:59:59.999999999Z`), say `4294967295y` after anything: no deadline of that
/// kind is ever reached, and [`crate::retention`] reads it as "never due".
pub fn add_calendar(t: Instant, span: CalendarSpan, tz: Tz) -> Result<Instant> {
    let past_range =
        || Error::new(Code::InvalidDate).with_detail("calendar span ends after the last representable instant");
    let utc = t.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    match utc.checked_add_offset(offset) {
        Some(local) => span
            .checked_add_to_naive(local)
            .and_then(|l| checked_from_local(l, tz))
            .ok_or_else(past_range),
        // Local time before NaiveDateTime::MIN: only the first hours of chrono's range, where
        // counting in UTC moves the result by at most the zone's offset.
        None => span
            .checked_add_to_naive(utc)
            .map(|u| Utc.from_utc_datetime(&u))
            .ok_or_else(past_range),
    }
}

/// Maps a local date-time in `tz` to an instant (earlier of two; forward across a gap). Total: a
/// local time whose instant chrono cannot represent gives the instant of the same wall-clock
/// reading in UTC (only within hours of the ends of chrono's range).
pub fn from_local(local: NaiveDateTime, tz: Tz) -> Instant {
    checked_from_local(local, tz).unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// [`from_local`], or `None` when no instant within a day after `local` is representable.
fn checked_from_local(local: NaiveDateTime, tz: Tz) -> Option<Instant> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.to_utc()),
        LocalResult::None => {
            // In a spring-forward gap: step forward minute by minute (gaps are at most a few
            // hours). At the end of chrono's range no step succeeds.
            let mut probe = local;
            for _ in 0..(24 * 60) {
                probe = probe.checked_add_signed(chrono::TimeDelta::minutes(1))?;
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) = tz.from_local_datetime(&probe) {
                    return Some(t.to_utc());
                }
            }
            None
        }
    }
}

/// The local calendar date of an instant in `tz`.
/// (total, as [`local_naive`]).
pub fn local_date(t: Instant, tz: Tz) -> NaiveDate {
    local_naive(t, tz).date()
}

/// The local date-time of an instant in `tz`. Total, unlike chrono's `naive_local` (which panics
/// at the ends of its range): within hours of those ends, where the local reading is not
/// representable, the UTC reading.
pub fn local_naive(t: Instant, tz: Tz) -> NaiveDateTime {
    let utc = t.naive_utc();
    utc.checked_add_offset(tz.offset_from_utc_datetime(&utc).fix())
        .unwrap_or(utc)
}

/// Unix milliseconds of 0001-01-01T00:00:00Z, the earliest instant accepted as input.
pub const MIN_INPUT_MS: i64 = -62_135_596_800_000;
/// Unix milliseconds of 9999-12-31T23:59:59.999Z, the latest instant accepted as input.
pub const MAX_INPUT_MS: i64 = 253_402_300_799_999;

fn out_of_input_range() -> Error {
    Error::new(Code::InvalidDate).with_detail("time outside the years 0001 to 9999 (UTC)")
}

/// The instant of `ms` Unix milliseconds, range-checked: the one conversion of every time that
/// comes in from C (`int64_t` milliseconds) or Python (`int` milliseconds).
///
/// The range is the four-digit years 0001–9999 (UTC), what RFC 3339 text, the compact dates of
/// hot-list files and Python's `datetime` can hold. A value outside it is no capture or request
/// time: a sentinel (`INT64_MIN`/`INT64_MAX`), or micro- or nanoseconds passed as milliseconds
/// (today in microseconds reads as the year 58 000).
///
/// ```
/// use alpr_core::time::instant_from_unix_ms;
/// assert_eq!(instant_from_unix_ms(0)?.to_rfc3339(), "1970-01-01T00:00:00+00:00");
/// assert_eq!(instant_from_unix_ms(i64::MAX).unwrap_err().code(), alpr_core::Code::InvalidDate);
/// # Ok::<(), alpr_core::Error>(())
/// ```
///
/// # Errors
/// `invalid_date` outside [`MIN_INPUT_MS`]..=[`MAX_INPUT_MS`]; the caller names the field or
/// index.
pub fn instant_from_unix_ms(ms: i64) -> Result<Instant> {
    if !(MIN_INPUT_MS..=MAX_INPUT_MS).contains(&ms) {
        return Err(out_of_input_range());
    }
    DateTime::from_timestamp_millis(ms).ok_or_else(out_of_input_range)
}

/// `t` itself when it lies in the years 0001–9999 (UTC), the range of [`instant_from_unix_ms`]:
/// the same check for times that come in as date-time values (Python `datetime`, RFC 3339 text
/// with an offset that moves it past a year's end).
///
/// # Errors
/// `invalid_date` outside that range.
pub fn check_input_instant(t: Instant) -> Result<Instant> {
    instant_from_unix_ms(t.timestamp_millis()).map(|_| t)
}

/// Parses an RFC 3339 time into an instant.
///
/// # Errors
/// `invalid_date` when the text is not an RFC 3339 time, names one that does not exist, or one
/// outside the years 0001–9999 in UTC (`0000-…`, or `9999-12-31T23:00:00-05:00`).
pub fn parse_instant(s: &str) -> Result<Instant> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.to_utc())
        .map_err(|_| Error::new(Code::InvalidDate))
        .and_then(check_input_instant)
}

/// Parses a `YYYY-MM-DD` date.
///
/// # Errors
/// `invalid_date` for a malformed or impossible date.
pub fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Error::new(Code::InvalidDate))
}

/// Parses a compact `YYYYMMDD` date (CLEW and NCIC files).
///
/// # Errors
/// `invalid_date` for a malformed or impossible date such as `20260230`.
pub fn parse_yyyymmdd(s: &str) -> Result<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return Err(Error::new(Code::InvalidDate));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| Error::new(Code::InvalidDate));
    let y = i32::try_from(num(0..4)?).map_err(|_| Error::new(Code::InvalidDate))?;
    NaiveDate::from_ymd_opt(y, num(4..6)?, num(6..8)?).ok_or_else(|| Error::new(Code::InvalidDate))
}

/// Formats an instant as RFC 3339 in the agency zone (what people reading a packet expect); in
/// UTC within hours of the ends of chrono's range, where the local reading is not representable.
pub fn format_local(t: Instant, tz: Tz) -> String {
    let utc = t.naive_utc();
    if utc
        .checked_add_offset(tz.offset_from_utc_datetime(&utc).fix())
        .is_some()
    {
        t.with_timezone(&tz).to_rfc3339()
    } else {
        t.to_rfc3339()
    }
}

impl fmt::Display for CalendarSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == CalendarSpan::default() {
            return f.write_str("0d");
        }
        for (n, unit) in [(self.years, 'y'), (self.months, 'm'), (self.days, 'd')] {
            if n != 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for CalendarSpan {
    type Err = Error;
    /// Parses `2y`, `90d`, `3m`, `1y6m15d` (each unit at most once, in that order).
    fn from_str(s: &str) -> Result<CalendarSpan> {
        let bad = || Error::new(Code::InvalidPolicy).with_detail("calendar span must look like 2y, 3m, 90d or 1y6m");
        let mut span = CalendarSpan::default();
        let mut digits = String::new();
        let mut last_unit = 0u8;
        if s.trim().is_empty() {
            return Err(bad());
        }
        for c in s.trim().chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let (rank, slot) = match c {
                'y' => (1, &mut span.years),
                'm' => (2, &mut span.months),
                'd' => (3, &mut span.days),
                _ => return Err(bad()),
            };
            if rank <= last_unit || digits.is_empty() {
                return Err(bad());
            }
            *slot = digits.parse().map_err(|_| bad())?;
            digits.clear();
            last_unit = rank;
        }
        if !digits.is_empty() {
            return Err(bad());
        }
        Ok(span)
    }
}

impl serde::Serialize for CalendarSpan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CalendarSpan {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Whole calendar months from `from` to `to` (negative when `to` is earlier); a month counts once
/// its day of month is reached, with month-end clamping. Total over all dates.
pub fn whole_months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut m = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    // `from + m months`, or `None` past either end of the calendar.
    let add = |m: i64| -> Option<NaiveDate> {
        if m >= 0 {
            from.checked_add_months(Months::new(u32::try_from(m).ok()?))
        } else {
            from.checked_sub_months(Months::new(u32::try_from(m.checked_neg()?).ok()?))
        }
    };
    // A date past the end of the calendar is after `to` (m > 0) or before it (m < 0).
    let after_to = |m: i64| add(m).map_or(m > 0, |d| d > to);
    // Step back while from + m months is after `to`, then forward while the next one is not.
    while after_to(m) {
        m -= 1;
    }
    while !after_to(m + 1) {
        m += 1;
    }
    m
}

/// Unix milliseconds of an instant, rounded down (the store's precision).
pub fn floor_ms(t: Instant) -> i64 {
    t.timestamp_millis()
}

/// Unix milliseconds of an instant, rounded up (for bounds: `ms >= t` iff `ms >= ceil_ms(t)`).
pub fn ceil_ms(t: Instant) -> i64 {
    let ms = t.timestamp_millis();
    if t.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        ms
    } else {
        ms.saturating_add(1)
    }
}

/// The instant of Unix milliseconds, if representable.
pub fn instant_of_ms(ms: i64) -> Option<Instant> {
    chrono::DateTime::from_timestamp_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spans_parse_and_print() {
        for s in ["2y", "90d", "3m", "1y6m", "1y6m15d", "0d"] {
            assert_eq!(s.parse::<CalendarSpan>().unwrap().to_string(), s);
        }
        for bad in ["", "y", "2", "2x", "6m1y", "1y1y", "-2y"] {
            assert!(bad.parse::<CalendarSpan>().is_err(), "{bad}");
        }
    }

    #[test]
    fn leap_day_clamps() {
        let tz = chrono_tz::America::Los_Angeles;
        let t = parse_instant("2024-02-29T10:00:00-08:00").unwrap();
        assert_eq!(
            add_calendar(t, CalendarSpan::years(2), tz).unwrap(),
            parse_instant("2026-02-28T10:00:00-08:00").unwrap()
        );
    }

    #[test]
    fn spring_forward_gap_moves_forward() {
        let tz = chrono_tz::America::Los_Angeles;
        // 2026-03-08 02:30 does not exist in Los Angeles.
        let t = parse_instant("2026-03-07T02:30:00-08:00").unwrap();
        assert_eq!(
            add_calendar(t, CalendarSpan::days(1), tz).unwrap(),
            parse_instant("2026-03-08T03:00:00-07:00").unwrap()
        );
    }

    #[test]
    fn compact_dates() {
        assert_eq!(
            parse_yyyymmdd("20181105").unwrap(),
            NaiveDate::from_ymd_opt(2018, 11, 5).unwrap()
        );
        for bad in ["20260230", "2026011", "2026O101", "+2026011", "00000000"] {
            assert_eq!(parse_yyyymmdd(bad).unwrap_err().code(), Code::InvalidDate, "{bad}");
        }
    }

    #[test]
    fn months_between() {
        let d = |s| parse_date(s).unwrap();
        assert_eq!(whole_months_between(d("2026-08-28"), d("2026-11-28")), 3);
        assert_eq!(whole_months_between(d("2026-08-27"), d("2026-11-28")), 3);
        assert_eq!(whole_months_between(d("2026-08-29"), d("2026-11-28")), 2);
        assert_eq!(whole_months_between(d("2026-11-30"), d("2027-02-28")), 3);
        assert_eq!(whole_months_between(d("2026-11-28"), d("2026-11-01")), -1);
    }

    const DAY_MS: i128 = 86_400_000;

    #[test]
    fn the_ends_of_the_range_are_errors_not_panics() {
        let tz = chrono_tz::America::Los_Angeles;
        let now = parse_instant("2026-01-01T00:00:00Z").unwrap();
        // The cases of issue 15: a span no calendar holds, and a record at the last instant.
        for (t, span) in [
            (now, CalendarSpan::years(u32::MAX)),
            (
                now,
                CalendarSpan {
                    years: u32::MAX,
                    months: u32::MAX,
                    days: u32::MAX,
                },
            ),
            (Instant::MAX_UTC, CalendarSpan::days(1)),
            (Instant::MAX_UTC - chrono::Duration::hours(3), CalendarSpan::days(1)),
        ] {
            assert_eq!(
                add_calendar(t, span, tz).unwrap_err().code(),
                Code::InvalidDate,
                "{t} + {span}"
            );
        }
        // The last instant plus nothing is itself; the first instant, whose local time in Los
        // Angeles is before chrono's range, is counted in UTC.
        assert_eq!(
            add_calendar(Instant::MAX_UTC, CalendarSpan::default(), tz),
            Ok(Instant::MAX_UTC)
        );
        assert_eq!(
            add_calendar(Instant::MIN_UTC, CalendarSpan::default(), tz),
            Ok(Instant::MIN_UTC)
        );
        assert_eq!(
            add_calendar(Instant::MIN_UTC, CalendarSpan::days(1), tz),
            Ok(Instant::MIN_UTC + chrono::Duration::days(1))
        );
        assert_eq!(local_date(Instant::MIN_UTC, tz), NaiveDate::MIN);
        assert_eq!(format_local(Instant::MIN_UTC, tz), Instant::MIN_UTC.to_rfc3339());
        assert_eq!(
            from_local(NaiveDateTime::MAX, tz),
            Utc.from_utc_datetime(&NaiveDateTime::MAX)
        );
        assert_eq!(whole_months_between(NaiveDate::MAX, NaiveDate::MAX), 0);
        assert_eq!(whole_months_between(NaiveDate::MIN, NaiveDate::MAX), 524_285 * 12 + 11);
        // Back from 12-31 to 01-01 is 30 days short of a whole month more: the floor.
        assert_eq!(
            whole_months_between(NaiveDate::MAX, NaiveDate::MIN),
            -(524_285 * 12 + 12)
        );
    }

    #[test]
    fn input_range_is_the_four_digit_years() {
        let first = instant_from_unix_ms(MIN_INPUT_MS).unwrap();
        let last = instant_from_unix_ms(MAX_INPUT_MS).unwrap();
        assert_eq!(first.to_rfc3339(), "0001-01-01T00:00:00+00:00");
        assert_eq!(
            last.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "9999-12-31T23:59:59.999Z"
        );
        for bad in [
            i64::MIN,
            i64::MAX,
            MIN_INPUT_MS - 1,
            MAX_INPUT_MS + 1,
            1_764_000_000_000_000,
        ] {
            let e = instant_from_unix_ms(bad).unwrap_err();
            assert_eq!(e.code(), Code::InvalidDate);
            assert!(
                !e.to_string().contains(&bad.to_string()),
                "the message does not echo input"
            );
        }
        assert_eq!(
            check_input_instant(Instant::MAX_UTC).unwrap_err().code(),
            Code::InvalidDate
        );
        for bad in [
            "0000-06-01T00:00:00Z",
            "9999-12-31T23:00:00-05:00",
            "0001-01-01T00:00:00+01:00",
        ] {
            assert_eq!(parse_instant(bad).unwrap_err().code(), Code::InvalidDate, "{bad}");
        }
        assert!(parse_instant("9999-12-31T23:59:59.999Z").is_ok());
    }

    fn any_tz() -> impl Strategy<Value = Tz> {
        prop_oneof![
            Just(chrono_tz::America::Los_Angeles),
            Just(chrono_tz::UTC),
            Just(chrono_tz::Pacific::Kiritimati),  // +14:00
            Just(chrono_tz::Pacific::Pago_Pago),   // -11:00
            Just(chrono_tz::Pacific::Apia),        // skipped 2011-12-30 entirely
            Just(chrono_tz::Australia::Lord_Howe), // 30-minute DST
        ]
    }

    fn at_ms(ms: i64) -> Instant {
        DateTime::from_timestamp_millis(ms).unwrap_or(if ms < 0 { Instant::MIN_UTC } else { Instant::MAX_UTC })
    }

    /// Instants over all of chrono's range, crowded at its ends and in the input range.
    fn any_instant() -> impl Strategy<Value = Instant> {
        let (min, max) = (Instant::MIN_UTC.timestamp_millis(), Instant::MAX_UTC.timestamp_millis());
        prop_oneof![
            Just(Instant::MIN_UTC),
            Just(Instant::MAX_UTC),
            (min..=max).prop_map(at_ms),
            (0..3 * 86_400_000i64).prop_map(move |d| at_ms(max - d)),
            (0..3 * 86_400_000i64).prop_map(move |d| at_ms(min + d)),
            (MIN_INPUT_MS..=MAX_INPUT_MS).prop_map(at_ms),
            any::<i64>().prop_map(at_ms),
        ]
    }

    fn any_span() -> impl Strategy<Value = CalendarSpan> {
        prop_oneof![
            (0u32..200, 0u32..2400, 0u32..80_000).prop_map(|(years, months, days)| CalendarSpan {
                years,
                months,
                days
            }),
            (any::<u32>(), any::<u32>(), any::<u32>()).prop_map(|(years, months, days)| CalendarSpan {
                years,
                months,
                days
            }),
            any::<u32>().prop_map(CalendarSpan::years),
            any::<u32>().prop_map(CalendarSpan::days),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Total over every instant and span, an error only past the end of the range, and the
        /// result within the span's shortest and longest reading (a month 28 to 31 days, a year
        /// 12 months), give or take two days of time-zone changes.
        #[test]
        fn add_calendar_is_total_and_sensible(t in any_instant(), span in any_span(), tz in any_tz()) {
            let months = i128::from(span.years) * 12 + i128::from(span.months);
            let shortest = i128::from(t.timestamp_millis()) + (months * 28 + i128::from(span.days)) * DAY_MS;
            let longest = i128::from(t.timestamp_millis()) + (months * 31 + i128::from(span.days)) * DAY_MS;
            let max = i128::from(Instant::MAX_UTC.timestamp_millis());
            match add_calendar(t, span, tz) {
                Ok(r) => {
                    let r = i128::from(r.timestamp_millis());
                    prop_assert!(r >= shortest - 2 * DAY_MS && r <= longest + 2 * DAY_MS);
                    prop_assert!(shortest - 2 * DAY_MS <= max);
                }
                Err(e) => {
                    prop_assert_eq!(e.code(), Code::InvalidDate);
                    prop_assert!(longest + 2 * DAY_MS > max, "an error although the result fits");
                }
            }
            prop_assert_eq!(span.add_to(t, tz), add_calendar(t, span, tz));
            let _ = (local_date(t, tz), format_local(t, tz), local_naive(t, tz));
        }

        /// Only instants in the years 0001–9999 come in, exactly.
        #[test]
        fn input_ms_are_range_checked(ms in prop_oneof![any::<i64>(), MIN_INPUT_MS - 10..MIN_INPUT_MS + 10, MAX_INPUT_MS - 10..MAX_INPUT_MS + 10]) {
            match instant_from_unix_ms(ms) {
                Ok(t) => {
                    prop_assert!((MIN_INPUT_MS..=MAX_INPUT_MS).contains(&ms));
                    prop_assert_eq!(t.timestamp_millis(), ms);
                    prop_assert!((1..=9999).contains(&t.year()));
                }
                Err(e) => {
                    prop_assert!(!(MIN_INPUT_MS..=MAX_INPUT_MS).contains(&ms));
                    prop_assert_eq!(e.code(), Code::InvalidDate);
                }
            }
        }

        /// `from_local` and `whole_months_between` are total; the month count is exact.
        #[test]
        fn local_and_month_helpers_are_total(t in any_instant(), u in any_instant(), tz in any_tz()) {
            let _ = from_local(t.naive_utc(), tz);
            let (from, to) = (t.date_naive(), u.date_naive());
            let m = whole_months_between(from, to);
            let add = |m: i64| if m >= 0 {
                from.checked_add_months(Months::new(u32::try_from(m).unwrap()))
            } else {
                from.checked_sub_months(Months::new(u32::try_from(-m).unwrap()))
            };
            prop_assert!(add(m).is_none_or(|d| d <= to));
            prop_assert!(add(m + 1).is_none_or(|d| d > to));
        }
    }
}
