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
pub(crate) fn import(arg: &str, obj: &Bound<'_, PyAny>) -> PyResult<Option<Imported>> {
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
    fn names(&self) -> Vec<String> {
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

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => matches!(**v, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View),
        _ => false,
    }
}

impl Column {
    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(Array::len).sum()
    }

    /// The column's chunks (for typed access to non-text columns).
    pub(crate) fn chunks(&self) -> &[ArrayRef] {
        &self.chunks
    }

    /// Checks that this is a text column (string, large string, string view, or a dictionary
    /// of one of them), else a `TypeError` naming the argument and its type.
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
        let mut out = Vec::with_capacity(self.len());
        for c in &self.chunks {
            cells_of(c.as_ref(), &mut out);
        }
        out
    }

    /// The values of a timestamp column as UTC microseconds (`None` for a null). Only a
    /// timezone-aware timestamp column is accepted: a naive one or integers are a `TypeError`
    /// that says how to pass them.
    pub(crate) fn utc_micros(&self, arg: &str) -> PyResult<Vec<Option<i64>>> {
        let unit = match &self.data_type {
            DataType::Timestamp(unit, Some(_)) => *unit,
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

fn offsets_cells<'a, O: OffsetSizeTrait>(a: &'a GenericStringArray<O>, out: &mut Vec<Cell<'a>>) {
    let offsets = a.value_offsets();
    let data: &[u8] = a.values().as_slice();
    for i in 0..a.len() {
        if a.is_null(i) {
            out.push(Cell::Null);
            continue;
        }
        let range = match (offsets.get(i), offsets.get(i + 1)) {
            (Some(s), Some(e)) => s.to_usize().zip(e.to_usize()),
            _ => None,
        };
        out.push(text(range.and_then(|(s, e)| data.get(s..e))));
    }
}

fn view_cells<'a>(a: &'a StringViewArray, out: &mut Vec<Cell<'a>>) {
    // The views as bytes: 16 per value, the length first, short values inline after it.
    let raw: &[u8] = a.views().inner().as_slice();
    let buffers = a.data_buffers();
    for (i, view) in a.views().iter().enumerate() {
        if a.is_null(i) {
            out.push(Cell::Null);
            continue;
        }
        let len = (*view as u32) as usize;
        let bytes = if len <= 12 {
            raw.get(16 * i + 4..16 * i + 4 + len)
        } else {
            let buffer = ((*view >> 64) as u32) as usize;
            let offset = ((*view >> 96) as u32) as usize;
            buffers
                .get(buffer)
                .and_then(|b| b.as_slice().get(offset..offset.checked_add(len)?))
        };
        out.push(text(bytes));
    }
}

fn cells_of<'a>(a: &'a dyn Array, out: &mut Vec<Cell<'a>>) {
    match a.data_type() {
        DataType::Utf8 => offsets_cells(a.as_string::<i32>(), out),
        DataType::LargeUtf8 => offsets_cells(a.as_string::<i64>(), out),
        DataType::Utf8View => view_cells(a.as_string_view(), out),
        DataType::Dictionary(_, _) => {
            let Some(d) = a.as_any_dictionary_opt() else {
                out.extend(std::iter::repeat_n(Cell::Bad(Code::InvalidUtf8), a.len()));
                return;
            };
            let mut values = Vec::with_capacity(d.values().len());
            cells_of(d.values().as_ref(), &mut values);
            let keys = d.keys();
            for (i, k) in d.normalized_keys().into_iter().enumerate() {
                out.push(if keys.is_null(i) {
                    Cell::Null
                } else {
                    values.get(k).copied().unwrap_or(Cell::Bad(Code::InvalidUtf8))
                });
            }
        }
        _ => out.extend(std::iter::repeat_n(Cell::Bad(Code::InvalidUtf8), a.len())),
    }
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
