//! Suites `hotlist_load` and `hotlist_file` through `alpr_registry_load_json`,
//! `alpr_registry_load_bytes`, the load-report accessors and `alpr_registry_list_entry_json`.

use serde_json::{Value, json};

use alpr as h;
use alpr as r;
use alpr::alpr_status;

use super::{error_answer, str_field};

/// A registry with the case's policy: the built-in profile with the case's overrides.
fn registry(case: &Value) -> Result<*const r::alpr_registry, String> {
    let mut policy: *const alpr::policy::alpr_policy = std::ptr::null();
    if let Some(over) = case.get("policy") {
        let text = over.to_string();
        let mut base: *const alpr::policy::alpr_policy = std::ptr::null();
        // SAFETY: base and policy are valid out-pointers; text is valid for its length.
        let st = unsafe {
            alpr::policy::alpr_policy_default(&raw mut base);
            let st = alpr::policy::alpr_policy_with_overrides_json(base, text.as_ptr(), text.len(), &raw mut policy);
            alpr::policy::alpr_policy_free(base);
            st
        };
        if st != alpr_status::Ok {
            return Err(format!("policy overrides refused: {}", super::status_name(st)));
        }
    }
    let mut reg: *const r::alpr_registry = std::ptr::null();
    // SAFETY: policy is NULL or live; reg is a valid out-pointer.
    let st = unsafe { r::alpr_registry_new(policy, &raw mut reg) };
    // SAFETY: the registry keeps its own reference; NULL is a no-op.
    unsafe { alpr::policy::alpr_policy_free(policy) };
    if st == alpr_status::Ok {
        Ok(reg)
    } else {
        Err(format!("alpr_registry_new: {}", super::status_name(st)))
    }
}

/// The report's counts and rejections as the answer fields.
fn report_answer(report: *mut r::alpr_load_report) -> Value {
    let (mut accepted, mut merged, mut rejected) = (0usize, 0usize, 0usize);
    // SAFETY: report is live; the out-pointers are valid.
    unsafe { r::alpr_load_report_counts(report, &raw mut accepted, &raw mut merged, &raw mut rejected) };
    let mut rej = Vec::new();
    for i in 0..rejected {
        let mut code = 0u32;
        let mut pos = alpr::error::alpr_position {
            line: -1,
            column: -1,
            character: -1,
            index: -1,
        };
        // SAFETY: as above; i is in range.
        unsafe { r::alpr_load_report_rejected(report, i, &raw mut code, &raw mut pos) };
        let p = alpr::error::alpr_status_str(code);
        // SAFETY: alpr_status_str returns static NUL-terminated text.
        let mut o = json!({ "error": unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy() });
        for (k, v) in [
            ("index", pos.index),
            ("line", pos.line),
            ("column", pos.column),
            ("character", pos.character),
        ] {
            if v >= 0 {
                o[k] = json!(v);
            }
        }
        rej.push(o);
    }
    json!({ "accepted": accepted, "merged": merged, "rejected": rej })
}

pub(crate) fn load(case: &Value) -> Result<Value, String> {
    let reg = registry(case)?;
    let text = case.get("list").ok_or("case has no list")?.to_string();
    let mut report: *mut r::alpr_load_report = std::ptr::null_mut();
    // SAFETY: reg is live; text is valid for its length; report is a valid out-pointer.
    let st = unsafe { r::alpr_registry_load_json(reg, text.as_ptr(), text.len(), &raw mut report) };
    let answer = if st == alpr_status::Ok {
        report_answer(report)
    } else {
        error_answer(st)
    };
    // SAFETY: both were created above; NULL is a no-op.
    unsafe {
        r::alpr_load_report_free(report);
        r::alpr_registry_free(reg);
    }
    Ok(answer)
}

pub(crate) fn file(case: &Value) -> Result<Value, String> {
    let format = match str_field(case, "format")? {
        "csv" => h::ALPR_FORMAT_CSV,
        "ca_doj_clew" => h::ALPR_FORMAT_CA_DOJ_CLEW,
        "ncic_extract" => h::ALPR_FORMAT_NCIC_EXTRACT,
        other => return Err(format!("unknown format {other}")),
    };
    let kind = match case.get("kind").and_then(Value::as_str).unwrap_or("standard") {
        "standard" => h::ALPR_LIST_KIND_STANDARD,
        "special" => h::ALPR_LIST_KIND_SPECIAL,
        "hot_plate" => h::ALPR_LIST_KIND_HOT_PLATE,
        "covert" => h::ALPR_LIST_KIND_COVERT,
        other => return Err(format!("unknown kind {other}")),
    };
    let loaded_at = chrono::DateTime::parse_from_rfc3339(
        case.get("loaded_at")
            .and_then(Value::as_str)
            .unwrap_or("2026-11-28T08:00:00-08:00"),
    )
    .map_err(|e| e.to_string())?
    .timestamp_millis();
    let priority = case.get("priority").and_then(Value::as_u64).unwrap_or(10).min(255) as u32;
    let id = case.get("id").and_then(Value::as_str).unwrap_or("FILE");
    let category = case.get("category").and_then(Value::as_str).unwrap_or("");
    let bytes = alpr_conformance::case_bytes(case)?;
    let reg = registry(case)?;
    let mut report: *mut r::alpr_load_report = std::ptr::null_mut();
    let options = h::alpr_load_options {
        format,
        id: id.as_ptr(),
        id_len: id.len(),
        kind,
        priority,
        loaded_at_ms: loaded_at,
        category: category.as_ptr(),
        category_len: category.len(),
        ..h::alpr_load_options_init()
    };
    // SAFETY: reg is live; every (pointer, length) pair is valid; report is a valid out-pointer.
    let st =
        unsafe { h::alpr_registry_load_bytes(reg, &raw const options, bytes.as_ptr(), bytes.len(), &raw mut report) };
    let answer = if st == alpr_status::Ok {
        let mut a = report_answer(report);
        let (mut has, mut ms) = (false, 0i64);
        // SAFETY: report is live; the out-pointers are valid.
        unsafe { h::alpr_load_report_generated_at(report, &raw mut has, &raw mut ms) };
        if has {
            a["generated_at"] = json!(
                chrono::DateTime::from_timestamp_millis(ms)
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default()
            );
        }
        a["accepted"] = json!(entries(reg, id)?);
        a
    } else {
        error_answer(st)
    };
    // SAFETY: both were created above; NULL is a no-op.
    unsafe {
        r::alpr_load_report_free(report);
        r::alpr_registry_free(reg);
    }
    Ok(answer)
}

/// The entries of a list in force, through `alpr_registry_list_entry_json`.
fn entries(reg: *const r::alpr_registry, id: &str) -> Result<Vec<Value>, String> {
    let (mut count, mut version) = (0usize, 0u64);
    // SAFETY: reg is live; id is valid for its length; count and version are valid out-pointers.
    let st = unsafe { h::alpr_registry_list_entry_count(reg, id.as_ptr(), id.len(), &raw mut count) };
    if st != alpr_status::Ok {
        return Err(format!("alpr_registry_list_entry_count: {}", super::status_name(st)));
    }
    // SAFETY: as above.
    let st = unsafe { h::alpr_registry_list_version(reg, id.as_ptr(), id.len(), &raw mut version) };
    if st != alpr_status::Ok {
        return Err(format!("alpr_registry_list_version: {}", super::status_name(st)));
    }
    let mut out = Vec::with_capacity(count);
    let mut buf = vec![0u8; 64];
    for i in 0..count {
        let mut n = 0usize;
        loop {
            // SAFETY: buf has buf.len() writable bytes; n is a valid out-pointer.
            let st = unsafe {
                h::alpr_registry_list_entry_json(
                    reg,
                    id.as_ptr(),
                    id.len(),
                    version,
                    i,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &raw mut n,
                )
            };
            match st {
                alpr_status::Ok => break,
                alpr_status::InsufficientSize => buf.resize(n + 1, 0),
                other => return Err(format!("alpr_registry_list_entry_json: {}", super::status_name(other))),
            }
        }
        out.push(serde_json::from_slice(&buf[..n]).map_err(|e| e.to_string())?);
    }
    Ok(out)
}
