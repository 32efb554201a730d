//! Suites `normalize` and `jurisdiction` through `alpr_plate_normalize` and
//! `alpr_jurisdiction_normalize`.

use serde_json::{Value, json};

use alpr::alpr_status;

use super::{error_answer, str_field};

pub(crate) fn normalize(case: &Value) -> Result<Value, String> {
    let raw = str_field(case, "input")?;
    let mut buf = [0u8; alpr::plate::ALPR_PLATE_BUF_LEN];
    let mut n = 0usize;
    let mut folded = false;
    // SAFETY: raw is valid for raw.len() bytes; buf, n and folded are valid out-pointers.
    let st = unsafe {
        alpr::plate::alpr_plate_normalize(
            raw.as_ptr(),
            raw.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &raw mut n,
            &raw mut folded,
        )
    };
    Ok(if st == alpr_status::Ok {
        json!({ "plate": String::from_utf8_lossy(&buf[..n]), "folded": folded })
    } else {
        error_answer(st)
    })
}

pub(crate) fn jurisdiction(case: &Value) -> Result<Value, String> {
    let raw = str_field(case, "input")?;
    let mut buf = [0u8; 3];
    let mut n = 0usize;
    // SAFETY: raw is valid for raw.len() bytes; buf and n are valid out-pointers.
    let st = unsafe {
        alpr::plate::alpr_jurisdiction_normalize(raw.as_ptr(), raw.len(), buf.as_mut_ptr(), buf.len(), &raw mut n)
    };
    Ok(if st == alpr_status::Ok {
        json!({ "jurisdiction": String::from_utf8_lossy(&buf[..n]) })
    } else {
        error_answer(st)
    })
}
