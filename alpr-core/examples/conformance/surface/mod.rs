//! The Rust API as a conformance surface: each suite's adapter turns a case's input into core
//! calls and the result into the answer object. One module per suite family.

use serde_json::{Value, json};

use alpr_core::Error;

mod governance;
mod hotlist;
mod matching;
mod plate;
mod search;
mod workflow;

/// Runs cases through `alpr-core` directly.
pub(crate) struct RustSurface;

impl alpr_conformance::Surface for RustSurface {
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
            _ => Err(format!("suite {suite} is not implemented by the Rust runner")),
        }
    }
}

/// The answer for a failed operation: its code and, where known, its position.
pub(crate) fn error_answer(e: &Error) -> Value {
    let mut v = json!({ "error": e.code().as_str() });
    let p = e.position();
    if let Some(c) = p.character {
        v["position"] = json!(c);
    }
    if let Some(l) = p.line {
        v["error_line"] = json!(l);
    }
    v
}

/// A string field of a case.
pub(crate) fn str_field<'a>(case: &'a Value, key: &str) -> Result<&'a str, String> {
    case.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("case has no string {key}"))
}
