//! `progress=` on long calls (loads, batch matches, store builds, retro-hits): ``True`` for a
//! tqdm bar when tqdm is installed (nothing when it is not), or a callable ``f(done, total)``
//! called between chunks of the work, with the GIL held.

use std::cell::Cell;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict};

enum Kind {
    Off,
    Call(Py<PyAny>),
    Bar(Py<PyAny>),
}

/// The progress reporter of one call.
pub(crate) struct Progress {
    kind: Kind,
    total: usize,
    done: Cell<usize>,
}

impl Progress {
    /// The reporter the argument asks for: ``None`` / ``False`` none, ``True`` a tqdm bar
    /// (``desc`` and ``unit`` label it; none when tqdm is not installed), a callable
    /// ``f(done, total)``; anything else is a `TypeError`.
    pub(crate) fn new(
        py: Python<'_>,
        arg: Option<&Bound<'_, PyAny>>,
        total: usize,
        desc: &str,
        unit: &str,
    ) -> PyResult<Progress> {
        let kind = match arg {
            None => Kind::Off,
            Some(a) if a.is_none() => Kind::Off,
            Some(a) if a.is_instance_of::<PyBool>() => {
                if a.is_truthy()? {
                    match py.import("tqdm.auto") {
                        Ok(m) => {
                            let kw = PyDict::new(py);
                            kw.set_item("total", total)?;
                            kw.set_item("desc", desc)?;
                            kw.set_item("unit", unit)?;
                            kw.set_item("unit_scale", true)?;
                            Kind::Bar(m.getattr("tqdm")?.call((), Some(&kw))?.unbind())
                        }
                        // tqdm is optional: without it there is no bar.
                        Err(_) => Kind::Off,
                    }
                } else {
                    Kind::Off
                }
            }
            Some(a) if a.is_callable() => Kind::Call(a.clone().unbind()),
            Some(a) => {
                let ty = a.get_type().name().map(|n| n.to_string()).unwrap_or_default();
                return Err(PyTypeError::new_err(format!(
                    "progress: expected True, False, None or a callable f(done, total), got {ty}"
                )));
            }
        };
        Ok(Progress {
            kind,
            total,
            done: Cell::new(0),
        })
    }

    /// Whether anything is reported.
    pub(crate) fn is_on(&self) -> bool {
        !matches!(self.kind, Kind::Off)
    }

    /// Reports `done` units of the total (with the GIL).
    pub(crate) fn update(&self, py: Python<'_>, done: usize) -> PyResult<()> {
        let before = self.done.replace(done);
        match &self.kind {
            Kind::Off => Ok(()),
            Kind::Call(f) => f.call1(py, (done, self.total)).map(drop),
            Kind::Bar(bar) => bar.call_method1(py, "update", (done.saturating_sub(before),)).map(drop),
        }
    }

    /// Reports the end (a bar is closed).
    pub(crate) fn finish(&self, py: Python<'_>) -> PyResult<()> {
        if self.done.get() < self.total {
            self.update(py, self.total)?;
        }
        if let Kind::Bar(bar) = &self.kind {
            bar.call_method0(py, "close")?;
        }
        Ok(())
    }
}
