//! `alpr-core` makes the rules of an Automated License Plate Reader deployment executable: plate
//! normalization, hot-list ingest and matching, the hit workflow, officer hot plates, retention
//! and legal holds, access control, a tamper-evident audit log, sharing and partial-plate search,
//! as the Sacramento Police Department's General Order 525.08 and California law require.
//!
//! It is pure: it parses bytes handed to it and returns values; it does no I/O, and reads no
//! clock (time is an argument) except in [`agency::Agency`], whose guarded operations take their
//! time from the system clock so that a caller cannot choose it. The C ABI (`alpr-ffi`) and the Python package (`alpr-py`) are thin
//! skins over it.
//!
//! ```
//! use alpr_core::{normalize, Jurisdiction};
//! let read = normalize("7abc-123")?;
//! assert_eq!(read.plate.to_string(), "7ABC123");
//! assert_eq!(Jurisdiction::parse(" ca ")?.as_str(), "CA");
//! # Ok::<(), alpr_core::Error>(())
//! ```
//!
//! # Overview
//!
//! The modules form layers and import only downward (`tests/layers.rs` checks it and that the
//! import graph has no cycle), bottom to top:
//!
//! 1. Shared pieces: [`error`] (the one error taxonomy, [`Code`], [`Error`]), [`vocab`] (the
//!    `vocab!` names and the shared enums: list kind, category, origin), [`time`] (calendar
//!    arithmetic in the agency time zone, Unix-millisecond conversions), [`geo`] (great-circle
//!    distance), [`json`] (JSON text in, errors that never echo it).
//! 2. [`plate`]: [`Plate`] (packed, `Copy`), [`Jurisdiction`], [`PlateType`], [`normalize`];
//!    [`pattern`]: `?`/`*` patterns and the one implementation of their rule.
//! 3. [`policy`]: the policy profile, every number of the specification as data.
//! 4. [`index`]: the compiled per-version match index (it proposes candidates; the rules decide).
//! 5. [`hotlist`]: entries, ingest validation, file formats, list versions.
//! 6. [`matching`]: reads, hits, [`matching::Matcher`] (SPEC §3); [`registry`]: the versions in
//!    force, swapped atomically.
//! 7. [`workflow`] (the hit workflow, R-HIT, and the dispatch packet), [`hotplate`] (officer
//!    hot plates, R-HOTPLATE), [`ops`] (inspections, shift checks, R-OPS), [`records`]
//!    (public-records referrals, R-PRA), [`retention`] (data classes, legal holds, purge plans,
//!    R-RET), [`access`] (deny-by-default decisions, R-ACCESS), [`audit`] (the hash-chained log
//!    and the quarterly report, R-AUDIT), [`sharing`] (R-SHARE with the California overlay),
//!    [`search`] (partial-plate search over stored detections, [`search::DetectionStore`]).
//! 8. [`analytics`]: retro-hits' result type; its building blocks are crate-private, composed
//!    only by the agency (R-AUDIT-1: no read of stored detections without the access decision
//!    and the audit record).
//! 9. [`agency`]: the agency context ([`agency::Agency`]): policy, roster, legal holds, clock and
//!    audit log bound together; every guarded operation recorded first.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod access;
pub mod agency;
pub mod analytics;
pub mod audit;
pub mod error;
pub mod geo;
pub mod hotlist;
pub mod hotplate;
pub mod index;
pub mod json;
pub mod matching;
pub mod ops;
pub mod pattern;
pub mod plate;
pub mod policy;
pub mod records;
pub mod registry;
pub mod retention;
pub mod search;
pub mod sharing;
mod threads;
pub mod time;
pub mod vocab;
pub mod workflow;

pub use error::{Code, Error, Position, Result};
pub use pattern::{Pattern, PatternLimits, PlateOrPattern};
pub use plate::{Jurisdiction, Normalized, PLATE_MAX_LEN, Plate, PlateType, normalize};
pub use policy::Policy;

/// The library version (`CARGO_PKG_VERSION`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    /// The core types may be shared across threads and survive a caught panic.
    #[test]
    fn core_types_are_send_sync_unwind_safe() {
        fn assert_all<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
        assert_all::<crate::Plate>();
        assert_all::<crate::Error>();
        assert_all::<crate::Policy>();
        assert_all::<crate::Pattern>();
        assert_all::<crate::hotlist::Entry>();
        assert_all::<crate::retention::RetentionRules>();
        assert_all::<crate::retention::PurgePlan>();
        assert_all::<crate::audit::AuditLog<crate::audit::MemoryStore>>();
        assert_all::<crate::audit::AuditLog<crate::audit::FileStore>>();
        assert_all::<crate::access::Decision>();
        assert_all::<crate::sharing::SharingDecision>();
    }
}
