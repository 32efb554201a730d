//! Suites `hotlist_load` and `hotlist_file`.

use std::sync::Arc;

use serde_json::{Value, json};

use alpr_core::hotlist::{Format, ListMeta};
use alpr_core::registry::{RawList, Registry};
use alpr_core::vocab::{Category, ListKind};
use alpr_core::{Policy, time};

use super::{error_answer, str_field};

/// The case's policy: the built-in profile with the case's overrides.
pub(crate) fn policy(case: &Value) -> Result<Policy, String> {
    match case.get("policy") {
        Some(o) => Policy::sacramento().with_overrides(o).map_err(|e| e.to_string()),
        None => Ok(Policy::sacramento()),
    }
}

pub(crate) fn load(case: &Value) -> Result<Value, String> {
    let reg = Registry::new(Arc::new(policy(case)?));
    let list = case.get("list").ok_or("case has no list")?;
    let raw = RawList::from_json(&list.to_string()).map_err(|e| e.to_string())?;
    Ok(match reg.load(raw.meta, &raw.entries) {
        Ok(r) => json!({
            "accepted": r.accepted,
            "merged": r.merged,
            "rejected": serde_json::to_value(&r.rejected).map_err(|e| e.to_string())?,
        }),
        Err(e) => error_answer(&e),
    })
}

pub(crate) fn file(case: &Value) -> Result<Value, String> {
    let reg = Registry::new(Arc::new(policy(case)?));
    let format = Format::parse(str_field(case, "format")?).map_err(|e| e.to_string())?;
    let category = match case.get("category").and_then(Value::as_str) {
        Some(c) => Some(Category::parse(c).map_err(|e| e.to_string())?),
        None => None,
    };
    let bytes = alpr_conformance::case_bytes(case)?;
    let id = case.get("id").and_then(Value::as_str).unwrap_or("FILE").to_owned();
    let meta = ListMeta {
        id: id.clone(),
        kind: match case.get("kind").and_then(Value::as_str) {
            Some(k) => ListKind::parse(k).map_err(|e| e.to_string())?,
            None => ListKind::Standard,
        },
        priority: case
            .get("priority")
            .and_then(Value::as_u64)
            .map_or(10, |p| u8::try_from(p).unwrap_or(u8::MAX)),
        loaded_at: time::parse_instant(
            case.get("loaded_at")
                .and_then(Value::as_str)
                .unwrap_or("2026-11-28T08:00:00-08:00"),
        )
        .map_err(|e| e.to_string())?,
        source: String::new(),
        generated_at: None,
    };
    Ok(match reg.load_file(format, &bytes, meta, category) {
        Ok(r) => {
            let version = reg.get(&id).ok_or("loaded list is not in force")?;
            let accepted: Vec<Value> = version
                .entries()
                .iter()
                .map(alpr_core::hotlist::Entry::to_json)
                .collect();
            let mut v = json!({
                "accepted": accepted,
                "merged": r.merged,
                "rejected": serde_json::to_value(&r.rejected).map_err(|e| e.to_string())?,
            });
            if let Some(g) = r.generated_at {
                v["generated_at"] = json!(g.to_rfc3339());
            }
            v
        }
        Err(e) => error_answer(&e),
    })
}
