//! Suites `hot_plate`, `hit_workflow`, `operations` and `public_records`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use alpr_core::vocab::{Category, ListKind, Origin};
use alpr_core::workflow::{Event, HitWorkflow};
use alpr_core::{Policy, hotplate, ops, records, time};

/// The case's policy: the built-in profile with the case's `policy` overrides.
fn policy(case: &Value) -> Result<Policy, String> {
    match case.get("policy") {
        Some(o) => Policy::sacramento().with_overrides(o).map_err(|e| e.to_string()),
        None => Ok(Policy::sacramento()),
    }
}

pub(crate) fn hot_plate(case: &Value) -> Result<Value, String> {
    let form: hotplate::HotPlateForm =
        serde_json::from_value(case.get("entry").cloned().unwrap_or(Value::Null)).map_err(|e| e.to_string())?;
    let codes: Vec<&str> = hotplate::violations(&form, &policy(case)?)
        .iter()
        .map(|c| c.as_str())
        .collect();
    Ok(json!({ "violations": codes }))
}

pub(crate) fn hit_workflow(case: &Value) -> Result<Value, String> {
    let h = case.get("hit").ok_or("case has no hit")?;
    let field = |k: &str| {
        h.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("hit has no {k}"))
    };
    let kind = ListKind::parse(field("list_kind")?).map_err(|e| e.to_string())?;
    let category = Category::parse(field("category")?).map_err(|e| e.to_string())?;
    let origin = Origin::parse(field("origin")?).map_err(|e| e.to_string())?;
    let mut hit = HitWorkflow::new(kind, category, origin, &policy(case)?);
    let mut steps = Vec::new();
    for step in case.get("steps").and_then(Value::as_array).ok_or("case has no steps")? {
        let event: Event = serde_json::from_value(step.clone()).map_err(|e| e.to_string())?;
        let result = hit.apply(event).err().map_or("ok", |e| e.code().as_str());
        steps.push(json!({ "result": result, "status": hit.status().as_str() }));
    }
    let violations: Vec<&str> = hit.violations().iter().map(|c| c.as_str()).collect();
    Ok(json!({ "steps": steps, "violations": violations, "call_types": hit.call_types() }))
}

pub(crate) fn operations(case: &Value) -> Result<Value, String> {
    let p = policy(case)?;
    if let Some(checks) = case.get("shift_checks") {
        let checks: BTreeMap<String, bool> = serde_json::from_value(checks.clone()).map_err(|e| e.to_string())?;
        let s = ops::shift_start(&checks, &p);
        return Ok(json!({ "ready": s.ready, "failed": s.failed }));
    }
    let date = |k: &str| -> Result<chrono::NaiveDate, String> {
        let s = case
            .get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("case has no {k}"))?;
        time::parse_date(s).map_err(|e| e.to_string())
    };
    let i = ops::inspection(date("last_inspected")?, date("today")?, &p);
    Ok(json!({ "inspection_overdue": i.overdue, "inspection_due": i.due }))
}

pub(crate) fn public_records(case: &Value) -> Result<Value, String> {
    let refused = case.get("refused_referral").and_then(Value::as_bool).unwrap_or(false);
    let citizen: records::Citizen =
        serde_json::from_value(case.get("citizen").cloned().unwrap_or_else(|| json!({}))).map_err(|e| e.to_string())?;
    let r = records::pra_request(refused, &citizen, &policy(case)?);
    serde_json::to_value(&r).map_err(|e| e.to_string())
}
