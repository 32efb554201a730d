//! `Registry.match_batch` (SPEC §3) over Arrow data: plates, jurisdictions and plate types are
//! read in place from the Arrow buffers, matched without the GIL, and the result is built in
//! Rust as an Arrow table. Lists and tuples of `str` stay accepted.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Int64Builder, ListBuilder, StringBuilder, TimestampMicrosecondBuilder, UInt8Builder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use alpr_core::matching::{Hit, Read};
use alpr_core::vocab::Origin;
use alpr_core::{Code, Error, Jurisdiction, PlateType};

use crate::arrow::{self, Cell, Imported};
use crate::errors::IntoPy;
use crate::progress::Progress;
use crate::registry::PyRegistry;
use crate::time::{self, Times};

/// A text column's values owned by Rust (from a Python list), or an Arrow column read in place.
enum Text {
    Arrow(arrow::Column),
    Owned(Vec<Owned>),
}

/// One value of a Python list.
enum Owned {
    Str(String),
    Null,
    Bad(Code),
}

impl Text {
    fn len(&self) -> usize {
        match self {
            Text::Arrow(c) => c.len(),
            Text::Owned(v) => v.len(),
        }
    }

    /// The values of rows `range`, one at a time (an Arrow column read in place, nothing
    /// allocated per row or per chunk).
    fn cells_in(&self, range: std::ops::Range<usize>) -> TextCells<'_> {
        match self {
            Text::Arrow(c) => TextCells::Arrow(c.cells_in(range)),
            Text::Owned(v) => TextCells::Owned(v[range].iter()),
        }
    }
}

/// The cells of some rows of a [`Text`].
enum TextCells<'a> {
    Arrow(arrow::Cells<'a>),
    Owned(std::slice::Iter<'a, Owned>),
}

impl<'a> Iterator for TextCells<'a> {
    type Item = Cell<'a>;

    #[inline]
    fn next(&mut self) -> Option<Cell<'a>> {
        match self {
            TextCells::Arrow(c) => c.next(),
            TextCells::Owned(v) => v.next().map(|o| match o {
                Owned::Str(s) => Cell::Str(s),
                Owned::Null => Cell::Null,
                Owned::Bad(c) => Cell::Bad(*c),
            }),
        }
    }
}

/// The values of a list or tuple: `str`, or `None` / a float NaN (pandas' missing value) for a
/// missing one; anything else is that row's `bad` error.
fn owned(seq: &Bound<'_, PyAny>, bad: Code) -> PyResult<Vec<Owned>> {
    seq.try_iter()?
        .map(|x| {
            let x = x?;
            Ok(if let Ok(s) = x.cast::<PyString>() {
                // A str with lone surrogates has no UTF-8 form.
                s.to_str()
                    .map_or(Owned::Bad(Code::InvalidUtf8), |s| Owned::Str(s.to_owned()))
            } else if x.is_none() || x.extract::<f64>().is_ok_and(f64::is_nan) {
                Owned::Null
            } else {
                Owned::Bad(bad)
            })
        })
        .collect()
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
}

/// A column argument: an Arrow column, or a list or tuple; else a `TypeError` naming `arg`.
fn text_column(arg: &str, obj: &Bound<'_, PyAny>, bad: Code) -> PyResult<Text> {
    if let Some(imported) = arrow::import(arg, obj)? {
        if imported.is_table() {
            return Err(PyTypeError::new_err(format!("{arg}: expected one column, got a table")));
        }
        let col = imported.into_column();
        col.check_text(arg)?;
        return Ok(Text::Arrow(col));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return owned(obj, bad).map(Text::Owned);
    }
    Err(PyTypeError::new_err(format!(
        "{arg}: expected a column ({}), got {}",
        arrow::ACCEPTED,
        type_name(obj)
    )))
}

/// A per-read attribute: absent, one value for every read, or a column.
enum Attr<T> {
    Absent,
    One(T),
    Each(Text),
}

impl<T: Copy> Attr<T> {
    /// The values of reads `range`, one at a time, when given as a column.
    fn cells_in(&self, range: std::ops::Range<usize>) -> Option<TextCells<'_>> {
        match self {
            Attr::Each(text) => Some(text.cells_in(range)),
            _ => None,
        }
    }

    /// The number of values of a column.
    fn each_len(&self) -> Option<usize> {
        match self {
            Attr::Each(text) => Some(text.len()),
            _ => None,
        }
    }

    fn one(&self) -> Option<T> {
        match self {
            Attr::One(v) => Some(*v),
            _ => None,
        }
    }
}

/// Reads a per-read attribute argument. With a table, a `str` names a column of it; otherwise a
/// `str` is one value for every read (a bad one raises). A column is an Arrow column or a list.
fn attr<T>(
    py: Python<'_>,
    arg: &str,
    value: Option<&Bound<'_, PyAny>>,
    table: Option<&Imported>,
    parse: fn(&str) -> alpr_core::Result<T>,
    bad: Code,
) -> PyResult<Attr<T>> {
    let Some(value) = value else { return Ok(Attr::Absent) };
    if let Ok(s) = value.cast::<PyString>() {
        let s = s.to_str()?;
        if let Some(t) = table {
            let col = t.column(arg, s)?;
            col.check_text(arg)?;
            return Ok(Attr::Each(Text::Arrow(col)));
        }
        return parse(s).py_err(py).map(Attr::One);
    }
    text_column(arg, value, bad).map(Attr::Each)
}

/// One read's attribute: `cell` (the read's cell of the attribute's column, `None` without a
/// column) parsed, or the one value given for every read.
pub(crate) fn attr_value<T: Copy>(
    cell: Option<Cell<'_>>,
    one: Option<T>,
    parse: fn(&str) -> alpr_core::Result<T>,
) -> Result<Option<T>, Error> {
    match cell {
        None => Ok(one),
        Some(Cell::Str(s)) => parse(s).map(Some),
        Some(Cell::Null) => Ok(None),
        Some(Cell::Bad(code)) => Err(Error::new(code)),
    }
}

fn invalid(py: Python<'_>, msg: String) -> PyErr {
    crate::errors::to_py(py, &Error::new(Code::InvalidArgument).with_detail(msg))
}

/// Reads matched per chunk between two checks for Ctrl-C (about 30 ms of matching).
const MATCH_CHUNK: usize = 1 << 16;

/// One row of a result: a hit of read (or detection) `id`, or the error of row `id`.
#[derive(Clone, Copy)]
pub(crate) enum Row<'a> {
    /// A hit.
    Hit(u64, &'a Hit),
    /// An unreadable row.
    Error(u64, &'a Error),
}

impl Row<'_> {
    /// A copy, for iterating a slice of rows by value.
    pub(crate) fn copy(&self) -> Self {
        *self
    }
}

/// The fixed schema of a hit table: `first` (the read index or detection id), the explanation's
/// fields with the list version's load time, and an `error` column when rows may carry one.
fn schema(first: &str, errors: bool) -> Schema {
    let utc = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let mut fields = vec![
        Field::new(first, DataType::UInt64, false),
        Field::new("list", DataType::Utf8, true),
        Field::new("list_kind", DataType::Utf8, true),
        Field::new("list_loaded_at", utc, true),
        Field::new("priority", DataType::UInt8, true),
        Field::new("entry", DataType::Utf8, true),
        Field::new("kind", DataType::Utf8, true),
        Field::new(
            "positions",
            DataType::List(Arc::new(Field::new("item", DataType::UInt8, true))),
            true,
        ),
        Field::new("jurisdiction", DataType::Utf8, true),
        Field::new("plate_type_mismatch", DataType::Boolean, true),
        Field::new("stale", DataType::Boolean, true),
        Field::new("tier", DataType::Utf8, true),
        Field::new("category", DataType::Utf8, true),
        Field::new("list_age_seconds", DataType::Int64, true),
    ];
    if errors {
        fields.push(Field::new("error", DataType::Utf8, true));
    }
    Schema::new(fields)
}

/// Builds the hit table of `rows` (in their order) in Rust.
pub(crate) fn hits_batch<'a>(
    first: &str,
    errors: bool,
    rows: impl ExactSizeIterator<Item = Row<'a>>,
) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let mut table = HitTable::with_capacity(rows.len());
    for row in rows {
        table.push(row);
    }
    table.finish(first, errors)
}

/// A hit table being built, row by row (see [`schema`]).
pub(crate) struct HitTable {
    id: UInt64Builder,
    list: StringBuilder,
    list_kind: StringBuilder,
    loaded: TimestampMicrosecondBuilder,
    priority: UInt8Builder,
    entry: StringBuilder,
    kind: StringBuilder,
    positions: ListBuilder<UInt8Builder>,
    jurisdiction: StringBuilder,
    mismatch: BooleanBuilder,
    stale: BooleanBuilder,
    tier: StringBuilder,
    category: StringBuilder,
    age: Int64Builder,
    error: StringBuilder,
}

impl Default for HitTable {
    fn default() -> Self {
        HitTable::with_capacity(1024)
    }
}

impl HitTable {
    /// An empty table with room for `n` rows.
    pub(crate) fn with_capacity(n: usize) -> HitTable {
        HitTable {
            id: UInt64Builder::with_capacity(n),
            list: StringBuilder::with_capacity(n, 8 * n),
            list_kind: StringBuilder::with_capacity(n, 8 * n),
            loaded: TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC"),
            priority: UInt8Builder::with_capacity(n),
            entry: StringBuilder::with_capacity(n, 8 * n),
            kind: StringBuilder::with_capacity(n, 8 * n),
            positions: ListBuilder::with_capacity(UInt8Builder::new(), n),
            jurisdiction: StringBuilder::with_capacity(n, 8 * n),
            mismatch: BooleanBuilder::with_capacity(n),
            stale: BooleanBuilder::with_capacity(n),
            tier: StringBuilder::with_capacity(n, 8 * n),
            category: StringBuilder::with_capacity(n, 8 * n),
            age: Int64Builder::with_capacity(n),
            error: StringBuilder::with_capacity(n, 8 * n),
        }
    }

    /// Appends one row.
    pub(crate) fn push(&mut self, row: Row<'_>) {
        match row {
            Row::Hit(i, h) => {
                self.id.append_value(i);
                self.list.append_value(h.list_id());
                self.list_kind.append_value(h.list_kind().as_str());
                self.loaded.append_value(h.list.meta().loaded_at.timestamp_micros());
                self.priority.append_value(h.priority());
                // The entry's text written in place (no String a hit); writing to a builder
                // cannot fail.
                let _ = write!(self.entry, "{}", h.entry().key);
                self.entry.append_value("");
                self.kind.append_value(h.kind.as_str());
                self.positions.append_value(h.positions.iter().map(|p| Some(p as u8)));
                self.jurisdiction.append_value(h.jurisdiction.as_str());
                self.mismatch.append_value(h.plate_type_mismatch);
                self.stale.append_value(h.stale);
                self.tier.append_value(h.tier.as_str());
                self.category.append_value(h.category().as_str());
                self.age.append_value(h.list_age.num_seconds());
                self.error.append_null();
            }
            Row::Error(i, e) => {
                self.id.append_value(i);
                self.list.append_null();
                self.list_kind.append_null();
                self.loaded.append_null();
                self.priority.append_null();
                self.entry.append_null();
                self.kind.append_null();
                self.positions.append_null();
                self.jurisdiction.append_null();
                self.mismatch.append_null();
                self.stale.append_null();
                self.tier.append_null();
                self.category.append_null();
                self.age.append_null();
                self.error.append_value(e.code().as_str());
            }
        }
    }

    /// The table, its first column named `first`, with an `error` column when `errors`.
    pub(crate) fn finish(mut self, first: &str, errors: bool) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.list.finish()),
            Arc::new(self.list_kind.finish()),
            Arc::new(self.loaded.finish()),
            Arc::new(self.priority.finish()),
            Arc::new(self.entry.finish()),
            Arc::new(self.kind.finish()),
            Arc::new(self.positions.finish()),
            Arc::new(self.jurisdiction.finish()),
            Arc::new(self.mismatch.finish()),
            Arc::new(self.stale.finish()),
            Arc::new(self.tier.finish()),
            Arc::new(self.category.finish()),
            Arc::new(self.age.finish()),
        ];
        if errors {
            columns.push(Arc::new(self.error.finish()));
        }
        RecordBatch::try_new(Arc::new(schema(first, errors)), columns)
    }
}

/// The rows of a batch, handed to `f`: hits and errors merged by read index (errors of a read
/// first; a read has either).
fn merge<'a>(hits: &'a [alpr_core::matching::BatchHit], errors: &'a [(u32, Error)], mut f: impl FnMut(Row<'a>)) {
    let mut errors = errors.iter().peekable();
    for bh in hits {
        while let Some((i, e)) = errors.next_if(|(i, _)| *i < bh.read) {
            f(Row::Error(u64::from(*i), e));
        }
        f(Row::Hit(u64::from(bh.read), &bh.hit));
    }
    for (i, e) in errors {
        f(Row::Error(u64::from(*i), e));
    }
}

/// The rows of a batch, merged as [`merge`] does.
fn merged<'a>(hits: &'a [alpr_core::matching::BatchHit], errors: &'a [(u32, Error)]) -> Vec<Row<'a>> {
    let mut rows = Vec::with_capacity(hits.len() + errors.len());
    merge(hits, errors, |row| rows.push(row));
    rows
}

#[pymethods]
impl PyRegistry {
    /// Matches many reads against one snapshot of the lists in force; the hits of read ``i``
    /// are exactly those ``match`` gives for it. Plates are read in place from Arrow buffers (no
    /// Python object per read); matching and building the result run without the GIL.
    ///
    /// Args:
    ///     data: the reads: a table (pyarrow ``Table`` / ``RecordBatch``, polars or pandas
    ///         ``DataFrame``, DuckDB or DataFusion result: anything exposing the Arrow PyCapsule
    ///         interface), a single column of plates (pyarrow ``Array`` / ``ChunkedArray``,
    ///         polars or pandas ``Series``), or a list or tuple of ``str``. A ``str`` is refused.
    ///     plate: with a table, the name of its plate column.
    ///     jurisdiction: with a table, the name of a column; otherwise one jurisdiction for
    ///         every read. Or a column of them (``None`` / null where unknown).
    ///     plate_type: as ``jurisdiction``, for the NCIC plate type.
    ///     observed_at: when the plates were seen: one timezone-aware datetime; with a table,
    ///         the name of a timezone-aware timestamp column; or such a column or a list of aware
    ///         datetimes. Naive times and integers are refused (see ``TypeError``).
    ///     origin: ``"vehicle"``, ``"fixed"`` or ``"desktop"``.
    ///     now: the current time.
    ///     on_error: ``"raise"`` (default): the first unreadable read (a null, non-text or
    ///         non-normalizable plate, a bad jurisdiction, plate type or time from a column)
    ///         raises, with ``position["index"]`` its index; ``"report"``: it is a row
    ///         ``{"read": i, "error": code}`` and the others are matched.
    ///     as_table: return a ``pyarrow.Table`` built in Rust instead of a list of dicts; it has
    ///         ``list_loaded_at`` (the list version's load time) besides the fields of
    ///         ``MatchHit.explain()``, and an ``error`` column.
    ///     progress: ``True`` for a tqdm bar (when tqdm is installed), or a callable
    ///         ``f(done, total)`` called with the reads matched so far between chunks.
    ///
    /// Returns:
    ///     HitList | pyarrow.Table: one row per hit, ``read`` (the read's index) followed by
    ///     the fields of ``MatchHit.explain()``, grouped by read in input order. A ``HitList``
    ///     is a ``list`` of dicts whose repr and HTML mask plates. A ``covert`` list's hits are
    ///     never returned here (R-LIST-2): they go to a ``view_covert`` viewer, recorded, only
    ///     through ``Agency.match``.
    ///
    /// Raises:
    ///     TypeError: ``data`` is a ``str`` or not a table, column, list or tuple; a column of
    ///         the wrong type; a naive or integer time.
    ///     KeyError: a column name that the table does not have.
    ///     InvalidPlateError: as ``match`` (with ``on_error="raise"``).
    ///     InvalidArgumentError: mismatched lengths or an unknown ``on_error``.
    #[pyo3(signature = (data, *, plate="plate", jurisdiction=None, plate_type=None, observed_at, origin="vehicle", now, on_error="raise", as_table=false, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn match_batch<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        plate: &str,
        jurisdiction: Option<&Bound<'py, PyAny>>,
        plate_type: Option<&Bound<'py, PyAny>>,
        observed_at: &Bound<'py, PyAny>,
        origin: &str,
        now: &Bound<'py, PyAny>,
        on_error: &str,
        as_table: bool,
        progress: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let report = match on_error {
            "raise" => false,
            "report" => true,
            _ => {
                return Err(invalid(
                    py,
                    "on_error: expected one of on_error=\"raise\", on_error=\"report\"".into(),
                ));
            }
        };
        let origin: Origin = crate::errors::choice(py, "origin", origin)?;
        let now = time::to_utc("now", now)?;
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "data: a str is one plate, not a batch; use Registry.match, or pass {}",
                arrow::ACCEPTED
            )));
        }
        let (plates, table) = match arrow::import("data", data)? {
            Some(t) if t.is_table() => {
                let col = t.column("plate", plate)?;
                col.check_text("plate")?;
                (Text::Arrow(col), Some(t))
            }
            Some(c) => {
                let col = c.into_column();
                col.check_text("data")?;
                (Text::Arrow(col), None)
            }
            None if data.is_instance_of::<PyList>() || data.is_instance_of::<PyTuple>() => {
                (Text::Owned(owned(data, Code::InvalidUtf8)?), None)
            }
            None => {
                return Err(PyTypeError::new_err(format!(
                    "data: expected {}, got {}",
                    arrow::ACCEPTED,
                    type_name(data)
                )));
            }
        };
        let n = plates.len();
        let jur = attr(
            py,
            "jurisdiction",
            jurisdiction,
            table.as_ref(),
            Jurisdiction::parse,
            Code::InvalidJurisdiction,
        )?;
        let types = attr(
            py,
            "plate_type",
            plate_type,
            table.as_ref(),
            PlateType::parse,
            Code::InvalidPlateType,
        )?;
        for (arg, len) in [("jurisdiction", jur.each_len()), ("plate_type", types.each_len())] {
            if let Some(len) = len
                && len != n
            {
                return Err(invalid(py, format!("{arg}: a column of {len} values for {n} reads")));
            }
        }
        let times = match (table.as_ref(), observed_at.cast::<PyString>()) {
            (Some(t), Ok(name)) => Times::Each(time::from_arrow(
                "observed_at",
                &t.column("observed_at", name.to_str()?)?,
            )?),
            _ => time::one_or_column("observed_at", observed_at)?,
        };
        if let Some(len) = times.len()
            && len != n
        {
            return Err(invalid(py, format!("observed_at: {len} times for {n} reads")));
        }
        let reg = Arc::clone(&self.inner);
        // One snapshot for the whole batch, whatever loads happen meanwhile.
        let snapshot = reg.snapshot();
        let (one_jur, one_kind) = (jur.one(), types.one());
        // As a table, each chunk's rows are appended to the table as soon as the chunk is
        // matched (while its hits' entries are still in cache; only the table grows across
        // chunks); as dicts, the hits are kept until the end.
        let mut table = as_table.then(HitTable::default);
        let (mut hits, mut errors) = (Vec::new(), Vec::<(u32, Error)>::new());
        let progress = Progress::new(py, progress, n, "match_batch", "reads")?;
        // In chunks without the GIL (each read from the Arrow buffers in place): Ctrl-C is
        // honoured and progress reported between them.
        crate::interrupt::chunked(py, n, MATCH_CHUNK, &progress, |range| {
            let offset = range.start;
            let mut jurs = jur.cells_in(range.clone());
            let mut kinds = types.cells_in(range.clone());
            if table.is_some() {
                hits.clear();
            }
            let (h0, e0) = (hits.len(), errors.len());
            // A row that cannot be read (its plate, jurisdiction, plate type or time) is that
            // row's error, at its index; the others are matched. Every column advances by one
            // cell a row, whatever the row's outcome.
            let reads = plates.cells_in(range).enumerate().map(|(k, cell)| {
                // The columns' lengths were checked against the plates': a missing cell is not
                // reached.
                let j = jurs.as_mut().map(|c| c.next().unwrap_or(Cell::Null));
                let t = kinds.as_mut().map(|c| c.next().unwrap_or(Cell::Null));
                let plate = match cell {
                    Cell::Str(s) => s,
                    // A no-read (null) is an empty plate.
                    Cell::Null => return Err(Error::new(Code::Empty)),
                    Cell::Bad(code) => return Err(Error::new(code)),
                };
                let j = attr_value(j, one_jur, Jurisdiction::parse)?;
                let t = attr_value(t, one_kind, PlateType::parse)?;
                let at = times.at(offset + k).ok_or_else(|| Error::new(Code::InvalidDate))?;
                Ok(Read {
                    jurisdiction: j,
                    plate_type: t,
                    origin,
                    ..Read::new(plate, at)
                })
            });
            // Covert hits are withheld (R-LIST-2): they go to a viewer only through an Agency.
            reg.match_batch_in(&snapshot, reads, now, &mut hits, &mut errors);
            let offset = u32::try_from(offset).unwrap_or(u32::MAX);
            for h in &mut hits[h0..] {
                h.read += offset;
            }
            for e in &mut errors[e0..] {
                e.0 += offset;
            }
            // With on_error="raise" the first bad row ends the call.
            let go_on = report || errors.is_empty();
            if go_on && let Some(table) = table.as_mut() {
                merge(&hits[h0..], &errors[e0..], |row| table.push(row));
            }
            Ok(go_on)
        })?;
        progress.finish(py)?;
        if !report && let Some((i, e)) = errors.first() {
            return Err(crate::errors::to_py(py, &e.clone().at_index(*i)));
        }
        if let Some(table) = table {
            let batch = py
                .detach(|| table.finish("read", true))
                .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("result table: {e}")))?;
            return arrow::to_pyarrow(py, batch);
        }
        rows_as_dicts(py, "read", &merged(&hits, &errors))
    }
}

/// Result rows as a list of dicts: the id under `first`, then ``MatchHit.explain()``'s fields,
/// or ``error`` for an error row.
pub(crate) fn rows_as_dicts<'py>(py: Python<'py>, first: &str, rows: &[Row<'_>]) -> PyResult<Bound<'py, PyAny>> {
    // An `alpr.HitList`: a list whose repr and HTML mask plates.
    static HIT_LIST: pyo3::sync::PyOnceLock<Py<pyo3::types::PyType>> = pyo3::sync::PyOnceLock::new();
    let list = PyList::empty(py);
    for row in rows {
        let d = PyDict::new(py);
        match row {
            Row::Hit(i, h) => {
                d.set_item(first, i)?;
                d.update(crate::matching::explain_dict(py, h)?.as_mapping())?;
            }
            Row::Error(i, e) => {
                d.set_item(first, i)?;
                d.set_item("error", e.code().as_str())?;
            }
        }
        list.append(d)?;
    }
    HIT_LIST.import(py, "alpr._results", "HitList")?.call1((list,))
}
