//! Entries as JSON: the shape of the conformance vectors' `accepted` entries, used by the C ABI's
//! entry accessor and the Python `Registry.entries`.

use serde_json::{Map, Value, json};

use crate::hotlist::Entry;
use crate::pattern::PlateOrPattern;

impl Entry {
    /// The entry as a JSON object: `plate` or `pattern`, and where set `jurisdiction`,
    /// `plate_type`, `category`, `record_id`, `incident_date` (`YYYY-MM-DD`), `expires_at`
    /// (RFC 3339, UTC), `vehicle` (`year` a number, `make`, `model`, `color`, `style`),
    /// `caution` (when a flag is set) and `attributes`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        match &self.key {
            PlateOrPattern::Plate(p) => m.insert("plate".into(), json!(p.to_string())),
            PlateOrPattern::Pattern(p) => m.insert("pattern".into(), json!(p.to_string())),
        };
        if let Some(j) = &self.jurisdiction {
            m.insert("jurisdiction".into(), json!(j.as_str()));
        }
        if let Some(t) = &self.plate_type {
            m.insert("plate_type".into(), json!(t.as_str()));
        }
        m.insert("category".into(), json!(self.category.as_str()));
        if let Some(r) = &self.record_id {
            m.insert("record_id".into(), json!(r));
        }
        if let Some(d) = self.incident_date {
            m.insert("incident_date".into(), json!(d.format("%Y-%m-%d").to_string()));
        }
        if let Some(t) = self.expires_at {
            m.insert("expires_at".into(), json!(t.to_rfc3339()));
        }
        if let Some(v) = self.vehicle.as_deref().filter(|v| !v.is_empty()) {
            m.insert("vehicle".into(), serde_json::to_value(v).unwrap_or(Value::Null));
        }
        if self.caution.armed_dangerous || self.caution.hold_for_prints {
            m.insert(
                "caution".into(),
                serde_json::to_value(self.caution).unwrap_or(Value::Null),
            );
        }
        if !self.attributes.is_empty() {
            m.insert("attributes".into(), json!(self.attributes));
        }
        Value::Object(m)
    }
}
