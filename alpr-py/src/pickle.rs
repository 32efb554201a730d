//! Pickling of `DetectionStore` and of result objects (`MatchHit`, `LoadReport`,
//! `AuditReport`, `PurgePlan`), so they reach worker processes (multiprocessing, Dask). Each pickles as
//! `(Class._from_state, (bytes,))`; a state that does not decode is an
//! `InvalidArgumentError`, never a panic. (`Registry`, `ListVersion` and `Policy` pickle in
//! `registry.rs` / `policy.rs`. `HitCase` does not pickle: it is bound to its agency's audit
//! log, and a copy would write records nobody reads.)
//!
//! The states hold plates (a store's detections, a hit's entry): treat a pickle as the data
//! it holds.

use std::sync::Arc;

use alpr_core::audit::{AuditReport, SampleItem, UserSummary};
use alpr_core::hotlist::{ListMeta, ListVersion, LoadReport, RawEntry, Rejection};
use alpr_core::matching::{Hit, JurisdictionOutcome, MatchKind, Positions, Tier};
use alpr_core::retention::PurgePlan;
use alpr_core::search::{DetectionStore, DetectionStoreBuilder};
use alpr_core::{Code, Error, Jurisdiction, Plate, Position};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::errors::IntoPy;
use crate::governance::{PyAuditReport, PyPurgePlan};
use crate::matching::PyMatchHit;
use crate::registry::PyLoadReport;
use crate::search::PyDetectionStore;

/// The error of a state that does not decode.
fn bad_state(what: &str) -> Error {
    Error::new(Code::InvalidArgument).with_detail(format!("a pickled {what} that does not decode"))
}

/// `(cls._from_state, (state,))`.
fn reduce<'py>(cls: &Bound<'py, PyAny>, state: &[u8]) -> PyResult<Bound<'py, PyTuple>> {
    let py = cls.py();
    let ctor = cls.getattr("_from_state")?;
    let args = PyTuple::new(py, [PyBytes::new(py, state)])?;
    PyTuple::new(py, [ctor, args.into_any()])
}

// DetectionStore: a compact binary form, rebuilt (and re-indexed) through the builder.

const STORE_MAGIC: &[u8; 8] = b"ALPRDS1\0";

fn put_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
        Some(s) => {
            out.extend_from_slice(&u32::try_from(s.len()).unwrap_or(u32::MAX - 1).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// A reader of the binary state with bounds checks.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.bytes.split_at_checked(n)?;
        self.bytes = tail;
        Some(head)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_bits(self.u64()?))
    }
    /// A string or `None` (its length `u32::MAX`); `Err` when it does not decode.
    fn opt_str(&mut self) -> alpr_core::Result<Option<&'a str>> {
        let bad = || bad_state("DetectionStore");
        let len = self.u32().ok_or_else(bad)?;
        if len == u32::MAX {
            return Ok(None);
        }
        let bytes = self.take(len as usize).ok_or_else(bad)?;
        std::str::from_utf8(bytes).map(Some).map_err(|_| bad())
    }
}

fn store_state(store: &DetectionStore) -> Vec<u8> {
    let n = store.len();
    let mut out = Vec::with_capacity(16 + n * 48);
    out.extend_from_slice(STORE_MAGIC);
    out.extend_from_slice(&(n as u64).to_le_bytes());
    for r in 0..u32::try_from(n).unwrap_or(u32::MAX) {
        let d = store.row(r);
        out.extend_from_slice(&d.id.to_le_bytes());
        out.extend_from_slice(&d.observed_ms.to_le_bytes());
        out.extend_from_slice(&d.lat.to_bits().to_le_bytes());
        out.extend_from_slice(&d.lon.to_bits().to_le_bytes());
        put_str(&mut out, Some(&d.plate.to_string()));
        put_str(&mut out, d.jurisdiction.as_ref().map(Jurisdiction::as_str));
        put_str(&mut out, d.device_id);
    }
    out
}

fn store_from_state(bytes: &[u8]) -> alpr_core::Result<DetectionStore> {
    let bad = || bad_state("DetectionStore");
    let mut reader = Reader { bytes };
    if reader.take(8) != Some(STORE_MAGIC.as_slice()) {
        return Err(bad());
    }
    let count = usize::try_from(reader.u64().ok_or_else(bad)?).map_err(|_| bad())?;
    // Every row takes at least 44 bytes: a count beyond that is a bad state, not an allocation.
    if count > bytes.len() / 44 {
        return Err(bad());
    }
    let mut builder = DetectionStoreBuilder::with_capacity(count);
    for _ in 0..count {
        let id = reader.u64().ok_or_else(bad)?;
        let ms = reader.u64().ok_or_else(bad)?.cast_signed();
        let (lat, lon) = (reader.f64().ok_or_else(bad)?, reader.f64().ok_or_else(bad)?);
        let plate: Plate = reader.opt_str()?.ok_or_else(bad)?.parse()?;
        let jurisdiction = reader.opt_str()?.map(Jurisdiction::parse).transpose()?;
        let device = reader.opt_str()?;
        builder.push_ms(id, plate, jurisdiction, ms, lat, lon, device)?;
    }
    if !reader.bytes.is_empty() {
        return Err(bad());
    }
    builder.build()
}

#[pymethods]
impl PyDetectionStore {
    /// Pickles as its detections (rebuilt and re-indexed when unpickled).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let store = Arc::clone(&slf.get().inner);
        let state = py.detach(move || store_state(&store));
        reduce(slf.get_type().as_any(), &state)
    }

    /// Rebuilds a pickled store (for ``pickle``).
    #[staticmethod]
    fn _from_state(py: Python<'_>, state: &[u8]) -> PyResult<PyDetectionStore> {
        let store = py.detach(|| store_from_state(state)).py_err(py)?;
        Ok(PyDetectionStore { inner: Arc::new(store) })
    }
}

// MatchHit: the list version's metadata, the entry hit and the match's facts. The unpickled hit
// holds a one-entry copy of its list version: `explain()`, `workflow()` and the attributes are
// the original's; it is no longer tied to the registry it came from.

#[derive(serde::Serialize, serde::Deserialize)]
struct HitState {
    meta: ListMeta,
    entry: serde_json::Value,
    entry_index: u32,
    kind: String,
    positions: u16,
    jurisdiction: String,
    plate_type_mismatch: bool,
    stale: bool,
    tier: String,
    list_age_ms: i64,
    read_index: Option<u32>,
}

fn hit_from_state(bytes: &[u8]) -> alpr_core::Result<(Hit, u32, Option<u32>)> {
    let bad = || bad_state("MatchHit");
    let s: HitState = serde_json::from_slice(bytes).map_err(|_| bad())?;
    let raw: RawEntry = serde_json::from_value(s.entry).map_err(|_| bad())?;
    // The entry was valid when it was hit: validate it again only to rebuild it, without the
    // load-time exclusions of a particular policy.
    let policy = alpr_core::Policy {
        forbidden_categories: Vec::new(),
        ..(*alpr_core::Policy::builtin()).clone()
    };
    let entry = alpr_core::hotlist::validate_entry(&raw, s.meta.kind, None, &policy)?;
    let version = ListVersion::build(s.meta, vec![entry], &policy);
    let hit = Hit {
        list: Arc::new(version),
        entry_index: 0,
        kind: MatchKind::parse(&s.kind)?,
        positions: Positions(s.positions),
        jurisdiction: JurisdictionOutcome::parse(&s.jurisdiction)?,
        plate_type_mismatch: s.plate_type_mismatch,
        stale: s.stale,
        tier: Tier::parse(&s.tier)?,
        list_age: chrono::Duration::milliseconds(s.list_age_ms),
    };
    Ok((hit, s.entry_index, s.read_index))
}

#[pymethods]
impl PyMatchHit {
    /// Pickles as the list version's metadata, the entry and the match's facts.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let h = me.hit();
        let state = HitState {
            meta: h.list.meta().clone(),
            entry: h.entry().to_json(),
            entry_index: me.entry_index,
            kind: h.kind.as_str().to_owned(),
            positions: h.positions.0,
            jurisdiction: h.jurisdiction.as_str().to_owned(),
            plate_type_mismatch: h.plate_type_mismatch,
            stale: h.stale,
            tier: h.tier.as_str().to_owned(),
            list_age_ms: h.list_age.num_milliseconds(),
            read_index: me.read_index,
        };
        let bytes = serde_json::to_vec(&state).unwrap_or_default();
        reduce(slf.get_type().as_any(), &bytes)
    }

    /// Rebuilds a pickled hit (for ``pickle``).
    #[staticmethod]
    fn _from_state(py: Python<'_>, state: &[u8]) -> PyResult<PyMatchHit> {
        let (hit, entry_index, read_index) = hit_from_state(state).py_err(py)?;
        let mut me = PyMatchHit::new(hit, read_index);
        me.entry_index = entry_index;
        Ok(me)
    }
}

// LoadReport and AuditReport: their data as JSON.

#[derive(serde::Serialize, serde::Deserialize)]
struct RejectionState {
    code: String,
    index: Option<u32>,
    line: Option<u32>,
    column: Option<u32>,
    character: Option<u32>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct LoadReportState {
    accepted: usize,
    merged: usize,
    rejected: Vec<RejectionState>,
    generated_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn code_named(name: &str) -> Option<Code> {
    Code::ALL.iter().copied().find(|c| c.as_str() == name)
}

#[pymethods]
impl PyLoadReport {
    /// Pickles as its counts and rejections.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let r = &slf.get().inner;
        let state = LoadReportState {
            accepted: r.accepted,
            merged: r.merged,
            rejected: r
                .rejected
                .iter()
                .map(|x| RejectionState {
                    code: x.code.as_str().to_owned(),
                    index: x.position.index,
                    line: x.position.line,
                    column: x.position.column,
                    character: x.position.character,
                })
                .collect(),
            generated_at: r.generated_at,
        };
        reduce(slf.get_type().as_any(), &serde_json::to_vec(&state).unwrap_or_default())
    }

    /// Rebuilds a pickled report (for ``pickle``).
    #[staticmethod]
    fn _from_state(py: Python<'_>, state: &[u8]) -> PyResult<PyLoadReport> {
        let decode = || -> Option<LoadReport> {
            let s: LoadReportState = serde_json::from_slice(state).ok()?;
            let rejected = s
                .rejected
                .into_iter()
                .map(|x| {
                    Some(Rejection {
                        code: code_named(&x.code)?,
                        position: Position {
                            index: x.index,
                            line: x.line,
                            column: x.column,
                            character: x.character,
                        },
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(LoadReport {
                accepted: s.accepted,
                merged: s.merged,
                rejected,
                generated_at: s.generated_at,
            })
        };
        let inner = decode().ok_or_else(|| bad_state("LoadReport")).py_err(py)?;
        Ok(PyLoadReport { inner })
    }
}

#[derive(serde::Deserialize)]
struct UserState {
    user: String,
    agency: String,
    queries: u64,
    by_purpose: std::collections::BTreeMap<String, u64>,
    without_case_number: u64,
    denied: u64,
    outside_shift: Option<u64>,
}

#[derive(serde::Deserialize)]
struct SampleState {
    sequence: u64,
    time: chrono::DateTime<chrono::Utc>,
    user: String,
    action: String,
    purpose: Option<String>,
    case_number: Option<String>,
}

#[derive(serde::Deserialize)]
struct ReportState {
    records: u64,
    users: Vec<UserState>,
    sample: Vec<SampleState>,
}

#[pymethods]
impl PyAuditReport {
    /// Pickles as its data (the JSON of ``to_dict()``).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let bytes = serde_json::to_vec(&*slf.get().inner).unwrap_or_default();
        reduce(slf.get_type().as_any(), &bytes)
    }

    /// Rebuilds a pickled report (for ``pickle``).
    #[staticmethod]
    fn _from_state(py: Python<'_>, state: &[u8]) -> PyResult<PyAuditReport> {
        let s: ReportState = serde_json::from_slice(state)
            .map_err(|_| bad_state("AuditReport"))
            .py_err(py)?;
        let report = AuditReport {
            records: s.records,
            users: s
                .users
                .into_iter()
                .map(|u| UserSummary {
                    user: u.user,
                    agency: u.agency,
                    queries: u.queries,
                    by_purpose: u.by_purpose,
                    without_case_number: u.without_case_number,
                    denied: u.denied,
                    outside_shift: u.outside_shift,
                })
                .collect(),
            sample: s
                .sample
                .into_iter()
                .map(|x| SampleItem {
                    sequence: x.sequence,
                    time: x.time,
                    user: x.user,
                    action: x.action,
                    purpose: x.purpose,
                    case_number: x.case_number,
                })
                .collect(),
        };
        Ok(PyAuditReport {
            inner: Arc::new(report),
        })
    }
}

// PurgePlan: its id sets, next due time and policy as JSON.

#[derive(serde::Serialize, serde::Deserialize)]
struct PurgePlanState {
    /// The policy's JSON (for the receipt's policy version).
    policy: String,
    due: Vec<u64>,
    held: Vec<u64>,
    eligible: Vec<u64>,
    next_due_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[pymethods]
impl PyPurgePlan {
    /// Pickles as its id sets, next due time and policy.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let p = slf.get();
        let state = PurgePlanState {
            policy: serde_json::to_string(&*p.policy).unwrap_or_default(),
            due: p.inner.due.iter().collect(),
            held: p.inner.held.iter().collect(),
            eligible: p.inner.eligible.iter().collect(),
            next_due_at: p.inner.next_due_at,
        };
        reduce(slf.get_type().as_any(), &serde_json::to_vec(&state).unwrap_or_default())
    }

    /// Rebuilds a pickled plan (for ``pickle``).
    #[staticmethod]
    fn _from_state(py: Python<'_>, state: &[u8]) -> PyResult<PyPurgePlan> {
        let decode = || -> Option<PyPurgePlan> {
            let s: PurgePlanState = serde_json::from_slice(state).ok()?;
            let policy = alpr_core::Policy::from_json(&s.policy).ok()?;
            let mut plan = PurgePlan::default();
            plan.due.extend(s.due);
            plan.held.extend(s.held);
            plan.eligible.extend(s.eligible);
            plan.next_due_at = s.next_due_at;
            Some(PyPurgePlan {
                inner: Arc::new(plan),
                policy: Arc::new(policy),
            })
        };
        decode().ok_or_else(|| bad_state("PurgePlan")).py_err(py)
    }
}
