//! Loading hot-list files into an `alpr.Registry`, reading entries back, list health.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use alpr_core::hotlist::{Format, ListMeta};
use alpr_core::vocab::{Category, ListKind};
use alpr_core::{Code, Error};

use crate::errors::IntoPy;
use crate::registry::{PyLoadReport, PyRegistry};
use crate::time::Aware;

/// A JSON value as the equivalent Python object (through the `json` module).
fn to_py<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (v.to_string(),))
}

#[pymethods]
impl PyRegistry {
    /// Loads a hot-list file (R-LIST-7) and puts it in force as list ``id`` in place of its
    /// previous version, atomically for concurrent matches (R-LIST-4).
    ///
    /// Args:
    ///     path_or_bytes: the file's contents (``bytes``, ``bytearray``, ``memoryview``), a file
    ///         object (anything with ``.read()``: ``open(p, "rb")``, ``io.BytesIO``, an S3 or
    ///         HTTP stream; or a text one, ``open(p)``, ``io.StringIO``, whose text is read as
    ///         UTF-8) or a path (``str`` or ``os.PathLike``).
    ///     format: ``"csv"``, ``"ca_doj_clew"`` or ``"ncic_extract"``.
    ///     id: the list id (``SVS``, ``NCIC``, ``SPECIAL-OOI``, …).
    ///     kind: ``"standard"``, ``"special"``, ``"hot_plate"`` or ``"covert"``.
    ///     priority: 0 (most urgent) … 100.
    ///     loaded_at: when this version was downloaded (a timezone-aware ``datetime``).
    ///     category: the category of records that name none (``"stolen_vehicle"`` for a CLEW
    ///         SVS file); ``other`` when omitted.
    ///     source: free text such as ``"CA DOJ"``.
    ///     progress: ``True`` for a tqdm bar (when tqdm is installed) or a callable
    ///         ``f(done, total)``, called about every 0.1 s while the file is parsed: ``total``
    ///         the file's lines, ``done`` the records parsed so far (``total`` once the
    ///         version is in force; a header, a footer and blank lines count only then).
    ///     threads: the most threads the load may use; ``None`` (the default) for the
    ///         machine's cores, ``1`` for the calling thread only. A CSV file of at least 2 MiB is
    ///         cut into chunks parsed and validated in parallel; the result is the same whatever
    ///         the count (entries, their order, merges, rejections and positions, failures).
    ///
    /// Returns:
    ///     LoadReport: accepted and merged counts, every rejected record with ``line``,
    ///     ``column`` and ``error``, and ``generated_at`` (the CLEW header time) where known.
    ///
    /// Raises:
    ///     HotListError: a whole-file failure (``InvalidUtf8Error``, ``EmptyFileError``,
    ///         ``NoRecordsError``, ``InvalidHeaderError``, ``MissingColumnError``,
    ///         ``TruncatedFileError``, ``RecordCountMismatchError``, ``TooManyRejectedError``, …);
    ///         ``.position["line"]`` says where. The previous version stays in force.
    ///         ``TooManyRejectedError`` carries ``.rejected`` (every rejection's code and
    ///         line/column/character, never a value) and ``.report`` (the whole ``LoadReport``).
    ///     InvalidArgumentError: an unknown format or kind, or an empty id.
    ///     IoError: the path cannot be read.
    #[pyo3(signature = (path_or_bytes, format, *, id, kind, priority, loaded_at, category=None, source=String::new(), progress=None, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn load_file(
        &self,
        py: Python<'_>,
        path_or_bytes: &Bound<'_, PyAny>,
        format: &str,
        id: String,
        kind: &str,
        priority: i64,
        loaded_at: Aware,
        category: Option<&str>,
        source: String,
        progress: Option<&Bound<'_, PyAny>>,
        threads: Option<i64>,
    ) -> PyResult<PyLoadReport> {
        let format: Format = crate::errors::choice(py, "format", format)?;
        let options = load_options(py, threads)?;
        let kind: ListKind = crate::errors::choice(py, "kind", kind)?;
        let priority: u8 = crate::errors::int_arg(py, "priority", priority, 0, 255)?;
        let category = category
            .filter(|c| !c.is_empty())
            .map(|c| crate::errors::choice::<Category>(py, "category", c))
            .transpose()?;
        if id.trim().is_empty() {
            return Err(Error::new(Code::InvalidArgument).with_detail("empty list id")).py_err(py);
        }
        let bytes = crate::tables::file_bytes(py, "path_or_bytes", path_or_bytes)?;
        let meta = ListMeta {
            id,
            kind,
            priority,
            loaded_at: loaded_at.to_utc(),
            source,
            generated_at: None,
        };
        let reg = Arc::clone(&self.inner);
        let progress = crate::progress::Progress::new(py, progress, line_count(&bytes), "load_file", "lines")?;
        // `Registry::load_file` in its two steps: validated on a worker thread (Ctrl-C is
        // honoured while it runs, and progress reported from the records it has parsed), then
        // put in force here only if not interrupted.
        let bytes = Arc::new(bytes);
        let (file, m, policy) = (Arc::clone(&bytes), meta.clone(), Arc::clone(reg.policy()));
        let parsed = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&parsed);
        let validated = crate::interrupt::watch_counting(py, Some((&progress, &parsed)), move || {
            let options = options.counting(&counter);
            alpr_core::hotlist::load_bytes_with(format, &file, m, category, &policy, options)
        })?;
        match validated {
            Ok((version, inner)) => {
                crate::registry::install(py, &reg, version);
                progress.finish(py)?;
                Ok(PyLoadReport { inner })
            }
            // too_many_rejected carries every rejection (the same validation, limit off).
            Err(e) => Err(crate::errors::load_error(py, &e, || {
                let policy = crate::errors::lenient(reg.policy());
                alpr_core::hotlist::load_bytes_with(format, &bytes, meta, category, &policy, options)
                    .ok()
                    .map(|(_, r)| r)
            })),
        }
    }

    /// The entries of list ``id`` in force, in load order, each as a dict: ``plate`` or
    /// ``pattern``, and where set ``jurisdiction``, ``plate_type``, ``category``,
    /// ``record_id``, ``incident_date`` (``YYYY-MM-DD``), ``expires_at``, ``vehicle``,
    /// ``caution``, ``attributes``. For administration and tests; the dicts hold plates.
    ///
    /// Args:
    ///     id: the list id.
    ///
    /// Returns:
    ///     list[dict]: the entries.
    ///
    /// Raises:
    ///     UnknownListError: no list with that id is in force.
    fn entries<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let v = self
            .inner
            .get(id)
            .ok_or_else(|| Error::new(Code::UnknownList))
            .py_err(py)?;
        v.entries().iter().map(|e| to_py(py, &e.to_json())).collect()
    }

    /// The health of every list in force at ``now`` (R-LIST-5), in id order.
    ///
    /// Args:
    ///     now: the moment (a timezone-aware ``datetime``).
    ///
    /// Returns:
    ///     list[dict]: per list ``id``, ``kind``, ``priority``, ``entries``, ``loaded_at``,
    ///     ``generated_at`` (or ``None``), ``age_seconds``, ``max_age_hours`` (or ``None``) and
    ///     ``stale``; times are ``datetime`` objects in UTC.
    fn health<'py>(&self, py: Python<'py>, now: Aware) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .health(now.to_utc())
            .into_iter()
            .map(|h| health_dict(py, h))
            .collect()
    }
}

#[pymethods]
impl PyLoadReport {
    /// When the source generated the file (the CLEW header time, in UTC), or ``None``.
    #[getter]
    fn generated_at(&self) -> Option<DateTime<Utc>> {
        self.inner.generated_at
    }
}

/// Findings as dicts: ``code``, ``field``, ``detail``.
fn findings(py: Python<'_>, f: Vec<alpr_core::policy::Finding>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    f.into_iter()
        .map(|f| {
            let d = PyDict::new(py);
            d.set_item("code", f.code.as_str())?;
            d.set_item("field", f.field)?;
            d.set_item("detail", f.detail)?;
            Ok(d)
        })
        .collect()
}

#[pymethods]
impl crate::policy::PyPolicy {
    /// The settings of this profile that contradict General Order 525.08 or California law
    /// (a max age above the order's, hot plates longer than 30 days, the California overlay off
    /// for a California agency, …).
    ///
    /// Returns:
    ///     list[dict]: each finding's ``code``, ``field`` and ``detail``; empty when none.
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        findings(py, self.inner.check())
    }
}

#[pymethods]
impl PyRegistry {
    /// ``Policy.check()`` of the registry's policy plus a ``forbidden_category_loaded`` finding
    /// for each list in force holding entries of a forbidden category.
    ///
    /// Returns:
    ///     list[dict]: each finding's ``code``, ``field`` and ``detail``.
    fn check_policy<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        findings(py, self.inner.check_policy())
    }
}

/// One list's health (R-LIST-5) as the dict `Registry.health` and `Agency.health` return.
pub(crate) fn health_dict(py: Python<'_>, h: alpr_core::hotlist::ListHealth) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", h.id)?;
    d.set_item("kind", h.kind.as_str())?;
    d.set_item("priority", h.priority)?;
    d.set_item("entries", h.entries)?;
    d.set_item("loaded_at", h.loaded_at)?;
    d.set_item("generated_at", h.generated_at)?;
    d.set_item("age_seconds", h.age_seconds)?;
    d.set_item("max_age_hours", h.max_age_hours)?;
    d.set_item("stale", h.stale)?;
    Ok(d)
}

/// The lines of a file, as a load's progress counts them (`progress=`): its line ends, and one
/// more for a last line without one. (The compiler vectorizes the count; no extra crate needed.)
#[allow(clippy::naive_bytecount)]
pub(crate) fn line_count(bytes: &[u8]) -> usize {
    let ends = bytes.iter().filter(|&&b| b == b'\n').count();
    ends + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

/// The load options of a Python call: `threads=None` is the machine's cores (an analyst's
/// load uses the machine, as polars does); `0` is refused.
pub(crate) fn load_options(py: Python<'_>, threads: Option<i64>) -> PyResult<alpr_core::hotlist::LoadOptions<'static>> {
    let threads = threads
        .map(|t| crate::errors::int_arg::<usize>(py, "threads", t, 1, i64::MAX))
        .transpose()?;
    let threads = match threads {
        Some(0) => {
            return Err(Error::new(Code::InvalidArgument)
                .with_detail("threads: expected an integer from 1 to 9223372036854775807"))
            .py_err(py);
        }
        Some(t) => t,
        None => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
    };
    Ok(alpr_core::hotlist::LoadOptions::with_threads(threads))
}
