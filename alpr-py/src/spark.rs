//! Distributed reads (Spark `mapInArrow`, Dask `map_partitions`) over `alpr_core::agency::external`:
//! `Agency.grant_external` (the decision and the audit record, on the driver), `ExternalGrant`
//! (its batch kernels, on workers), `ShippedLists` (the lists as checked bytes), and the pickling
//! of `Registry` and `Policy`. The rules live in the core; this file only translates.

use std::sync::Arc;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_schema::DataType;
use chrono::{DateTime, Utc};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use alpr_core::agency::{ExternalGrant, ExternalRead};
use alpr_core::hotlist::bytes::{ShippedLists, decode, encode};
use alpr_core::matching::{BatchHit, Read};
use alpr_core::search::DetectionStore;
use alpr_core::time::floor_ms;
use alpr_core::vocab::Origin;
use alpr_core::{Code, Error, Jurisdiction, PlateType};

use crate::agency::PyAgency;
use crate::arrow::{self, Cell, Column, Imported};
use crate::batch::{Row, attr_value, hits_batch};
use crate::errors::{IntoPy, to_py};
use crate::policy::PyPolicy;
use crate::registry::PyRegistry;
use crate::tables::DetectionColumns;
use crate::time::Aware;

fn invalid(detail: String) -> Error {
    Error::new(Code::InvalidArgument).with_detail(detail)
}

fn table_of(arg: &str, data: &Bound<'_, PyAny>) -> PyResult<Imported> {
    match arrow::import(arg, data)? {
        Some(t) if t.is_table() => Ok(t),
        _ => Err(PyTypeError::new_err(format!(
            "{arg}: expected a table exposing the Arrow PyCapsule interface (a pyarrow RecordBatch or Table)"
        ))),
    }
}

/// The values of an integer column as `u64` (`None` for a null or a negative value).
fn ids(arg: &str, col: &Column) -> PyResult<Vec<Option<u64>>> {
    let mut out = Vec::with_capacity(col.len());
    for c in col.chunks() {
        macro_rules! each {
            ($t:ty) => {{
                let a = c.as_primitive::<$t>();
                for i in 0..a.len() {
                    out.push(if a.is_null(i) {
                        None
                    } else {
                        u64::try_from(a.value(i)).ok()
                    });
                }
            }};
        }
        match c.data_type() {
            DataType::Int64 => each!(Int64Type),
            DataType::UInt64 => each!(UInt64Type),
            DataType::Int32 => each!(Int32Type),
            DataType::UInt32 => each!(UInt32Type),
            t => {
                return Err(PyTypeError::new_err(format!(
                    "{arg}: expected an integer column, got Arrow type {t}"
                )));
            }
        }
    }
    Ok(out)
}

fn text(table: &Imported, arg: &str, name: &str) -> PyResult<Column> {
    let col = table.column(arg, name)?;
    col.check_text(arg)?;
    Ok(col)
}

fn opt_text(table: &Imported, arg: &str, name: Option<&str>) -> PyResult<Option<Column>> {
    name.map(|n| text(table, arg, n)).transpose()
}

fn times(table: &Imported, name: &str) -> PyResult<Vec<Option<DateTime<Utc>>>> {
    crate::time::from_arrow("observed_at", &table.column("observed_at", name)?)
}

fn at_row(e: Error, i: usize) -> Error {
    e.at_index(u32::try_from(i).unwrap_or(u32::MAX))
}

/// A batch of detections as a store, as `DetectionStore.from_arrow` builds one (the same
/// conversion): a row that cannot be stored fails the batch with its code and its index in the
/// batch. The optional columns are only those named.
fn store_of(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    cols: &DetectionColumns<'_>,
    jurisdiction: Option<&str>,
    device_id: Option<&str>,
) -> PyResult<DetectionStore> {
    let table = table_of("data", data)?;
    let jur = opt_text(&table, "jurisdiction", jurisdiction)?;
    let dev = opt_text(&table, "device_id", device_id)?;
    let quiet = crate::progress::Progress::new(py, None, 0, "", "")?;
    crate::tables::store_from_table(py, &table, cols, jur.as_ref(), dev.as_ref(), &quiet)
}

/// The keys of the rows matched, their hits and their errors (by index into the keys).
type Matched = (Vec<u64>, Vec<BatchHit>, Vec<(u32, Error)>);

fn result_table(
    py: Python<'_>,
    batch: Result<arrow_array::RecordBatch, arrow_schema::ArrowError>,
) -> PyResult<Bound<'_, PyAny>> {
    let batch = batch.map_err(|e| PyRuntimeError::new_err(format!("result table: {e}")))?;
    arrow::to_pyarrow(py, batch)
}

/// Lists in force as shipped to workers: decoded from their versioned, checksummed bytes
/// (``Registry.to_bytes``, or the bytes ``Agency.grant_external`` returns), checked and indexed.
///
/// Args:
///     data: the bytes.
///
/// Raises:
///     InvalidArgumentError: bytes of another format or version, a checksum that does not match
///         the payload, or an entry that does not validate to itself (never a silently
///         different list).
#[pyclass(frozen, module = "alpr._alpr", name = "ShippedLists")]
pub(crate) struct PyShippedLists {
    inner: Arc<ShippedLists>,
}

#[pymethods]
impl PyShippedLists {
    #[new]
    fn new(py: Python<'_>, data: &[u8]) -> PyResult<PyShippedLists> {
        let lists = py.detach(|| decode(data)).py_err(py)?;
        Ok(PyShippedLists { inner: Arc::new(lists) })
    }

    /// Lower-case hex SHA-256 of the payload (as an audit record's ``lists_sha256``).
    #[getter]
    fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    /// The ids of the lists, sorted.
    fn list_ids(&self) -> Vec<String> {
        self.inner.lists.keys().cloned().collect()
    }

    /// The lists as a ``Registry`` (governed by the shipped policy).
    fn registry(&self) -> PyRegistry {
        let r = alpr_core::registry::Registry::new(Arc::clone(&self.inner.policy));
        for v in self.inner.lists.values() {
            r.install(alpr_core::hotlist::ListVersion::clone(v));
        }
        PyRegistry::of(r)
    }

    fn __len__(&self) -> usize {
        self.inner.lists.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ShippedLists(lists={:?}, sha256={:?})",
            self.list_ids(),
            self.inner.sha256
        )
    }
}

/// A read of detections held outside the library (a Spark or Dask job's data), decided, allowed
/// and recorded on the driver by ``Agency.grant_external``. It carries what was recorded — the
/// query, the agency's time, the policy and its SHA-256, the legal holds, the record's sequence
/// and, for matching and retro-hits, the SHA-256 of the lists — and runs exactly that over
/// batches on workers. Pickles as versioned, checksummed bytes.
#[pyclass(frozen, module = "alpr._alpr", name = "ExternalGrant")]
pub(crate) struct PyExternalGrant {
    inner: Arc<ExternalGrant>,
}

impl PyExternalGrant {
    /// The batch as a store, once the core has confirmed this grant is for `read` (before the
    /// batch is converted, with the error the read itself would give).
    fn granted_store(
        &self,
        py: Python<'_>,
        read: &str,
        data: &Bound<'_, PyAny>,
        cols: &DetectionColumns<'_>,
        jurisdiction: Option<&str>,
        device_id: Option<&str>,
    ) -> PyResult<DetectionStore> {
        self.inner.expect_read(read).py_err(py)?;
        store_of(py, data, cols, jurisdiction, device_id)
    }
}

#[pymethods]
impl PyExternalGrant {
    /// Decodes a grant's bytes (``to_bytes``).
    ///
    /// Raises:
    ///     InvalidArgumentError: bytes of another format or version, a checksum that does not
    ///         match, or a policy that does not hash to the recorded SHA-256.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<PyExternalGrant> {
        let g = ExternalGrant::from_bytes(data).py_err(py)?;
        Ok(PyExternalGrant { inner: Arc::new(g) })
    }

    /// The grant as versioned, checksummed bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let b = self.inner.to_bytes().py_err(py)?;
        Ok(PyBytes::new(py, &b))
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let f = py.get_type::<PyExternalGrant>().getattr("from_bytes")?;
        Ok((f, (self.to_bytes(py)?,)))
    }

    /// The sequence number of the audit record that allowed the read.
    #[getter]
    fn sequence(&self) -> u64 {
        self.inner.sequence()
    }

    /// ``"match"``, ``"retro_hits"`` or ``"search"``.
    #[getter]
    fn read(&self) -> &'static str {
        self.inner.read()
    }

    /// The agency's time of the decision (retention, expiries and staleness are judged at it).
    #[getter]
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    /// The user the read was granted to.
    #[getter]
    fn user(&self) -> &str {
        self.inner.user()
    }

    /// The engine named in the record.
    #[getter]
    fn engine(&self) -> &str {
        self.inner.engine()
    }

    /// Lower-case hex SHA-256 of the policy recorded.
    #[getter]
    fn policy_sha256(&self) -> &str {
        self.inner.policy_sha256()
    }

    /// The policy recorded.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: Arc::clone(self.inner.policy()),
        }
    }

    /// The SHA-256 of the lists the read runs against (matching, retro-hits), else ``None``.
    #[getter]
    fn lists_sha256(&self) -> Option<&str> {
        self.inner.lists_sha256()
    }

    /// A granted search or canvass over one batch of detections: the rows ``Agency.search``
    /// returns for the same detections, as a table with its columns.
    ///
    /// Args:
    ///     data: a pyarrow ``RecordBatch`` or ``Table`` (any Arrow PyCapsule table).
    ///     id, plate, observed_at, lat, lon: the column names (``observed_at`` a timezone-aware
    ///         timestamp, ``id`` an integer, ``lat`` and ``lon`` floats).
    ///     jurisdiction, device_id: optional column names.
    ///
    /// Raises:
    ///     InvalidArgumentError: a grant of another read; a row that cannot be stored (its
    ///         index in the batch in ``position``), as ``DetectionStore`` refuses it.
    #[pyo3(signature = (data, *, id="id", plate="plate", observed_at="observed_at", lat="lat", lon="lon", jurisdiction=None, device_id=None))]
    #[allow(clippy::too_many_arguments)]
    fn search<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        id: &str,
        plate: &str,
        observed_at: &str,
        lat: &str,
        lon: &str,
        jurisdiction: Option<&str>,
        device_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cols = DetectionColumns {
            id,
            plate,
            observed_at,
            lat,
            lon,
            observed_at_unit: None,
        };
        let store = self.granted_store(py, "search", data, &cols, jurisdiction, device_id)?;
        let g = Arc::clone(&self.inner);
        let rows = py.detach(|| g.search(&store)).py_err(py)?;
        crate::search::rows_table(py, &store, &rows)
    }

    /// Granted retro-hits over one batch of detections: the rows ``Agency.retro_hits(...,
    /// as_table=True)`` returns for the same detections.
    ///
    /// Args:
    ///     data: as :meth:`search`.
    ///     lists: the ``ShippedLists`` recorded (checked by SHA-256).
    ///     id, plate, observed_at, lat, lon, jurisdiction, device_id: as :meth:`search`.
    ///
    /// Raises:
    ///     InvalidArgumentError: a grant of another read; lists other than those recorded; a
    ///         row that cannot be stored.
    #[pyo3(signature = (data, lists, *, id="id", plate="plate", observed_at="observed_at", lat="lat", lon="lon", jurisdiction=None, device_id=None))]
    #[allow(clippy::too_many_arguments)]
    fn retro_hits<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        lists: &PyShippedLists,
        id: &str,
        plate: &str,
        observed_at: &str,
        lat: &str,
        lon: &str,
        jurisdiction: Option<&str>,
        device_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cols = DetectionColumns {
            id,
            plate,
            observed_at,
            lat,
            lon,
            observed_at_unit: None,
        };
        let store = self.granted_store(py, "retro_hits", data, &cols, jurisdiction, device_id)?;
        let (g, l) = (Arc::clone(&self.inner), Arc::clone(&lists.inner));
        let hits = py.detach(|| g.retro_hits(&store, &l)).py_err(py)?;
        let rows: Vec<Row<'_>> = hits.iter().map(|h| Row::Hit(h.detection_id, &h.hit)).collect();
        let batch = py.detach(|| hits_batch("detection", false, rows.iter().map(Row::copy)));
        result_table(py, batch)
    }

    /// Granted matching of one batch of reads against the lists recorded, at the recorded time,
    /// with the rules of live matching: the rows ``Registry.match_batch(..., on_error="report",
    /// as_table=True)`` gives for the batch's reads not past retention (or held), keyed by the
    /// ``id`` column instead of the read's index. Rows past retention are never matched.
    ///
    /// Args:
    ///     data: as :meth:`search`.
    ///     lists: the ``ShippedLists`` recorded (checked by SHA-256).
    ///     id, plate, observed_at: the column names.
    ///     jurisdiction, plate_type: optional column names.
    ///     origin: ``"vehicle"``, ``"fixed"`` or ``"desktop"``.
    ///
    /// Returns:
    ///     pyarrow.Table: ``id`` (uint64), the hit columns of ``Registry.match_batch`` and
    ///     ``error`` (the code of a read that cannot be matched, else null).
    ///
    /// Raises:
    ///     InvalidArgumentError: a grant of another read; lists other than those recorded; a
    ///         null or negative id (its index in ``position``).
    #[pyo3(signature = (data, lists, *, id="id", plate="plate", observed_at="observed_at", jurisdiction=None, plate_type=None, origin="vehicle"))]
    #[allow(clippy::too_many_arguments)]
    fn match_batch<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        lists: &PyShippedLists,
        id: &str,
        plate: &str,
        observed_at: &str,
        jurisdiction: Option<&str>,
        plate_type: Option<&str>,
        origin: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let origin: Origin = crate::errors::choice(py, "origin", origin)?;
        let table = table_of("data", data)?;
        let id = ids("id", &table.column("id", id)?)?;
        let plates = text(&table, "plate", plate)?;
        let at = times(&table, observed_at)?;
        let jur = opt_text(&table, "jurisdiction", jurisdiction)?;
        let kinds = opt_text(&table, "plate_type", plate_type)?;
        if let Some(i) = id.iter().position(Option::is_none) {
            return Err(to_py(py, &at_row(invalid("id: a missing or negative id".into()), i)));
        }
        let (g, l) = (Arc::clone(&self.inner), Arc::clone(&lists.inner));
        let out = py.detach(|| -> alpr_core::Result<Matched> {
            let plates = plates.cells();
            let jur = jur.as_ref().map(Column::cells);
            let kinds = kinds.as_ref().map(Column::cells);
            // The rows read: those not past retention (or held). A row without a time cannot
            // be judged, so it is not read either.
            let kept: Vec<usize> = (0..plates.len())
                .filter(|&i| at[i].is_some_and(|t| g.is_visible(id[i].unwrap_or_default(), floor_ms(t))))
                .collect();
            let reads = kept.iter().map(|&i| {
                let plate = match plates[i] {
                    Cell::Str(s) => s,
                    Cell::Null => return Err(Error::new(Code::Empty)),
                    Cell::Bad(code) => return Err(Error::new(code)),
                };
                let j = attr_value(jur.as_ref().map(|c| c[i]), None, Jurisdiction::parse)?;
                let k = attr_value(kinds.as_ref().map(|c| c[i]), None, PlateType::parse)?;
                Ok(Read {
                    jurisdiction: j,
                    plate_type: k,
                    origin,
                    // Kept rows have a time.
                    ..Read::new(plate, at[i].unwrap_or_default())
                })
            });
            let (mut hits, mut errors) = (Vec::new(), Vec::new());
            g.match_batch(&l, reads, &mut hits, &mut errors)?;
            let keys = kept.iter().map(|&i| id[i].unwrap_or_default()).collect();
            Ok((keys, hits, errors))
        });
        let (keys, hits, errors) = out.py_err(py)?;
        // Hits and errors merged by read, as `Registry.match_batch` orders them.
        let mut rows = Vec::with_capacity(hits.len() + errors.len());
        let mut errs = errors.iter().peekable();
        for bh in &hits {
            while let Some((i, e)) = errs.next_if(|(i, _)| *i < bh.read) {
                rows.push(Row::Error(keys[*i as usize], e));
            }
            rows.push(Row::Hit(keys[bh.read as usize], &bh.hit));
        }
        rows.extend(errs.map(|(i, e)| Row::Error(keys[*i as usize], e)));
        let batch = py.detach(|| hits_batch("id", true, rows.iter().map(Row::copy)));
        result_table(py, batch)
    }

    fn __repr__(&self) -> String {
        format!(
            "ExternalGrant(read={:?}, sequence={}, user={:?}, engine={:?}, now={:?})",
            self.inner.read(),
            self.inner.sequence(),
            self.inner.user(),
            self.inner.engine(),
            self.inner.now().to_rfc3339()
        )
    }
}

#[pymethods]
impl PyAgency {
    /// Decides and records a read of detections held outside the library, run by ``engine``
    /// (``"spark"``, ``"dask"``) on workers (R-SEARCH-1, R-AUDIT-3): the access decision for
    /// ``user`` from the roster, the agency's time, policy and holds, and the audit record
    /// *first* — with the query terms, ``read``, ``engine``, the window, the retention rule, the
    /// holds and, for lists, ``lists`` and ``lists_sha256``. A covert list needs
    /// ``view_covert``. ``alpr.spark`` and ``alpr.dask`` call this on the driver.
    ///
    /// Args:
    ///     user: the user's id.
    ///     request: as :meth:`search` (``query_detections`` or ``query_own_detections``).
    ///     read: ``"match"``, ``"retro_hits"`` or ``"search"``.
    ///     engine: the engine named in the record.
    ///     lists: for ``"match"``, a ``Registry`` under the agency's policy; the agency's lists
    ///         in force when omitted.
    ///     list_id, days: for ``"retro_hits"``.
    ///     pattern, start, end, near: for ``"search"``, as :meth:`search`.
    ///
    /// Returns:
    ///     tuple[ExternalGrant, bytes | None]: the grant and, for ``"match"`` and
    ///     ``"retro_hits"``, the lists' bytes to ship (``ShippedLists``).
    ///
    /// Raises:
    ///     AccessDeniedError: denied (recorded); nothing granted.
    ///     AuditWriteFailedError: the record could not be written; nothing granted.
    ///     UnknownListError: no such list in force (nothing recorded).
    ///     InvalidArgumentError: another action, a missing argument of the read, a registry
    ///         under another policy (nothing recorded).
    #[pyo3(signature = (user, *, request, read, engine, lists=None, list_id=None, days=None, pattern=None, start=None, end=None, near=None))]
    #[allow(clippy::too_many_arguments)]
    fn grant_external<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        request: &Bound<'py, PyAny>,
        read: &str,
        engine: &str,
        lists: Option<&PyRegistry>,
        list_id: Option<String>,
        days: Option<i64>,
        pattern: Option<&str>,
        start: Option<Aware>,
        end: Option<Aware>,
        near: Option<(f64, f64, f64)>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let days: Option<u32> = days
            .map(|d| crate::errors::int_arg(py, "days", d, 0, i64::from(u32::MAX)))
            .transpose()?;
        let request = crate::agency::request_of(py, request)?;
        let missing = |what: &str| to_py(py, &invalid(format!("read={read:?} needs {what}")));
        let query = match read {
            "search" => {
                let p = pattern.ok_or_else(|| missing("pattern"))?;
                Some(crate::search::query_of(py, p, start, end, near, &self.policy)?)
            }
            "match" | "retro_hits" => None,
            _ => {
                return Err(to_py(
                    py,
                    &invalid("read: expected one of \"match\", \"retro_hits\", \"search\"".into()),
                ));
            }
        };
        let retro = if read == "retro_hits" {
            Some((
                list_id.ok_or_else(|| missing("list_id"))?,
                days.ok_or_else(|| missing("days"))?,
            ))
        } else {
            None
        };
        let registry = lists.map(|r| Arc::clone(&r.inner));
        let (inner, user, engine) = (Arc::clone(&self.inner), user.to_owned(), engine.to_owned());
        let (grant, bytes) = py
            .detach(move || {
                let what = match (&query, &retro) {
                    (Some(q), _) => ExternalRead::Search { query: q },
                    (None, Some((id, days))) => ExternalRead::RetroHits {
                        list_id: id,
                        days: *days,
                    },
                    (None, None) => ExternalRead::Match {
                        lists: registry.as_deref(),
                    },
                };
                crate::agency::lock(&inner).grant_external(&user, &request, &engine, what)
            })
            .py_err(py)?;
        let grant = Bound::new(py, PyExternalGrant { inner: Arc::new(grant) })?.into_any();
        let bytes = match bytes {
            Some(b) => PyBytes::new(py, &b).into_any(),
            None => py.None().into_bound(py),
        };
        PyTuple::new(py, [grant, bytes])
    }
}

#[pymethods]
impl PyRegistry {
    /// The lists in force and the policy as versioned, checksummed bytes (SHA-256 of the
    /// payload): what a pickled registry is, and what ``ShippedLists`` reads.
    ///
    /// Raises:
    ///     InvalidArgumentError: the lists do not serialize.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let r = Arc::clone(&self.inner);
        let (b, _) = py.detach(move || encode(&r.snapshot(), r.policy())).py_err(py)?;
        Ok(PyBytes::new(py, &b))
    }

    /// A registry from ``to_bytes``: the same lists (entries, versions) under the same policy.
    ///
    /// Raises:
    ///     InvalidArgumentError: bytes of another format or version, a checksum mismatch, or an
    ///         entry that does not validate to itself (never a silently different list).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<PyRegistry> {
        let lists = py.detach(|| decode(data)).py_err(py)?;
        Ok(PyShippedLists { inner: Arc::new(lists) }.registry())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let f = py.get_type::<PyRegistry>().getattr("from_bytes")?;
        Ok((f, (self.to_bytes(py)?,)))
    }
}

#[pymethods]
impl PyPolicy {
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let f = py.get_type::<PyPolicy>().getattr("from_json")?;
        let json = serde_json::to_string(&*self.inner)
            .map_err(|_| PyRuntimeError::new_err("the policy does not serialize"))?;
        Ok((f, (json,)))
    }
}
