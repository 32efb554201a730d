//! `alpr.Registry`: the hot lists in force.

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
    pub(crate) inner: Arc<alpr_core::registry::Registry>,
}

#[pymethods]
impl PyRegistry {
    #[new]
    #[pyo3(signature = (policy=None))]
    fn new(policy: Option<&PyPolicy>) -> PyRegistry {
        let policy = crate::policy::policy_or_builtin(policy);
        PyRegistry {
            inner: Arc::new(alpr_core::registry::Registry::new(policy)),
        }
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
        self.inner
            .rejected
            .iter()
            .map(|r| {
                let d = pyo3::types::PyDict::new(py);
                let p = r.position;
                for (k, v) in [
                    ("index", p.index),
                    ("line", p.line),
                    ("column", p.column),
                    ("character", p.character),
                ] {
                    if let Some(v) = v {
                        d.set_item(k, v)?;
                    }
                }
                d.set_item("error", r.code.as_str())?;
                Ok(d)
            })
            .collect()
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
    ///
    /// Returns:
    ///     LoadReport: what was accepted, merged and rejected (with positions and codes).
    ///
    /// Raises:
    ///     TooManyRejectedError: the previous version stays in force.
    ///     InvalidArgumentError: the value is not such a list.
    fn load_list(&self, py: Python<'_>, list: &Bound<'_, PyAny>) -> PyResult<PyLoadReport> {
        let text: String = if let Ok(s) = list.extract::<String>() {
            s
        } else {
            py.import("json")?.call_method1("dumps", (list,))?.extract()?
        };
        let reg = Arc::clone(&self.inner);
        let result = py.detach(move || {
            let raw = alpr_core::registry::RawList::from_json(&text)?;
            reg.load(raw.meta, &raw.entries)
        });
        Ok(PyLoadReport {
            inner: crate::errors::IntoPy::py_err(result, py)?,
        })
    }
}
