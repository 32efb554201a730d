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
    pub(crate) inner: Arc<alpr_core::hotlist::Registry>,
}

#[pymethods]
impl PyRegistry {
    #[new]
    #[pyo3(signature = (policy=None))]
    fn new(policy: Option<&PyPolicy>) -> PyRegistry {
        let policy = policy.map_or_else(|| Arc::new(alpr_core::Policy::sacramento()), |p| Arc::clone(&p.inner));
        PyRegistry {
            inner: Arc::new(alpr_core::hotlist::Registry::new(policy)),
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
