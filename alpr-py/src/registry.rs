//! `alpr.Registry`: the hot lists in force.

use std::mem::ManuallyDrop;
use std::sync::Arc;

use pyo3::prelude::*;

use crate::policy::PyPolicy;

/// The set of hot lists in force, governed by one policy. Safe to share between threads: loading
/// a new version of a list replaces the old one atomically (R-LIST-4).
///
/// Args:
///     policy: the governing profile; the built-in ``sacramento-525.08`` when omitted.
#[pyclass(frozen, module = "alpr._alpr", name = "Registry")]
pub(crate) struct PyRegistry {
    /// Dropped by [`release`] (see `Drop`).
    pub(crate) inner: ManuallyDrop<Arc<alpr_core::registry::Registry>>,
}

impl PyRegistry {
    /// A registry object over `inner`.
    pub(crate) fn of(inner: alpr_core::registry::Registry) -> PyRegistry {
        PyRegistry {
            inner: ManuallyDrop::new(Arc::new(inner)),
        }
    }
}

impl Drop for PyRegistry {
    fn drop(&mut self) {
        // SAFETY: `inner` is taken here once, in the object's drop, and never read again.
        let inner = unsafe { ManuallyDrop::take(&mut self.inner) };
        // The last handle on the registry: its lists are freed off the calling thread (which
        // holds the GIL while Python deallocates) when they are large.
        let large = Arc::strong_count(&inner) == 1 && inner.snapshot().values().any(|v| is_large(v));
        if large {
            release(inner);
        }
    }
}

/// The fewest entries of a list version that [`release`] frees on a thread of its own.
const LARGE_LIST: usize = 1 << 16;

/// Whether freeing a list version is worth a thread: its entries (and index) are tens of
/// megabytes at a million entries, returned to the system block by block.
pub(crate) fn is_large(v: &alpr_core::hotlist::ListVersion) -> bool {
    v.entries().len() >= LARGE_LIST
}

/// Drops `value` on a thread of its own, so that the caller does not wait for a large list's
/// memory to be freed (10-20 ms for a million plates, ~80 ms for a million 9-column records:
/// five blocks each). Where no thread can be had, it is dropped here.
pub(crate) fn release<T: Send + 'static>(value: T) {
    // A failed spawn drops the closure, and with it the value, here.
    let _ = std::thread::Builder::new()
        .name("alpr-release".to_owned())
        .spawn(move || drop(value));
}

/// Puts `version` in force in `reg` without the GIL and frees the version it replaces (when
/// large, and no reader holds it) off the calling thread: a reload does not wait for the
/// previous list's memory to be returned.
pub(crate) fn install(py: Python<'_>, reg: &alpr_core::registry::Registry, version: alpr_core::hotlist::ListVersion) {
    let old = py.detach(|| reg.install(version));
    if let Some(old) = old.filter(|o| Arc::strong_count(o) == 1 && is_large(o)) {
        release(old);
    }
}

#[pymethods]
impl PyRegistry {
    #[new]
    #[pyo3(signature = (policy=None))]
    fn new(policy: Option<&PyPolicy>) -> PyRegistry {
        let policy = crate::policy::policy_or_builtin(policy);
        PyRegistry::of(alpr_core::registry::Registry::new(policy))
    }

    /// The governing policy.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: Arc::clone(self.inner.policy()),
        }
    }

    /// The ids of the lists in force, sorted.
    fn list_ids(&self) -> Vec<String> {
        self.inner.snapshot().keys().cloned().collect()
    }

    fn __len__(&self) -> usize {
        self.inner.snapshot().len()
    }

    fn __repr__(&self) -> String {
        format!("Registry(lists={:?})", self.list_ids())
    }
}

/// What a load did.
#[pyclass(frozen, module = "alpr._alpr", name = "LoadReport")]
pub(crate) struct PyLoadReport {
    pub(crate) inner: alpr_core::hotlist::LoadReport,
}

#[pymethods]
impl PyLoadReport {
    /// Distinct entries kept.
    #[getter]
    fn accepted(&self) -> usize {
        self.inner.accepted
    }

    /// Duplicate records folded into an earlier entry.
    #[getter]
    fn merged(&self) -> usize {
        self.inner.merged
    }

    /// Each rejected record as a dict: ``error`` (the code) and its position (``index`` for
    /// entries given as values; ``line``/``column`` for files; ``character`` within the field).
    #[getter]
    fn rejected<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, pyo3::types::PyDict>>> {
        crate::errors::rejection_dicts(py, &self.inner.rejected)
    }

    fn __repr__(&self) -> String {
        format!(
            "LoadReport(accepted={}, merged={}, rejected={})",
            self.inner.accepted,
            self.inner.merged,
            self.inner.rejected.len()
        )
    }
}

#[pymethods]
impl PyRegistry {
    /// Loads a list given as a dict or JSON text — ``{"id", "kind", "priority", "loaded_at",
    /// "entries": [...]}`` — and puts it in force in place of the previous version of that id.
    ///
    /// Args:
    ///     list: the list, as a ``dict`` (JSON-serializable) or ``str``.
    ///     progress: ``True`` for a tqdm bar (when tqdm is installed) or a callable
    ///         ``f(done, total)`` (entries); the load is one step, reported when it ends.
    ///
    /// Returns:
    ///     LoadReport: what was accepted, merged and rejected (with positions and codes).
    ///
    /// Raises:
    ///     TooManyRejectedError: the previous version stays in force; the exception's
    ///         ``.rejected`` lists every rejection (code and position) and ``.report`` is the
    ///         whole ``LoadReport``.
    ///     InvalidArgumentError: the value is not such a list.
    #[pyo3(signature = (list, *, progress=None))]
    fn load_list(
        &self,
        py: Python<'_>,
        list: &Bound<'_, PyAny>,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyLoadReport> {
        let text: String = if let Ok(s) = list.extract::<String>() {
            s
        } else {
            py.import("json")?.call_method1("dumps", (list,))?.extract()?
        };
        let reg = Arc::clone(&self.inner);
        let raw = py
            .detach(|| alpr_core::registry::RawList::from_json(&text))
            .map_err(|e| crate::errors::to_py(py, &e))?;
        let progress = crate::progress::Progress::new(py, progress, raw.entries.len(), "load_list", "entries")?;
        // `Registry::load` in its two steps: validated on a worker thread (Ctrl-C is honoured
        // while it runs), then put in force here only if not interrupted.
        let raw = Arc::new(raw);
        let (list, policy) = (Arc::clone(&raw), Arc::clone(reg.policy()));
        let validated = crate::interrupt::watch(py, move || {
            alpr_core::hotlist::ListVersion::from_raw(list.meta.clone(), &list.entries, &policy)
        })?;
        match validated {
            Ok((version, inner)) => {
                install(py, &reg, version);
                progress.finish(py)?;
                Ok(PyLoadReport { inner })
            }
            Err(e) => Err(crate::errors::load_error(py, &e, || {
                let policy = crate::errors::lenient(reg.policy());
                alpr_core::hotlist::ListVersion::from_raw(raw.meta.clone(), &raw.entries, &policy)
                    .ok()
                    .map(|(_, r)| r)
            })),
        }
    }
}
