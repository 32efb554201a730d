//! Retention, access, the audit log and sharing for Python: `alpr.purge_plan`, `alpr.PurgePlan`,
//! `alpr.AuditLog`, `alpr.AuditReport` and the JSON-shaped decision functions that
//! `alpr.decide_access` / `alpr.decide_sharing` / `alpr.access_review` wrap.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};
use pyo3::prelude::*;

use alpr_core::audit::{AuditLog, AuditRecord, AuditStore, FileStore, Head, MemoryStore, Outcome, ReportOptions};
use alpr_core::retention::{PlanRecord, PurgePlan, PurgeReceipt, RetentionRules};
use alpr_core::{Code, Error, Policy};

use crate::errors::{IntoPy, to_py};
use crate::policy::{PyPolicy, policy_or_builtin};

fn utc(t: DateTime<FixedOffset>) -> DateTime<Utc> {
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
    fn receipt(&self, py: Python<'_>, purged_at: DateTime<FixedOffset>) -> PyResult<Py<PyAny>> {
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
    records: Vec<(u64, String, DateTime<FixedOffset>)>,
    holds: Vec<u64>,
    now: DateTime<FixedOffset>,
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
    now: DateTime<FixedOffset>,
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
    now: DateTime<FixedOffset>,
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
    log: Mutex<AuditLog<Box<dyn AuditStore + Send>>>,
    /// Set when an agency writes to this log: its own writers then refuse, so that every record
    /// continues the agency's chain and what the agency replays is what it wrote.
    bound: AtomicBool,
}

impl Log {
    fn new(log: AuditLog<Box<dyn AuditStore + Send>>) -> Log {
        Log {
            log: Mutex::new(log),
            bound: AtomicBool::new(false),
        }
    }
}

/// A tamper-evident audit log (R-AUDIT-1…3): records chained by SHA-256, in memory
/// (``AuditLog()``) or in an append-only file (``AuditLog.open_file(path)``). Appends are
/// serialized; safe to share between threads. Given to an :class:`Agency`, the log belongs to it:
/// the agency appends through it, and the log's own writers (``append``,
/// ``decide_access_json``, ``decide_sharing_json``, ``record_purge``) raise
/// ``InvalidArgumentError``.
#[pyclass(frozen, module = "alpr._alpr", name = "AuditLog")]
pub(crate) struct PyAuditLog {
    // A Mutex because appends mutate the head and the store; Python may call from many threads.
    inner: Arc<Log>,
}

pub(crate) fn lock(log: &Log) -> std::sync::MutexGuard<'_, AuditLog<Box<dyn AuditStore + Send>>> {
    log.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

    /// Refuses a write of the log's own when an agency owns it.
    fn writable(&self, py: Python<'_>) -> PyResult<()> {
        if self.inner.bound.load(Ordering::SeqCst) {
            return Err(to_py(
                py,
                &Error::new(Code::InvalidArgument).with_detail("this audit log belongs to an agency: write through it"),
            ));
        }
        Ok(())
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
        let log = AuditLog::open(Box::new(MemoryStore::new()) as Box<dyn AuditStore + Send>).py_err(py)?;
        Ok(PyAuditLog {
            inner: Arc::new(Log::new(log)),
        })
    }

    /// Opens (creating if missing) an append-only audit file and verifies it.
    ///
    /// Raises:
    ///     AuditTornRecordError: the last line is incomplete (a crash mid-write).
    ///     AuditChainBrokenError: the file was changed (``position["index"]`` is the first record).
    ///     IoError: the file cannot be opened.
    #[staticmethod]
    fn open_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyAuditLog> {
        let log = py
            .detach(move || {
                FileStore::open(path).and_then(|s| AuditLog::open(Box::new(s) as Box<dyn AuditStore + Send>))
            })
            .py_err(py)?;
        Ok(PyAuditLog {
            inner: Arc::new(Log::new(log)),
        })
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
    ///     InvalidArgumentError: an unknown outcome or reason code.
    #[pyo3(signature = (time, user, agency, action, outcome, *, purpose=None, case_number=None, query_terms=None, reasons=None, details=None))]
    #[allow(clippy::too_many_arguments)]
    fn append(
        &self,
        py: Python<'_>,
        time: DateTime<FixedOffset>,
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
        self.writable(py)?;
        let outcome = Outcome::parse(outcome).py_err(py)?;
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
        let head = py.detach(move || lock(&inner).append(r)).py_err(py)?;
        Ok(head_tuple(head))
    }

    /// The head ``(sequence, hash_hex)``: export it to detect a cut tail later.
    #[getter]
    fn head(&self) -> (u64, String) {
        head_tuple(lock(&self.inner).head())
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
        let head = py.detach(move || lock(&inner).verify(expected.as_ref())).py_err(py)?;
        Ok(head_tuple(head))
    }

    /// Decides a share (JSON request as for ``decide_sharing_json``) and audits the decision;
    /// returns the decision as JSON.
    ///
    /// Raises:
    ///     AuditWriteFailedError: the decision could not be audited; do not share.
    ///     InvalidArgumentError: malformed JSON.
    #[pyo3(signature = (user, agency, request_json, now, policy=None))]
    fn decide_sharing_json(
        &self,
        py: Python<'_>,
        user: &str,
        agency: &str,
        request_json: &str,
        now: DateTime<FixedOffset>,
        policy: Option<&PyPolicy>,
    ) -> PyResult<String> {
        self.writable(py)?;
        let request = alpr_core::sharing::ShareRequest::from_json(request_json).py_err(py)?;
        let d = alpr_core::sharing::decide_and_audit(
            &mut lock(&self.inner),
            user,
            agency,
            &request,
            utc(now),
            &policy_or_builtin(policy),
        )
        .py_err(py)?;
        Ok(to_json(&d))
    }

    /// Decides an access request (JSON as for ``decide_access_json``) and audits it before
    /// answering (R-AUDIT-3); returns the decision as JSON.
    ///
    /// Raises:
    ///     AuditWriteFailedError: the decision could not be audited.
    ///     InvalidArgumentError: malformed JSON.
    #[pyo3(signature = (user_json, request_json, now, policy=None))]
    fn decide_access_json(
        &self,
        py: Python<'_>,
        user_json: &str,
        request_json: &str,
        now: DateTime<FixedOffset>,
        policy: Option<&PyPolicy>,
    ) -> PyResult<String> {
        self.writable(py)?;
        let user = alpr_core::access::User::from_json(user_json).py_err(py)?;
        let request = alpr_core::access::AccessRequest::from_json(request_json).py_err(py)?;
        let policy = policy_or_builtin(policy);
        let d = alpr_core::access::decide(&user, &request, utc(now), &policy);
        lock(&self.inner)
            .append(alpr_core::access::audit_record(&user, &request, &d, utc(now)))
            .py_err(py)?;
        Ok(serde_json::json!({"decision": d.outcome().as_str(), "reasons": d.reasons}).to_string())
    }

    /// Writes a purge receipt for ``plan.due`` to the log (R-RET-5); returns the receipt dict.
    ///
    /// Raises:
    ///     AuditWriteFailedError: the receipt could not be written; the purge must not commit.
    fn record_purge(
        &self,
        py: Python<'_>,
        plan: &PyPurgePlan,
        purged_at: DateTime<FixedOffset>,
        user: &str,
        agency: &str,
    ) -> PyResult<Py<PyAny>> {
        self.writable(py)?;
        let r = PurgeReceipt::new(&plan.inner.due, &plan.policy.version, utc(purged_at));
        r.write_to(&mut lock(&self.inner), user, agency).py_err(py)?;
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
        start: Option<DateTime<FixedOffset>>,
        end: Option<DateTime<FixedOffset>>,
        seed: u64,
        sample_size: usize,
        shifts: Option<std::collections::BTreeMap<String, (chrono::NaiveTime, chrono::NaiveTime)>>,
    ) -> PyResult<PyAuditReport> {
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
        let r = py
            .detach(move || alpr_core::audit::quarterly_report(&lock(&inner), &policy, &options))
            .py_err(py)?;
        Ok(PyAuditReport { inner: Arc::new(r) })
    }

    fn __len__(&self) -> usize {
        usize::try_from(lock(&self.inner).head().sequence).unwrap_or(usize::MAX)
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
