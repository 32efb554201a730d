//! Suites `hot_plate`, `hit_workflow`, `operations` and `public_records` through the exported
//! functions only: the hit handle and its event calls, and the JSON-in entry points.

use serde_json::{Value, json};

use alpr::alpr_status;
use alpr::ops::{alpr_inspection_check, alpr_pra_request_json, alpr_shift_start_json};
use alpr::policy::{alpr_policy, alpr_policy_free, alpr_policy_with_overrides_json};
use alpr::{
    alpr_hit_workflow, alpr_hit_workflow_acknowledge, alpr_hit_workflow_broadcast, alpr_hit_workflow_call_types_json,
    alpr_hit_workflow_close, alpr_hit_workflow_confirm, alpr_hit_workflow_free, alpr_hit_workflow_mdc_query,
    alpr_hit_workflow_new, alpr_hit_workflow_record_basis, alpr_hit_workflow_reject, alpr_hit_workflow_status,
    alpr_hit_workflow_stop, alpr_hit_workflow_violations, alpr_hot_plate_validate_json,
};

use super::status_name;

/// The case's policy as a handle (NULL for the built-in profile when the case has none).
struct CasePolicy(*const alpr_policy);

impl CasePolicy {
    fn of(case: &Value) -> Result<CasePolicy, String> {
        let Some(o) = case.get("policy") else {
            return Ok(CasePolicy(std::ptr::null()));
        };
        let text = o.to_string();
        let mut p: *const alpr_policy = std::ptr::null();
        // Overrides apply to a base profile: the built-in one.
        let mut base: *const alpr_policy = std::ptr::null();
        // SAFETY: base is a valid out-pointer.
        if unsafe { alpr::policy::alpr_policy_default(&raw mut base) } != alpr_status::Ok {
            return Err("alpr_policy_default failed".into());
        }
        // SAFETY: base is live; text is valid for its length; p is a valid out-pointer.
        let st = unsafe { alpr_policy_with_overrides_json(base, text.as_ptr(), text.len(), &raw mut p) };
        // SAFETY: base is live and not used again.
        unsafe { alpr_policy_free(base) };
        if st == alpr_status::Ok {
            Ok(CasePolicy(p))
        } else {
            Err(format!("policy overrides: {}", status_name(st)))
        }
    }
}

impl Drop for CasePolicy {
    fn drop(&mut self) {
        // SAFETY: NULL or a live policy owned by this value.
        unsafe { alpr_policy_free(self.0) };
    }
}

/// Calls a string-out function with a growing buffer.
fn string_out(f: impl Fn(*mut u8, usize, *mut usize) -> alpr_status) -> Result<String, String> {
    let mut n = 0usize;
    let st = f(std::ptr::null_mut(), 0, &raw mut n);
    if st != alpr_status::Ok && st != alpr_status::InsufficientSize {
        return Err(status_name(st));
    }
    let mut buf = vec![0u8; n + 1];
    let st = f(buf.as_mut_ptr(), buf.len(), &raw mut n);
    if st != alpr_status::Ok {
        return Err(status_name(st));
    }
    buf.truncate(n);
    String::from_utf8(buf).map_err(|e| e.to_string())
}

fn json_out(f: impl Fn(*mut u8, usize, *mut usize) -> alpr_status) -> Result<Value, String> {
    serde_json::from_str(&string_out(f)?).map_err(|e| e.to_string())
}

pub(crate) fn hot_plate(case: &Value) -> Result<Value, String> {
    let policy = CasePolicy::of(case)?;
    let text = case.get("entry").ok_or("case has no entry")?.to_string();
    let mut codes = [0u32; 32];
    let mut n = 0usize;
    // SAFETY: text, codes and n are valid for the lengths given.
    let st = unsafe {
        alpr_hot_plate_validate_json(
            policy.0,
            text.as_ptr(),
            text.len(),
            codes.as_mut_ptr(),
            codes.len(),
            &raw mut n,
        )
    };
    if st != alpr_status::Ok {
        return Err(format!("alpr_hot_plate_validate_json: {}", status_name(st)));
    }
    let names: Vec<String> = codes[..n].iter().map(|&c| status_of_number(c)).collect();
    Ok(json!({ "violations": names }))
}

fn status_of_number(n: u32) -> String {
    let p = alpr::error::alpr_status_str(n);
    // SAFETY: alpr_status_str returns static NUL-terminated text.
    unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Owns a hit handle.
struct Hit(*mut alpr_hit_workflow);

impl Drop for Hit {
    fn drop(&mut self) {
        // SAFETY: a live hit owned by this value.
        unsafe { alpr_hit_workflow_free(self.0) };
    }
}

fn step(hit: *mut alpr_hit_workflow, s: &Value) -> Result<alpr_status, String> {
    let event = s.get("event").and_then(Value::as_str).ok_or("step has no event")?;
    let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let flag = |k: &str| {
        s.get("response")
            .and_then(|r| r.get(k))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    // SAFETY: hit is live and used by this thread only; strings are valid for their lengths.
    Ok(unsafe {
        match event {
            "acknowledge" => alpr_hit_workflow_acknowledge(hit),
            "broadcast" => alpr_hit_workflow_broadcast(hit),
            "mdc_query" => alpr_hit_workflow_mdc_query(hit),
            "record_basis" => alpr_hit_workflow_record_basis(hit),
            "stop" => alpr_hit_workflow_stop(hit),
            "confirm" => alpr_hit_workflow_confirm(
                hit,
                flag("record_active"),
                flag("plate_verified"),
                flag("jurisdiction_verified"),
                flag("occupied"),
            ),
            "reject" => {
                let d = text("disposition");
                alpr_hit_workflow_reject(hit, d.as_ptr(), d.len())
            }
            "close" => {
                let o = text("outcome");
                alpr_hit_workflow_close(hit, o.as_ptr(), o.len())
            }
            other => return Err(format!("unknown event {other}")),
        }
    })
}

pub(crate) fn hit_workflow(case: &Value) -> Result<Value, String> {
    let policy = CasePolicy::of(case)?;
    let h = case.get("hit").ok_or("case has no hit")?;
    let field = |k: &str| h.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let (kind, cat, origin) = (field("list_kind"), field("category"), field("origin"));
    let mut raw: *mut alpr_hit_workflow = std::ptr::null_mut();
    // SAFETY: strings valid for their lengths; raw is a valid out-pointer.
    let st = unsafe {
        alpr_hit_workflow_new(
            policy.0,
            kind.as_ptr(),
            kind.len(),
            cat.as_ptr(),
            cat.len(),
            origin.as_ptr(),
            origin.len(),
            &raw mut raw,
        )
    };
    if st != alpr_status::Ok {
        return Err(format!("alpr_hit_workflow_new: {}", status_name(st)));
    }
    let hit = Hit(raw);
    let mut steps = Vec::new();
    for s in case.get("steps").and_then(Value::as_array).ok_or("case has no steps")? {
        let st = step(hit.0, s)?;
        // SAFETY: hit is live; the closure's buffers are valid for their lengths.
        let status = string_out(|b, l, n| unsafe { alpr_hit_workflow_status(hit.0, b, l, n) })?;
        steps.push(json!({ "result": status_name(st), "status": status }));
    }
    let mut codes = [0u32; 8];
    let mut n = 0usize;
    // SAFETY: hit is live; codes and n are valid.
    let st = unsafe { alpr_hit_workflow_violations(hit.0, codes.as_mut_ptr(), codes.len(), &raw mut n) };
    if st != alpr_status::Ok {
        return Err(format!("alpr_hit_workflow_violations: {}", status_name(st)));
    }
    let violations: Vec<String> = codes[..n].iter().map(|&c| status_of_number(c)).collect();
    // SAFETY: hit is live; the closure's buffers are valid for their lengths.
    let call_types = json_out(|b, l, n| unsafe { alpr_hit_workflow_call_types_json(hit.0, b, l, n) })?;
    Ok(json!({ "steps": steps, "violations": violations, "call_types": call_types }))
}

pub(crate) fn operations(case: &Value) -> Result<Value, String> {
    let policy = CasePolicy::of(case)?;
    if let Some(checks) = case.get("shift_checks") {
        let text = checks.to_string();
        // SAFETY: text valid for its length; the closure's buffers are valid for their lengths.
        return json_out(|b, l, n| unsafe { alpr_shift_start_json(policy.0, text.as_ptr(), text.len(), b, l, n) });
    }
    let date = |k: &str| case.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let (last, today) = (date("last_inspected"), date("today"));
    let (mut due, mut overdue) = (false, false);
    // SAFETY: strings valid for their lengths; out-pointers valid.
    let st = unsafe {
        alpr_inspection_check(
            policy.0,
            last.as_ptr(),
            last.len(),
            today.as_ptr(),
            today.len(),
            &raw mut due,
            &raw mut overdue,
        )
    };
    if st != alpr_status::Ok {
        return Ok(super::error_answer(st));
    }
    Ok(json!({ "inspection_overdue": overdue, "inspection_due": due }))
}

pub(crate) fn public_records(case: &Value) -> Result<Value, String> {
    let policy = CasePolicy::of(case)?;
    let refused = case.get("refused_referral").and_then(Value::as_bool).unwrap_or(false);
    let text = case.get("citizen").map(Value::to_string).unwrap_or_default();
    // SAFETY: text valid for its length; the closure's buffers are valid for their lengths.
    json_out(|b, l, n| unsafe { alpr_pra_request_json(policy.0, refused, text.as_ptr(), text.len(), b, l, n) })
}
