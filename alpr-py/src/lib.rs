//! The `alpr` Python package's extension module `alpr._alpr`: thin classes and functions over
//! `alpr-core`, with one exception class per family of the core's codes.

// The doc comments of the Python-facing items are the Python docstrings (Google style, where
// `list[dict]` is a type, not a link): rustdoc must not read their brackets as intra-doc links.
#![allow(rustdoc::broken_intra_doc_links)]

use pyo3::prelude::*;

mod agency;
mod arrow;
mod batch;
mod display;
mod errors;
mod governance;
mod hotlist;
mod interrupt;
mod matching;
mod pickle;
mod plate;
mod policy;
mod progress;
mod registry;
mod search;
mod spark;
mod tables;
mod time;
mod workflow;

/// The extension module.
#[pymodule(gil_used = false)]
mod _alpr {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::plate::{jurisdiction, normalize, normalize_ex};

    #[pymodule_export]
    use crate::errors::{codes, conformance_check};

    #[pymodule_export]
    use crate::display::{get_display, mask_plate, set_display};

    #[pymodule_export]
    use crate::policy::PyPolicy;

    #[pymodule_export]
    use crate::registry::{PyLoadReport, PyRegistry};

    #[pymodule_export]
    use crate::workflow::{
        PyHit, damaged_equipment, inspection, public_records_request, shift_start, validate_hot_plate,
    };

    #[pymodule_export]
    use crate::governance::{
        PyAuditLog, PyAuditReport, PyPurgePlan, access_review_json, decide_access_json, decide_sharing_json, purge_plan,
    };

    #[pymodule_export]
    use crate::search::PyDetectionStore;

    #[pymodule_export]
    use crate::agency::{PyAgency, PyHitCase};

    #[pymodule_export]
    use crate::matching::PyMatchHit;

    #[pymodule_export]
    use crate::spark::{PyExternalGrant, PyShippedLists};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", alpr_core::VERSION)?;
        crate::errors::register(m)
    }
}
