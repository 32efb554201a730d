//! The NCIC LPR extract, fixed width, one record a line, no header (R-LIST-7).
//!
//! Columns, 0-based: `NIC` 0–9 (its first letter is the list code, §2.1), `ORI` 10–18, incident
//! date 19–26 (`YYYYMMDD`), plate 27–36, state 37–38 (a `0` there is the letter `O`), `LIY`
//! 39–42, `LIT` 43–44, vehicle year 45–48, make 49–52, model 53–55, style 56–57, color 58 to the
//! end. A line shorter than 39 characters is `short_record`.

use std::collections::BTreeMap;

use super::{
    Columns, FileInfo, Fixed, Lines, MAX_FIXED_LINE, Record, looks_like_formula, nul_in_spans, parse_year, reject,
};
use crate::error::{Code, Result};
use crate::hotlist::{RawEntry, Vehicle};
use crate::time;
use crate::vocab::Category;

/// The shortest record: through the state.
const MIN_LEN: usize = 39;

/// Parses an NCIC extract, handing each record to `sink`. Never fails as a whole (there is no
/// header or footer), but has the signature of every parser.
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn parse(text: &str, sink: &mut dyn FnMut(Record<'_>)) -> Result<FileInfo> {
    for (n, line) in Lines::new(text) {
        if !line.trim().is_empty() {
            record(n, line, sink);
        }
    }
    Ok(FileInfo {
        generated_at: None,
        columns: Columns {
            plate: Some(28),
            jurisdiction: Some(38),
            plate_type: Some(44),
            category: Some(1),
            date: Some(20),
            ..Columns::default()
        },
    })
}

/// One record line.
fn record(n: u32, line: &str, sink: &mut dyn FnMut(Record<'_>)) {
    if line.len() > MAX_FIXED_LINE {
        return sink(reject(n, MAX_FIXED_LINE as u32 + 1, Code::LineTooLong));
    }
    let f = Fixed::new(line);
    if f.len() < MIN_LEN {
        return sink(reject(n, f.len() as u32 + 1, Code::ShortRecord));
    }
    // Free-text cells: the NCIC number after its list code (the record id), ORI, LIY, make,
    // model, style, color. A NUL in the list code, date, plate, state, type or year fails that
    // field's own rule.
    let free_text = [(1, 10), (10, 19), (39, 43), (49, usize::MAX)];
    if let Some(c) = nul_in_spans(&f, &free_text) {
        return sink(reject(n, c, Code::InvalidField));
    }
    let nic = f.field(0, 10);
    let Some(category) = nic.and_then(|s| Category::from_ncic_list_code(s.as_bytes()[0])) else {
        return sink(reject(n, 1, Code::InvalidCategory));
    };
    let date = f.field(19, 27);
    if let Some(d) = date
        && time::parse_yyyymmdd(d).is_err()
    {
        return sink(reject(n, 20, Code::InvalidDate));
    }
    let year = f.field(45, 49);
    let year_value = match year {
        None => None,
        Some(y) => match parse_year(y) {
            Some(v) => Some(v),
            None => return sink(reject(n, 46, Code::InvalidField)),
        },
    };
    // Free-text cells, with their 1-based columns.
    let texts = [
        (f.field(10, 19), 11),
        (f.field(39, 43), 40),
        (f.field(49, 53), 50),
        (f.field(53, 56), 54),
        (f.field(56, 58), 57),
        (f.field(58, usize::MAX), 59),
    ];
    if let Some((_, col)) = texts.iter().find(|(t, _)| t.is_some_and(looks_like_formula)) {
        return sink(reject(n, *col, Code::FormulaInjection));
    }
    let [ori, liy, make, model, style, color] = texts.map(|(t, _)| t.map(str::to_owned));
    let mut attributes = BTreeMap::new();
    if let Some(o) = ori {
        attributes.insert("ori".to_owned(), o);
    }
    if let Some(l) = liy {
        attributes.insert("liy".to_owned(), l);
    }
    let vehicle = Vehicle {
        make,
        model,
        color,
        year: year_value,
        style,
    };
    // The extract writes the letter O of OH, OK, ON, OR as a zero.
    let state = f.field(37, 39).map(|s| s.replace('0', "O"));
    sink(Record::Entry(
        RawEntry {
            plate: f.field(27, 37).map(str::to_owned),
            jurisdiction: state,
            plate_type: f.field(43, 45).map(str::to_owned),
            category: Some(category.as_str().to_owned()),
            record_id: nic.map(str::to_owned),
            incident_date: date.map(str::to_owned),
            vehicle: (!vehicle.is_empty()).then_some(vehicle),
            attributes,
            ..RawEntry::default()
        },
        n,
    ));
}
