//! Suite `search` through `alpr_detection_store_new` and the guarded `alpr_agency_search`, as a
//! C program would call them (times as Unix milliseconds, columns as arrays, result handles):
//! an agency opened for tests at the case's `now`, with an investigator who searches and a
//! supervisor who places the case's legal holds (the only reads of detections on the C ABI go
//! through an agency's audit log).

use serde_json::{Value, json};

use alpr::alpr_status;
use alpr::policy::alpr_policy;
use alpr::{alpr_agency, alpr_detection_store};

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
    agency: *const alpr_agency,
}

impl Drop for Handles {
    fn drop(&mut self) {
        // SAFETY: each is NULL or a live handle owned here.
        unsafe {
            alpr::alpr_agency_free(self.agency);
            alpr::alpr_detection_store_free(self.store);
            alpr::policy::alpr_policy_free(self.policy);
        }
    }
}

pub(crate) fn search(case: &Value) -> Result<Value, String> {
    let mut h = Handles {
        policy: std::ptr::null(),
        store: std::ptr::null(),
        agency: std::ptr::null(),
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
    let now_text = str_field(case, "now")?;
    let now = ms(now_text)?;
    let roster = alpr_conformance::search_roster(case)?.to_string();
    let name = "SPD";
    // SAFETY: the strings are valid for their lengths; the policy NULL or live; valid out-pointer.
    let st = unsafe {
        alpr::alpr_agency_open_for_tests_and_replays(
            name.as_ptr(),
            name.len(),
            h.policy,
            std::ptr::null(),
            0,
            roster.as_ptr(),
            roster.len(),
            now,
            &raw mut h.agency,
        )
    };
    if st != alpr_status::Ok {
        return Ok(error_answer(st));
    }
    for hold in alpr_conformance::case_holds(case)? {
        let (id, case_no, kind) = (hold.id, hold.case_number.as_str(), hold.kind.as_str());
        let user = "s1";
        // SAFETY: the agency is live; the strings are valid for their lengths.
        let st = unsafe {
            alpr::alpr_agency_place_legal_hold(
                h.agency,
                user.as_ptr(),
                user.len(),
                id,
                case_no.as_ptr(),
                case_no.len(),
                kind.as_ptr(),
                kind.len(),
            )
        };
        if st != alpr_status::Ok {
            return Ok(error_answer(st));
        }
    }
    let q = case.get("query").ok_or("no query")?;
    let pattern = str_field(q, "pattern")?;
    let near = q.get("near");
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
    let (user, request) = ("c1", r#"{"action": "query_detections", "purpose": "stolen_vehicle"}"#);
    let mut list: *const alpr::alpr_id_list = std::ptr::null();
    // SAFETY: the agency and store are live; the strings and the query's pattern are valid for
    // their lengths; valid out-pointer.
    let st = unsafe {
        alpr::alpr_agency_search(
            h.agency,
            h.store,
            user.as_ptr(),
            user.len(),
            request.as_ptr(),
            request.len(),
            &raw const query,
            &raw mut list,
        )
    };
    if st != alpr_status::Ok {
        return Ok(error_answer(st));
    }
    let (mut data, mut n): (*const u64, usize) = (std::ptr::null(), 0);
    // SAFETY: the list is live; valid out-pointers.
    let st = unsafe { alpr::alpr_id_list_data(list, &raw mut data, &raw mut n) };
    let ids: Vec<u64> = if st == alpr_status::Ok && n > 0 {
        // SAFETY: the list lends `n` ids at `data` until it is freed (below).
        unsafe { std::slice::from_raw_parts(data, n) }.to_vec()
    } else {
        Vec::new()
    };
    // SAFETY: the list is live and not used again.
    unsafe { alpr::alpr_id_list_free(list) };
    if st != alpr_status::Ok {
        return Ok(error_answer(st));
    }
    Ok(json!({ "ids": ids }))
}
