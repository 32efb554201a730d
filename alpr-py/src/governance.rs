//! Retention, access, the audit log and sharing for Python: `alpr.purge_plan`, `alpr.PurgePlan`,
//! `alpr.AuditLog`, `alpr.AuditReport` and the JSON-shaped decision functions that
//! `alpr.decide_access` / `alpr.decide_sharing` / `alpr.access_review` wrap.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use alpr_core::audit::{
    AuditKey, AuditLog, AuditRecord, AuditStore, FileStore, Head, MemoryStore, Outcome, ReportOptions,
};
use alpr_core::retention::{PlanRecord, PurgePlan, PurgeReceipt, RetentionRules};
use alpr_core::{Code, Error, Policy};

use crate::errors::{IntoPy, to_py};
use crate::policy::{PyPolicy, policy_or_builtin};
use crate::time::Aware;

fn utc(t: Aware) -> DateTime<Utc> {
    t.to_utc()
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A purge plan (R-RET-4): exact sets of record ids, and when the next record comes due.
#[pyclass(frozen, module = "alpr._alpr", name = "PurgePlan")]
pub(crate) struct PyPurgePlan {
    pub(crate) inner: Arc<PurgePlan>,
    pub(crate) policy: Arc<Policy>,
}

#[pymethods]
impl PyPurgePlan {
    /// Ids past delete-after and not held, ascending.
    #[getter]
    fn due(&self) -> Vec<u64> {
        self.inner.due.iter().collect()
    }

    /// Ids past delete-after but under legal hold, ascending.
    #[getter]
    fn held(&self) -> Vec<u64> {
        self.inner.held.iter().collect()
    }

    /// Ids past keep-at-least in classes without delete-after, not held, ascending.
    #[getter]
    fn eligible(&self) -> Vec<u64> {
        self.inner.eligible.iter().collect()
    }

    /// The earliest time a record not yet due becomes due, or ``None``.
    ///
    /// Raises:
    ///     InvalidDateError: when that time is after the year 9999, which ``datetime`` cannot
    ///         hold (a record captured in the last years of the range).
    #[getter]
    fn next_due_at(&self, py: Python<'_>) -> PyResult<Option<DateTime<Utc>>> {
        self.inner
            .next_due_at
            .map(|t| {
                alpr_core::time::check_input_instant(t).map_err(|e| {
                    to_py(
                        py,
                        &e.with_detail("next_due_at is after the year 9999, past what a datetime holds"),
                    )
                })
            })
            .transpose()
    }

    /// The purge receipt (R-RET-5) for purging the ``due`` set at ``purged_at``, as a dict
    /// ``{count, policy_version, purged_at, ids_sha256}``.
    fn receipt(&self, py: Python<'_>, purged_at: Aware) -> PyResult<Py<PyAny>> {
        let r = PurgeReceipt::new(&self.inner.due, &self.policy.version, utc(purged_at));
        json_loads(py, &to_json(&r))
    }

    fn __repr__(&self) -> String {
        format!(
            "PurgePlan(due={}, held={}, eligible={})",
            self.inner.due.len(),
            self.inner.held.len(),
            self.inner.eligible.len()
        )
    }
}

fn json_loads(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// Computes the purge plan over records ``(id, class, captured_at)`` at ``now``.
///
/// Args:
///     records: ``(id, data class, captured_at)`` tuples; classes are those of the policy
///         (``detection``, ``pod_video``, ``hit``, ``audit_record``).
///     holds: ids under legal hold.
///     now: the time of the plan (timezone-aware).
///     policy: the profile; the built-in ``sacramento-525.08`` when omitted.
///
/// Returns:
///     PurgePlan: the ``due``, ``held`` and ``eligible`` ids and ``next_due_at``.
///
/// Raises:
///     InvalidArgumentError: for a class the policy does not define (``position["index"]``).
///     InvalidDateError: a time outside the years 0001-9999 in UTC (``position["index"]`` for a
///         record's ``captured_at``).
#[pyfunction]
#[pyo3(signature = (records, holds, now, policy=None))]
pub(crate) fn purge_plan(
    py: Python<'_>,
    records: Vec<(u64, String, Aware)>,
    holds: Vec<u64>,
    now: Aware,
    policy: Option<&PyPolicy>,
) -> PyResult<PyPurgePlan> {
    let policy = policy_or_builtin(policy);
    let rules = RetentionRules::from_policy(&policy);
    let mut recs = Vec::with_capacity(records.len());
    for (i, (id, class, t)) in records.into_iter().enumerate() {
        let at = |e: Error| e.at_index(u32::try_from(i).unwrap_or(u32::MAX));
        let class = rules.class(&class).map_err(at).py_err(py)?;
        let captured_at = alpr_core::time::check_input_instant(utc(t)).map_err(at).py_err(py)?;
        recs.push(PlanRecord { id, class, captured_at });
    }
    let holds = holds.into_iter().collect();
    let now = alpr_core::time::check_input_instant(utc(now))
        .map_err(|e| e.with_detail("now outside the years 0001 to 9999 (UTC)"))
        .py_err(py)?;
    let plan = py.detach(|| rules.plan(&recs, &holds, now));
    Ok(PyPurgePlan {
        inner: Arc::new(plan),
        policy,
    })
}

/// Decides an access request given as JSON (see ``alpr.decide_access``); returns the decision as
/// JSON ``{"decision", "reasons"}``.
///
/// Raises:
///     InvalidArgumentError: for malformed JSON.
#[pyfunction]
#[pyo3(signature = (user_json, request_json, now, policy=None))]
pub(crate) fn decide_access_json(
    py: Python<'_>,
    user_json: &str,
    request_json: &str,
    now: Aware,
    policy: Option<&PyPolicy>,
) -> PyResult<String> {
    let user = alpr_core::access::User::from_json(user_json).py_err(py)?;
    let request = alpr_core::access::AccessRequest::from_json(request_json).py_err(py)?;
    let d = alpr_core::access::decide(&user, &request, utc(now), &policy_or_builtin(policy));
    Ok(serde_json::json!({"decision": d.outcome().as_str(), "reasons": d.reasons}).to_string())
}

/// The access review list (R-ACCESS-5) of users given as a JSON array; returns JSON.
///
/// Raises:
///     InvalidArgumentError: for malformed JSON.
#[pyfunction]
#[pyo3(signature = (users_json, now, policy=None))]
pub(crate) fn access_review_json(
    py: Python<'_>,
    users_json: &str,
    now: Aware,
    policy: Option<&PyPolicy>,
) -> PyResult<String> {
    let users = alpr_core::access::User::list_from_json(users_json).py_err(py)?;
    Ok(to_json(&alpr_core::access::access_review(
        &users,
        utc(now),
        &policy_or_builtin(policy),
    )))
}

/// Decides a share given as JSON (see ``alpr.decide_sharing``); returns JSON
/// ``{"decision", "approver", "reasons"}``.
///
/// Raises:
///     InvalidArgumentError: for malformed JSON or unknown data.
#[pyfunction]
#[pyo3(signature = (request_json, policy=None))]
pub(crate) fn decide_sharing_json(py: Python<'_>, request_json: &str, policy: Option<&PyPolicy>) -> PyResult<String> {
    let request = alpr_core::sharing::ShareRequest::from_json(request_json).py_err(py)?;
    let d = alpr_core::sharing::decide(&request, &policy_or_builtin(policy)).py_err(py)?;
    Ok(to_json(&d))
}

/// A log shared between its Python object and, once bound, the `alpr.Agency` that owns it.
pub(crate) struct Log {
    chain: Mutex<AuditLog<Box<dyn AuditStore + Send>>>,
    /// Set when an agency writes to this log: its own writers then refuse, so that every record
    /// continues the agency's chain and what the agency replays is what it wrote.
    bound: AtomicBool,
    /// Set when the log was opened over an agency's file (it holds an `agency_open` record): its
    /// own writers refuse too, so that no record lands in the chain the agency replays.
    agency_file: bool,
}

impl Log {
    fn new(log: AuditLog<Box<dyn AuditStore + Send>>) -> alpr_core::Result<Log> {
        let agency_file = alpr_core::agency::written_by_agency(&log)?;
        Ok(Log {
            chain: Mutex::new(log),
            bound: AtomicBool::new(false),
            agency_file,
        })
    }
}

/// A tamper-evident audit log (R-AUDIT-1…3): records chained by SHA-256, in memory
/// (``AuditLog()``) or in an append-only file (``AuditLog.open_file(path)``). Appends are
/// serialized; safe to share between threads. Given to an :class:`Agency`, the log belongs to it:
/// the agency appends through it, and the log's own writers (``append``, ``record_purge``) raise
/// ``InvalidArgumentError``. Audited decisions (access, sharing, shift end) are the agency's:
/// :meth:`Agency.authorize`, :meth:`Agency.share`, :meth:`Agency.shift_end`.
#[pyclass(frozen, module = "alpr._alpr", name = "AuditLog")]
pub(crate) struct PyAuditLog {
    // A Mutex because appends mutate the head and the store; Python may call from many threads.
    inner: Arc<Log>,
}

pub(crate) fn lock(log: &Log) -> std::sync::MutexGuard<'_, AuditLog<Box<dyn AuditStore + Send>>> {
    log.chain.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl PyAuditLog {
    /// The shared log, for the agency that binds it.
    pub(crate) fn log(&self) -> Arc<Log> {
        Arc::clone(&self.inner)
    }

    /// Binds the log to an agency; `false` when it already belongs to one.
    pub(crate) fn bind(log: &Log) -> bool {
        !log.bound.swap(true, Ordering::SeqCst)
    }

    /// Undoes [`PyAuditLog::bind`] after an agency failed to open over the log.
    pub(crate) fn unbind(log: &Log) {
        log.bound.store(false, Ordering::SeqCst);
    }

    /// Runs a write of the log's own under the log's lock, refused when an agency owns the log.
    /// The check is made under the lock the agency's appends take too, so no write of the log's
    /// own can slip in between a check and an agency's binding and land in the agency's chain.
    fn write<T>(
        inner: &Log,
        f: impl FnOnce(&mut AuditLog<Box<dyn AuditStore + Send>>) -> alpr_core::Result<T>,
    ) -> alpr_core::Result<T> {
        let mut log = lock(inner);
        if inner.agency_file || inner.bound.load(Ordering::SeqCst) {
            return Err(Error::new(Code::InvalidArgument).with_detail(
                "this audit log belongs to an agency: its records are the agency's to write (use the Agency's methods)",
            ));
        }
        f(&mut log)
    }
}

fn head_tuple(h: Head) -> (u64, String) {
    (h.sequence, h.hash_hex())
}

#[pymethods]
impl PyAuditLog {
    /// An empty log in memory.
    #[new]
    fn new(py: Python<'_>) -> PyResult<PyAuditLog> {
        let log = AuditLog::open(Box::new(MemoryStore::new()) as Box<dyn AuditStore + Send>)
            .and_then(Log::new)
            .py_err(py)?;
        Ok(PyAuditLog { inner: Arc::new(log) })
    }

    /// Opens (creating if missing) an append-only audit file and verifies it. The log holds the
    /// file's exclusive lock while it lives: one writer at a time (an :class:`Agency` over the
    /// file holds it too). Only regular files are opened. A file an agency has written (it holds
    /// an ``agency_open`` record) opens for verification, heads and reports, and can be given to
    /// an :class:`Agency`, but its own writers (``append``, ``record_purge``) raise
    /// ``InvalidArgumentError``.
    ///
    /// Args:
    ///     key: the agency's secret key (at least 16 bytes): the chain is then HMAC-SHA256 under
    ///         it, so a chain rebuilt without the key fails verification.
    ///
    /// Raises:
    ///     AuditLockedError: another writer (process or handle) has the file open.
    ///     AuditTornRecordError: the last line is incomplete (a crash mid-write): see
    ///         ``recover_file``.
    ///     AuditChainBrokenError: the file was changed (``position["index"]`` is the first
    ///         record), or was written with another key or without one.
    ///     IoError: the file cannot be opened, or is not a regular file.
    ///     InvalidArgumentError: a key shorter than 16 bytes.
    #[staticmethod]
    #[pyo3(signature = (path, *, key=None))]
    fn open_file(py: Python<'_>, path: std::path::PathBuf, key: Option<Vec<u8>>) -> PyResult<PyAuditLog> {
        let log = py
            .detach(move || open_chain(FileStore::open(path)?, key).and_then(Log::new))
            .py_err(py)?;
        Ok(PyAuditLog { inner: Arc::new(log) })
    }

    /// Appends one record; returns the new head ``(sequence, hash_hex)``.
    ///
    /// Args:
    ///     time: when it happened (timezone-aware).
    ///     user, agency, action: who did what.
    ///     outcome: ``allow``, ``deny``, ``needs_approval``, ``ok`` or ``failed``.
    ///     purpose, case_number, query_terms: optional facts of a query.
    ///     reasons: codes of a denial.
    ///     details: further facts.
    ///
    /// Raises:
    ///     AuditWriteFailedError: the record could not be written; the audited operation must fail.
    ///     InvalidArgumentError: an unknown outcome or reason code; the log belongs to an
    ///         :class:`Agency` (its records are the agency's to write: a record with any user and
    ///         action would otherwise land in the agency's chain).
    #[pyo3(signature = (time, user, agency, action, outcome, *, purpose=None, case_number=None, query_terms=None, reasons=None, details=None))]
    #[allow(clippy::too_many_arguments)]
    fn append(
        &self,
        py: Python<'_>,
        time: Aware,
        user: &str,
        agency: &str,
        action: &str,
        outcome: &str,
        purpose: Option<String>,
        case_number: Option<String>,
        query_terms: Option<String>,
        reasons: Option<Vec<String>>,
        details: Option<std::collections::BTreeMap<String, String>>,
    ) -> PyResult<(u64, String)> {
        let outcome: Outcome = crate::errors::choice(py, "outcome", outcome)?;
        let mut r = AuditRecord::new(utc(time), user, agency, action, outcome);
        r.purpose = purpose;
        r.case_number = case_number;
        r.query_terms = query_terms;
        for name in reasons.unwrap_or_default() {
            let code = Code::from_name(&name)
                .ok_or_else(|| Error::new(Code::InvalidArgument).with_detail("unknown reason code"))
                .py_err(py)?;
            r.reasons.push(code);
        }
        r.details = details.unwrap_or_default();
        let inner = Arc::clone(&self.inner);
        let head = py.detach(move || Self::write(&inner, |log| log.append(r))).py_err(py)?;
        Ok(head_tuple(head))
    }

    /// The head ``(sequence, hash_hex)``: export it to detect a cut tail later.
    #[getter]
    fn head(&self, py: Python<'_>) -> (u64, String) {
        let inner = Arc::clone(&self.inner);
        head_tuple(py.detach(move || lock(&inner).head()))
    }

    /// Verifies the hash chain, and against an exported head if given; returns the head.
    ///
    /// Raises:
    ///     AuditChainBrokenError: ``position["index"]`` is the first broken record.
    ///     AuditTruncatedError: the log ends before ``expected``.
    ///     InvalidArgumentError: a malformed expected head.
    #[pyo3(signature = (expected=None))]
    fn verify(&self, py: Python<'_>, expected: Option<(u64, String)>) -> PyResult<(u64, String)> {
        let expected = expected.map(|(s, h)| Head::from_hex(s, &h)).transpose().py_err(py)?;
        let inner = Arc::clone(&self.inner);
        // On a worker thread, Ctrl-C honoured meanwhile (a long file's verification).
        let head = crate::interrupt::watch(py, move || lock(&inner).verify(expected.as_ref()))?.py_err(py)?;
        Ok(head_tuple(head))
    }

    /// Writes a purge receipt for ``plan.due`` to the log (R-RET-5); returns the receipt dict.
    ///
    /// Raises:
    ///     AuditWriteFailedError: the receipt could not be written; the purge must not commit.
    ///     InvalidArgumentError: the log belongs to an :class:`Agency` (purge through
    ///         :meth:`Agency.purge`, which takes the user from its roster).
    fn record_purge(
        &self,
        py: Python<'_>,
        plan: &PyPurgePlan,
        purged_at: Aware,
        user: &str,
        agency: &str,
    ) -> PyResult<Py<PyAny>> {
        let r = PurgeReceipt::new(&plan.inner.due, &plan.policy.version, utc(purged_at));
        let inner = Arc::clone(&self.inner);
        py.detach(|| Self::write(&inner, |log| r.write_to(log, user, agency)))
            .py_err(py)?;
        json_loads(py, &to_json(&r))
    }

    /// The quarterly audit report (R-AUDIT-4) over ``[start, end)``.
    ///
    /// Args:
    ///     policy: which actions are queries; the built-in profile when omitted.
    ///     start, end: the period (timezone-aware; open when omitted).
    ///     seed: the review sample's seed (same seed, same sample).
    ///     sample_size: how many queries to draw for manual review.
    ///     shifts: each user's shift as ``{user_id: (start, end)}`` of ``datetime.time`` in the
    ///         agency's zone (``end`` before ``start`` wraps past midnight); those users' lines
    ///         count ``outside_shift`` queries.
    ///
    /// Returns:
    ///     AuditReport
    #[pyo3(signature = (policy=None, *, start=None, end=None, seed=0, sample_size=0, shifts=None))]
    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        py: Python<'_>,
        policy: Option<&PyPolicy>,
        start: Option<Aware>,
        end: Option<Aware>,
        seed: u64,
        sample_size: i64,
        shifts: Option<std::collections::BTreeMap<String, (chrono::NaiveTime, chrono::NaiveTime)>>,
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
                .map(|(user, (start, end))| (user, alpr_core::audit::ShiftHours { start, end }))
                .collect(),
        };
        let policy = policy_or_builtin(policy);
        let inner = Arc::clone(&self.inner);
        // On a worker thread, Ctrl-C honoured meanwhile.
        let r = crate::interrupt::watch(py, move || {
            alpr_core::audit::quarterly_report(&lock(&inner), &policy, &options)
        })?
        .py_err(py)?;
        Ok(PyAuditReport { inner: Arc::new(r) })
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        let inner = Arc::clone(&self.inner);
        usize::try_from(py.detach(move || lock(&inner).head().sequence)).unwrap_or(usize::MAX)
    }

    // Audit file safety (issue 15): recovery of a torn tail, heads on a cadence.

    /// Opens an audit file whose last line may be torn (a crash mid-write): verifies the complete
    /// records, then replaces the torn tail by a record saying what was cut (action
    /// ``audit_recovered`` by ``user`` of ``agency`` at ``time``; details ``cut_bytes``,
    /// ``cut_sha256``, ``last_good_sequence``), so the log continues and the loss is on the
    /// record. A whole file is opened as it is.
    ///
    /// Returns:
    ///     ``(log, recovery)``: recovery is ``None`` when nothing was cut, else a dict
    ///     ``{cut_bytes, cut_sha256, last_good_sequence, head}``.
    ///
    /// Raises:
    ///     AuditChainBrokenError: the complete records do not verify; nothing is cut.
    ///     TimeRegressionError: ``time`` is before the last record's.
    ///     AuditLockedError, IoError, InvalidArgumentError: as ``open_file``.
    #[staticmethod]
    #[pyo3(signature = (path, *, time, user, agency, key=None))]
    fn recover_file(
        py: Python<'_>,
        path: std::path::PathBuf,
        time: Aware,
        user: String,
        agency: String,
        key: Option<Vec<u8>>,
    ) -> PyResult<(PyAuditLog, Option<Py<PyAny>>)> {
        let (log, recovery) = py
            .detach(move || {
                let mut log = open_chain(FileStore::open_for_recovery(path)?, key)?;
                let r = log.recover(utc(time), &user, &agency)?;
                Ok::<_, Error>((Log::new(log)?, r))
            })
            .py_err(py)?;
        let recovery = match recovery {
            None => None,
            Some(r) => {
                let d = pyo3::types::PyDict::new(py);
                d.set_item("cut_bytes", r.cut_bytes)?;
                d.set_item(
                    "cut_sha256",
                    Head {
                        sequence: 0,
                        hash: r.cut_sha256,
                    }
                    .hash_hex(),
                )?;
                d.set_item("last_good_sequence", r.last_good_sequence)?;
                d.set_item("head", head_tuple(r.head))?;
                Some(d.into_any().unbind())
            }
        };
        let log = PyAuditLog { inner: Arc::new(log) };
        Ok((log, recovery))
    }

    /// Calls ``callback(head)`` with the head ``(sequence, hash_hex)`` after every append whose
    /// sequence number is a multiple of ``every``, so that heads reach another system without
    /// anyone remembering to export them; ``callback=None`` stops the calls. Verify later against
    /// the last head received to catch a cut tail.
    ///
    /// The callback runs inside the append, with the log locked: keep it short and never use
    /// this log from it. An exception it raises is reported as unraisable (the record is already
    /// written).
    ///
    /// Raises:
    ///     InvalidArgumentError: ``every`` is 0.
    #[pyo3(signature = (every, callback))]
    fn export_heads(&self, py: Python<'_>, every: u64, callback: Option<Py<PyAny>>) -> PyResult<()> {
        let inner = Arc::clone(&self.inner);
        let Some(callback) = callback else {
            py.detach(move || lock(&inner).stop_exporting_heads());
            return Ok(());
        };
        let every = std::num::NonZeroU64::new(every)
            .ok_or_else(|| Error::new(Code::InvalidArgument).with_detail("every must be at least 1"))
            .py_err(py)?;
        py.detach(move || {
            lock(&inner).export_heads(every, move |h| {
                // Appends run with the GIL released (every lock of the log is taken so), so
                // taking it here cannot deadlock against a thread waiting for the log.
                Python::attach(|py| {
                    if let Err(e) = callback.call1(py, (head_tuple(h),)) {
                        e.write_unraisable(py, Some(callback.bind(py)));
                    }
                });
            });
        });
        Ok(())
    }
}

/// Opens a file log's chain (verifying it) under `key` if given.
fn open_chain(store: FileStore, key: Option<Vec<u8>>) -> alpr_core::Result<AuditLog<Box<dyn AuditStore + Send>>> {
    let store: Box<dyn AuditStore + Send> = Box::new(store);
    match key {
        None => AuditLog::open(store),
        Some(k) => AuditLog::open_keyed(store, AuditKey::new(&k)?),
    }
}

/// The quarterly audit report: per user queries by purpose, queries without a case number,
/// denials, and a deterministic review sample.
#[pyclass(frozen, module = "alpr._alpr", name = "AuditReport")]
pub(crate) struct PyAuditReport {
    pub(crate) inner: Arc<alpr_core::audit::AuditReport>,
}

#[pymethods]
impl PyAuditReport {
    /// The report as a dict ``{records, users: [...], sample: [...]}``.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_loads(py, &to_json(&*self.inner))
    }

    /// The per-user table as CSV.
    fn users_csv(&self) -> String {
        self.inner.users_csv()
    }

    /// The review sample as CSV.
    fn sample_csv(&self) -> String {
        self.inner.sample_csv()
    }
}
