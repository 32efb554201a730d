//! `alpr.DetectionStore`: stored detections, indexed for partial-plate search (R-SEARCH-1,
//! R-RET-6). A store has no read method of its own: searches and retro-hits go through
//! `alpr.Agency`, which decides and records them first (R-AUDIT-3); so does the conformance
//! runner, through an agency opened for tests and replays.

use std::sync::Arc;

use alpr_core::search::{DetectionQuery, DetectionStore, DetectionStoreBuilder, Near};
use alpr_core::time::floor_ms;
use alpr_core::{Code, Error, Jurisdiction, PlateOrPattern, normalize};
use pyo3::prelude::*;

use crate::errors::{IntoPy, to_py};
use crate::time::Aware;

/// An immutable, indexed set of stored detections. Safe to share between threads. It is read
/// only through an :class:`Agency` (``Agency.search``, ``Agency.retro_hits``), which decides
/// each read and records it first.
///
/// Every column may be a Python sequence or an Arrow column (a ``pyarrow.Array`` or
/// ``ChunkedArray``, a polars or pandas Series: anything with the Arrow PyCapsule interface), read
/// from its buffers; for a whole table use :meth:`from_arrow`.
///
/// Args:
///     ids: unique detection ids (non-negative integers).
///     plates: plate texts, normalized as ``normalize`` does (a missing one is ``EmptyError``
///         at its ``index``).
///     observed_at: timezone-aware ``datetime`` objects (a list), a timezone-aware Arrow
///         timestamp column, or with ``observed_at_unit`` Unix times as ``int``.
///     lat: latitudes in degrees.
///     lon: longitudes in degrees.
///     jurisdictions: optional two-letter codes (``None`` entries allowed).
///     device_ids: optional device names (``None`` entries allowed).
///     observed_at_unit: the unit of integer times: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``.
///         Integers without it are refused, never guessed.
///     progress: ``True`` for a tqdm bar (when tqdm is installed), or a callable
///         ``f(done, total)`` called with the detections added so far.
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

/// Detections pushed per chunk between two checks for Ctrl-C.
pub(crate) const STORE_CHUNK: usize = 1 << 16;

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
    #[pyo3(signature = (ids, plates, observed_at, lat, lon, *, jurisdictions=None, device_ids=None, observed_at_unit=None, progress=None))]
    #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
    fn new(
        py: Python<'_>,
        ids: &Bound<'_, PyAny>,
        plates: &Bound<'_, PyAny>,
        observed_at: &Bound<'_, PyAny>,
        lat: &Bound<'_, PyAny>,
        lon: &Bound<'_, PyAny>,
        jurisdictions: Option<&Bound<'_, PyAny>>,
        device_ids: Option<&Bound<'_, PyAny>>,
        observed_at_unit: Option<&str>,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDetectionStore> {
        use crate::tables::{floats_arg, ids_arg, texts_arg};
        let ids = ids_arg(py, ids)?;
        let plates = texts_arg(py, "plates", plates)?;
        let lat = floats_arg(py, "lat", lat)?;
        let lon = floats_arg(py, "lon", lon)?;
        let jurisdictions = jurisdictions.map(|j| texts_arg(py, "jurisdictions", j)).transpose()?;
        let device_ids = device_ids.map(|d| texts_arg(py, "device_ids", d)).transpose()?;
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
        // Pushed in chunks without the GIL (Ctrl-C and progress between them), then indexed.
        let progress = crate::progress::Progress::new(py, progress, n, "DetectionStore", "detections")?;
        let mut b = DetectionStoreBuilder::with_capacity(n);
        crate::interrupt::chunked(py, n, STORE_CHUNK, &progress, |range| {
            for i in range {
                let plate = normalize(plates[i].as_deref().unwrap_or(""))
                    .map_err(|e| at_index(e, i))?
                    .plate;
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
            Ok(true)
        })?;
        // The index build is one core call: on a worker thread, Ctrl-C honoured meanwhile.
        let store = crate::interrupt::watch(py, move || b.build())?.py_err(py)?;
        progress.finish(py)?;
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
}

/// The rows of a store as a ``pyarrow.Table`` (the columns of ``Agency.search``), built in Rust.
pub(crate) fn rows_table<'py>(py: Python<'py>, store: &DetectionStore, rows: &[u32]) -> PyResult<Bound<'py, PyAny>> {
    crate::tables::detections_table(py, store, rows)
}

pub(crate) fn query_of(
    py: Python<'_>,
    pattern: &str,
    start: Option<Aware>,
    end: Option<Aware>,
    near: Option<(f64, f64, f64)>,
    policy: &alpr_core::Policy,
) -> PyResult<DetectionQuery> {
    let term = PlateOrPattern::parse(pattern, policy.pattern_limits()).py_err(py)?;
    Ok(DetectionQuery {
        term,
        from: start.map(Aware::to_utc),
        to: end.map(Aware::to_utc),
        near: near.map(|(lat, lon, radius_m)| Near { lat, lon, radius_m }),
    })
}
