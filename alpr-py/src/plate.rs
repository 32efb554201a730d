//! `alpr.normalize`, `alpr.normalize_ex`, `alpr.jurisdiction`.

use pyo3::prelude::*;

use crate::errors::IntoPy;

/// Normalizes raw plate text to the canonical plate.
///
/// Args:
///     raw: OCR output, a list field or a person's typing.
///
/// Returns:
///     The plate, 1 to 10 characters of ``A-Z0-9``.
///
/// Raises:
///     InvalidPlateError: with ``.code`` ``empty``, ``invalid_character`` (``.position["character"]``)
///         or ``too_long``.
#[pyfunction]
pub(crate) fn normalize(py: Python<'_>, raw: &str) -> PyResult<String> {
    alpr_core::normalize(raw).map(|n| n.plate.to_string()).py_err(py)
}

/// Normalizes and also tells whether a fullwidth, Cyrillic or Greek character was folded.
///
/// Returns:
///     ``(plate, folded)``.
///
/// Raises:
///     InvalidPlateError: as :func:`normalize`.
#[pyfunction]
pub(crate) fn normalize_ex(py: Python<'_>, raw: &str) -> PyResult<(String, bool)> {
    alpr_core::normalize(raw)
        .map(|n| (n.plate.to_string(), n.folded))
        .py_err(py)
}

/// Normalizes a jurisdiction code (trimmed, upper-cased, looked up).
///
/// Raises:
///     InvalidPlateError: with ``.code`` ``invalid_jurisdiction``.
#[pyfunction]
pub(crate) fn jurisdiction(py: Python<'_>, raw: &str) -> PyResult<String> {
    alpr_core::Jurisdiction::parse(raw)
        .map(|j| j.as_str().to_owned())
        .py_err(py)
}
