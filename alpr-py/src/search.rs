//! `alpr.DetectionStore`: partial-plate search over stored detections (R-SEARCH-1, R-RET-6).

use std::collections::HashSet;
use std::sync::Arc;

use alpr_core::search::{DetectionQuery, DetectionStore, DetectionStoreBuilder, Near, Retention};
use alpr_core::time::floor_ms;
use alpr_core::{Code, Error, Jurisdiction, PlateOrPattern, normalize};
use chrono::{DateTime, FixedOffset};
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyDict, PyList};

use crate::errors::{IntoPy, to_py};
use crate::governance::PyAuditLog;
use crate::policy::{PyPolicy, policy_or_builtin};

/// An immutable, indexed set of stored detections. Safe to share between threads.
///
/// Args:
///     ids: unique detection ids (non-negative integers).
///     plates: plate texts, normalized as ``normalize`` does.
///     observed_at: timezone-aware ``datetime`` objects (a list), a timezone-aware Arrow
///         timestamp column, or with ``observed_at_unit`` Unix times as ``int``.
///     lat: latitudes in degrees.
///     lon: longitudes in degrees.
///     jurisdictions: optional two-letter codes (``None`` entries allowed).
///     device_ids: optional device names (``None`` entries allowed).
///     observed_at_unit: the unit of integer times: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``.
///         Integers without it are refused, never guessed.
///
/// Raises:
///     TypeError: naive times, or integers without ``observed_at_unit``.
///     InvalidArgumentError: columns of different lengths, a repeated id, a coordinate out of
///         range (``.position["index"]`` names the row).
///     InvalidDateError: a time outside the years 0001-9999 (UTC), with its row ``index``.
///     InvalidPlateError: a plate that does not normalize (with its row ``index``).
#[pyclass(frozen, module = "alpr._alpr", name = "DetectionStore")]
pub(crate) struct PyDetectionStore {
    pub(crate) inner: Arc<DetectionStore>,
}

fn at_index(e: Error, i: usize) -> Error {
    let p = e.position();
    e.with_position(alpr_core::Position {
        index: Some(u32::try_from(i).unwrap_or(u32::MAX)),
        ..p
    })
}

/// Unix milliseconds of every detection: numbers with an explicit `unit` (``"s"``, ``"ms"``,
/// ``"us"``, ``"ns"``), or times through the package's one converter ([`crate::time`]); a number
/// without a unit is refused there, never guessed.
fn observed_ms(py: Python<'_>, observed_at: &Bound<'_, PyAny>, unit: Option<&str>) -> PyResult<Vec<i64>> {
    let Some(unit) = unit else {
        return crate::time::column("observed_at", observed_at)?
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                t.map(floor_ms).ok_or_else(|| {
                    to_py(
                        py,
                        &at_index(
                            Error::new(Code::InvalidDate).with_detail("observed_at: a missing time"),
                            i,
                        ),
                    )
                })
            })
            .collect();
    };
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
    let numbers: Vec<i64> = observed_at
        .extract()
        .map_err(|_| pyo3::exceptions::PyTypeError::new_err("observed_at: with observed_at_unit, a sequence of int"))?;
    numbers
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            per_ms(v).ok_or_else(|| {
                to_py(
                    py,
                    &at_index(
                        Error::new(Code::InvalidDate).with_detail("observed_at: out of range"),
                        i,
                    ),
                )
            })
        })
        .collect()
}

#[pymethods]
impl PyDetectionStore {
    #[new]
    #[pyo3(signature = (ids, plates, observed_at, lat, lon, *, jurisdictions=None, device_ids=None, observed_at_unit=None))]
    #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
    fn new(
        py: Python<'_>,
        ids: Vec<u64>,
        plates: Vec<String>,
        observed_at: &Bound<'_, PyAny>,
        lat: Vec<f64>,
        lon: Vec<f64>,
        jurisdictions: Option<Vec<Option<String>>>,
        device_ids: Option<Vec<Option<String>>>,
        observed_at_unit: Option<&str>,
    ) -> PyResult<PyDetectionStore> {
        let observed = observed_ms(py, observed_at, observed_at_unit)?;
        let n = ids.len();
        let same = [plates.len(), observed.len(), lat.len(), lon.len()]
            .iter()
            .all(|&l| l == n)
            && jurisdictions.as_ref().is_none_or(|j| j.len() == n)
            && device_ids.as_ref().is_none_or(|d| d.len() == n);
        if !same {
            return Err(to_py(
                py,
                &Error::new(Code::InvalidArgument).with_detail("columns of different lengths"),
            ));
        }
        let store = py
            .detach(|| -> alpr_core::Result<DetectionStore> {
                let mut b = DetectionStoreBuilder::with_capacity(n);
                for i in 0..n {
                    let plate = normalize(&plates[i]).map_err(|e| at_index(e, i))?.plate;
                    let j = jurisdictions
                        .as_ref()
                        .and_then(|j| j[i].as_deref())
                        .map(Jurisdiction::parse)
                        .transpose()
                        .map_err(|e| at_index(e, i))?;
                    let d = device_ids.as_ref().and_then(|d| d[i].as_deref());
                    alpr_core::time::instant_from_unix_ms(observed[i]).map_err(|e| at_index(e, i))?;
                    b.push_ms(ids[i], plate, j, observed[i], lat[i], lon[i], d)?;
                }
                b.build()
            })
            .py_err(py)?;
        Ok(PyDetectionStore { inner: Arc::new(store) })
    }

    /// Builds a store from a JSON array of detections (``id``, ``plate``, ``observed_at`` as
    /// RFC 3339, ``lat``, ``lon``, optional ``jurisdiction`` and ``device_id``).
    ///
    /// Raises:
    ///     InvalidArgumentError: text that is not such an array, a repeated id, a bad coordinate.
    ///     AlprError: the code of the first bad detection, with its ``index``.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<PyDetectionStore> {
        let store = py.detach(|| DetectionStore::from_json(text)).py_err(py)?;
        Ok(PyDetectionStore { inner: Arc::new(store) })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "DetectionStore(detections={}, distinct_plates={})",
            self.inner.len(),
            self.inner.distinct_plates()
        )
    }

    /// The ids of the detections matching a search, ascending (R-SEARCH-1).
    ///
    /// This is the pure search: access decision and audit record (required before a search)
    /// are the caller's.
    ///
    /// Args:
    ///     pattern: a plate (exact search) or a pattern (``?`` one character, ``*`` zero or more).
    ///     now: the time of the search (aware ``datetime``); detections due for purge under the
    ///         policy's ``detection`` retention at ``now`` are never returned (R-RET-6).
    ///     start: earliest ``observed_at``, inclusive (aware ``datetime``), or ``None``.
    ///     end: end of the window, exclusive, or ``None``.
    ///     near: ``(lat, lon, radius_m)`` to keep detections within that great-circle distance.
    ///     holds: ids under legal hold, visible even when due.
    ///     policy: the governing profile; the built-in one when omitted.
    ///
    /// Returns:
    ///     list[int]: detection ids, ascending.
    ///
    /// Raises:
    ///     PatternTooBroadError, InvalidPatternError, InvalidPlateError: for the pattern.
    ///     InvalidArgumentError: a window that ends before it starts, a bad point or radius.
    #[pyo3(signature = (pattern, *, now, start=None, end=None, near=None, holds=None, policy=None))]
    #[allow(clippy::too_many_arguments)]
    fn search_ids(
        &self,
        py: Python<'_>,
        pattern: &str,
        now: DateTime<FixedOffset>,
        start: Option<DateTime<FixedOffset>>,
        end: Option<DateTime<FixedOffset>>,
        near: Option<(f64, f64, f64)>,
        holds: Option<Vec<u64>>,
        policy: Option<&PyPolicy>,
    ) -> PyResult<Vec<u64>> {
        let (query, retention) = prepare(py, pattern, now, start, end, near, holds, policy)?;
        py.detach(|| self.inner.search_ids(&query, &retention)).py_err(py)
    }

    /// The detections matching a search as a ``pyarrow.Table`` with columns ``id`` (uint64),
    /// ``plate`` (string), ``observed_at`` (timestamp[ms, UTC]), ``lat``, ``lon`` (float64),
    /// ``jurisdiction`` and ``device_id`` (string, nullable), rows in insertion order.
    ///
    /// Args:
    ///     As ``search_ids``.
    ///
    /// Returns:
    ///     pyarrow.Table: the matching detections.
    ///
    /// Raises:
    ///     As ``search_ids``; ``ImportError`` when pyarrow is not installed.
    #[pyo3(signature = (pattern, *, now, start=None, end=None, near=None, holds=None, policy=None))]
    #[allow(clippy::too_many_arguments)]
    fn search<'py>(
        &self,
        py: Python<'py>,
        pattern: &str,
        now: DateTime<FixedOffset>,
        start: Option<DateTime<FixedOffset>>,
        end: Option<DateTime<FixedOffset>>,
        near: Option<(f64, f64, f64)>,
        holds: Option<Vec<u64>>,
        policy: Option<&PyPolicy>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (query, retention) = prepare(py, pattern, now, start, end, near, holds, policy)?;
        let rows = py.detach(|| self.inner.search(&query, &retention)).py_err(py)?;
        rows_table(py, &self.inner, &rows)
    }

    /// The guarded search (R-SEARCH-1): the access decision for ``user`` and ``request`` is
    /// made and written to ``audit`` with the query terms first; only an allowed and recorded
    /// request searches. Returns what ``search`` returns (or ``search_ids`` with
    /// ``ids_only=True``).
    ///
    /// Args:
    ///     pattern: as ``search``.
    ///     audit: the ``AuditLog`` the decision is written to.
    ///     user: ``{"id", "agency", "roles", "account", "trained_on", "clearance"}`` (a mapping
    ///         or its JSON text).
    ///     request: ``{"action": "query_detections" | "query_own_detections", "purpose",
    ///         "case_number", "approval"}``. For ``query_own_detections`` keep only the rows of
    ///         the user's own devices (``device_id``).
    ///     now, start, end, near, holds, policy: as ``search``.
    ///     ids_only: return the ids (``list[int]``, ascending) instead of a table.
    ///
    /// Raises:
    ///     AccessDeniedError: the request is denied (recorded; the message lists every failed
    ///         check).
    ///     AuditWriteFailedError: the decision could not be recorded; nothing was searched.
    ///     InvalidArgumentError: an action that is not a detection query, malformed user or
    ///         request, a bad window or point.
    ///     PatternTooBroadError, InvalidPatternError, InvalidPlateError: for the pattern.
    #[pyo3(signature = (pattern, *, audit, user, request, now, start=None, end=None, near=None, holds=None, policy=None, ids_only=false))]
    #[allow(clippy::too_many_arguments)]
    fn search_audited<'py>(
        &self,
        py: Python<'py>,
        pattern: &str,
        audit: &PyAuditLog,
        user: &Bound<'py, PyAny>,
        request: &Bound<'py, PyAny>,
        now: DateTime<FixedOffset>,
        start: Option<DateTime<FixedOffset>>,
        end: Option<DateTime<FixedOffset>>,
        near: Option<(f64, f64, f64)>,
        holds: Option<Vec<u64>>,
        policy: Option<&PyPolicy>,
        ids_only: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, request) = who(py, user, request)?;
        let policy = policy_or_builtin(policy);
        let query = query_of(py, pattern, start, end, near, &policy)?;
        let held: HashSet<u64> = holds.unwrap_or_default().into_iter().collect();
        let store = Arc::clone(&self.inner);
        let log = audit.log();
        let rows = py
            .detach(move || {
                // The log is locked for the record only (the guard ends with the statement).
                let recorded = alpr_core::analytics::record_search(
                    &mut crate::governance::lock(&log),
                    &user,
                    &request,
                    &query,
                    now.to_utc(),
                    &policy,
                )?;
                recorded.run(&store, held)
            })
            .py_err(py)?;
        if ids_only {
            return Ok(PyList::new(py, self.inner.ids_of(&rows))?.into_any());
        }
        rows_table(py, &self.inner, &rows)
    }
}

/// The user and the access request: mappings (serialized as the package serializes them) or
/// JSON text.
pub(crate) fn who(
    py: Python<'_>,
    user: &Bound<'_, PyAny>,
    request: &Bound<'_, PyAny>,
) -> PyResult<(alpr_core::access::User, alpr_core::access::AccessRequest)> {
    let text = |o: &Bound<'_, PyAny>| -> PyResult<String> {
        if let Ok(s) = o.extract::<String>() {
            return Ok(s);
        }
        py.import("alpr")?.getattr("_dumps")?.call1((o,))?.extract()
    };
    let user = alpr_core::access::User::from_json(&text(user)?).map_err(|e| to_py(py, &e))?;
    let request = alpr_core::access::AccessRequest::from_json(&text(request)?).map_err(|e| to_py(py, &e))?;
    Ok((user, request))
}

/// The rows of a store as a ``pyarrow.Table`` (the columns of ``DetectionStore.search``).
fn rows_table<'py>(py: Python<'py>, store: &DetectionStore, rows: &[u32]) -> PyResult<Bound<'py, PyAny>> {
    let pa = py.import("pyarrow")?;
    let (mut id, mut plate, mut at, mut lat, mut lon, mut jur, mut dev) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for &r in rows {
        let d = store.row(r);
        id.push(d.id);
        plate.push(d.plate.to_string());
        at.push(d.observed_ms);
        lat.push(d.lat);
        lon.push(d.lon);
        jur.push(d.jurisdiction.map(|j| j.as_str().to_owned()));
        dev.push(d.device_id.map(str::to_owned));
    }
    let arr = |values: Bound<'py, PyList>, ty: Bound<'py, PyAny>| -> PyResult<Bound<'py, PyAny>> {
        let kw = PyDict::new(py);
        kw.set_item("type", ty)?;
        pa.call_method("array", (values,), Some(&kw))
    };
    let cols = PyDict::new(py);
    cols.set_item("id", arr(PyList::new(py, id)?, pa.call_method0("uint64")?)?)?;
    cols.set_item("plate", arr(PyList::new(py, plate)?, pa.call_method0("string")?)?)?;
    let ts = pa.call_method("timestamp", ("ms",), Some(&[("tz", "UTC")].into_py_dict(py)?))?;
    cols.set_item("observed_at", arr(PyList::new(py, at)?, ts)?)?;
    cols.set_item("lat", arr(PyList::new(py, lat)?, pa.call_method0("float64")?)?)?;
    cols.set_item("lon", arr(PyList::new(py, lon)?, pa.call_method0("float64")?)?)?;
    cols.set_item("jurisdiction", arr(PyList::new(py, jur)?, pa.call_method0("string")?)?)?;
    cols.set_item("device_id", arr(PyList::new(py, dev)?, pa.call_method0("string")?)?)?;
    pa.call_method1("table", (cols,))
}

fn query_of(
    py: Python<'_>,
    pattern: &str,
    start: Option<DateTime<FixedOffset>>,
    end: Option<DateTime<FixedOffset>>,
    near: Option<(f64, f64, f64)>,
    policy: &alpr_core::Policy,
) -> PyResult<DetectionQuery> {
    let term = PlateOrPattern::parse(pattern, policy.pattern_limits()).py_err(py)?;
    Ok(DetectionQuery {
        term,
        from: start.map(|t| t.to_utc()),
        to: end.map(|t| t.to_utc()),
        near: near.map(|(lat, lon, radius_m)| Near { lat, lon, radius_m }),
    })
}

#[allow(clippy::too_many_arguments)]
fn prepare(
    py: Python<'_>,
    pattern: &str,
    now: DateTime<FixedOffset>,
    start: Option<DateTime<FixedOffset>>,
    end: Option<DateTime<FixedOffset>>,
    near: Option<(f64, f64, f64)>,
    holds: Option<Vec<u64>>,
    policy: Option<&PyPolicy>,
) -> PyResult<(DetectionQuery, Retention)> {
    let policy = policy_or_builtin(policy);
    let query = query_of(py, pattern, start, end, near, &policy)?;
    let held: HashSet<u64> = holds.unwrap_or_default().into_iter().collect();
    Ok((query, Retention::for_detections(&policy, now.to_utc(), held)))
}
