//! `alpr.Hit` (the hit workflow, R-HIT-1…8), `alpr.validate_hot_plate` (R-HOTPLATE-1…5), the
//! operations checks (R-OPS-1…3) and `alpr.public_records_request` (R-PRA-1).

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::workflow::{self, ClearsResponse, DispatchInput, Disposition, Event, HitWorkflow, Outcome};
use alpr_core::{Policy, hotplate, json, ops, records, time};

use crate::errors::IntoPy;
use crate::policy::{PyPolicy, policy_or_builtin};

/// A serde value as a Python object (through JSON, so the shapes are exactly the core's).
fn to_python(py: Python<'_>, value: serde_json::Result<serde_json::Value>) -> PyResult<Bound<'_, PyAny>> {
    let text = value.map_or_else(|_| "null".to_owned(), |v| v.to_string());
    py.import("json")?.call_method1("loads", (text,))
}

/// A Python object (dicts, lists, str, numbers, dates as ISO text) as JSON text.
fn to_json_text(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("default", py.get_type::<pyo3::types::PyString>())?;
    py.import("json")?
        .call_method("dumps", (value,), Some(&kwargs))?
        .extract()
}

/// A time argument: RFC 3339 text as it is, or an aware ``datetime`` / pandas ``Timestamp`` (any
/// ``tzinfo``, read by the one converter) as RFC 3339 text. A naive datetime, a number or another
/// type is a ``TypeError`` naming `arg` and saying how to pass it.
fn time_text(arg: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(v) = value else { return Ok(None) };
    if let Ok(s) = v.extract::<String>() {
        return Ok(Some(s));
    }
    Ok(Some(crate::time::to_aware(arg, v)?.to_rfc3339()))
}

/// A date argument: a ``date`` or ``YYYY-MM-DD`` text.
#[derive(FromPyObject)]
pub(crate) enum DateArg {
    Date(NaiveDate),
    Text(String),
}

impl DateArg {
    fn into_date(self, py: Python<'_>) -> PyResult<NaiveDate> {
        match self {
            DateArg::Date(d) => Ok(d),
            DateArg::Text(s) => time::parse_date(&s).py_err(py),
        }
    }
}

/// One hit walking through the workflow of R-HIT-6: ``alerted`` → ``acknowledged`` →
/// ``broadcast``/``confirmed`` → ``rejected``/``closed``. Each event is a method; a refused event
/// raises its ``HitWorkflowError`` subclass (``NotAcknowledgedError``,
/// ``ConfirmationRequiredError``, ``IndependentBasisRequiredError``, ``InformationalOnlyError``,
/// ``InvalidTransitionError``) and changes nothing. Safe to share between threads (events are
/// serialized by a lock).
///
/// Args:
///     list_kind: ``standard``, ``special``, ``hot_plate`` or ``covert``.
///     category: the entry's category (``stolen_vehicle``, …).
///     origin: ``vehicle``, ``fixed`` or ``desktop``.
///     policy: the profile whose call types apply; the built-in one when omitted.
///     details: optional match explanation and entry for the dispatch packet (``list_id``,
///         ``entry``, ``match_kind``, ``positions``, ``jurisdiction_outcome``, ``tier``, ``stale``,
///         ``list_age_seconds``, ``record_id``, ``vehicle``, ``caution``, …).
///
/// Raises:
///     InvalidArgumentError: an unknown kind or origin, or malformed ``details``.
///     InvalidCategoryError: an unknown category.
#[pyclass(frozen, module = "alpr._alpr", name = "Hit")]
pub(crate) struct PyHit {
    inner: Mutex<HitWorkflow>,
    packet_json: String,
}

impl PyHit {
    /// A hit in status `alerted` for a dispatch input (used by `MatchHit.workflow`).
    pub(crate) fn from_input(input: &DispatchInput, policy: &Policy) -> PyHit {
        PyHit {
            inner: Mutex::new(input.workflow(policy)),
            packet_json: workflow::dispatch_packet(input, policy).to_json(),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut HitWorkflow) -> R) -> R {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }

    fn event(&self, py: Python<'_>, event: Event) -> PyResult<()> {
        self.with(|h| h.apply(event)).py_err(py)
    }
}

#[pymethods]
impl PyHit {
    #[new]
    #[pyo3(signature = (list_kind, category, origin, *, policy=None, details=None))]
    fn new(
        py: Python<'_>,
        list_kind: &str,
        category: &str,
        origin: &str,
        policy: Option<&PyPolicy>,
        details: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyHit> {
        let mut input = DispatchInput::new(
            crate::errors::choice::<ListKind>(py, "list_kind", list_kind)?,
            crate::errors::choice::<Category>(py, "category", category)?,
            crate::errors::choice::<Origin>(py, "origin", origin)?,
        );
        if let Some(d) = details {
            let merged = d.copy()?;
            merged.set_item("list_kind", list_kind)?;
            merged.set_item("category", category)?;
            merged.set_item("origin", origin)?;
            input = json::from_json_text(&to_json_text(py, merged.as_any())?).py_err(py)?;
        }
        let policy = policy_or_builtin(policy);
        Ok(PyHit {
            inner: Mutex::new(input.workflow(&policy)),
            packet_json: workflow::dispatch_packet(&input, &policy).to_json(),
        })
    }

    /// ``acknowledge``: ``alerted`` → ``acknowledged``.
    ///
    /// Raises:
    ///     InvalidTransitionError: from any other status.
    fn acknowledge(&self, py: Python<'_>) -> PyResult<()> {
        self.event(py, Event::Acknowledge)
    }

    /// ``mdc_query``: the plate was run on the car's MDC. For a car before any broadcast this is
    /// recorded in :attr:`violations` as ``mdc_query_before_broadcast`` (not refused).
    ///
    /// Raises:
    ///     InvalidTransitionError: on a closed hit.
    fn mdc_query(&self, py: Python<'_>) -> PyResult<()> {
        self.event(py, Event::MdcQuery)
    }

    /// ``broadcast`` on the radio (R-HIT-4).
    ///
    /// Raises:
    ///     InformationalOnlyError: a special or covert hit.
    ///     NotAcknowledgedError: from ``alerted``.
    ///     ConfirmationRequiredError: a desk origin before confirmation.
    ///     InvalidTransitionError: from ``broadcast``, ``rejected`` or ``closed``.
    fn broadcast(&self, py: Python<'_>) -> PyResult<()> {
        self.event(py, Event::Broadcast)
    }

    /// ``confirm`` with the CLETS/NCIC response: the hit becomes ``confirmed``, or ``rejected``
    /// with disposition ``record_not_active``, ``incorrect_read`` or ``wrong_jurisdiction``.
    ///
    /// Args:
    ///     record_active: the record is still active.
    ///     plate_verified: the plate is the record's plate.
    ///     jurisdiction_verified: the plate is from the record's state.
    ///     occupied: someone is in the vehicle.
    ///
    /// Raises:
    ///     NotAcknowledgedError: from ``alerted``.
    ///     InvalidTransitionError: from ``confirmed``, ``rejected`` or ``closed``.
    #[pyo3(signature = (record_active, plate_verified, jurisdiction_verified, occupied))]
    #[allow(clippy::fn_params_excessive_bools)] // The four fields of the CLETS/NCIC response.
    fn confirm(
        &self,
        py: Python<'_>,
        record_active: bool,
        plate_verified: bool,
        jurisdiction_verified: bool,
        occupied: bool,
    ) -> PyResult<()> {
        let response = ClearsResponse {
            record_active,
            plate_verified,
            jurisdiction_verified,
            occupied,
        };
        self.event(py, Event::Confirm { response })
    }

    /// ``reject`` with a disposition (``incorrect_read``, ``duplicate``, ``dismissed``, …).
    ///
    /// Raises:
    ///     NotAcknowledgedError: from ``alerted``.
    ///     InvalidTransitionError: from ``rejected`` or ``closed``.
    ///     InvalidArgumentError: an unknown disposition.
    fn reject(&self, py: Python<'_>, disposition: &str) -> PyResult<()> {
        let disposition: Disposition = crate::errors::choice(py, "disposition", disposition)?;
        self.event(py, Event::Reject { disposition })
    }

    /// ``record_basis``: an independent reasonable suspicion or probable cause was recorded.
    fn record_basis(&self, py: Python<'_>) -> PyResult<()> {
        self.event(py, Event::RecordBasis)
    }

    /// ``stop``: allowed only after confirmation and a recorded basis (R-HIT-1).
    ///
    /// Raises:
    ///     ConfirmationRequiredError: not confirmed, or rejected.
    ///     IndependentBasisRequiredError: no basis recorded.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        self.event(py, Event::Stop)
    }

    /// ``close`` with an outcome (``recovered``, ``not_recovered``, ``other``).
    ///
    /// Raises:
    ///     InvalidTransitionError: already closed.
    ///     InvalidArgumentError: an unknown outcome.
    fn close(&self, py: Python<'_>, outcome: &str) -> PyResult<()> {
        let outcome: Outcome = crate::errors::choice(py, "outcome", outcome)?;
        self.event(py, Event::Close { outcome })
    }

    /// The current status.
    #[getter]
    fn status(&self) -> &'static str {
        self.with(|h| h.status().as_str())
    }

    /// The disposition, once confirmed or rejected.
    #[getter]
    fn disposition(&self) -> Option<&'static str> {
        self.with(|h| h.disposition().map(Disposition::as_str))
    }

    /// The outcome, once closed.
    #[getter]
    fn outcome(&self) -> Option<&'static str> {
        self.with(|h| h.outcome().map(Outcome::as_str))
    }

    /// Violations recorded on the hit (codes), e.g. ``["mdc_query_before_broadcast"]``.
    #[getter]
    fn violations(&self) -> Vec<&'static str> {
        self.with(|h| h.violations().iter().map(|c| c.as_str()).collect())
    }

    /// The call types of its call for service, in order (``["POD", "503P/503T"]``).
    #[getter]
    fn call_types(&self) -> Vec<String> {
        self.with(|h| h.call_types().to_vec())
    }

    /// The list kind.
    #[getter]
    fn list_kind(&self) -> &'static str {
        self.with(|h| h.list_kind().as_str())
    }

    /// The entry's category.
    #[getter]
    fn category(&self) -> &'static str {
        self.with(|h| h.category().as_str())
    }

    /// The read's origin.
    #[getter]
    fn origin(&self) -> &'static str {
        self.with(|h| h.origin().as_str())
    }

    /// Always ``True``: a hit is never the sole basis for a stop (R-HIT-1).
    #[getter]
    fn requires_confirmation(&self) -> bool {
        self.with(|h| h.requires_confirmation())
    }

    /// Whether an independent basis was recorded.
    #[getter]
    fn basis_recorded(&self) -> bool {
        self.with(|h| h.basis_recorded())
    }

    /// The dispatch packet of the hit (R-HIT-2, R-HIT-3) as a dict: ``call_for_service``,
    /// ``steps``, ``requires_confirmation``, ``informational``, ``alert``, ``match``, ``entry``.
    fn dispatch_packet<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?.call_method1("loads", (self.packet_json.as_str(),))
    }

    /// The packet as JSON text, as a CAD system takes it.
    fn dispatch_packet_json(&self) -> String {
        self.packet_json.clone()
    }

    fn __repr__(&self) -> String {
        let q = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
        let list = |items: Vec<String>| format!("[{}]", items.join(", "));
        self.with(|h| {
            format!(
                "Hit(list_kind={}, category={}, origin={}, status={}, disposition={}, violations={}, call_types={})",
                q(h.list_kind().as_str()),
                q(h.category().as_str()),
                q(h.origin().as_str()),
                q(h.status().as_str()),
                h.disposition().map_or_else(|| "None".to_owned(), |d| q(d.as_str())),
                list(h.violations().iter().map(|c| q(c.as_str())).collect()),
                list(h.call_types().iter().map(|c| q(c)).collect()),
            )
        })
    }
}

/// Validates an officer's hot plate (R-HOTPLATE-1…5) and returns *every* violation.
///
/// Args:
///     plate: the plate (required; not a placeholder).
///     jurisdiction: its state (required).
///     entered_at: when it was entered: an aware ``datetime`` or RFC 3339 text.
///     expires_at: when it stops matching (required): no more than 30 calendar days after
///         ``entered_at`` in the agency zone, or 24 hours when ``also_entered_in`` is not empty.
///     distribution: the number of officers receiving it, or ``"all"``.
///     also_entered_in: other systems it is entered in (``SVS``, ``SLR``, ``SFR``, ``MUPS``).
///     officer_name, contact_phone, case_number, synopsis: required when shared (> 1 officer).
///     plate_type, category: optional.
///     policy: the profile; the built-in one when omitted.
///
/// Returns:
///     The violation codes (``[]`` for a valid hot plate), e.g. ``["expiry_exceeds_30_days"]``.
///
/// Raises:
///     InvalidArgumentError: ``distribution`` is neither a number nor ``"all"``.
#[pyfunction]
#[pyo3(signature = (plate=None, jurisdiction=None, entered_at=None, expires_at=None, distribution=None,
                    also_entered_in=None, officer_name=None, contact_phone=None, case_number=None, synopsis=None,
                    plate_type=None, category=None, policy=None))]
#[allow(clippy::too_many_arguments)] // One keyword argument per field of the officer's form.
pub(crate) fn validate_hot_plate(
    py: Python<'_>,
    plate: Option<String>,
    jurisdiction: Option<String>,
    entered_at: Option<&Bound<'_, PyAny>>,
    expires_at: Option<&Bound<'_, PyAny>>,
    distribution: Option<&Bound<'_, PyAny>>,
    also_entered_in: Option<Vec<String>>,
    officer_name: Option<String>,
    contact_phone: Option<String>,
    case_number: Option<String>,
    synopsis: Option<String>,
    plate_type: Option<String>,
    category: Option<String>,
    policy: Option<&PyPolicy>,
) -> PyResult<Vec<&'static str>> {
    let distribution = match distribution {
        None => hotplate::Distribution::default(),
        Some(d) => json::from_json_text(&to_json_text(py, d)?).py_err(py)?,
    };
    let form = hotplate::HotPlateForm {
        plate,
        jurisdiction,
        plate_type,
        category,
        entered_at: time_text("entered_at", entered_at)?,
        expires_at: time_text("expires_at", expires_at)?,
        distribution,
        also_entered_in: also_entered_in.unwrap_or_default(),
        officer_name,
        contact_phone,
        case_number,
        synopsis,
        vehicle: None,
        caution: None,
    };
    let policy = policy_or_builtin(policy);
    Ok(hotplate::violations(&form, &policy)
        .iter()
        .map(|c| c.as_str())
        .collect())
}

/// The inspection state of a device (R-OPS-1).
///
/// Args:
///     last_inspected: the day of the last inspection (``date`` or ``YYYY-MM-DD``).
///     today: today in the agency zone.
///     policy: the profile; the built-in one (every 3 calendar months) when omitted.
///
/// Returns:
///     ``{"due_on": "YYYY-MM-DD", "due": bool, "overdue": bool}``; overdue when the last
///     inspection is more than the interval ago.
///
/// Raises:
///     InvalidDateError: a malformed or impossible date.
#[pyfunction]
#[pyo3(signature = (last_inspected, today, policy=None))]
pub(crate) fn inspection<'py>(
    py: Python<'py>,
    last_inspected: DateArg,
    today: DateArg,
    policy: Option<&PyPolicy>,
) -> PyResult<Bound<'py, PyAny>> {
    let i = ops::inspection(
        last_inspected.into_date(py)?,
        today.into_date(py)?,
        &policy_or_builtin(policy),
    );
    to_python(py, serde_json::to_value(i))
}

/// The shift-start checklist (R-OPS-2, G.O. §C.5).
///
/// Args:
///     checks: check name → passed (``{"gps_green": False, …}``); the policy's checks that are
///         false or missing fail.
///     policy: the profile; the built-in one when omitted.
///
/// Returns:
///     ``{"ready": bool, "failed": [names in the policy's order]}``.
#[pyfunction]
#[pyo3(signature = (checks, policy=None))]
#[allow(clippy::needless_pass_by_value)] // pyo3 extracts the dict into an owned map.
pub(crate) fn shift_start<'py>(
    py: Python<'py>,
    checks: BTreeMap<String, bool>,
    policy: Option<&PyPolicy>,
) -> PyResult<Bound<'py, PyAny>> {
    to_python(
        py,
        serde_json::to_value(ops::shift_start(&checks, &policy_or_builtin(policy))),
    )
}

/// The out-of-service rule for damaged or inoperable equipment (R-OPS-3, G.O. §B.5).
///
/// Returns:
///     ``{"out_of_service": True, "operator_may_repair": False, "notify": [...],
///     "crime_report_required": vandalism}``.
#[pyfunction]
#[pyo3(signature = (vandalism=false))]
pub(crate) fn damaged_equipment(py: Python<'_>, vandalism: bool) -> PyResult<Bound<'_, PyAny>> {
    to_python(py, serde_json::to_value(ops::damaged_equipment(vandalism)))
}

/// A public-records request for POD video or detections (R-PRA-1, G.O. §H).
///
/// Args:
///     refused_referral: the citizen refused the referral to the City Clerk.
///     name, phone, email, description: the citizen's details, as given.
///     policy: the profile (the clerk's channels); the built-in one when omitted.
///
/// Returns:
///     ``{"channels": {...}, "violations": [codes], "record": {...} or None}``: the clerk's
///     channels always; for a refused referral, what its record lacks (``missing_citizen_name``,
///     ``missing_contact``, ``missing_description``) or the record itself, whose text says nothing
///     about whether the records exist or are exempt.
#[pyfunction]
#[pyo3(signature = (refused_referral=false, name=None, phone=None, email=None, description=None, policy=None))]
pub(crate) fn public_records_request<'py>(
    py: Python<'py>,
    refused_referral: bool,
    name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    description: Option<String>,
    policy: Option<&PyPolicy>,
) -> PyResult<Bound<'py, PyAny>> {
    let citizen = records::Citizen {
        name,
        phone,
        email,
        description,
    };
    to_python(
        py,
        serde_json::to_value(records::pra_request(
            refused_referral,
            &citizen,
            &policy_or_builtin(policy),
        )),
    )
}
