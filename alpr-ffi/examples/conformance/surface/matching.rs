//! Suite `match` through `alpr_policy_with_overrides_json`, `alpr_registry_new`,
//! `alpr_registry_load_json`, `alpr_registry_match` and the `*_str` name functions.

use std::ffi::CStr;
use std::ffi::c_char;

use serde_json::{Value, json};

use alpr::alpr_status;
use alpr::{ALPR_HIT_PLATE_TYPE_MISMATCH, ALPR_HIT_STALE, alpr_hit, alpr_read};

use super::{error_answer, str_field};

/// Unix milliseconds of an RFC 3339 time (the harness's own parsing, as a C program has its own).
fn ms(s: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|e| e.to_string())
}

fn name(p: *const c_char) -> String {
    if p.is_null() {
        return "(null)".to_owned();
    }
    // SAFETY: the name functions return static NUL-terminated text.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn c_str(buf: &[u8]) -> String {
    let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn two(v: Option<&str>) -> [u8; 2] {
    // The C read holds two bytes: the text is trimmed here, as `Jurisdiction::parse` trims it.
    match v.map(|s| s.trim().as_bytes()) {
        Some([a, b]) => [*a, *b],
        Some(_) => [b'?', b'?'],
        None => [0, 0],
    }
}

struct Owned {
    policy: *const alpr::policy::alpr_policy,
    registry: *const alpr::registry::alpr_registry,
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: both are NULL or handles this adapter owns.
        unsafe {
            alpr::registry::alpr_registry_free(self.registry);
            alpr::policy::alpr_policy_free(self.policy);
        }
    }
}

pub(crate) fn match_case(case: &Value) -> Result<Value, String> {
    let mut h = Owned {
        policy: std::ptr::null(),
        registry: std::ptr::null(),
    };
    let overrides = case.get("policy").map_or_else(|| "{}".to_owned(), Value::to_string);
    let mut base = std::ptr::null();
    // SAFETY: valid out-pointers and buffers throughout.
    unsafe {
        if alpr::policy::alpr_policy_default(&raw mut base) != alpr_status::Ok {
            return Err("policy_default failed".into());
        }
        let st =
            alpr::policy::alpr_policy_with_overrides_json(base, overrides.as_ptr(), overrides.len(), &raw mut h.policy);
        alpr::policy::alpr_policy_free(base);
        if st != alpr_status::Ok {
            return Err(format!("policy overrides: {st:?}"));
        }
        if alpr::registry::alpr_registry_new(h.policy, &raw mut h.registry) != alpr_status::Ok {
            return Err("registry_new failed".into());
        }
        for list in case.get("lists").and_then(Value::as_array).into_iter().flatten() {
            let text = list.to_string();
            // A version that fails to load leaves the previous one in force (R-LIST-4): the
            // match goes on without it.
            let _ =
                alpr::registry::alpr_registry_load_json(h.registry, text.as_ptr(), text.len(), std::ptr::null_mut());
        }
    }
    let now = ms(str_field(case, "now")?)?;
    let r = case.get("read").ok_or("case has no read")?;
    let plate = str_field(r, "plate")?;
    let origin = match r.get("origin").and_then(Value::as_str).unwrap_or("vehicle") {
        "fixed" => alpr::ALPR_ORIGIN_FIXED,
        "desktop" => alpr::ALPR_ORIGIN_DESKTOP,
        _ => alpr::ALPR_ORIGIN_VEHICLE,
    };
    let read = alpr_read {
        plate: plate.as_ptr(),
        plate_len: plate.len(),
        jurisdiction: two(r.get("jurisdiction").and_then(Value::as_str)),
        plate_type: two(r.get("plate_type").and_then(Value::as_str)),
        origin,
        observed_at_ms: ms(str_field(r, "observed_at")?)?,
        ..alpr::alpr_read_init()
    };
    // A `match` case has no viewer (R-LIST-2: a match made without one does not return covert
    // hits): `alpr_registry_match`, which withholds them; a viewer gets them through
    // `alpr_agency_match`.
    // First with no room, to learn the count, then with exactly that many slots.
    let mut n = 0usize;
    // SAFETY: valid pointers; no room is NULL with capacity 0.
    let st =
        unsafe { alpr::alpr_registry_match(h.registry, &raw const read, now, std::ptr::null_mut(), 0, &raw mut n) };
    if st != alpr_status::Ok && st != alpr_status::InsufficientSize {
        return Ok(error_answer(st));
    }
    // SAFETY: alpr_hit is plain data; all-zero is a valid value.
    let mut hits: Vec<alpr_hit> = vec![unsafe { std::mem::zeroed() }; n];
    // SAFETY: hits has n writable slots.
    let st = unsafe {
        alpr::alpr_registry_match(
            h.registry,
            &raw const read,
            now,
            hits.as_mut_ptr(),
            hits.len(),
            &raw mut n,
        )
    };
    if st != alpr_status::Ok {
        return Ok(error_answer(st));
    }
    let hits: Vec<Value> = hits
        .iter()
        .map(|x| {
            json!({
                "list": c_str(&x.list_id),
                "entry": c_str(&x.entry),
                "kind": name(alpr::alpr_match_kind_str(x.kind)),
                "tier": name(alpr::alpr_tier_str(x.tier)),
                "jurisdiction": name(alpr::alpr_jurisdiction_outcome_str(x.jurisdiction)),
                "list_kind": name(alpr::alpr_list_kind_str(x.list_kind)),
                "category": name(alpr::alpr_category_str(x.category)),
                "priority": x.priority,
                "positions": (0..32).filter(|i| x.positions >> i & 1 == 1).collect::<Vec<u32>>(),
                "stale": x.flags & ALPR_HIT_STALE != 0,
                "plate_type_mismatch": x.flags & ALPR_HIT_PLATE_TYPE_MISMATCH != 0,
            })
        })
        .collect();
    Ok(json!({ "hits": hits }))
}
