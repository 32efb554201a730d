//! The C ABI as a conformance surface: one module per suite family, each calling only
//! `extern "C"` functions with C-style arguments (pointer + length strings, caller buffers,
//! out-parameters, status codes).

use serde_json::{Value, json};

use alpr::alpr_status;

mod governance;
mod hotlist;
mod matching;
mod plate;
mod search;
mod workflow;

/// Runs cases through the exported C functions.
pub(crate) struct CSurface;

impl alpr_conformance::Surface for CSurface {
    fn answer(&mut self, suite: &str, case: &Value) -> Result<Value, String> {
        match suite {
            "normalize" => plate::normalize(case),
            "jurisdiction" => plate::jurisdiction(case),
            "hotlist_load" => hotlist::load(case),
            "hotlist_file" => hotlist::file(case),
            "hot_plate" => workflow::hot_plate(case),
            "hit_workflow" => workflow::hit_workflow(case),
            "operations" => workflow::operations(case),
            "public_records" => workflow::public_records(case),
            "search" => search::search(case),
            "retention" => governance::retention(case),
            "access" => governance::access(case),
            "sharing" => governance::sharing(case),
            "match" => matching::match_case(case),
            _ => Err(format!("suite {suite} is not implemented by the C ABI runner")),
        }
    }
}

/// The snake_case name of a status, through `alpr_status_str`.
pub(crate) fn status_name(status: alpr_status) -> String {
    let p = alpr::error::alpr_status_str(status as u32);
    // SAFETY: alpr_status_str returns static NUL-terminated text.
    unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The answer for a failed call: the code and, through `alpr_last_error_position`, its position.
pub(crate) fn error_answer(status: alpr_status) -> Value {
    let mut v = json!({ "error": status_name(status) });
    let mut pos = alpr::error::alpr_position {
        line: -1,
        column: -1,
        character: -1,
        index: -1,
    };
    // SAFETY: pos is a valid out-pointer.
    if unsafe { alpr::error::alpr_last_error_position(&raw mut pos) } == alpr_status::Ok {
        if pos.character >= 0 {
            v["position"] = json!(pos.character);
        }
        if pos.line >= 0 {
            v["error_line"] = json!(pos.line);
        }
    }
    v
}

/// A string field of a case.
pub(crate) fn str_field<'a>(case: &'a Value, key: &str) -> Result<&'a str, String> {
    case.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("case has no string {key}"))
}
