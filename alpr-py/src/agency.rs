//! `alpr.Agency` and `alpr.HitCase`: the agency context of `alpr_core::agency` for Python.
//!
//! Every guarded operation names its user by id (looked up in the agency's roster), takes its
//! time from the agency's clock, its holds from the agency's register and its policy from the
//! agency, and writes its audit record before it reads or changes anything. Reads of stored
//! detections (search, canvass, retro-hits) exist only here: the record is written under the
//! agency's lock, then the lock is released and the read runs without the GIL.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, NaiveTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use alpr_core::access::{AccessRequest, User};
use alpr_core::agency::{Agency, Clock, ListLoad, PodEvidence, RosterChange, TimedEvent};
use alpr_core::audit::{AuditEntry, AuditStore, FileStore, Head, ReportOptions, ShiftHours};
use alpr_core::hotlist::Format;
use alpr_core::hotplate::{Distribution, HotPlateForm};
use alpr_core::matching::{Location, Read};
use alpr_core::retention::{HoldKind, PlanRecord, RetentionRules};
use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::workflow::{ClearsResponse, Disposition, Event, Outcome};
use alpr_core::{Code, Error, Jurisdiction, PlateType, Policy};

use crate::batch::{Row, hits_batch, rows_as_dicts};
use crate::errors::{IntoPy, to_py};
use crate::governance::{Log, PyAuditLog, PyAuditReport, PyPurgePlan};
use crate::matching::PyMatchHit;
use crate::policy::{PyPolicy, policy_or_builtin};
use crate::registry::PyLoadReport;
use crate::search::PyDetectionStore;
use crate::time::Aware;

type Store = Box<dyn AuditStore + Send>;
type Inner = Agency<Store>;

/// An `alpr.AuditLog` as the agency's store: the agency appends through the shared log, so the
/// Python object keeps verifying and reporting on the same chain. The log is bound to the
/// agency (its own writers refuse), and an append that would not continue the agency's chain
/// fails (`audit_write_failed`).
struct SharedLog(Arc<Log>);

impl AuditStore for SharedLog {
    fn append(&mut self, entry: &AuditEntry) -> alpr_core::Result<()> {
        let mut log = crate::governance::lock(&self.0);
        if log.head().sequence + 1 != entry.sequence {
            return Err(Error::new(Code::AuditWriteFailed).with_detail("the log was appended to outside the agency"));
        }
        let head = log.append(entry.record.clone())?;
        if head.hash != entry.hash {
            return Err(Error::new(Code::AuditWriteFailed).with_detail("the log's chain differs from the agency's"));
        }
        Ok(())
    }

    fn scan(&self, visit: &mut dyn FnMut(&AuditEntry) -> alpr_core::Result<()>) -> alpr_core::Result<()> {
        crate::governance::lock(&self.0).scan(visit)
    }
}

pub(crate) fn lock(a: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    a.lock().unwrap_or_else(PoisonError::into_inner)
}

fn utc(t: Aware) -> DateTime<Utc> {
    t.to_utc()
}

fn invalid(detail: &str) -> Error {
    Error::new(Code::InvalidArgument).with_detail(detail.to_owned())
}

/// A serializable core value as the Python object of its JSON.
fn to_python<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    py.import("json")?.call_method1("loads", (text,))
}

/// A mapping or list (serialized as the package serializes them: dates as ISO text) or JSON text.
fn json_text(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = value.extract::<String>() {
        return Ok(s);
    }
    let v = if value.is_instance_of::<PyDict>() || value.is_instance_of::<PyList>() {
        value.clone()
    } else {
        py.import("builtins")?.getattr("list")?.call1((value,))?
    };
    py.import("alpr")?.getattr("_dumps")?.call1((v,))?.extract()
}

fn head_tuple(h: Head) -> (u64, String) {
    (h.sequence, h.hash_hex())
}

/// The optional parts of a read, parsed.
struct ReadArgs {
    plate: String,
    jurisdiction: Option<Jurisdiction>,
    plate_type: Option<PlateType>,
    observed_at: DateTime<Utc>,
    origin: Origin,
    device_id: Option<String>,
    location: Option<Location>,
}

impl ReadArgs {
    #[allow(clippy::too_many_arguments)]
    fn parse(
        py: Python<'_>,
        plate: &str,
        jurisdiction: Option<&str>,
        plate_type: Option<&str>,
        observed_at: Aware,
        origin: &str,
        device_id: Option<&str>,
        location: Option<(f64, f64)>,
    ) -> PyResult<ReadArgs> {
        Ok(ReadArgs {
            plate: plate.to_owned(),
            jurisdiction: jurisdiction.map(Jurisdiction::parse).transpose().py_err(py)?,
            plate_type: plate_type.map(PlateType::parse).transpose().py_err(py)?,
            observed_at: alpr_core::time::check_input_instant(utc(observed_at))
                .map_err(|e| e.with_detail("observed_at outside the years 0001 to 9999 (UTC)"))
                .py_err(py)?,
            origin: crate::errors::choice(py, "origin", origin)?,
            device_id: device_id.map(str::to_owned),
            location: location.map(|(lat, lon)| Location { lat, lon }),
        })
    }

    fn read(&self) -> Read<'_> {
        Read {
            jurisdiction: self.jurisdiction,
            plate_type: self.plate_type,
            origin: self.origin,
            device_id: self.device_id.as_deref(),
            location: self.location,
            ..Read::new(&self.plate, self.observed_at)
        }
    }
}

/// The agency context (G.O. 525.08 as an executable, provable record): the policy profile with
/// a SHA-256 of its settings, the audit log, the legal-hold register, the user roster, the hot
/// lists in force and a clock. Every guarded operation takes a user *id* (looked up in the
/// roster: a caller cannot hand in roles or a training date), the time from the agency's clock,
/// the holds from its register and its policy, decides, and writes the audit record *before*
/// anything is read or changed (R-AUDIT-1, R-AUDIT-3). A denial is recorded and raises
/// ``AccessDeniedError`` (its message lists every failed check); a record that cannot be
/// written fails the operation (``AuditWriteFailedError``); a clock behind the log's last
/// record refuses to write (``TimeRegressionError``).
///
/// Open one with :meth:`Agency.open` (the system clock). :meth:`Agency.for_tests_and_replays`
/// takes a settable clock, for tests and for replaying a recorded day only.
///
/// Safe to share between threads: operations are serialized by a lock; searches and retro-hits
/// release it (and the GIL) once their record is written.
#[pyclass(frozen, module = "alpr._alpr", name = "Agency")]
pub(crate) struct PyAgency {
    pub(crate) inner: Arc<Mutex<Inner>>,
    pub(crate) policy: Arc<Policy>,
}

impl PyAgency {
    fn build(
        py: Python<'_>,
        name: &str,
        audit: &Bound<'_, PyAny>,
        roster: &Bound<'_, PyAny>,
        policy: Option<&PyPolicy>,
        clock: Option<Clock>,
    ) -> PyResult<PyAgency> {
        let policy = policy_or_builtin(policy);
        let users = User::list_from_json(&json_text(py, roster)?).py_err(py)?;
        let bound = audit.cast::<PyAuditLog>().ok().map(|b| b.get().log());
        let store: Store = if let Some(log) = &bound {
            if !PyAuditLog::bind(log) {
                return Err(to_py(py, &invalid("this audit log already belongs to an agency")));
            }
            Box::new(SharedLog(Arc::clone(log)))
        } else {
            let path: std::path::PathBuf = audit.extract()?;
            Box::new(py.detach(move || FileStore::open(path)).py_err(py)?)
        };
        let name = name.to_owned();
        let p = Arc::clone(&policy);
        let opened = py.detach(move || match clock {
            None => Agency::open(&name, p, store, users),
            Some(c) => Agency::for_tests_and_replays(&name, p, store, users, c),
        });
        match opened {
            Ok(agency) => Ok(PyAgency {
                inner: Arc::new(Mutex::new(agency)),
                policy,
            }),
            Err(e) => {
                if let Some(log) = &bound {
                    PyAuditLog::unbind(log);
                }
                Err(to_py(py, &e))
            }
        }
    }

    /// Reads from the agency without the GIL: the agency's lock is never awaited while this
    /// thread holds the GIL (a thread inside an agency call may need the GIL for a callback,
    /// e.g. the audit log's `export_heads`, and the two would wait for each other).
    fn peek<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut Inner) -> T + Send) -> T {
        let inner = Arc::clone(&self.inner);
        py.detach(move || f(&mut lock(&inner)))
    }

    /// Runs `f` on the agency without the GIL.
    fn with<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut Inner) -> alpr_core::Result<T> + Send) -> PyResult<T> {
        let inner = Arc::clone(&self.inner);
        py.detach(move || f(&mut lock(&inner))).py_err(py)
    }
}

pub(crate) fn request_of(py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<AccessRequest> {
    AccessRequest::from_json(&json_text(py, request)?).py_err(py)
}

#[pymethods]
impl PyAgency {
    /// Opens the agency ``name`` (e.g. ``"SPD"``) with the system clock.
    ///
    /// Args:
    ///     name: the agency's name, written in its records.
    ///     audit: the audit log: a path (an append-only file, created if missing and verified)
    ///         or an ``AuditLog``, which then belongs to the agency (its own writers refuse).
    ///         Legal holds, other-use approvals and officers' hot plates recorded in it are
    ///         taken back.
    ///     roster: the users, as a list of ``{"id", "agency", "roles", "account",
    ///         "trained_on", "clearance", "devices"}`` mappings or its JSON text (``devices``,
    ///         optional: the ids of the user's ALPR devices, the only rows a
    ///         ``query_own_detections`` returns); its load is recorded.
    ///     policy: the profile; the built-in ``sacramento-525.08`` when omitted.
    ///
    /// Raises:
    ///     AuditChainBrokenError, AuditTornRecordError: the log does not verify.
    ///     InvalidArgumentError: a roster user without an id, trained in the future or listed
    ///         twice (``position["index"]``); a malformed roster; a log already bound.
    ///     TimeRegressionError: the clock is behind the log's last record.
    ///     IoError: the file cannot be opened.
    #[staticmethod]
    #[pyo3(signature = (name, *, audit, roster, policy=None))]
    fn open(
        py: Python<'_>,
        name: &str,
        audit: &Bound<'_, PyAny>,
        roster: &Bound<'_, PyAny>,
        policy: Option<&PyPolicy>,
    ) -> PyResult<PyAgency> {
        PyAgency::build(py, name, audit, roster, policy, None)
    }

    /// As :meth:`open` with a settable clock standing at ``now``: for tests and for replaying a
    /// recorded day, never for a deployment (every record's time comes from it).
    ///
    /// Raises:
    ///     As :meth:`open`.
    #[staticmethod]
    #[pyo3(signature = (name, *, audit, roster, now, policy=None))]
    fn for_tests_and_replays(
        py: Python<'_>,
        name: &str,
        audit: &Bound<'_, PyAny>,
        roster: &Bound<'_, PyAny>,
        now: Aware,
        policy: Option<&PyPolicy>,
    ) -> PyResult<PyAgency> {
        PyAgency::build(
            py,
            name,
            audit,
            roster,
            policy,
            Some(Clock::fixed_for_tests_and_replays(utc(now))),
        )
    }

    /// Sets the clock of an agency opened with :meth:`for_tests_and_replays`. It may go back;
    /// the agency then refuses to write a record dated before its last one.
    ///
    /// Raises:
    ///     InvalidArgumentError: the agency runs on the system clock.
    fn set_clock_for_tests_and_replays(&self, py: Python<'_>, now: Aware) -> PyResult<()> {
        self.with(py, move |a| a.clock().set_for_tests_and_replays(utc(now)))
    }

    /// The agency's name.
    #[getter]
    fn name(&self, py: Python<'_>) -> String {
        self.peek(py, |a| a.name().to_owned())
    }

    /// The policy profile.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: Arc::clone(&self.policy),
        }
    }

    /// Lower-case hex SHA-256 of the policy's settings (written in every record).
    #[getter]
    fn policy_sha256(&self, py: Python<'_>) -> String {
        self.peek(py, |a| a.policy_hash().to_owned())
    }

    /// The clock's time.
    #[getter]
    fn now(&self, py: Python<'_>) -> DateTime<Utc> {
        self.peek(py, |a| a.clock().now())
    }

    /// Whether the agency runs on the system clock.
    #[getter]
    fn system_clock(&self, py: Python<'_>) -> bool {
        self.peek(py, |a| a.clock().is_system())
    }

    /// The head of the audit log ``(sequence, hash_hex)``.
    #[getter]
    fn head(&self, py: Python<'_>) -> (u64, String) {
        head_tuple(self.peek(py, |a| a.head()))
    }

    /// Verifies the audit log's chain (and against an exported head if given); returns the head.
    ///
    /// Raises:
    ///     AuditChainBrokenError, AuditTruncatedError: as ``AuditLog.verify``.
    #[pyo3(signature = (expected=None))]
    fn verify(&self, py: Python<'_>, expected: Option<(u64, String)>) -> PyResult<(u64, String)> {
        let expected = expected.map(|(s, h)| Head::from_hex(s, &h)).transpose().py_err(py)?;
        // On a worker thread, Ctrl-C honoured meanwhile (a long log's verification).
        let inner = Arc::clone(&self.inner);
        crate::interrupt::watch(py, move || lock(&inner).log().verify(expected.as_ref()))?
            .py_err(py)
            .map(head_tuple)
    }

    /// The roster's users as dicts, by id.
    fn roster<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let users: Vec<User> = self.peek(py, |a| a.roster().users().cloned().collect());
        to_python(py, &users)
    }

    /// The legal holds of the register (active and released) as dicts.
    fn holds<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let holds = self.peek(py, |a| a.holds().all().to_vec());
        to_python(py, &holds)
    }

    /// The ids of the lists in force, sorted (officers' hot plates are list ``HOT-PLATES``).
    fn list_ids(&self, py: Python<'_>) -> Vec<String> {
        self.peek(py, |a| a.registry().snapshot().keys().cloned().collect())
    }

    /// The health of every list in force at the clock's time (R-LIST-5), in id order: the dicts
    /// of ``Registry.health``.
    fn health<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let health = self.peek(py, |a| a.registry().health(a.clock().now()));
        health.into_iter().map(|h| crate::hotlist::health_dict(py, h)).collect()
    }

    /// The other-use approvals on record (G.O. §C.1.c), by reference, as dicts.
    fn approvals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let approvals = self.peek(py, |a| a.approvals().clone());
        to_python(py, &approvals)
    }

    /// An access decision (R-ACCESS) for an operation the library does not carry out itself
    /// (viewing POD video, …), recorded before it is returned.
    ///
    /// Args:
    ///     user: the user's id.
    ///     request: ``{"action", "purpose", "case_number", "approval": {"reference"}}`` (a
    ///         mapping or JSON text). An ``other_approved`` purpose must reference an approval
    ///         recorded with :meth:`approve_other_use`.
    ///
    /// Returns:
    ///     ``{"decision": "allow", "reasons": []}``.
    ///
    /// Raises:
    ///     AccessDeniedError: denied (recorded); the message lists every reason.
    fn authorize<'py>(&self, py: Python<'py>, user: &str, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let request = request_of(py, request)?;
        let user = user.to_owned();
        let d = self.with(py, move |a| a.authorize(&user, &request))?;
        to_python(
            py,
            &serde_json::json!({"decision": d.outcome().as_str(), "reasons": d.reasons}),
        )
    }

    /// Changes the roster (an administrator's ``manage_users``), recorded.
    ///
    /// Args:
    ///     admin: the administrator's id.
    ///     change: ``{"change": "put", "user": {...}}`` or ``{"change": "remove", "id": ...}``.
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    ///     InvalidArgumentError: a malformed change, a user trained in the future, an unknown id.
    fn manage_users(&self, py: Python<'_>, admin: &str, change: &Bound<'_, PyAny>) -> PyResult<()> {
        let change: RosterChange = alpr_core::json::from_json_text(&json_text(py, change)?).py_err(py)?;
        let admin = admin.to_owned();
        self.with(py, move |a| a.manage_users(&admin, change))
    }

    /// A search or canvass of stored detections (R-SEARCH-1): decided for ``user`` and recorded
    /// (query terms, the window, the retention rule and the active legal holds) before any row
    /// is read. Returns the table of ``DetectionStore`` rows (or the ids).
    ///
    /// Args:
    ///     store: the ``DetectionStore``.
    ///     pattern: a plate (exact) or a pattern (``?`` one character, ``*`` zero or more).
    ///     user: the user's id.
    ///     request: ``{"action": "query_detections" | "query_own_detections", "purpose",
    ///         "case_number", "approval"}``. A ``query_own_detections`` returns only the rows
    ///         read by the user's own devices (the roster's ``devices``; none for a user
    ///         without devices), and its record lists them.
    ///     start: earliest ``observed_at``, inclusive, or ``None``.
    ///     end: end of the window, exclusive; the clock's time when ``None``.
    ///     near: ``(lat, lon, radius_m)``: a canvass around a point.
    ///     ids_only: return the ids (``list[int]``, ascending) instead of a table.
    ///
    /// Returns:
    ///     pyarrow.Table | list[int]: columns ``id`` (uint64), ``plate``, ``observed_at``
    ///     (timestamp[ms, UTC]), ``lat``, ``lon``, ``jurisdiction``, ``device_id``. Detections
    ///     due for purge at the clock's time are never returned unless under an active hold.
    ///
    /// Raises:
    ///     AccessDeniedError: denied (recorded); nothing read.
    ///     AuditWriteFailedError: the record could not be written; nothing read.
    ///     InvalidArgumentError: an action that is not a detection query; a bad window or point.
    ///     PatternTooBroadError, InvalidPatternError, InvalidPlateError: for the pattern.
    #[pyo3(signature = (store, pattern, *, user, request, start=None, end=None, near=None, ids_only=false))]
    #[allow(clippy::too_many_arguments)]
    fn search<'py>(
        &self,
        py: Python<'py>,
        store: &PyDetectionStore,
        pattern: &str,
        user: &str,
        request: &Bound<'py, PyAny>,
        start: Option<Aware>,
        end: Option<Aware>,
        near: Option<(f64, f64, f64)>,
        ids_only: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = request_of(py, request)?;
        let query = crate::search::query_of(py, pattern, start, end, near, &self.policy)?;
        let (inner, data, user) = (Arc::clone(&self.inner), Arc::clone(&store.inner), user.to_owned());
        // On a worker thread, Ctrl-C honoured meanwhile (an interrupted search's result is dropped).
        let rows = crate::interrupt::watch(py, move || {
            // The agency is locked for the decision and its record only.
            let grant = lock(&inner).record_search(&user, &request, &query)?;
            grant.run(&data)
        })?
        .py_err(py)?;
        if ids_only {
            return Ok(PyList::new(py, store.inner.ids_of(&rows))?.into_any());
        }
        crate::search::rows_table(py, &store.inner, &rows)
    }

    /// Retro-hits (R-SEARCH-2): the version of list ``list_id`` in force matched against the
    /// stored detections of the last ``days`` days, with the rules of live matching; decided
    /// and recorded (with the list, its version and the window) before anything is read. A
    /// covert list's run also needs ``view_covert``.
    ///
    /// Args:
    ///     store: the ``DetectionStore``.
    ///     list_id: the list.
    ///     user, request: as :meth:`search`.
    ///     days: how far back from the clock's time.
    ///     as_table: a ``pyarrow.Table`` instead of a list of dicts.
    ///     progress: ``True`` for a tqdm bar (when tqdm is installed) or a callable
    ///         ``f(done, total)`` (detections); the run is one step, reported when it ends.
    ///
    /// Returns:
    ///     HitList | pyarrow.Table: one row per hit: ``detection`` (its id) and the fields of
    ///     ``MatchHit.explain()`` (a ``HitList`` as ``Registry.match_batch`` gives).
    ///
    /// Raises:
    ///     UnknownListError: no such list in force (nothing recorded).
    ///     AccessDeniedError, AuditWriteFailedError, InvalidArgumentError: as :meth:`search`.
    #[pyo3(signature = (store, list_id, *, user, request, days, as_table=false, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn retro_hits<'py>(
        &self,
        py: Python<'py>,
        store: &PyDetectionStore,
        list_id: &str,
        user: &str,
        request: &Bound<'py, PyAny>,
        days: i64,
        as_table: bool,
        progress: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let days: u32 = crate::errors::int_arg(py, "days", days, 0, i64::from(u32::MAX))?;
        let request = request_of(py, request)?;
        let (inner, data) = (Arc::clone(&self.inner), Arc::clone(&store.inner));
        let (user, list_id) = (user.to_owned(), list_id.to_owned());
        let progress = crate::progress::Progress::new(py, progress, store.inner.len(), "retro_hits", "detections")?;
        // On a worker thread, Ctrl-C honoured meanwhile (an interrupted run's result is dropped).
        let hits = crate::interrupt::watch(py, move || {
            let grant = lock(&inner).record_retro_hits(&user, &request, &list_id, days)?;
            grant.run(&data)
        })?
        .py_err(py)?;
        progress.finish(py)?;
        // The same rows and table as `Registry.match_batch` (`batch.rs`), keyed by detection id.
        let rows: Vec<Row<'_>> = hits.iter().map(|h| Row::Hit(h.detection_id, &h.hit)).collect();
        if as_table {
            let batch = py
                .detach(|| hits_batch("detection", false, rows.iter().map(Row::copy)))
                .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("result table: {e}")))?;
            return crate::arrow::to_pyarrow(py, batch);
        }
        rows_as_dicts(py, "detection", &rows)
    }

    /// Loads a hot-list file through the agency (R-LIST-4, R-LIST-9): ``user`` needs
    /// ``manage_hot_lists``; a ``special`` list needs an ``approver`` allowed
    /// ``approve_special_list`` (the OOI captain or designee). The ``hot_list_load`` record
    /// (counts, SHA-256 of the file, approver) is written before the version is put in force;
    /// its version time is the agency's clock. A failed load is recorded too.
    ///
    /// Args:
    ///     user: the loader's id.
    ///     path_or_bytes: the file: ``bytes``, a file object (with ``.read()``, binary or text)
    ///         or a path.
    ///     format: ``"csv"``, ``"ca_doj_clew"`` or ``"ncic_extract"``.
    ///     id, kind, priority, category, source: as ``Registry.load_file``.
    ///     approver: for a special list, the approver's id.
    ///     progress: as ``Registry.load_file``. Ctrl-C does not stop an agency's load: it
    ///         is raised once the load has ended, its record written.
    ///     threads: as ``Registry.load_file``: ``None`` (the default) for the machine's cores,
    ///         ``1`` for the calling thread only; the result and the record are the same.
    ///
    /// Raises:
    ///     AccessDeniedError: the loader is not allowed (recorded).
    ///     ApprovalRequiredError: a special list without a qualified approver (recorded).
    ///     HotListError: a whole-file failure or too many rejected records (recorded); the
    ///         previous version stays in force. ``TooManyRejectedError`` carries ``.rejected``
    ///         and ``.report`` as in ``Registry.load_file``.
    #[pyo3(signature = (user, path_or_bytes, format, *, id, kind, priority, category=None, source=String::new(), approver=None, progress=None, threads=None))]
    #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
    fn load_list(
        &self,
        py: Python<'_>,
        user: &str,
        path_or_bytes: &Bound<'_, PyAny>,
        format: &str,
        id: String,
        kind: &str,
        priority: i64,
        category: Option<&str>,
        source: String,
        approver: Option<String>,
        progress: Option<&Bound<'_, PyAny>>,
        threads: Option<i64>,
    ) -> PyResult<PyLoadReport> {
        let format: Format = crate::errors::choice(py, "format", format)?;
        let options = crate::hotlist::load_options(py, threads)?;
        let kind: ListKind = crate::errors::choice(py, "kind", kind)?;
        let priority: u8 = crate::errors::int_arg(py, "priority", priority, 0, 255)?;
        let category = category
            .filter(|c| !c.is_empty())
            .map(|c| crate::errors::choice::<Category>(py, "category", c))
            .transpose()?;
        if id.trim().is_empty() {
            return Err(to_py(py, &invalid("empty list id")));
        }
        let bytes = crate::tables::file_bytes(py, "path_or_bytes", path_or_bytes)?;
        let user = user.to_owned();
        let progress =
            crate::progress::Progress::new(py, progress, crate::hotlist::line_count(&bytes), "load_list", "lines")?;
        let parsed = std::sync::atomic::AtomicUsize::new(0);
        let (inner, policy) = (Arc::clone(&self.inner), Arc::clone(&self.policy));
        let load = ListLoad {
            id: &id,
            kind,
            priority,
            source: &source,
            format,
            bytes: &bytes,
            default_category: category,
            approver: approver.as_deref(),
            options: options.counting(&parsed),
        };
        // Run to its end (the record and the version in force are the agency's), with progress.
        let loaded =
            crate::interrupt::to_the_end_counting(py, &progress, &parsed, || lock(&inner).load_list(&user, &load))?;
        let report = loaded.map_err(|e| {
            // too_many_rejected carries every rejection (the same validation, limit off).
            crate::errors::load_error(py, &e, || {
                let meta = alpr_core::hotlist::ListMeta {
                    id: id.clone(),
                    kind,
                    priority,
                    loaded_at: Utc::now(),
                    source: source.clone(),
                    generated_at: None,
                };
                alpr_core::hotlist::load_bytes(format, &bytes, meta, category, &crate::errors::lenient(&policy))
                    .ok()
                    .map(|(_, r)| r)
            })
        })?;
        progress.finish(py)?;
        Ok(PyLoadReport { inner: report })
    }

    /// Matches a read against the lists in force at the clock's time (R-LIST-2). Hits of a
    /// ``covert`` list are returned only to a ``viewer`` allowed ``view_covert``; each covert
    /// hit is recorded (``covert_hit``, delivered or not) before the answer.
    ///
    /// Args:
    ///     plate: the raw plate text.
    ///     viewer: the id of the user the hits are shown to, if any.
    ///     jurisdiction, plate_type: as read, if known.
    ///     observed_at: when the plate was seen.
    ///     origin: ``"vehicle"``, ``"fixed"`` or ``"desktop"``.
    ///     device_id, location: the device and ``(lat, lon)``, if known.
    ///
    /// Returns:
    ///     list[MatchHit]: in the order of R-MATCH-9.
    ///
    /// Raises:
    ///     InvalidPlateError: as ``Registry.match``.
    ///     AuditWriteFailedError: a covert hit could not be recorded; no hit is returned.
    #[pyo3(name = "match", signature = (plate, *, viewer=None, jurisdiction=None, plate_type=None, observed_at, origin="vehicle", device_id=None, location=None))]
    #[allow(clippy::too_many_arguments)]
    fn match_read(
        &self,
        py: Python<'_>,
        plate: &str,
        viewer: Option<String>,
        jurisdiction: Option<&str>,
        plate_type: Option<&str>,
        observed_at: Aware,
        origin: &str,
        device_id: Option<&str>,
        location: Option<(f64, f64)>,
    ) -> PyResult<Vec<PyMatchHit>> {
        let r = ReadArgs::parse(
            py,
            plate,
            jurisdiction,
            plate_type,
            observed_at,
            origin,
            device_id,
            location,
        )?;
        let hits = self.with(py, move |a| a.match_read(viewer.as_deref(), &r.read()))?;
        Ok(hits.into_iter().map(|h| PyMatchHit::new(h, None)).collect())
    }

    /// The recorded covert hits in ``[start, end)``, for a user allowed ``view_covert``; the
    /// retrieval is recorded first.
    ///
    /// Returns:
    ///     list[dict]: the ``covert_hit`` audit records.
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    fn covert_hits<'py>(&self, py: Python<'py>, user: &str, start: Aware, end: Aware) -> PyResult<Bound<'py, PyAny>> {
        let user = user.to_owned();
        let found = self.with(py, move |a| a.covert_hits(&user, utc(start), utc(end)))?;
        to_python(py, &found)
    }

    /// Opens the workflow of a hit (R-HIT-9) from a ``MatchHit`` and the read it matched, in
    /// one call; the opening is recorded (``hit_open``).
    ///
    /// Args:
    ///     hit: the match hit.
    ///     plate, jurisdiction, plate_type, observed_at, origin, device_id, location: the read,
    ///         as given to :meth:`match`.
    ///     heading: the vehicle's heading in degrees, if known (R-HIT-10).
    ///
    /// Returns:
    ///     HitCase: in status ``alerted``.
    ///
    /// Raises:
    ///     InvalidPlateError: the read's plate does not normalize.
    ///     InvalidArgumentError: a heading outside ``[0, 360)``.
    #[pyo3(signature = (hit, *, plate, observed_at, jurisdiction=None, plate_type=None, origin="vehicle", device_id=None, location=None, heading=None))]
    #[allow(clippy::too_many_arguments)]
    fn open_hit(
        &self,
        py: Python<'_>,
        hit: &PyMatchHit,
        plate: &str,
        observed_at: Aware,
        jurisdiction: Option<&str>,
        plate_type: Option<&str>,
        origin: &str,
        device_id: Option<&str>,
        location: Option<(f64, f64)>,
        heading: Option<f64>,
    ) -> PyResult<PyHitCase> {
        let r = ReadArgs::parse(
            py,
            plate,
            jurisdiction,
            plate_type,
            observed_at,
            origin,
            device_id,
            location,
        )?;
        let h = hit.hit().clone();
        let case = self.with(py, move |a| {
            // The heading is checked before the opening is recorded.
            if let Some(deg) = heading {
                alpr_core::agency::ReadRecord::from_read(&r.read())?.with_heading(deg)?;
            }
            let mut case = a.open_hit(&h, &r.read())?;
            if let Some(deg) = heading {
                case.set_heading(deg)?;
            }
            Ok(case)
        })?;
        Ok(PyHitCase {
            case: Mutex::new(case),
            agency: Arc::clone(&self.inner),
            policy: Arc::clone(&self.policy),
        })
    }

    /// Enters an officer's hot plate (R-HOTPLATE, G.O. §B.3): ``user`` needs
    /// ``manage_hot_plates``; the entry time is the clock's; the form is validated (30 days,
    /// or 24 hours when also entered in SVS/SLR/SFR/MUPS; the sharing fields when distributed);
    /// recorded; then the agency's ``HOT-PLATES`` list is rebuilt. Returns the hot plate's id.
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    ///     HitWorkflowError: the form's first violation (``ExpiryExceeds30DaysError``, …);
    ///         every violation is in the record.
    ///     InvalidArgumentError: ``distribution`` neither a number nor ``"all"``.
    #[pyo3(signature = (user, *, plate, jurisdiction, expires_at, distribution=None, also_entered_in=None, officer_name=None,
                        contact_phone=None, case_number=None, synopsis=None, plate_type=None, category=None))]
    #[allow(clippy::too_many_arguments)]
    fn enter_hot_plate(
        &self,
        py: Python<'_>,
        user: &str,
        plate: String,
        jurisdiction: String,
        expires_at: Aware,
        distribution: Option<&Bound<'_, PyAny>>,
        also_entered_in: Option<Vec<String>>,
        officer_name: Option<String>,
        contact_phone: Option<String>,
        case_number: Option<String>,
        synopsis: Option<String>,
        plate_type: Option<String>,
        category: Option<String>,
    ) -> PyResult<u64> {
        let distribution = match distribution {
            None => Distribution::default(),
            Some(d) if d.extract::<String>().is_ok_and(|s| s == "all") => Distribution::All,
            Some(d) => Distribution::Officers(
                d.extract::<u32>()
                    .map_err(|_| to_py(py, &invalid("distribution is a number of officers or \"all\"")))?,
            ),
        };
        let form = HotPlateForm {
            plate: Some(plate),
            jurisdiction: Some(jurisdiction),
            plate_type,
            category,
            entered_at: None,
            expires_at: Some(expires_at.0.to_rfc3339()),
            distribution,
            also_entered_in: also_entered_in.unwrap_or_default(),
            officer_name,
            contact_phone,
            case_number,
            synopsis,
            vehicle: None,
            caution: None,
        };
        let user = user.to_owned();
        self.with(py, move |a| a.enter_hot_plate(&user, &form))
    }

    /// Removes an officer's hot plate (``manage_hot_plates``), recorded.
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    ///     InvalidArgumentError: no hot plate with that id (recorded).
    fn remove_hot_plate(&self, py: Python<'_>, user: &str, id: u64) -> PyResult<()> {
        let user = user.to_owned();
        self.with(py, move |a| a.remove_hot_plate(&user, id))
    }

    /// Places a legal hold on a record (R-RET-3, G.O. §E.1): ``user`` needs
    /// ``place_legal_hold``; recorded before the register changes. A held record survives a
    /// purge and stays visible to searches past retention.
    ///
    /// Args:
    ///     kind: ``"criminal"``, ``"civil"`` or ``"administrative"``.
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    ///     CaseNumberRequiredError: a blank case number (recorded).
    #[pyo3(signature = (user, record_id, case_number, kind="criminal"))]
    fn place_legal_hold(
        &self,
        py: Python<'_>,
        user: &str,
        record_id: u64,
        case_number: &str,
        kind: &str,
    ) -> PyResult<()> {
        let kind: HoldKind = crate::errors::choice(py, "kind", kind)?;
        let (user, case) = (user.to_owned(), case_number.to_owned());
        self.with(py, move |a| a.place_legal_hold(&user, record_id, &case, kind))
    }

    /// Releases the active holds of ``case_number`` on a record, recorded; returns how many.
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    ///     InvalidArgumentError: no such active hold (recorded).
    fn release_legal_hold(&self, py: Python<'_>, user: &str, record_id: u64, case_number: &str) -> PyResult<usize> {
        let (user, case) = (user.to_owned(), case_number.to_owned());
        self.with(py, move |a| a.release_legal_hold(&user, record_id, &case))
    }

    /// Records an approval of another use of ALPR data (G.O. §C.1.c) by a user holding one of
    /// the policy's ``approver_roles``. The record *is* the approval: a request with purpose
    /// ``other_approved`` must give its ``reference`` (and, when ``for_user`` is set, come from
    /// that user).
    ///
    /// Returns:
    ///     dict: the approval as recorded.
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    ///     InvalidArgumentError: a blank or already used reference (recorded).
    #[pyo3(signature = (user, reference, *, description, for_user=None, case_number=None))]
    fn approve_other_use<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        reference: &str,
        description: &str,
        for_user: Option<String>,
        case_number: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (user, reference, description) = (user.to_owned(), reference.to_owned(), description.to_owned());
        let approval = self.with(py, move |a| {
            a.approve_other_use(
                &user,
                &reference,
                for_user.as_deref(),
                case_number.as_deref(),
                &description,
            )
        })?;
        to_python(py, &approval)
    }

    /// Books POD video as evidence (G.O. §B.2, §C.3.d(2)), recorded (``pod_evidence``: purpose,
    /// case number, device, video reference, property item, who, when). Booking is a download of
    /// POD video: ``user`` needs ``download_pod_video`` (R-ACCESS-3) with a purpose the policy
    /// permits (R-ACCESS-4) and, whatever the purpose, a case number.
    ///
    /// Args:
    ///     purpose: why the video was downloaded (``crime_canvass``, ``stolen_vehicle``, …).
    ///     case_number: the SPD case or incident number it is evidence in.
    ///     device_id: the POD it comes from.
    ///     video_ref: the reference to the video as downloaded (NVR export id, file name, hash).
    ///     property_ref: the Property Section's item number of the medium, when known.
    ///
    /// Returns:
    ///     int: the record's sequence number in the audit log (the booking's receipt).
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed, or no case number (recorded; ``reasons`` lists why).
    ///     InvalidArgumentError: a blank device or video reference (recorded).
    #[pyo3(signature = (user, *, purpose, case_number, device_id, video_ref, property_ref=None))]
    #[allow(clippy::too_many_arguments)]
    fn book_pod_evidence(
        &self,
        py: Python<'_>,
        user: &str,
        purpose: String,
        case_number: String,
        device_id: String,
        video_ref: String,
        property_ref: Option<String>,
    ) -> PyResult<u64> {
        let user = user.to_owned();
        self.with(py, move |a| {
            a.book_pod_evidence(
                &user,
                &PodEvidence {
                    purpose: &purpose,
                    case_number: &case_number,
                    device_id: &device_id,
                    video_ref: &video_ref,
                    property_ref: property_ref.as_deref(),
                },
            )
        })
    }

    /// Decides a share (R-SHARE, G.O. §E.2, with the California overlay of the policy) for a
    /// user in good standing, recorded before it is returned.
    ///
    /// A share that needs an approval (§E.3 outside LEARN, §F.3 a Special Hot List) is allowed
    /// only with ``approver``: the user id of a roster user whose roles grant
    /// ``approve_external_sharing`` (captain of Investigations or designee) or
    /// ``approve_special_list_sharing`` (OOI captain or designee), checked by the agency at its
    /// clock like any access decision. The record names the approver, the granting role and
    /// ``approval_reference``.
    ///
    /// Args:
    ///     request: ``{"data", "recipient": {"name", "kind", "jurisdiction", "learn_member"},
    ///         "approver", "approval_reference"}`` (a mapping or JSON text); ``approvals``
    ///         (roles vouched for by the caller) are refused.
    ///
    /// Returns:
    ///     ``{"decision": "allow" | "deny" | "needs_approval", "approver", "reasons"}``, and
    ///     ``"approved_by"`` (the approver's id) on an approved share.
    ///
    /// Raises:
    ///     AccessDeniedError: the user is not in good standing (recorded).
    ///     ApprovalRequiredError: the approver is not on the roster or may not approve this
    ///         share (recorded).
    ///     InvalidArgumentError: a malformed request, or one carrying ``approvals`` (recorded).
    fn share<'py>(&self, py: Python<'py>, user: &str, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let request = alpr_core::sharing::ShareRequest::from_json(&json_text(py, request)?).py_err(py)?;
        let user = user.to_owned();
        let d = self.with(py, move |a| a.share(&user, &request))?;
        to_python(py, &d)
    }

    /// Plans a purge of ``records`` at the clock's time with the register's legal holds
    /// (R-RET-4) and records its receipt (R-RET-5). Delete the plan's ``due`` ids only after this
    /// returns.
    ///
    /// Args:
    ///     user: who purges (in good standing).
    ///     records: ``(id, data class, captured_at)`` tuples.
    ///
    /// Returns:
    ///     tuple[PurgePlan, dict]: the plan and the receipt ``{count, policy_version,
    ///     purged_at, ids_sha256}``.
    ///
    /// Raises:
    ///     AccessDeniedError: not in good standing (recorded).
    ///     InvalidArgumentError: a class the policy does not define (``position["index"]``).
    fn purge<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        records: Vec<(u64, String, Aware)>,
    ) -> PyResult<(PyPurgePlan, Bound<'py, PyAny>)> {
        let rules = RetentionRules::from_policy(&self.policy);
        let mut recs = Vec::with_capacity(records.len());
        for (i, (id, class, t)) in records.into_iter().enumerate() {
            let at = |e: Error| e.at_index(u32::try_from(i).unwrap_or(u32::MAX));
            let class = rules.class(&class).map_err(at).py_err(py)?;
            let captured_at = alpr_core::time::check_input_instant(utc(t)).map_err(at).py_err(py)?;
            recs.push(PlanRecord { id, class, captured_at });
        }
        let user = user.to_owned();
        let (plan, receipt) = self.with(py, move |a| a.purge(&user, &recs))?;
        Ok((
            PyPurgePlan {
                inner: Arc::new(plan),
                policy: Arc::clone(&self.policy),
            },
            to_python(py, &receipt)?,
        ))
    }

    /// The end of an operator's shift (R-OPS-2, G.O. §C.5.d): ``upload_unverified`` unless the
    /// log holds the operator's own-detection query (``query_own_detections``) since
    /// ``shift_started_at``. Recorded.
    ///
    /// Returns:
    ///     ``{"upload_unverified": bool}``.
    ///
    /// Raises:
    ///     AccessDeniedError: an operator not on the roster (recorded).
    ///     InvalidArgumentError: a shift starting after the clock's time.
    fn shift_end<'py>(&self, py: Python<'py>, operator: &str, shift_started_at: Aware) -> PyResult<Bound<'py, PyAny>> {
        let operator = operator.to_owned();
        let end = self.with(py, move |a| a.shift_end(&operator, utc(shift_started_at)))?;
        to_python(py, &end)
    }

    /// The active accounts idle for the policy's review period (R-ACCESS-5, G.O. §C.4.d), for a
    /// user allowed ``audit_queries``; the request is recorded.
    ///
    /// Returns:
    ///     list[dict]: one per account to review.
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    fn access_review<'py>(&self, py: Python<'py>, user: &str) -> PyResult<Bound<'py, PyAny>> {
        let user = user.to_owned();
        let items = self.with(py, move |a| a.access_review(&user))?;
        to_python(py, &items)
    }

    /// The quarterly audit report (R-AUDIT-4, G.O. §C.4.c) of the agency's log, for a user
    /// allowed ``audit_queries``; the request is recorded first (so a period including now
    /// covers it).
    ///
    /// Args:
    ///     user: the auditor's id.
    ///     start, end: the period (open when omitted).
    ///     seed, sample_size: the deterministic review sample.
    ///     shifts: ``{user_id: (start, end)}`` shift hours (``datetime.time``, agency zone).
    ///
    /// Returns:
    ///     AuditReport
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    #[pyo3(signature = (user, *, start=None, end=None, seed=0, sample_size=0, shifts=None))]
    #[allow(clippy::too_many_arguments)]
    fn quarterly_report(
        &self,
        py: Python<'_>,
        user: &str,
        start: Option<Aware>,
        end: Option<Aware>,
        seed: u64,
        sample_size: i64,
        shifts: Option<BTreeMap<String, (NaiveTime, NaiveTime)>>,
    ) -> PyResult<PyAuditReport> {
        let sample_size: usize = crate::errors::int_arg(py, "sample_size", sample_size, 0, i64::MAX)?;
        let options = ReportOptions {
            from: start.map(utc),
            to: end.map(utc),
            seed,
            sample_size,
            shifts: shifts
                .unwrap_or_default()
                .into_iter()
                .map(|(u, (start, end))| (u, ShiftHours { start, end }))
                .collect(),
        };
        let user = user.to_owned();
        let report = self.with(py, move |a| a.quarterly_report(&user, &options))?;
        Ok(PyAuditReport {
            inner: Arc::new(report),
        })
    }

    /// The audit records with a time in ``[start, end)`` (open ends when omitted), for a user
    /// allowed ``audit_queries``; the request is recorded first.
    ///
    /// Args:
    ///     user: the auditor's id.
    ///     start, end: the period.
    ///     as_table: a ``pyarrow.Table`` built in Rust instead of a list of dicts: ``sequence``,
    ///         ``hash``, ``time`` (timestamp[ms, UTC]), ``user``, ``agency``, ``action``,
    ///         ``purpose``, ``case_number``, ``query_terms``, ``outcome``, ``reasons``
    ///         (list of codes), ``details`` (map of strings).
    ///
    /// Returns:
    ///     list[dict] | pyarrow.Table: each record's ``sequence``, ``hash`` and fields
    ///     (``time``, ``user``, ``agency``, ``action``, ``outcome``, ``reasons``, ``details``, …).
    ///
    /// Raises:
    ///     AccessDeniedError: not allowed (recorded).
    #[pyo3(signature = (user, *, start=None, end=None, as_table=false))]
    fn audit_records<'py>(
        &self,
        py: Python<'py>,
        user: &str,
        start: Option<Aware>,
        end: Option<Aware>,
        as_table: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fmt = |t: Option<Aware>| t.map(|t| utc(t).to_rfc3339()).unwrap_or_default();
        let request = AccessRequest {
            action: "audit_queries".to_owned(),
            query_terms: Some(format!("audit_records from={} to={}", fmt(start), fmt(end))),
            ..AccessRequest::default()
        };
        let (from, to) = (start.map(utc), end.map(utc));
        let user = user.to_owned();
        let entries: Vec<AuditEntry> = self.with(py, move |a| {
            a.authorize(&user, &request)?;
            let mut out = Vec::new();
            a.log().scan(&mut |e| {
                let t = e.record.time;
                if from.is_none_or(|f| t >= f) && to.is_none_or(|x| t < x) {
                    out.push(e.clone());
                }
                Ok(())
            })?;
            Ok(out)
        })?;
        if as_table {
            return crate::tables::audit_table(py, &entries);
        }
        let values: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                let mut v = serde_json::to_value(&e.record).unwrap_or_default();
                if let Some(m) = v.as_object_mut() {
                    m.insert("sequence".to_owned(), e.sequence.into());
                    let hash = e.hash.iter().fold(String::new(), |mut h, b| {
                        let _ = write!(h, "{b:02x}");
                        h
                    });
                    m.insert("hash".to_owned(), hash.into());
                }
                v
            })
            .collect();
        to_python(py, &values)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        self.peek(py, |a| {
            format!(
                "Agency(name={:?}, policy={:?}, users={}, records={}, clock={})",
                a.name(),
                a.policy().name,
                a.roster().len(),
                a.head().sequence,
                if a.clock().is_system() {
                    "system"
                } else {
                    "for_tests_and_replays"
                }
            )
        })
    }
}

/// One hit walking through the workflow of G.O. 525.08 as a record (R-HIT-9): made by
/// :meth:`Agency.open_hit`. Every event takes ``at`` (when it happened), ``actor`` (a user id
/// allowed ``view_hits``) and an optional ``reference`` (the CLETS/NCIC query or incident
/// number); every event, applied or refused, writes one ``hit_event`` record before the case
/// changes. An event dated before the previous one raises ``TimeRegressionError``; one dated
/// after the agency's clock ``InvalidArgumentError``; a refused event its ``HitWorkflowError``
/// subclass — and changes nothing. Safe to share between threads.
#[pyclass(frozen, module = "alpr._alpr", name = "HitCase")]
pub(crate) struct PyHitCase {
    case: Mutex<alpr_core::agency::HitCase>,
    agency: Arc<Mutex<Inner>>,
    policy: Arc<Policy>,
}

impl PyHitCase {
    fn case(&self) -> MutexGuard<'_, alpr_core::agency::HitCase> {
        self.case.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn event(&self, py: Python<'_>, event: Event, at: Aware, actor: &str, reference: Option<String>) -> PyResult<()> {
        let timed = TimedEvent {
            event,
            at: utc(at),
            actor: actor.to_owned(),
            reference,
        };
        py.detach(|| {
            let mut case = self.case();
            lock(&self.agency).hit_event(&mut case, &timed)
        })
        .py_err(py)
    }
}

#[pymethods]
impl PyHitCase {
    /// ``acknowledge``: ``alerted`` → ``acknowledged``.
    #[pyo3(signature = (*, at, actor, reference=None))]
    fn acknowledge(&self, py: Python<'_>, at: Aware, actor: &str, reference: Option<String>) -> PyResult<()> {
        self.event(py, Event::Acknowledge, at, actor, reference)
    }

    /// ``mdc_query``: the plate was run on the car's MDC (a violation for a car before any
    /// broadcast, recorded, not refused).
    #[pyo3(signature = (*, at, actor, reference=None))]
    fn mdc_query(&self, py: Python<'_>, at: Aware, actor: &str, reference: Option<String>) -> PyResult<()> {
        self.event(py, Event::MdcQuery, at, actor, reference)
    }

    /// ``broadcast`` on the radio (R-HIT-4).
    ///
    /// Raises:
    ///     InformationalOnlyError: a special or covert hit.
    ///     NotAcknowledgedError, ConfirmationRequiredError, InvalidTransitionError.
    #[pyo3(signature = (*, at, actor, reference=None))]
    fn broadcast(&self, py: Python<'_>, at: Aware, actor: &str, reference: Option<String>) -> PyResult<()> {
        self.event(py, Event::Broadcast, at, actor, reference)
    }

    /// ``confirm`` with the CLETS/NCIC response (``reference`` is the query's number).
    #[pyo3(signature = (record_active, plate_verified, jurisdiction_verified, occupied, *, at, actor, reference=None))]
    #[allow(clippy::fn_params_excessive_bools, clippy::too_many_arguments)]
    fn confirm(
        &self,
        py: Python<'_>,
        record_active: bool,
        plate_verified: bool,
        jurisdiction_verified: bool,
        occupied: bool,
        at: Aware,
        actor: &str,
        reference: Option<String>,
    ) -> PyResult<()> {
        let response = ClearsResponse {
            record_active,
            plate_verified,
            jurisdiction_verified,
            occupied,
        };
        self.event(py, Event::Confirm { response }, at, actor, reference)
    }

    /// ``reject`` with a disposition (``incorrect_read``, ``duplicate``, ``dismissed``, …).
    #[pyo3(signature = (disposition, *, at, actor, reference=None))]
    fn reject(
        &self,
        py: Python<'_>,
        disposition: &str,
        at: Aware,
        actor: &str,
        reference: Option<String>,
    ) -> PyResult<()> {
        let disposition: Disposition = crate::errors::choice(py, "disposition", disposition)?;
        self.event(py, Event::Reject { disposition }, at, actor, reference)
    }

    /// ``record_basis``: an independent reasonable suspicion or probable cause.
    #[pyo3(signature = (*, at, actor, reference=None))]
    fn record_basis(&self, py: Python<'_>, at: Aware, actor: &str, reference: Option<String>) -> PyResult<()> {
        self.event(py, Event::RecordBasis, at, actor, reference)
    }

    /// ``stop``: only after confirmation and a recorded basis (R-HIT-1).
    ///
    /// Raises:
    ///     ConfirmationRequiredError, IndependentBasisRequiredError.
    #[pyo3(signature = (*, at, actor, reference=None))]
    fn stop(&self, py: Python<'_>, at: Aware, actor: &str, reference: Option<String>) -> PyResult<()> {
        self.event(py, Event::Stop, at, actor, reference)
    }

    /// ``close`` with an outcome (``recovered``, ``not_recovered``, ``other``).
    #[pyo3(signature = (outcome, *, at, actor, reference=None))]
    fn close(&self, py: Python<'_>, outcome: &str, at: Aware, actor: &str, reference: Option<String>) -> PyResult<()> {
        let outcome: Outcome = crate::errors::choice(py, "outcome", outcome)?;
        self.event(py, Event::Close { outcome }, at, actor, reference)
    }

    /// The hit's id (unique within its agency; in every ``hit_event`` record).
    #[getter]
    fn id(&self) -> u64 {
        self.case().id()
    }

    /// The list that hit.
    #[getter]
    fn list_id(&self) -> String {
        self.case().list_id().to_owned()
    }

    /// The version of that list (its load time).
    #[getter]
    fn list_version(&self) -> DateTime<Utc> {
        self.case().list_version()
    }

    /// The current status.
    #[getter]
    fn status(&self) -> &'static str {
        self.case().workflow().status().as_str()
    }

    /// The disposition, once confirmed or rejected.
    #[getter]
    fn disposition(&self) -> Option<&'static str> {
        self.case().workflow().disposition().map(Disposition::as_str)
    }

    /// The outcome, once closed.
    #[getter]
    fn outcome(&self) -> Option<&'static str> {
        self.case().workflow().outcome().map(Outcome::as_str)
    }

    /// Violations recorded on the hit (codes).
    #[getter]
    fn violations(&self) -> Vec<&'static str> {
        self.case().workflow().violations().iter().map(|c| c.as_str()).collect()
    }

    /// The call types of its call for service, in order.
    #[getter]
    fn call_types(&self) -> Vec<String> {
        self.case().workflow().call_types().to_vec()
    }

    /// When the last applied event happened, or ``None``.
    #[getter]
    fn last_event_at(&self) -> Option<DateTime<Utc>> {
        self.case().last_event_at()
    }

    /// How many events were applied.
    #[getter]
    fn events_applied(&self) -> u32 {
        self.case().events_applied()
    }

    /// The read the hit came from, as a dict (plate as read and normalized, time, origin,
    /// device, position, heading). It holds plate text.
    fn read<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let r = self.case().read().clone();
        to_python(py, &r)
    }

    /// The dispatch packet with the read (R-HIT-2, R-HIT-10) as a dict.
    fn dispatch_packet<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let p = self.case().packet(&self.policy);
        to_python(py, &p)
    }

    /// The dispatch packet as JSON text, as a CAD system takes it.
    fn dispatch_packet_json(&self) -> String {
        self.case().packet(&self.policy).to_json()
    }

    fn __repr__(&self) -> String {
        let c = self.case();
        format!(
            "HitCase(id={}, list_id={:?}, status={:?}, events_applied={})",
            c.id(),
            c.list_id(),
            c.workflow().status().as_str(),
            c.events_applied()
        )
    }
}
