//! CA DOJ CLEW fixed-width files (`svs.tbl`, `sfr.tbl`, `slr.tbl`), R-LIST-7.
//!
//! ```text
//! DATE11/28/2026 06:00          header: generation time in the agency time zone
//! 7ABC123 CA3420181105          plate 0–7, state 8–9, county 10–11, date of loss 12–19
//! TOTAL RECORD 0000001          footer: the number of records
//! ```

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveTime};

use super::{
    Columns, FileInfo, Fixed, Lines, MAX_FIXED_LINE, Record, file_error, looks_like_formula, nul_in_spans, reject,
};
use crate::error::{Code, Result};
use crate::hotlist::validate::RawFields;
use crate::time;

/// The footer's prefix.
const FOOTER: &str = "TOTAL RECORD";
/// A record's length: through the date of loss.
const RECORD_LEN: usize = 20;

/// Parses the header time `DATEmm/dd/yyyy hh:mm` (local to the agency: the caller converts).
fn header_time(line: &str) -> Result<chrono::NaiveDateTime> {
    let body = line
        .strip_prefix("DATE")
        .map(str::trim_end)
        .ok_or_else(|| file_error(Code::InvalidHeader, 1, "CLEW header must start with DATE"))?;
    let b = body.as_bytes();
    let shape_ok = b.len() == 16
        && b.iter().enumerate().all(|(i, &c)| match i {
            2 | 5 => c == b'/',
            10 => c == b' ',
            13 => c == b':',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(file_error(
            Code::InvalidHeader,
            1,
            "CLEW header must be DATEmm/dd/yyyy hh:mm",
        ));
    }
    let num = |r: std::ops::Range<usize>| body[r].parse::<u32>().unwrap_or(u32::MAX);
    let date = NaiveDate::from_ymd_opt(num(6..10).cast_signed(), num(0..2), num(3..5));
    let time = NaiveTime::from_hms_opt(num(11..13), num(14..16), 0);
    match (date, time) {
        (Some(d), Some(t)) => Ok(d.and_time(t)),
        _ => Err(file_error(
            Code::InvalidDate,
            1,
            "CLEW header names an impossible date or time",
        )),
    }
}

/// Parses a CLEW file (see the module documentation), handing each record to `sink`. The header
/// time is local to `tz`, the agency time zone.
pub(crate) fn parse(text: &str, tz: chrono_tz::Tz, sink: &mut dyn FnMut(Record<'_>)) -> Result<FileInfo> {
    let mut lines = Lines::new(text);
    let (_, header) = lines
        .next()
        .ok_or_else(|| file_error(Code::EmptyFile, 1, "file has no content"))?;
    let generated_at = time::from_local(header_time(header)?, tz);
    let mut records: u64 = 0;
    let mut footer: Option<(u32, &str)> = None;
    for (n, line) in lines.by_ref() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with(FOOTER) {
            footer = Some((n, line));
            break;
        }
        records += 1;
        record(n, line, sink);
    }
    let Some((footer_line, footer_text)) = footer else {
        return Err(file_error(
            Code::TruncatedFile,
            lines.number().saturating_add(1),
            "file ends without its TOTAL RECORD footer",
        ));
    };
    let count = footer_text[FOOTER.len()..].trim();
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) || count.parse::<u64>().ok() != Some(records) {
        return Err(file_error(
            Code::RecordCountMismatch,
            footer_line,
            "the footer's count differs from the records read",
        ));
    }
    if let Some((n, _)) = lines.find(|(_, l)| !l.trim().is_empty()) {
        return Err(file_error(
            Code::RecordCountMismatch,
            n,
            "content after the footer is not covered by its count",
        ));
    }
    if records == 0 {
        return Err(file_error(Code::NoRecords, footer_line, "file has no records"));
    }
    Ok(FileInfo {
        generated_at: Some(generated_at),
        columns: Columns {
            plate: Some(1),
            jurisdiction: Some(9),
            date: Some(13),
            ..Columns::default()
        },
    })
}

/// One record line.
fn record(n: u32, line: &str, sink: &mut dyn FnMut(Record<'_>)) {
    if line.len() > super::MAX_FIXED_LINE {
        return sink(reject(n, MAX_FIXED_LINE as u32 + 1, Code::LineTooLong));
    }
    let f = Fixed::new(line);
    if f.len() < RECORD_LEN {
        return sink(reject(n, f.len() as u32 + 1, Code::ShortRecord));
    }
    // The county is the one free-text cell; a NUL in the plate, state or date fails that field's
    // own rule in validation.
    if let Some(c) = nul_in_spans(&f, &[(10, 12)]) {
        return sink(reject(n, c, Code::InvalidField));
    }
    let date = f.field(12, 20);
    if let Some(d) = date
        && time::parse_yyyymmdd(d).is_err()
    {
        return sink(reject(n, 13, Code::InvalidDate));
    }
    let county = f.field(10, 12);
    if county.is_some_and(looks_like_formula) {
        return sink(reject(n, 11, Code::FormulaInjection));
    }
    let attributes = county
        .map(|c| vec![(Cow::Borrowed("county"), Cow::Borrowed(c))])
        .unwrap_or_default();
    sink(Record::Fields(
        RawFields {
            plate: f.field(0, 8),
            jurisdiction: f.field(8, 10),
            incident_date: date,
            attributes,
            ..RawFields::default()
        },
        n,
    ));
}
