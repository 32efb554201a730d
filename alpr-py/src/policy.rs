//! `alpr.Policy`: a policy profile.

use std::sync::Arc;

use pyo3::prelude::*;

use crate::errors::IntoPy;

/// A policy profile: every number of the specification as data. Immutable.
///
/// ``Policy()`` is the built-in ``sacramento-525.08``; ``Policy.from_toml(text)`` and
/// ``Policy.from_json(text)`` load an agency's own (fields left out keep the built-in values).
#[pyclass(frozen, module = "alpr._alpr", name = "Policy")]
#[derive(Clone)]
pub(crate) struct PyPolicy {
    pub(crate) inner: Arc<alpr_core::Policy>,
}

/// The policy a call was given, or the built-in profile (shared, built once).
pub(crate) fn policy_or_builtin(policy: Option<&PyPolicy>) -> Arc<alpr_core::Policy> {
    policy.map_or_else(alpr_core::Policy::builtin, |p| Arc::clone(&p.inner))
}

#[pymethods]
impl PyPolicy {
    /// The built-in profile ``sacramento-525.08``.
    #[new]
    fn new() -> PyPolicy {
        PyPolicy {
            inner: alpr_core::Policy::builtin(),
        }
    }

    /// Parses a TOML profile.
    ///
    /// Raises:
    ///     InvalidPolicyError: naming the field that is wrong.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<PyPolicy> {
        Ok(PyPolicy {
            inner: Arc::new(alpr_core::Policy::from_toml(text).py_err(py)?),
        })
    }

    /// Parses a JSON profile.
    ///
    /// Raises:
    ///     InvalidPolicyError: naming the field that is wrong.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<PyPolicy> {
        Ok(PyPolicy {
            inner: Arc::new(alpr_core::Policy::from_json(text).py_err(py)?),
        })
    }

    /// A new profile with some fields replaced, given as JSON text (``'{"max_edits": 1}'``). An
    /// object merges field by field (``'{"retention": {"pod_video": {"keep_at_least": "30d"}}}'``
    /// keeps the other classes), any other value replaces.
    ///
    /// Raises:
    ///     InvalidPolicyError: for an unknown field or a value of the wrong shape.
    fn with_overrides(&self, py: Python<'_>, overrides_json: &str) -> PyResult<PyPolicy> {
        Ok(PyPolicy {
            inner: Arc::new(self.inner.with_overrides_json(overrides_json).py_err(py)?),
        })
    }

    /// The profile as TOML text.
    fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// The profile as JSON text.
    fn to_json(&self) -> String {
        serde_json::to_string_pretty(&*self.inner).unwrap_or_default()
    }

    /// The profile's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The agency time zone (IANA name).
    #[getter]
    fn time_zone(&self) -> String {
        self.inner.time_zone.name().to_owned()
    }

    fn __repr__(&self) -> String {
        format!("Policy(name={:?})", self.inner.name)
    }
}
