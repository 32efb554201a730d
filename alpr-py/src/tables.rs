//! Everything tabular through Arrow, besides `match_batch` (`batch.rs`): hot lists loaded from a
//! table or a file object, detection stores from any Arrow producer, and the search results, the
//! audit records and the quarterly report as Arrow tables built in Rust.
//!
//! The rules stay in `alpr-core`: a table's rows go to `hotlist::load_table` (the CSV record
//! rules and the shared validator, rows in place of lines) and a store's rows to the core's
//! `DetectionStoreBuilder`; this file only reads Arrow columns into them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use arrow_array::builder::{
    Float64Builder, ListBuilder, MapBuilder, StringBuilder, TimestampMillisecondBuilder, UInt64Builder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use chrono::DateTime;
use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use alpr_core::hotlist::{ListMeta, TableRow, load_table, load_table_with};
use alpr_core::search::{DetectionStore, DetectionStoreBuilder};
use alpr_core::vocab::{Category, ListKind};
use alpr_core::{Code, Error, Jurisdiction, normalize};

use crate::arrow::{self, Cell, Column};
use crate::errors::{IntoPy, to_py};
use crate::registry::{PyLoadReport, PyRegistry};
use crate::search::PyDetectionStore;
use crate::time::Aware;

/// The bytes of a hot-list file given as ``bytes``/``bytearray``/``memoryview``, a file object
/// (anything with ``.read()``: binary, or text such as ``io.StringIO`` or ``open(path)``, whose
/// text is taken as UTF-8), or a path (``str``/``os.PathLike``).
pub(crate) fn file_bytes(py: Python<'_>, arg: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if !obj.is_instance_of::<PyString>() && obj.hasattr("read")? {
        let data = obj.call_method0("read")?;
        if let Ok(text) = data.cast::<PyString>() {
            // A text file object (open(path), io.StringIO): its text as UTF-8, which is what the
            // file formats are read as. Text with lone surrogates (bytes that were not UTF-8,
            // decoded with errors="surrogateescape") has no UTF-8 form.
            return text.to_str().map(|t| t.as_bytes().to_vec()).map_err(|_| {
                to_py(
                    py,
                    &Error::new(Code::InvalidUtf8).with_detail(format!(
                        "{arg}: the text file object's text is not valid Unicode; open the file in \
                         binary mode (open(path, \"rb\"))"
                    )),
                )
            });
        }
        if let Ok(b) = data.cast::<PyBytes>() {
            return Ok(b.as_bytes().to_vec());
        }
        // A bytearray or memoryview (or anything else `bytes()` takes): copied once by `bytes`.
        let b = py.import("builtins")?.getattr("bytes")?.call1((data,)).map_err(|_| {
            PyTypeError::new_err(format!("{arg}: the file object's read() returned no bytes-like object"))
        })?;
        return Ok(b.cast::<PyBytes>()?.as_bytes().to_vec());
    }
    if obj.get_type().name()? == "memoryview" {
        let b = py.import("builtins")?.getattr("bytes")?.call1((obj,))?;
        return Ok(b.cast::<PyBytes>()?.as_bytes().to_vec());
    }
    let path: std::path::PathBuf = obj.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "{arg}: expected bytes, a file object (with .read()) or a path (str or os.PathLike)"
        ))
    })?;
    py.detach(|| std::fs::read(&path))
        .map_err(|e| Error::new(Code::Io).with_detail(format!("cannot read the file: {}", e.kind())))
        .py_err(py)
}

/// One cell of a table column as text.
enum Text<'a> {
    Str(Cow<'a, str>),
    Null,
    Bad(Code),
}

/// Reads every value of a primitive column through `f` (`Null` for a null).
fn each<'a, T: arrow_array::types::ArrowPrimitiveType>(
    chunks: &[ArrayRef],
    f: impl Fn(T::Native) -> Text<'a>,
    out: &mut Vec<Text<'a>>,
) {
    for c in chunks {
        let a = c.as_primitive::<T>();
        for i in 0..a.len() {
            out.push(if a.is_null(i) { Text::Null } else { f(a.value(i)) });
        }
    }
}

fn number<'a>(v: &dyn std::fmt::Display) -> Text<'a> {
    Text::Str(Cow::Owned(v.to_string()))
}

fn float<'a>(v: f64) -> Text<'a> {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        // A year or number column that pandas made float (it had a missing value).
        number(&format!("{v:.0}"))
    } else if v.is_nan() {
        Text::Null
    } else {
        number(&v)
    }
}

/// A table column's cells as text, in the form a CSV file would hold them: strings as they are,
/// integers in decimal, booleans as `true`/`false`, aware timestamps in RFC 3339, dates as
/// `YYYY-MM-DD`. Other types are a `TypeError` naming the column.
fn text_cells<'a>(name: &str, col: &'a Column) -> PyResult<Vec<Text<'a>>> {
    let mut out = Vec::with_capacity(col.len());
    let chunks = col.chunks();
    match &col.data_type {
        t if arrow::is_text(t) => out.extend(col.cells().into_iter().map(|c| match c {
            Cell::Str(s) => Text::Str(Cow::Borrowed(s)),
            Cell::Null => Text::Null,
            Cell::Bad(code) => Text::Bad(code),
        })),
        DataType::Int8 => each::<Int8Type>(chunks, |v| number(&v), &mut out),
        DataType::Int16 => each::<Int16Type>(chunks, |v| number(&v), &mut out),
        DataType::Int32 => each::<Int32Type>(chunks, |v| number(&v), &mut out),
        DataType::Int64 => each::<Int64Type>(chunks, |v| number(&v), &mut out),
        DataType::UInt8 => each::<UInt8Type>(chunks, |v| number(&v), &mut out),
        DataType::UInt16 => each::<UInt16Type>(chunks, |v| number(&v), &mut out),
        DataType::UInt32 => each::<UInt32Type>(chunks, |v| number(&v), &mut out),
        DataType::UInt64 => each::<UInt64Type>(chunks, |v| number(&v), &mut out),
        DataType::Float32 => each::<Float32Type>(chunks, |v| float(f64::from(v)), &mut out),
        DataType::Float64 => each::<Float64Type>(chunks, float, &mut out),
        DataType::Boolean => {
            for c in chunks {
                let a = c.as_boolean();
                for i in 0..a.len() {
                    out.push(if a.is_null(i) {
                        Text::Null
                    } else {
                        Text::Str(Cow::Borrowed(if a.value(i) { "true" } else { "false" }))
                    });
                }
            }
        }
        DataType::Date32 => each::<Date32Type>(
            chunks,
            |d| {
                chrono::NaiveDate::from_num_days_from_ce_opt(d.saturating_add(719_163))
                    .map_or(Text::Bad(Code::InvalidDate), |d| number(&d.format("%Y-%m-%d")))
            },
            &mut out,
        ),
        DataType::Timestamp(_, _) => {
            for t in col.utc_micros(name)? {
                out.push(match t {
                    None => Text::Null,
                    Some(us) => DateTime::from_timestamp_micros(us).map_or(Text::Bad(Code::InvalidDate), |t| {
                        number(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                    }),
                });
            }
        }
        t => {
            return Err(PyTypeError::new_err(format!(
                "data[{name:?}]: a column of Arrow type {t} has no text form for a hot list; \
                 cast it to strings"
            )));
        }
    }
    Ok(out)
}

/// The rows of a table's columns for [`load_table`].
fn table_rows<'a>(columns: &'a [Vec<Text<'a>>], rows: usize) -> impl Iterator<Item = TableRow<'a>> + 'a {
    (0..rows).map(move |r| {
        let mut cells = Vec::with_capacity(columns.len());
        for (c, col) in columns.iter().enumerate() {
            match &col[r] {
                Text::Str(s) => cells.push(Cow::Borrowed(s.as_ref())),
                Text::Null => cells.push(Cow::Borrowed("")),
                Text::Bad(code) => return Err((c as u32 + 1, *code)),
            }
        }
        Ok(cells)
    })
}

#[pymethods]
impl PyRegistry {
    /// Loads a hot list from a table — a ``pyarrow.Table``, a polars or pandas DataFrame, a
    /// DuckDB or DataFusion result, anything with the Arrow PyCapsule interface — and puts it in
    /// force as list ``id`` in place of its previous version (R-LIST-4).
    ///
    /// The columns are read as a CSV file's header and fields are (R-LIST-7): ``plate`` or
    /// ``pattern``, ``state``/``jurisdiction``, ``type``/``plate_type``, ``category``,
    /// ``record_id``, ``make``, ``model``, ``color``, ``year``, ``expires_at``; any other column
    /// is kept as an attribute. Every row goes through the same checks and validation as a CSV
    /// line (R-LIST-6, R-LIST-8: forbidden categories are excluded and reported). Strings are
    /// read from the Arrow buffers; integer, boolean, date and timezone-aware timestamp columns
    /// are read as their text; nulls are empty cells.
    ///
    /// Args:
    ///     data: the table.
    ///     id, kind, priority, loaded_at, category, source: as :meth:`load_file`.
    ///     columns: ``{name_in_alpr: name_in_data}`` for columns named otherwise, e.g.
    ///         ``{"plate": "PlateNumber", "state": "St"}``.
    ///     progress: ``True`` for a tqdm bar (when tqdm is installed) or a callable
    ///         ``f(done, total)``; a load is one step, reported when it ends.
    ///     threads: the most threads the index of a large list is built on; ``None`` (the
    ///         default) for the machine's cores, ``1`` for one thread. The rows are validated in
    ///         order on one thread; the result is the same whatever the count.
    ///
    /// Returns:
    ///     LoadReport: every rejected row with its 0-based ``index`` (the row), ``column``
    ///     (1-based, in the table's column order) and ``error``.
    ///
    /// Raises:
    ///     TypeError: ``data`` has no Arrow interface or is a single column; a column of a type
    ///         with no text form (a list, a struct, a naive timestamp).
    ///     KeyError: a column named in ``columns`` that ``data`` does not have.
    ///     HotListError: ``MissingColumnError`` (no plate or pattern column),
    ///         ``InvalidHeaderError`` (a column named twice), ``NoRecordsError`` (no rows),
    ///         ``TooManyRejectedError`` (with ``.rejected`` and ``.report``, as
    ///         :meth:`load_file`); the previous version stays in force.
    ///     KeyboardInterrupt: Ctrl-C while the rows are validated; nothing is put in force.
    ///     InvalidArgumentError: an unknown kind or category, or an empty id.
    #[pyo3(signature = (data, *, id, kind, priority, loaded_at, category=None, source=String::new(), columns=None, progress=None, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn load_table(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        id: String,
        kind: &str,
        priority: i64,
        loaded_at: Aware,
        category: Option<&str>,
        source: String,
        columns: Option<HashMap<String, String>>,
        progress: Option<&Bound<'_, PyAny>>,
        threads: Option<i64>,
    ) -> PyResult<PyLoadReport> {
        let kind: ListKind = crate::errors::choice(py, "kind", kind)?;
        let options = crate::hotlist::load_options(py, threads)?;
        let priority: u8 = crate::errors::int_arg(py, "priority", priority, 0, 255)?;
        let category = category
            .filter(|c| !c.is_empty())
            .map(|c| crate::errors::choice::<Category>(py, "category", c))
            .transpose()?;
        if id.trim().is_empty() {
            return Err(Error::new(Code::InvalidArgument).with_detail("empty list id")).py_err(py);
        }
        let table = table_of("data", data)?;
        let mut names = table.names();
        for (ours, theirs) in columns.unwrap_or_default() {
            let Some(i) = names.iter().position(|n| *n == theirs) else {
                return Err(PyKeyError::new_err(format!(
                    "columns[{ours:?}]: no such column in data; it has {}",
                    names.join(", ")
                )));
            };
            names[i] = ours;
        }
        let cols: Vec<Column> = table
            .names()
            .iter()
            .map(|n| table.column("data", n))
            .collect::<PyResult<_>>()?;
        let meta = ListMeta {
            id,
            kind,
            priority,
            loaded_at: loaded_at.to_utc(),
            source,
            generated_at: None,
        };
        let rows = table.rows();
        let reg = Arc::clone(&self.inner);
        let progress = crate::progress::Progress::new(py, progress, rows, "load_table", "rows")?;
        // The columns hold the producer's Arrow buffers (reference-counted): the worker reads
        // them without the GIL.
        let (cols, names) = (Arc::new(cols), Arc::new(names));
        let cancel = Arc::new(AtomicBool::new(false));
        // Rows handed to the validator so far, reported as progress while the worker runs.
        let read = Arc::new(AtomicUsize::new(0));
        // Read and validated on a worker thread while Ctrl-C is watched, as a file load is: on an
        // interrupt the call returns at once, the worker stops reading rows (the flag) and its
        // half-read table is dropped, never put in force.
        let validated = {
            let (cols, names, stop) = (Arc::clone(&cols), Arc::clone(&names), Arc::clone(&cancel));
            let (policy, m, count) = (Arc::clone(reg.policy()), meta.clone(), Arc::clone(&read));
            crate::interrupt::watch_counting(py, Some((&progress, &read)), move || -> PyResult<_> {
                let texts = texts_of(&cols, &names)?;
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let rows = table_rows(&texts, rows)
                    .take_while(|_| !stop.load(Ordering::Relaxed))
                    .inspect(|_| {
                        count.fetch_add(1, Ordering::Relaxed);
                    });
                Ok(load_table_with(&names, rows, m, category, &policy, options))
            })
        };
        let validated = match validated {
            Ok(v) => v?,
            Err(interrupt) => {
                cancel.store(true, Ordering::Relaxed);
                return Err(interrupt);
            }
        };
        match validated {
            Ok((version, inner)) => {
                crate::registry::install(py, &reg, version);
                progress.finish(py)?;
                Ok(PyLoadReport { inner })
            }
            // too_many_rejected carries every rejection (the same validation, limit off).
            Err(e) => Err(crate::errors::load_error(py, &e, || {
                let policy = crate::errors::lenient(reg.policy());
                let texts = texts_of(&cols, &names).ok()?;
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                load_table(&names, table_rows(&texts, rows), meta, category, &policy)
                    .ok()
                    .map(|(_, r)| r)
            })),
        }
    }
}

/// The cells of every column as text ([`text_cells`]), each under its name for messages.
fn texts_of<'a>(cols: &'a [Column], names: &[String]) -> PyResult<Vec<Vec<Text<'a>>>> {
    cols.iter().zip(names).map(|(c, n)| text_cells(n, c)).collect()
}

/// `obj` imported as a table, or a `TypeError` naming `arg` and what is accepted.
fn table_of(arg: &str, obj: &Bound<'_, PyAny>) -> PyResult<arrow::Imported> {
    match arrow::import(arg, obj)? {
        Some(t) if t.is_table() => Ok(t),
        Some(_) => Err(PyTypeError::new_err(format!(
            "{arg}: expected a table with named columns, got a single column"
        ))),
        None => {
            let ty = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            Err(PyTypeError::new_err(format!(
                "{arg}: expected a table exposing the Arrow PyCapsule interface (pyarrow.Table, \
                 polars or pandas DataFrame, DuckDB or DataFusion result), got {ty}"
            )))
        }
    }
}

fn at_index(e: Error, i: usize) -> Error {
    let p = e.position();
    e.with_position(alpr_core::Position {
        index: Some(u32::try_from(i).unwrap_or(u32::MAX)),
        ..p
    })
}

fn invalid_at(detail: &'static str, i: usize) -> Error {
    at_index(Error::new(Code::InvalidArgument).with_detail(detail), i)
}

/// The values of an integer id column as `u64` (a negative id or a null is that row's error).
fn ids_of(arg: &str, col: &Column) -> PyResult<Vec<Result<u64, &'static str>>> {
    let mut out = Vec::with_capacity(col.len());
    macro_rules! ints {
        ($t:ty) => {
            for c in col.chunks() {
                let a = c.as_primitive::<$t>();
                for i in 0..a.len() {
                    out.push(if a.is_null(i) {
                        Err("id: a missing id")
                    } else {
                        u64::try_from(a.value(i)).map_err(|_| "id: a negative id")
                    });
                }
            }
        };
    }
    match col.data_type {
        DataType::UInt64 => ints!(UInt64Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int8 => ints!(Int8Type),
        ref t => {
            return Err(PyTypeError::new_err(format!(
                "{arg}: expected an integer column, got Arrow type {t}"
            )));
        }
    }
    Ok(out)
}

/// The values of a float column (`None` for a null).
fn floats_of(arg: &str, col: &Column) -> PyResult<Vec<Option<f64>>> {
    let mut out = Vec::with_capacity(col.len());
    for c in col.chunks() {
        match col.data_type {
            DataType::Float64 => {
                let a = c.as_primitive::<Float64Type>();
                // No nulls: the values buffer is read as it is.
                if a.null_count() == 0 {
                    out.extend(a.values().iter().map(|&v| Some(v)));
                } else {
                    out.extend(a.iter());
                }
            }
            DataType::Float32 => out.extend(c.as_primitive::<Float32Type>().iter().map(|v| v.map(f64::from))),
            ref t => {
                return Err(PyTypeError::new_err(format!(
                    "{arg}: expected a float column, got Arrow type {t}"
                )));
            }
        }
    }
    Ok(out)
}

/// Integer times with an explicit unit as Unix milliseconds (`None` for a null or an overflow).
fn int_times_ms(py: Python<'_>, arg: &str, col: &Column, unit: &str) -> PyResult<Vec<Option<i64>>> {
    let per_ms: fn(i64) -> Option<i64> = match unit {
        "s" => |v| v.checked_mul(1000),
        "ms" => Some,
        "us" => |v| Some(v.div_euclid(1000)),
        "ns" => |v| Some(v.div_euclid(1_000_000)),
        _ => {
            return Err(to_py(
                py,
                &Error::new(Code::InvalidArgument)
                    .with_detail("observed_at_unit: expected one of observed_at_unit=\"s\", \"ms\", \"us\", \"ns\""),
            ));
        }
    };
    let ids = ids_signed(arg, col)?;
    Ok(ids.into_iter().map(|v| v.and_then(per_ms)).collect())
}

fn ids_signed(arg: &str, col: &Column) -> PyResult<Vec<Option<i64>>> {
    let mut out = Vec::with_capacity(col.len());
    for c in col.chunks() {
        match col.data_type {
            DataType::Int64 => out.extend(c.as_primitive::<Int64Type>().iter()),
            DataType::Int32 => out.extend(c.as_primitive::<Int32Type>().iter().map(|v| v.map(i64::from))),
            DataType::UInt32 => out.extend(c.as_primitive::<UInt32Type>().iter().map(|v| v.map(i64::from))),
            ref t => {
                return Err(PyTypeError::new_err(format!(
                    "{arg}: with observed_at_unit, expected an integer column, got Arrow type {t}"
                )));
            }
        }
    }
    Ok(out)
}

/// A column looked up by name: `Ok(None)` when an optional column is absent.
fn optional_column(table: &arrow::Imported, arg: &str, name: Option<&str>, default: &str) -> PyResult<Option<Column>> {
    match name {
        Some(n) => table.column(arg, n).map(Some),
        None if table.names().iter().any(|n| n == default) => table.column(arg, default).map(Some),
        None => Ok(None),
    }
}

#[pymethods]
impl PyDetectionStore {
    /// Builds a store from a table — a ``pyarrow.Table``, a polars or pandas DataFrame, a DuckDB
    /// or DataFusion result, anything with the Arrow PyCapsule interface — read from its Arrow
    /// buffers without a Python object per value (strings are read in place; the store then
    /// copies every value into its own plate-sorted layout).
    ///
    /// Args:
    ///     data: the table.
    ///     id: the id column (integers, non-negative, unique).
    ///     plate: the plate column (strings, normalized as ``normalize`` does).
    ///     observed_at: the time column: timezone-aware timestamps of any unit, or integers with
    ///         ``observed_at_unit``.
    ///     lat, lon: float columns, degrees.
    ///     jurisdiction, device_id: optional string columns; by default the columns of those
    ///         names when the table has them.
    ///     observed_at_unit: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"`` for an integer time column.
    ///     progress: ``True`` for a tqdm bar (when tqdm is installed) or a callable
    ///         ``f(done, total)``, called between chunks of rows.
    ///
    /// Returns:
    ///     DetectionStore: the store.
    ///
    /// Raises:
    ///     TypeError: ``data`` is not a table; a column of the wrong type; a naive timestamp
    ///         column, or integers without ``observed_at_unit``.
    ///     KeyError: a missing column.
    ///     InvalidArgumentError: a missing or negative id, a repeated id, a missing or out of
    ///         range coordinate (``.position["index"]`` names the row).
    ///     InvalidDateError: a missing time, or one outside the years 0001-9999 (with its row).
    ///     InvalidPlateError: a plate that does not normalize (with its row ``index``).
    ///     KeyboardInterrupt: Ctrl-C while the rows are read or indexed (checked between chunks).
    #[staticmethod]
    #[pyo3(signature = (data, *, id="id", plate="plate", observed_at="observed_at", lat="lat", lon="lon", jurisdiction=None, device_id=None, observed_at_unit=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn from_arrow(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        id: &str,
        plate: &str,
        observed_at: &str,
        lat: &str,
        lon: &str,
        jurisdiction: Option<&str>,
        device_id: Option<&str>,
        observed_at_unit: Option<&str>,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDetectionStore> {
        let table = table_of("data", data)?;
        let jur = optional_column(&table, "jurisdiction", jurisdiction, "jurisdiction")?;
        let dev = optional_column(&table, "device_id", device_id, "device_id")?;
        let cols = DetectionColumns {
            id,
            plate,
            observed_at,
            lat,
            lon,
            observed_at_unit,
        };
        let progress = crate::progress::Progress::new(py, progress, table.rows(), "DetectionStore", "detections")?;
        let store = store_from_table(py, &table, &cols, jur.as_ref(), dev.as_ref(), &progress)?;
        progress.finish(py)?;
        Ok(PyDetectionStore { inner: Arc::new(store) })
    }
}

fn utc_ms_type() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
}

fn table_error(e: &ArrowError) -> PyErr {
    PyRuntimeError::new_err(format!("result table: {e}"))
}

/// The rows of a store as an Arrow batch: ``id``, ``plate``, ``observed_at``, ``lat``, ``lon``,
/// ``jurisdiction``, ``device_id`` (the table of ``Agency.search``).
pub(crate) fn detections_batch(store: &DetectionStore, rows: &[u32]) -> Result<RecordBatch, ArrowError> {
    let n = rows.len();
    let mut id = UInt64Builder::with_capacity(n);
    let mut plate = StringBuilder::with_capacity(n, 8 * n);
    let mut at = TimestampMillisecondBuilder::with_capacity(n).with_timezone("UTC");
    let mut lat = Float64Builder::with_capacity(n);
    let mut lon = Float64Builder::with_capacity(n);
    let mut jur = StringBuilder::with_capacity(n, 2 * n);
    let mut dev = StringBuilder::with_capacity(n, 8 * n);
    for &r in rows {
        let d = store.row(r);
        id.append_value(d.id);
        plate.append_value(d.plate.to_string());
        at.append_value(d.observed_ms);
        lat.append_value(d.lat);
        lon.append_value(d.lon);
        match d.jurisdiction {
            Some(j) => jur.append_value(j.as_str()),
            None => jur.append_null(),
        }
        dev.append_option(d.device_id);
    }
    let schema = Schema::new(vec![
        Field::new("id", DataType::UInt64, false),
        Field::new("plate", DataType::Utf8, false),
        Field::new("observed_at", utc_ms_type(), false),
        Field::new("lat", DataType::Float64, false),
        Field::new("lon", DataType::Float64, false),
        Field::new("jurisdiction", DataType::Utf8, true),
        Field::new("device_id", DataType::Utf8, true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(id.finish()),
        Arc::new(plate.finish()),
        Arc::new(at.finish()),
        Arc::new(lat.finish()),
        Arc::new(lon.finish()),
        Arc::new(jur.finish()),
        Arc::new(dev.finish()),
    ];
    RecordBatch::try_new(Arc::new(schema), columns)
}

/// The rows of a store as a ``pyarrow.Table``, built in Rust.
pub(crate) fn detections_table<'py>(
    py: Python<'py>,
    store: &DetectionStore,
    rows: &[u32],
) -> PyResult<Bound<'py, PyAny>> {
    let batch = py
        .detach(|| detections_batch(store, rows))
        .map_err(|e| table_error(&e))?;
    arrow::to_pyarrow(py, batch)
}

/// Audit entries as an Arrow batch: ``sequence``, ``hash`` (hex), ``time``, ``user``,
/// ``agency``, ``action``, ``purpose``, ``case_number``, ``query_terms``, ``outcome``,
/// ``reasons`` (list of codes), ``details`` (map of strings).
pub(crate) fn audit_batch(entries: &[alpr_core::audit::AuditEntry]) -> Result<RecordBatch, ArrowError> {
    use std::fmt::Write as _;
    let n = entries.len();
    let mut sequence = UInt64Builder::with_capacity(n);
    let mut hash = StringBuilder::with_capacity(n, 64 * n);
    let mut time = TimestampMillisecondBuilder::with_capacity(n).with_timezone("UTC");
    let [
        mut user,
        mut agency,
        mut action,
        mut purpose,
        mut case,
        mut terms,
        mut outcome,
    ] = std::array::from_fn(|_| StringBuilder::with_capacity(n, 8 * n));
    let mut reasons = ListBuilder::new(StringBuilder::new());
    let mut details = MapBuilder::new(None, StringBuilder::new(), StringBuilder::new());
    let mut hex = String::with_capacity(64);
    for e in entries {
        let r = &e.record;
        sequence.append_value(e.sequence);
        hex.clear();
        for b in &e.hash {
            let _ = write!(hex, "{b:02x}");
        }
        hash.append_value(&hex);
        time.append_value(r.time.timestamp_millis());
        user.append_value(&r.user);
        agency.append_value(&r.agency);
        action.append_value(&r.action);
        purpose.append_option(r.purpose.as_deref());
        case.append_option(r.case_number.as_deref());
        terms.append_option(r.query_terms.as_deref());
        outcome.append_value(r.outcome.as_str());
        for c in &r.reasons {
            reasons.values().append_value(c.as_str());
        }
        reasons.append(true);
        for (k, v) in &r.details {
            details.keys().append_value(k);
            details.values().append_value(v);
        }
        details.append(true)?;
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("sequence", Arc::new(sequence.finish())),
        ("hash", Arc::new(hash.finish())),
        ("time", Arc::new(time.finish())),
        ("user", Arc::new(user.finish())),
        ("agency", Arc::new(agency.finish())),
        ("action", Arc::new(action.finish())),
        ("purpose", Arc::new(purpose.finish())),
        ("case_number", Arc::new(case.finish())),
        ("query_terms", Arc::new(terms.finish())),
        ("outcome", Arc::new(outcome.finish())),
        ("reasons", Arc::new(reasons.finish())),
        ("details", Arc::new(details.finish())),
    ];
    RecordBatch::try_from_iter(columns)
}

/// The per-user lines of a quarterly report as an Arrow batch.
fn users_batch(report: &alpr_core::audit::AuditReport) -> Result<RecordBatch, ArrowError> {
    let n = report.users.len();
    let mut user = StringBuilder::with_capacity(n, 8 * n);
    let mut agency = StringBuilder::with_capacity(n, 8 * n);
    let [mut queries, mut without, mut denied, mut outside] = std::array::from_fn(|_| UInt64Builder::with_capacity(n));
    let mut by_purpose = MapBuilder::new(None, StringBuilder::new(), UInt64Builder::new());
    for u in &report.users {
        user.append_value(&u.user);
        agency.append_value(&u.agency);
        queries.append_value(u.queries);
        without.append_value(u.without_case_number);
        denied.append_value(u.denied);
        outside.append_option(u.outside_shift);
        for (k, v) in &u.by_purpose {
            by_purpose.keys().append_value(k);
            by_purpose.values().append_value(*v);
        }
        by_purpose.append(true)?;
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("user", Arc::new(user.finish())),
        ("agency", Arc::new(agency.finish())),
        ("queries", Arc::new(queries.finish())),
        ("by_purpose", Arc::new(by_purpose.finish())),
        ("without_case_number", Arc::new(without.finish())),
        ("denied", Arc::new(denied.finish())),
        ("outside_shift", Arc::new(outside.finish())),
    ];
    RecordBatch::try_from_iter(columns)
}

/// The review sample of a quarterly report as an Arrow batch.
fn sample_batch(report: &alpr_core::audit::AuditReport) -> Result<RecordBatch, ArrowError> {
    let n = report.sample.len();
    let mut sequence = UInt64Builder::with_capacity(n);
    let mut time = TimestampMillisecondBuilder::with_capacity(n).with_timezone("UTC");
    let [mut user, mut action, mut purpose, mut case] = std::array::from_fn(|_| StringBuilder::with_capacity(n, 8 * n));
    for s in &report.sample {
        sequence.append_value(s.sequence);
        time.append_value(s.time.timestamp_millis());
        user.append_value(&s.user);
        action.append_value(&s.action);
        purpose.append_option(s.purpose.as_deref());
        case.append_option(s.case_number.as_deref());
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("sequence", Arc::new(sequence.finish())),
        ("time", Arc::new(time.finish())),
        ("user", Arc::new(user.finish())),
        ("action", Arc::new(action.finish())),
        ("purpose", Arc::new(purpose.finish())),
        ("case_number", Arc::new(case.finish())),
    ];
    RecordBatch::try_from_iter(columns)
}

#[pymethods]
impl crate::governance::PyAuditReport {
    /// The per-user table as a ``pyarrow.Table`` (``.to_pandas()`` for a DataFrame): ``user``,
    /// ``agency``, ``queries``, ``by_purpose`` (map purpose → queries), ``without_case_number``,
    /// ``denied``, ``outside_shift`` (null when the user's shift is unknown).
    fn users_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let batch = users_batch(&self.inner).map_err(|e| table_error(&e))?;
        arrow::to_pyarrow(py, batch)
    }

    /// The review sample as a ``pyarrow.Table``: ``sequence``, ``time`` (UTC), ``user``,
    /// ``action``, ``purpose``, ``case_number``.
    fn sample_table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let batch = sample_batch(&self.inner).map_err(|e| table_error(&e))?;
        arrow::to_pyarrow(py, batch)
    }
}

/// Audit entries as a ``pyarrow.Table`` (see [`audit_batch`]).
pub(crate) fn audit_table<'py>(
    py: Python<'py>,
    entries: &[alpr_core::audit::AuditEntry],
) -> PyResult<Bound<'py, PyAny>> {
    let batch = py.detach(|| audit_batch(entries)).map_err(|e| table_error(&e))?;
    arrow::to_pyarrow(py, batch)
}

/// One column of the `DetectionStore` constructor: an Arrow column (anything with the PyCapsule
/// interface: a ``pyarrow.Array``/``ChunkedArray``, a polars or pandas Series) or a Python
/// sequence.
fn arrow_column(arg: &str, obj: &Bound<'_, PyAny>) -> PyResult<Option<Column>> {
    match arrow::import(arg, obj)? {
        Some(t) if t.is_table() => Err(PyTypeError::new_err(format!(
            "{arg}: expected one column, got a table (use DetectionStore.from_arrow for tables)"
        ))),
        Some(c) => Ok(Some(c.into_column())),
        None => Ok(None),
    }
}

/// The ids argument: an Arrow integer column or a sequence of ``int`` (a null or negative id is
/// `invalid_argument` at its row).
pub(crate) fn ids_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
    let Some(col) = arrow_column("ids", obj)? else {
        return obj.extract();
    };
    ids_of("ids", &col)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.map_err(|d| to_py(py, &invalid_at(d, i))))
        .collect()
}

/// A float argument (``lat``, ``lon``): an Arrow float column or a sequence of ``float`` (a
/// null is `invalid_argument` at its row).
pub(crate) fn floats_arg(py: Python<'_>, arg: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let Some(col) = arrow_column(arg, obj)? else {
        return obj.extract();
    };
    floats_of(arg, &col)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.ok_or_else(|| to_py(py, &invalid_at("lat/lon: a missing coordinate", i))))
        .collect()
}

/// A text argument (``plates``, ``jurisdictions``, ``device_ids``): an Arrow string column or a
/// sequence of ``str`` or ``None``. Bytes that are not UTF-8 are `invalid_utf8` at their row.
pub(crate) fn texts_arg(py: Python<'_>, arg: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<Option<String>>> {
    let Some(col) = arrow_column(arg, obj)? else {
        return obj.extract();
    };
    col.check_text(arg)?;
    col.cells()
        .into_iter()
        .enumerate()
        .map(|(i, c)| match c {
            Cell::Str(s) => Ok(Some(s.to_owned())),
            Cell::Null => Ok(None),
            Cell::Bad(code) => Err(to_py(py, &at_index(Error::new(code), i))),
        })
        .collect()
}

/// The column names of a table of detections (`observed_at_unit` for an integer time column).
pub(crate) struct DetectionColumns<'a> {
    pub(crate) id: &'a str,
    pub(crate) plate: &'a str,
    pub(crate) observed_at: &'a str,
    pub(crate) lat: &'a str,
    pub(crate) lon: &'a str,
    pub(crate) observed_at_unit: Option<&'a str>,
}

/// A store built from a table of detections — the one conversion of rows to detections, for
/// `DetectionStore.from_arrow` and the Spark and Dask workers' batches: `jur` and `dev` are the
/// optional columns the caller resolved; a row that cannot be stored fails with its code and its
/// index. Rows are pushed in chunks without the GIL (Ctrl-C and `progress` between them) and the
/// store is indexed on a worker thread.
pub(crate) fn store_from_table(
    py: Python<'_>,
    table: &arrow::Imported,
    cols: &DetectionColumns<'_>,
    jur: Option<&Column>,
    dev: Option<&Column>,
    progress: &crate::progress::Progress,
) -> PyResult<DetectionStore> {
    let ids = ids_of("id", &table.column("id", cols.id)?)?;
    let plates = table.column("plate", cols.plate)?;
    plates.check_text("plate")?;
    let times_col = table.column("observed_at", cols.observed_at)?;
    let times: Vec<Option<i64>> = match cols.observed_at_unit {
        Some(unit) => int_times_ms(py, "observed_at", &times_col, unit)?,
        None => times_col
            .utc_micros("observed_at")?
            .into_iter()
            .map(|m| m.map(|m| m.div_euclid(1000)))
            .collect(),
    };
    let lats = floats_of("lat", &table.column("lat", cols.lat)?)?;
    let lons = floats_of("lon", &table.column("lon", cols.lon)?)?;
    for (c, arg) in [(&jur, "jurisdiction"), (&dev, "device_id")] {
        if let Some(c) = c {
            c.check_text(arg)?;
        }
    }
    let n = ids.len();
    let (plates, jur, dev) = py.detach(|| (plates.cells(), jur.map(Column::cells), dev.map(Column::cells)));
    // Pushed in chunks without the GIL (Ctrl-C and progress between them), then indexed.
    let mut b = DetectionStoreBuilder::with_capacity(n);
    crate::interrupt::chunked(py, n, crate::search::STORE_CHUNK, progress, |range| {
        for i in range {
            let id = ids[i].map_err(|d| invalid_at(d, i))?;
            let text = match plates[i] {
                Cell::Str(s) => s,
                Cell::Null => "",
                Cell::Bad(code) => return Err(at_index(Error::new(code), i)),
            };
            let plate = normalize(text).map_err(|e| at_index(e, i))?.plate;
            let j = match jur.as_ref().map(|j| j[i]) {
                Some(Cell::Str(s)) if !s.trim().is_empty() => Some(Jurisdiction::parse(s).map_err(|e| at_index(e, i))?),
                Some(Cell::Bad(code)) => return Err(at_index(Error::new(code), i)),
                _ => None,
            };
            let d = match dev.as_ref().map(|d| d[i]) {
                Some(Cell::Str(s)) => Some(s),
                Some(Cell::Bad(code)) => return Err(at_index(Error::new(code), i)),
                _ => None,
            };
            let ms = times[i].ok_or_else(|| {
                at_index(
                    Error::new(Code::InvalidDate).with_detail("observed_at: a missing time"),
                    i,
                )
            })?;
            alpr_core::time::instant_from_unix_ms(ms).map_err(|e| at_index(e, i))?;
            let (Some(la), Some(lo)) = (lats[i], lons[i]) else {
                return Err(invalid_at("lat/lon: a missing coordinate", i));
            };
            b.push_ms(id, plate, j, ms, la, lo, d)?;
        }
        Ok(true)
    })?;
    // The index build is one core call: on a worker thread, Ctrl-C honoured meanwhile.
    crate::interrupt::watch(py, move || b.build())?.py_err(py)
}
