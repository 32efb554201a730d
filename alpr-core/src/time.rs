//! Calendar arithmetic in the agency time zone (R-HOTPLATE-5, R-RET-2).
//!
//! Time is always an input: nothing in the core reads the clock. Instants are
//! `DateTime<Utc>`; calendar spans ("30 days", "2 years", "3 months") are added in the agency's
//! local time, so that "30 calendar days" across the fall-back change is 721 hours, and a date
//! that does not exist clamps to the month's last day (2024-02-29 + 2 years = 2026-02-28).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
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

    /// Adds this span to an instant, counting in the time zone `tz` (see [`add_calendar`]).
    pub fn add_to(self, t: Instant, tz: Tz) -> Instant {
        add_calendar(t, self, tz)
    }
}

/// `t + span`, counted in local time of `tz`, mapped back to an instant.
///
/// A local time that happens twice (fall back) takes the earlier instant; one that does not happen
/// (spring forward) moves forward by the gap, as a wall clock would.
///
/// ```
/// use alpr_core::time::{add_calendar, CalendarSpan};
/// use chrono::DateTime;
/// let entered = DateTime::parse_from_rfc3339("2026-10-15T10:00:00-07:00")?.to_utc();
/// let due = add_calendar(entered, CalendarSpan::days(30), chrono_tz::America::Los_Angeles);
/// assert_eq!(due, DateTime::parse_from_rfc3339("2026-11-14T10:00:00-08:00")?.to_utc());
/// assert_eq!((due - entered).num_hours(), 721);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn add_calendar(t: Instant, span: CalendarSpan, tz: Tz) -> Instant {
    let local = t.with_timezone(&tz).naive_local();
    from_local(span.add_to_naive(local), tz)
}

/// Maps a local date-time in `tz` to an instant (earlier of two; forward across a gap).
pub fn from_local(local: NaiveDateTime, tz: Tz) -> Instant {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.to_utc(),
        LocalResult::None => {
            // In a spring-forward gap: step forward minute by minute (gaps are at most a few hours).
            let mut probe = local;
            for _ in 0..(24 * 60) {
                probe += chrono::Duration::minutes(1);
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) = tz.from_local_datetime(&probe) {
                    return t.to_utc();
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}

/// The local calendar date of an instant in `tz`.
pub fn local_date(t: Instant, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// Parses an RFC 3339 time into an instant.
///
/// # Errors
/// `invalid_date` when the text is not an RFC 3339 time or names one that does not exist.
pub fn parse_instant(s: &str) -> Result<Instant> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.to_utc())
        .map_err(|_| Error::new(Code::InvalidDate))
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

/// Formats an instant as RFC 3339 in the agency zone (what people reading a packet expect).
pub fn format_local(t: Instant, tz: Tz) -> String {
    t.with_timezone(&tz).to_rfc3339()
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
/// its day of month is reached, with month-end clamping.
pub fn whole_months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut m = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    // Step back while from + m months is after `to`.
    let add = |m: i64| -> NaiveDate {
        if m >= 0 {
            from.checked_add_months(Months::new(u32::try_from(m).unwrap_or(u32::MAX)))
                .unwrap_or(NaiveDate::MAX)
        } else {
            from.checked_sub_months(Months::new(u32::try_from(-m).unwrap_or(u32::MAX)))
                .unwrap_or(NaiveDate::MIN)
        }
    };
    while m > i64::MIN / 2 && add(m) > to {
        m -= 1;
    }
    while add(m + 1) <= to {
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
            add_calendar(t, CalendarSpan::years(2), tz),
            parse_instant("2026-02-28T10:00:00-08:00").unwrap()
        );
    }

    #[test]
    fn spring_forward_gap_moves_forward() {
        let tz = chrono_tz::America::Los_Angeles;
        // 2026-03-08 02:30 does not exist in Los Angeles.
        let t = parse_instant("2026-03-07T02:30:00-08:00").unwrap();
        assert_eq!(
            add_calendar(t, CalendarSpan::days(1), tz),
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
}
