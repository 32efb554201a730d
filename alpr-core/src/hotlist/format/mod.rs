//! Hot-list file formats (R-LIST-7): bytes in, validated list versions out.
//!
//! Every format is read the same way: the bytes must be UTF-8 (an optional byte-order mark is
//! dropped; a file that is not UTF-8 fails as a whole with `invalid_utf8` and its first bad line),
//! lines end in `\n` or `\r\n`, blank lines are skipped. A parser turns each record line into a
//! [`RawEntry`] and its position, or into a [`Rejection`] (a line too long, a NUL byte, a bad
//! date, a formula-like cell, a short record); every raw entry then goes through the shared
//! validation ([`validate_entry`](crate::hotlist::validate_entry)), so a file and a list handed
//! over as values obey the same rules. Records stream from the parser into the validator: a
//! million-line file never exists as a million raw entries at once.
//!
//! Whole-file failures (the load is refused, the previous version stays in force) carry the line
//! where they were found: `invalid_utf8`, `empty_file`, `no_records`, `invalid_header`,
//! `missing_column`, `truncated_file`, `record_count_mismatch`, `too_many_rejected`.
//!
//! The decisions where SPEC is silent (limits, NUL bytes, formula cells, header-only files) are
//! in DESIGN.md, section "Hot-list files".

mod clew;
mod csv;
mod ncic;
mod table;

#[doc(hidden)]
pub use csv::tokenize as tokenize_csv;

use crate::error::{Code, Error, Position, Result};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::hotlist::validate::{RawFields, Validator};
use crate::hotlist::{ListMeta, ListVersion, LoadReport, RawEntry, Rejection};
use crate::index::{Index, IndexParams, IndexPart};
use crate::policy::Policy;
use crate::time::Instant;
use crate::vocab::{Category, ListKind, vocab};

pub use table::{TableRow, load_table, load_table_with};

vocab! {
    /// A hot-list file format (R-LIST-7).
    Format, Code::InvalidArgument, {
        /// CSV (RFC 4180) with a header row naming the columns.
        Csv = 0 => "csv",
        /// CA DOJ CLEW fixed-width download (`svs.tbl`, `sfr.tbl`, `slr.tbl`).
        CaDojClew = 1 => "ca_doj_clew",
        /// NCIC LPR extract, fixed width, no header.
        NcicExtract = 2 => "ncic_extract",
    }
}

/// Longest record line of the fixed-width formats, in bytes (a CLEW record is 20, an NCIC one
/// about 70).
pub const MAX_FIXED_LINE: usize = 256;
/// Longest CSV record (all its physical lines), in bytes.
pub const MAX_CSV_RECORD: usize = 8192;

/// Where a file's fields are, by 1-based column (character in fixed-width files, field number in
/// CSV): used to give a validation rejection the column of the field it is about.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Columns {
    pub(crate) plate: Option<u32>,
    pub(crate) pattern: Option<u32>,
    pub(crate) jurisdiction: Option<u32>,
    pub(crate) plate_type: Option<u32>,
    pub(crate) category: Option<u32>,
    pub(crate) date: Option<u32>,
}

impl Columns {
    /// The column a validation code is about.
    pub(crate) fn of(&self, code: Code) -> Option<u32> {
        match code {
            Code::Empty | Code::InvalidCharacter | Code::TooLong | Code::PlaceholderPlate | Code::InvalidField => {
                self.plate.or(self.pattern)
            }
            Code::PatternNotAllowed | Code::PatternTooBroad | Code::InvalidPattern => self.pattern.or(self.plate),
            Code::InvalidJurisdiction => self.jurisdiction,
            Code::InvalidPlateType => self.plate_type,
            Code::InvalidCategory | Code::CategoryForbidden => self.category,
            Code::InvalidDate => self.date,
            _ => None,
        }
    }
}

/// What a parser hands to its sink for each record. Moved once into the validator, never stored,
/// so the size difference of the variants costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Record<'a> {
    /// A record to validate, from this 1-based line.
    Entry(RawEntry, u32),
    /// A record's fields, borrowed from the file where they can be, from this 1-based line.
    Fields(RawFields<'a>, u32),
    /// A record the parser rejected.
    Rejected(Rejection),
}

/// What a parser learned about the file as a whole.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FileInfo {
    pub(crate) generated_at: Option<Instant>,
    pub(crate) columns: Columns,
}

/// A rejection at a line and 1-based column.
pub(crate) fn reject(line: u32, column: u32, code: Code) -> Record<'static> {
    Record::Rejected(Rejection {
        position: Position {
            line: Some(line),
            column: Some(column),
            ..Position::default()
        },
        code,
    })
}

/// A whole-file failure at a line.
pub(crate) fn file_error(code: Code, line: u32, detail: &'static str) -> Error {
    Error::new(code).at_line(line).with_detail(detail)
}

/// Decodes a file: drops a byte-order mark, checks UTF-8 (`invalid_utf8` at the first bad line
/// and column), refuses an empty or blank file (`empty_file`).
pub(crate) fn decode(bytes: &[u8]) -> Result<&str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = count_newlines(good) + 1;
        let start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // The valid prefix of the line is UTF-8 by construction.
        let column = std::str::from_utf8(&good[start..]).map_or(0, |s| s.chars().count()) + 1;
        Error::new(Code::InvalidUtf8)
            .at_line(u32::try_from(line).unwrap_or(u32::MAX))
            .at_column(u32::try_from(column).unwrap_or(u32::MAX))
            .with_detail("file is not valid UTF-8")
    })?;
    if text.chars().all(char::is_whitespace) {
        return Err(Error::new(Code::EmptyFile).with_detail("file has no content"));
    }
    Ok(text)
}

/// The lines of a text with their 1-based numbers, `\r\n` or `\n` removed. A final line end does
/// not start another line.
#[derive(Clone)]
pub(crate) struct Lines<'a> {
    rest: &'a str,
    number: u32,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        Lines { rest: text, number: 0 }
    }

    /// The number of the last line returned.
    pub(crate) fn number(&self) -> u32 {
        self.number
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (u32, &'a str);

    fn next(&mut self) -> Option<(u32, &'a str)> {
        if self.rest.is_empty() {
            return None;
        }
        self.number = self.number.saturating_add(1);
        let (line, rest) = match self.rest.find('\n') {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        Some((self.number, line.strip_suffix('\r').unwrap_or(line)))
    }
}

/// The 1-based column (in characters) of a NUL in a line, if any.
pub(crate) fn nul_column(line: &str) -> Option<u32> {
    let i = line.find('\0')?;
    Some(line[..i].chars().count() as u32 + 1)
}

/// The 1-based column of the first NUL in the free-text columns `spans` (0-based character
/// columns, end exclusive) of a fixed-width record, if any. A NUL elsewhere is left to the
/// field's own rule: in the plate it is R-NORM-5's `invalid_character`, in the state
/// `invalid_jurisdiction`, in a date `invalid_date` (R-LIST-6: a field that fails its rule is
/// rejected with that rule's code); only a free-text cell, which no rule checks, needs this one.
pub(crate) fn nul_in_spans(f: &Fixed<'_>, spans: &[(usize, usize)]) -> Option<u32> {
    spans
        .iter()
        .find_map(|&(s, e)| nul_column(f.get(s, e)).map(|c| s as u32 + c))
}

/// Whether a free-text cell starts like a spreadsheet formula (`=`, `+`, `-`, `@`, or a tab or
/// carriage return before one): the OWASP CSV-injection prefixes.
pub(crate) fn looks_like_formula(cell: &str) -> bool {
    let starts = |s: &str| matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@'));
    starts(cell) || matches!(cell.as_bytes().first(), Some(b'\t' | b'\r')) || starts(cell.trim_start())
}

/// A fixed-width line addressed by 0-based character columns.
pub(crate) struct Fixed<'a> {
    line: &'a str,
    /// Byte offsets of each character and of the end, when the line is not ASCII.
    offsets: Option<Vec<usize>>,
}

impl<'a> Fixed<'a> {
    pub(crate) fn new(line: &'a str) -> Fixed<'a> {
        let offsets = (!line.is_ascii()).then(|| {
            let mut v: Vec<usize> = line.char_indices().map(|(i, _)| i).collect();
            v.push(line.len());
            v
        });
        Fixed { line, offsets }
    }

    /// The length in characters.
    pub(crate) fn len(&self) -> usize {
        self.offsets.as_ref().map_or(self.line.len(), |o| o.len() - 1)
    }

    /// Characters `start..end` (clipped to the line).
    pub(crate) fn get(&self, start: usize, end: usize) -> &'a str {
        let n = self.len();
        let (s, e) = (start.min(n), end.min(n));
        match &self.offsets {
            None => &self.line[s..e],
            Some(o) => &self.line[o[s]..o[e]],
        }
    }

    /// Characters `start..end`, trimmed; `None` when blank.
    pub(crate) fn field(&self, start: usize, end: usize) -> Option<&'a str> {
        Some(self.get(start, end).trim()).filter(|s| !s.is_empty())
    }
}

/// Parses a 1–4 digit vehicle year; `None` for other text.
pub(crate) fn parse_year(s: &str) -> Option<u16> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Runs a format's parser over decoded text, handing each record to `sink`.
fn run(format: Format, text: &str, tz: chrono_tz::Tz, sink: &mut dyn FnMut(Record<'_>)) -> Result<FileInfo> {
    match format {
        Format::Csv => csv::parse(text, sink),
        Format::CaDojClew => clew::parse(text, tz, sink),
        Format::NcicExtract => ncic::parse(text, sink),
    }
}

/// A file parsed but not yet validated: the raw entries with their positions, the records the
/// parser already rejected, and the header time where the format has one.
#[derive(Clone, Debug, Default)]
pub struct ParsedFile {
    /// The records to validate, in file order.
    pub raws: Vec<RawEntry>,
    /// `positions[i]` is the line of `raws[i]`.
    pub positions: Vec<Position>,
    /// Records rejected by the parser, with line, column and code.
    pub rejected: Vec<Rejection>,
    /// The file's generation time (CLEW header), if any.
    pub generated_at: Option<Instant>,
}

/// Parses a file without validating its entries (for tools that inspect a file; loading uses
/// [`load_bytes`], which streams instead of collecting). The policy gives the agency time zone.
///
/// # Errors
/// The whole-file failures of the module documentation (but `too_many_rejected`).
pub fn parse_bytes(format: Format, bytes: &[u8], policy: &Policy) -> Result<ParsedFile> {
    let text = decode(bytes)?;
    let mut out = ParsedFile::default();
    let info = run(format, text, policy.time_zone, &mut |r| match r {
        Record::Entry(raw, line) => {
            out.raws.push(raw);
            out.positions.push(Position::at_line(line));
        }
        Record::Fields(fields, line) => {
            out.raws.push(fields.to_raw());
            out.positions.push(Position::at_line(line));
        }
        Record::Rejected(rej) => out.rejected.push(rej),
    })?;
    out.generated_at = info.generated_at;
    Ok(out)
}

/// How a file is loaded. No option changes what a load gives: the version, its entries in their
/// order, the folded duplicates, the report and every failure are the same whatever the options;
/// they change only how the work is done, and what a caller on another thread can watch.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct LoadOptions<'a> {
    /// The most threads a load may use (1: the calling thread only, the default; a library in a
    /// camera process does not start threads unasked). A CSV file of at least two
    /// [`MIN_CHUNK`]s is cut at line starts into up to this many chunks, parsed and validated
    /// on scoped threads and merged in file order; other formats load on the calling thread.
    /// 0 is taken as 1.
    pub threads: usize,
    /// A count the load raises as it parses, for a progress display on another thread (the
    /// Python binding's `progress=`): the records parsed so far, a record being a line that holds
    /// one, kept or rejected (a header, a footer and blank lines are not). Raised every
    /// [`COUNT_EVERY`] records and at the end of the parse, before the index is built; added
    /// to, never reset, so one counter can follow several loads. `None`: nothing counted.
    pub records_parsed: Option<&'a AtomicUsize>,
}

/// How many records a load parses between two raises of [`LoadOptions::records_parsed`] (one
/// shared cache line written every few hundred microseconds, not once a record).
pub const COUNT_EVERY: usize = 4096;

impl PartialEq for LoadOptions<'_> {
    /// The same thread count and the same counter (the same `AtomicUsize`, not an equal count).
    fn eq(&self, other: &LoadOptions<'_>) -> bool {
        self.threads.max(1) == other.threads.max(1)
            && match (self.records_parsed, other.records_parsed) {
                (None, None) => true,
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                _ => false,
            }
    }
}

impl Eq for LoadOptions<'_> {}

impl Default for LoadOptions<'_> {
    /// One thread, nothing counted.
    fn default() -> Self {
        LoadOptions::with_threads(1)
    }
}

impl<'a> LoadOptions<'a> {
    /// Options with at most `threads` threads (0 is taken as 1).
    #[must_use]
    pub fn with_threads(threads: usize) -> LoadOptions<'a> {
        LoadOptions {
            threads: threads.max(1),
            records_parsed: None,
        }
    }

    /// These options, counting the records parsed into `counter` (see
    /// [`LoadOptions::records_parsed`]).
    #[must_use]
    pub fn counting(self, counter: &'a AtomicUsize) -> LoadOptions<'a> {
        LoadOptions {
            records_parsed: Some(counter),
            ..self
        }
    }
}

/// Counts a parser's records into a [`LoadOptions::records_parsed`] counter, [`COUNT_EVERY`] at
/// a time.
struct Tally<'a> {
    counter: Option<&'a AtomicUsize>,
    /// Records not yet added to the counter.
    pending: usize,
    /// Records counted in all.
    counted: usize,
}

impl<'a> Tally<'a> {
    fn new(counter: Option<&'a AtomicUsize>) -> Tally<'a> {
        Tally {
            counter,
            pending: 0,
            counted: 0,
        }
    }

    /// One more record.
    #[inline]
    fn one(&mut self) {
        if let Some(c) = self.counter {
            self.counted += 1;
            self.pending += 1;
            if self.pending == COUNT_EVERY {
                c.fetch_add(COUNT_EVERY, Ordering::Relaxed);
                self.pending = 0;
            }
        }
    }
}

impl Drop for Tally<'_> {
    /// The records not yet added.
    fn drop(&mut self) {
        if let Some(c) = self.counter {
            c.fetch_add(self.pending, Ordering::Relaxed);
        }
    }
}

/// The smallest chunk of a file a thread of a parallel load takes, in bytes (a smaller file
/// loads on one thread: starting a thread costs more than the chunk).
pub const MIN_CHUNK: usize = 1 << 20;

/// Parses and validates a file into a list version (R-LIST-6, R-LIST-7), indexed for matching
/// under `policy` (the registry's: [`Registry::load_file`](crate::registry::Registry::load_file)).
///
/// `meta.generated_at` is replaced by the file's own time when the format has one (the CLEW
/// header). `default_category` is the category of records that name none (a CLEW SVS file is
/// `stolen_vehicle`); without one such records are `other`. The report lists every rejected
/// record in file order with its line, column and code, and carries `generated_at`.
///
/// Runs on the calling thread; [`load_bytes_with`] can use more.
///
/// # Errors
/// The whole-file failures of the module documentation, `too_many_rejected` when more than the
/// policy's `max_rejected_fraction` of records were rejected (by the parser or by validation).
pub fn load_bytes(
    format: Format,
    bytes: &[u8],
    meta: ListMeta,
    default_category: Option<Category>,
    policy: &Policy,
) -> Result<(ListVersion, LoadReport)> {
    load_bytes_with(format, bytes, meta, default_category, policy, LoadOptions::default())
}

/// [`load_bytes`] with [`LoadOptions`] (threads): the same version, report and failures.
///
/// # Errors
/// As [`load_bytes`].
pub fn load_bytes_with(
    format: Format,
    bytes: &[u8],
    meta: ListMeta,
    default_category: Option<Category>,
    policy: &Policy,
    options: LoadOptions<'_>,
) -> Result<(ListVersion, LoadReport)> {
    load_in_chunks(format, bytes, meta, default_category, policy, options, MIN_CHUNK)
}

/// [`load_bytes_with`] with the smallest chunk given (tests cut tiny files into many chunks).
fn load_in_chunks(
    format: Format,
    bytes: &[u8],
    mut meta: ListMeta,
    default_category: Option<Category>,
    policy: &Policy,
    options: LoadOptions<'_>,
    min_chunk: usize,
) -> Result<(ListVersion, LoadReport)> {
    let text = decode(bytes)?;
    let threads = options.threads.max(1);
    let counter = options.records_parsed;
    let (mut v, info, index) = if format == Format::Csv && threads > 1 {
        validate_csv_parallel(text, meta.kind, default_category, policy, threads, min_chunk, counter)?
    } else {
        let (v, info) = validate_serial(format, text, meta.kind, default_category, policy, counter)?;
        (v, info, None)
    };
    let rejected = v.rejected_mut();
    for r in rejected.iter_mut() {
        if r.position.column.is_none() {
            r.position.column = info.columns.of(r.code);
        }
    }
    // Parser and validation rejections interleave; report them in file order.
    rejected.sort_by_key(|r| r.position.line);
    let (entries, mut report) = v.finish()?;
    if info.generated_at.is_some() {
        meta.generated_at = info.generated_at;
    }
    report.generated_at = meta.generated_at;
    let version = match index {
        Some(index) => ListVersion::with_index(meta, entries, index),
        None => ListVersion::build_on(meta, entries, policy, threads),
    };
    Ok((version, report))
}

/// Streams a file's records through one validator on the calling thread.
fn validate_serial<'p>(
    format: Format,
    text: &str,
    kind: ListKind,
    default_category: Option<Category>,
    policy: &'p Policy,
    counter: Option<&AtomicUsize>,
) -> Result<(Validator<'p>, FileInfo)> {
    // Nothing is reserved in proportion to the file: the entries grow with what is kept (a file
    // of blank lines or of one record repeated holds next to nothing). A record is at least a
    // dozen bytes; the validator caps the hint at one batch.
    let mut v = Validator::new(kind, default_category, policy, text.len() / 12);
    let mut tally = Tally::new(counter);
    let info = run(format, text, policy.time_zone, &mut |r| {
        tally.one();
        feed(&mut v, r);
    })?;
    Ok((v, info))
}

/// Hands one parsed record to a validator.
fn feed(v: &mut Validator<'_>, mut r: Record<'_>) {
    match r {
        Record::Entry(raw, line) => v.push(raw, Position::at_line(line)),
        Record::Fields(ref mut fields, line) => v.push_fields(fields, Position::at_line(line)),
        Record::Rejected(rej) => v.reject(rej),
    }
}

/// A CSV file's records validated on up to `threads` threads, with what [`validate_serial`]
/// gives (the same entries in the same order, folds, rejections and positions, failures).
///
/// The header is read first, on the calling thread (its failures are the serial ones). The
/// records are cut at line starts into chunks of at least `min_chunk` bytes; each chunk is read
/// from its first byte as if a record started there, on its own scoped thread, into its own
/// validator, with lines counted from the chunk's start. A line start need not be a record start
/// (a quoted field may hold line ends): a chunk's run ends at the first record start at or after
/// the next chunk's first byte, and only if every run ends exactly there did each chunk start
/// where the serial read has a record start, and so read what the serial read reads there.
/// Otherwise (a quoted line end across a cut) the file is read again on the calling thread.
/// The chunks' validators are then absorbed in file order, their lines shifted by the lines
/// before them. Each chunk also files its entries' keys for the look-alike table on its own
/// thread ([`IndexPart`]: filed and sorted, the largest part of an index build), so that the
/// index (the parts given their final entry ids, known once the last chunk is paired with the
/// others, merged and laid out) is built on a scoped thread while the calling thread appends
/// the last chunk's entries; it is returned with the validator (`None` when the file was read
/// serially, when no thread could be had, and under a policy with edits, whose index records
/// the final entries' attributes and is built from them afterwards).
fn validate_csv_parallel<'p>(
    text: &str,
    kind: ListKind,
    default_category: Option<Category>,
    policy: &'p Policy,
    threads: usize,
    min_chunk: usize,
    counter: Option<&AtomicUsize>,
) -> Result<(Validator<'p>, FileInfo, Option<Index>)> {
    let serial = || {
        let (v, info) = validate_serial(Format::Csv, text, kind, default_category, policy, counter)?;
        Ok((v, info, None))
    };
    let h = csv::header(text)?;
    let len = text.len() - h.start;
    let n = threads.min(len / min_chunk.max(1));
    if n <= 1 {
        return serial();
    }
    let mut bounds = vec![h.start];
    for k in 1..n {
        let at = csv::line_start_after(text, h.start + len / n * k);
        if bounds.last().is_some_and(|&b| at > b) && at < text.len() {
            bounds.push(at);
        }
    }
    bounds.push(text.len());
    let roles = &h.roles;
    let params = IndexParams::of(policy);
    // A deletion table records each entry's attributes (`Index::build`), which folding may still
    // change: under a policy with edits the index is built from the final entries afterwards.
    let filed = params.max_edits == 0;
    let chunk = |i: usize| {
        let (start, stop) = (bounds[i], bounds[i + 1]);
        let mut v = Validator::new(kind, default_category, policy, (stop - start) / 12);
        let mut tally = Tally::new(counter);
        let run = csv::records(text, start, stop, 0, roles, &mut |r| {
            tally.one();
            feed(&mut v, r);
        });
        let tallied = tally.counted;
        drop(tally);
        v.fold();
        let part = filed.then(|| v.index_part(&params.confusion));
        (v, run, part, tallied)
    };
    let chunks: Vec<(Validator<'p>, csv::Run, Option<IndexPart>, usize)> =
        crate::threads::map_parts(bounds.len() - 1, chunk);
    if chunks.iter().zip(&bounds[1..]).any(|((_, run, _, _), &b)| run.end != b) {
        // Read again from the start: what the chunks counted is taken back first.
        if let Some(c) = counter {
            c.fetch_sub(chunks.iter().map(|ch| ch.3).sum::<usize>(), Ordering::Relaxed);
        }
        drop(chunks);
        return serial();
    }
    #[cfg(test)]
    tests::PARALLEL_LOADS.with(|c| c.set(c.get() + 1));
    if chunks.iter().map(|(_, run, _, _)| run.records).sum::<usize>() == 0 {
        return Err(csv::no_records(h.line));
    }
    let info = FileInfo {
        generated_at: None,
        columns: h.columns,
    };
    let mut line = h.start_line;
    let mut chunks = chunks.into_iter().map(|(mut v, run, part, _)| {
        for r in v.rejected_mut() {
            r.position.line = r.position.line.map(|l| l.wrapping_add(line));
        }
        line = line.wrapping_add(run.line);
        (v, part)
    });
    let Some((mut merged, first)) = chunks.next() else {
        return serial();
    };
    let mut rest: Vec<(Validator<'p>, Option<IndexPart>)> = chunks.collect();
    let Some((last, last_part)) = rest.pop() else {
        return Ok((merged, info, None));
    };
    // Each part's entries placed at their ids in the whole list (its entries folded into an
    // earlier chunk's leave it).
    let mut parts: Vec<(IndexPart, u32, Vec<bool>)> = Vec::with_capacity(rest.len() + 2);
    parts.extend(first.map(|p| (p, 0, Vec::new())));
    for (v, part) in rest {
        let base = merged.entry_id();
        let dropped = merged.absorb(v, false);
        parts.extend(part.map(|p| (p, base, dropped)));
    }
    let plan = merged.plan(last);
    let Some(last_part) = last_part.filter(|_| filed) else {
        merged.apply(plan, true);
        return Ok((merged, info, None));
    };
    let dropped = plan.dropped();
    let dropped = if dropped.contains(&true) {
        dropped.to_vec()
    } else {
        Vec::new()
    };
    parts.push((last_part, merged.entry_id(), dropped));
    // The index (the parts placed, merged and laid out) on a scoped thread while the calling
    // thread appends the last chunk's entries.
    let build = move || {
        let parts: Vec<IndexPart> = parts
            .into_iter()
            .map(|(mut p, base, dropped)| {
                p.place(base, &dropped);
                p
            })
            .collect();
        Index::from_parts(&parts, params)
    };
    let index = std::thread::scope(|s| {
        let handle = std::thread::Builder::new().spawn_scoped(s, build);
        merged.apply(plan, true);
        // No thread to be had (`build` went with the failed spawn): `None`, and the index is
        // built from the gathered entries afterwards.
        handle
            .ok()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    });
    Ok((merged, info, index))
}

/// The number of `\n` bytes (the compiler vectorizes this loop; no extra crate needed).
#[allow(clippy::naive_bytecount)]
pub(crate) fn count_newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

#[cfg(test)]
mod tests;
