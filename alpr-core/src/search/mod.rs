//! Partial-plate search over stored detections (R-SEARCH-1, R-MATCH-7), with the retention
//! window enforced at query time (R-RET-6).
//!
//! A [`DetectionStore`] is a columnar, immutable set of detections, built once by a
//! [`DetectionStoreBuilder`] (like a list version: a new batch gives a new store). A
//! [`DetectionQuery`] names a plate or a `?`/`*` pattern (§3.4), an optional time window (`from`
//! inclusive, `to` exclusive) and an optional radius around a point (great-circle distance on a
//! sphere of radius [`EARTH_RADIUS_M`](crate::geo::EARTH_RADIUS_M)). [`DetectionStore::search`] returns the matching row
//! numbers in ascending order; [`DetectionStore::search_ids`] the detection ids.
//!
//! This module is the pure search: it does not decide access and writes no audit record. The
//! guarded entry point (R-SEARCH-1: access decision and audit record first, R-AUDIT-3) wraps it.
//!
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
//! use alpr_core::search::{DetectionQuery, DetectionStoreBuilder, Retention};
//! use alpr_core::{PatternLimits, PlateOrPattern};
//! let mut b = DetectionStoreBuilder::new();
//! b.push_ms(1, "7ABC123".parse()?, None, 1_000, 38.58, -121.49, None)?;
//! b.push_ms(2, "8XYZ999".parse()?, None, 2_000, 38.58, -121.49, None)?;
//! let store = b.build()?;
//! let q = DetectionQuery::new(PlateOrPattern::parse("?ABC1*", PatternLimits::default())?);
//! assert_eq!(store.search_ids(&q, &Retention::keep_all())?, vec![1]);
//! # Ok::<(), alpr_core::Error>(())
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
