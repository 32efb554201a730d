//! Partial-plate search over stored detections (R-SEARCH-1, R-MATCH-7), with the retention
//! window enforced at query time (R-RET-6).
//!
//! A [`DetectionStore`] is a columnar, immutable set of detections, built once by a
//! [`DetectionStoreBuilder`] (like a list version: a new batch gives a new store). A
//! [`DetectionQuery`] names a plate or a `?`/`*` pattern (§3.4), an optional time window (`from`
//! inclusive, `to` exclusive) and an optional radius around a point (great-circle distance on a
//! sphere of radius [`EARTH_RADIUS_M`](crate::geo::EARTH_RADIUS_M)).
//!
//! This module is the pure search, and it is crate-private: it decides no access and writes no
//! record, and R-AUDIT-1 allows no read of stored detections without both. A store is searched
//! through an agency ([`crate::agency::Agency::search`]: the access decision and the audit record
//! first, R-SEARCH-1, R-AUDIT-3), whose rows [`DetectionStore::row`] and
//! [`DetectionStore::ids_of`] then read.

//! # Index
//!
//! Distinct plates are dictionary-encoded in sorted order. Candidates for a pattern come from the
//! cheapest of: the range of plates starting with the pattern's literal prefix (binary search);
//! the range of plates ending with its literal suffix (a second order, by reversed text);
//! positional trigram posting lists counted from the start or from the end of the plate (three
//! consecutive literals at a fixed offset); a union of the trigram lists over every offset for a
//! segment between two `*`. Every candidate is then checked with the pattern rule, so the
//! index only ever narrows. Plates map to detection rows through a CSR whose rows are sorted by
//! time within each plate, so a time window or the retention boundary is a binary search a plate.
//!
//! ```
//! use std::sync::Arc;
//! use alpr_core::access::AccessRequest;
//! use alpr_core::agency::{Agency, Clock};
//! use alpr_core::audit::MemoryStore;
//! use alpr_core::search::{DetectionQuery, DetectionStoreBuilder};
//! use alpr_core::{PlateOrPattern, Policy};
//! let mut b = DetectionStoreBuilder::new();
//! let now = alpr_core::time::parse_instant("2026-11-28T12:00:00-08:00")?;
//! b.push(1, "7ABC123".parse()?, None, now, 38.58, -121.49, None)?;
//! b.push(2, "8XYZ999".parse()?, None, now, 38.58, -121.49, None)?;
//! let store = b.build()?;
//! let roster = serde_json::from_str(
//!     r#"[{"id": "c1", "agency": "SPD", "roles": ["investigator"], "account": "active",
//!          "trained_on": "2026-06-01", "clearance": true}]"#,
//! )?;
//! let clock = Clock::fixed_for_tests_and_replays(now);
//! let mut agency = Agency::for_tests_and_replays("SPD", Arc::new(Policy::sacramento()), MemoryStore::new(), roster, clock)?;
//! let request: AccessRequest = serde_json::from_str(r#"{"action": "query_detections", "purpose": "stolen_vehicle"}"#)?;
//! let q = DetectionQuery::new(PlateOrPattern::parse("?ABC1*", Policy::sacramento().pattern_limits())?);
//! let rows = agency.search(&store, "c1", &request, &q)?; // decided and recorded first
//! assert_eq!(store.ids_of(&rows), vec![1]);
//! let last = agency.log().store().entries().last().map(|e| e.record.action.clone());
//! assert_eq!(last.as_deref(), Some("query_detections")); // the search's own record
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

//!
//! # Parts
//!
//! - `store`: the columnar [`DetectionStore`], its builder and its JSON shape.
//! - `index`: the dictionary's suffix order and the positional trigram posting lists.
//! - `plan`: the query planner (the cheapest source of candidates), verification and the search
//!   itself.
//! - `visibility`: the retention boundary a search applies ([`Retention`], [`DueRule`]).
//!
//! Distances come from [`crate::geo`].

mod index;
mod plan;
mod store;
mod visibility;

use crate::error::{Code, Error, Position, Result};
use crate::geo::valid_lat_lon;
use crate::pattern::PlateOrPattern;
use crate::time::Instant;

pub use store::{DetectionRow, DetectionStore, DetectionStoreBuilder};
pub use visibility::{DueRule, Retention, detection_due_rule};

fn invalid(detail: &'static str) -> Error {
    Error::new(Code::InvalidArgument).with_detail(detail)
}

fn invalid_at(detail: &'static str, index: usize) -> Error {
    invalid(detail).with_position(Position {
        line: None,
        column: None,
        character: None,
        index: Some(u32::try_from(index).unwrap_or(u32::MAX)),
    })
}

/// A point and a radius for canvassing (G.O. §C.1.b).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Near {
    /// Latitude in degrees, -90 to 90.
    pub lat: f64,
    /// Longitude in degrees, -180 to 180.
    pub lon: f64,
    /// Radius in metres, 0 or more; a detection exactly at the radius is inside.
    pub radius_m: f64,
}

impl Near {
    fn validate(&self) -> Result<()> {
        if !valid_lat_lon(self.lat, self.lon) {
            return Err(invalid("point outside -90..90 latitude or -180..180 longitude"));
        }
        if !(self.radius_m.is_finite() && self.radius_m >= 0.0) {
            return Err(invalid("radius must be a finite number of metres, 0 or more"));
        }
        Ok(())
    }
}

/// A search: a plate or pattern, an optional time window and an optional radius (R-SEARCH-1).
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionQuery {
    /// The plate (exact search) or pattern.
    pub term: PlateOrPattern,
    /// Earliest `observed_at`, inclusive.
    pub from: Option<Instant>,
    /// End of the window, exclusive.
    pub to: Option<Instant>,
    /// Only detections within this radius of this point.
    pub near: Option<Near>,
}

impl DetectionQuery {
    /// A query for `term` over all time and everywhere.
    pub fn new(term: PlateOrPattern) -> DetectionQuery {
        DetectionQuery {
            term,
            from: None,
            to: None,
            near: None,
        }
    }
}

#[cfg(test)]
mod tests;
