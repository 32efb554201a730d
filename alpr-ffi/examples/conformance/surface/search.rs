//! Suite `search` through `alpr_detection_store_new` and `alpr_detection_store_search`, as a C
//! program would call them (times as Unix milliseconds, columns as arrays, a caller buffer).

use serde_json::{Value, json};

use alpr::alpr_detection_store;
use alpr::alpr_status;
use alpr::policy::alpr_policy;

use super::{error_answer, str_field};

/// RFC 3339 text to Unix milliseconds (the caller's own time parsing).
fn ms(text: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("bad time in the case: {e}"))
}

fn opt_ms(v: &Value, key: &str, open: i64) -> Result<i64, String> {
    v.get(key).and_then(Value::as_str).map_or(Ok(open), ms)
}

fn num(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// Frees the handles on every path.
struct Handles {
    policy: *const alpr_policy,
    store: *const alpr_detection_store,
}

impl Drop for Handles {
    fn drop(&mut self) {
        // SAFETY: each is NULL or a live handle owned here.
        unsafe {
            alpr::alpr_detection_store_free(self.store);
            alpr::policy::alpr_policy_free(self.policy);
        }
    }
}

pub(crate) fn search(case: &Value) -> Result<Value, String> {
    let mut h = Handles {
        policy: std::ptr::null(),
        store: std::ptr::null(),
    };
    if let Some(over) = case.get("policy") {
        let mut base: *const alpr_policy = std::ptr::null();
        // SAFETY: valid out-pointer.
        let st = unsafe { alpr::policy::alpr_policy_default(&raw mut base) };
        if st != alpr_status::Ok {
            return Ok(error_answer(st));
        }
        let text = over.to_string();
        // SAFETY: base is live; text is valid for its length; valid out-pointer.
        let st = unsafe {
            alpr::policy::alpr_policy_with_overrides_json(base, text.as_ptr(), text.len(), &raw mut h.policy)
        };
        // SAFETY: base is live and not used again.
        unsafe { alpr::policy::alpr_policy_free(base) };
        if st != alpr_status::Ok {
            return Ok(error_answer(st));
        }
    }
    let dets = case
        .get("detections")
        .and_then(Value::as_array)
        .ok_or("no detections")?;
    let mut ids = Vec::new();
    let mut plates: Vec<String> = Vec::new();
    let mut observed = Vec::new();
    let (mut lat, mut lon) = (Vec::new(), Vec::new());
    for d in dets {
        ids.push(d.get("id").and_then(Value::as_u64).ok_or("detection without id")?);
        plates.push(str_field(d, "plate")?.to_owned());
        observed.push(ms(str_field(d, "observed_at")?)?);
        lat.push(num(d, "lat"));
        lon.push(num(d, "lon"));
    }
    let ptrs: Vec<*const u8> = plates.iter().map(|p| p.as_ptr()).collect();
    let lens: Vec<usize> = plates.iter().map(String::len).collect();
    // SAFETY: every array holds dets.len() elements; each plate pointer has its length.
    let st = unsafe {
        alpr::alpr_detection_store_new(
            ids.as_ptr(),
            ptrs.as_ptr(),
            lens.as_ptr(),
            observed.as_ptr(),
            lat.as_ptr(),
            lon.as_ptr(),
            ids.len(),
            &raw mut h.store,
        )
    };
    if st != alpr_status::Ok {
        return Ok(error_answer(st));
    }
    let held: Vec<u64> = case
        .get("holds")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|h| h.as_u64().or_else(|| h.get("id").and_then(Value::as_u64)))
                .collect()
        })
        .unwrap_or_default();
    let q = case.get("query").ok_or("no query")?;
    let pattern = str_field(q, "pattern")?;
    let near = q.get("near");
    let now = ms(str_field(case, "now")?)?;
    let query = alpr::alpr_detection_query {
        pattern: pattern.as_ptr(),
        pattern_len: pattern.len(),
        from_ms: opt_ms(q, "from", i64::MIN)?,
        to_ms: opt_ms(q, "to", i64::MAX)?,
        has_near: near.is_some(),
        lat: near.map_or(0.0, |v| num(v, "lat")),
        lon: near.map_or(0.0, |v| num(v, "lon")),
        radius_m: near.map_or(0.0, |v| num(v, "radius_m")),
    };
    // First with no room, to learn the count (the documented retry protocol), then for real.
    let mut out: Vec<u64> = Vec::new();
    loop {
        let mut n = 0usize;
        // SAFETY: the store is live; the policy NULL or live; the query's pattern, held and out
        // are valid for their lengths; n is a valid out-pointer.
        let st = unsafe {
            alpr::alpr_detection_store_search(
                h.store,
                h.policy,
                &raw const query,
                now,
                held.as_ptr(),
                held.len(),
                out.as_mut_ptr(),
                out.len(),
                &raw mut n,
            )
        };
        match st {
            alpr_status::Ok => {
                out.truncate(n);
                return Ok(json!({ "ids": out }));
            }
            alpr_status::InsufficientSize if n > out.len() => out = vec![0; n],
            _ => return Ok(error_answer(st)),
        }
    }
}
