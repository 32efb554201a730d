//! The `alpr` Python package's extension module `alpr._alpr`: thin classes and functions over
//! `alpr-core`, with one exception class per family of the core's codes.

use pyo3::prelude::*;

mod errors;
mod matching;
mod plate;
mod policy;
mod registry;

/// The extension module.
#[pymodule(gil_used = false)]
mod _alpr {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::plate::{jurisdiction, normalize, normalize_ex};

    #[pymodule_export]
    use crate::errors::{codes, conformance_check};

    #[pymodule_export]
    use crate::policy::PyPolicy;

    #[pymodule_export]
    use crate::registry::{PyLoadReport, PyRegistry};

    #[pymodule_export]
    use crate::matching::PyHit;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", alpr_core::VERSION)?;
        crate::errors::register(m)
    }
}
