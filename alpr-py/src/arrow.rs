//! The Arrow PyCapsule interface (`__arrow_c_stream__`, `__arrow_c_array__`): tables and columns
//! from any Arrow producer (pyarrow, polars, pandas, DuckDB, DataFusion) are read in place from
//! their Arrow buffers, and result tables are built in Rust and handed out as an Arrow stream.
//!
//! Strings are read from the producer's buffers with bounds checks and UTF-8 validation per
//! value: the C data interface does not validate, so a malformed value is that row's
//! `invalid_utf8`, never undefined behaviour or a panic.

use std::ffi::CString;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use arrow_array::ffi_stream::{ArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::types::{
    ArrowPrimitiveType, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{
    Array, ArrayRef, GenericStringArray, OffsetSizeTrait, RecordBatch, RecordBatchIterator, StringViewArray, make_array,
};
use arrow_schema::{DataType, FieldRef, TimeUnit};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyTuple};

use alpr_core::Code;

/// What [`import`] accepts, for messages.
pub(crate) const ACCEPTED: &str = "a table or column exposing the Arrow PyCapsule interface \
     (__arrow_c_stream__ or __arrow_c_array__: pyarrow, polars, pandas, DuckDB, DataFusion) \
     or a list or tuple of str";

/// Data imported from an Arrow producer: its field (a struct for a table) and its chunks.
pub(crate) struct Imported {
    field: FieldRef,
    chunks: Vec<ArrayRef>,
}

fn import_failed(arg: &str) -> PyErr {
    PyValueError::new_err(format!("{arg}: the Arrow data could not be imported"))
}

/// Imports `obj` through its `__arrow_c_stream__` (preferred) or `__arrow_c_array__`; `None`
/// when it has neither.
///
/// A stream whose layout the Arrow crates refuse although pyarrow reads it (polars exports a
/// column of Arrow type `null`, all missing values, with a validity buffer the null type does
/// not have) is read once more through ``pyarrow.chunked_array``, which exports it in the
/// standard layout.
pub(crate) fn import(arg: &str, obj: &Bound<'_, PyAny>) -> PyResult<Option<Imported>> {
    match import_as_is(arg, obj) {
        Err(e) if e.is_instance_of::<PyValueError>(obj.py()) && obj.hasattr("__arrow_c_stream__")? => {
            let Ok(via) = obj
                .py()
                .import("pyarrow")
                .and_then(|pa| pa.call_method1("chunked_array", (obj,)))
            else {
                return Err(e);
            };
            import_as_is(arg, &via).map_err(|_| e)
        }
        other => other,
    }
}

/// [`import`] without the second reading through pyarrow.
fn import_as_is(arg: &str, obj: &Bound<'_, PyAny>) -> PyResult<Option<Imported>> {
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule = obj.call_method0("__arrow_c_stream__")?;
        let capsule = capsule.cast::<PyCapsule>()?;
        let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
        // SAFETY: the capsule is named `arrow_array_stream`, so by the Arrow PyCapsule protocol
        // it points to a valid `ArrowArrayStream`; `from_raw` moves the stream out and leaves a
        // released one behind, so the capsule's destructor does not release it a second time.
        let reader = unsafe { ArrayStreamReader::from_raw(ptr.as_ptr().cast::<FFI_ArrowArrayStream>()) }
            .map_err(|_| import_failed(arg))?;
        let field = Arc::clone(arrow_array::ArrayReader::field(&reader));
        let chunks = reader.collect::<Result<Vec<_>, _>>().map_err(|_| import_failed(arg))?;
        return Ok(Some(Imported { field, chunks }));
    }
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>()?;
        let schema = pair.get_item(0)?;
        let schema = schema.cast::<PyCapsule>()?;
        let array = pair.get_item(1)?;
        let array = array.cast::<PyCapsule>()?;
        let schema_ptr = schema.pointer_checked(Some(c"arrow_schema"))?;
        let array_ptr = array.pointer_checked(Some(c"arrow_array"))?;
        // SAFETY: by the Arrow PyCapsule protocol the capsules named `arrow_schema` and
        // `arrow_array` point to a valid `ArrowSchema` and `ArrowArray`. The schema is only
        // borrowed (its capsule releases it); the array is moved out, leaving a released one
        // behind for its capsule's destructor.
        let (schema, array) = unsafe {
            (
                &*schema_ptr.as_ptr().cast::<FFI_ArrowSchema>(),
                FFI_ArrowArray::from_raw(array_ptr.as_ptr().cast::<FFI_ArrowArray>()),
            )
        };
        let field = arrow_schema::Field::try_from(schema).map_err(|_| import_failed(arg))?;
        // SAFETY: `array` and `schema` come from the same producer call, as the protocol says.
        let data = unsafe { from_ffi(array, schema) }.map_err(|_| import_failed(arg))?;
        return Ok(Some(Imported {
            field: Arc::new(field),
            chunks: vec![make_array(data)],
        }));
    }
    Ok(None)
}

impl Imported {
    /// Whether this is a table (its top-level type is a struct of columns).
    pub(crate) fn is_table(&self) -> bool {
        matches!(self.field.data_type(), DataType::Struct(_))
    }

    /// The column names of a table.
    pub(crate) fn names(&self) -> Vec<String> {
        match self.field.data_type() {
            DataType::Struct(fields) => fields.iter().map(|f| f.name().clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// The chunks of column `name` of a table, or a `KeyError` naming the argument and the
    /// columns there are.
    pub(crate) fn column(&self, arg: &str, name: &str) -> PyResult<Column> {
        let DataType::Struct(fields) = self.field.data_type() else {
            return Err(PyTypeError::new_err(format!("{arg}: a column name needs a table")));
        };
        let Some(i) = fields.iter().position(|f| f.name() == name) else {
            return Err(PyKeyError::new_err(format!(
                "{arg}={name:?}: no such column; the table has {}",
                self.names().join(", ")
            )));
        };
        let chunks = self
            .chunks
            .iter()
            .map(|c| Arc::clone(c.as_struct().column(i)))
            .collect();
        Ok(Column {
            data_type: fields[i].data_type().clone(),
            chunks,
        })
    }

    /// The number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.chunks.iter().map(|c| Array::len(c.as_ref())).sum()
    }

    /// The data as one column (when it is not a table).
    pub(crate) fn into_column(self) -> Column {
        Column {
            data_type: self.field.data_type().clone(),
            chunks: self.chunks,
        }
    }
}

/// One column: its type and chunks.
pub(crate) struct Column {
    /// The Arrow type.
    pub(crate) data_type: DataType,
    chunks: Vec<ArrayRef>,
}

/// One value of a text column.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cell<'a> {
    /// A string.
    Str(&'a str),
    /// A null (a missing value).
    Null,
    /// A value that cannot be read as text, with the code of the row's error.
    Bad(Code),
}

/// Whether `t` is a text type [`Column::cells`] reads. A column of Arrow type `null` (what
/// pandas and polars make of a column holding only missing values) is text whose every value
/// is missing.
pub(crate) fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => true,
        DataType::Dictionary(_, v) => matches!(**v, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View),
        _ => false,
    }
}

impl Column {
    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(Array::len).sum()
    }

    /// The chunks.
    pub(crate) fn chunks(&self) -> &[ArrayRef] {
        &self.chunks
    }

    /// Checks that this is a text column (string, large string, string view, a dictionary of
    /// one of them, or a column of nulls), else a `TypeError` naming the argument and its type.
    pub(crate) fn check_text(&self, arg: &str) -> PyResult<()> {
        if is_text(&self.data_type) {
            Ok(())
        } else {
            Err(PyTypeError::new_err(format!(
                "{arg}: expected a string column, got Arrow type {}",
                self.data_type
            )))
        }
    }

    /// The values of a text column (checked with [`Column::check_text`]), borrowed from the
    /// Arrow buffers. No Python object is made.
    pub(crate) fn cells(&self) -> Vec<Cell<'_>> {
        self.cells_in(0..self.len()).collect()
    }

    /// The values of rows `range` of a text column, one at a time, borrowed from the Arrow
    /// buffers: nothing is allocated for a string or string-view column (a dictionary column's
    /// rows are looked up into a vector per chunk), and no Python object is made.
    pub(crate) fn cells_in(&self, range: std::ops::Range<usize>) -> Cells<'_> {
        Cells {
            chunks: self.chunks.iter(),
            skip: range.start,
            left: range.end.saturating_sub(range.start),
            current: ChunkCells::Done,
        }
    }

    /// The values of a timestamp column as UTC microseconds (`None` for a null). Only a
    /// timezone-aware timestamp column is accepted: a naive one or integers are a `TypeError`
    /// that says how to pass them.
    pub(crate) fn utc_micros(&self, arg: &str) -> PyResult<Vec<Option<i64>>> {
        let unit = match &self.data_type {
            DataType::Timestamp(unit, Some(_)) => *unit,
            // A column of nulls (no time known for any row): each row's time is missing.
            DataType::Null => return Ok(vec![None; self.len()]),
            DataType::Timestamp(_, None) => {
                return Err(PyTypeError::new_err(format!(
                    "{arg}: a timestamp column without a timezone is ambiguous; give it one \
                     (pyarrow: pc.assume_timezone(col, \"UTC\"); polars: \
                     col.dt.replace_time_zone(\"UTC\"); pandas: s.dt.tz_localize(\"UTC\"))"
                )));
            }
            t if t.is_integer() => {
                return Err(PyTypeError::new_err(format!(
                    "{arg}: integers are not times; convert them with an explicit unit and timezone \
                     (pyarrow: pc.cast(col, pa.timestamp(\"s\", tz=\"UTC\")); pandas: \
                     pd.to_datetime(s, unit=\"s\", utc=True); polars: \
                     pl.from_epoch(col, time_unit=\"s\").dt.replace_time_zone(\"UTC\"))"
                )));
            }
            t => {
                return Err(PyTypeError::new_err(format!(
                    "{arg}: expected a timezone-aware timestamp column, got Arrow type {t}"
                )));
            }
        };
        let mut out = Vec::with_capacity(self.len());
        for c in &self.chunks {
            match unit {
                TimeUnit::Second => micros(
                    c.as_primitive::<TimestampSecondType>(),
                    |v| v.checked_mul(1_000_000),
                    &mut out,
                ),
                TimeUnit::Millisecond => micros(
                    c.as_primitive::<TimestampMillisecondType>(),
                    |v| v.checked_mul(1_000),
                    &mut out,
                ),
                TimeUnit::Microsecond => micros(c.as_primitive::<TimestampMicrosecondType>(), Some, &mut out),
                TimeUnit::Nanosecond => micros(
                    c.as_primitive::<TimestampNanosecondType>(),
                    |v| Some(v.div_euclid(1_000)),
                    &mut out,
                ),
            }
        }
        Ok(out)
    }
}

/// Appends the values of a timestamp array, scaled to microseconds by `scale` (`None` for a
/// null or an overflow).
fn micros<T: ArrowPrimitiveType<Native = i64>>(
    a: &arrow_array::PrimitiveArray<T>,
    scale: impl Fn(i64) -> Option<i64>,
    out: &mut Vec<Option<i64>>,
) {
    for i in 0..a.len() {
        out.push(if a.is_null(i) { None } else { scale(a.value(i)) });
    }
}

fn text(bytes: Option<&[u8]>) -> Cell<'_> {
    match bytes.map(std::str::from_utf8) {
        Some(Ok(s)) => Cell::Str(s),
        _ => Cell::Bad(Code::InvalidUtf8),
    }
}

/// The cells of rows `range` of a text column (see [`Column::cells_in`]).
pub(crate) struct Cells<'a> {
    chunks: std::slice::Iter<'a, ArrayRef>,
    /// Rows still to skip before the range starts.
    skip: usize,
    /// Rows of the range not yet handed to `current`.
    left: usize,
    current: ChunkCells<'a>,
}

impl<'a> Iterator for Cells<'a> {
    type Item = Cell<'a>;

    #[inline]
    fn next(&mut self) -> Option<Cell<'a>> {
        loop {
            if let Some(c) = self.current.next() {
                return Some(c);
            }
            if self.left == 0 {
                return None;
            }
            let chunk = self.chunks.next()?;
            let len = chunk.len();
            if self.skip >= len {
                self.skip -= len;
                continue;
            }
            let (from, take) = (self.skip, (len - self.skip).min(self.left));
            self.skip = 0;
            self.left -= take;
            self.current = ChunkCells::new(chunk.as_ref(), from, take);
        }
    }
}

/// The cells of some rows of one chunk.
enum ChunkCells<'a> {
    Done,
    Utf8(OffsetCells<'a, i32>),
    LargeUtf8(OffsetCells<'a, i64>),
    View(ViewCells<'a>),
    /// A dictionary's rows, looked up.
    Listed(std::vec::IntoIter<Cell<'a>>),
    /// Rows of a column of nulls (Arrow type `null`).
    Nulls(usize),
    /// Rows of a type that is not text.
    Bad(usize),
}

impl<'a> ChunkCells<'a> {
    /// Rows `from..from + take` of `a`.
    fn new(a: &'a dyn Array, from: usize, take: usize) -> ChunkCells<'a> {
        match a.data_type() {
            DataType::Utf8 => ChunkCells::Utf8(OffsetCells::new(a.as_string::<i32>(), from, take)),
            DataType::LargeUtf8 => ChunkCells::LargeUtf8(OffsetCells::new(a.as_string::<i64>(), from, take)),
            DataType::Utf8View => ChunkCells::View(ViewCells {
                array: a.as_string_view(),
                i: from,
                end: from + take,
            }),
            DataType::Dictionary(_, _) => ChunkCells::Listed(dictionary_cells(a, from, take).into_iter()),
            DataType::Null => ChunkCells::Nulls(take),
            _ => ChunkCells::Bad(take),
        }
    }

    #[inline]
    fn next(&mut self) -> Option<Cell<'a>> {
        match self {
            ChunkCells::Done => None,
            ChunkCells::Utf8(c) => c.next(),
            ChunkCells::LargeUtf8(c) => c.next(),
            ChunkCells::View(c) => c.next(),
            ChunkCells::Listed(c) => c.next(),
            ChunkCells::Nulls(left) => {
                *left = left.checked_sub(1)?;
                Some(Cell::Null)
            }
            ChunkCells::Bad(left) => {
                *left = left.checked_sub(1)?;
                Some(Cell::Bad(Code::InvalidUtf8))
            }
        }
    }
}

/// Rows of a string or large string array. The bytes the rows span are checked as UTF-8 once;
/// when they are valid, a row is valid exactly when its two offsets fall on character
/// boundaries of that text (a row starting inside a character starts with a continuation byte,
/// one ending inside a character cuts it), so no row is validated on its own. Offsets outside
/// that span (a malformed producer) fall back to checking the row alone.
struct OffsetCells<'a, O: OffsetSizeTrait> {
    array: &'a GenericStringArray<O>,
    offsets: &'a [O],
    data: &'a [u8],
    /// The rows' span as text with its byte range in `data`, when it is valid UTF-8.
    span: Option<(&'a str, usize, usize)>,
    i: usize,
    end: usize,
}

impl<'a, O: OffsetSizeTrait> OffsetCells<'a, O> {
    fn new(array: &'a GenericStringArray<O>, from: usize, take: usize) -> Self {
        let offsets: &[O] = array.value_offsets();
        let data: &[u8] = array.values().as_slice();
        let at = |i: usize| offsets.get(i).and_then(|o| o.to_usize());
        let span = at(from).zip(at(from + take)).and_then(|(base, top)| {
            let text = std::str::from_utf8(data.get(base..top)?).ok()?;
            Some((text, base, top))
        });
        OffsetCells {
            array,
            offsets,
            data,
            span,
            i: from,
            end: from + take,
        }
    }

    #[inline]
    fn next(&mut self) -> Option<Cell<'a>> {
        if self.i >= self.end {
            return None;
        }
        let i = self.i;
        self.i += 1;
        if self.array.is_null(i) {
            return Some(Cell::Null);
        }
        let range = match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(s), Some(e)) => s.to_usize().zip(e.to_usize()),
            _ => None,
        };
        let Some((s, e)) = range else {
            return Some(Cell::Bad(Code::InvalidUtf8));
        };
        if let Some((text, base, top)) = self.span
            && base <= s
            && s <= e
            && e <= top
        {
            if s == e {
                return Some(Cell::Str(""));
            }
            return Some(
                text.get(s - base..e - base)
                    .map_or(Cell::Bad(Code::InvalidUtf8), Cell::Str),
            );
        }
        Some(text(self.data.get(s..e)))
    }
}

/// Rows of a string-view array.
struct ViewCells<'a> {
    array: &'a StringViewArray,
    i: usize,
    end: usize,
}

impl<'a> ViewCells<'a> {
    #[inline]
    fn next(&mut self) -> Option<Cell<'a>> {
        if self.i >= self.end {
            return None;
        }
        let i = self.i;
        self.i += 1;
        let a = self.array;
        if a.is_null(i) {
            return Some(Cell::Null);
        }
        // The views as bytes: 16 per value, the length first, short values inline after it.
        let raw: &'a [u8] = a.views().inner().as_slice();
        let view = *a.views().get(i)?;
        let len = (view as u32) as usize;
        let bytes = if len <= 12 {
            raw.get(16 * i + 4..16 * i + 4 + len)
        } else {
            let buffer = ((view >> 64) as u32) as usize;
            let offset = ((view >> 96) as u32) as usize;
            a.data_buffers()
                .get(buffer)
                .and_then(|b| b.as_slice().get(offset..offset.checked_add(len)?))
        };
        Some(text(bytes))
    }
}

/// Rows `from..from + take` of a dictionary array, looked up in its values' cells.
fn dictionary_cells(a: &dyn Array, from: usize, take: usize) -> Vec<Cell<'_>> {
    let Some(d) = a.as_any_dictionary_opt() else {
        return vec![Cell::Bad(Code::InvalidUtf8); take];
    };
    let values = d.values();
    let mut c = ChunkCells::new(values.as_ref(), 0, values.len());
    let values: Vec<Cell<'_>> = std::iter::from_fn(|| c.next()).collect();
    // The keys of the rows (a zero-copy slice; the keys are owned numbers).
    let rows = a.slice(from, take);
    let Some(rows) = rows.as_any_dictionary_opt() else {
        return vec![Cell::Bad(Code::InvalidUtf8); take];
    };
    let keys = rows.keys();
    rows.normalized_keys()
        .into_iter()
        .enumerate()
        .map(|(i, k)| {
            if keys.is_null(i) {
                Cell::Null
            } else {
                values.get(k).copied().unwrap_or(Cell::Bad(Code::InvalidUtf8))
            }
        })
        .collect()
}

/// A result table built in Rust, handed to Python consumers through `__arrow_c_stream__`
/// (``pyarrow.table(t)``, ``polars.DataFrame(t)``, DuckDB, …). Single use: the stream is
/// exported once.
#[pyclass(frozen, module = "alpr._alpr", name = "ArrowStream")]
pub(crate) struct PyArrowStream {
    batch: RecordBatch,
}

#[pymethods]
impl PyArrowStream {
    /// The Arrow PyCapsule stream export.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The schema is fixed; a requested schema is ignored, as the protocol allows.
        let _ = requested_schema;
        let schema = self.batch.schema();
        let reader = RecordBatchIterator::new(vec![Ok(self.batch.clone())], schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new(py, stream, Some(CString::from(c"arrow_array_stream")))
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }
}

/// `batch` as a ``pyarrow.Table`` (built without a Python object per value).
pub(crate) fn to_pyarrow(py: Python<'_>, batch: RecordBatch) -> PyResult<Bound<'_, PyAny>> {
    let stream = Bound::new(py, PyArrowStream { batch })?;
    py.import("pyarrow")?.call_method1("table", (stream,))
}
