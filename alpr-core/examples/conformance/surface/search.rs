//! Suite `search` (R-SEARCH-1, R-RET-6), through an agency as every read of stored detections
//! goes (R-AUDIT-1): an agency opened for tests at the case's `now`, with an investigator who
//! searches and a supervisor who places the case's legal holds, as the C and Python runners do.

use std::sync::Arc;

use serde_json::{Value, json};

use alpr_core::access::{AccessRequest, User};
use alpr_core::agency::{Agency, Clock};
use alpr_core::audit::MemoryStore;
use alpr_core::retention::HoldKind;
use alpr_core::search::{DetectionQuery, DetectionStoreBuilder, Near};
use alpr_core::time::parse_instant;
use alpr_core::{Error, PlateOrPattern, Policy, normalize};

use super::{error_answer, str_field};

fn num(v: &Value, key: &str) -> Result<f64, String> {
    v.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("no number {key}"))
}

fn time(v: &Value, key: &str) -> Result<Option<alpr_core::time::Instant>, Error> {
    v.get(key).and_then(Value::as_str).map(parse_instant).transpose()
}

pub(crate) fn search(case: &Value) -> Result<Value, String> {
    Ok(match run(case)? {
        Ok(ids) => json!({ "ids": ids }),
        Err(e) => error_answer(&e),
    })
}

fn run(case: &Value) -> Result<Result<Vec<u64>, Error>, String> {
    let policy = match case.get("policy") {
        Some(over) => match Policy::sacramento().with_overrides(over) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        },
        None => Policy::sacramento(),
    };
    let now = match parse_instant(str_field(case, "now")?) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let dets = case
        .get("detections")
        .and_then(Value::as_array)
        .ok_or("no detections")?;
    let mut b = DetectionStoreBuilder::with_capacity(dets.len());
    for d in dets {
        let id = d.get("id").and_then(Value::as_u64).ok_or("detection without id")?;
        let mut step = || -> Result<(), Error> {
            let plate = normalize(d.get("plate").and_then(Value::as_str).unwrap_or_default())?.plate;
            let jurisdiction = d
                .get("jurisdiction")
                .and_then(Value::as_str)
                .map(alpr_core::Jurisdiction::parse)
                .transpose()?;
            let at = time(d, "observed_at")?.ok_or_else(|| Error::new(alpr_core::Code::InvalidDate))?;
            let device = d.get("device_id").and_then(Value::as_str);
            b.push(
                id,
                plate,
                jurisdiction,
                at,
                num(d, "lat").unwrap_or(f64::NAN),
                num(d, "lon").unwrap_or(f64::NAN),
                device,
            )
        };
        if let Err(e) = step() {
            return Ok(Err(e));
        }
    }
    let q = case.get("query").ok_or("no query")?;
    let query = || -> Result<DetectionQuery, Error> {
        let term = PlateOrPattern::parse(
            q.get("pattern").and_then(Value::as_str).unwrap_or_default(),
            policy.pattern_limits(),
        )?;
        Ok(DetectionQuery {
            term,
            from: time(q, "from")?,
            to: time(q, "to")?,
            near: q.get("near").map(|n| Near {
                lat: num(n, "lat").unwrap_or(f64::NAN),
                lon: num(n, "lon").unwrap_or(f64::NAN),
                radius_m: num(n, "radius_m").unwrap_or(f64::NAN),
            }),
        })
    };
    let query = match query() {
        Ok(q) => q,
        Err(e) => return Ok(Err(e)),
    };
    let store = match b.build() {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let roster: Vec<User> =
        serde_json::from_value(alpr_conformance::search_roster(case)?).map_err(|e| e.to_string())?;
    let clock = Clock::fixed_for_tests_and_replays(now);
    let mut agency = match Agency::for_tests_and_replays("SPD", Arc::new(policy), MemoryStore::new(), roster, clock) {
        Ok(a) => a,
        Err(e) => return Ok(Err(e)),
    };
    for hold in alpr_conformance::case_holds(case)? {
        let kind = match HoldKind::parse(&hold.kind) {
            Ok(k) => k,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = agency.place_legal_hold("s1", hold.id, &hold.case_number, kind) {
            return Ok(Err(e));
        }
    }
    let request: AccessRequest =
        serde_json::from_value(json!({"action": "query_detections", "purpose": "stolen_vehicle"}))
            .map_err(|e| e.to_string())?;
    Ok(agency
        .search(&store, "c1", &request, &query)
        .map(|rows| store.ids_of(&rows)))
}
