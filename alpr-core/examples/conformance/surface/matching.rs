//! Suite `match`: lists loaded with `Registry::load` under the case's policy, then
//! `Matcher::match_read` over the registry's snapshot.

use std::sync::Arc;

use serde_json::{Value, json};

use alpr_core::matching::Read;
use alpr_core::registry::{RawList, Registry};
use alpr_core::vocab::Origin;
use alpr_core::{Jurisdiction, PlateType, Policy};

use super::{error_answer, str_field};

fn instant(case: &Value, key: &str) -> Result<alpr_core::time::Instant, String> {
    alpr_core::time::parse_instant(str_field(case, key)?).map_err(|e| format!("{key}: {e}"))
}

pub(crate) fn match_case(case: &Value) -> Result<Value, String> {
    let policy = match case.get("policy") {
        Some(o) => Policy::sacramento().with_overrides(o).map_err(|e| e.to_string())?,
        None => Policy::sacramento(),
    };
    let reg = Registry::new(Arc::new(policy));
    for list in case.get("lists").and_then(Value::as_array).into_iter().flatten() {
        // A version that fails to load leaves the previous one in force (R-LIST-4): the match
        // goes on without it.
        if let Ok(raw) = RawList::from_json(&list.to_string()) {
            let _ = reg.load(raw.meta, &raw.entries);
        }
    }
    let now = instant(case, "now")?;
    let r = case.get("read").ok_or("case has no read")?;
    let opt = |k: &str| r.get(k).and_then(Value::as_str);
    // A read whose state or plate type does not parse cannot be matched: its error is the
    // answer, as the C and Python surfaces give it.
    let jurisdiction = match opt("jurisdiction").map(Jurisdiction::parse).transpose() {
        Ok(j) => j,
        Err(e) => return Ok(error_answer(&e)),
    };
    let plate_type = match opt("plate_type").map(PlateType::parse).transpose() {
        Ok(t) => t,
        Err(e) => return Ok(error_answer(&e)),
    };
    let read = Read {
        jurisdiction,
        plate_type,
        origin: opt("origin")
            .map_or(Ok(Origin::Vehicle), Origin::parse)
            .map_err(|e| e.to_string())?,
        ..Read::new(str_field(r, "plate")?, instant(r, "observed_at")?)
    };
    // A `match` case has no viewer (R-LIST-2: a match made without one does not return covert
    // hits): the registry's own match, which withholds them; a viewer gets them through an
    // `Agency`.
    Ok(match reg.match_read(&read, now) {
        Ok(hits) => {
            let hits: Vec<Value> = hits
                .iter()
                .map(|h| serde_json::to_value(h.explain()).unwrap_or_default())
                .collect();
            json!({ "hits": hits })
        }
        Err(e) => error_answer(&e),
    })
}
