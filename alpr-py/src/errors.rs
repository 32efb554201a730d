//! Exceptions: one family class per block of core codes under `alpr.AlprError`, and one leaf class
//! per code (`InvalidCharacterError`, `ConfirmationRequiredError`, …) generated from the core's
//! [`Code::ALL`] table at import, so a new code can never be missing in Python. Every instance
//! carries `.code` (the snake_case name) and `.position` (a dict of line/column/character/index).
//!
//! Every leaf class also subclasses the Python built-in that fits its code, so `except
//! ValueError` and friends work (see [`builtin_of`]): access denials (400…411) are
//! `PermissionError`; an audit write failure (420) and `io` (902) are `OSError`; `unknown_list`
//! (217) is `KeyError`; every other code is a bad value (a plate, a file's content, an event in
//! the wrong status, an argument outside its domain) and is `ValueError`. Wrong Python *types*
//! are plain `TypeError`s raised by the bindings, not alpr codes.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use alpr_core::Code;

create_exception!(
    alpr,
    AlprError,
    PyException,
    "Base class of every alpr error; `.code` is the stable snake_case code."
);
create_exception!(
    alpr,
    InvalidPlateError,
    AlprError,
    "A plate, jurisdiction or plate type that does not normalize (100s)."
);
create_exception!(
    alpr,
    HotListError,
    AlprError,
    "A hot list, pattern or file that cannot be loaded (200s)."
);
create_exception!(
    alpr,
    HitWorkflowError,
    AlprError,
    "A refused hit event or an invalid hot plate (300s)."
);
create_exception!(
    alpr,
    AccessError,
    AlprError,
    "A denial by access control, sharing or the audit log (400s)."
);
create_exception!(
    alpr,
    RecordsError,
    AlprError,
    "A public-records or operations rule violated (500s)."
);
create_exception!(
    alpr,
    PolicyError,
    AlprError,
    "An invalid argument, policy profile or file (900s)."
);

/// The family class of a code: by its number block, as the C header documents them.
fn family_of(py: Python<'_>, code: Code) -> Bound<'_, PyType> {
    match code.number() {
        100..=199 => py.get_type::<InvalidPlateError>(),
        200..=299 => py.get_type::<HotListError>(),
        300..=399 => py.get_type::<HitWorkflowError>(),
        400..=499 => py.get_type::<AccessError>(),
        500..=599 => py.get_type::<RecordsError>(),
        _ => py.get_type::<PolicyError>(),
    }
}

/// The built-in exception a code's class also derives from (documented in the module doc).
fn builtin_of(py: Python<'_>, code: Code) -> Bound<'_, PyType> {
    use pyo3::exceptions::{PyKeyError, PyOSError, PyPermissionError, PyValueError};
    match code {
        Code::UnknownList => py.get_type::<PyKeyError>(),
        Code::AuditWriteFailed | Code::Io => py.get_type::<PyOSError>(),
        c if (400..=411).contains(&c.number()) => py.get_type::<PyPermissionError>(),
        _ => py.get_type::<PyValueError>(),
    }
}

/// `invalid_character` → `InvalidCharacterError`.
pub(crate) fn class_name(code: Code) -> String {
    let mut out = String::new();
    for part in code.as_str().split('_') {
        let mut cs = part.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    out.push_str("Error");
    out
}

/// The leaf classes, in the order of [`Code::ALL`].
static LEAVES: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();

fn leaves(py: Python<'_>) -> PyResult<&Vec<Py<PyType>>> {
    LEAVES.get_or_try_init(py, || {
        Code::ALL
            .iter()
            .map(|&c| {
                let doc = format!("`{}` ({}): {}.", c.as_str(), c.number(), c.description());
                let namespace = PyDict::new(py);
                namespace.set_item("__doc__", doc)?;
                namespace.set_item("__module__", "alpr")?;
                let bases = PyTuple::new(py, [family_of(py, c), builtin_of(py, c)])?;
                let cls = py.get_type::<PyType>().call1((class_name(c), bases, namespace))?;
                Ok(cls.cast_into::<PyType>()?.unbind())
            })
            .collect()
    })
}

/// The leaf exception class of a code.
fn class_of(py: Python<'_>, code: Code) -> PyResult<Bound<'_, PyType>> {
    let i = Code::ALL.iter().position(|&c| c == code).unwrap_or(0);
    Ok(leaves(py)?[i].bind(py).clone())
}

/// Converts a core error into the Python exception of its code, with `.code` and `.position`.
pub(crate) fn to_py(py: Python<'_>, e: &alpr_core::Error) -> PyErr {
    let cls = match class_of(py, e.code()) {
        Ok(c) => c,
        Err(err) => return err,
    };
    let err = PyErr::from_type(cls, e.to_string());
    let value = err.value(py);
    let pos = PyDict::new(py);
    let p = e.position();
    for (k, v) in [
        ("line", p.line),
        ("column", p.column),
        ("character", p.character),
        ("index", p.index),
    ] {
        if let Some(Err(x)) = v.map(|v| pos.set_item(k, v)) {
            return x;
        }
    }
    if let Err(x) = value
        .setattr("code", e.code().as_str())
        .and_then(|()| value.setattr("position", pos))
    {
        return x;
    }
    err
}

/// Each rejection of a load as a dict: ``error`` (the code) and its position (``index`` for
/// entries given as values; ``line``/``column`` for files; ``character`` within the field).
/// Never the record's value.
pub(crate) fn rejection_dicts<'py>(
    py: Python<'py>,
    rejected: &[alpr_core::hotlist::Rejection],
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    rejected
        .iter()
        .map(|r| {
            let d = PyDict::new(py);
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

/// The policy of a load with the rejected-fraction limit off: the same validation, to collect
/// every rejection of a load that failed with `too_many_rejected`.
pub(crate) fn lenient(policy: &alpr_core::Policy) -> alpr_core::Policy {
    alpr_core::Policy {
        max_rejected_fraction: 1.0,
        ..policy.clone()
    }
}

/// The Python exception of a failed load. For `too_many_rejected` it carries every per-row
/// rejection: ``.rejected`` (dicts of ``error`` and ``line``/``column``/``character`` or
/// ``index``, never a value) and ``.report`` (the ``LoadReport`` the load would have had);
/// `rerun` gives that report (the same validation with the limit off, run without the GIL).
pub(crate) fn load_error(
    py: Python<'_>,
    e: &alpr_core::Error,
    rerun: impl FnOnce() -> Option<alpr_core::hotlist::LoadReport> + Send,
) -> PyErr {
    let err = to_py(py, e);
    if e.code() != Code::TooManyRejected {
        return err;
    }
    if let Some(report) = py.detach(rerun) {
        let value = err.value(py);
        let attached = rejection_dicts(py, &report.rejected).and_then(|rejected| {
            value.setattr("rejected", rejected)?;
            value.setattr("report", crate::registry::PyLoadReport { inner: report })
        });
        if let Err(x) = attached {
            return x;
        }
    }
    err
}

/// Extension trait: `core_result.py_err(py)?`.
pub(crate) trait IntoPy<T> {
    /// Maps a core error to its Python exception.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for alpr_core::Result<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, &e))
    }
}

/// A closed set of names from the core's `vocab!` tables, for argument messages.
pub(crate) trait Choice: Sized + Copy + 'static {
    /// Every value.
    fn all() -> &'static [Self];
    /// The stable name.
    fn name(self) -> &'static str;
    /// The core's parser.
    fn parse_name(s: &str) -> alpr_core::Result<Self>;
}

macro_rules! choices {
    ($($t:ty),* $(,)?) => {
        $(impl Choice for $t {
            fn all() -> &'static [Self] {
                <$t>::ALL
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn parse_name(s: &str) -> alpr_core::Result<Self> {
                <$t>::parse(s)
            }
        })*
    };
}

choices!(
    alpr_core::hotlist::Format,
    alpr_core::vocab::ListKind,
    alpr_core::vocab::Category,
    alpr_core::vocab::Origin,
    alpr_core::workflow::Disposition,
    alpr_core::workflow::Outcome,
    alpr_core::audit::Outcome,
    alpr_core::retention::HoldKind,
);

/// Parses argument `arg` as one of the names of `T`; the error (the core's code) names the
/// argument and every accepted value, never the value given.
pub(crate) fn choice<T: Choice>(py: Python<'_>, arg: &str, value: &str) -> PyResult<T> {
    T::parse_name(value).map_err(|e| {
        let accepted: Vec<String> = T::all().iter().map(|v| format!("{arg}=\"{}\"", v.name())).collect();
        to_py(
            py,
            &e.with_detail(format!("{arg}: expected one of {}", accepted.join(", "))),
        )
    })
}

/// Integer argument `arg` as a `T`, or an `InvalidArgumentError` naming it and the accepted
/// range `lo..=hi` (those of `T`): a negative or too large number, which pyo3 would refuse with
/// a bare `OverflowError` naming neither.
pub(crate) fn int_arg<T: TryFrom<i64>>(py: Python<'_>, arg: &str, value: i64, lo: i64, hi: i64) -> PyResult<T> {
    T::try_from(value).map_err(|_| {
        to_py(
            py,
            &alpr_core::Error::new(Code::InvalidArgument)
                .with_detail(format!("{arg}: expected an integer from {lo} to {hi}")),
        )
    })
}

/// Every code as `(number, name, exception class)`, for tests that check the three tables agree.
#[pyfunction]
pub(crate) fn codes(py: Python<'_>) -> PyResult<Vec<(u32, &'static str, Bound<'_, PyType>)>> {
    Code::ALL
        .iter()
        .map(|&c| Ok((c.number(), c.as_str(), class_of(py, c)?)))
        .collect()
}

/// Compares an answer with a conformance case (both JSON text) with the shared comparator;
/// returns `None` when they agree, else the failure description. For `python -m alpr.conformance`.
#[pyfunction]
pub(crate) fn conformance_check(suite: &str, case_json: &str, answer_json: &str) -> PyResult<Option<String>> {
    let bad = |e: serde_json::Error| pyo3::exceptions::PyValueError::new_err(e.to_string());
    let case: serde_json::Value = serde_json::from_str(case_json).map_err(bad)?;
    let answer: serde_json::Value = serde_json::from_str(answer_json).map_err(bad)?;
    Ok(alpr_conformance::check(suite, &case, &answer).err())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("AlprError", py.get_type::<AlprError>())?;
    m.add("InvalidPlateError", py.get_type::<InvalidPlateError>())?;
    m.add("HotListError", py.get_type::<HotListError>())?;
    m.add("HitWorkflowError", py.get_type::<HitWorkflowError>())?;
    m.add("AccessError", py.get_type::<AccessError>())?;
    m.add("RecordsError", py.get_type::<RecordsError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    for (&c, cls) in Code::ALL.iter().zip(leaves(py)?) {
        m.add(class_name(c).as_str(), cls.bind(py))?;
    }
    Ok(())
}
