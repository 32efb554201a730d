//! Suites `retention`, `access` and `sharing` through `alpr_retention_class`,
//! `alpr_purge_plan_*`, `alpr_access_decide_json` and `alpr_sharing_decide_json`.

use serde_json::{Value, json};

use alpr as g;
use alpr::alpr_status;
use alpr::policy::alpr_policy;

use super::{error_answer, status_name, str_field};

fn ms(s: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|e| e.to_string())
}

/// The case's policy handle (caller frees), or the status of a failed override.
fn policy(case: &Value) -> Result<*const alpr_policy, alpr_status> {
    let mut p: *const alpr_policy = std::ptr::null();
    // SAFETY: valid out-pointer.
    let st = unsafe { alpr::policy::alpr_policy_default(&raw mut p) };
    if st != alpr_status::Ok {
        return Err(st);
    }
    let Some(o) = case.get("policy") else { return Ok(p) };
    let text = o.to_string();
    let mut q: *const alpr_policy = std::ptr::null();
    // SAFETY: p is live; text valid for its length; q a valid out-pointer.
    let st = unsafe { alpr::policy::alpr_policy_with_overrides_json(p, text.as_ptr(), text.len(), &raw mut q) };
    // SAFETY: p is live and not used again.
    unsafe { alpr::policy::alpr_policy_free(p) };
    if st == alpr_status::Ok { Ok(q) } else { Err(st) }
}

fn reasons(buf: &[u32]) -> Vec<String> {
    buf.iter()
        .map(|&n| {
            let p = alpr::error::alpr_status_str(n);
            // SAFETY: static NUL-terminated text.
            unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned()
        })
        .collect()
}

pub(crate) fn retention(case: &Value) -> Result<Value, String> {
    let p = match policy(case) {
        Ok(p) => p,
        Err(st) => return Ok(error_answer(st)),
    };
    let out = retention_with(case, p);
    // SAFETY: p is live and not used again.
    unsafe { alpr::policy::alpr_policy_free(p) };
    out
}

fn retention_with(case: &Value, p: *const alpr_policy) -> Result<Value, String> {
    let mut records = Vec::new();
    for r in case["records"].as_array().into_iter().flatten() {
        let class = str_field(r, "class")?;
        let mut class_id = 0u32;
        // SAFETY: live policy; class valid for its length; valid out-pointer.
        let st = unsafe { g::alpr_retention_class(p, class.as_ptr(), class.len(), &raw mut class_id) };
        if st != alpr_status::Ok {
            return Ok(error_answer(st));
        }
        records.push(g::alpr_retention_record {
            id: r["id"].as_u64().ok_or("record without id")?,
            class_id,
            captured_at_ms: ms(str_field(r, "captured_at")?)?,
        });
    }
    // A hold is an id, or an object naming its record (`id`), case and kind (R-RET-3), as in `search`.
    let holds: Vec<u64> = case["holds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            h.as_u64()
                .or_else(|| h.get("id").and_then(Value::as_u64))
                .ok_or("hold without id")
        })
        .collect::<Result<_, _>>()?;
    let mut plan: *const g::alpr_purge_plan = std::ptr::null();
    // SAFETY: live policy; slices valid for their lengths; valid out-pointer.
    let st = unsafe {
        g::alpr_purge_plan_new(
            p,
            records.as_ptr(),
            records.len(),
            holds.as_ptr(),
            holds.len(),
            ms(str_field(case, "now")?)?,
            &raw mut plan,
        )
    };
    if st != alpr_status::Ok {
        return Ok(error_answer(st));
    }
    let mut answer = json!({});
    for (name, set) in [
        ("due", g::ALPR_PURGE_DUE),
        ("held", g::ALPR_PURGE_HELD),
        ("eligible", g::ALPR_PURGE_ELIGIBLE),
    ] {
        let mut n = 0usize;
        // SAFETY: live plan; a NULL buffer with capacity 0 asks for the size.
        let st = unsafe { g::alpr_purge_plan_ids(plan, set, std::ptr::null_mut(), 0, &raw mut n) };
        if st != alpr_status::Ok && st != alpr_status::InsufficientSize {
            return Err(status_name(st));
        }
        let mut ids = vec![0u64; n];
        // SAFETY: ids has n writable values.
        let st = unsafe { g::alpr_purge_plan_ids(plan, set, ids.as_mut_ptr(), ids.len(), &raw mut n) };
        if st != alpr_status::Ok {
            return Err(status_name(st));
        }
        answer[name] = json!(ids);
    }
    let (mut at, mut has) = (0i64, false);
    // SAFETY: live plan; valid out-pointers.
    unsafe { g::alpr_purge_plan_next_due_at(plan, &raw mut at, &raw mut has) };
    answer["next_due_at"] = if has {
        json!(chrono::DateTime::from_timestamp_millis(at).map(|t| t.to_rfc3339()))
    } else {
        Value::Null
    };
    // SAFETY: live plan, not used again.
    unsafe { g::alpr_purge_plan_free(plan) };
    Ok(answer)
}

pub(crate) fn access(case: &Value) -> Result<Value, String> {
    let p = match policy(case) {
        Ok(p) => p,
        Err(st) => return Ok(error_answer(st)),
    };
    let user = case["user"].to_string();
    let request = case["request"].to_string();
    let now = ms(str_field(case, "now")?)?;
    let mut allowed = false;
    let mut buf = [0u32; 16];
    let mut n = 0usize;
    // SAFETY: live policy; strings valid for their lengths; valid out-pointers and buffer.
    let st = unsafe {
        g::alpr_access_decide_json(
            p,
            user.as_ptr(),
            user.len(),
            request.as_ptr(),
            request.len(),
            now,
            &raw mut allowed,
            buf.as_mut_ptr(),
            buf.len(),
            &raw mut n,
        )
    };
    // SAFETY: live policy, not used again.
    unsafe { alpr::policy::alpr_policy_free(p) };
    if st != alpr_status::Ok {
        return Ok(error_answer(st));
    }
    Ok(json!({ "decision": if allowed { "allow" } else { "deny" }, "reasons": reasons(&buf[..n]) }))
}

pub(crate) fn sharing(case: &Value) -> Result<Value, String> {
    let p = match policy(case) {
        Ok(p) => p,
        Err(st) => return Ok(error_answer(st)),
    };
    let request = case["request"].to_string();
    let mut decision = 0u32;
    let mut approver = [0u8; 64];
    let mut approver_n = 0usize;
    let mut buf = [0u32; 16];
    let mut n = 0usize;
    // SAFETY: live policy; request valid for its length; valid out-pointers and buffers.
    let st = unsafe {
        g::alpr_sharing_decide_json(
            p,
            request.as_ptr(),
            request.len(),
            &raw mut decision,
            approver.as_mut_ptr(),
            approver.len(),
            &raw mut approver_n,
            buf.as_mut_ptr(),
            buf.len(),
            &raw mut n,
        )
    };
    // SAFETY: live policy, not used again.
    unsafe { alpr::policy::alpr_policy_free(p) };
    if st == alpr_status::InsufficientSize {
        return Err("approver role longer than 63 bytes".to_owned());
    }
    if st != alpr_status::Ok {
        return Ok(error_answer(st));
    }
    let name = match decision {
        g::ALPR_SHARE_ALLOW => "allow",
        g::ALPR_SHARE_DENY => "deny",
        _ => "needs_approval",
    };
    let approver = (approver_n > 0).then(|| String::from_utf8_lossy(&approver[..approver_n]).into_owned());
    Ok(json!({ "decision": name, "approver": approver, "reasons": reasons(&buf[..n]) }))
}
