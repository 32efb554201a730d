//! Suites `retention`, `access` and `sharing`.

use serde_json::{Value, json};

use alpr_core::Policy;
use alpr_core::retention::{PlanRecord, RetentionRules};
use alpr_core::time::parse_instant;

use super::{error_answer, str_field};

/// The case's policy: the built-in profile with the case's overrides.
pub(crate) fn policy(case: &Value) -> Result<Policy, alpr_core::Error> {
    match case.get("policy") {
        Some(o) => Policy::sacramento().with_overrides(o),
        None => Ok(Policy::sacramento()),
    }
}

fn instant(case: &Value, key: &str) -> Result<alpr_core::time::Instant, String> {
    parse_instant(str_field(case, key)?).map_err(|e| e.to_string())
}

pub(crate) fn retention(case: &Value) -> Result<Value, String> {
    let policy = match policy(case) {
        Ok(p) => p,
        Err(e) => return Ok(error_answer(&e)),
    };
    let rules = RetentionRules::from_policy(&policy);
    let now = instant(case, "now")?;
    let mut records = Vec::new();
    for (i, r) in case["records"].as_array().into_iter().flatten().enumerate() {
        let class = match rules.class(str_field(r, "class")?) {
            Ok(c) => c,
            Err(e) => return Ok(error_answer(&e.at_index(i as u32))),
        };
        let captured_at = match parse_instant(str_field(r, "captured_at")?) {
            Ok(t) => t,
            Err(e) => return Ok(error_answer(&e.at_index(i as u32))),
        };
        records.push(PlanRecord {
            id: r["id"].as_u64().ok_or("record without id")?,
            class,
            captured_at,
        });
    }
    // A hold is an id, or an object naming its record (`id`), case and kind (R-RET-3), as in `search`.
    let holds = case["holds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            h.as_u64()
                .or_else(|| h.get("id").and_then(Value::as_u64))
                .ok_or("hold without id")
        })
        .collect::<Result<_, _>>()?;
    let plan = rules.plan(&records, &holds, now);
    let ids = |b: &roaring::RoaringTreemap| b.iter().collect::<Vec<u64>>();
    Ok(json!({
        "due": ids(&plan.due),
        "held": ids(&plan.held),
        "eligible": ids(&plan.eligible),
        "next_due_at": plan.next_due_at.map(|t| t.to_rfc3339()),
    }))
}

pub(crate) fn access(case: &Value) -> Result<Value, String> {
    let policy = match policy(case) {
        Ok(p) => p,
        Err(e) => return Ok(error_answer(&e)),
    };
    let user: alpr_core::access::User = serde_json::from_value(case["user"].clone()).map_err(|e| e.to_string())?;
    let request: alpr_core::access::AccessRequest =
        serde_json::from_value(case["request"].clone()).map_err(|e| e.to_string())?;
    let d = alpr_core::access::decide(&user, &request, instant(case, "now")?, &policy);
    Ok(json!({ "decision": d.outcome().as_str(), "reasons": d.reasons }))
}

pub(crate) fn sharing(case: &Value) -> Result<Value, String> {
    let policy = match policy(case) {
        Ok(p) => p,
        Err(e) => return Ok(error_answer(&e)),
    };
    let request: alpr_core::sharing::ShareRequest =
        serde_json::from_value(case["request"].clone()).map_err(|e| e.to_string())?;
    Ok(match alpr_core::sharing::decide(&request, &policy) {
        Ok(d) => json!({ "decision": d.decision.as_str(), "approver": d.approver, "reasons": d.reasons }),
        Err(e) => error_answer(&e),
    })
}
