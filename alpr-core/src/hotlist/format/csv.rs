//! CSV hot lists (RFC 4180) with a header row naming the columns (R-LIST-7).
//!
//! Known columns (names compared case-insensitively, surrounding blanks ignored): `plate` or
//! `pattern` (one required, else `missing_column`), `state` (or `jurisdiction`), `type` (or
//! `plate_type`), `category`, `record_id`, `make`, `model`, `color`, `year`, `expires_at`. Any
//! other column is kept as an attribute under its header name. Quoted fields may contain commas,
//! doubled quotes and line ends; a record's line is the line it starts on.

use super::{Columns, FileInfo, MAX_CSV_RECORD, Record, file_error, looks_like_formula, parse_year, reject};
use crate::error::{Code, Result};
use crate::hotlist::Vehicle;
use crate::hotlist::validate::RawFields;
use std::borrow::Cow;

/// What a column holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Role {
    Plate,
    Pattern,
    State,
    Type,
    Category,
    RecordId,
    Make,
    Model,
    Color,
    Year,
    ExpiresAt,
    Attribute(String),
}

impl Role {
    pub(super) fn of(name: &str) -> Role {
        match name.to_ascii_lowercase().as_str() {
            "plate" => Role::Plate,
            "pattern" => Role::Pattern,
            "state" | "jurisdiction" => Role::State,
            "type" | "plate_type" => Role::Type,
            "category" => Role::Category,
            "record_id" => Role::RecordId,
            "make" => Role::Make,
            "model" => Role::Model,
            "color" => Role::Color,
            "year" => Role::Year,
            "expires_at" => Role::ExpiresAt,
            _ => Role::Attribute(name.to_owned()),
        }
    }

    /// Free text, where a formula-like start is refused.
    fn is_free_text(&self) -> bool {
        matches!(
            self,
            Role::RecordId | Role::Make | Role::Model | Role::Color | Role::Attribute(_)
        )
    }
}

/// A structural failure of one record: its code and 1-based field number.
type SplitError = (Code, u32);

/// Splits the record starting at byte `start` into `fields`; returns the offset after it and the
/// number of line ends inside quoted fields.
fn split<'a>(text: &'a str, start: usize, fields: &mut Vec<Cow<'a, str>>) -> Result<(usize, u32), SplitError> {
    fields.clear();
    let b = text.as_bytes();
    let limit = (start + MAX_CSV_RECORD + 1).min(b.len());
    let mut i = start;
    let mut newlines = 0u32;
    loop {
        let col = fields.len() as u32 + 1;
        if b.get(i) == Some(&b'"') {
            let open = i;
            i += 1;
            let mut owned: Option<String> = None;
            let mut seg = i;
            loop {
                let Some(q) = b[i.min(limit)..limit].iter().position(|&c| c == b'"').map(|q| q + i) else {
                    return Err(if limit < b.len() {
                        (Code::LineTooLong, col)
                    } else {
                        (Code::InvalidField, col)
                    });
                };
                if b.get(q + 1) == Some(&b'"') {
                    owned.get_or_insert_with(String::new).push_str(&text[seg..=q]);
                    i = q + 2;
                    seg = i;
                    continue;
                }
                newlines += super::count_newlines(&b[open..q]) as u32;
                fields.push(match owned {
                    Some(mut o) => {
                        o.push_str(&text[seg..q]);
                        Cow::Owned(o)
                    }
                    None => Cow::Borrowed(&text[seg..q]),
                });
                i = q + 1;
                break;
            }
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b'\n') => return Ok((i + 1, newlines)),
                Some(b'\r') if b.get(i + 1) == Some(&b'\n') => return Ok((i + 2, newlines)),
                None => return Ok((i, newlines)),
                Some(_) => return Err((Code::InvalidField, col)),
            }
        } else {
            // The field ends at the first `,` or line end; a quote before it is an error, found
            // by the same scan (the field's end is still looked for, so that a line too long is
            // reported as such first).
            let mut end = next_special(b, i);
            let quote = b.get(end) == Some(&b'"');
            if quote {
                end = b[end..]
                    .iter()
                    .position(|&c| c == b',' || c == b'\n')
                    .map_or(b.len(), |e| e + end);
            }
            if end - start > MAX_CSV_RECORD {
                return Err((Code::LineTooLong, col));
            }
            if quote {
                return Err((Code::InvalidField, col));
            }
            let at_line_end = end == b.len() || b[end] == b'\n';
            let mut cell = &text[i..end];
            if at_line_end {
                cell = cell.strip_suffix('\r').unwrap_or(cell);
            }
            fields.push(Cow::Borrowed(cell));
            if at_line_end {
                return Ok(((end + 1).min(b.len()), newlines));
            }
            i = end + 1;
        }
    }
}

/// Every byte of a word set to `0x01`.
const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
/// Every byte of a word set to `0x80`.
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit of each byte of `w` equal to the byte broadcast in `c` (`c` = `ONES * byte`).
/// The lowest such bit is exact; bytes above a match may be marked too (the subtraction's
/// borrow), so only the first match's position may be read from it.
#[inline]
fn bytes_equal(w: u64, c: u64) -> u64 {
    let x = w ^ c;
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Eight bytes as a little-endian word (the first byte lowest).
#[inline]
fn le_word(chunk: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk);
    u64::from_le_bytes(word)
}

/// The offset of the first `,`, `\n` or `"` at or after `i` in `b`, or `b.len()`: eight bytes a
/// step (a record's fields are a few bytes to a few dozen, where `memchr`'s set-up and a byte
/// loop cost more than the scan). Each byte set marks its first match exactly, so the lowest mark
/// of the three is the first special byte.
#[inline]
fn next_special(b: &[u8], mut i: usize) -> usize {
    const COMMA: u64 = ONES * b',' as u64;
    const LF: u64 = ONES * b'\n' as u64;
    const QUOTE: u64 = ONES * b'"' as u64;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = le_word(chunk);
        let m = bytes_equal(w, COMMA) | bytes_equal(w, LF) | bytes_equal(w, QUOTE);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    b[i.min(b.len())..]
        .iter()
        .position(|&c| matches!(c, b',' | b'\n' | b'"'))
        .map_or(b.len(), |p| i + p)
}

/// Whether `s` holds a NUL byte, eight bytes a step (see [`next_special`]).
#[inline]
fn has_nul(s: &str) -> bool {
    let b = s.as_bytes();
    let mut words = b.chunks_exact(8);
    for chunk in &mut words {
        if bytes_equal(le_word(chunk), 0) != 0 {
            return true;
        }
    }
    // The last bytes one at a time (`contains` calls `memchr`, whose set-up costs more than a
    // field's few bytes).
    for &c in words.remainder() {
        if c == 0 {
            return true;
        }
    }
    false
}

/// The offset after the physical line starting at `start`.
fn next_line(text: &str, start: usize) -> usize {
    text[start..].find('\n').map_or(text.len(), |i| start + i + 1)
}

/// Whether a split record is a blank line: one field, blank, and no quotes on the line (`raw`,
/// the record's text as written). A quoted blank field (`""`, `"   "`) is a record whose plate
/// is empty, rejected as such, not a blank line skipped in silence.
fn is_blank(fields: &[Cow<'_, str>], raw: &str) -> bool {
    fields.len() == 1 && fields[0].trim().is_empty() && raw.trim().is_empty()
}

/// A cell's text, trimmed; `None` when blank.
fn cell(c: &str) -> Option<&str> {
    Some(crate::hotlist::validate::trim(c)).filter(|t| !t.is_empty())
}

/// A CSV file's header row, read: what each column holds and where the records start.
pub(super) struct Header {
    /// The role of each column, in order.
    pub(super) roles: Vec<Role>,
    /// The fields' columns, for the positions of validation rejections.
    pub(super) columns: Columns,
    /// The 1-based line of the header row.
    pub(super) line: u32,
    /// The byte offset of the first record (after the header row).
    pub(super) start: usize,
    /// The 1-based line the first record starts on.
    pub(super) start_line: u32,
}

/// Reads the header row: the first line that is not blank.
///
/// # Errors
/// `empty_file`, `line_too_long`, `invalid_header`, `missing_column`, at the header's line.
pub(super) fn header(text: &str) -> Result<Header> {
    let mut fields: Vec<Cow<'_, str>> = Vec::with_capacity(16);
    let mut pos = 0;
    let mut line = 1u32;
    let header_nl;
    loop {
        // Only blank lines so far and nothing left: there is no header. (Without this check a
        // file of white space that `trim` knows but the decoder's test does not, such as a
        // vertical tab, looped here forever: found by hypothesis through the Python binding.)
        if pos >= text.len() {
            return Err(file_error(Code::EmptyFile, line, "no header row"));
        }
        match split(text, pos, &mut fields) {
            Err((Code::LineTooLong, _)) => return Err(file_error(Code::LineTooLong, line, "header line too long")),
            Err(_) => return Err(file_error(Code::InvalidHeader, line, "header row has bad quoting")),
            Ok((next, nl)) => {
                let raw = &text[pos..next];
                pos = next;
                if !is_blank(&fields, raw) {
                    header_nl = nl;
                    break;
                }
                line += 1 + nl;
            }
        }
    }
    let header_line = line;
    let mut roles: Vec<Role> = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        let name = f.trim();
        if name.contains('\0') {
            return Err(file_error(
                Code::InvalidHeader,
                header_line,
                "NUL byte in the header row",
            ));
        }
        let role = if name.is_empty() {
            Role::Attribute(format!("column{}", i + 1))
        } else {
            Role::of(name)
        };
        if roles.contains(&role) {
            return Err(file_error(Code::InvalidHeader, header_line, "a column is named twice"));
        }
        roles.push(role);
    }
    let col_of = |r: &Role| roles.iter().position(|x| x == r).map(|i| i as u32 + 1);
    let columns = Columns {
        plate: col_of(&Role::Plate),
        pattern: col_of(&Role::Pattern),
        jurisdiction: col_of(&Role::State),
        plate_type: col_of(&Role::Type),
        category: col_of(&Role::Category),
        date: col_of(&Role::ExpiresAt),
    };
    if columns.plate.is_none() && columns.pattern.is_none() {
        return Err(file_error(
            Code::MissingColumn,
            header_line,
            "no plate or pattern column",
        ));
    }
    Ok(Header {
        roles,
        columns,
        line: header_line,
        start: pos,
        start_line: header_line + 1 + header_nl,
    })
}

/// Where a run of [`records`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Run {
    /// The offset after the last record read: the first record start at or after the stop.
    pub(super) end: usize,
    /// The line `end` is on, counted from the run's first line.
    pub(super) line: u32,
    /// The records read (blank lines are not records).
    pub(super) records: usize,
}

/// Reads the records starting at `start` (a record start, on line `line`) until the first record
/// start at or after `stop`, handing each to `sink`. A record that begins before `stop` is read
/// whole even when it ends after it, so a run from a record start reads exactly the records a
/// run over the whole file reads there.
pub(super) fn records(
    text: &str,
    start: usize,
    stop: usize,
    mut line: u32,
    roles: &[Role],
    sink: &mut dyn FnMut(Record<'_>),
) -> Run {
    let mut fields: Vec<Cow<'_, str>> = Vec::with_capacity(roles.len() + 1);
    let mut pos = start;
    let mut records = 0usize;
    let stop = stop.min(text.len());
    while pos < stop {
        let start_line = line;
        match split(text, pos, &mut fields) {
            Err((code, col)) => {
                // Resynchronize on the next physical line.
                records += 1;
                sink(reject(start_line, col, code));
                pos = next_line(text, pos);
                line = line.wrapping_add(1);
            }
            Ok((next, nl)) => {
                let raw = &text[pos..next];
                pos = next;
                line = line.wrapping_add(1).wrapping_add(nl);
                if is_blank(&fields, raw) {
                    continue;
                }
                records += 1;
                sink(record(start_line, roles, &mut fields));
            }
        }
    }
    Run {
        end: pos,
        line,
        records,
    }
}

/// Parses a CSV file, handing each record to `sink`.
pub(crate) fn parse(text: &str, sink: &mut dyn FnMut(Record<'_>)) -> Result<FileInfo> {
    let h = header(text)?;
    let run = records(text, h.start, text.len(), h.start_line, &h.roles, sink);
    if run.records == 0 {
        return Err(no_records(h.line));
    }
    Ok(FileInfo {
        generated_at: None,
        columns: h.columns,
    })
}

/// The failure of a file with a header row but no records.
pub(super) fn no_records(header_line: u32) -> crate::error::Error {
    file_error(Code::NoRecords, header_line, "header row but no records")
}

/// The offset after the line containing byte `at` (the start of the next line), or the text's
/// length.
pub(super) fn line_start_after(text: &str, at: usize) -> usize {
    text.as_bytes()
        .get(at..)
        .and_then(|b| b.iter().position(|&c| c == b'\n'))
        .map_or(text.len(), |i| at + i + 1)
}

/// Tokenizes a CSV file as a load does (the file decoded, then every record split into its
/// fields, a record with bad quoting skipped to the next line) and counts the records and fields:
/// the tokenizer alone, for the benchmark that compares it with the `csv` crate's
/// `ByteRecord` reader. Not part of the stable API.
///
/// # Errors
/// The decoding failures of a load (`invalid_utf8`, `empty_file`).
#[doc(hidden)]
pub fn tokenize(bytes: &[u8]) -> Result<(usize, usize)> {
    let text = super::decode(bytes)?;
    let mut fields: Vec<Cow<'_, str>> = Vec::with_capacity(16);
    let (mut pos, mut records, mut count) = (0, 0, 0);
    while pos < text.len() {
        records += 1;
        match split(text, pos, &mut fields) {
            Ok((next, _)) => {
                pos = next;
                count += fields.len();
            }
            Err(_) => pos = next_line(text, pos),
        }
    }
    Ok((records, count))
}

/// One structurally sound record (a CSV line, or a table row through [`super::table`]): its fields borrowed from `fields` (no `String` for what
/// validation parses; the record id, vehicle and attributes, which an entry keeps, are copied).
pub(super) fn record<'f>(line: u32, roles: &'f [Role], fields: &'f mut Vec<Cow<'_, str>>) -> Record<'f> {
    if fields.len() > roles.len() {
        if let Some(extra) = fields[roles.len()..].iter().position(|f| !f.trim().is_empty()) {
            return reject(line, (roles.len() + extra) as u32 + 1, Code::InvalidField);
        }
        fields.truncate(roles.len());
    }
    // Free-text cells, which no rule of the spec checks, refuse a NUL here. A NUL in a field with
    // a rule fails that rule in validation, with its code (R-LIST-6): the plate or pattern with
    // R-NORM-5's `invalid_character`, the state `invalid_jurisdiction`, a date `invalid_date`,
    // the year (below) `invalid_field`.
    for (i, f) in fields.iter().enumerate() {
        let col = i as u32 + 1;
        if roles[i].is_free_text() && (has_nul(f) || looks_like_formula(f)) {
            let code = if has_nul(f) {
                Code::InvalidField
            } else {
                Code::FormulaInjection
            };
            return reject(line, col, code);
        }
    }
    let mut raw = RawFields::default();
    // Built only when a vehicle column has a value (most lists have none).
    let mut vehicle: Option<Vehicle> = None;
    for (i, c) in fields.iter().enumerate() {
        let Some(v) = cell(c) else { continue };
        match &roles[i] {
            Role::Plate => raw.plate = Some(v),
            Role::Pattern => raw.pattern = Some(v),
            Role::State => raw.jurisdiction = Some(v),
            Role::Type => raw.plate_type = Some(v),
            Role::Category => raw.category = Some(v),
            Role::RecordId => raw.record_id = Some(Cow::Borrowed(v)),
            Role::Make => vehicle.get_or_insert_default().make = Some(v.to_owned()),
            Role::Model => vehicle.get_or_insert_default().model = Some(v.to_owned()),
            Role::Color => vehicle.get_or_insert_default().color = Some(v.to_owned()),
            Role::Year => match parse_year(v) {
                Some(y) => vehicle.get_or_insert_default().year = Some(y),
                None => return reject(line, i as u32 + 1, Code::InvalidField),
            },
            Role::ExpiresAt => raw.expires_at = Some(v),
            Role::Attribute(name) => {
                raw.attributes.push((Cow::Borrowed(name), Cow::Borrowed(v)));
            }
        }
    }
    raw.vehicle = vehicle.and_then(Vehicle::boxed);
    Record::Fields(raw, line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The unquoted-field scan as it was before [`next_special`] (a byte loop to the field's end,
    /// then a search for a quote in it): the oracle of the word-at-a-time one.
    fn split_bytewise<'a>(
        text: &'a str,
        start: usize,
        fields: &mut Vec<Cow<'a, str>>,
    ) -> std::result::Result<(usize, u32), SplitError> {
        fields.clear();
        let b = text.as_bytes();
        let mut i = start;
        loop {
            let col = fields.len() as u32 + 1;
            if b.get(i) == Some(&b'"') {
                // Quoted fields take the same path in both: compare through `split` itself.
                return split(text, start, fields);
            }
            let end = b[i..]
                .iter()
                .position(|&c| c == b',' || c == b'\n')
                .map_or(b.len(), |e| e + i);
            if end - start > MAX_CSV_RECORD {
                return Err((Code::LineTooLong, col));
            }
            let at_line_end = end == b.len() || b[end] == b'\n';
            let mut cell = &text[i..end];
            if at_line_end {
                cell = cell.strip_suffix('\r').unwrap_or(cell);
            }
            if cell.contains('"') {
                return Err((Code::InvalidField, col));
            }
            fields.push(Cow::Borrowed(cell));
            if at_line_end {
                return Ok(((end + 1).min(b.len()), 0));
            }
            i = end + 1;
        }
    }

    #[test]
    fn a_record_longer_than_the_limit_with_a_quote_in_it_is_too_long() {
        let long = format!("{}\"x,y\n", "a".repeat(MAX_CSV_RECORD + 5));
        let mut fields = Vec::new();
        assert_eq!(split(&long, 0, &mut fields), Err((Code::LineTooLong, 1)));
        let short = "ab\"c,d\n";
        assert_eq!(split(short, 0, &mut fields), Err((Code::InvalidField, 1)));
        assert_eq!(split("ab,c\"d\n", 0, &mut fields), Err((Code::InvalidField, 2)));
    }

    proptest! {
        /// The word-at-a-time scan finds the first `,`, line end or quote a byte loop finds, at
        /// every offset and length (the 8-byte steps and the tail), with multi-byte characters
        /// and bytes whose subtraction borrows (`\0`, `\x01`) around.
        #[test]
        fn the_word_scan_is_the_byte_scan(
            s in "[a,\n\"\r\u{0}\u{1}\u{7f}\u{e9}\u{2c}\u{ac}]{0,40}",
            from in 0usize..48,
        ) {
            let b = s.as_bytes();
            let from = from.min(b.len());
            let want = b[from..]
                .iter()
                .position(|&c| matches!(c, b',' | b'\n' | b'"'))
                .map_or(b.len(), |p| from + p);
            prop_assert_eq!(next_special(b, from), want);
            prop_assert_eq!(has_nul(&s), s.contains('\0'));
        }

        /// `split` gives the fields, ends and errors the byte loop gave, on records of unquoted
        /// and badly quoted fields.
        #[test]
        fn split_is_the_bytewise_split(
            lines in proptest::collection::vec("[a-z0-9 ,\"\r\u{0}\u{e9}]{0,30}", 1..4),
        ) {
            let text = lines.join("\n");
            let mut start = 0;
            while start < text.len() {
                let (mut got, mut want) = (Vec::new(), Vec::new());
                let g = split(&text, start, &mut got);
                let w = split_bytewise(&text, start, &mut want);
                prop_assert_eq!(&g, &w);
                prop_assert_eq!(&got, &want);
                start = match g {
                    Ok((next, _)) if next > start => next,
                    _ => next_line(&text, start),
                };
            }
        }
    }
}
