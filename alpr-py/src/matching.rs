//! `alpr.Hit`, `Registry.match` and `Registry.match_batch` (SPEC §3).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use alpr_core::matching::{Hit, Read};
use alpr_core::vocab::Origin;
use alpr_core::{Jurisdiction, PlateType};

use crate::errors::IntoPy;
use crate::registry::PyRegistry;

/// One match hit: an entry of a list that a read matched, and why (R-MATCH-2). Immutable.
/// (``alpr.Hit`` is the hit *workflow*; ``Hit(..., details=hit.explain())`` starts one.)
#[pyclass(frozen, module = "alpr._alpr", name = "MatchHit")]
pub(crate) struct PyMatchHit {
    inner: Hit,
    read_index: Option<u32>,
}

impl PyMatchHit {
    /// A match hit for Python (`read_index` set for a hit of a batch).
    pub(crate) fn new(inner: Hit, read_index: Option<u32>) -> PyMatchHit {
        PyMatchHit { inner, read_index }
    }

    /// The core hit.
    pub(crate) fn hit(&self) -> &Hit {
        &self.inner
    }
}

#[pymethods]
impl PyMatchHit {
    /// Starts the workflow of this hit (R-HIT-1…8): a :class:`Hit` in status ``alerted`` whose
    /// dispatch packet carries this match's explanation and entry.
    ///
    /// Args:
    ///     origin: where the read came from: ``vehicle``, ``fixed`` or ``desktop``.
    ///     observed_at: when the plate was seen, if the packet should say.
    ///     device_id: the camera or car, if the packet should say.
    ///     policy: the governing profile (call types, priorities); the built-in one by default.
    ///
    /// Raises:
    ///     InvalidArgumentError: an unknown origin.
    #[pyo3(signature = (origin="vehicle", *, observed_at=None, device_id=None, policy=None))]
    fn workflow(
        &self,
        py: Python<'_>,
        origin: &str,
        observed_at: Option<chrono::DateTime<chrono::Utc>>,
        device_id: Option<&str>,
        policy: Option<&crate::policy::PyPolicy>,
    ) -> PyResult<crate::workflow::PyHit> {
        let origin = crate::errors::IntoPy::py_err(alpr_core::vocab::Origin::parse(origin), py)?;
        let input = alpr_core::workflow::DispatchInput::from_hit_parts(&self.inner, origin, observed_at, device_id);
        let policy = crate::policy::policy_or_builtin(policy);
        Ok(crate::workflow::PyHit::from_input(&input, &policy))
    }

    /// The list id.
    #[getter]
    fn list(&self) -> &str {
        self.inner.list_id()
    }
    /// The list kind (``standard``, ``special``, ``hot_plate``, ``covert``).
    #[getter]
    fn list_kind(&self) -> &'static str {
        self.inner.list_kind().as_str()
    }
    /// The list priority (0 = most urgent).
    #[getter]
    fn priority(&self) -> u8 {
        self.inner.priority()
    }
    /// The entry's normalized plate or pattern (``7ABC123``, ``7AB*``).
    #[getter]
    fn entry(&self) -> String {
        self.inner.entry_text()
    }
    /// The entry's index in its list version.
    #[getter]
    fn entry_index(&self) -> u32 {
        self.inner.entry_index
    }
    /// ``exact``, ``confusable``, ``edit`` or ``pattern``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    /// Differing positions in the read (0-based).
    #[getter]
    fn positions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.positions.iter().collect::<Vec<_>>())
    }
    /// ``match``, ``unknown`` or ``mismatch``.
    #[getter]
    fn jurisdiction(&self) -> &'static str {
        self.inner.jurisdiction.as_str()
    }
    /// Whether both sides have a plate type and they differ.
    #[getter]
    fn plate_type_mismatch(&self) -> bool {
        self.inner.plate_type_mismatch
    }
    /// Whether the list is stale.
    #[getter]
    fn stale(&self) -> bool {
        self.inner.stale
    }
    /// ``strong``, ``moderate`` or ``weak`` (after the stale drop).
    #[getter]
    fn tier(&self) -> &'static str {
        self.inner.tier.as_str()
    }
    /// The entry's category.
    #[getter]
    fn category(&self) -> &'static str {
        self.inner.category().as_str()
    }
    /// The list's age at matching time.
    #[getter]
    fn list_age(&self) -> chrono::Duration {
        self.inner.list_age
    }
    /// The index of the read in a batch (``None`` for ``Registry.match``).
    #[getter]
    fn read_index(&self) -> Option<u32> {
        self.read_index
    }

    /// The explanation as a plain dict: ``list``, ``list_kind``, ``priority``, ``entry``,
    /// ``kind``, ``positions``, ``jurisdiction``, ``plate_type_mismatch``, ``stale``, ``tier``,
    /// ``category``, ``list_age_seconds``.
    ///
    /// Returns:
    ///     dict: JSON-serializable.
    fn explain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        explain_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let h = &self.inner;
        format!(
            "MatchHit(list={:?}, entry={:?}, kind={:?}, tier={:?}, jurisdiction={:?}, positions={:?}, \
             plate_type_mismatch={}, stale={}, category={:?}, priority={})",
            h.list_id(),
            h.entry_text(),
            h.kind.as_str(),
            h.tier.as_str(),
            h.jurisdiction.as_str(),
            h.positions.iter().collect::<Vec<_>>(),
            if h.plate_type_mismatch { "True" } else { "False" },
            if h.stale { "True" } else { "False" },
            h.category().as_str(),
            h.priority(),
        )
    }
}

pub(crate) fn explain_dict<'py>(py: Python<'py>, h: &Hit) -> PyResult<Bound<'py, PyDict>> {
    let e = h.explain();
    let d = PyDict::new(py);
    d.set_item("list", e.list)?;
    d.set_item("list_kind", e.list_kind.as_str())?;
    d.set_item("priority", e.priority)?;
    d.set_item("entry", e.entry)?;
    d.set_item("kind", e.kind.as_str())?;
    d.set_item("positions", PyList::new(py, e.positions)?)?;
    d.set_item("jurisdiction", e.jurisdiction.as_str())?;
    d.set_item("plate_type_mismatch", e.plate_type_mismatch)?;
    d.set_item("stale", e.stale)?;
    d.set_item("tier", e.tier.as_str())?;
    d.set_item("category", e.category.as_str())?;
    d.set_item("list_age_seconds", e.list_age_seconds)?;
    Ok(d)
}

/// The parsed optional read attributes shared by `match` and `match_batch`.
struct Attrs {
    jurisdiction: Option<Jurisdiction>,
    plate_type: Option<PlateType>,
    origin: Origin,
}

fn attrs(py: Python<'_>, jurisdiction: Option<&str>, plate_type: Option<&str>, origin: &str) -> PyResult<Attrs> {
    Ok(Attrs {
        jurisdiction: jurisdiction.map(Jurisdiction::parse).transpose().py_err(py)?,
        plate_type: plate_type.map(PlateType::parse).transpose().py_err(py)?,
        origin: Origin::parse(origin).py_err(py)?,
    })
}

/// A per-read attribute: absent, one value for every read (parsed once; a bad one raises), or a
/// column of `n` optional values parsed one by one (a bad one is that read's error). `Err(None)`
/// when a column has the wrong length.
#[allow(clippy::type_complexity)]
fn per_read<T: Clone>(
    py: Python<'_>,
    arg: Option<&Bound<'_, PyAny>>,
    n: usize,
    parse: fn(&str) -> alpr_core::Result<T>,
) -> Result<Vec<Result<Option<T>, alpr_core::Error>>, Option<PyErr>> {
    let Some(arg) = arg else { return Ok(vec![Ok(None); n]) };
    if let Ok(one) = arg.extract::<String>() {
        let v = parse(&one).py_err(py).map_err(Some)?;
        return Ok(vec![Ok(Some(v)); n]);
    }
    let values = column_optional_strings(arg).map_err(Some)?;
    if values.len() != n {
        return Err(None);
    }
    Ok(values.iter().map(|v| v.as_deref().map(parse).transpose()).collect())
}

/// The optional strings of a column: ``None`` (or a float NaN, pandas' missing value) is absent.
fn column_optional_strings(col: &Bound<'_, PyAny>) -> PyResult<Vec<Option<String>>> {
    let list = ["to_pylist", "to_list", "tolist"]
        .into_iter()
        .find(|m| col.hasattr(*m).unwrap_or(false))
        .map_or_else(|| Ok(col.clone()), |m| col.call_method0(m))?;
    list.try_iter()?
        .map(|x| {
            let x = x?;
            if x.is_none() || x.extract::<f64>().is_ok_and(f64::is_nan) {
                Ok(None)
            } else {
                x.extract::<String>().map(Some)
            }
        })
        .collect()
}

/// The strings of a column: a sequence of ``str``, or a pyarrow / pandas / polars column.
fn column_strings(col: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    for method in ["to_pylist", "to_list", "tolist"] {
        if col.hasattr(method)? {
            return col.call_method0(method)?.extract();
        }
    }
    col.try_iter()?.map(|x| x?.extract::<String>()).collect()
}

#[pymethods]
impl PyRegistry {
    /// Matches one read against the lists in force (SPEC §3).
    ///
    /// Args:
    ///     plate: the raw plate text as read.
    ///     jurisdiction: the read's two-letter jurisdiction, if known.
    ///     plate_type: the read's NCIC plate type, if known.
    ///     observed_at: when the plate was seen (timezone-aware).
    ///     origin: ``"vehicle"``, ``"fixed"`` or ``"desktop"``.
    ///     now: the current time (timezone-aware): list staleness is judged at it.
    ///
    /// Returns:
    ///     list[MatchHit]: in the order of R-MATCH-9; empty when nothing hits.
    ///
    /// Raises:
    ///     InvalidPlateError: the plate cannot be normalized (``InvalidCharacterError``,
    ///         ``EmptyError``, ``TooLongError``), or the jurisdiction or plate type is invalid.
    ///     PolicyError: an unknown origin (``InvalidArgumentError``).
    #[pyo3(name = "match", signature = (plate, *, jurisdiction=None, plate_type=None, observed_at, origin="vehicle", now))]
    #[allow(clippy::too_many_arguments)]
    fn match_one(
        &self,
        py: Python<'_>,
        plate: &str,
        jurisdiction: Option<&str>,
        plate_type: Option<&str>,
        observed_at: &Bound<'_, PyAny>,
        origin: &str,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyMatchHit>> {
        let a = attrs(py, jurisdiction, plate_type, origin)?;
        let (observed_at, now) = (to_utc(observed_at)?, to_utc(now)?);
        let read = Read {
            jurisdiction: a.jurisdiction,
            plate_type: a.plate_type,
            origin: a.origin,
            ..Read::new(plate, observed_at)
        };
        let hits = self.inner.match_read(&read, now).py_err(py)?;
        Ok(hits
            .into_iter()
            .map(|inner| PyMatchHit {
                inner,
                read_index: None,
            })
            .collect())
    }

    /// Matches many reads against one snapshot of the lists in force; the hits of read ``i``
    /// are exactly those ``match`` gives for it. Matching runs without the GIL.
    ///
    /// Args:
    ///     plates: raw plate texts: a sequence of ``str`` or a pyarrow / pandas / polars column.
    ///     jurisdiction: one jurisdiction for every read, or a column of them (``None`` or a
    ///         missing value where unknown).
    ///     plate_type: one plate type for every read, or a column of them, if known.
    ///     observed_at: when the plates were seen: one datetime, or one per plate.
    ///     origin: ``"vehicle"``, ``"fixed"`` or ``"desktop"``.
    ///     now: the current time.
    ///     on_error: ``"raise"`` (default): the first unreadable read (its plate, or its
    ///         jurisdiction or plate type from a column) raises, with ``position["index"]`` its
    ///         index; ``"report"``: it yields a row ``{"read": i, "error": code}`` and the others
    ///         are matched.
    ///     as_table: return a ``pyarrow.Table`` instead of a list of dicts.
    ///
    /// Returns:
    ///     list[dict] | pyarrow.Table: one row per hit, ``read`` (the read's index) followed by
    ///     the fields of ``Hit.explain()``, grouped by read in input order.
    ///
    /// Raises:
    ///     InvalidPlateError: as ``match`` (with ``on_error="raise"``).
    ///     PolicyError: ``InvalidArgumentError`` for mismatched lengths or an unknown option.
    #[pyo3(signature = (plates, *, jurisdiction=None, plate_type=None, observed_at, origin="vehicle", now, on_error="raise", as_table=false))]
    #[allow(clippy::too_many_arguments)]
    fn match_batch<'py>(
        &self,
        py: Python<'py>,
        plates: &Bound<'py, PyAny>,
        jurisdiction: Option<&Bound<'py, PyAny>>,
        plate_type: Option<&Bound<'py, PyAny>>,
        observed_at: &Bound<'py, PyAny>,
        origin: &str,
        now: &Bound<'py, PyAny>,
        on_error: &str,
        as_table: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let invalid = |msg: &str| {
            crate::errors::to_py(
                py,
                &alpr_core::Error::new(alpr_core::Code::InvalidArgument).with_detail(msg.to_owned()),
            )
        };
        let report = match on_error {
            "raise" => false,
            "report" => true,
            _ => return Err(invalid("on_error must be \"raise\" or \"report\"")),
        };
        let origin = Origin::parse(origin).py_err(py)?;
        let now = to_utc(now)?;
        let plates = column_strings(plates)?;
        let n = plates.len();
        let times: Vec<DateTime<Utc>> = if let Ok(t) = to_utc(observed_at) {
            vec![t; n]
        } else {
            column_times(observed_at)?
        };
        if times.len() != n {
            return Err(invalid("observed_at must be one datetime or one per plate"));
        }
        let jurisdictions = per_read(py, jurisdiction, n, Jurisdiction::parse)
            .map_err(|e| e.unwrap_or_else(|| invalid("jurisdiction must be one code or one per plate")))?;
        let plate_types = per_read(py, plate_type, n, PlateType::parse)
            .map_err(|e| e.unwrap_or_else(|| invalid("plate_type must be one code or one per plate")))?;
        let reg = Arc::clone(&self.inner);
        // Reads whose attributes do not parse are reported at their index, not matched.
        let (hits, errors) = py.detach(|| {
            let reads = (0..n).map(|i| {
                let jurisdiction = jurisdictions[i].clone()?;
                let plate_type = plate_types[i].clone()?;
                Ok(Read {
                    jurisdiction,
                    plate_type,
                    origin,
                    ..Read::new(&plates[i], times[i])
                })
            });
            let (mut hits, mut errors) = (Vec::new(), Vec::<(u32, alpr_core::Error)>::new());
            reg.matcher()
                .match_batch_indexed(&reg.snapshot(), reads, now, &mut hits, &mut errors);
            (hits, errors)
        });
        if !report && let Some((i, e)) = errors.first() {
            let e = e.clone().at_index(*i);
            return Err(crate::errors::to_py(py, &e));
        }
        let rows = PyList::empty(py);
        let mut errors = errors.iter().peekable();
        for bh in &hits {
            while let Some((i, e)) = errors.next_if(|(i, _)| *i < bh.read) {
                rows.append(error_row(py, *i, e)?)?;
            }
            let d = PyDict::new(py);
            d.set_item("read", bh.read)?;
            d.update(explain_dict(py, &bh.hit)?.as_mapping())?;
            rows.append(d)?;
        }
        for (i, e) in errors {
            rows.append(error_row(py, *i, e)?)?;
        }
        if as_table {
            return hits_table(py, &rows, "read", true);
        }
        Ok(rows.into_any())
    }
}

/// Rows of hits as a ``pyarrow.Table`` with a fixed schema (so an empty result has the same
/// columns as any other): `first` (the read index or detection id), the explanation's fields,
/// and an `error` column when rows may carry one.
fn hits_table<'py>(
    py: Python<'py>,
    rows: &Bound<'py, PyList>,
    first: &str,
    errors: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let pa = py.import("pyarrow")?;
    let t = |name: &str| pa.call_method0(name);
    let mut fields: Vec<(&str, Bound<'py, PyAny>)> = vec![
        (first, t("uint64")?),
        ("list", t("string")?),
        ("list_kind", t("string")?),
        ("priority", t("uint8")?),
        ("entry", t("string")?),
        ("kind", t("string")?),
        ("positions", pa.call_method1("list_", (t("uint8")?,))?),
        ("jurisdiction", t("string")?),
        ("plate_type_mismatch", t("bool_")?),
        ("stale", t("bool_")?),
        ("tier", t("string")?),
        ("category", t("string")?),
        ("list_age_seconds", t("int64")?),
    ];
    if errors {
        fields.push(("error", t("string")?));
    }
    let schema = pa.call_method1("schema", (PyList::new(py, fields)?,))?;
    let kw = PyDict::new(py);
    kw.set_item("schema", schema)?;
    pa.getattr("Table")?.call_method("from_pylist", (rows,), Some(&kw))
}

fn error_row<'py>(py: Python<'py>, i: u32, e: &alpr_core::Error) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("read", i)?;
    d.set_item("error", e.code().as_str())?;
    Ok(d)
}

fn column_times(col: &Bound<'_, PyAny>) -> PyResult<Vec<DateTime<Utc>>> {
    for method in ["to_pylist", "to_list", "tolist"] {
        if col.hasattr(method)? {
            return col.call_method0(method)?.try_iter()?.map(|x| to_utc(&x?)).collect();
        }
    }
    col.try_iter()?.map(|x| to_utc(&x?)).collect()
}

/// A timezone-aware `datetime` (any zone) as UTC; a naive one is a `TypeError`.
fn to_utc(t: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    // Fast path: pyo3 reads any aware datetime's UTC offset directly.
    if let Ok(fixed) = t.extract::<DateTime<chrono::FixedOffset>>() {
        return Ok(fixed.with_timezone(&Utc));
    }
    if t.getattr("tzinfo")?.is_none() || t.call_method0("utcoffset")?.is_none() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "a timezone-aware datetime is required",
        ));
    }
    let utc = t.py().import("datetime")?.getattr("timezone")?.getattr("utc")?;
    t.call_method1("astimezone", (utc,))?.extract()
}
