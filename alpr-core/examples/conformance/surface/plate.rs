//! Suites `normalize` and `jurisdiction`.

use serde_json::{Value, json};

use super::{error_answer, str_field};

pub(crate) fn normalize(case: &Value) -> Result<Value, String> {
    Ok(match alpr_core::normalize(str_field(case, "input")?) {
        Ok(n) => json!({ "plate": n.plate.to_string(), "folded": n.folded }),
        Err(e) => error_answer(&e),
    })
}

pub(crate) fn jurisdiction(case: &Value) -> Result<Value, String> {
    Ok(match alpr_core::Jurisdiction::parse(str_field(case, "input")?) {
        Ok(j) => json!({ "jurisdiction": j.as_str() }),
        Err(e) => error_answer(&e),
    })
}
