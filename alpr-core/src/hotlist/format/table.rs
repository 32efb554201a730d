//! Hot lists handed over as a table (a dataframe, an Arrow table): named columns and rows of
//! cells, read by the CSV rules.
//!
//! A table is a CSV file whose header and fields were already split: the column names are
//! matched as CSV header names are (`plate` or `pattern`, `state`/`jurisdiction`,
//! `type`/`plate_type`, `category`, `record_id`, `make`, `model`, `color`, `year`, `expires_at`,
//! anything else an attribute), and every row goes through the CSV record checks (NUL bytes,
//! formula-like free text, the vehicle year, [`MAX_CSV_RECORD`]) and then the shared validation,
//! so a table, a file and a list of values obey the same rules (R-LIST-6, R-LIST-8). Rows take
//! the role of lines: a rejection's position is the row's 0-based `index` and the 1-based
//! `column` of the field it is about.

use std::borrow::Cow;

use super::csv::{self, Role};
use super::{Columns, LoadOptions, MAX_CSV_RECORD, Record};
use crate::error::{Code, Error, Position, Result};
use crate::hotlist::validate::Validator;
use crate::hotlist::{ListMeta, ListVersion, LoadReport, Rejection};
use crate::policy::Policy;
use crate::vocab::Category;

/// One row of a table as its source reads it: the cells in column order (a missing value as an
/// empty cell), or the 1-based column and code of a cell the source could not read as text
/// (bytes that are not UTF-8, a value of a type that has no text form).
pub type TableRow<'a> = std::result::Result<Vec<Cow<'a, str>>, (u32, Code)>;

fn table_error(code: Code, detail: &'static str) -> Error {
    Error::new(code).with_detail(detail)
}

/// The rejection of row `row` at `column`.
fn rejection(row: usize, column: Option<u32>, code: Code) -> Rejection {
    Rejection {
        position: Position {
            index: Some(u32::try_from(row).unwrap_or(u32::MAX)),
            column,
            ..Position::default()
        },
        code,
    }
}

/// Validates a table into a list version (R-LIST-6, R-LIST-8), indexed for matching under
/// `policy`, as [`load_bytes`](super::load_bytes) does a CSV file.
///
/// `names` are the column names; `rows` the rows in order, each with one cell per column (extra
/// cells must be empty, as in CSV; missing ones are empty). A row of blank cells is a record
/// without a plate (`empty`), as a CSV line of empty fields is. `default_category` applies to rows that name none.
///
/// # Errors
/// `invalid_header` (a NUL in a name, a column named twice), `missing_column` (neither `plate`
/// nor `pattern`), `no_records` (no rows), `too_many_rejected`.
pub fn load_table<'a>(
    names: &[&str],
    rows: impl IntoIterator<Item = TableRow<'a>>,
    meta: ListMeta,
    default_category: Option<Category>,
    policy: &Policy,
) -> Result<(ListVersion, LoadReport)> {
    load_table_with(names, rows, meta, default_category, policy, LoadOptions::default())
}

/// [`load_table`] with [`LoadOptions`]: the rows are validated in order on the calling thread,
/// and the index of a large list is built on up to `options.threads` scoped threads
/// ([`ListVersion::build_on`]), with the same result.
///
/// # Errors
/// As [`load_table`].
pub fn load_table_with<'a>(
    names: &[&str],
    rows: impl IntoIterator<Item = TableRow<'a>>,
    meta: ListMeta,
    default_category: Option<Category>,
    policy: &Policy,
    options: LoadOptions<'_>,
) -> Result<(ListVersion, LoadReport)> {
    let mut roles: Vec<Role> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let name = name.trim();
        if name.contains('\0') {
            return Err(table_error(Code::InvalidHeader, "NUL byte in a column name"));
        }
        let role = if name.is_empty() {
            Role::Attribute(format!("column{}", i + 1))
        } else {
            Role::of(name)
        };
        if roles.contains(&role) {
            return Err(table_error(Code::InvalidHeader, "a column is named twice"));
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
        return Err(table_error(Code::MissingColumn, "no plate or pattern column"));
    }
    let rows = rows.into_iter();
    let mut v = Validator::new(meta.kind, default_category, policy, rows.size_hint().0);
    let mut records = 0usize;
    let mut tally = super::Tally::new(options.records_parsed);
    for (row, cells) in rows.enumerate() {
        tally.one();
        let mut fields = match cells {
            Ok(fields) => fields,
            Err((column, code)) => {
                records += 1;
                v.reject(rejection(row, Some(column), code));
                continue;
            }
        };
        records += 1;
        if let Some(column) = over_length(&fields) {
            v.reject(rejection(row, Some(column), Code::LineTooLong));
            continue;
        }
        // The CSV record rules; its "line" is the row number plus one (lines count from 1).
        let line = u32::try_from(row).unwrap_or(u32::MAX - 1) + 1;
        match csv::record(line, &roles, &mut fields) {
            Record::Entry(raw, _) => v.push(
                raw,
                Position {
                    index: Some(line - 1),
                    ..Position::default()
                },
            ),
            Record::Fields(mut raw, _) => v.push_fields(
                &mut raw,
                Position {
                    index: Some(line - 1),
                    ..Position::default()
                },
            ),
            Record::Rejected(r) => v.reject(rejection(row, r.position.column, r.code)),
        }
    }
    drop(tally);
    if records == 0 {
        return Err(table_error(Code::NoRecords, "a table without rows"));
    }
    for r in v.rejected_mut().iter_mut() {
        if r.position.column.is_none() {
            r.position.column = columns.of(r.code);
        }
    }
    let (entries, mut report) = v.finish()?;
    report.generated_at = meta.generated_at;
    Ok((
        ListVersion::build_on(meta, entries, policy, options.threads.max(1)),
        report,
    ))
}

/// The 1-based column at which a row's cells pass [`MAX_CSV_RECORD`] bytes, if they do.
fn over_length(fields: &[Cow<'_, str>]) -> Option<u32> {
    let mut total = 0usize;
    for (i, f) in fields.iter().enumerate() {
        total += f.len();
        if total > MAX_CSV_RECORD {
            return Some(i as u32 + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::ListKind;

    fn meta() -> ListMeta {
        ListMeta {
            id: "T".to_owned(),
            kind: ListKind::Standard,
            priority: 10,
            loaded_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            source: String::new(),
            generated_at: None,
        }
    }

    /// A policy that keeps a load however many records it rejects.
    fn lenient() -> Policy {
        Policy {
            max_rejected_fraction: 1.0,
            ..Policy::default()
        }
    }

    #[allow(clippy::unnecessary_wraps)] // rows and unreadable rows (`Err`) go in one vector
    fn row(cells: &[&'static str]) -> TableRow<'static> {
        Ok(cells.iter().map(|c| Cow::Borrowed(*c)).collect())
    }

    fn csv_load(text: &str) -> Result<(ListVersion, LoadReport)> {
        super::super::load_bytes(super::super::Format::Csv, text.as_bytes(), meta(), None, &lenient())
    }

    #[test]
    fn a_table_obeys_the_csv_rules_with_rows_for_lines() {
        let names = ["plate", "state", "make"];
        let rows = vec![
            row(&["7ABC123", "CA", "Honda"]),
            row(&["", "", ""]),
            row(&["NOPLATE", "CA", ""]),
            row(&["8XYZ999", "ZZ", ""]),
            row(&["7ABC123", "CA", ""]),
            row(&["9DEF456", "CA", "=cmd"]),
            Err((2, Code::InvalidUtf8)),
            row(&["1AAA111", "NV", ""]),
        ];
        let (version, report) = load_table(&names, rows, meta(), None, &lenient()).expect("a mostly good table loads");
        let text = "plate,state,make\n7ABC123,CA,Honda\n,,\nNOPLATE,CA,\n8XYZ999,ZZ,\n7ABC123,CA,\n9DEF456,CA,=cmd\n1AAA111,NV,\n";
        let (file_version, file_report) = csv_load(text).expect("the same file loads");
        assert_eq!(report.accepted, file_report.accepted);
        assert_eq!(report.merged, file_report.merged);
        assert_eq!(version.entries(), file_version.entries());
        let table: Vec<_> = report
            .rejected
            .iter()
            .map(|r| (r.position.index, r.position.column, r.code))
            .collect();
        assert_eq!(
            table,
            vec![
                (Some(1), Some(1), Code::Empty),
                (Some(2), Some(1), Code::PlaceholderPlate),
                (Some(3), Some(2), Code::InvalidJurisdiction),
                (Some(5), Some(3), Code::FormulaInjection),
                (Some(6), Some(2), Code::InvalidUtf8),
            ]
        );
        // The file's rejections are the same codes and columns, at lines (row + 2: the header).
        let file: Vec<_> = file_report
            .rejected
            .iter()
            .map(|r| (r.position.column, r.code))
            .collect();
        assert_eq!(file[..4], table[..4].iter().map(|t| (t.1, t.2)).collect::<Vec<_>>()[..]);
        let lines: Vec<_> = file_report.rejected.iter().map(|r| r.position.line).collect();
        let rows: Vec<_> = table[..4].iter().map(|t| t.0.map(|i| i + 2)).collect();
        assert_eq!(lines[..4], rows[..]);
    }

    #[test]
    fn whole_table_failures() {
        let code = |names: &[&str], rows: Vec<TableRow<'static>>| {
            load_table(names, rows, meta(), None, &Policy::default())
                .err()
                .map(|e| e.code())
        };
        assert_eq!(code(&["make"], vec![row(&["x"])]), Some(Code::MissingColumn));
        assert_eq!(
            code(&["plate", "PLATE"], vec![row(&["x", "y"])]),
            Some(Code::InvalidHeader)
        );
        assert_eq!(
            code(&["plate", "a\0"], vec![row(&["x", "y"])]),
            Some(Code::InvalidHeader)
        );
        assert_eq!(code(&["plate"], vec![]), Some(Code::NoRecords));
        assert_eq!(code(&["plate"], vec![row(&[" "])]), Some(Code::TooManyRejected));
        assert_eq!(
            code(&["plate"], vec![row(&["NOPLATE"]), row(&["NONE"])]),
            Some(Code::TooManyRejected)
        );
    }

    #[test]
    fn an_overlong_row_is_rejected_at_the_column_that_passes_the_limit() {
        // An owned cell (a table's cells may be owned or borrowed), not a leaked one: the
        // sanitizer run (`make asan-rust`) checks for leaks.
        let long = Cow::Owned("x".repeat(MAX_CSV_RECORD));
        let rows = vec![
            row(&["7ABC123", "a"]),
            Ok(vec![Cow::Borrowed("7ABC124"), long]),
            row(&["7ABC125", "b"]),
            row(&["7ABC126", "c"]),
        ];
        let (_, report) = load_table(&["plate", "note"], rows, meta(), None, &lenient()).expect("loads");
        assert_eq!(report.accepted, 3);
        assert_eq!(report.rejected[0].position.index, Some(1));
        assert_eq!(report.rejected[0].position.column, Some(2));
        assert_eq!(report.rejected[0].code, Code::LineTooLong);
    }

    /// Threads build the index of a large table's list, only when asked, and change nothing:
    /// the same entries, report and look-alike groups (with their attribute flags).
    #[test]
    fn a_table_indexed_on_threads_is_the_one_thread_load() {
        let plates: Vec<String> = (0..70_000u32)
            .map(|i| format!("{}{:05}", char::from(b'A' + (i % 26) as u8), i))
            .collect();
        let states = ["CA", "", "NV"];
        let load = |threads: usize| {
            let rows = plates
                .iter()
                .enumerate()
                .map(|(i, p)| -> TableRow<'_> { Ok(vec![Cow::Borrowed(p.as_str()), Cow::Borrowed(states[i % 3])]) });
            let splits = crate::threads::splits_on_this_thread();
            let (version, report) = load_table_with(
                &["plate", "state"],
                rows,
                meta(),
                None,
                &lenient(),
                LoadOptions::with_threads(threads),
            )
            .expect("loads");
            assert_eq!(
                crate::threads::splits_on_this_thread() > splits,
                threads > 1,
                "split exactly when asked"
            );
            let index = version.index();
            let mut groups = Vec::new();
            for e in version.entries() {
                if let crate::pattern::PlateOrPattern::Plate(p) = &e.key {
                    index.lookalikes(index.params().confusion.key(*p), |id, q, attrs| {
                        groups.push((id, q, attrs));
                    });
                }
            }
            (version.entries().to_vec(), report, groups)
        };
        let (one, two) = (load(1), load(2));
        assert_eq!(one.0.len(), 70_000);
        assert!(
            one.2.iter().any(|g| g.2 != 0) && one.2.iter().any(|g| g.2 == 0),
            "flags both ways"
        );
        assert!(one == two, "the same entries, report and groups");
    }
}
