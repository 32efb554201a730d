//! `alpr.Hit`, `Registry.match` and `Registry.match_batch` (SPEC §3).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use alpr_core::matching::{Hit, Read};
use alpr_core::vocab::Origin;
use alpr_core::{Jurisdiction, PlateType};

use crate::errors::IntoPy;
use crate::registry::PyRegistry;
use crate::time::to_utc;

/// One match hit: an entry of a list that a read matched, and why (R-MATCH-2). Immutable.
/// (``alpr.Hit`` is the hit *workflow*; ``Hit(..., details=hit.explain())`` starts one.)
#[pyclass(frozen, module = "alpr._alpr", name = "MatchHit")]
pub(crate) struct PyMatchHit {
    inner: Hit,
    pub(crate) read_index: Option<u32>,
    /// The entry's index in its list version (kept apart from `inner`: an unpickled hit holds
    /// a one-entry copy of the version).
    pub(crate) entry_index: u32,
}

impl PyMatchHit {
    /// A match hit for Python (`read_index` set for a hit of a batch).
    pub(crate) fn new(inner: Hit, read_index: Option<u32>) -> PyMatchHit {
        PyMatchHit {
            entry_index: inner.entry_index,
            inner,
            read_index,
        }
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
        observed_at: Option<&Bound<'_, PyAny>>,
        device_id: Option<&str>,
        policy: Option<&crate::policy::PyPolicy>,
    ) -> PyResult<crate::workflow::PyHit> {
        let observed_at = observed_at.map(|t| to_utc("observed_at", t)).transpose()?;
        let origin: Origin = crate::errors::choice(py, "origin", origin)?;
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
        self.entry_index
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

    /// The hit with its entry masked (``7AB***3``) unless ``alpr.set_display(mask_plates=False)``.
    fn __repr__(&self) -> String {
        let h = &self.inner;
        format!(
            "MatchHit(list={:?}, entry={:?}, kind={:?}, tier={:?}, jurisdiction={:?}, positions={:?}, \
             plate_type_mismatch={}, stale={}, category={:?}, priority={})",
            h.list_id(),
            crate::display::plate(&h.entry_text()),
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
        origin: crate::errors::choice(py, "origin", origin)?,
    })
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
    ///     list[MatchHit]: in the order of R-MATCH-9; empty when nothing hits. A ``covert``
    ///     list's hits are never returned here (R-LIST-2): a registry has no viewer and no audit
    ///     log; they go to a ``view_covert`` viewer, recorded, only through ``Agency.match``.
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
        let (observed_at, now) = (to_utc("observed_at", observed_at)?, to_utc("now", now)?);
        let read = Read {
            jurisdiction: a.jurisdiction,
            plate_type: a.plate_type,
            origin: a.origin,
            ..Read::new(plate, observed_at)
        };
        let hits = self.inner.match_read(&read, now).py_err(py)?;
        Ok(hits.into_iter().map(|inner| PyMatchHit::new(inner, None)).collect())
    }
}
